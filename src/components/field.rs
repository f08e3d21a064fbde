//! A labelled form field with help and an error slot wired for screen readers.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub help: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    pub children: Html,
}

/// The id of the element describing field `id` (help or error), for `aria-describedby`.
pub fn described_by(id: &str) -> String {
    format!("{id}-help {id}-error")
}

#[component]
pub fn Field(props: &FieldProps) -> Html {
    let id = &props.id;
    html! {
        <div class={classes!("field", props.error.is_some().then_some("field-invalid"))}>
            <label for={id.clone()}>{ props.label.clone() }</label>
            { props.children.clone() }
            {
                match &props.help {
                    Some(h) => html! { <p class="help" id={format!("{id}-help")}>{ h.clone() }</p> },
                    None => html! {},
                }
            }
            <p class="field-error" id={format!("{id}-error")} data-testid={format!("error-{id}")} aria-live="polite">
                { props.error.clone().unwrap_or_default() }
            </p>
        </div>
    }
}
