//! A labelled form field with help and an error slot wired for screen readers.

use yew::prelude::*;

/// The id of the element describing field `id` (help or error), for `aria-describedby`.
pub fn described_by(id: &str) -> String {
    format!("{id}-help {id}-error")
}

/// Field `id` of a form: its label, `control`, help and error. `data-field` lets a form find
/// it (to focus the first field in error).
/// A plain function rather than a component: it keeps no state, and a component's machinery
/// would cost the module bytes for nothing.
pub fn field(
    id: &'static str,
    label: &str,
    help: Option<String>,
    error: Option<String>,
    control: Html,
) -> Html {
    html! {
        <div class={classes!("field", error.is_some().then_some("field-invalid"))} data-field={id}>
            <label for={id}>{ label }</label>
            { control }
            {
                match help {
                    Some(h) => html! { <p class="help" id={format!("{id}-help")}>{ h }</p> },
                    None => html! {},
                }
            }
            <p class="field-error" id={format!("{id}-error")} data-testid={format!("error-{id}")} aria-live="polite">
                { error.unwrap_or_default() }
            </p>
        </div>
    }
}
