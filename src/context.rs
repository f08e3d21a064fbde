//! What pages share: the app context, the transport handle and the route hook. Kept apart from
//! `app.rs` so pages and the app never import each other.

use crate::session::Session;
use crate::state::Action;
use crate::transport::Transport;
use domain::config::SiteConfig;
use domain::models::CreatedToken;
use domain::{GitLabUrl, Kind, Route};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The network, swappable so browser tests run without one.
#[derive(Clone)]
pub struct TransportHandle(pub Rc<dyn Transport>);

impl PartialEq for TransportHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A secret on its way to the user, with what the reveal needs for its facts and snippets.
pub struct Reveal {
    pub heading: String,
    pub kind: Kind,
    pub created: CreatedToken,
    pub gitlab: GitLabUrl,
    /// The project or group's full path, for clone snippets; empty for personal tokens.
    pub owner_path: String,
    pub project_id: Option<u64>,
    /// The username that goes with the secret: the bot user, yours, or the deploy token's.
    pub username: Option<String>,
    /// The container registry to log in to, when GitLab reported one for the project.
    pub registry_host: Option<String>,
}

impl PartialEq for Reveal {
    /// Identity: two reveals are never the same secret.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// The deployment's `config.json`, once read.
#[derive(Clone, PartialEq)]
pub enum Settings {
    Loading,
    /// Read, or absent (all defaults).
    Ready(Rc<SiteConfig>),
    /// Present but unusable: the page says why and works without it.
    Broken(String),
}

impl Settings {
    /// The settings to use: defaults while loading or when the file is broken.
    pub fn config(&self) -> Rc<SiteConfig> {
        match self {
            Settings::Ready(c) => c.clone(),
            _ => Rc::default(),
        }
    }
}

/// What pages read from context; components below pages get props and callbacks instead.
#[derive(Clone, PartialEq)]
pub struct AppCtx {
    pub session: Option<Rc<Session>>,
    pub transport: TransportHandle,
    pub settings: Settings,
    pub tokens_epoch: u32,
    pub highlight: Option<(Kind, u64)>,
    pub rotations: Rc<Vec<(u64, u64)>>,
    pub dispatch: Callback<Action>,
    /// Hands a new secret to the reveal dialog, which alone keeps it.
    pub reveal: Callback<Reveal>,
}

fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::from_hash(&hash)
}

/// The route in the URL fragment, following the browser's `hashchange` (links, back, forward).
/// Plain `<a href="#/…">` links navigate, so keyboard use and "open in new tab" just work.
#[hook]
pub fn use_route() -> Route {
    let route = use_state(current_route);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || route.set(current_route()));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    (*route).clone()
}
