//! Sign-in: with GitLab (OAuth with PKCE, when the deployment registered an application) or with
//! a personal access token, checked against the instance. The credential is kept in memory only,
//! unless the user opts in to stay signed in in this tab; the address (not a secret) is
//! remembered for next time. Also where a return from GitLab and a kept session are picked up.

use crate::components::field::{described_by, field};
use crate::components::load::error_banner;
use crate::context::{AppCtx, Settings};
use crate::keep;
use crate::session::{check_form, connect, finish_oauth, resume, ConnectError, Credentials};
use crate::state::Action;
use domain::oauth;
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

/// 16 or 32 bytes from the browser's cryptographic generator.
fn random<const N: usize>() -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// The page's address without the query GitLab added, at the route the user was on.
fn clean_address(hash: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_else(|_| "/".into());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{hash}")),
        );
    }
    // The route hook follows `hashchange`; replaceState fires none.
    if let Ok(e) = web_sys::Event::new("hashchange") {
        let _ = window.dispatch_event(&e);
    }
}

/// What the page is doing before the form can be used.
#[derive(Clone, PartialEq)]
enum Phase {
    Form,
    Working(&'static str),
}

#[component]
pub fn ConnectPage() -> Html {
    let Some(ctx) = use_context::<AppCtx>() else {
        return html! {};
    };
    let config = ctx.settings.config();
    let url = use_state(remembered_url);
    let token_ref = use_node_ref();
    let busy = use_state(|| false);
    let keep = use_state(|| false);
    let access = use_state(|| oauth::Access::Full);
    let error = use_state(|| None::<ConnectError>);
    let phase = use_state(|| Phase::Form);
    // Problems of the GitLab sign-in or of a kept session, shown above the form.
    let problem = use_state(|| None::<String>);
    // Effects run after the DOM is in place and listeners are attached: from here the form
    // works. The load benchmark reads this mark.
    let loaded = ctx.settings != Settings::Loading;
    use_effect_with(loaded, |loaded| {
        if *loaded {
            if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                let _ = p.mark(INTERACTIVE_MARK);
            }
            // The rest of the page comes while the user fills the form in.
            crate::handover::preload();
        }
    });
    // A return from GitLab, or a session this tab kept: picked up once, at start.
    {
        let (phase, problem) = (phase.clone(), problem.clone());
        let transport = ctx.transport.clone();
        let dispatch = ctx.dispatch.clone();
        use_effect_with((), move |_| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let search = window.location().search().unwrap_or_default();
            let back_from_gitlab = oauth::callback(&search);
            // Handed over by the sign-in module, or kept by this tab.
            let handed = crate::handover::take();
            let kept = match back_from_gitlab {
                oauth::Callback::None => {
                    match handed.or_else(|| keep::load().map(|(g, c)| (g, c, true))) {
                        Some(k) => Some(k),
                        None => return,
                    }
                }
                _ => None,
            };
            phase.set(Phase::Working(if kept.is_some() {
                "Signing you in…"
            } else {
                "Finishing the sign-in with GitLab…"
            }));
            spawn_local(async move {
                let result = match kept {
                    Some((gitlab, credential, keep)) => {
                        resume(gitlab, credential, transport.0.clone(), keep)
                            .await
                            .map_err(|e| {
                                format!(
                                    "Your session in this tab has ended: {} Sign in again.",
                                    e.sentence()
                                )
                            })
                    }
                    // Back from GitLab: the round trip's record serves this one return only.
                    None => {
                        let pending = keep::take_pending();
                        clean_address(pending.as_ref().map_or("", |p| p.return_to.as_str()));
                        match (back_from_gitlab, pending) {
                            (oauth::Callback::Code { code, state }, Some(p)) if p.state == state => {
                                finish_oauth(p, &code, transport.0.clone()).await
                            }
                            (oauth::Callback::Code { .. }, Some(_)) => Err("GitLab's answer does not belong to the sign-in this tab started, so it was not used. Start the sign-in again.".into()),
                            (oauth::Callback::Code { .. }, None) => Err("This tab has no sign-in waiting for GitLab's answer (it may have been opened anew). Start the sign-in again.".into()),
                            (oauth::Callback::Refused { error, description }, _) => {
                                Err(oauth::refusal_message(&error, &description))
                            }
                            (oauth::Callback::None, _) => return,
                        }
                    }
                };
                match result {
                    Ok(session) => dispatch.emit(Action::Connected(Rc::new(session))),
                    Err(message) => {
                        keep::clear();
                        problem.set(Some(message));
                        phase.set(Phase::Form);
                    }
                }
            });
        });
    }

    let fixed_gitlab = config.gitlab_url.clone();
    let onsubmit = {
        let (url, busy, error, token_ref, keep) = (
            url.clone(),
            busy.clone(),
            error.clone(),
            token_ref.clone(),
            keep.clone(),
        );
        let fixed_gitlab = fixed_gitlab.clone();
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
            let address = fixed_gitlab
                .as_ref()
                .map_or_else(|| (*url).clone(), |g| g.base().to_string());
            match check_form(&address, token.expose(), &origin) {
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
                url: address,
                token,
                keep: *keep,
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
    // "Sign in with GitLab": off to GitLab's authorize page with a fresh verifier and state.
    let on_oauth = config.oauth_client_id.clone().map(|client_id| {
        let (url, error, keep, access, problem) =
            (url.clone(), error.clone(), keep.clone(), access.clone(), problem.clone());
        let fixed_gitlab = fixed_gitlab.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let location = window.location();
            let origin = location.origin().unwrap_or_default();
            let gitlab = match &fixed_gitlab {
                Some(g) => g.clone(),
                None => match GitLabUrl::parse(&url).and_then(|u| u.not_this_site(&origin)) {
                    Ok(g) => g,
                    Err(m) => {
                        error.set(Some(ConnectError::Fields(Some(m), None)));
                        focus_by_id("gitlab-url");
                        return;
                    }
                },
            };
            let (Some(v), Some(s)) = (random::<32>(), random::<16>()) else {
                problem.set(Some("This browser has no secure random numbers, which signing in with GitLab needs. Use a personal access token instead.".into()));
                return;
            };
            let pending = oauth::Pending {
                state: oauth::state(&s),
                verifier: oauth::verifier(&v),
                gitlab: gitlab.base().to_string(),
                client_id: client_id.clone(),
                redirect_uri: oauth::redirect_uri(&origin, &location.pathname().unwrap_or_default()),
                return_to: location.hash().unwrap_or_default(),
                keep: *keep,
            };
            if !keep::save_pending(&pending) {
                problem.set(Some("This browser does not let the page keep anything for the trip to GitLab and back (tab storage is off). Use a personal access token instead.".into()));
                return;
            }
            if let Some(st) = storage() {
                let _ = st.set_item(URL_KEY, gitlab.base());
            }
            let _ = location.assign(&pending.authorize_url(*access));
        })
    });
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
    let address = fixed_gitlab
        .as_ref()
        .map_or_else(|| (*url).clone(), |g| g.base().to_string());
    let new_token_link = GitLabUrl::parse(&address).ok().map(|u| {
        format!(
            "{}/-/user_settings/personal_access_tokens?name=tokenwarden&scopes=api",
            u.base()
        )
    });
    let broken_config = match &ctx.settings {
        Settings::Broken(m) => html! {
            <div class="banner banner-error" role="alert" data-testid="config-error">
                <p>{ format!("This site's settings could not be used: {m} Sign in below; the site's maintainers should fix the file.") }</p>
            </div>
        },
        _ => html! {},
    };
    // The form waits for the site's settings (a same-origin file, read at once): it could
    // otherwise change under the user's typing when they name the instance.
    if !loaded {
        return html! {
            <section class="page page-narrow">
                <h1>{ "Sign in to GitLab" }</h1>
            </section>
        };
    }
    if let Phase::Working(what) = *phase {
        return html! {
            <section class="page page-narrow">
                <h1>{ "Sign in to GitLab" }</h1>
                <p class="lead" role="status" data-testid="signing-in">{ what }</p>
            </section>
        };
    }
    let on_keep = {
        let keep = keep.clone();
        Callback::from(move |_: Event| keep.set(!*keep))
    };
    let access_choice = |value: oauth::Access, label: &'static str, hint: &'static str| {
        let access = access.clone();
        let checked = *access == value;
        html! {
            <label class={classes!("choice", checked.then_some("choice-on"))}>
                <input type="radio" name="oauth-access" {checked} data-testid={format!("oauth-access-{}", value.scope())}
                    onchange={Callback::from(move |_| access.set(value))} />
                <span>{ label }</span>
                <span class="muted small">{ hint }</span>
            </label>
        }
    };
    html! {
        <section class="page page-narrow">
            <h1>{ "Sign in to GitLab" }</h1>
            <p class="lead">{ "Manage your GitLab tokens in one place. Your sign-in stays in this tab's memory: nothing is stored unless you choose to stay signed in in this tab, and closing the tab forgets it." }</p>
            { broken_config }
            {
                match &*problem {
                    Some(m) => html! { <div class="banner banner-error" role="alert" data-testid="signin-problem" tabindex="-1"><p>{ m.clone() }</p></div> },
                    None => html! {},
                }
            }
            <form class="card form" data-testid="connect-form" {onsubmit} novalidate=true>
                {
                    match &fixed_gitlab {
                        Some(g) => html! {
                            <p class="field" data-testid="connect-instance">{ "GitLab: " }<strong>{ g.base() }</strong></p>
                        },
                        None => html! {
                            { field("gitlab-url", "GitLab address", Some("For example https://gitlab.com or your company's instance.".into()), url_error.clone(), html! {
                                <input id="gitlab-url" type="url" inputmode="url" autocomplete="url" placeholder="https://gitlab.example.com"
                                    value={(*url).clone()} oninput={oninput_url} data-testid="connect-url" required=true
                                    aria-invalid={url_error.is_some().to_string()} aria-describedby={described_by("gitlab-url")} />
                            }) }
                        },
                    }
                }
                <div class="field">
                    <label class="scope">
                        <input id="keep-signed-in" type="checkbox" checked={*keep} data-testid="keep-signed-in" onchange={on_keep} />
                        <span>{ "Stay signed in in this tab" }</span>
                        <span class="muted small">{ "Survives a reload of this tab only; other tabs and a closed tab start signed out." }</span>
                    </label>
                </div>
                {
                    match on_oauth {
                        Some(onclick) => html! {
                            <fieldset class="field oauth" data-testid="oauth-signin">
                                <legend>{ "Sign in with your GitLab account" }</legend>
                                <div class="choices">
                                    { access_choice(oauth::Access::Full, "Full access", "create, rotate and revoke (api)") }
                                    { access_choice(oauth::Access::ReadOnly, "Read only", "look only (read_api)") }
                                </div>
                                <div class="actions">
                                    <button type="button" class="btn btn-primary" data-testid="oauth-start" {onclick}>{ "Sign in with GitLab" }</button>
                                </div>
                                <p class="help">{ "Or paste a personal access token below." }</p>
                            </fieldset>
                        },
                        None => html! {},
                    }
                }
                { field("gitlab-token", "Personal access token", Some("Needs the api scope to create, rotate and revoke; read_api is enough to look.".into()), token_error.clone(), html! {
                    // Text, not password, and masked by CSS: password managers offer to save a
                    // password field's value when its form goes away, as this one does.
                    <input id="gitlab-token" type="text" class="secret-input" autocomplete="off" spellcheck="false" autocapitalize="off"
                        data-lpignore="true" data-bwignore="true" ref={token_ref}
                        data-testid="connect-token" required=true
                        aria-invalid={token_error.is_some().to_string()} aria-describedby={described_by("gitlab-token")} />
                }) }
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
