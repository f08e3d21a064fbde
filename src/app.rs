//! The root: router, app state, the connect gate and the reveal host.

use crate::components::connect::ConnectPage;
use crate::components::header::Header;
use crate::components::projects::ProjectsPage;
use crate::components::reveal::{Reveal, RevealDialog};
use crate::components::tokens_page::TokensPage;
use crate::session::Session;
use crate::state::{Action, AppState};
use crate::transport::{BrowserTransport, Transport};
use std::rc::Rc;
use yew::prelude::*;
use yew_router::history::AnyHistory;
use yew_router::prelude::*;

/// Deep links live in the URL fragment (`#/projects/42`), so they work from any sub-path of a
/// static host with no server rewrite rules.
#[derive(Clone, Routable, PartialEq, Debug)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/projects")]
    Projects,
    #[at("/projects/:id")]
    ProjectTokens { id: String },
    #[not_found]
    #[at("/404")]
    NotFound,
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
    /// Tests pass a memory history; the page uses the URL fragment.
    #[prop_or_default]
    pub history: Option<AnyHistory>,
}

impl AppProps {
    pub fn browser() -> Self {
        AppProps {
            transport: TransportHandle(Rc::new(BrowserTransport)),
            history: None,
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
    let shell = html! { <Shell transport={props.transport.clone()} /> };
    match &props.history {
        Some(h) => html! { <Router history={h.clone()}>{ shell }</Router> },
        None => html! { <HashRouter>{ shell }</HashRouter> },
    }
}

#[derive(Properties, PartialEq)]
struct ShellProps {
    transport: TransportHandle,
}

#[component]
fn Shell(props: &ShellProps) -> Html {
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
                            Some(_) => html! { <Switch<Route> render={switch} /> },
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

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Redirect<Route> to={Route::Projects} /> },
        Route::Projects => html! { <ProjectsPage /> },
        Route::ProjectTokens { id } => html! { <TokensPage project={id} /> },
        Route::NotFound => html! {
            <section class="page">
                <h1>{ "Page not found" }</h1>
                <p>{ "This address does not lead to a tokenwarden page." }</p>
                <Link<Route> to={Route::Projects} classes="btn">{ "Go to your projects" }</Link<Route>>
            </section>
        },
    }
}
