//! Reveal once: the only place a new secret lives. Masked until asked, copyable, with usage
//! snippets; closing drops it (and the token list reloads), and leaving the page asks first.

use crate::clipboard;
use crate::components::modal::Modal;
use crate::context::Reveal;
use domain::snippets::{self, SnippetInput};
use domain::Kind;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RevealDialogProps {
    pub reveal: Rc<Reveal>,
    pub on_close: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum CopyState {
    Idle,
    Copied(&'static str),
    Failed(&'static str),
}

const SECRET_ID: &str = "reveal-secret";

#[component]
pub fn RevealDialog(props: &RevealDialogProps) -> Html {
    let shown = use_state(|| false);
    let copy = use_state(|| CopyState::Idle);
    let copied_once = use_state(|| false);
    // Whether the clipboard (last we wrote it) holds the secret: a copied snippet replaces it.
    let in_clipboard = use_state(|| false);
    let confirm_close = use_state(|| false);

    // Closing the tab or reloading while the secret is on screen asks first.
    use_effect_with((), |_| {
        let listener =
            Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(|e: web_sys::BeforeUnloadEvent| {
                e.prevent_default();
                e.set_return_value("The new token is not saved anywhere. Leave anyway?");
            });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback(
                "beforeunload",
                listener.as_ref().unchecked_ref(),
            );
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback(
                    "beforeunload",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });

    let r = &props.reveal;
    let meta = &r.created.meta;
    let copy_text = |what: &'static str, make: Rc<dyn Fn(&Reveal) -> String>| {
        let (reveal, copy, copied_once, shown, in_clipboard) = (
            props.reveal.clone(),
            copy.clone(),
            copied_once.clone(),
            shown.clone(),
            in_clipboard.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (reveal, copy, copied_once, shown, make, in_clipboard) = (
                reveal.clone(),
                copy.clone(),
                copied_once.clone(),
                shown.clone(),
                make.clone(),
                in_clipboard.clone(),
            );
            spawn_local(async move {
                let mut text = make(&reveal);
                let copied = clipboard::copy(&text).await;
                domain::secret::Zeroize::zeroize(&mut text);
                match copied {
                    Ok(()) => {
                        copy.set(CopyState::Copied(what));
                        copied_once.set(true);
                        in_clipboard.set(what == "token");
                    }
                    Err(_) => {
                        // Fall back to a selection the user can copy by hand.
                        shown.set(true);
                        copy.set(CopyState::Failed(what));
                        clipboard::select_all(SECRET_ID);
                    }
                }
            });
        })
    };
    let on_copy = copy_text(
        "token",
        Rc::new(|r: &Reveal| r.created.token.expose().to_string()),
    );
    let toggle = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(!*shown))
    };
    let close = {
        let (on_close, copied_once, confirm_close) = (
            props.on_close.clone(),
            copied_once.clone(),
            confirm_close.clone(),
        );
        Callback::from(move |_: ()| {
            if *copied_once || *confirm_close {
                on_close.emit(());
            } else {
                confirm_close.set(true);
            }
        })
    };
    // Snippets read the secret from a shell variable: none contains it.
    let visible = snippets::for_kind(&SnippetInput {
        kind: r.kind,
        gitlab: &r.gitlab,
        project_path: (!r.owner_path.is_empty() && r.project_id.is_some())
            .then_some(r.owner_path.as_str()),
        project_id: r.project_id,
        username: r.username.as_deref(),
        scopes: &meta.scopes,
        registry_host: r.registry_host.as_deref(),
        deploy_token_name: matches!(r.kind, Kind::ProjectDeployToken | Kind::GroupDeployToken)
            .then_some(meta.name.as_str()),
    });
    let who = match r.kind {
        Kind::ProjectAccessToken | Kind::GroupAccessToken => Some(("Signs in as", r.username.clone().unwrap_or_else(|| "its bot user".into()),
            "A project or group access token signs in as its own bot user (not as you, and not as gitlab+deploy-token-…). Git over HTTPS accepts any username with it; the registry and the bot's own API calls use this one.")),
        Kind::PersonalAccessToken => Some(("Signs in as", r.username.clone().map(|u| format!("@{u}")).unwrap_or_default(),
            "A personal access token acts as the user it belongs to.")),
        Kind::ProjectDeployToken | Kind::GroupDeployToken => Some(("Username", meta.username.clone(),
            "A deploy token needs this exact username with the token as password, for Git and for docker login.")),
        _ => None,
    };
    let status = match &*copy {
        CopyState::Idle => html! {},
        CopyState::Copied(what) => {
            html! { <p class="copy-ok" role="status" data-testid="copy-status">{ format!("Copied the {what} to the clipboard.") }</p> }
        }
        CopyState::Failed(what) => html! {
            <p class="copy-failed" role="alert" data-testid="copy-status">
                { format!("Could not copy the {what}: the browser refused. The token is selected; press Ctrl+C (⌘C on a Mac) to copy it.") }
            </p>
        },
    };
    html! {
        <Modal title={props.reveal.heading.clone()} id="reveal-dialog" on_close={Some(close.clone())} wide=true>
            <div class="banner banner-warning" role="note">
                <p><strong>{ "Copy this token now. You will not see it again." }</strong>
                { " tokenwarden does not keep it: closing this dialog forgets it." }</p>
            </div>
            <dl class="facts">
                <dt>{ "Name" }</dt><dd data-testid="reveal-name">{ &meta.name }</dd>
                { if meta.scopes.is_empty() { html! {} } else { html! { <><dt>{ "Scopes" }</dt><dd class="mono">{ meta.scopes.join(", ") }</dd></> } } }
                { match meta.access_level { Some(a) => html! { <><dt>{ "Role" }</dt><dd>{ a.label() }</dd></> }, None => html! {} } }
                { if r.kind.spec().expiry == domain::kind::ExpiryRule::None { html! {} } else { html! {
                    <><dt>{ "Expires" }</dt><dd>{ meta.expires_at.map(crate::time::date).unwrap_or_else(|| "never".into()) }</dd></>
                } } }
                { match &who { Some((label, value, _)) => html! { <><dt>{ *label }</dt><dd class="mono" data-testid="reveal-username">{ value }</dd></> }, None => html! {} } }
            </dl>
            { match &who { Some((_, _, note)) => html! { <p class="help">{ *note }</p> }, None => html! {} } }
            <div class="secret-row">
                <label for={SECRET_ID} class="visually-hidden">{ "New token" }</label>
                <input id={SECRET_ID} class="secret mono" readonly=true type={if *shown { "text" } else { "password" }}
                    value={r.created.token.expose().to_string()} data-testid="reveal-secret" autocomplete="off" spellcheck="false" />
                <button type="button" class="btn" onclick={toggle} data-testid="reveal-toggle" aria-pressed={shown.to_string()}>
                    { if *shown { "Hide" } else { "Show" } }
                </button>
                <button type="button" class="btn btn-primary" onclick={on_copy} data-testid="reveal-copy" data-autofocus="true">{ "Copy" }</button>
            </div>
            { status }
            {
                if visible.is_empty() { html! {} } else {
                    html! {
                        <section class="snippets">
                            <h3>{ "Use it" }</h3>
                            { for visible.iter().map(|s| {
                                let title = s.title;
                                let text = s.text.clone();
                                let copy_snippet = copy_text("command", Rc::new(move |_: &Reveal| text.clone()));
                                html! {
                                    <div class="snippet" data-testid="snippet">
                                        <div class="snippet-head">
                                            <span>{ title }</span>
                                            <button type="button" class="btn btn-small" onclick={copy_snippet} aria-label={format!("Copy: {title}")}>{ "Copy" }</button>
                                        </div>
                                        <pre class="mono">{ &s.text }</pre>
                                        { s.note.map(|n| html! { <p class="help">{ n }</p> }).unwrap_or_default() }
                                    </div>
                                }
                            }) }
                        </section>
                    }
                }
            }
            {
                if *confirm_close {
                    html! { <p class="copy-failed" role="alert" data-testid="close-warning">{ "You have not copied the token. Close anyway? It cannot be shown again." }</p> }
                } else { html! {} }
            }
            {
                if *in_clipboard {
                    html! { <p class="help" data-testid="clipboard-note">{ "The token is still in your clipboard, where other programs can read it. Paste it where it goes, then clear the clipboard." }</p> }
                } else { html! {} }
            }
            <div class="actions">
                {
                    if *in_clipboard {
                        let on_close = props.on_close.clone();
                        let clear = Callback::from(move |_: MouseEvent| {
                            let on_close = on_close.clone();
                            // Overwritten, not read: reading needs a permission prompt.
                            spawn_local(async move {
                                let _ = clipboard::copy("").await;
                                on_close.emit(());
                            });
                        });
                        html! { <button type="button" class="btn" onclick={clear} data-testid="reveal-close-clear">{ "Clear clipboard and close" }</button> }
                    } else { html! {} }
                }
                <button type="button" class="btn" onclick={close.reform(|_| ())} data-testid="reveal-close">
                    { if *confirm_close { "Close without copying" } else { "Done" } }
                </button>
            </div>
        </Modal>
    }
}
