//! Expiry presets (7, 30, 60, 90 days), a custom date bounded to what GitLab accepts, and
//! "never" for the kinds that may live forever (deploy tokens and keys).

use crate::time::{date, local_date};
use chrono::NaiveDate;
use domain::expiry::{add_days, parse_date, window};
use domain::{ExpiryChoice, EXPIRY_PRESETS};
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub struct ExpiryPicker {
    pub id: &'static str,
    pub value: ExpiryChoice,
    pub today: NaiveDate,
    pub on_change: Callback<ExpiryChoice>,
    pub error: Option<String>,
    pub disabled: bool,
    /// Whether the kind must expire (access tokens): no "never", and at most a year out.
    pub required: bool,
}

/// The picker for `props`. A plain function rather than a component: its state lives in the
/// form that owns it, and a component's machinery would cost the module bytes for nothing.
pub fn expiry_picker(props: ExpiryPicker) -> Html {
    let (min, year) = window(props.today);
    let max = props.required.then_some(year);
    let id = props.id;
    let custom_text = match &props.value {
        ExpiryChoice::Custom(s) => s.clone(),
        ExpiryChoice::Preset(_) | ExpiryChoice::Never => String::new(),
    };
    let chosen = parse_date(&custom_text);
    let presets = EXPIRY_PRESETS.iter().map(|&days| {
        let on_change = props.on_change.clone();
        let checked = props.value == ExpiryChoice::Preset(days);
        html! {
            <label class={classes!("choice", checked.then_some("choice-on"))}>
                <input type="radio" name={id} checked={checked} disabled={props.disabled}
                    data-testid={format!("expiry-preset-{days}")}
                    onchange={Callback::from(move |_| on_change.emit(ExpiryChoice::Preset(days)))} />
                <span>{ format!("{days} days") }</span>
                <span class="muted small">{ date(add_days(props.today, days)) }</span>
            </label>
        }
    });
    let is_custom = matches!(props.value, ExpiryChoice::Custom(_));
    let never = (!props.required).then(|| {
        let on_change = props.on_change.clone();
        let checked = props.value == ExpiryChoice::Never;
        html! {
            <label class={classes!("choice", checked.then_some("choice-on"))}>
                <input type="radio" name={id} checked={checked} disabled={props.disabled}
                    data-testid="expiry-never" onchange={Callback::from(move |_| on_change.emit(ExpiryChoice::Never))} />
                <span>{ "Never" }</span>
            </label>
        }
    });
    let choose_custom = {
        let on_change = props.on_change.clone();
        let text = custom_text.clone();
        Callback::from(move |_| on_change.emit(ExpiryChoice::Custom(text.clone())))
    };
    let on_date = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: Event| {
            on_change.emit(ExpiryChoice::Custom(
                e.target_unchecked_into::<HtmlInputElement>().value(),
            ))
        })
    };
    let on_date_input = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            on_change.emit(ExpiryChoice::Custom(
                e.target_unchecked_into::<HtmlInputElement>().value(),
            ))
        })
    };
    let error_id = format!("{id}-error");
    html! {
        <fieldset class={classes!("field", props.error.is_some().then_some("field-invalid"))} aria-describedby={error_id.clone()}>
            <legend>{ "Expires" }</legend>
            <div class="choices">
                { never.unwrap_or_default() }
                { for presets }
                <label class={classes!("choice", is_custom.then_some("choice-on"))}>
                    <input type="radio" name={id} checked={is_custom} disabled={props.disabled}
                        data-testid="expiry-custom" onchange={choose_custom} />
                    <span>{ "Custom date" }</span>
                </label>
            </div>
            {
                if is_custom {
                    html! {
                        <div class="custom-date">
                            <label for={format!("{id}-date")} class="visually-hidden">{ "Expiry date" }</label>
                            <input id={format!("{id}-date")} type="date" min={date(min)} max={max.map(date)} value={custom_text}
                                disabled={props.disabled} data-testid="expiry-date" onchange={on_date} oninput={on_date_input}
                                aria-invalid={props.error.is_some().to_string()} aria-describedby={error_id.clone()} />
                            // The input shows dates in the browser's format: so does this hint,
                            // with the ISO date every other place uses beside the chosen one.
                            <span class="muted small" data-testid="expiry-date-hint">{
                                format!("{}{}", match max {
                                    Some(max) => format!("Between {} and {} (UTC).", local_date(min), local_date(max)),
                                    None => format!("{} or later (UTC).", local_date(min)),
                                }, match chosen {
                                    Some(d) => format!(" Chosen: {} ({}).", local_date(d), date(d)),
                                    None => String::new(),
                                })
                            }</span>
                        </div>
                    }
                } else { html! {} }
            }
            <p class="help">{ if props.required { "The token stops working at 00:00 UTC on this date." } else { "It stops working at 00:00 UTC on this date; Never keeps it until it is revoked." } }</p>
            <p class="field-error" id={error_id} data-testid={format!("error-{id}")} aria-live="polite">{ props.error.clone().unwrap_or_default() }</p>
        </fieldset>
    }
}
