//! Deploy tokens (`lib/api/deploy_tokens.rb`, `DeployTokens::TokensFinder`,
//! `DeployTokens::CreateService`/`DestroyService`, `app/models/deploy_token.rb`).
//!
//! Project and group tokens share one implementation over the resource kind, as in GitLab where
//! both resources call the same services. Grape validates parameters before the endpoint body
//! looks the resource up, so a bad parameter wins over a missing project.

use axum::http::StatusCode;
use serde_json::Value;

use super::{find_resource, require_admin, with_route, Ctx, Reply};
use crate::auth::Scopes;
use crate::entities;
use crate::errors::{ApiError, ApiResult};
use crate::fixture::DEPLOY_TOKEN_SCOPES;
use crate::pagination::{paginate, PageRequest};
use crate::params::{Check, INVALID, MISSING, NOT_VALID_VALUE};
use crate::secrets;
use crate::state::{access, DeployToken, Resource, ResourceKind, SimState, User};

/// `validates :name, length: { maximum: 255 }` and the same for `username`.
const LENGTH_LIMIT: usize = 255;

/// `DeployToken` username format: `\A[a-zA-Z0-9\.\+_-]+\z`.
pub fn valid_username(username: &str) -> bool {
    !username.is_empty()
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'_' | b'-'))
}

/// Which role a deploy-token action needs: reading is Maintainer everywhere; creating and
/// deleting is Maintainer in a project but Owner in a group (`GroupPolicy`).
fn allowed(state: &SimState, user: Option<&User>, resource: Resource, write: bool) -> bool {
    let Some(user) = user else {
        return false;
    };
    let needed = match (resource.kind, write) {
        (ResourceKind::Group, true) => access::OWNER,
        _ => access::MAINTAINER,
    };
    user.admin
        || state
            .resource_level(resource, user.id)
            .is_some_and(|l| l >= needed)
}

/// `authorize!`: a caller without the ability is refused with `403 Forbidden`.
fn authorize(
    ctx: &mut Ctx<'_>,
    kind: ResourceKind,
    id: &str,
    write: bool,
) -> ApiResult<(Option<crate::auth::Caller>, Resource)> {
    let caller = ctx.caller(Scopes::Api)?;
    let resource = find_resource(ctx.state, caller.as_ref(), kind, id)?;
    if !allowed(ctx.state, caller.as_ref().map(|c| &c.user), resource, write) {
        return Err(ApiError::Forbidden(None));
    }
    Ok((caller, resource))
}

fn page_of(ctx: &Ctx<'_>, tokens: Vec<&DeployToken>, page: PageRequest, id: Option<&str>) -> Reply {
    let mut link_params = ctx.params.clone();
    if let Some(id) = id {
        link_params.insert("id", Value::String(id.to_owned()));
    }
    let page = paginate(tokens, page, &ctx.link_base(), &link_params);
    let today = ctx.state.today();
    let body: Vec<Value> = page
        .items
        .iter()
        .map(|t| Value::Object(entities::deploy_token(t, today)))
        .collect();
    Reply::ok(Value::Array(body)).with_headers(page.headers)
}

/// `GET /deploy_tokens`: every deploy token on the instance, admins only.
pub fn list_all(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let mut check = Check::new(&ctx.params);
    let page = PageRequest::declared(&mut check);
    let active = check.boolean("active").unwrap_or(false);
    check.finish()?;
    let caller = ctx.signed_in()?;
    require_admin(&caller)?;
    let now = ctx.state.now();
    let tokens: Vec<&DeployToken> = ctx
        .state
        .deploy_tokens
        .iter()
        .filter(|t| !active || t.active_at(now))
        .collect();
    Ok(page_of(ctx, tokens, page, None))
}

/// `GET /{projects,groups}/:id/deploy_tokens`.
pub fn list(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str) -> ApiResult<Reply> {
    let mut check = Check::new(&ctx.params);
    let page = PageRequest::declared(&mut check);
    let active = check.boolean("active").unwrap_or(false);
    check.finish()?;
    let (_, resource) = authorize(ctx, kind, id, false)?;
    let now = ctx.state.now();
    let tokens: Vec<&DeployToken> = ctx
        .state
        .deploy_tokens
        .iter()
        .filter(|t| t.owner == resource)
        .filter(|t| !active || t.active_at(now))
        .collect();
    Ok(page_of(ctx, tokens, page, Some(id)))
}

/// `requires :token_id, type: Integer`.
fn token_id_param(ctx: &Ctx<'_>, token_id: &str) -> ApiResult<u64> {
    let params = with_route(&ctx.params, &[("token_id", token_id)]);
    let mut check = Check::new(&params);
    let id = check.integer("token_id");
    check.finish()?;
    // A negative id passes Grape and then finds nothing.
    Ok(id.and_then(|i| u64::try_from(i).ok()).unwrap_or(0))
}

/// `GET /{projects,groups}/:id/deploy_tokens/:token_id`.
pub fn show(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str, token_id: &str) -> ApiResult<Reply> {
    let wanted = token_id_param(ctx, token_id)?;
    let (_, resource) = authorize(ctx, kind, id, false)?;
    // `deploy_tokens.find` raises RecordNotFound.
    let token = ctx
        .state
        .deploy_tokens
        .iter()
        .find(|t| t.id == wanted && t.owner == resource)
        .ok_or(ApiError::RecordNotFound)?;
    Ok(Reply::ok(Value::Object(entities::deploy_token(
        token,
        ctx.state.today(),
    ))))
}

/// `DELETE /{projects,groups}/:id/deploy_tokens/:token_id`: `DestroyService` destroys the
/// record, so the token disappears from lists.
pub fn delete(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str, token_id: &str) -> ApiResult<Reply> {
    let wanted = token_id_param(ctx, token_id)?;
    let (_, resource) = authorize(ctx, kind, id, true)?;
    let index = ctx
        .state
        .deploy_tokens
        .iter()
        .position(|t| t.id == wanted && t.owner == resource)
        .ok_or(ApiError::RecordNotFound)?;
    ctx.state.deploy_tokens.remove(index);
    Ok(Reply::no_content())
}

/// `CommaSeparatedToArray` then `values:`: a JSON array, form `scopes[]=`, or `"a,b"`.
fn scopes_param(ctx: &Ctx<'_>, check: &mut Check<'_>) -> Option<Vec<String>> {
    let raw = match ctx.params.raw("scopes") {
        None => {
            check.fail("scopes", MISSING);
            return None;
        }
        Some(v) => v.clone(),
    };
    let split = |s: &str| -> Vec<String> {
        s.split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    };
    let values: Vec<String> = match raw {
        Value::String(s) => split(&s),
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                match item {
                    Value::String(s) => out.extend(split(&s)),
                    _ => {
                        check.fail("scopes", INVALID);
                        return None;
                    }
                }
            }
            out
        }
        _ => {
            check.fail("scopes", INVALID);
            return None;
        }
    };
    if values
        .iter()
        .all(|v| DEPLOY_TOKEN_SCOPES.contains(&v.as_str()))
    {
        Some(values)
    } else {
        check.fail("scopes", NOT_VALID_VALUE);
        None
    }
}

/// `POST /{projects,groups}/:id/deploy_tokens`.
pub fn create(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str) -> ApiResult<Reply> {
    let params = ctx.params.clone();
    let mut check = Check::new(&params);
    let name = check.required_string("name");
    let scopes = scopes_param(ctx, &mut check);
    let expires_at = check.datetime("expires_at");
    // `CreateService` assigns `params[:username].presence`: a blank one means the default.
    let username = check.string("username").filter(|u| !u.trim().is_empty());
    check.finish()?;
    let (Some(name), Some(scopes)) = (name, scopes) else {
        return Err(ApiError::Internal);
    };
    let (_, resource) = authorize(ctx, kind, id, true)?;

    // The model keeps one boolean per scope and reports them in its own order.
    let scopes: Vec<String> = DEPLOY_TOKEN_SCOPES
        .iter()
        .filter(|s| scopes.iter().any(|w| w == *s))
        .map(|s| (*s).to_owned())
        .collect();
    let mut errors = Vec::new();
    if scopes.is_empty() {
        errors.push("Scopes can't be blank".to_owned());
    }
    if let Some(u) = &username {
        if u.chars().count() > LENGTH_LIMIT {
            errors.push("Username is too long (maximum is 255 characters)".to_owned());
        }
        if !valid_username(u) {
            errors.push(
                "Username can contain only letters, digits, '_', '-', '+', and '.'".to_owned(),
            );
        }
    }
    if name.chars().count() > LENGTH_LIMIT {
        errors.push("Name is too long (maximum is 255 characters)".to_owned());
    }
    if !errors.is_empty() {
        return Err(ApiError::ApiMessage(
            StatusCode::BAD_REQUEST,
            super::access_tokens::to_sentence(&errors),
        ));
    }

    let state = &mut *ctx.state;
    let token = DeployToken {
        id: state.next_deploy_token_id,
        owner: resource,
        name,
        username,
        scopes,
        expires_at,
        revoked: false,
        created_at: state.now(),
        secret: secrets::new_deploy_token_secret(),
    };
    state.next_deploy_token_id += 1;
    state.deploy_tokens.push(token.clone());
    let mut body = entities::deploy_token(&token, state.today());
    body.insert("token".into(), Value::String(token.secret.clone()));
    Ok(Reply::json(StatusCode::CREATED, Value::Object(body)))
}
