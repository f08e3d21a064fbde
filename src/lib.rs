//! tokenwarden: a browser admin page for GitLab access tokens.
//!
//! The crate is thin on purpose: decisions live in `domain`; this crate wires them to the DOM
//! (Yew components) and to `fetch` (one client over a swappable transport).

pub mod app;
pub mod client;
pub mod clipboard;
pub mod components;
pub mod context;
pub mod handover;
pub mod hooks;
pub mod keep;
pub mod policy;
pub mod session;
pub mod state;
pub mod time;
pub mod transport;

pub use app::{App, AppProps, Parts};
pub use domain::Route;

/// The first visit (`src/main.rs`): the sign-in, on the real network, unless the page is
/// framed. It hands over to the rest of the page once signed in (`handover`).
pub fn run() {
    if let Some(root) = start_root() {
        let handle = yew::Renderer::<App>::with_root_and_props(
            root.clone(),
            AppProps::browser(Parts::sign_in()),
        )
        .render();
        handover::keep_sign_in(handle, root);
    }
}

/// The rest of the page (`src/bin/app.rs`), taking over from the sign-in with what it handed
/// over. False when that could not be read: the sign-in then says the page failed to load.
pub fn run_full(handover_text: String) -> bool {
    if !handover::receive(handover_text) {
        return false;
    }
    if let Some(root) = start_root() {
        yew::Renderer::<App>::with_root_and_props(root, AppProps::browser(Parts::full())).render();
    }
    true
}

/// A fresh element at the end of `<body>` for one module's app: each module's app has its own
/// root, so the two never handle each other's events. None when the page must not start.
fn start_root() -> Option<web_sys::Element> {
    yew::set_custom_panic_hook(Box::new(on_panic));
    if framed() {
        // A meta tag cannot carry `frame-ancestors`: a page that frames this one could overlay
        // it and trick clicks, so it does not start at all.
        show_alert(
            "refused-frame",
            "tokenwarden does not run inside a frame. Open it in its own tab.",
        );
        return None;
    }
    let document = web_sys::window()?.document()?;
    let root = document.create_element("div").ok()?;
    document.body()?.append_child(&root).ok()?;
    Some(root)
}

/// Whether another page frames this one (`window.top !== window`).
fn framed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match window.top() {
        Ok(Some(top)) => top != window,
        // A cross-origin top that cannot even be named is a frame too.
        _ => true,
    }
}

/// A message straight into `<body>`, for when the app cannot (or must not) run.
fn show_alert(testid: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    if let Ok(el) = document.create_element("div") {
        el.set_class_name("crash");
        el.set_attribute("role", "alert").ok();
        el.set_attribute("data-testid", testid).ok();
        el.set_text_content(Some(text));
        body.append_child(&el).ok();
    }
}

/// A panic stops the app for good; say so on the page instead of leaving a frozen screen. The
/// panic's own text goes to the console only: the page shows no internals.
fn on_panic(info: &std::panic::PanicHookInfo<'_>) {
    web_sys::console::error_1(&format!("tokenwarden stopped: {info}").into());
    show_alert(
        "crash",
        "tokenwarden hit an internal error and stopped. Reload the page to start again; your token was not saved anywhere.",
    );
}

/// Talc instead of Rust's default dlmalloc: the same job in fewer bytes of the first visit (see
/// the README's size table). `disable-grow-in-place` (Cargo.toml) trades a copy on some
/// reallocations for a smaller module; the page's strings and lists are small.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
