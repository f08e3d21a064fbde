//! Rotation: the old token stops working at once and a new secret is revealed. Emits the chosen
//! expiry; the page sends the call.

use crate::components::credential_form::Sender;
use crate::components::expiry_picker::{expiry_picker, ExpiryPicker};
use crate::components::load::error_banner;
use crate::components::modal::Modal;
use crate::hooks::use_submit;
use crate::policy::{policy_wait, use_after_policy, use_policy, POLICY_WAIT_VERB};
use chrono::NaiveDate;
use domain::inventory::policy::{Proposed, Violation};
use domain::models::Credential;
use domain::{ExpiryChoice, Field, Kind};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RotateDialogProps {
    pub kind: Kind,
    pub token: Credential,
    pub today: NaiveDate,
    /// Choosing the new expiry arrived in GitLab 16.6.
    pub choose_expiry: bool,
    pub send: Sender<Option<NaiveDate>, ()>,
    pub on_close: Callback<()>,
    /// Why the dialog opened by itself (a secret lost on the way), said first.
    #[prop_or_default]
    pub why: Option<AttrValue>,
}

#[component]
pub fn RotateDialog(props: &RotateDialogProps) -> Html {
    let expiry = use_state(ExpiryChoice::default);
    let submit = use_submit();
    let today = props.today;
    let choose_expiry = props.choose_expiry;
    let resolved = expiry.resolve(today);
    let site_policy = use_policy();
    // The new token keeps its name and scopes: only its lifetime is chosen here, so only the
    // policy's lifetime rule can hold the rotation back.
    let policy_error = site_policy.policy().and_then(|p| {
        let t = &props.token;
        let expires_at = match (choose_expiry, &resolved) {
            (true, Ok(d)) => Some(*d),
            (true, Err(_)) => return None,
            (false, _) => Some(domain::expiry::add_days(today, 7)),
        };
        p.check(&Proposed {
            kind: props.kind,
            name: &t.name,
            scopes: &t.scopes,
            description: &t.description,
            expires_at,
            today,
        })
        .into_iter()
        .find(|v| matches!(v, Violation::TooLong { .. } | Violation::NoExpiry { .. }))
        .map(|v| format!("Site policy: {}", v.sentence()))
    });

    let on_expiry = {
        let (expiry, submit) = (expiry.clone(), submit.clone());
        Callback::from(move |c| {
            expiry.set(c);
            submit.set_error(None);
        })
    };
    let send_checked: Rc<dyn Fn()> = {
        let submit = submit.clone();
        let send = props.send.clone();
        let on_close = props.on_close.clone();
        let resolved = resolved.clone();
        let blocked = policy_error.is_some();
        Rc::new(move || {
            if blocked {
                return;
            }
            let expires_at = match (choose_expiry, &resolved) {
                (false, _) => None,
                (true, Ok(d)) => Some(*d),
                (true, Err(_)) => return,
            };
            let on_close = on_close.clone();
            submit.run((send.0)(expires_at), move |()| on_close.emit(()));
        })
    };
    let (awaiting_policy, request_send) = use_after_policy(&site_policy, true, send_checked);
    let onsubmit = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        request_send.emit(());
    });
    let server = submit.error.as_ref();
    let expiry_error = resolved
        .as_ref()
        .err()
        .cloned()
        .or(policy_error)
        .or_else(|| {
            server
                .and_then(|e| e.field(Field::ExpiresAt))
                .map(str::to_string)
        });
    let general = server
        .filter(|e| e.field(Field::ExpiresAt).is_none())
        .cloned();
    let busy = submit.busy;
    let on_close = (!busy).then(|| props.on_close.clone());
    let cancel = props.on_close.clone();
    html! {
        <Modal title={format!("Rotate \u{201c}{}\u{201d}", props.token.name)} id="rotate-dialog" on_close={on_close}>
            <form class="form" {onsubmit} novalidate=true>
                { props.why.as_ref().map(|why| html! { <div class="banner banner-error" role="alert" data-testid="secret-lost"><p>{ why }</p></div> }).unwrap_or_default() }
                <div class="banner banner-warning" role="note">
                    <p><strong>{ "The current token stops working immediately." }</strong>
                    { " Anything that uses it fails until you give it the new one. The new token keeps the name, scopes and role." }</p>
                </div>
                {
                    if choose_expiry {
                        expiry_picker(ExpiryPicker { id: "rotate-expiry", value: (*expiry).clone(), today, on_change: on_expiry,
                            error: expiry_error, disabled: busy, required: true })
                    } else {
                        html! { <p class="muted">{ "This GitLab version gives the new token 7 days; choosing the expiry needs GitLab 16.6 or later." }</p> }
                    }
                }
                { general.map(|e| error_banner(&e, None)).unwrap_or_default() }
                { policy_wait(awaiting_policy) }
                <div class="actions">
                    <button type="button" class="btn" disabled={busy} onclick={cancel.reform(|_| ())}>{ "Cancel" }</button>
                    <button type="submit" class="btn btn-danger" disabled={busy} aria-disabled={awaiting_policy.to_string()} data-testid="rotate-submit">
                        { if busy { "Rotating…" } else if awaiting_policy { POLICY_WAIT_VERB } else { "Rotate token" } }
                    </button>
                </div>
            </form>
        </Modal>
    }
}
