//! Revocation, confirmed by typing the token's name: it cannot be undone.

use crate::components::load::error_banner;
use crate::components::modal::Modal;
use crate::session::Session;
use domain::models::{AccessToken, Project};
use domain::{request, ApiError, ProjectRef};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RevokeDialogProps {
    pub session: Rc<Session>,
    pub project: Project,
    pub token: AccessToken,
    pub on_close: Callback<()>,
    /// Called with the revoked token's name.
    pub on_revoked: Callback<String>,
}

#[component]
pub fn RevokeDialog(props: &RevokeDialogProps) -> Html {
    let typed = use_state(String::new);
    let busy = use_state(|| false);
    let server = use_state(|| None::<ApiError>);
    let matches = *typed == props.token.name;
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            typed.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onsubmit = {
        let (busy, server) = (busy.clone(), server.clone());
        let session = props.session.clone();
        let (project_id, token_id, name) =
            (props.project.id, props.token.id, props.token.name.clone());
        let on_revoked = props.on_revoked.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || !matches {
                return;
            }
            busy.set(true);
            server.set(None);
            let (busy, server, session, on_revoked, name) = (
                busy.clone(),
                server.clone(),
                session.clone(),
                on_revoked.clone(),
                name.clone(),
            );
            spawn_local(async move {
                match session
                    .client
                    .empty(&request::revoke_project_token(
                        &ProjectRef::Id(project_id),
                        token_id,
                    ))
                    .await
                {
                    Ok(()) => on_revoked.emit(name),
                    Err(e) => {
                        server.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let on_close = (!*busy).then(|| props.on_close.clone());
    let cancel = props.on_close.clone();
    html! {
        <Modal title={format!("Revoke \u{201c}{}\u{201d}", props.token.name)} id="revoke-dialog" on_close={on_close}>
            <form class="form" {onsubmit} novalidate=true>
                <div class="banner banner-error" role="note">
                    <p><strong>{ "Revoking cannot be undone." }</strong>{ " Everything that uses this token loses access at once." }</p>
                </div>
                <div class="field">
                    <label for="revoke-confirm">{ "Type " }<strong class="mono">{ &props.token.name }</strong>{ " to confirm" }</label>
                    <input id="revoke-confirm" type="text" autocomplete="off" spellcheck="false" value={(*typed).clone()}
                        {oninput} disabled={*busy} data-testid="revoke-confirm" />
                </div>
                { (*server).as_ref().map(|e| error_banner(e, None)).unwrap_or_default() }
                <div class="actions">
                    <button type="button" class="btn" disabled={*busy} onclick={cancel.reform(|_| ())}>{ "Cancel" }</button>
                    <button type="submit" class="btn btn-danger" disabled={*busy || !matches} data-testid="revoke-submit">
                        { if *busy { "Revoking…" } else { "Revoke token" } }
                    </button>
                </div>
            </form>
        </Modal>
    }
}
