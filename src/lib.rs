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
pub mod session;
pub mod state;
pub mod time;
pub mod transport;

pub use app::{App, AppProps};
pub use domain::Route;

/// Mounts the app on `<body>` with the real network.
pub fn run() {
    yew::set_custom_panic_hook(Box::new(on_panic));
    yew::Renderer::<App>::with_props(AppProps::browser()).render();
}

/// A panic stops the app for good; say so on the page instead of leaving a frozen screen. The
/// panic's own text goes to the console only: the page shows no internals.
fn on_panic(info: &std::panic::PanicHookInfo<'_>) {
    web_sys::console::error_1(&format!("tokenwarden stopped: {info}").into());
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    if let Ok(el) = document.create_element("div") {
        el.set_class_name("crash");
        el.set_attribute("role", "alert").ok();
        el.set_attribute("data-testid", "crash").ok();
        el.set_text_content(Some(
            "tokenwarden hit an internal error and stopped. Reload the page to start again; your token was not saved anywhere.",
        ));
        body.append_child(&el).ok();
    }
}

/// Talc instead of Rust's default dlmalloc: the same job in fewer bytes of the first visit (see
/// the README's size table). `disable-grow-in-place` (Cargo.toml) trades a copy on some
/// reallocations for a smaller module; the page's strings and lists are small.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
