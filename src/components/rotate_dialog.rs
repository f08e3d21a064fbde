//! Rotation: the old token stops working at once and a new secret is revealed.

use crate::components::expiry_picker::ExpiryPicker;
use crate::components::load::error_banner;
use crate::components::modal::Modal;
use crate::session::Session;
use crate::time::today;
use domain::models::{AccessToken, CreatedToken, Project};
use domain::{request, ApiError, ExpiryChoice, Field, ProjectRef};
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RotateDialogProps {
    pub session: Rc<Session>,
    pub project: Project,
    pub token: AccessToken,
    pub on_close: Callback<()>,
    pub on_rotated: Callback<CreatedToken>,
}

#[component]
pub fn RotateDialog(props: &RotateDialogProps) -> Html {
    let expiry = use_state(ExpiryChoice::default);
    let busy = use_state(|| false);
    let server = use_state(|| None::<ApiError>);
    let today = today();
    let choose_expiry = props.session.rotate_expiry_supported();
    let resolved = expiry.resolve(today);

    let on_expiry = {
        let (expiry, server) = (expiry.clone(), server.clone());
        Callback::from(move |c| {
            expiry.set(c);
            server.set(None);
        })
    };
    let onsubmit = {
        let (busy, server) = (busy.clone(), server.clone());
        let session = props.session.clone();
        let (project_id, token_id) = (props.project.id, props.token.id);
        let on_rotated = props.on_rotated.clone();
        let resolved = resolved.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let expires_at = if choose_expiry {
                match &resolved {
                    Ok(d) => Some(*d),
                    Err(_) => return,
                }
            } else {
                None
            };
            busy.set(true);
            server.set(None);
            let (busy, server, session, on_rotated) = (
                busy.clone(),
                server.clone(),
                session.clone(),
                on_rotated.clone(),
            );
            spawn_local(async move {
                let call = request::rotate_project_token(
                    &ProjectRef::Id(project_id),
                    token_id,
                    expires_at,
                );
                match session.client.created(&call).await {
                    Ok(created) => on_rotated.emit(created),
                    Err(e) => {
                        server.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let expiry_error = resolved.as_ref().err().cloned().or_else(|| {
        (*server)
            .as_ref()
            .and_then(|e| e.field(Field::ExpiresAt))
            .map(str::to_string)
    });
    let general = (*server)
        .as_ref()
        .filter(|e| e.field(Field::ExpiresAt).is_none())
        .cloned();
    let on_close = (!*busy).then(|| props.on_close.clone());
    let cancel = props.on_close.clone();
    html! {
        <Modal title={format!("Rotate \u{201c}{}\u{201d}", props.token.name)} id="rotate-dialog" on_close={on_close}>
            <form class="form" {onsubmit} novalidate=true>
                <div class="banner banner-warning" role="note">
                    <p><strong>{ "The current token stops working immediately." }</strong>
                    { " Anything that uses it fails until you give it the new one. The new token keeps the name, scopes and role." }</p>
                </div>
                {
                    if choose_expiry {
                        html! { <ExpiryPicker id="rotate-expiry" value={(*expiry).clone()} {today} on_change={on_expiry}
                            error={expiry_error} disabled={*busy} /> }
                    } else {
                        html! { <p class="muted">{ "This GitLab version gives the new token 7 days; choosing the expiry needs GitLab 16.6 or later." }</p> }
                    }
                }
                { general.map(|e| error_banner(&e, None)).unwrap_or_default() }
                <div class="actions">
                    <button type="button" class="btn" disabled={*busy} onclick={cancel.reform(|_| ())}>{ "Cancel" }</button>
                    <button type="submit" class="btn btn-danger" disabled={*busy} data-testid="rotate-submit">
                        { if *busy { "Rotating…" } else { "Rotate token" } }
                    </button>
                </div>
            </form>
        </Modal>
    }
}
