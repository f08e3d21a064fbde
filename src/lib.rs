//! tokenwarden: a browser admin page for GitLab access tokens.
//!
//! The crate is thin on purpose: decisions live in `domain`; this crate wires them to the DOM
//! (Yew components) and to `fetch` (one client over a swappable transport).

pub mod app;
pub mod client;
pub mod clipboard;
pub mod components;
pub mod context;
pub mod hooks;
pub mod keep;
pub mod session;
pub mod state;
pub mod time;
pub mod transport;

pub use app::{App, AppProps};
pub use domain::Route;

/// Mounts the app on `<body>` with the real network, unless the page is framed.
pub fn run() {
    yew::set_custom_panic_hook(Box::new(on_panic));
    if framed() {
        // A meta tag cannot carry `frame-ancestors`: a page that frames this one could overlay
        // it and trick clicks, so it does not start at all.
        show_alert(
            "refused-frame",
            "tokenwarden does not run inside a frame. Open it in its own tab.",
        );
        return;
    }
    yew::Renderer::<App>::with_props(AppProps::browser()).render();
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
