//! One project's access tokens: active and inactive, with create, rotate and revoke.

use crate::app::AppCtx;
use crate::components::create_dialog::CreateDialog;
use crate::components::load::{view, Load};
use crate::components::reveal::Reveal;
use crate::components::revoke_dialog::RevokeDialog;
use crate::components::rotate_dialog::RotateDialog;
use crate::components::token_table::TokenTable;
use crate::session::Session;
use crate::state::Action;
use crate::time::today;
use domain::error::ErrorKind;
use domain::models::{AccessToken, CreatedToken, Member, Project, TokenStatus, EXPIRY_URGENT_DAYS};
use domain::role::Caller;
use domain::{request, ApiError, ProjectRef, Route};
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
struct PageData {
    project: Project,
    caller: Caller,
    /// None when the caller's role does not allow seeing tokens.
    tokens: Option<Vec<AccessToken>>,
}

/// Loads the page. A refresh after a change passes the project and role it already has, so only
/// the token list is fetched again.
async fn fetch(
    session: Rc<Session>,
    project: ProjectRef,
    known: Option<(Project, Caller)>,
) -> Result<PageData, ApiError> {
    let client = &session.client;
    let (project, caller) = match known {
        Some(known) => known,
        None => {
            let project: Project = client.get(&request::project(&project)).await?;
            let caller = caller_in(&session, project.id).await?;
            (project, caller)
        }
    };
    let id = ProjectRef::Id(project.id);
    if !caller.can_manage_project_tokens() {
        return Ok(PageData {
            project,
            caller,
            tokens: None,
        });
    }
    let tokens = match client
        .all(|page| request::project_tokens(&id, None, page))
        .await
    {
        Ok(t) => Some(t),
        // GitLab answers 401 when the role is too low; roles can change between calls.
        Err(e) if e.kind == ErrorKind::Unauthorized => None,
        Err(e) => return Err(e),
    };
    Ok(PageData {
        project,
        caller,
        tokens,
    })
}

/// The signed-in user's effective role in the project (inherited memberships included).
async fn caller_in(session: &Session, project_id: u64) -> Result<Caller, ApiError> {
    let admin = session.user.is_admin;
    let member = request::project_member(&ProjectRef::Id(project_id), session.user.id);
    let role = match session.client.get::<Member>(&member).await {
        Ok(m) => m.access_level,
        // Not a member: only an admin can be here, and admins need no role.
        Err(e) if e.kind == ErrorKind::NotFound => None,
        Err(_) if admin => None,
        Err(e) => return Err(e),
    };
    Ok(Caller { role, admin })
}

#[derive(Clone, PartialEq)]
enum Dialog {
    None,
    Create,
    Rotate(AccessToken),
    Revoke(AccessToken),
}

#[derive(Properties, PartialEq)]
pub struct TokensPageProps {
    pub project: ProjectRef,
}

#[component]
pub fn TokensPage(props: &TokensPageProps) -> Html {
    let Some(ctx) = use_context::<AppCtx>() else {
        return html! {};
    };
    let Some(session) = ctx.session.clone() else {
        return html! {};
    };
    let load = use_state(|| Load::<PageData>::Loading);
    let dialog = use_state(|| Dialog::None);
    let retry = use_state(|| 0u32);
    let generation = use_mut_ref(|| 0u32);
    let shown_project = use_mut_ref(|| None::<ProjectRef>);
    {
        let load = load.clone();
        let session = session.clone();
        use_effect_with(
            (props.project.clone(), ctx.tokens_epoch, *retry),
            move |(project, _, _)| {
                *generation.borrow_mut() += 1;
                let mine = *generation.borrow();
                // A refresh keeps the current list on screen; another project starts afresh.
                let same = shown_project.borrow().as_ref() == Some(project);
                let known = match &*load {
                    Load::Ready(d) if same => Some((d.project.clone(), d.caller)),
                    _ => None,
                };
                if known.is_none() {
                    load.set(Load::Loading);
                }
                *shown_project.borrow_mut() = Some(project.clone());
                let project = project.clone();
                spawn_local(async move {
                    let result = fetch(session, project, known).await;
                    if *generation.borrow() == mine {
                        load.set(match result {
                            Ok(d) => Load::Ready(d),
                            Err(e) => Load::Failed(e),
                        });
                    }
                });
            },
        );
    }
    let on_retry = {
        let retry = retry.clone();
        Callback::from(move |_| retry.set(*retry + 1))
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_| dialog.set(Dialog::None))
    };
    let today = today();

    let body = view(&load, "access tokens", on_retry, |data| {
        let project = &data.project;
        let Some(tokens) = &data.tokens else {
            let role = data
                .caller
                .role
                .map(|r| r.label())
                .unwrap_or("not a member");
            return html! {
                <div class="banner banner-info" role="status" data-testid="no-permission">
                    <p>
                        { format!("You are {} in {}. ", if data.caller.role.is_some() { role.to_string() } else { "not a member".into() }, project.path_with_namespace) }
                        { "Project access tokens can be seen and managed by Maintainers and Owners. Ask a Maintainer of this project, or pick another project." }
                    </p>
                    <a href={Route::Projects.href()} class="btn">{ "Back to your projects" }</a>
                </div>
            };
        };
        let mut active: Vec<AccessToken> = tokens
            .iter()
            .filter(|t| t.status(today).is_active())
            .cloned()
            .collect();
        let mut inactive: Vec<AccessToken> = tokens
            .iter()
            .filter(|t| !t.status(today).is_active())
            .cloned()
            .collect();
        // Soonest expiry first: that is what needs attention.
        active.sort_by_key(|t| (t.expires_at.is_none(), t.expires_at, t.id));
        inactive.sort_by_key(|t| std::cmp::Reverse((t.expires_at, t.id)));
        let expiring = active
            .iter()
            .filter(|t| matches!(t.status(today), TokenStatus::Active { days_left: Some(n) } if n <= EXPIRY_URGENT_DAYS))
            .count();
        let read_only = session.read_only_reason();
        let (on_rotate, on_revoke) = if read_only.is_none() {
            let d1 = dialog.clone();
            let d2 = dialog.clone();
            (
                Some(Callback::from(move |t: AccessToken| {
                    d1.set(Dialog::Rotate(t))
                })),
                Some(Callback::from(move |t: AccessToken| {
                    d2.set(Dialog::Revoke(t))
                })),
            )
        } else {
            (None, None)
        };
        html! {
            <>
                {
                    if expiring > 0 {
                        html! { <div class="banner banner-warning" role="status" data-testid="expiring-soon">
                            { if expiring == 1 {
                                format!("1 active token expires within {EXPIRY_URGENT_DAYS} days. Rotate it before it stops working.")
                            } else {
                                format!("{expiring} active tokens expire within {EXPIRY_URGENT_DAYS} days. Rotate them before they stop working.")
                            } }
                        </div> }
                    } else { html! {} }
                }
                {
                    if active.is_empty() {
                        html! { <div class="empty" data-testid="no-active-tokens"><p>{ "This project has no active access tokens." }</p></div> }
                    } else {
                        html! { <TokenTable tokens={active} {today} caption="Active tokens" testid="active-tokens"
                            on_rotate={on_rotate} on_revoke={on_revoke} actions_disabled={read_only.clone().map(AttrValue::from)} /> }
                    }
                }
                {
                    if inactive.is_empty() { html! {} } else {
                        html! { <TokenTable tokens={inactive} {today} caption="Inactive tokens (revoked or expired)" testid="inactive-tokens" /> }
                    }
                }
            </>
        }
    });

    // Page header, dialogs: need the loaded project.
    let (header, dialogs) = match &*load {
        Load::Ready(data) => {
            let p = &data.project;
            let read_only = session.read_only_reason();
            let can_create = data.tokens.is_some() && read_only.is_none();
            let open_create = {
                let dialog = dialog.clone();
                Callback::from(move |_: MouseEvent| dialog.set(Dialog::Create))
            };
            let settings = format!("{}/-/settings/access_tokens", p.web_url);
            let header = html! {
                <div class="page-head">
                    <div>
                        <p class="crumbs"><a href={Route::Projects.href()}>{ "Projects" }</a>{ " / " }</p>
                        <h1 data-testid="project-title">{ if p.name_with_namespace.is_empty() { &p.name } else { &p.name_with_namespace } }</h1>
                        <p class="muted">
                            <span class="mono">{ &p.path_with_namespace }</span>
                            { " · " }
                            { match (data.caller.admin, data.caller.role) {
                                (_, Some(r)) => format!("you are {}", r.label()),
                                (true, None) => "you are an administrator".into(),
                                _ => String::new(),
                            } }
                            { if p.web_url.is_empty() { html! {} } else { html! { <>{ " · " }<a href={settings} target="_blank" rel="noopener noreferrer">{ "Open in GitLab" }</a></> } } }
                        </p>
                    </div>
                    {
                        if data.tokens.is_some() {
                            html! {
                                <button type="button" class="btn btn-primary" data-testid="new-token" disabled={!can_create}
                                    title={read_only.clone()} onclick={open_create}>{ "New token" }</button>
                            }
                        } else { html! {} }
                    }
                </div>
            };
            let reveal = |heading: &'static str| {
                let reveal = ctx.reveal.clone();
                let dialog = dialog.clone();
                let gitlab = session.client.gitlab().clone();
                let project = p.clone();
                Callback::from(move |created: CreatedToken| {
                    dialog.set(Dialog::None);
                    reveal.emit(Reveal {
                        heading,
                        created,
                        gitlab: gitlab.clone(),
                        project: project.clone(),
                    });
                })
            };
            let on_revoked = {
                let dialog = dialog.clone();
                let dispatch = ctx.dispatch.clone();
                Callback::from(move |name: String| {
                    dialog.set(Dialog::None);
                    dispatch.emit(Action::TokensChanged);
                    dispatch.emit(Action::Notify(format!(
                        "Revoked \u{201c}{name}\u{201d}. It no longer works."
                    )));
                })
            };
            let dialogs = match &*dialog {
                Dialog::None => html! {},
                Dialog::Create => html! {
                    <CreateDialog session={session.clone()} project={p.clone()} caller={data.caller}
                        on_close={close.clone()} on_created={reveal("Token created")} />
                },
                Dialog::Rotate(t) => html! {
                    <RotateDialog session={session.clone()} project={p.clone()} token={t.clone()}
                        on_close={close.clone()} on_rotated={reveal("Token rotated")} />
                },
                Dialog::Revoke(t) => html! {
                    <RevokeDialog session={session.clone()} project={p.clone()} token={t.clone()}
                        on_close={close.clone()} on_revoked={on_revoked} />
                },
            };
            (header, dialogs)
        }
        _ => (
            html! { <div class="page-head"><p class="crumbs"><a href={Route::Projects.href()}>{ "Projects" }</a></p></div> },
            html! {},
        ),
    };
    html! {
        <section class="page" data-testid="tokens-page">
            { header }
            { body }
            { dialogs }
        </section>
    }
}
