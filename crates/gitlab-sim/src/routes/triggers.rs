//! Pipeline trigger tokens (`lib/api/ci/triggers.rb`, `Ci::PipelineTriggers::*Service`,
//! `Ci::TriggerPresenter`, `TriggerPolicy`).
//!
//! Maintainers manage a project's triggers (`admin_build` / `manage_trigger`), but only a
//! trigger's owner sees its whole token or may edit it (`admin_trigger`); everyone else gets
//! `short_token`, the first four characters after the `glptt-` prefix.

use axum::http::StatusCode;
use serde_json::Value;

use super::{find_project, with_route, Ctx, Reply};
use crate::auth::Caller;
use crate::entities;
use crate::errors::{ApiError, ApiResult};
use crate::pagination::{paginate, PageRequest};
use crate::params::Check;
use crate::secrets;
use crate::state::{access, Project, SimState, Trigger};

const PREFIX: &str = "glptt-";

/// `admin_build`: Maintainer or above, or an admin.
fn can_admin_build(state: &SimState, caller: &Caller, project: &Project) -> bool {
    caller.user.admin
        || state
            .effective_level(project, caller.user.id)
            .is_some_and(|l| l >= access::MAINTAINER)
}

/// `Ci::Trigger#short_token`.
pub fn short_token(token: &str) -> String {
    token
        .strip_prefix(PREFIX)
        .unwrap_or(token)
        .chars()
        .take(4)
        .collect()
}

/// `Entities::Trigger` for `caller`, through `Ci::TriggerPresenter`.
pub fn render(ctx: &Ctx<'_>, caller: &Caller, project: &Project, trigger: &Trigger) -> Value {
    // `has_token_exposed?`: the owner, while still able to administer builds.
    let exposed = trigger.owner_id == caller.user.id && can_admin_build(ctx.state, caller, project);
    let token = if exposed {
        trigger.token.clone()
    } else {
        short_token(&trigger.token)
    };
    entities::trigger(ctx.state, trigger, token, ctx.urls)
}

fn authorized_project(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<(Caller, Project)> {
    let caller = ctx.signed_in()?;
    let project = find_project(ctx.state, Some(&caller), id)?;
    if !can_admin_build(ctx.state, &caller, &project) {
        return Err(ApiError::Forbidden(None));
    }
    Ok((caller, project))
}

/// `requires :trigger_id, type: Integer`.
fn trigger_id_param(ctx: &Ctx<'_>, trigger_id: &str) -> ApiResult<u64> {
    let params = with_route(&ctx.params, &[("trigger_id", trigger_id)]);
    let mut check = Check::new(&params);
    let id = check.integer("trigger_id");
    check.finish()?;
    Ok(id.and_then(|i| u64::try_from(i).ok()).unwrap_or(0))
}

fn find(state: &SimState, project: &Project, id: u64) -> ApiResult<Trigger> {
    // `triggers.find` raises RecordNotFound.
    state
        .triggers
        .iter()
        .find(|t| t.id == id && t.project_id == project.id)
        .cloned()
        .ok_or(ApiError::RecordNotFound)
}

/// `GET /projects/:id/triggers`.
pub fn list(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    let mut check = Check::new(&ctx.params);
    let page = PageRequest::declared(&mut check);
    check.finish()?;
    let (caller, project) = authorized_project(ctx, id)?;
    let triggers: Vec<&Trigger> = ctx
        .state
        .triggers
        .iter()
        .filter(|t| t.project_id == project.id)
        .collect();
    let mut link_params = ctx.params.clone();
    link_params.insert("id", Value::String(id.to_owned()));
    let page = paginate(triggers, page, &ctx.link_base(), &link_params);
    let body: Vec<Value> = page
        .items
        .iter()
        .map(|t| render(ctx, &caller, &project, t))
        .collect();
    Ok(Reply::ok(Value::Array(body)).with_headers(page.headers))
}

/// `GET /projects/:id/triggers/:trigger_id`.
pub fn show(ctx: &mut Ctx<'_>, id: &str, trigger_id: &str) -> ApiResult<Reply> {
    let wanted = trigger_id_param(ctx, trigger_id)?;
    let (caller, project) = authorized_project(ctx, id)?;
    let trigger = find(ctx.state, &project, wanted)?;
    Ok(Reply::ok(render(ctx, &caller, &project, &trigger)))
}

/// `POST /projects/:id/triggers`: the caller owns the new trigger.
pub fn create(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    let mut check = Check::new(&ctx.params);
    let description = check.required_string("description");
    check.finish()?;
    let description = description.ok_or(ApiError::Internal)?;
    let (caller, project) = authorized_project(ctx, id)?;
    let state = &mut *ctx.state;
    let now = state.now();
    let trigger = Trigger {
        id: state.next_trigger_id,
        project_id: project.id,
        owner_id: caller.user.id,
        description: Some(description),
        token: secrets::new_trigger_token(),
        created_at: now,
        updated_at: now,
        expires_at: None,
    };
    state.next_trigger_id += 1;
    state.triggers.push(trigger.clone());
    Ok(Reply::json(
        StatusCode::CREATED,
        render(ctx, &caller, &project, &trigger),
    ))
}

/// `PUT /projects/:id/triggers/:trigger_id`: only the owner may edit (`admin_trigger`).
pub fn update(ctx: &mut Ctx<'_>, id: &str, trigger_id: &str) -> ApiResult<Reply> {
    let wanted = trigger_id_param(ctx, trigger_id)?;
    let mut check = Check::new(&ctx.params);
    let description = check.string("description");
    check.finish()?;
    let caller = ctx.signed_in()?;
    let project = find_project(ctx.state, Some(&caller), id)?;
    let trigger = find(ctx.state, &project, wanted)?;
    if trigger.owner_id != caller.user.id || !can_admin_build(ctx.state, &caller, &project) {
        return Err(ApiError::Forbidden(Some(
            "The current user is not authorized to update the pipeline trigger token".into(),
        )));
    }
    let now = ctx.state.now();
    let Some(stored) = ctx.state.triggers.iter_mut().find(|t| t.id == trigger.id) else {
        return Err(ApiError::RecordNotFound);
    };
    // An omitted description is passed on as nil and clears the column.
    stored.description = description;
    stored.updated_at = now;
    let updated = stored.clone();
    Ok(Reply::ok(render(ctx, &caller, &project, &updated)))
}

/// `DELETE /projects/:id/triggers/:trigger_id`.
pub fn delete(ctx: &mut Ctx<'_>, id: &str, trigger_id: &str) -> ApiResult<Reply> {
    let wanted = trigger_id_param(ctx, trigger_id)?;
    let (_, project) = authorized_project(ctx, id)?;
    let trigger = find(ctx.state, &project, wanted)?;
    ctx.state.triggers.retain(|t| t.id != trigger.id);
    Ok(Reply::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_tokens_drop_the_prefix() {
        assert_eq!(short_token("glptt-0123456789abcdef"), "0123");
        assert_eq!(short_token("6d056f63e50fe6f8c5f8f4aa10edb7"), "6d05");
    }
}
