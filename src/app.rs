//! The root: app state, the connect gate, the fragment router and the reveal host.

use crate::client::Client;
use crate::components::connect::ConnectPage;
use crate::components::credentials_page::CredentialsPage;
use crate::components::header::{header, HeaderProps};
use crate::components::inventory::InventoryPage;
use crate::components::places::PlacesPage;
use crate::components::reveal::RevealDialog;
use crate::components::token_check::TokenCheck;
use crate::context::{use_route, AppCtx, Reveal, Settings, TransportHandle};
use crate::handover::Opening;
use crate::keep;
use crate::session::sign_out;
use crate::state::{Action, AppState};
use crate::transport::BrowserTransport;
use crate::transport::{Auth, RawRequest, Transport};
use domain::config::SiteConfig;
use domain::kind::OwnerType;
use domain::request::Method;
use domain::Route;
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct AppProps {
    pub transport: TransportHandle,
    pub parts: Parts,
}

impl AppProps {
    pub fn browser(parts: Parts) -> Self {
        AppProps {
            transport: TransportHandle(Rc::new(BrowserTransport)),
            parts,
        }
    }
}

/// What one module of the page draws once signed in. Function pointers, so that each module
/// holds only the code its entry point names (see `handover`): the first visit's module has the
/// sign-in and hands over; the rest of the page has every page.
#[derive(Clone, Copy)]
pub struct Parts {
    pub page: fn(Route) -> Html,
    pub reveal: fn(Rc<Reveal>, Callback<()>) -> Html,
}

impl PartialEq for Parts {
    /// Fixed for the life of the app.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Parts {
    /// The first visit: sign-in, then the hand-over to the rest of the page.
    pub fn sign_in() -> Self {
        Parts {
            page: |_| html! { <Opening /> },
            reveal: |_, _| html! {},
        }
    }

    /// Every page.
    pub fn full() -> Self {
        Parts {
            page,
            reveal: |reveal, on_close| html! { <RevealDialog {reveal} {on_close} /> },
        }
    }
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let route = use_route();
    let state = use_reducer(AppState::default);
    let parts = props.parts;
    let reveal = use_state(|| None::<Rc<Reveal>>);
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: Action| {
            // Signed out, revoked or expired: what this tab kept goes first, before the sign-in
            // page (whose start picks up a kept session) is drawn.
            if matches!(a, Action::Disconnect | Action::SessionEnded(_)) {
                keep::clear();
            }
            state.dispatch(a)
        })
    };
    let open_reveal = {
        let reveal = reveal.clone();
        Callback::from(move |r: Reveal| reveal.set(Some(Rc::new(r))))
    };
    let close_reveal = {
        let reveal = reveal.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |_: ()| {
            // Dropping the last Rc wipes the secret; then every list reloads, the new row marked.
            if let Some(r) = &*reveal {
                dispatch.emit(Action::Highlight(r.kind, r.created.meta.id));
            }
            reveal.set(None);
            dispatch.emit(Action::TokensChanged);
        })
    };
    // The deployment's settings, read once at start; the page works without them.
    let settings = use_state(|| Settings::Loading);
    {
        let settings = settings.clone();
        let transport = props.transport.0.clone();
        use_effect_with((), move |_| {
            spawn_local(async move { settings.set(load_settings(transport).await) });
        });
    }
    let ctx = AppCtx {
        session: state.session.clone(),
        transport: props.transport.clone(),
        settings: (*settings).clone(),
        tokens_epoch: state.tokens_epoch,
        highlight: state.highlight,
        rotations: state.rotations.clone(),
        dispatch: dispatch.clone(),
        reveal: open_reveal,
    };
    let on_dismiss = dispatch.reform(|_| Action::DismissNotice);
    // The session's credential dying mid-session leads back to sign-in; a kept session is
    // kept up to date (a rotated token, a refreshed grant) and forgotten when it ends.
    // Reads waiting to ask GitLab again: said at the top of the page, with a way to stop them.
    let retrying = use_state_eq(|| None::<String>);
    {
        let dispatch = dispatch.clone();
        let retrying = retrying.clone();
        use_effect_with(state.session.clone(), move |session| {
            retrying.set(None);
            if let Some(s) = session {
                s.client
                    .on_retry(Callback::from(move |notice| retrying.set(notice)));
                s.client
                    .on_session_end(dispatch.reform(Action::SessionEnded));
                if s.keep {
                    keep::save(&s.client);
                    s.client
                        .on_refresh(Callback::from(|c: Client| keep::save(&c)));
                }
            }
        });
    }
    let on_disconnect = {
        let dispatch = dispatch.clone();
        let session = state.session.clone();
        Callback::from(move |_| {
            if let Some(s) = &session {
                spawn_local(sign_out(s.client.clone()));
            }
            dispatch.emit(Action::Disconnect);
        })
    };
    // A notice and a marked row speak of the page they came from: they do not follow the user
    // elsewhere (and coming back does not take the focus to an old row).
    {
        let dispatch = dispatch.clone();
        use_effect_with(route.clone(), move |_| dispatch.emit(Action::RouteChanged));
    }
    html! {
        <ContextProvider<AppCtx> context={ctx}>
            <div class="app">
                { header(&HeaderProps { session: state.session.clone(), route: route.clone(), on_disconnect }) }
                <main id="main" class="main" tabindex="-1">
                    // Floating at the bottom on wide screens; first in the page on phones, where
                    // a floating one would cover the form under it.
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
                        match (&*retrying, &state.session) {
                            (Some(text), Some(s)) => {
                                let client = s.client.clone();
                                html! {
                                    <div class="banner banner-info banner-row" role="status" data-testid="retrying">
                                        <span>{ text.clone() }</span>
                                        <button type="button" class="btn btn-small" data-testid="retry-cancel"
                                            onclick={Callback::from(move |_: MouseEvent| client.cancel_retries())}>{ "Cancel" }</button>
                                    </div>
                                }
                            }
                            _ => html! {},
                        }
                    }
                    {
                        match state.session.as_ref().and_then(|s| s.read_only_reason()) {
                            Some(reason) => html! { <div class="banner banner-info" role="status" data-testid="read-only">{ reason }</div> },
                            None => html! {},
                        }
                    }
                    {
                        match &state.session {
                            None => html! { <ConnectPage /> },
                            Some(_) => (parts.page)(route.clone()),
                        }
                    }
                </main>
                {
                    match &*reveal {
                        Some(r) => (parts.reveal)(r.clone(), close_reveal),
                        None => html! {},
                    }
                }
            </div>
        </ContextProvider<AppCtx>>
    }
}

fn page(route: Route) -> Html {
    let groups = matches!(route, Route::Groups(_));
    match route {
        Route::Projects(query) | Route::Groups(query) => {
            let (key, of) = if groups {
                ("groups", OwnerType::Group)
            } else {
                ("projects", OwnerType::Project)
            };
            html! { <PlacesPage {key} {of} {query} /> }
        }
        Route::Credentials { owner, kind } => html! { <CredentialsPage {owner} {kind} /> },
        Route::Check => html! { <TokenCheck /> },
        Route::Inventory => html! { <InventoryPage /> },
        Route::NotFound => html! {
            <section class="page">
                <h1>{ "Page not found" }</h1>
                <p>{ "This address does not lead to a tokenwarden page." }</p>
                <a href={Route::projects().href()} class="btn">{ "Go to your projects" }</a>
            </section>
        },
    }
}

/// Reads `config.json` beside the page. No file means defaults; a broken one is said so, and
/// the page goes on with defaults.
async fn load_settings(transport: Rc<dyn Transport>) -> Settings {
    let req = RawRequest {
        method: Method::Get,
        url: "config.json".into(),
        auth: Auth::None,
        body: None,
    };
    match transport.send(req).await {
        Ok(res) if res.status == 200 => match SiteConfig::parse(&res.body) {
            Ok(c) => Settings::Ready(Rc::new(c)),
            Err(e) => Settings::Broken(e),
        },
        Ok(res) if res.status == 404 => Settings::Ready(Rc::default()),
        Ok(res) => Settings::Broken(format!(
            "config.json could not be read (the site answered {}).",
            res.status
        )),
        Err(e) => Settings::Broken(format!("config.json could not be read ({e}).")),
    }
}
