//! An accessible modal dialog: `role="dialog"`, `aria-modal`, focus moved in on open, kept in
//! (Tab wraps, lost focus comes back), Escape closes when closing is allowed, and focus given
//! back to what opened it on close.
//!
//! Keys are heard on the document, not on the dialog: a dialog whose focused button was just
//! disabled (a submit in flight) or removed still answers Escape and Tab. Only the topmost
//! dialog answers, and one that opens from another (create → reveal) inherits its opener, so
//! focus goes back to the page's button rather than to a dialog that is gone.

use std::cell::{Cell, RefCell};
use wasm_bindgen::closure::Closure;
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
    /// The id of what takes focus on close when nothing that opened the dialog is left (a
    /// bulk action clears the selection bar that opened it); the page's main area otherwise.
    #[prop_or_default]
    pub return_to: Option<AttrValue>,
    pub children: Html,
}

const FOCUSABLE: &str =
    "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Where focus starts: a control marked `data-autofocus`, else the first field. (The HTML
/// `autofocus` attribute is ignored once the page has focused anything.)
const FIRST: [&str; 2] = [
    "[data-autofocus]",
    "input:not([disabled]), textarea:not([disabled]), select:not([disabled])",
];

struct Open {
    id: u32,
    /// Where focus goes back on close: the first of these still in the page.
    openers: Vec<HtmlElement>,
}

thread_local! {
    /// Open dialogs, topmost last.
    static STACK: RefCell<Vec<Open>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

fn active() -> Option<Element> {
    document().and_then(|d| d.active_element())
}

fn focusables(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

fn focus(el: &Element) {
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}

/// Focus is nowhere useful: on the body, or on nothing.
fn focus_lost() -> bool {
    match (active(), document().and_then(|d| d.body())) {
        (None, _) => true,
        (Some(a), Some(body)) => a == *body.unchecked_ref::<Element>(),
        _ => false,
    }
}

fn is_topmost(id: u32) -> bool {
    STACK.with(|s| s.borrow().last().is_some_and(|o| o.id == id))
}

#[component]
pub fn Modal(props: &ModalProps) -> Html {
    let dialog_ref = use_node_ref();
    let id = *use_state(|| {
        NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1));
            id
        })
    });
    // The listener outlives renders: it reads the latest close callback from here.
    let on_close = use_mut_ref(|| None::<Callback<()>>);
    *on_close.borrow_mut() = props.on_close.clone();

    {
        let dialog_ref = dialog_ref.clone();
        let on_close = on_close.clone();
        let return_to = props.return_to.clone();
        use_effect_with((), move |_| {
            let here = active().and_then(|e| e.dyn_into::<HtmlElement>().ok());
            STACK.with(|s| {
                let mut s = s.borrow_mut();
                let from_dialog = here
                    .as_ref()
                    .is_some_and(|e| e.closest(".modal").ok().flatten().is_some());
                // Opened from inside another dialog: back to the control that opened it while
                // that dialog stays open, else where that one would go (it was replaced).
                let mut openers: Vec<HtmlElement> = here.into_iter().collect();
                if from_dialog {
                    openers.extend(s.last().map(|o| o.openers.clone()).unwrap_or_default());
                }
                s.push(Open { id, openers });
            });
            let root = dialog_ref.cast::<Element>();
            if let Some(root) = &root {
                match FIRST
                    .iter()
                    .find_map(|sel| root.query_selector(sel).ok().flatten())
                {
                    Some(el) => focus(&el),
                    None => focus(root),
                }
            }
            let listener = {
                let dialog_ref = dialog_ref.clone();
                Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                    if !is_topmost(id) {
                        return;
                    }
                    let Some(root) = dialog_ref.cast::<Element>() else {
                        return;
                    };
                    match e.key().as_str() {
                        "Escape" => {
                            let cb = on_close.borrow().clone();
                            if let Some(cb) = cb {
                                e.prevent_default();
                                cb.emit(());
                            }
                        }
                        "Tab" => {
                            let items = focusables(&root);
                            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                                e.prevent_default();
                                focus(&root);
                                return;
                            };
                            let now = active();
                            let inside = now
                                .as_ref()
                                .is_some_and(|a| root.contains(Some(a.as_ref())));
                            let at = |el: &HtmlElement| {
                                now.as_ref()
                                    .is_some_and(|a| a == el.unchecked_ref::<Element>())
                            };
                            if !inside || (e.shift_key() && at(first)) {
                                e.prevent_default();
                                let _ = if e.shift_key() {
                                    last.focus()
                                } else {
                                    first.focus()
                                };
                            } else if !e.shift_key() && at(last) {
                                e.prevent_default();
                                let _ = first.focus();
                            }
                        }
                        _ => {}
                    }
                })
            };
            let doc = document();
            if let Some(d) = &doc {
                let _ = d
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = &doc {
                    let _ = d.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                let opener = STACK.with(|s| {
                    let mut s = s.borrow_mut();
                    let at = s.iter().position(|o| o.id == id)?;
                    s.remove(at).openers.into_iter().find(|o| o.is_connected())
                });
                // Focus still in this dialog (about to leave the page) or already lost goes
                // back; another dialog that has taken it keeps it.
                let inside = match (&root, active()) {
                    (Some(r), Some(a)) => r.contains(Some(a.as_ref())),
                    _ => false,
                };
                if inside || focus_lost() {
                    match opener {
                        Some(el) => drop(el.focus()),
                        None => {
                            let doc = document();
                            let by_id =
                                |id: &str| doc.as_ref().and_then(|d| d.get_element_by_id(id));
                            if let Some(el) = return_to
                                .as_deref()
                                .and_then(by_id)
                                .or_else(|| by_id("main"))
                            {
                                focus(&el);
                            }
                        }
                    }
                }
            }
        });
    }
    // A focused control that was just disabled or removed leaves focus on the body, where
    // the keyboard would walk the page under the overlay: take it back, to the failure when
    // one is shown (a submit that failed), else to the dialog.
    {
        let dialog_ref = dialog_ref.clone();
        use_effect(move || {
            let Some(root) = dialog_ref.cast::<Element>() else {
                return;
            };
            let on_root = active().is_some_and(|a| a == root);
            if !is_topmost(id) || !(on_root || focus_lost()) {
                return;
            }
            match root
                .query_selector(".banner-error[tabindex]")
                .ok()
                .flatten()
            {
                Some(alert) => focus(&alert),
                None if !on_root => focus(&root),
                None => {}
            }
        });
    }
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
            >
                // A div, not <header>: outside <main> a header would be a second banner landmark.
                <div class="modal-head">
                    <h2 id={title_id}>{ props.title.clone() }</h2>
                    { close_button }
                </div>
                { props.children.clone() }
            </div>
        </div>
    }
}
