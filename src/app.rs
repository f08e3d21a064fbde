//! The root: app state, the connect gate, the fragment router and the reveal host.

use crate::components::connect::ConnectPage;
use crate::components::header::Header;
use crate::components::projects::ProjectsPage;
use crate::components::reveal::{Reveal, RevealDialog};
use crate::components::tokens_page::TokensPage;
use crate::session::Session;
use crate::state::{Action, AppState};
use crate::transport::{BrowserTransport, Transport};
use domain::Route;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

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

/// The network, swappable so browser tests run without one.
#[derive(Clone)]
pub struct TransportHandle(pub Rc<dyn Transport>);

impl PartialEq for TransportHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct AppProps {
    pub transport: TransportHandle,
}

impl AppProps {
    pub fn browser() -> Self {
        AppProps {
            transport: TransportHandle(Rc::new(BrowserTransport)),
        }
    }
}

/// What pages read from context; components below pages get props and callbacks instead.
#[derive(Clone, PartialEq)]
pub struct AppCtx {
    pub session: Option<Rc<Session>>,
    pub transport: TransportHandle,
    pub tokens_epoch: u32,
    pub dispatch: Callback<Action>,
    /// Hands a new secret to the reveal dialog, which alone keeps it.
    pub reveal: Callback<Reveal>,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let route = use_route();
    let state = use_reducer(AppState::default);
    let reveal = use_state(|| None::<Rc<Reveal>>);
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: Action| state.dispatch(a))
    };
    let open_reveal = {
        let reveal = reveal.clone();
        Callback::from(move |r: Reveal| reveal.set(Some(Rc::new(r))))
    };
    let close_reveal = {
        let reveal = reveal.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            // Dropping the last Rc wipes the secret; then every list reloads.
            reveal.set(None);
            dispatch.emit(Action::TokensChanged);
        })
    };
    let ctx = AppCtx {
        session: state.session.clone(),
        transport: props.transport.clone(),
        tokens_epoch: state.tokens_epoch,
        dispatch: dispatch.clone(),
        reveal: open_reveal,
    };
    let on_dismiss = dispatch.reform(|_| Action::DismissNotice);
    html! {
        <ContextProvider<AppCtx> context={ctx}>
            <div class="app">
                <Header session={state.session.clone()} on_disconnect={dispatch.reform(|_| Action::Disconnect)} />
                <main id="main" class="main">
                    {
                        match state.session.as_ref().and_then(|s| s.read_only_reason()) {
                            Some(reason) => html! { <div class="banner banner-info" role="status" data-testid="read-only">{ reason }</div> },
                            None => html! {},
                        }
                    }
                    {
                        match &state.session {
                            None => html! { <ConnectPage /> },
                            Some(_) => page(route),
                        }
                    }
                </main>
                {
                    match &state.notice {
                        Some(n) => html! {
                            <div class="notice" role="status" data-testid="notice" key={n.id}>
                                <span>{ &n.text }</span>
                                <button class="btn btn-quiet" aria-label="Dismiss" onclick={on_dismiss}>{ "×" }</button>
                            </div>
                        },
                        None => html! {},
                    }
                }
                {
                    match &*reveal {
                        Some(r) => html! { <RevealDialog reveal={r.clone()} on_close={close_reveal} /> },
                        None => html! {},
                    }
                }
            </div>
        </ContextProvider<AppCtx>>
    }
}

fn page(route: Route) -> Html {
    match route {
        Route::Projects => html! { <ProjectsPage /> },
        Route::ProjectTokens(project) => html! { <TokensPage {project} /> },
        Route::NotFound => html! {
            <section class="page">
                <h1>{ "Page not found" }</h1>
                <p>{ "This address does not lead to a tokenwarden page." }</p>
                <a href={Route::Projects.href()} class="btn">{ "Go to your projects" }</a>
            </section>
        },
    }
}
