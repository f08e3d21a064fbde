//! One page for every owner and kind: a project's access tokens, deploy tokens, deploy keys and
//! triggers; a group's access and deploy tokens; your personal tokens. The kind's spec decides the
//! tabs, the table's columns, the form's fields and what the caller may do; this page loads the
//! data and sends what its dialogs emit.

use crate::client::Client;
use crate::components::credential_form::{CredentialFormDialog, Sender};
use crate::components::credential_table::{credential_table, focus_row, CredentialTable};
use crate::components::enable_key_dialog::EnableKeyDialog;
use crate::components::load::{view, Load};
use crate::components::revoke_dialog::RevokeDialog;
use crate::components::rotate_dialog::RotateDialog;
use crate::context::{AppCtx, Reveal};
use crate::hooks::use_load;
use crate::session::Session;
use crate::state::Action as AppAction;
use crate::time::today;
use chrono::{DateTime, Utc};
use domain::capability::{check_at, Action, Who};
use domain::error::ErrorKind;
use domain::features::Feature;
use domain::kind::{settings_url, Owner, OwnerType};
use domain::models::EXPIRY_URGENT_DAYS;
use domain::models::{expiring_soon, partition, CreatedToken, Credential, Member, Place, User};
use domain::reconcile::{self, Outcome, Write};
use domain::request::{self, CreateBody};
use domain::role::Caller;
use domain::validate::FormContext;
use domain::{AccessLevel, ApiError, Kind, ProjectRef, Route};
use std::rc::Rc;
use yew::prelude::*;

/// Whose credentials these are, resolved against GitLab.
#[derive(Clone, PartialEq)]
struct Holder {
    /// As the route names it.
    route_owner: Owner,
    /// With a numeric id (projects, groups) or the user it lists (admins).
    owner: Owner,
    title: String,
    full_path: String,
    project_id: Option<u64>,
    who: Who,
    /// The user personal tokens belong to, for snippets.
    username: Option<String>,
    /// The project's container registry host, for `docker login`.
    registry_host: Option<String>,
}

#[derive(Clone, PartialEq)]
struct PageData {
    holder: Holder,
    kind: Kind,
    /// The reason, in the page's words, when the caller may not see this kind here.
    rows: Result<Vec<Credential>, String>,
    /// Active credentials per kind the caller may see here, for the tabs; None where the
    /// count could not be read.
    counts: Vec<(Kind, Option<usize>)>,
}

fn active_count(rows: &[Credential]) -> usize {
    let today = today();
    rows.iter().filter(|r| r.status(today).is_active()).count()
}

/// The signed-in user's effective role in a project or group (inherited memberships included).
async fn role_in(session: &Session, owner: &Owner) -> Result<Caller, ApiError> {
    let admin = session.user.is_admin;
    let Some(req) = request::member(owner, session.user.id) else {
        return Ok(Caller { role: None, admin });
    };
    let role = match session.client.get::<Member>(&req).await {
        Ok(m) => m.access_level,
        // Not a member: only an admin (or someone with a public view) gets this far.
        Err(e) if e.kind == ErrorKind::NotFound => None,
        Err(_) if admin => None,
        Err(e) => return Err(e),
    };
    Ok(Caller { role, admin })
}

async fn load_holder(session: &Session, owner: &Owner) -> Result<Holder, ApiError> {
    let me = &session.user;
    let who = |caller, own| Who {
        caller,
        own,
        user_id: me.id,
    };
    if let Some(req) = request::place(owner) {
        let place: Place = session.client.get(&req).await?;
        // From here on by id, as the page links and the calls use it.
        let id = ProjectRef::Id(place.id);
        let (by_id, project_id) = match owner {
            Owner::Group(_) => (Owner::Group(id), None),
            _ => (Owner::Project(id), Some(place.id)),
        };
        let caller = role_in(session, &by_id).await?;
        // A project says whether it has a registry; a group's record does not.
        let registry_host = match owner {
            Owner::Group(_) => session.client.registry_host().await,
            _ => place.registry_host().map(str::to_string),
        };
        return Ok(Holder {
            registry_host,
            route_owner: owner.clone(),
            owner: by_id,
            title: place.title().to_string(),
            full_path: place.path_with_namespace,
            project_id,
            who: who(caller, false),
            username: None,
        });
    }
    // Personal tokens and the instance lists: no place, and no role in one.
    let (listed, title, own, username) = match owner {
        Owner::Instance => (
            Owner::Instance,
            "Every token on the instance".to_string(),
            false,
            None,
        ),
        Owner::User(id) => {
            let user: User = session.client.get(&request::user(*id)).await?;
            let title = format!("Personal access tokens of @{}", user.username);
            (
                Owner::User(*id),
                title,
                user.id == me.id,
                Some(user.username),
            )
        }
        // An admin's plain list would hold everyone's tokens: ask for their own.
        _ => (
            if me.is_admin {
                Owner::User(me.id)
            } else {
                Owner::Me
            },
            "Your personal access tokens".to_string(),
            true,
            Some(me.username.clone()),
        ),
    };
    let caller = Caller {
        role: None,
        admin: me.is_admin,
    };
    let registry_host = match listed {
        Owner::Instance => None,
        _ => session.client.registry_host().await,
    };
    Ok(Holder {
        route_owner: owner.clone(),
        owner: listed,
        title,
        full_path: String::new(),
        project_id: None,
        who: who(caller, own),
        username,
        registry_host,
    })
}

/// Counts for the tabs, read once per owner: afterwards only the shown kind changes on this
/// page, and its count is taken from its fresh rows.
async fn tab_counts(
    session: &Session,
    holder: &Holder,
    route_owner: &Owner,
    current: Kind,
    kept: Option<Vec<(Kind, Option<usize>)>>,
) -> Vec<(Kind, Option<usize>)> {
    if let Some(kept) = kept {
        return kept;
    }
    let mut counts = Vec::new();
    for &k in route_owner.kinds() {
        if check_at(
            route_owner.owner_type(),
            k,
            holder.who,
            Action::View,
            None,
            today(),
        )
        .is_err()
        {
            continue;
        }
        let n = if k == current {
            None
        } else {
            session
                .client
                .all(&holder.owner, k)
                .await
                .ok()
                .map(|rows| active_count(&rows))
        };
        counts.push((k, n));
    }
    counts
}

async fn load(
    session: Rc<Session>,
    owner: Owner,
    kind: Kind,
    last: Option<PageData>,
) -> Result<PageData, ApiError> {
    let (holder, kept) = match last {
        Some(d) if d.holder.route_owner == owner => (d.holder, Some(d.counts)),
        _ => (load_holder(&session, &owner).await?, None),
    };
    let mut counts = tab_counts(&session, &holder, &owner, kind, kept).await;
    if let Err(reason) = check_at(
        owner.owner_type(),
        kind,
        holder.who,
        Action::View,
        None,
        today(),
    ) {
        return Ok(PageData {
            holder,
            kind,
            rows: Err(reason),
            counts,
        });
    }
    let rows = match session.client.all(&holder.owner, kind).await {
        Ok(rows) => Ok(rows),
        // Roles can change between calls; GitLab's refusal becomes the page's explanation.
        Err(e) if matches!(e.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden) => {
            let needed = kind.spec().roles.view;
            let place = if kind.spec().owner == OwnerType::Group {
                "group"
            } else {
                "project"
            };
            let role = holder.who.caller.role;
            Err(match role {
                // The role looks enough: something else changed (the role since the page
                // loaded, or an administrator's restriction). Saying "ask for the role" would be
                // wrong.
                Some(r) if r >= needed => format!(
                    "GitLab refused to list the {}s here ({}), although you are {} of this {place}. Your role may have just changed: reload the page, or check your membership in GitLab.",
                    kind.label(),
                    e.message,
                    r.label()
                ),
                _ => format!(
                    "GitLab did not let you see the {}s here ({}). Managing them needs at least the {} role of this {place}{}. Ask an Owner of the {place} for it.",
                    kind.label(),
                    e.message,
                    needed.label(),
                    role.map(|r| format!("; you are {}", r.label())).unwrap_or_default()
                ),
            })
        }
        Err(e) => return Err(e),
    };
    if let Some(c) = counts.iter_mut().find(|c| c.0 == kind) {
        c.1 = rows.as_deref().ok().map(active_count);
    }
    Ok(PageData {
        holder,
        kind,
        rows,
        counts,
    })
}

/// After a create, rotation or revocation that failed with `e`: GitLab's refusal as it came, or,
/// when the change may have been made anyway, what the list now says became of it. Outcomes
/// that leave the dialog open (nothing done, unclear) come back as the error to show.
#[allow(clippy::too_many_arguments)]
async fn settle(
    client: &Client,
    owner: &Owner,
    kind: Kind,
    write: Write,
    before: &[u64],
    sent_at: DateTime<Utc>,
    e: ApiError,
    changed: &Callback<AppAction>,
) -> Result<Outcome, ApiError> {
    if !reconcile::unsure(&e) {
        return Err(e);
    }
    let after = client
        .all(owner, kind)
        .await
        .map_err(|list| reconcile::unchecked(&e, &list))?;
    let outcome = reconcile::reconcile(&write, before, &after, sent_at, today());
    if outcome != Outcome::NotDone {
        changed.emit(AppAction::TokensChanged);
    }
    match outcome {
        Outcome::NotDone | Outcome::Unclear(_) => Err(reconcile::explain(&write, &outcome, &e)),
        done => Ok(done),
    }
}

#[derive(Clone, PartialEq)]
enum Dialog {
    None,
    Create,
    Edit(Credential),
    /// With why it is offered again, after a rotation whose new secret was lost.
    Rotate(Credential, Option<AttrValue>),
    /// With why it is offered, after a create whose secret was lost.
    Revoke(Credential, Option<AttrValue>),
    /// A deploy key from another project.
    Enable,
}

#[derive(Properties, PartialEq)]
pub struct CredentialsPageProps {
    pub owner: Owner,
    pub kind: Kind,
}

fn sender<I: 'static, O: 'static, F, Fut>(f: F) -> Sender<I, O>
where
    F: Fn(I) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<O, ApiError>> + 'static,
{
    Sender(Rc::new(move |i| Box::pin(f(i))))
}

/// Who signs in with a new secret: the bot user (read from GitLab), the user, or the deploy
/// token's own username.
async fn secret_username(
    session: &Session,
    kind: Kind,
    holder: &Holder,
    created: &CreatedToken,
) -> Option<String> {
    match kind {
        Kind::ProjectAccessToken | Kind::GroupAccessToken => {
            let id = created.meta.user_id?;
            session
                .client
                .get::<User>(&request::user(id))
                .await
                .ok()
                .map(|u| u.username)
        }
        Kind::PersonalAccessToken => holder.username.clone(),
        Kind::ProjectDeployToken | Kind::GroupDeployToken => {
            Some(created.meta.username.clone()).filter(|u| !u.is_empty())
        }
        Kind::DeployKey | Kind::TriggerToken => None,
    }
}

#[component]
pub fn CredentialsPage(props: &CredentialsPageProps) -> Html {
    let Some(ctx) = use_context::<AppCtx>() else {
        return html! {};
    };
    let Some(session) = ctx.session.clone() else {
        return html! {};
    };
    let dialog = use_state(|| Dialog::None);
    // Dialogs a closing one hands over to, last first (lost secrets' revocations, a rotation).
    let next = use_mut_ref(Vec::<Dialog>::new);
    let loader = {
        let session = session.clone();
        use_load(
            (props.owner.clone(), props.kind, ctx.tokens_epoch),
            // Same owner and kind: a refresh keeps the list on screen while it reloads.
            |a, b| a.0 == b.0 && a.1 == b.1,
            move |(owner, kind, _), last| load(session.clone(), owner, kind, last),
        )
    };
    // Another page or tab closes any open dialog.
    {
        let (dialog, next) = (dialog.clone(), next.clone());
        use_effect_with((props.owner.clone(), props.kind), move |_| {
            next.borrow_mut().clear();
            dialog.set(Dialog::None)
        });
    }
    let kind = props.kind;
    let spec = kind.spec();
    let today = today();
    let at = props.owner.owner_type();
    // Everyone's personal tokens: say whose each one is.
    let show_user = at == OwnerType::Instance && kind == Kind::PersonalAccessToken;
    // A kind's own description speaks of "you" or "this project": not true of the instance lists.
    let about = if at == OwnerType::Instance {
        "What GitLab's administrator lists hold: every user's personal access tokens (project and group bots included) and every deploy token."
    } else {
        spec.about
    };
    // The session's own token, where it is listed: rotating or revoking it changes the session.
    let session_token = (kind == Kind::PersonalAccessToken)
        .then(|| session.token_info.as_ref().map(|t| t.id))
        .flatten();
    let read_only = session.read_only_reason();
    let highlight = ctx.highlight.filter(|h| h.0 == kind).map(|h| h.1);
    // Once the changed row is listed (after the list reloads), focus goes to it.
    {
        let present = match &*loader.state {
            Load::Ready(d) => highlight.filter(|id| {
                d.rows
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .any(|r| r.id == *id)
            }),
            _ => None,
        };
        use_effect_with(present, |present| {
            if let Some(id) = present {
                focus_row(*id);
            }
        });
    }
    let close = {
        let (dialog, next) = (dialog.clone(), next.clone());
        Callback::from(move |_| dialog.set(next.borrow_mut().pop().unwrap_or(Dialog::None)))
    };
    // What the page listed when a write is sent, to tell its result from older rows.
    let before: Rc<Vec<u64>> = Rc::new(match &*loader.state {
        Load::Ready(d) => d
            .rows
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|r| r.id)
            .collect(),
        _ => Vec::new(),
    });
    let on_action = {
        let dialog = dialog.clone();
        Callback::from(move |(action, row): (Action, Credential)| {
            dialog.set(match action {
                Action::Rotate => Dialog::Rotate(row, None),
                Action::Revoke => Dialog::Revoke(row, None),
                Action::Edit => Dialog::Edit(row),
                Action::Create | Action::View => Dialog::None,
            })
        })
    };

    let body = match &*loader.state {
        // An address that leads nowhere: say what is missing and where to go instead.
        Load::Failed(e) if e.kind == ErrorKind::NotFound => {
            let (what, back, back_label) = match &props.owner {
                Owner::Group(r) => (format!("group {r}"), Route::groups(), "Go to your groups"),
                Owner::User(id) => (
                    format!("user {id}"),
                    Route::projects(),
                    "Go to your projects",
                ),
                Owner::Project(r) => (
                    format!("project {r}"),
                    Route::projects(),
                    "Go to your projects",
                ),
                _ => (
                    kind.label().to_string(),
                    Route::projects(),
                    "Go to your projects",
                ),
            };
            html! {
                <div class="banner banner-error" role="alert" data-testid="not-found">
                    <p>{ format!("GitLab has no {what} that you can see ({}). It may have been deleted, renamed or moved, or you may not be a member.", e.message) }</p>
                    <a href={back.href()} class="btn">{ back_label }</a>
                </div>
            }
        }
        _ => view(
            &loader.state,
            &format!("{}s", kind.label()),
            loader.retry.clone(),
            |data| {
                let rows = match &data.rows {
                    Err(reason) => {
                        return html! {
                            <div class="banner banner-info" role="status" data-testid="no-permission">
                                <p>{ reason }</p>
                                <a href={Route::projects().href()} class="btn">{ "Back to your projects" }</a>
                            </div>
                        };
                    }
                    Ok(rows) => rows,
                };
                let (active, inactive) = partition(rows, today);
                // On the instance lists, what GitLab cannot do there is disabled with the reason.
                let rows_block = read_only.clone().or_else(|| {
                    (at == OwnerType::Instance)
                        .then(|| {
                            check_at(at, kind, data.holder.who, Action::Revoke, None, today).err()
                        })
                        .flatten()
                });
                let expiring = expiring_soon(rows, today);
                html! {
                    <>
                        {
                            if expiring.is_empty() { html! {} } else {
                                html! { <div class="banner banner-warning" role="status" data-testid="expiring-soon">
                                    { format!("Expiring within {EXPIRY_URGENT_DAYS} days: {}. {}",
                                        expiring.iter().map(|n| format!("\u{201c}{n}\u{201d}")).collect::<Vec<_>>().join(", "),
                                        if spec.rotates { "Rotate them before they stop working." } else { "Replace them before they stop working." }) }
                                </div> }
                            }
                        }
                        {
                            if active.is_empty() {
                                html! { <div class="empty" data-testid="no-active-tokens"><p>{ format!("No active {}s here.", kind.label()) }</p></div> }
                            } else {
                                credential_table(CredentialTable { kind, rows: active, today, caption: format!("Active {}s", kind.label()), testid: "active-tokens",
                                    who: data.holder.who, on_action: Some(on_action.clone()), read_only: rows_block.clone().map(AttrValue::from), session_token, show_user,
                                    highlight, rotations: ctx.rotations.clone() })
                            }
                        }
                        {
                            if inactive.is_empty() { html! {} } else {
                                credential_table(CredentialTable { kind, rows: inactive, today, caption: "Inactive (revoked or expired)".into(), testid: "inactive-tokens",
                                    who: data.holder.who, on_action: None, read_only: None, session_token: None, show_user, highlight, rotations: ctx.rotations.clone() })
                            }
                        }
                    </>
                }
            },
        ),
    };

    let holder = match &*loader.state {
        Load::Ready(d) if d.kind == kind => Some(d.holder.clone()),
        _ => None,
    };
    let crumbs = match props.owner.owner_type() {
        OwnerType::Project => html! { <a href={Route::projects().href()}>{ "Projects" }</a> },
        OwnerType::Group => html! { <a href={Route::groups().href()}>{ "Groups" }</a> },
        OwnerType::User => html! { <span>{ "Personal" }</span> },
        OwnerType::Instance => html! { <span>{ "Administration" }</span> },
    };
    // Once the caller's role is known, only the kinds they may see (and the one asked for).
    let tabs: Vec<(Kind, Option<usize>)> = match &*loader.state {
        Load::Ready(d) if d.holder.route_owner == props.owner => props
            .owner
            .kinds()
            .iter()
            .filter_map(|k| match d.counts.iter().find(|c| c.0 == *k) {
                Some(c) => Some(*c),
                None => (*k == kind).then_some((*k, None)),
            })
            .collect(),
        _ => props.owner.kinds().iter().map(|k| (*k, None)).collect(),
    };
    let tab_bar = if props.owner.kinds().len() > 1 {
        html! {
            <nav class="tabs" aria-label="Credential kinds" data-testid="kind-tabs">
                { for tabs.iter().map(|(k, n)| {
                    let href = Route::Credentials { owner: props.owner.clone(), kind: *k }.href();
                    let current = *k == kind;
                    html! {
                        <a {href} class={classes!("tab", current.then_some("tab-current"))}
                            aria-current={current.then_some("page")} data-testid={format!("tab-{}", k.spec().segment)}>
                            { k.spec().title }
                            { n.map(|n| html! { <span class="tab-count" aria-label={format!("{n} active")}>{ n }</span> }).unwrap_or_default() }
                        </a>
                    }
                }) }
            </nav>
        }
    } else {
        html! {}
    };

    let (header, dialogs) = match holder {
        Some(h) => {
            let self_service = kind == Kind::PersonalAccessToken && !h.who.caller.admin;
            let create_block = read_only
                .clone()
                .or_else(|| check_at(at, kind, h.who, Action::Create, None, today).err())
                .or_else(|| {
                    (self_service && !session.supports(Feature::SelfServicePat)).then(|| {
                        Feature::SelfServicePat
                            .explain(&session.version.version)
                            .unwrap_or_default()
                    })
                });
            let open_create = {
                let dialog = dialog.clone();
                Callback::from(move |_: MouseEvent| dialog.set(Dialog::Create))
            };
            let open_enable = {
                let dialog = dialog.clone();
                Callback::from(move |_: MouseEvent| dialog.set(Dialog::Enable))
            };
            let settings = settings_url(session.client.gitlab().base(), kind, &h.full_path);
            let you = match (
                h.who.caller.role,
                h.who.caller.admin,
                props.owner.owner_type(),
            ) {
                (_, _, OwnerType::User) if h.who.own => String::new(),
                (Some(r), _, _) => format!("you are {}", r.label()),
                (None, true, _) => "you are an administrator".into(),
                _ => "you are not a member".into(),
            };
            let verb = if kind == Kind::DeployKey {
                "Add"
            } else {
                "New"
            };
            let header = html! {
                <div class="page-head">
                    <div>
                        <p class="crumbs">{ crumbs.clone() }{ " / " }</p>
                        <h1 data-testid="project-title">{ &h.title }</h1>
                        <p class="muted">
                            { if h.full_path.is_empty() { html! {} } else { html! { <><span class="mono">{ &h.full_path }</span>{ " · " }</> } } }
                            { if you.is_empty() { html! {} } else { html! { <>{ you }{ " · " }</> } } }
                            <a href={settings} target="_blank" rel="noopener noreferrer">{ "Open in GitLab" }</a>
                        </p>
                    </div>
                    <div class="head-actions">
                        { if kind == Kind::DeployKey {
                            html! { <button type="button" class="btn" data-testid="enable-existing" disabled={create_block.is_some()}
                                title={create_block.clone()} onclick={open_enable}>{ "Enable existing key" }</button> }
                        } else { html! {} } }
                        <button type="button" class="btn btn-primary" data-testid="new-token" disabled={create_block.is_some()}
                            title={create_block.clone()} onclick={open_create}>{ format!("{verb} {}", kind.noun()) }</button>
                    </div>
                </div>
            };
            let client = session.client.clone();
            let form_ctx = FormContext {
                today,
                caller: h.who.caller,
                planner_supported: session.supports(Feature::PlannerRole),
                descriptions_supported: session.supports(Feature::TokenDescriptions),
                virtual_registry_supported: session
                    .supports(Feature::DeployTokenVirtualRegistryScopes),
                self_service,
            };
            let reveal_with = |heading: &'static str| {
                let (reveal, session, h) = (ctx.reveal.clone(), session.clone(), h.clone());
                move |created: CreatedToken| {
                    let (reveal, session, h) = (reveal.clone(), session.clone(), h.clone());
                    async move {
                        let username = secret_username(&session, kind, &h, &created).await;
                        reveal.emit(Reveal {
                            heading: heading.to_string(),
                            kind,
                            created,
                            gitlab: session.client.gitlab().clone(),
                            owner_path: h.full_path.clone(),
                            project_id: h.project_id,
                            username,
                            registry_host: h.registry_host.clone(),
                        });
                    }
                }
            };
            let notify_changed = {
                let dispatch = ctx.dispatch.clone();
                move |text: String, row: u64| {
                    dispatch.emit(AppAction::Highlight(kind, row));
                    dispatch.emit(AppAction::TokensChanged);
                    dispatch.emit(AppAction::Notify(text));
                }
            };
            let dialogs = match &*dialog {
                Dialog::None => html! {},
                Dialog::Create | Dialog::Edit(_) => {
                    let editing = match &*dialog {
                        Dialog::Edit(row) => Some(row.clone()),
                        _ => None,
                    };
                    let send = {
                        let (client, owner, editing) =
                            (client.clone(), h.owner.clone(), editing.clone());
                        let reveal = reveal_with("Token created");
                        let notify = notify_changed.clone();
                        let (before, next, dispatch) =
                            (before.clone(), next.clone(), ctx.dispatch.clone());
                        sender(move |body: CreateBody| {
                            let (client, owner, editing, reveal, notify) = (
                                client.clone(),
                                owner.clone(),
                                editing.clone(),
                                reveal.clone(),
                                notify.clone(),
                            );
                            let (before, next, dispatch) =
                                (before.clone(), next.clone(), dispatch.clone());
                            async move {
                                if let Some(row) = editing {
                                    let saved: Credential = client
                                        .get(&request::update(&owner, kind, row.id, &body))
                                        .await?;
                                    notify(
                                        format!("Saved \u{201c}{}\u{201d}.", saved.name),
                                        saved.id,
                                    );
                                    return Ok(());
                                }
                                let added = |row: Credential| {
                                    notify(format!("Added \u{201c}{}\u{201d}.", row.name), row.id)
                                };
                                let req = request::create(&owner, kind, &body);
                                let sent_at = Utc::now();
                                let failed = if spec.has_secret {
                                    match client.created(&req).await {
                                        Ok(created) => {
                                            reveal(created).await;
                                            return Ok(());
                                        }
                                        Err(e) => e,
                                    }
                                } else {
                                    match client.get::<Credential>(&req).await {
                                        Ok(row) => {
                                            added(row);
                                            return Ok(());
                                        }
                                        Err(e) => e,
                                    }
                                };
                                let write = Write::create(&body);
                                match settle(
                                    &client, &owner, kind, write, &before, sent_at, failed,
                                    &dispatch,
                                )
                                .await?
                                {
                                    // Nobody has their secrets: offer to revoke them at once, one
                                    // after the other.
                                    Outcome::Created(rows) if spec.has_secret => {
                                        let twice = if rows.len() > 1 {
                                            " (twice: the browser resent the request)"
                                        } else {
                                            ""
                                        };
                                        let mut offers = next.borrow_mut();
                                        for row in rows.into_iter().rev() {
                                            let why = format!("GitLab created \u{201c}{}\u{201d}{twice}, but its answer, and the only copy of the secret, was lost. Nobody can use this {}: revoke it.", row.name, kind.noun());
                                            offers.push(Dialog::Revoke(row, Some(why.into())));
                                        }
                                    }
                                    // A deploy key: no secret was lost, it was added.
                                    Outcome::Created(rows) => {
                                        for row in rows {
                                            added(row);
                                        }
                                    }
                                    _ => {}
                                }
                                Ok(())
                            }
                        })
                    };
                    let subject = match (&h.owner, kind) {
                        (Owner::Me | Owner::User(_), _) => format!("For {}.", h.username.as_deref().map(|u| format!("@{u}")).unwrap_or_default()),
                        (_, Kind::ProjectAccessToken | Kind::GroupAccessToken) => format!("For {}. The token acts as a bot member with the role and scopes you choose.", h.full_path),
                        _ => format!("For {}.", h.full_path),
                    };
                    html! {
                        <CredentialFormDialog {kind} ctx={form_ctx} {editing} subject={subject}
                            gitlab_base={session.client.gitlab().base().to_string()} {send} on_close={close.clone()} />
                    }
                }
                Dialog::Rotate(row, why) => {
                    let own = session_token == Some(row.id);
                    let send = {
                        let (session, owner, id) = (session.clone(), h.owner.clone(), row.id);
                        let dispatch = ctx.dispatch.clone();
                        let reveal = reveal_with("Token rotated");
                        let (name, before, next) = (row.name.clone(), before.clone(), next.clone());
                        sender(move |expires_at| {
                            let (session, owner, reveal, dispatch) = (
                                session.clone(),
                                owner.clone(),
                                reveal.clone(),
                                dispatch.clone(),
                            );
                            let (name, before, next) = (name.clone(), before.clone(), next.clone());
                            async move {
                                let req = if own {
                                    request::rotate_self(expires_at)
                                } else {
                                    request::rotate(&owner, kind, id, expires_at)
                                };
                                let sent_at = Utc::now();
                                let created = match session.client.created(&req).await {
                                    Ok(created) => created,
                                    Err(e) => {
                                        let write = Write::Rotate { id, name };
                                        let client = &session.client;
                                        // The old token is dead and nobody has the new one.
                                        if let Outcome::Rotated(row) = settle(
                                            client, &owner, kind, write, &before, sent_at, e,
                                            &dispatch,
                                        )
                                        .await?
                                        {
                                            dispatch.emit(AppAction::Rotated {
                                                old: id,
                                                new: row.id,
                                            });
                                            let why = format!("GitLab rotated \u{201c}{}\u{201d}, but its answer, with the new secret, was lost. The old token no longer works and nobody has the new one: rotate it again.", row.name);
                                            next.borrow_mut()
                                                .push(Dialog::Rotate(row, Some(why.into())));
                                        }
                                        return Ok(());
                                    }
                                };
                                dispatch.emit(AppAction::Rotated {
                                    old: id,
                                    new: created.meta.id,
                                });
                                if own {
                                    // The old value no longer works: sign on with the new one.
                                    let next = session.with_token(
                                        domain::Secret::new(created.token.expose().to_string()),
                                        &created.meta,
                                    );
                                    dispatch.emit(AppAction::Connected(Rc::new(next)));
                                }
                                reveal(created).await;
                                Ok(())
                            }
                        })
                    };
                    html! {
                        <RotateDialog key={row.id} {kind} token={row.clone()} {today} choose_expiry={session.supports(Feature::RotationExpiry)}
                            {send} on_close={close.clone()} why={why.clone()} />
                    }
                }
                Dialog::Enable => {
                    let present: Vec<String> = match &*loader.state {
                        Load::Ready(d) => d
                            .rows
                            .as_deref()
                            .unwrap_or_default()
                            .iter()
                            .map(|r| r.fingerprint.clone())
                            .collect(),
                        _ => Vec::new(),
                    };
                    let search = {
                        let client = client.clone();
                        sender(move |text: String| {
                            let client = client.clone();
                            async move {
                                let req =
                                    request::projects(Some(AccessLevel::Maintainer), &text, 1, 20);
                                Ok(client.page::<Place>(&req).await?.0)
                            }
                        })
                    };
                    let keys_of = {
                        let client = client.clone();
                        sender(move |id: u64| {
                            let client = client.clone();
                            async move {
                                let there = Owner::Project(ProjectRef::Id(id));
                                client.all(&there, Kind::DeployKey).await
                            }
                        })
                    };
                    let send = {
                        let (client, owner) = (client.clone(), h.owner.clone());
                        let notify = notify_changed.clone();
                        sender(move |key_id: u64| {
                            let (client, owner, notify) =
                                (client.clone(), owner.clone(), notify.clone());
                            async move {
                                let key: Credential = client
                                    .get(&request::enable_deploy_key(&owner, key_id))
                                    .await?;
                                notify(
                                    format!("Enabled \u{201c}{}\u{201d} here.", key.name),
                                    key.id,
                                );
                                Ok(())
                            }
                        })
                    };
                    html! {
                        <EnableKeyDialog here={h.project_id.unwrap_or_default()} {present} {search} {keys_of} {send}
                            on_close={close.clone()} />
                    }
                }
                Dialog::Revoke(row, why) => {
                    let own = session_token == Some(row.id);
                    let send = {
                        let (client, owner, id, name) =
                            (client.clone(), h.owner.clone(), row.id, row.name.clone());
                        let before = before.clone();
                        let notify = notify_changed.clone();
                        let dispatch = ctx.dispatch.clone();
                        let verb = if matches!(kind, Kind::DeployKey | Kind::TriggerToken) {
                            "Removed"
                        } else {
                            "Revoked"
                        };
                        sender(move |()| {
                            let (client, owner, name, notify, dispatch) = (
                                client.clone(),
                                owner.clone(),
                                name.clone(),
                                notify.clone(),
                                dispatch.clone(),
                            );
                            let before = before.clone();
                            async move {
                                if own {
                                    client.empty(&request::revoke_self()).await?;
                                    dispatch.emit(AppAction::Disconnect);
                                    dispatch.emit(AppAction::Notify(format!(
                                        "Revoked \u{201c}{name}\u{201d}, the token you were signed in with. Sign in with another token to go on."
                                    )));
                                    return Ok(());
                                }
                                let sent_at = Utc::now();
                                if let Err(e) =
                                    client.empty(&request::revoke(&owner, kind, id)).await
                                {
                                    // Only `Revoked` comes back: anything else is the error shown.
                                    let write = Write::Revoke {
                                        id,
                                        name: name.clone(),
                                    };
                                    settle(
                                        &client, &owner, kind, write, &before, sent_at, e,
                                        &dispatch,
                                    )
                                    .await?;
                                }
                                notify(
                                    format!("{verb} \u{201c}{name}\u{201d}. It no longer works."),
                                    id,
                                );
                                Ok(())
                            }
                        })
                    };
                    html! { <RevokeDialog key={row.id} {kind} token={row.clone()} {send} on_close={close.clone()} why={why.clone()} /> }
                }
            };
            (header, dialogs)
        }
        None => (
            html! { <div class="page-head"><p class="crumbs">{ crumbs }</p></div> },
            html! {},
        ),
    };
    html! {
        <section class="page" data-testid="tokens-page">
            { header }
            { tab_bar }
            <p class="lead small">{ about }</p>
            {
                // GitLab lists no OAuth grant among personal tokens, and `/self` refuses one.
                if at == OwnerType::User && kind == Kind::PersonalAccessToken && session.is_oauth() {
                    html! { <p class="help" data-testid="oauth-not-listed">{ "You signed in with GitLab, not with a personal access token: that sign-in is not in this list and cannot be rotated here. Signing out ends it." }</p> }
                } else {
                    html! {}
                }
            }
            { body }
            { dialogs }
        </section>
    }
}
