//! Bulk revoke and rotate from the inventory: a dry run that lists what will happen to each
//! selected token, a typed confirmation, then one call per token with its result, and each
//! rotated secret revealed once.

use crate::client::Client;
use crate::components::expiry_picker::{expiry_picker, ExpiryPicker};
use crate::components::inventory::{Table, COUNT_ID};
use crate::components::modal::Modal;
use crate::context::{AppCtx, Reveal};
use crate::time::today;
use domain::features::Feature;
use domain::inventory::bulk::{dry_run, sending, BulkAction, Context, Item, Step};
use domain::inventory::{Policy, Row};
use domain::kind::{Owner, OwnerType};
use domain::models::{CreatedToken, Place, User};
use domain::request;
use domain::request::ProjectRef;
use domain::text::shown;
use domain::{ExpiryChoice, Kind};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BulkDialogProps {
    pub rows: Table,
    /// Indices into the rows.
    pub picked: Rc<Vec<usize>>,
    pub action: BulkAction,
    pub policy: Option<Rc<Policy>>,
    /// Told which lists changed (kind and place), to read them again.
    pub on_close: Callback<Vec<(Kind, String)>>,
}

#[derive(Clone, PartialEq)]
enum Outcome {
    Waiting,
    Done(String),
    Failed(String),
    Skipped(String),
}

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    DryRun,
    Confirm,
    Running,
    Finished,
}

/// New secrets waiting to be shown, by item; taken out when shown.
type Secrets = Rc<RefCell<Vec<Option<CreatedToken>>>>;

#[component]
pub fn BulkDialog(props: &BulkDialogProps) -> Html {
    let ctx = use_context::<AppCtx>();
    let stage = use_state(|| Stage::DryRun);
    let expiry = use_state(ExpiryChoice::default);
    let typed = use_state(String::new);
    let outcomes = use_state(Vec::<Outcome>::new);
    let secrets: Secrets = use_mut_ref(Vec::new);
    // Bumped when a secret is shown, to redraw its line.
    let shown_count = use_state(|| 0u32);
    let closing = use_state(|| false);
    let Some(ctx) = ctx else { return html! {} };
    let Some(session) = ctx.session.clone() else {
        return html! {};
    };
    let today = today();
    let choose_expiry = session.supports(Feature::RotationExpiry);
    let rotating = matches!(props.action, BulkAction::Rotate(_));
    let expires_at = if rotating && choose_expiry {
        expiry.resolve(today)
    } else {
        Ok(today)
    };
    let action = match props.action {
        BulkAction::Rotate(_) => BulkAction::Rotate(match (&expires_at, choose_expiry) {
            (Ok(d), true) => Some(*d),
            _ => None,
        }),
        other => other,
    };
    let items: Rc<Vec<Item>> = Rc::new(dry_run(
        &props.rows.0,
        &props.picked,
        action,
        session.user.id,
        Context {
            today,
            session_token: session.token_info.as_ref().map(|t| t.id),
            policy: props.policy.as_deref(),
            admin: session.user.is_admin,
        },
    ));
    let will = sending(&items);
    let (verb, noun_done) = match props.action {
        BulkAction::Revoke => ("Revoke", "revoked"),
        BulkAction::Rotate(_) => ("Rotate", "rotated"),
    };
    let plural = |n: usize| if n == 1 { "token" } else { "tokens" };

    let changed = {
        let (rows, items, outcomes) = (props.rows.clone(), items.clone(), outcomes.clone());
        move || -> Vec<(Kind, String)> {
            let mut out = Vec::new();
            for (item, outcome) in items.iter().zip(outcomes.iter()) {
                if matches!(outcome, Outcome::Done(_) | Outcome::Failed(_)) {
                    if let Some(r) = rows.0.get(item.row) {
                        let k = (r.kind, r.path.clone());
                        if !out.contains(&k) {
                            out.push(k);
                        }
                    }
                }
            }
            out
        }
    };
    let unshown = secrets.borrow().iter().filter(|s| s.is_some()).count();
    let close = {
        let (on_close, closing, secrets, changed) = (
            props.on_close.clone(),
            closing.clone(),
            secrets.clone(),
            changed.clone(),
        );
        let busy = *stage == Stage::Running;
        Callback::from(move |_: ()| {
            if busy {
                return;
            }
            if unshown > 0 && !*closing {
                closing.set(true);
                return;
            }
            // Dropping the secrets wipes them.
            secrets.borrow_mut().clear();
            on_close.emit(changed());
        })
    };

    let body = match *stage {
        Stage::DryRun | Stage::Confirm => {
            let list = html! {
                <ol class="bulk-list" data-testid="bulk-plan">
                    { for items.iter().map(|item| {
                        let Some(r) = props.rows.0.get(item.row) else { return html! {} };
                        let place = if r.path.is_empty() { r.place_name.clone() } else { r.path.clone() };
                        let (class, what, step) = match &item.step {
                            Step::Send { says, .. } => ("bulk-send", says.clone(), "send"),
                            Step::Skip(why) => ("bulk-skip", format!("Skipped: {why}"), "skip"),
                        };
                        html! {
                            <li class={class} data-testid="bulk-item" data-step={step} data-token-name={r.credential.name.clone()}>
                                <strong>{ shown(&r.credential.name).into_owned() }</strong>
                                <span class="muted">{ format!(" · {} in {place}", r.kind.label()) }</span>
                                <div class="small">{ what }</div>
                            </li>
                        }
                    }) }
                </ol>
            };
            let summary = format!(
                "Dry run: nothing has been sent yet. {will} {} will be {noun_done}; {} skipped.",
                plural(will),
                items.len() - will
            );
            if *stage == Stage::DryRun {
                let on_expiry = {
                    let expiry = expiry.clone();
                    Callback::from(move |c| expiry.set(c))
                };
                let next = {
                    let (stage, typed) = (stage.clone(), typed.clone());
                    Callback::from(move |_: MouseEvent| {
                        typed.set(String::new());
                        stage.set(Stage::Confirm)
                    })
                };
                let blocked = will == 0 || expires_at.is_err();
                html! {
                    <>
                        {
                            if rotating && choose_expiry {
                                expiry_picker(ExpiryPicker { id: "bulk-expiry", value: (*expiry).clone(), today, on_change: on_expiry,
                                    error: expires_at.as_ref().err().cloned(), disabled: false, required: true })
                            } else if rotating {
                                html! { <p class="muted">{ "This GitLab version gives each new token 7 days; choosing the expiry needs GitLab 16.6 or later." }</p> }
                            } else { html! {} }
                        }
                        <p role="status" data-testid="bulk-summary">{ summary }</p>
                        { list }
                        <div class="actions">
                            <button type="button" class="btn" onclick={close.reform(|_| ())}>{ "Cancel" }</button>
                            <button type="button" class="btn btn-danger" disabled={blocked} onclick={next} data-testid="bulk-continue">{ "Continue" }</button>
                        </div>
                    </>
                }
            } else {
                let want = will.to_string();
                let matches = typed.trim() == want;
                let oninput = {
                    let typed = typed.clone();
                    Callback::from(move |e: InputEvent| {
                        typed.set(e.target_unchecked_into::<HtmlInputElement>().value())
                    })
                };
                let back = {
                    let stage = stage.clone();
                    Callback::from(move |_: MouseEvent| stage.set(Stage::DryRun))
                };
                let run = {
                    let (stage, outcomes, secrets, items) = (
                        stage.clone(),
                        outcomes.clone(),
                        secrets.clone(),
                        items.clone(),
                    );
                    let client = session.client.clone();
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        if !matches {
                            return;
                        }
                        stage.set(Stage::Running);
                        let (stage, outcomes, secrets, items, client) = (
                            stage.clone(),
                            outcomes.clone(),
                            secrets.clone(),
                            items.clone(),
                            client.clone(),
                        );
                        spawn_local(async move {
                            let mut results: Vec<Outcome> = items
                                .iter()
                                .map(|i| match &i.step {
                                    Step::Skip(why) => Outcome::Skipped(why.clone()),
                                    Step::Send { .. } => Outcome::Waiting,
                                })
                                .collect();
                            *secrets.borrow_mut() = items.iter().map(|_| None).collect();
                            outcomes.set(results.clone());
                            // One at a time: a write is never retried, and a rate limit hit halfway
                            // is clearer one item at a time.
                            for (n, item) in items.iter().enumerate() {
                                let Step::Send { request, .. } = &item.step else {
                                    continue;
                                };
                                results[n] = if rotating {
                                    match client.created(request).await {
                                        Ok(created) => {
                                            let expires = created
                                                .meta
                                                .expires_at
                                                .map(|d| format!(", expiring {d}"))
                                                .unwrap_or_default();
                                            if let Some(slot) = secrets.borrow_mut().get_mut(n) {
                                                *slot = Some(created);
                                            }
                                            Outcome::Done(format!(
                                                "Rotated{expires}. The old token no longer works."
                                            ))
                                        }
                                        Err(e) => Outcome::Failed(e.summary()),
                                    }
                                } else {
                                    match client.empty(request).await {
                                        Ok(()) => Outcome::Done("Done: it no longer works.".into()),
                                        Err(e) => Outcome::Failed(e.summary()),
                                    }
                                };
                                outcomes.set(results.clone());
                            }
                            stage.set(Stage::Finished);
                        });
                    })
                };
                html! {
                    <form class="form" onsubmit={run} novalidate=true>
                        <div class="banner banner-error" role="note">
                            <p><strong>{ "This cannot be undone." }</strong>
                            { format!(" {will} {} stop working at once, and everything that uses them loses access.", plural(will)) }</p>
                        </div>
                        <p data-testid="bulk-summary">{ summary }</p>
                        <div class="field">
                            <label for="bulk-confirm">{ "Type " }<strong class="mono">{ want.clone() }</strong>{ format!(" (the number of {}) to confirm", plural(will)) }</label>
                            <input id="bulk-confirm" type="text" inputmode="numeric" autocomplete="off" value={(*typed).clone()} {oninput} data-testid="bulk-confirm" />
                        </div>
                        <div class="actions">
                            <button type="button" class="btn" onclick={back}>{ "Back to the dry run" }</button>
                            <button type="submit" class="btn btn-danger" disabled={!matches} data-testid="bulk-submit">{ format!("{verb} {will} {}", plural(will)) }</button>
                        </div>
                    </form>
                }
            }
        }
        Stage::Running | Stage::Finished => {
            let done = outcomes
                .iter()
                .filter(|o| matches!(o, Outcome::Done(_)))
                .count();
            let failed = outcomes
                .iter()
                .filter(|o| matches!(o, Outcome::Failed(_)))
                .count();
            let waiting = outcomes
                .iter()
                .filter(|o| matches!(o, Outcome::Waiting))
                .count();
            let headline = if *stage == Stage::Running {
                format!("Working: {} of {will} done…", will - waiting)
            } else {
                format!(
                    "{done} {noun_done}, {failed} failed, {} skipped.",
                    items.len() - will
                )
            };
            let gitlab = session.client.gitlab().clone();
            let reveal_one = |n: usize| {
                let (secrets, reveal, rows, items, client, gitlab, bump) = (
                    secrets.clone(),
                    ctx.reveal.clone(),
                    props.rows.clone(),
                    items.clone(),
                    session.client.clone(),
                    gitlab.clone(),
                    shown_count.clone(),
                );
                Callback::from(move |_: MouseEvent| {
                    let Some(created) = secrets.borrow_mut().get_mut(n).and_then(Option::take)
                    else {
                        return;
                    };
                    bump.set(*bump + 1);
                    let Some(r) = items.get(n).and_then(|i| rows.0.get(i.row)).cloned() else {
                        return;
                    };
                    let (reveal, client, gitlab) = (reveal.clone(), client.clone(), gitlab.clone());
                    spawn_local(async move {
                        let (username, project_id, registry_host) =
                            snippet_facts(&client, &r, created.meta.user_id).await;
                        reveal.emit(Reveal {
                            heading: format!("Token rotated: {}", r.credential.name),
                            kind: r.kind,
                            created,
                            gitlab,
                            owner_path: r.path.clone(),
                            project_id,
                            username,
                            registry_host,
                        });
                    });
                })
            };
            html! {
                <>
                    <p role="status" data-testid="bulk-headline">{ headline }</p>
                    <ol class="bulk-list" data-testid="bulk-results">
                        { for items.iter().enumerate().map(|(n, item)| {
                            let Some(r) = props.rows.0.get(item.row) else { return html! {} };
                            let outcome = outcomes.get(n).cloned().unwrap_or(Outcome::Waiting);
                            let (class, state, text) = match &outcome {
                                Outcome::Waiting => ("bulk-wait", "waiting", "Waiting…".to_string()),
                                Outcome::Done(t) => ("bulk-done", "done", t.clone()),
                                Outcome::Failed(t) => ("bulk-failed", "failed", format!("Failed: {t}")),
                                Outcome::Skipped(t) => ("bulk-skip", "skipped", format!("Skipped: {t}")),
                            };
                            let has_secret = secrets.borrow().get(n).is_some_and(Option::is_some);
                            let was_rotated = rotating && matches!(outcome, Outcome::Done(_));
                            html! {
                                <li class={class} data-testid="bulk-result" data-outcome={state} data-token-name={r.credential.name.clone()}>
                                    <strong>{ shown(&r.credential.name).into_owned() }</strong>
                                    <span class="muted">{ format!(" · {} in {}", r.kind.label(), if r.path.is_empty() { &r.place_name } else { &r.path }) }</span>
                                    <div class="small">{ text }</div>
                                    {
                                        if has_secret {
                                            html! { <button type="button" class="btn btn-small btn-primary" data-testid="bulk-reveal" onclick={reveal_one(n)}>{ "Show the new token (once)" }</button> }
                                        } else if was_rotated {
                                            html! { <div class="small muted" data-testid="bulk-revealed">{ "The new token was shown; it cannot be shown again." }</div> }
                                        } else { html! {} }
                                    }
                                </li>
                            }
                        }) }
                    </ol>
                    {
                        if *closing && unshown > 0 {
                            let (on_close, secrets, changed) = (props.on_close.clone(), secrets.clone(), changed.clone());
                            html! {
                                <div class="banner banner-warning" role="alert" data-testid="bulk-unshown">
                                    <p>{ format!("{unshown} new {} not been shown. Closing drops them for good: the old ones already stopped working.", if unshown == 1 { "token has" } else { "tokens have" }) }</p>
                                    <button type="button" class="btn btn-danger" data-testid="bulk-close-anyway" onclick={Callback::from(move |_: MouseEvent| {
                                        secrets.borrow_mut().clear();
                                        on_close.emit(changed());
                                    })}>{ "Close anyway" }</button>
                                </div>
                            }
                        } else { html! {} }
                    }
                    <div class="actions">
                        <button type="button" class="btn" disabled={*stage == Stage::Running} onclick={close.reform(|_| ())} data-testid="bulk-close">{ "Close" }</button>
                    </div>
                </>
            }
        }
    };
    let title = format!(
        "{verb} {} {}",
        props.picked.len(),
        plural(props.picked.len())
    );
    let on_close = (*stage != Stage::Running).then_some(close);
    html! {
        <Modal title={title} id="bulk-dialog" on_close={on_close} wide=true return_to={AttrValue::from(COUNT_ID)}>
            { body }
        </Modal>
    }
}

/// What a rotated token's snippets need beyond the token, as the kind's own page has it: a bot's
/// username (what `git clone` and `docker login` take), and the project's id and registry. Read
/// together; a failed read only leaves its snippet out.
async fn snippet_facts(
    client: &Client,
    r: &Row,
    user_id: Option<u64>,
) -> (Option<String>, Option<u64>, Option<String>) {
    let username = async {
        match user_id {
            Some(id) if matches!(r.kind, Kind::ProjectAccessToken | Kind::GroupAccessToken) => {
                let user = client.get::<User>(&request::user(id)).await;
                user.ok().map(|u| u.username)
            }
            _ => None,
        }
    };
    let place = async {
        if r.kind.spec().owner != OwnerType::Project {
            return (None, client.registry_host().await);
        }
        let owner = Owner::Project(ProjectRef::Path(r.path.clone()));
        let Some(req) = request::place(&owner) else {
            return (None, None);
        };
        match client.get::<Place>(&req).await {
            Ok(p) => (Some(p.id), p.registry_host().map(str::to_string)),
            Err(_) => (None, None),
        }
    };
    let (username, (project_id, registry_host)) = futures_util::future::join(username, place).await;
    (username, project_id, registry_host)
}
