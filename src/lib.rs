//! tokenwarden: a browser admin page for GitLab access tokens.
//!
//! The crate is thin on purpose: decisions live in `domain`; this crate wires them to the DOM
//! (Yew components) and to `fetch` (one client over a swappable transport).

pub mod app;
pub mod client;
pub mod clipboard;
pub mod components;
pub mod session;
pub mod state;
pub mod time;
pub mod transport;

pub use app::{App, AppProps, Route};

/// Mounts the app on `<body>` with the real network.
pub fn run() {
    yew::Renderer::<App>::with_props(AppProps::browser()).render();
}
