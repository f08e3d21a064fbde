//! One table for every kind: the columns come from the kind's spec, and each row action is
//! enabled or disabled (with the reason) by the domain's capability rules.

use crate::time::{date, relative};
use chrono::NaiveDate;
use domain::capability::{check, Action, Who};
use domain::kind::Column;
use domain::kind::Owner;
use domain::models::Credential;
use domain::text::shown;
use domain::{Kind, Route};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

pub struct CredentialTable {
    pub kind: Kind,
    pub rows: Vec<Credential>,
    pub today: NaiveDate,
    pub caption: String,
    pub who: Who,
    /// None hides the actions column (inactive rows).
    pub on_action: Option<Callback<(Action, Credential)>>,
    /// Why no write action is possible in this session (read-only token).
    pub read_only: Option<AttrValue>,
    pub testid: &'static str,
    /// The row of the token this session signs in with, marked as such.
    pub session_token: Option<u64>,
    /// A column linking each row to its user's tokens (the instance list).
    pub show_user: bool,
    /// The row the last change touched: marked (the page focuses it when it appears).
    pub highlight: Option<u64>,
    /// Rotations of this session, old id to new id.
    pub rotations: Rc<Vec<(u64, u64)>>,
}

/// What a rotation of this session says about a row: what replaced it, or what it replaced.
fn lineage(t: &Credential, rotations: &[(u64, u64)]) -> Option<String> {
    rotations.iter().find_map(|&(old, new)| {
        if old == t.id {
            Some(format!("Rotated: replaced by token ID {new}"))
        } else if new == t.id {
            Some(format!("Replaces token ID {old} (rotated)"))
        } else {
            None
        }
    })
}

/// Every cell but the name's carries its column's title as `data-label`, which the stylesheet
/// shows beside the value when narrow screens stack each row as a card.
fn cell(
    column: Column,
    t: &Credential,
    today: NaiveDate,
    this_session: bool,
    lineage: Option<String>,
) -> Html {
    let value = match column {
        Column::Name => {
            return html! {
                <td class="cell-name">
                    <div class="token-name">{ shown(&t.name).into_owned() }
                        { if this_session { html! { <span class="badge badge-info" data-testid="this-session" title="tokenwarden is signed in with this token">{ "this session" }</span> } } else { html! {} } }
                    </div>
                    { lineage.map(|l| html! { <div class="muted small" data-testid="row-lineage">{ l }</div> }).unwrap_or_default() }
                    { if t.username.is_empty() { html! {} } else { html! { <div class="muted small">{ "username " }<span class="mono" data-testid="row-username">{ &t.username }</span></div> } } }
                    { if t.fingerprint.is_empty() { html! {} } else { html! { <div class="muted small mono" data-testid="row-fingerprint">{ &t.fingerprint }</div> } } }
                    { if t.description.is_empty() { html! {} } else { html! { <div class="muted small">{ shown(&t.description).into_owned() }</div> } } }
                </td>
            }
        }
        Column::Scopes => {
            html! { <ul class="chips">{ for t.scopes.iter().map(|s| html! { <li class="chip mono">{ s }</li> }) }</ul> }
        }
        Column::Role => t.access_level.map(|r| r.label()).unwrap_or("—").into(),
        Column::WriteAccess => if t.can_push == Some(true) {
            "read and write"
        } else {
            "read-only"
        }
        .into(),
        Column::Owner => t
            .owner
            .as_ref()
            .map(|o| format!("@{}", o.username))
            .unwrap_or_else(|| "—".into())
            .into(),
        Column::Created => t
            .created_at
            .map(|c| date(c.date_naive()))
            .unwrap_or_else(|| "—".into())
            .into(),
        Column::LastUsed => t
            .last_used_at
            .map(|u| relative(u, today))
            .unwrap_or_else(|| "never".into())
            .into(),
        Column::Expires => {
            let status = t.status(today);
            html! {
                <>
                    <div>{ t.expires_at.map(date).unwrap_or_else(|| "never".into()) }</div>
                    <span class={classes!("badge", format!("badge-{}", status.severity()))} data-testid="token-status">{ status.label() }</span>
                </>
            }
        }
    };
    // One cell element for every column but the name's.
    html! { <td data-label={column.title()}>{ value }</td> }
}

/// Focuses the table row of token `id`, unless a dialog holds the focus.
pub fn focus_row(id: u64) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if doc.query_selector(".modal").ok().flatten().is_some() {
        return;
    }
    let row = doc
        .query_selector(&format!("tr[data-token-id=\"{id}\"]"))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(row) = row {
        let _ = row.focus();
    }
}

/// The table. A plain function rather than a component: it keeps no state, and a component's
/// machinery would cost the module bytes for nothing.
pub fn credential_table(props: CredentialTable) -> Html {
    let spec = props.kind.spec();
    let columns = spec.columns();
    let mut actions = Vec::new();
    if spec.rotates {
        actions.push((Action::Rotate, "Rotate", "token-rotate", "btn btn-small"));
    }
    if spec.editable {
        actions.push((Action::Edit, "Edit", "token-edit", "btn btn-small"));
    }
    let remove = if matches!(props.kind, Kind::DeployKey | Kind::TriggerToken) {
        "Remove"
    } else {
        "Revoke"
    };
    actions.push((
        Action::Revoke,
        remove,
        "token-revoke",
        "btn btn-small btn-danger",
    ));
    let row = |t: &Credential| {
        let buttons = props.on_action.as_ref().map(|cb| {
            html! {
                <td class="actions-cell">
                    { for actions.iter().map(|(action, label, testid, class)| {
                        let reason = props.read_only.clone().map(|r| r.to_string()).or_else(|| {
                            check(props.kind, props.who, *action, Some(t), props.today).err()
                        });
                        let onclick = reason.is_none().then(|| {
                            let (cb, t, action) = (cb.clone(), t.clone(), *action);
                            Callback::from(move |_: MouseEvent| cb.emit((action, t.clone())))
                        });
                        // Refused actions stay focusable (aria-disabled, not disabled) so the
                        // keyboard and screen readers reach the reason too.
                        let reason_id = format!("why-{testid}-{}", t.id);
                        html! {
                            <>
                                <button type="button" class={*class} data-testid={*testid} aria-disabled={reason.is_some().then_some("true")}
                                    title={reason.clone()} aria-label={format!("{label} {}", t.name)}
                                    aria-describedby={reason.is_some().then(|| reason_id.clone())} {onclick}>{ *label }</button>
                                { reason.map(|r| html! { <span id={reason_id} class="visually-hidden" data-testid="action-reason">{ r }</span> }).unwrap_or_default() }
                            </>
                        }
                    }) }
                </td>
            }
        });
        let user = props.show_user.then(|| match t.user_id {
            Some(id) => html! { <td data-label="User"><a href={Route::Credentials { owner: Owner::User(id), kind: Kind::PersonalAccessToken }.href()}
                data-testid="row-user">{ format!("user {id}") }</a></td> },
            None => html! { <td data-label="User">{ "—" }</td> },
        });
        let marked = props.highlight == Some(t.id);
        html! {
            <tr key={t.id} data-testid="token-row" data-token-id={t.id.to_string()} data-token-name={t.name.clone()}
                class={classes!(marked.then_some("row-changed"))} tabindex={marked.then_some("-1")}>
                { for columns.iter().take(1).map(|c| cell(*c, t, props.today, props.session_token == Some(t.id), lineage(t, &props.rotations))) }
                { user.unwrap_or_default() }
                { for columns.iter().skip(1).map(|c| cell(*c, t, props.today, false, None)) }
                { buttons.unwrap_or_default() }
            </tr>
        }
    };
    html! {
        <div class="table-wrap">
            <table class="table" data-testid={props.testid}>
                <caption>{ props.caption }</caption>
                <thead>
                    <tr>
                        { for columns.iter().take(1).map(|c| html! { <th scope="col">{ c.title() }</th> }) }
                        { if props.show_user { html! { <th scope="col">{ "User" }</th> } } else { html! {} } }
                        { for columns.iter().skip(1).map(|c| html! { <th scope="col">{ c.title() }</th> }) }
                        { if props.on_action.is_some() { html! { <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th> } } else { html! {} } }
                    </tr>
                </thead>
                <tbody>{ for props.rows.iter().map(row) }</tbody>
            </table>
        </div>
    }
}
