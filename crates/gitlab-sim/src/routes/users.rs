//! `GET /user`, `GET /version` and `GET /personal_access_tokens/self`: who the caller is, what
//! the instance runs, and what the presented token is.

use serde_json::json;

use super::{Ctx, Reply};
use crate::auth::{self, Scopes};
use crate::entities;
use crate::errors::{ApiError, ApiResult};

/// `API::Users` `GET /user` (`lib/api/users.rb`).
pub fn current_user(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let caller = auth::require(ctx.caller(Scopes::ApiOrReadUser)?)?;
    Ok(Reply::ok(entities::current_user(
        ctx.state,
        &caller.user,
        ctx.urls,
    )))
}

/// `API::Metadata` / `API::Version` `GET /version` (`lib/api/metadata.rb`).
pub fn version(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    auth::require(ctx.caller(Scopes::ApiOrReadUser)?)?;
    Ok(Reply::ok(json!({
        "version": ctx.state.version,
        "revision": "6e5f0a1b2c3",
        "kas": {
            "enabled": false,
            "externalUrl": null,
            "externalK8sProxyUrl": null,
            "version": null
        },
        "enterprise": false
    })))
}

/// `PersonalAccessTokens::SelfInformation` `GET /personal_access_tokens/self`: any scope, but
/// only a personal (or project or group) access token.
pub fn token_self(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let caller = auth::require(ctx.caller(Scopes::Any)?)?;
    caller.require_personal_token()?;
    let token = ctx
        .state
        .token(caller.token_id)
        .ok_or(ApiError::Unauthorized)?;
    Ok(Reply::ok(entities::token_with_ips(
        token,
        ctx.state.today(),
    )))
}

/// `API::Users` `GET /users/:id`: any user's public profile, bots included.
pub fn show(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    // `requires :id, type: Integer` is validated before anything else.
    let mut route_params = crate::params::Params::default();
    route_params.insert("id", serde_json::Value::String(id.to_owned()));
    let mut check = crate::params::Check::new(&route_params);
    let wanted = check.integer("id");
    check.finish()?;
    ctx.caller(Scopes::ApiOrReadUser)?;
    let user = wanted
        .and_then(|id| u64::try_from(id).ok())
        .and_then(|id| ctx.state.user(id))
        .ok_or_else(|| ApiError::NotFound(Some("User".into())))?;
    Ok(Reply::ok(entities::user_public(user, ctx.urls)))
}
