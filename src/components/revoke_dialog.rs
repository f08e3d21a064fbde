//! Revocation (or removal), confirmed by typing the name: it cannot be undone. Emits the
//! confirmation; the page sends the call.

use crate::components::credential_form::Sender;
use crate::components::load::error_banner;
use crate::components::modal::Modal;
use crate::hooks::use_submit;
use domain::models::Credential;
use domain::Kind;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RevokeDialogProps {
    pub kind: Kind,
    pub token: Credential,
    pub send: Sender<(), ()>,
    pub on_close: Callback<()>,
    /// Why the dialog opened by itself (a secret lost on the way), said first.
    #[prop_or_default]
    pub why: Option<AttrValue>,
}

#[component]
pub fn RevokeDialog(props: &RevokeDialogProps) -> Html {
    let typed = use_state(String::new);
    let submit = use_submit();
    let matches = *typed == props.token.name;
    let remove = matches!(props.kind, Kind::DeployKey | Kind::TriggerToken);
    let (verb, busy_verb, warning) = if remove {
        ("Remove", "Removing…", "Removing cannot be undone.")
    } else {
        ("Revoke", "Revoking…", "Revoking cannot be undone.")
    };
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            typed.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onsubmit = {
        let submit = submit.clone();
        let send = props.send.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if matches {
                let on_close = on_close.clone();
                submit.run((send.0)(()), move |()| on_close.emit(()));
            }
        })
    };
    let busy = submit.busy;
    let on_close = (!busy).then(|| props.on_close.clone());
    let cancel = props.on_close.clone();
    let noun = props.kind.noun();
    html! {
        <Modal title={format!("{verb} \u{201c}{}\u{201d}", props.token.name)} id="revoke-dialog" on_close={on_close}>
            <form class="form" {onsubmit} novalidate=true>
                { props.why.as_ref().map(|why| html! { <div class="banner banner-error" role="alert" data-testid="secret-lost"><p>{ why }</p></div> }).unwrap_or_default() }
                <div class="banner banner-error" role="note">
                    <p><strong>{ warning }</strong>{ format!(" Everything that uses this {noun} loses access at once.") }</p>
                </div>
                <div class="field">
                    <label for="revoke-confirm">{ "Type " }<strong class="mono">{ &props.token.name }</strong>{ " to confirm" }</label>
                    <input id="revoke-confirm" type="text" autocomplete="off" spellcheck="false" value={(*typed).clone()}
                        {oninput} disabled={busy} data-testid="revoke-confirm" />
                </div>
                { submit.error.as_ref().map(|e| error_banner(e, None)).unwrap_or_default() }
                <div class="actions">
                    <button type="button" class="btn" disabled={busy} onclick={cancel.reform(|_| ())}>{ "Cancel" }</button>
                    <button type="submit" class="btn btn-danger" disabled={busy || !matches} data-testid="revoke-submit">
                        { if busy { busy_verb.to_string() } else { format!("{verb} {noun}") } }
                    </button>
                </div>
            </form>
        </Modal>
    }
}
