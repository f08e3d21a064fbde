//! Enabling a deploy key that another of your projects already uses: pick the project, then the
//! key. Keys already here are marked. Emits what to look up and which key to enable; the page
//! sends the calls.

use crate::components::credential_form::Sender;
use crate::components::load::error_banner;
use crate::components::modal::Modal;
use crate::hooks::use_submit;
use domain::models::{Credential, Place};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EnableKeyDialogProps {
    /// This project's id, left out of the choices.
    pub here: u64,
    /// Fingerprints of the keys this project already has.
    pub present: Vec<String>,
    /// Projects you maintain, by name.
    pub search: Sender<String, Vec<Place>>,
    /// A project's deploy keys.
    pub keys_of: Sender<u64, Vec<Credential>>,
    pub send: Sender<u64, ()>,
    pub on_close: Callback<()>,
}

#[component]
pub fn EnableKeyDialog(props: &EnableKeyDialogProps) -> Html {
    let places = use_state(|| None::<Vec<Place>>);
    let keys = use_state(|| None::<(Place, Vec<Credential>)>);
    let submit = use_submit();
    let search_ref = use_node_ref();

    let find = {
        let (search, places, keys, submit, search_ref) = (
            props.search.clone(),
            places.clone(),
            keys.clone(),
            submit.clone(),
            search_ref.clone(),
        );
        let here = props.here;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = search_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let (places, keys) = (places.clone(), keys.clone());
            submit.run((search.0)(text.trim().to_string()), move |found| {
                keys.set(None);
                places.set(Some(
                    found.into_iter().filter(|p: &Place| p.id != here).collect(),
                ));
            });
        })
    };
    let pick = |place: Place| {
        let (keys_of, keys, submit) = (props.keys_of.clone(), keys.clone(), submit.clone());
        Callback::from(move |_: MouseEvent| {
            let (keys, place) = (keys.clone(), place.clone());
            submit.run((keys_of.0)(place.id), move |found| {
                keys.set(Some((place, found)))
            });
        })
    };
    let enable = |id: u64| {
        let (send, submit, on_close) = (props.send.clone(), submit.clone(), props.on_close.clone());
        Callback::from(move |_: MouseEvent| {
            let on_close = on_close.clone();
            submit.run((send.0)(id), move |()| on_close.emit(()));
        })
    };
    let busy = submit.busy;

    let choices = match (&*keys, &*places) {
        (Some((place, found)), _) => {
            let back = {
                let keys = keys.clone();
                Callback::from(move |_: MouseEvent| keys.set(None))
            };
            html! {
                <div data-testid="enable-keys">
                    <p><strong>{ place.title() }</strong>{ " · " }
                        <button type="button" class="btn btn-quiet btn-small" onclick={back}>{ "Other project" }</button></p>
                    {
                        if found.is_empty() {
                            html! { <p class="muted">{ "This project has no deploy keys." }</p> }
                        } else {
                            html! { <ul class="pick-list">{ for found.iter().map(|k| {
                                let here = props.present.contains(&k.fingerprint);
                                html! {
                                    <li data-testid="enable-key" data-key-title={k.name.clone()}>
                                        <span>
                                            <strong>{ &k.name }</strong>
                                            <span class="muted small mono">{ format!(" {}", k.fingerprint) }</span>
                                            <span class="muted small">{ if k.can_push == Some(true) { " · read and write" } else { " · read-only" } }</span>
                                        </span>
                                        {
                                            if here {
                                                html! { <span class="muted small">{ "already enabled here" }</span> }
                                            } else {
                                                html! { <button type="button" class="btn btn-small" disabled={busy} onclick={enable(k.id)}
                                                    aria-label={format!("Enable {}", k.name)} data-testid="enable-key-submit">{ "Enable" }</button> }
                                            }
                                        }
                                    </li>
                                }
                            }) }</ul> }
                        }
                    }
                </div>
            }
        }
        (None, Some(found)) if found.is_empty() => html! {
            <p class="muted" data-testid="enable-none">{ "No other project you maintain matches." }</p>
        },
        (None, Some(found)) => html! {
            <ul class="pick-list" data-testid="enable-projects">{ for found.iter().map(|p| html! {
                <li><button type="button" class="btn btn-quiet" disabled={busy} onclick={pick(p.clone())}
                    data-testid="enable-project">{ p.title() }</button></li>
            }) }</ul>
        },
        (None, None) => html! {},
    };

    let on_close = (!busy).then(|| props.on_close.clone());
    html! {
        <Modal title="Enable a deploy key from another project" id="enable-dialog" on_close={on_close}>
            <p class="muted">{ "A deploy key used in another project you maintain can be enabled here too: both projects then accept the same private key." }</p>
            <form class="input-row" onsubmit={find}>
                <label for="enable-search" class="visually-hidden">{ "Project name" }</label>
                <input id="enable-search" ref={search_ref} type="search" placeholder="Project name" autocomplete="off"
                    data-testid="enable-search" disabled={busy} />
                <button type="submit" class="btn" disabled={busy} data-testid="enable-find">{ "Find" }</button>
            </form>
            { choices }
            { submit.error.as_ref().map(|e| error_banner(e, None)).unwrap_or_default() }
            <div class="actions">
                <button type="button" class="btn" disabled={busy} onclick={props.on_close.reform(|_| ())}>{ "Cancel" }</button>
            </div>
        </Modal>
    }
}
