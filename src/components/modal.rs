//! An accessible modal dialog: `role="dialog"`, `aria-modal`, focus moved in on open and given
//! back on close, Tab kept inside, Escape to close when closing is allowed.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    pub title: AttrValue,
    /// Used for `data-testid` and to tie the title to the dialog.
    pub id: AttrValue,
    /// None while closing is not allowed (a request in flight).
    pub on_close: Option<Callback<()>>,
    #[prop_or_default]
    pub wide: bool,
    pub children: Html,
}

const FOCUSABLE: &str =
    "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

fn focusables(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

#[component]
pub fn Modal(props: &ModalProps) -> Html {
    let dialog_ref = use_node_ref();
    {
        let dialog_ref = dialog_ref.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let previous = document
                .as_ref()
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(root) = dialog_ref.cast::<Element>() {
                // Autofocus the first field if there is one, else the dialog itself.
                let first = root
                    .query_selector("[autofocus], input:not([disabled]), textarea, select")
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok());
                match first {
                    Some(el) => drop(el.focus()),
                    None => {
                        if let Ok(el) = root.dyn_into::<HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                }
            }
            move || {
                if let Some(el) = previous {
                    let _ = el.focus();
                }
            }
        });
    }
    let onkeydown = {
        let on_close = props.on_close.clone();
        let dialog_ref = dialog_ref.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => {
                if let Some(cb) = &on_close {
                    e.prevent_default();
                    cb.emit(());
                }
            }
            "Tab" => {
                let Some(root) = dialog_ref.cast::<Element>() else {
                    return;
                };
                let items = focusables(&root);
                let (Some(first), Some(last)) = (items.first(), items.last()) else {
                    return;
                };
                let active = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element());
                let at = |el: &HtmlElement| {
                    active
                        .as_ref()
                        .is_some_and(|a| a == el.unchecked_ref::<Element>())
                };
                if e.shift_key() && at(first) {
                    e.prevent_default();
                    let _ = last.focus();
                } else if !e.shift_key() && at(last) {
                    e.prevent_default();
                    let _ = first.focus();
                }
            }
            _ => {}
        })
    };
    let title_id = format!("{}-title", props.id);
    let close_button = props.on_close.as_ref().map(|cb| {
        let cb = cb.clone();
        html! { <button type="button" class="modal-x" aria-label="Close" onclick={Callback::from(move |_| cb.emit(()))}>{ "×" }</button> }
    });
    html! {
        <div class="overlay">
            <div
                ref={dialog_ref}
                class={classes!("modal", props.wide.then_some("modal-wide"))}
                role="dialog"
                aria-modal="true"
                aria-labelledby={title_id.clone()}
                tabindex="-1"
                data-testid={props.id.clone()}
                {onkeydown}
            >
                <header class="modal-head">
                    <h2 id={title_id}>{ props.title.clone() }</h2>
                    { close_button }
                </header>
                { props.children.clone() }
            </div>
        </div>
    }
}
