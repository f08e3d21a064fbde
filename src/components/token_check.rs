//! "What is this token?": names a pasted token from its prefix, asks GitLab about it where
//! GitLab can answer (the token itself for access tokens, the admin token API for any kind),
//! and offers self-rotation and revocation. The pasted value lives only while the box shows it.

use crate::client::Client;
use crate::components::credential_form::Sender;
use crate::components::load::error_banner;
use crate::components::revoke_dialog::RevokeDialog;
use crate::components::rotate_dialog::RotateDialog;
use crate::context::{AppCtx, Reveal};
use crate::hooks::use_submit;
use crate::session::Session;
use crate::state::Action as AppAction;
use crate::time::{relative, today};
use domain::error::ErrorKind;
use domain::features::Feature;
use domain::models::{AppSettings, Credential, TokenStatus, User};
use domain::request::{self, Method};
use domain::token_prefix::{access_token_kind, recognise_on, Recognised, TokenType};
use domain::{ApiError, Kind, Route, Secret};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What GitLab said about the pasted token, and who asked.
#[derive(Clone, PartialEq)]
struct Found {
    record: Credential,
    /// The token described itself (`/personal_access_tokens/self`); otherwise the admin API.
    by_itself: bool,
    owner: Option<User>,
}

#[derive(Clone, Copy, PartialEq)]
enum Dialog {
    None,
    Rotate,
    Revoke,
}

/// GitLab's refusal in words about the pasted token. A 401 is about it only when it made the
/// call itself; through the admin API a 401 is about the session.
fn about_pasted(e: ApiError, by_itself: bool) -> ApiError {
    match e.kind {
        ErrorKind::Unauthorized if by_itself => ApiError::unexpected(
            "GitLab does not accept this token: it is unknown, expired or revoked, or it was made on another instance.",
        ),
        ErrorKind::NotFound => ApiError::unexpected(
            "GitLab does not know this token: it may be mistyped, already revoked and removed, or from another instance.",
        ),
        _ => e,
    }
}

/// A client that signs with the pasted token, for the calls a token makes about itself.
fn signing_as(session: &Session, token: &Secret) -> Client {
    session
        .client
        .with_token(Secret::new(token.expose().to_string()))
}

async fn owner_of(session: &Session, record: &Credential) -> Option<User> {
    let id = record.user_id?;
    session.client.get::<User>(&request::user(id)).await.ok()
}

/// Looks the token up, by itself or through the admin API (whose request, holding the
/// plaintext in its body, wipes it when dropped).
async fn look_up(session: Rc<Session>, token: Rc<Secret>, admin: bool) -> Result<Found, ApiError> {
    let found = if admin {
        let req = request::admin_token(Method::Post, token.expose());
        session.client.get::<Credential>(&req).await
    } else {
        signing_as(&session, &token)
            .get::<Credential>(&request::token_self())
            .await
    };
    let record = found.map_err(|e| about_pasted(e, !admin))?;
    let owner = owner_of(&session, &record).await;
    Ok(Found {
        record,
        by_itself: !admin,
        owner,
    })
}

#[component]
pub fn TokenCheck() -> Html {
    let ctx = use_context::<AppCtx>();
    let input_ref = use_node_ref();
    let pasted = use_state(|| None::<Rc<Secret>>);
    let found = use_state(|| None::<Found>);
    let dialog = use_state(|| Dialog::None);
    let prefix = use_state(|| None::<String>);
    let submit = use_submit();
    let session = ctx.as_ref().and_then(|c| c.session.clone());

    // Admins can read the instance's own token prefix; others see GitLab's standard ones.
    {
        let (prefix, session) = (prefix.clone(), session.clone());
        use_effect_with((), move |_| {
            if let Some(s) = session.filter(|s| s.user.is_admin) {
                spawn_local(async move {
                    if let Ok(settings) = s
                        .client
                        .get::<AppSettings>(&request::application_settings())
                        .await
                    {
                        let p = settings.personal_access_token_prefix.trim().to_string();
                        prefix.set((!p.is_empty()).then_some(p));
                    }
                });
            }
        });
    }

    let (Some(ctx), Some(session)) = (ctx, session) else {
        return html! {};
    };
    let clear = {
        let (pasted, found, dialog, submit, input_ref) = (
            pasted.clone(),
            found.clone(),
            dialog.clone(),
            submit.clone(),
            input_ref.clone(),
        );
        Callback::from(move |_: ()| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                input.set_value("");
            }
            pasted.set(None);
            found.set(None);
            dialog.set(Dialog::None);
            submit.set_error(None);
        })
    };
    let oninput = {
        let (pasted, found, dialog, submit) = (
            pasted.clone(),
            found.clone(),
            dialog.clone(),
            submit.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let value = input.value();
            pasted.set((!value.trim().is_empty()).then(|| Rc::new(Secret::new(value))));
            found.set(None);
            dialog.set(Dialog::None);
            submit.set_error(None);
        })
    };

    let recognised = match &*pasted {
        Some(t) => recognise_on(t.expose(), prefix.as_deref().unwrap_or_default()),
        None => Recognised::Empty,
    };
    let token_type = match recognised {
        Recognised::Known { kind, .. } => Some(kind),
        _ => None,
    };
    let ask = |admin: bool| {
        let (pasted, found, submit, session) = (
            pasted.clone(),
            found.clone(),
            submit.clone(),
            session.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(token) = (*pasted).clone() else {
                return;
            };
            let found = found.clone();
            submit.run(look_up(session.clone(), token, admin), move |f| {
                found.set(Some(f))
            });
        })
    };
    let self_lookup = token_type.is_some_and(TokenType::self_describable)
        && session.supports(Feature::PatSelfInfo);
    let admin_lookup = session.user.is_admin
        && session.supports(Feature::AdminTokenLookup)
        && matches!(recognised, Recognised::Known { .. } | Recognised::Unknown);
    let busy = submit.busy;

    let summary = match (recognised, token_type) {
        (_, Some(t)) => html! {
            <div class="card" data-testid="check-kind">
                <h2>{ t.label() }</h2>
                <p>{ t.can_do() }</p>
                <p><strong>{ "Rotating or revoking: " }</strong>{ t.revoke() }</p>
                {
                    if t.managed_here() { html! {} } else {
                        html! { <p class="muted">{ "tokenwarden does not manage this kind; GitLab's own pages do." }</p> }
                    }
                }
            </div>
        },
        (r, None) => html! {
            <p class="muted" data-testid="check-kind" role="status">{ r.explain().unwrap_or_default() }</p>
        },
    };

    let today = today();
    let details = found.as_ref().map(|f| {
        let r = &f.record;
        let status = match r.status(today) {
            TokenStatus::Revoked => "revoked".to_string(),
            TokenStatus::Expired => "expired".to_string(),
            TokenStatus::Active { days_left: None } => "active, never expires".to_string(),
            TokenStatus::Active { days_left: Some(d) } => format!("active, {d} days left"),
        };
        let kind = f
            .owner
            .as_ref()
            .map(|u| access_token_kind(&u.username).label());
        let owner = f.owner.as_ref().map(|u| {
            let who = format!("@{}", u.username);
            if session.user.is_admin {
                html! { <a href={Route::Credentials { owner: domain::kind::Owner::User(u.id), kind: Kind::PersonalAccessToken }.href()}>{ who }</a> }
            } else {
                html! { { who } }
            }
        });
        let row = |label: &'static str, value: Html| html! { <><dt>{ label }</dt><dd>{ value }</dd></> };
        html! {
            <div class="card" data-testid="check-found">
                <h2>{ if f.by_itself { "What GitLab says about it" } else { "What the admin token API says" } }</h2>
                <dl class="facts">
                    { row("Name", html! { { if r.name.is_empty() { "—".to_string() } else { r.name.clone() } } }) }
                    { kind.map(|k| row("Kind", html! { { k } })).unwrap_or_default() }
                    { owner.map(|o| row("Belongs to", o)).unwrap_or_default() }
                    { if r.scopes.is_empty() { html! {} } else { row("Scopes", html! { <span class="mono">{ r.scopes.join(", ") }</span> }) } }
                    { row("Expires", html! { { r.expires_at.map(|d| d.to_string()).unwrap_or_else(|| "never".into()) } }) }
                    { row("Status", html! { <span data-testid="check-status">{ status }</span> }) }
                    { row("Last used", html! { { r.last_used_at.map(|u| relative(u, today)).unwrap_or_else(|| "never".into()) } }) }
                </dl>
            </div>
        }
    });

    let found_active = found
        .as_ref()
        .filter(|f| matches!(f.record.status(today), TokenStatus::Active { .. }));
    // Self-rotation needs the token's own api or self_rotate scope.
    let can_self_rotate = found_active.is_some_and(|f| {
        f.by_itself
            && session.supports(Feature::SelfRotation)
            && f.record
                .scopes
                .iter()
                .any(|s| s == "api" || s == "self_rotate")
    });
    let can_revoke = found_active.is_some_and(|f| {
        f.by_itself || (session.user.is_admin && session.supports(Feature::AdminTokenRevoke))
    });
    let open = |d: Dialog| {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(d))
    };
    let actions = if can_self_rotate || can_revoke {
        html! {
            <div class="actions actions-start">
                { if can_self_rotate { html! { <button type="button" class="btn" data-testid="check-rotate" onclick={open(Dialog::Rotate)}>{ "Rotate it" }</button> } } else { html! {} } }
                { if can_revoke { html! { <button type="button" class="btn btn-danger" data-testid="check-revoke" onclick={open(Dialog::Revoke)}>{ "Revoke it" }</button> } } else { html! {} } }
            </div>
        }
    } else {
        html! {}
    };

    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_| dialog.set(Dialog::None))
    };
    let dialogs = match (&*dialog, found.as_ref(), (*pasted).clone()) {
        (Dialog::Rotate, Some(f), Some(token)) => {
            let choose_expiry = session.supports(Feature::RotationExpiry);
            let (session, reveal, dispatch, clear) = (
                session.clone(),
                ctx.reveal.clone(),
                ctx.dispatch.clone(),
                clear.clone(),
            );
            let owner = f.owner.clone();
            let send = Sender(Rc::new(move |expires_at| {
                let (session, reveal, dispatch, clear, owner, token) = (
                    session.clone(),
                    reveal.clone(),
                    dispatch.clone(),
                    clear.clone(),
                    owner.clone(),
                    token.clone(),
                );
                Box::pin(async move {
                    let created = signing_as(&session, &token)
                        .created(&request::rotate_self(expires_at))
                        .await
                        .map_err(|e| about_pasted(e, true))?;
                    // The old value is dead now: if it was the session's own, carry on with
                    // the new one.
                    if session.client.signs_with(token.expose()) {
                        let next = session.with_token(
                            Secret::new(created.token.expose().to_string()),
                            &created.meta,
                        );
                        dispatch.emit(AppAction::Connected(Rc::new(next)));
                    }
                    clear.emit(());
                    let kind = owner.as_ref().map_or(Kind::PersonalAccessToken, |u| {
                        access_token_kind(&u.username)
                    });
                    reveal.emit(Reveal {
                        heading: "Token rotated".into(),
                        kind,
                        created,
                        gitlab: session.client.gitlab().clone(),
                        owner_path: String::new(),
                        project_id: None,
                        username: owner.map(|u| u.username),
                        registry_host: None,
                    });
                    Ok(())
                }) as _
            }));
            html! { <RotateDialog kind={f.owner.as_ref().map_or(Kind::PersonalAccessToken, |u| access_token_kind(&u.username))} token={f.record.clone()} {today} {choose_expiry}
            {send} on_close={close} /> }
        }
        (Dialog::Revoke, Some(f), Some(token)) => {
            let by_itself = f.by_itself;
            let (session, dispatch, clear) = (session.clone(), ctx.dispatch.clone(), clear.clone());
            let mut record = f.record.clone();
            if record.name.is_empty() {
                // Something to type for kinds without a name (feed, runner tokens).
                record.name = "revoke".into();
            }
            let name = record.name.clone();
            let kind = token_type
                .and_then(|t| t.managed_as().first().copied())
                .unwrap_or(Kind::PersonalAccessToken);
            let send = Sender(Rc::new(move |()| {
                let (session, dispatch, clear, token, name) = (
                    session.clone(),
                    dispatch.clone(),
                    clear.clone(),
                    token.clone(),
                    name.clone(),
                );
                Box::pin(async move {
                    let was_session = session.client.signs_with(token.expose());
                    let done = if by_itself {
                        signing_as(&session, &token)
                            .empty(&request::revoke_self())
                            .await
                    } else {
                        let req = request::admin_token(Method::Delete, token.expose());
                        session.client.empty(&req).await
                    };
                    done.map_err(|e| about_pasted(e, by_itself))?;
                    clear.emit(());
                    if was_session {
                        dispatch.emit(AppAction::Disconnect);
                    }
                    dispatch.emit(AppAction::TokensChanged);
                    dispatch.emit(AppAction::Notify(format!(
                        "Revoked \u{201c}{name}\u{201d}. It no longer works."
                    )));
                    Ok(())
                }) as _
            }));
            html! { <RevokeDialog {kind} token={record} {send} on_close={close} /> }
        }
        _ => html! {},
    };

    let on_clear = clear.reform(|_: MouseEvent| ());
    // Enter asks GitLab, the way the first button would.
    let on_enter = {
        let first = if self_lookup {
            Some(ask(false))
        } else {
            admin_lookup.then(|| ask(true))
        };
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let (Some(cb), Ok(click)) = (&first, MouseEvent::new("click")) {
                cb.emit(click);
            }
        })
    };
    html! {
        <section class="page" data-testid="check-page">
            <div class="page-head">
                <div>
                    <h1>{ "What is this token?" }</h1>
                    <p class="muted">{ "Paste any GitLab token to see what kind it is, what it can do and how to rotate or revoke it. It stays in this page only while shown here, and is sent to GitLab only when you ask." }</p>
                </div>
            </div>
            <form class="field" onsubmit={on_enter} autocomplete="off">
                <label for="check-token">{ "Token" }</label>
                <div class="input-row">
                    <input id="check-token" ref={input_ref} type="password" autocomplete="off" spellcheck="false"
                        {oninput} disabled={busy} data-testid="check-token" />
                    <button type="button" class="btn" onclick={on_clear} disabled={pasted.is_none() || busy} data-testid="check-clear">{ "Clear" }</button>
                </div>
            </form>
            { summary }
            {
                if self_lookup || admin_lookup {
                    html! {
                        <div class="actions actions-start">
                            { if self_lookup { html! { <button type="button" class="btn btn-primary" disabled={busy} onclick={ask(false)} data-testid="check-self">{ "Ask GitLab about it" }</button> } } else { html! {} } }
                            { if admin_lookup { html! { <button type="button" class="btn" disabled={busy} onclick={ask(true)} data-testid="check-admin">{ "Look it up as administrator" }</button> } } else { html! {} } }
                        </div>
                    }
                } else { html! {} }
            }
            { submit.error.as_ref().map(|e| error_banner(e, None)).unwrap_or_default() }
            { details.unwrap_or_default() }
            { actions }
            { dialogs }
        </section>
    }
}
