//! Sign-in: GitLab address and a personal access token, checked against the instance. The token
//! is kept in memory only; the address (not a secret) is remembered for next time.

use crate::components::field::{described_by, Field};
use crate::components::load::error_banner;
use crate::context::AppCtx;
use crate::session::{check_form, connect, ConnectError, Credentials};
use crate::state::Action;
use domain::{GitLabUrl, Secret};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

const URL_KEY: &str = "tokenwarden.gitlab_url";
/// Performance API mark set when the sign-in form first becomes usable.
pub const INTERACTIVE_MARK: &str = "tokenwarden:sign-in-interactive";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn remembered_url() -> String {
    storage()
        .and_then(|s| s.get_item(URL_KEY).ok().flatten())
        .unwrap_or_default()
}

fn focus_by_id(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = el.focus();
    }
}

#[component]
pub fn ConnectPage() -> Html {
    let Some(ctx) = use_context::<AppCtx>() else {
        return html! {};
    };
    let url = use_state(remembered_url);
    let token_ref = use_node_ref();
    let busy = use_state(|| false);
    let error = use_state(|| None::<ConnectError>);
    // Effects run after the DOM is in place and listeners are attached: from here the form
    // works. The load benchmark reads this mark.
    use_effect_with((), |_| {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark(INTERACTIVE_MARK);
        }
    });

    let onsubmit = {
        let (url, busy, error, token_ref) =
            (url.clone(), busy.clone(), error.clone(), token_ref.clone());
        let transport = ctx.transport.clone();
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            // Read the token straight from the field so it never sits in component state.
            let Some(input) = token_ref.cast::<HtmlInputElement>() else {
                return;
            };
            let token = Secret::new(input.value());
            let origin = web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default();
            match check_form(&url, token.expose(), &origin) {
                (None, None) => {}
                (url_error, token_error) => {
                    let first = if url_error.is_some() {
                        "gitlab-url"
                    } else {
                        "gitlab-token"
                    };
                    error.set(Some(ConnectError::Fields(url_error, token_error)));
                    focus_by_id(first);
                    return;
                }
            }
            let creds = Credentials {
                url: (*url).clone(),
                token,
            };
            busy.set(true);
            error.set(None);
            let (busy, error, dispatch, transport) = (
                busy.clone(),
                error.clone(),
                dispatch.clone(),
                transport.clone(),
            );
            spawn_local(async move {
                match connect(creds, transport.0.clone()).await {
                    Ok(session) => {
                        if let Some(s) = storage() {
                            let _ = s.set_item(URL_KEY, session.client.gitlab().base());
                        }
                        input.set_value("");
                        dispatch.emit(Action::Connected(Rc::new(session)));
                    }
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let oninput_url = {
        let url = url.clone();
        let error = error.clone();
        Callback::from(move |e: InputEvent| {
            url.set(e.target_unchecked_into::<HtmlInputElement>().value());
            match &*error {
                Some(ConnectError::Url(_)) => error.set(None),
                Some(ConnectError::Fields(Some(_), t)) => {
                    error.set(Some(ConnectError::Fields(None, t.clone())))
                }
                _ => {}
            }
        })
    };
    let (url_error, token_error, api_error) = match &*error {
        Some(ConnectError::Url(m)) => (Some(m.clone()), None, None),
        Some(ConnectError::Token(m)) => (None, Some(m.clone()), None),
        Some(ConnectError::Fields(u, t)) => (u.clone(), t.clone(), None),
        Some(ConnectError::Api(e)) => (None, None, Some(e.clone())),
        None => (None, None, None),
    };
    // Link to GitLab's token page with the form pre-filled, when the address is usable.
    let new_token_link = GitLabUrl::parse(&url).ok().map(|u| {
        format!(
            "{}/-/user_settings/personal_access_tokens?name=tokenwarden&scopes=api",
            u.base()
        )
    });
    html! {
        <section class="page page-narrow">
            <h1>{ "Sign in to GitLab" }</h1>
            <p class="lead">{ "Manage your project access tokens in one place. Your token stays in this tab's memory: it is never stored, and closing or reloading the tab signs you out." }</p>
            <form class="card form" data-testid="connect-form" {onsubmit} novalidate=true>
                <Field id="gitlab-url" label="GitLab address" error={url_error.clone()}
                    help={AttrValue::from("For example https://gitlab.com or your company's instance.")}>
                    <input id="gitlab-url" type="url" inputmode="url" autocomplete="url" placeholder="https://gitlab.example.com"
                        value={(*url).clone()} oninput={oninput_url} data-testid="connect-url" required=true
                        aria-invalid={url_error.is_some().to_string()} aria-describedby={described_by("gitlab-url")} />
                </Field>
                <Field id="gitlab-token" label="Personal access token" error={token_error.clone()}
                    help={AttrValue::from("Needs the api scope to create, rotate and revoke; read_api is enough to look.")}>
                    <input id="gitlab-token" type="password" autocomplete="off" spellcheck="false" ref={token_ref}
                        data-testid="connect-token" required=true
                        aria-invalid={token_error.is_some().to_string()} aria-describedby={described_by("gitlab-token")} />
                </Field>
                {
                    match new_token_link {
                        Some(href) => html! {
                            <p class="help">
                                { "No token yet? " }
                                <a href={href} target="_blank" rel="noopener noreferrer">{ "Create one in GitLab" }</a>
                                { " with the api scope, then paste it here." }
                            </p>
                        },
                        None => html! {},
                    }
                }
                { api_error.map(|e| error_banner(&e, None)).unwrap_or_default() }
                <div class="actions">
                    <button type="submit" class="btn btn-primary" disabled={*busy} data-testid="connect-submit">
                        { if *busy { "Checking…" } else { "Sign in" } }
                    </button>
                </div>
            </form>
        </section>
    }
}
