//! A table of access tokens with status badges and row actions.

use crate::time::{date, relative};
use chrono::NaiveDate;
use domain::models::AccessToken;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TokenTableProps {
    pub tokens: Vec<AccessToken>,
    pub today: NaiveDate,
    pub caption: AttrValue,
    /// None hides the actions column (inactive tokens, read-only sessions).
    #[prop_or_default]
    pub on_rotate: Option<Callback<AccessToken>>,
    #[prop_or_default]
    pub on_revoke: Option<Callback<AccessToken>>,
    /// Why actions are unavailable, shown on hover and to screen readers.
    #[prop_or_default]
    pub actions_disabled: Option<AttrValue>,
    pub testid: AttrValue,
}

#[component]
pub fn TokenTable(props: &TokenTableProps) -> Html {
    let show_actions =
        props.on_rotate.is_some() || props.on_revoke.is_some() || props.actions_disabled.is_some();
    let row = |t: &AccessToken| {
        let status = t.status(props.today);
        let actions = if show_actions {
            let disabled = props.actions_disabled.clone();
            let rotate = props.on_rotate.as_ref().map(|cb| {
                let (cb, t) = (cb.clone(), t.clone());
                Callback::from(move |_: MouseEvent| cb.emit(t.clone()))
            });
            let revoke = props.on_revoke.as_ref().map(|cb| {
                let (cb, t) = (cb.clone(), t.clone());
                Callback::from(move |_: MouseEvent| cb.emit(t.clone()))
            });
            html! {
                <td class="actions-cell">
                    <button type="button" class="btn btn-small" data-testid="token-rotate" disabled={rotate.is_none()}
                        title={disabled.clone()} aria-label={format!("Rotate {}", t.name)} onclick={rotate}>{ "Rotate" }</button>
                    <button type="button" class="btn btn-small btn-danger" data-testid="token-revoke" disabled={revoke.is_none()}
                        title={disabled} aria-label={format!("Revoke {}", t.name)} onclick={revoke}>{ "Revoke" }</button>
                </td>
            }
        } else {
            html! {}
        };
        html! {
            <tr key={t.id} data-testid="token-row" data-token-id={t.id.to_string()} data-token-name={t.name.clone()}>
                <td>
                    <div class="token-name">{ &t.name }</div>
                    { if t.description.is_empty() { html! {} } else { html! { <div class="muted small">{ &t.description }</div> } } }
                </td>
                <td><ul class="chips">{ for t.scopes.iter().map(|s| html! { <li class="chip mono">{ s }</li> }) }</ul></td>
                <td>{ t.access_level.map(|r| r.label()).unwrap_or("—") }</td>
                <td>{ t.created_at.map(|c| date(c.date_naive())).unwrap_or_else(|| "—".into()) }</td>
                <td>{ t.last_used_at.map(|u| relative(u, props.today)).unwrap_or_else(|| "never".into()) }</td>
                <td>
                    <div>{ t.expires_at.map(date).unwrap_or_else(|| "never".into()) }</div>
                    <span class={classes!("badge", format!("badge-{}", status.severity()))} data-testid="token-status">{ status.label() }</span>
                </td>
                { actions }
            </tr>
        }
    };
    html! {
        <div class="table-wrap">
            <table class="table" data-testid={props.testid.clone()}>
                <caption>{ props.caption.clone() }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Name" }</th>
                        <th scope="col">{ "Scopes" }</th>
                        <th scope="col">{ "Role" }</th>
                        <th scope="col">{ "Created" }</th>
                        <th scope="col">{ "Last used" }</th>
                        <th scope="col">{ "Expires" }</th>
                        { if show_actions { html! { <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th> } } else { html! {} } }
                    </tr>
                </thead>
                <tbody>{ for props.tokens.iter().map(row) }</tbody>
            </table>
        </div>
    }
}
