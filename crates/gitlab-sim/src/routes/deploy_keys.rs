//! Project deploy keys (`lib/api/deploy_keys.rb`, `app/models/key.rb`, `DeployKey`,
//! `DeployKeysProject`, `Projects::EnableDeployKeyService`).
//!
//! Every route first authenticates and requires `admin_project` (Maintainer): these are Grape
//! `before` blocks, so they run ahead of parameter validation. A deploy key may be enabled in
//! several projects; `can_push` belongs to each project's link, the rest to the key.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{find_project, with_route, Ctx, Reply};
use crate::auth::Caller;
use crate::entities;
use crate::errors::{ApiError, ApiResult};
use crate::pagination::{paginate, PageRequest};
use crate::params::Check;
use crate::sshkey;
use crate::state::{access, DeployKey, DeployKeyLink, Project, SimState};

const TITLE_LIMIT: usize = 255;
const KEY_LIMIT: usize = 5000;

/// `before { authenticate! }` and `before { authorize_admin_project }`.
fn authorized_project(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<(Caller, Project)> {
    let caller = ctx.signed_in()?;
    let project = find_project(ctx.state, Some(&caller), id)?;
    if !maintains(ctx.state, &caller, &project) {
        return Err(ApiError::Forbidden(None));
    }
    Ok((caller, project))
}

fn maintains(state: &SimState, caller: &Caller, project: &Project) -> bool {
    caller.user.admin
        || state
            .effective_level(project, caller.user.id)
            .is_some_and(|l| l >= access::MAINTAINER)
}

/// `User#accessible_deploy_keys`: keys enabled in any project the user maintains.
fn accessible(state: &SimState, caller: &Caller, key_id: u64) -> bool {
    state.deploy_key_links.iter().any(|l| {
        l.key_id == key_id
            && state.project(l.project_id).is_some_and(|p| {
                state
                    .effective_level(p, caller.user.id)
                    .is_some_and(|lvl| lvl >= access::MAINTAINER)
            })
    })
}

/// `requires :key_id, type: Integer`.
fn key_id_param(ctx: &Ctx<'_>, key_id: &str) -> ApiResult<u64> {
    let params = with_route(&ctx.params, &[("key_id", key_id)]);
    let mut check = Check::new(&params);
    let id = check.integer("key_id");
    check.finish()?;
    Ok(id.and_then(|i| u64::try_from(i).ok()).unwrap_or(0))
}

fn link_of(state: &SimState, project: &Project, key_id: u64) -> Option<DeployKeyLink> {
    state
        .deploy_key_links
        .iter()
        .find(|l| l.key_id == key_id && l.project_id == project.id)
        .cloned()
}

fn render_link(state: &SimState, link: &DeployKeyLink) -> Value {
    match state.deploy_keys.iter().find(|k| k.id == link.key_id) {
        Some(key) => entities::deploy_key(key, Some(link.can_push)),
        None => Value::Null,
    }
}

/// `GET /projects/:id/deploy_keys`.
pub fn list(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    let (_, project) = authorized_project(ctx, id)?;
    let mut check = Check::new(&ctx.params);
    let page = PageRequest::declared(&mut check);
    check.finish()?;
    let links: Vec<&DeployKeyLink> = ctx
        .state
        .deploy_key_links
        .iter()
        .filter(|l| l.project_id == project.id)
        .collect();
    let mut link_params = ctx.params.clone();
    link_params.insert("id", Value::String(id.to_owned()));
    let page = paginate(links, page, &ctx.link_base(), &link_params);
    let body: Vec<Value> = page
        .items
        .iter()
        .map(|l| render_link(ctx.state, l))
        .collect();
    Ok(Reply::ok(Value::Array(body)).with_headers(page.headers))
}

/// `GET /projects/:id/deploy_keys/:key_id`.
pub fn show(ctx: &mut Ctx<'_>, id: &str, key_id: &str) -> ApiResult<Reply> {
    let (_, project) = authorized_project(ctx, id)?;
    let wanted = key_id_param(ctx, key_id)?;
    // `find_by!` raises RecordNotFound.
    let link = link_of(ctx.state, &project, wanted).ok_or(ApiError::RecordNotFound)?;
    Ok(Reply::ok(render_link(ctx.state, &link)))
}

/// The `Key` model's validations for a new key, keyed as errors of the nested `deploy_key`.
fn new_key_errors(
    state: &SimState,
    title: &str,
    key: &str,
    parsed: Option<&sshkey::PublicKey>,
    expires_at: Option<DateTime<Utc>>,
) -> Vec<(String, Vec<String>)> {
    let mut title_errors = Vec::new();
    if title.trim().is_empty() {
        title_errors.push("can't be blank".to_owned());
    }
    if title.chars().count() > TITLE_LIMIT {
        title_errors.push("is too long (maximum is 255 characters)".to_owned());
    }
    let mut key_errors = Vec::new();
    if key.is_empty() {
        key_errors.push("can't be blank".to_owned());
    }
    if let Some(problem) = sshkey::restriction_error(parsed) {
        key_errors.push(problem);
    }
    if key.chars().count() > KEY_LIMIT {
        key_errors.push("is too long (maximum is 5000 characters)".to_owned());
    }
    if !sshkey::ALGORITHMS
        .iter()
        .any(|(name, _)| key.starts_with(name))
    {
        key_errors.push("is invalid".to_owned());
    }
    let mut fingerprint_errors = Vec::new();
    match parsed {
        None => fingerprint_errors.push("cannot be generated".to_owned()),
        Some(p) => {
            if state
                .deploy_keys
                .iter()
                .any(|k| k.fingerprint_sha256 == p.fingerprint_sha256)
            {
                fingerprint_errors.push("has already been taken".to_owned());
            }
        }
    }
    if expires_at.is_some_and(|at| at < state.now()) {
        key_errors.push("has expired".to_owned());
    }
    [
        ("deploy_key.title", title_errors),
        ("deploy_key.key", key_errors),
        ("deploy_key.fingerprint_sha256", fingerprint_errors),
    ]
    .into_iter()
    .filter(|(_, errors)| !errors.is_empty())
    .map(|(attribute, errors)| (attribute.to_owned(), errors))
    .collect()
}

/// `POST /projects/:id/deploy_keys`: reuses a key already in this project, enables one the caller
/// can reach in another project, or creates a new one.
pub fn create(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    let (caller, project) = authorized_project(ctx, id)?;
    let mut check = Check::new(&ctx.params);
    let key = check.required_string("key");
    let title = check.required_string("title");
    let can_push = check.boolean("can_push").unwrap_or(false);
    let expires_at = check.datetime("expires_at");
    check.finish()?;
    let (Some(key), Some(title)) = (key, title) else {
        return Err(ApiError::Internal);
    };
    let key = key.trim().to_owned();

    let same_key = ctx
        .state
        .deploy_keys
        .iter()
        .find(|k| k.key == key)
        .map(|k| k.id);
    if let Some(existing) = same_key {
        if let Some(link) = link_of(ctx.state, &project, existing) {
            return Ok(Reply::json(
                StatusCode::CREATED,
                render_link(ctx.state, &link),
            ));
        }
        if accessible(ctx.state, &caller, existing) {
            let link = DeployKeyLink {
                key_id: existing,
                project_id: project.id,
                can_push,
            };
            ctx.state.deploy_key_links.push(link.clone());
            return Ok(Reply::json(
                StatusCode::CREATED,
                render_link(ctx.state, &link),
            ));
        }
    }

    let sanitized = sshkey::sanitize(&key);
    let parsed = sshkey::parse(&sanitized);
    let errors = new_key_errors(ctx.state, &title, &sanitized, parsed.as_ref(), expires_at);
    let Some(parsed) = parsed.filter(|_| errors.is_empty()) else {
        return Err(ApiError::ModelInvalid(errors));
    };
    let state = &mut *ctx.state;
    let key = DeployKey {
        id: state.next_deploy_key_id,
        user_id: caller.user.id,
        title,
        key: sanitized,
        fingerprint: parsed.fingerprint_md5,
        fingerprint_sha256: parsed.fingerprint_sha256,
        created_at: state.now(),
        expires_at,
    };
    state.next_deploy_key_id += 1;
    state.deploy_keys.push(key);
    let link = DeployKeyLink {
        key_id: state.next_deploy_key_id - 1,
        project_id: project.id,
        can_push,
    };
    state.deploy_key_links.push(link.clone());
    Ok(Reply::json(StatusCode::CREATED, render_link(state, &link)))
}

/// `PUT /projects/:id/deploy_keys/:key_id`: `title` on the key, `can_push` on this project's link.
pub fn update(ctx: &mut Ctx<'_>, id: &str, key_id: &str) -> ApiResult<Reply> {
    let (_, project) = authorized_project(ctx, id)?;
    let params = with_route(&ctx.params, &[("key_id", key_id)]);
    let mut check = Check::new(&params);
    let wanted = check.integer("key_id");
    let title = check.string("title");
    let can_push = check.boolean("can_push");
    if !ctx.params.has("title") && !ctx.params.has("can_push") {
        check.fail(
            "title, can_push",
            "are missing, at least one parameter must be provided",
        );
    }
    check.finish()?;
    let wanted = wanted.and_then(|i| u64::try_from(i).ok()).unwrap_or(0);
    let link = link_of(ctx.state, &project, wanted).ok_or(ApiError::RecordNotFound)?;
    if let Some(title) = &title {
        let mut errors = Vec::new();
        if title.trim().is_empty() {
            errors.push("can't be blank".to_owned());
        }
        if title.chars().count() > TITLE_LIMIT {
            errors.push("is too long (maximum is 255 characters)".to_owned());
        }
        if !errors.is_empty() {
            return Err(ApiError::ModelInvalid(vec![(
                "deploy_key.title".into(),
                errors,
            )]));
        }
    }
    let state = &mut *ctx.state;
    if let Some(title) = title {
        if let Some(key) = state.deploy_keys.iter_mut().find(|k| k.id == link.key_id) {
            key.title = title;
        }
    }
    let mut updated = link;
    if let Some(can_push) = can_push {
        if let Some(stored) = state
            .deploy_key_links
            .iter_mut()
            .find(|l| l.key_id == updated.key_id && l.project_id == project.id)
        {
            stored.can_push = can_push;
        }
        updated.can_push = can_push;
    }
    Ok(Reply::ok(render_link(state, &updated)))
}

/// `POST /projects/:id/deploy_keys/:key_id/enable`: admins may enable any key, others only keys
/// from projects they maintain. Answers the bare `DeployKey` entity (no `can_push`).
pub fn enable(ctx: &mut Ctx<'_>, id: &str, key_id: &str) -> ApiResult<Reply> {
    let (caller, project) = authorized_project(ctx, id)?;
    let wanted = key_id_param(ctx, key_id)?;
    let exists = ctx.state.deploy_keys.iter().any(|k| k.id == wanted);
    if !exists || !(caller.user.admin || accessible(ctx.state, &caller, wanted)) {
        return Err(ApiError::NotFound(Some("Deploy key".into())));
    }
    if link_of(ctx.state, &project, wanted).is_none() {
        ctx.state.deploy_key_links.push(DeployKeyLink {
            key_id: wanted,
            project_id: project.id,
            can_push: false,
        });
    }
    let key = ctx
        .state
        .deploy_keys
        .iter()
        .find(|k| k.id == wanted)
        .ok_or(ApiError::RecordNotFound)?;
    Ok(Reply::json(
        StatusCode::CREATED,
        entities::deploy_key(key, None),
    ))
}

/// `DELETE /projects/:id/deploy_keys/:key_id`: removes the key from the project, and deletes it
/// when no project uses it any more (a private key's `destroyed_when_orphaned?`).
pub fn delete(ctx: &mut Ctx<'_>, id: &str, key_id: &str) -> ApiResult<Reply> {
    let (_, project) = authorized_project(ctx, id)?;
    let wanted = key_id_param(ctx, key_id)?;
    if link_of(ctx.state, &project, wanted).is_none() {
        return Err(ApiError::NotFound(Some("Deploy key".into())));
    }
    let state = &mut *ctx.state;
    state
        .deploy_key_links
        .retain(|l| !(l.key_id == wanted && l.project_id == project.id));
    if !state.deploy_key_links.iter().any(|l| l.key_id == wanted) {
        state.deploy_keys.retain(|k| k.id != wanted);
    }
    Ok(Reply::no_content())
}
