//! Personal access token management (`lib/api/personal_access_tokens.rb`,
//! `lib/api/personal_access_tokens/self_rotation.rb`, `self_information.rb`, the token routes of
//! `lib/api/users.rb`, `PersonalAccessTokensFinder`, `PersonalAccessTokens::*Service`).
//!
//! Non-admins only ever see their own tokens; asking about anyone else's answers `401` so that
//! token ids do not leak, while admins get `404` for ids that do not exist.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use serde_json::Value;

use super::access_tokens::{rotate_token, to_sentence, token_model_errors, TokenFilters};
use super::{require_admin, with_route, Ctx, Reply};
use crate::auth::{self, Caller, Scopes};
use crate::entities;
use crate::errors::{ApiError, ApiResult};
use crate::pagination::{paginate, PageRequest};
use crate::params::{Check, INVALID, MISSING, NOT_VALID_VALUE};
use crate::state::{SimState, Token, TokenDraft, MAX_LIFETIME_DAYS, PERSONAL_SCOPES};

/// Postgres' limit on `personal_access_tokens.description`.
const DESCRIPTION_LIMIT: usize = 255;

/// `requires :id, type: Integer` on a route segment.
fn integer_route(ctx: &Ctx<'_>, key: &str, value: &str) -> ApiResult<Option<u64>> {
    let params = with_route(&ctx.params, &[(key, value)]);
    let mut check = Check::new(&params);
    let id = check.integer(key);
    check.finish()?;
    Ok(id.and_then(|i| u64::try_from(i).ok()))
}

/// `read_user_personal_access_tokens` / `manage_user_personal_access_token`: the token's owner
/// or an admin.
fn may_manage(caller: &Caller, token: &Token) -> bool {
    caller.user.admin || caller.user.id == token.user_id
}

/// `GET /personal_access_tokens`. `authenticate!` and `restrict_non_admins!` run in a `before`
/// block, ahead of parameter validation; `finder_params` then answers a bare `404 Not Found` to an
/// admin naming an unknown user or leaving `user_id` blank (Grape reads `""` as nil).
pub fn list(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    let raw_user_id = ctx.params.string("user_id").ok().flatten();
    if !caller.user.admin {
        // A non-admin may name only themselves; anything else, unparsable included, is `401`.
        if let Some(raw) = raw_user_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if raw.parse::<u64>().ok() != Some(caller.user.id) {
                return Err(ApiError::Unauthorized);
            }
        }
    }
    let mut check = Check::new(&ctx.params);
    let user_id = match raw_user_id.as_deref() {
        Some("") => None,
        _ => check.integer("user_id"),
    };
    let filters = TokenFilters::declare(&mut check);
    let page = PageRequest::declared(&mut check);
    check.finish()?;
    let state = &*ctx.state;
    let owner = match (caller.user.admin, raw_user_id.is_some()) {
        (true, false) => None,
        (true, true) => {
            let found = user_id
                .and_then(|id| u64::try_from(id).ok())
                .and_then(|id| state.user(id));
            Some(found.ok_or(ApiError::NotFound(None))?.id)
        }
        (false, _) => Some(caller.user.id),
    };
    let tokens = filters.apply(state, |t| owner.is_none_or(|o| t.user_id == o));
    let page = paginate(tokens, page, &ctx.link_base(), &ctx.params);
    let today = state.today();
    let body: Vec<Value> = page
        .items
        .iter()
        .map(|t| Value::Object(entities::token(t, today)))
        .collect();
    Ok(Reply::ok(Value::Array(body)).with_headers(page.headers))
}

/// The token at `id` if the caller may manage it; otherwise `404` for admins, `401` for others.
fn find_managed(ctx: &mut Ctx<'_>, caller: &Caller, id: &str) -> ApiResult<Token> {
    let wanted = integer_route(ctx, "id", id)?;
    let token = wanted.and_then(|id| ctx.state.token(id)).cloned();
    match token {
        Some(t) if may_manage(caller, &t) => Ok(t),
        _ if caller.user.admin => Err(ApiError::NotFound(None)),
        _ => Err(ApiError::Unauthorized),
    }
}

/// `GET /personal_access_tokens/:id`.
pub fn show(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    let token = find_managed(ctx, &caller, id)?;
    Ok(Reply::ok(entities::token_with_ips(
        &token,
        ctx.state.today(),
    )))
}

/// `POST /personal_access_tokens/:id/rotate`.
pub fn rotate(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    let mut check = Check::new(&ctx.params);
    let expires_at = check.date("expires_at");
    check.finish()?;
    let old = find_managed(ctx, &caller, id)?;
    let token = rotate_token(ctx.state, &old, expires_at)?;
    Ok(Reply::ok(with_secret(&token, ctx.state.today())))
}

/// `POST /personal_access_tokens/self/rotate`: the presented token rotates itself; any other
/// kind of token (OAuth) gets `not_allowed!`.
pub fn rotate_self(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let caller = auth::require(ctx.caller(Scopes::SelfRotate)?)?;
    let mut check = Check::new(&ctx.params);
    let expires_at = check.date("expires_at");
    check.finish()?;
    if caller.oauth {
        return Err(ApiError::MethodNotAllowed);
    }
    let old = ctx
        .state
        .token(caller.token_id)
        .cloned()
        .ok_or(ApiError::Unauthorized)?;
    let token = rotate_token(ctx.state, &old, expires_at)?;
    Ok(Reply::ok(with_secret(&token, ctx.state.today())))
}

/// `DELETE /personal_access_tokens/:id`: `find_token` looks the id up with `find`, so an unknown
/// id raises `RecordNotFound` (`404 Not found`, for admins and everyone else alike); someone
/// else's token is refused by `RevokeService`, which the endpoint turns into a bare `400`.
pub fn revoke(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    let wanted = integer_route(ctx, "id", id)?;
    let token = wanted
        .and_then(|id| ctx.state.token(id))
        .cloned()
        .ok_or(ApiError::RecordNotFound)?;
    if !may_manage(&caller, &token) {
        return Err(ApiError::BadRequestPlain);
    }
    if let Some(t) = ctx.state.token_mut(token.id) {
        t.revoked = true;
    }
    Ok(Reply::no_content())
}

/// `DELETE /personal_access_tokens/self`: any scope may revoke its own token, if it is a
/// personal access token.
pub fn revoke_self(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let caller = auth::require(ctx.caller(Scopes::Any)?)?;
    caller.require_personal_token()?;
    if let Some(t) = ctx.state.token_mut(caller.token_id) {
        t.revoked = true;
    }
    Ok(Reply::no_content())
}

fn with_secret(token: &Token, today: NaiveDate) -> Value {
    let mut map = entities::token(token, today);
    map.insert("token".into(), Value::String(token.secret.clone()));
    Value::Object(map)
}

/// `Array[String]` with `CommaSeparatedToArray` and a `values:` list.
fn scopes_param(
    check: &mut Check<'_>,
    raw: Option<&Value>,
    allowed: &[&str],
) -> Option<Vec<String>> {
    let Some(raw) = raw else {
        check.fail("scopes", MISSING);
        return None;
    };
    let split = |s: &str| -> Vec<String> {
        s.split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    };
    let values = match raw {
        Value::String(s) => split(s),
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                let Value::String(s) = item else {
                    check.fail("scopes", INVALID);
                    return None;
                };
                out.extend(split(s));
            }
            out
        }
        _ => {
            check.fail("scopes", INVALID);
            return None;
        }
    };
    if values.iter().all(|v| allowed.contains(&v.as_str())) {
        Some(values)
    } else {
        check.fail("scopes", NOT_VALID_VALUE);
        None
    }
}

struct NewToken {
    name: String,
    scopes: Vec<String>,
    expires_at: Option<NaiveDate>,
    description: Option<String>,
}

fn read_new_token(
    ctx: &Ctx<'_>,
    route: &[(&str, &str)],
    allowed: &[&str],
) -> ApiResult<(NewToken, Option<i64>)> {
    let params = with_route(&ctx.params, route);
    let mut check = Check::new(&params);
    let user_id = route.first().and_then(|(key, _)| check.integer(key));
    let name = check.required_string("name");
    let scopes = scopes_param(&mut check, ctx.params.raw("scopes"), allowed);
    let expires_at = check.date("expires_at");
    let description = check.string("description");
    check.finish()?;
    match (name, scopes) {
        (Some(name), Some(scopes)) => Ok((
            NewToken {
                name,
                scopes,
                expires_at,
                description,
            },
            user_id,
        )),
        _ => Err(ApiError::Internal),
    }
}

/// `PersonalAccessTokens::CreateService`: model errors come back as `render_api_error!` 422.
fn store(state: &mut SimState, user_id: u64, new: NewToken) -> ApiResult<Value> {
    let errors = token_model_errors(state, &new.scopes, new.expires_at);
    if !errors.is_empty() {
        return Err(ApiError::ApiMessage(
            StatusCode::UNPROCESSABLE_ENTITY,
            to_sentence(&errors),
        ));
    }
    if new
        .description
        .as_deref()
        .is_some_and(|d| d.chars().count() > DESCRIPTION_LIMIT)
    {
        return Err(ApiError::Internal);
    }
    let token = state.issue_token(TokenDraft {
        user_id,
        name: new.name,
        description: new.description,
        scopes: new.scopes,
        expires_at: new.expires_at,
        previous_id: None,
    });
    Ok(with_secret(&token, state.today()))
}

/// `POST /users/:user_id/personal_access_tokens`: admins create a token for anyone, any scope.
pub fn create_for_user(ctx: &mut Ctx<'_>, user_id: &str) -> ApiResult<Reply> {
    let (mut new, wanted) = read_new_token(ctx, &[("user_id", user_id)], &PERSONAL_SCOPES)?;
    let caller = ctx.signed_in()?;
    require_admin(&caller)?;
    let user = wanted
        .and_then(|id| u64::try_from(id).ok())
        .and_then(|id| ctx.state.user(id))
        .cloned()
        .ok_or(ApiError::NotFound(Some("User".into())))?;
    // Expiry is required by default, so an omitted date becomes the longest allowed.
    let today = ctx.state.today();
    new.expires_at = new
        .expires_at
        .or(Some(today + Duration::days(MAX_LIFETIME_DAYS)));
    let body = store(ctx.state, user.id, new)?;
    Ok(Reply::json(StatusCode::CREATED, body))
}

/// `POST /user/personal_access_tokens`: a user mints a narrowly scoped token for themselves.
pub fn create_own(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let allowed: &[&str] = if ctx.state.version_at_least(18, 0) {
        &["k8s_proxy", "self_rotate"]
    } else {
        &["k8s_proxy"]
    };
    let (mut new, _) = read_new_token(ctx, &[], allowed)?;
    let caller = ctx.signed_in()?;
    // This endpoint defaults to a one-day token rather than the maximum lifetime.
    let today = ctx.state.today();
    new.expires_at = new.expires_at.or(Some(today + Duration::days(1)));
    let body = store(ctx.state, caller.user.id, new)?;
    Ok(Reply::json(StatusCode::CREATED, body))
}
