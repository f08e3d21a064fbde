//! The token information API (`lib/api/admin/token.rb`, `Authn::AgnosticTokenIdentifier`,
//! `Authn::Tokens::*`): an admin hands over a token's plaintext and learns what it is, or revokes
//! it, without knowing its kind.
//!
//! The kind is read from the prefix alone, in GitLab's order; a prefix no type claims is `422`,
//! and a claimed prefix whose token does not exist is `404`. The sim keeps personal, project and
//! group access tokens, deploy tokens and pipeline triggers; GitLab's other kinds (feed, OAuth
//! application, agent, runner, job, feature-flag client, session, incoming email) are recognised
//! but never found.

use axum::http::StatusCode;
use serde_json::Value;

use super::{require_admin, triggers, Ctx, Reply};
use crate::auth::Caller;
use crate::entities;
use crate::errors::{ApiError, ApiResult};
use crate::params::Check;
use crate::secrets::TOKEN_PREFIX;
use crate::state::{DeployToken, SimState, Token, Trigger};

/// What kind of record a prefix points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Personal, impersonation, project and group access tokens (also the instance's own prefix).
    Personal,
    Deploy,
    Trigger,
    /// A kind GitLab identifies but the sim keeps none of.
    Unkept,
}

/// `AgnosticTokenIdentifier::TOKEN_TYPES` in order: the prefix each type claims and the release
/// that taught the API about it.
const TYPES: [(Kind, &str, (u32, u32)); 11] = [
    (Kind::Deploy, "gldt-", (17, 5)),
    (Kind::Unkept, "glft-", (17, 6)),
    (Kind::Personal, TOKEN_PREFIX, (17, 5)),
    (Kind::Unkept, "gloas-", (17, 7)),
    (Kind::Unkept, "glagent-", (17, 7)),
    (Kind::Unkept, "glrt-", (17, 7)),
    (Kind::Trigger, "glptt-", (17, 7)),
    (Kind::Unkept, "glcbt-", (17, 9)),
    (Kind::Unkept, "glffct-", (17, 9)),
    (Kind::Unkept, "_gitlab_session=", (17, 9)),
    (Kind::Unkept, "glimt-", (17, 9)),
];

/// Pipeline triggers are expired through this API from 17.10 (`token_api_expire_pipeline_triggers`;
/// the sim runs the token API's experiments switched on).
const TRIGGER_EXPIRY: (u32, u32) = (17, 10);

/// The record behind a plaintext.
enum Record {
    Personal(Token),
    Deploy(DeployToken),
    Trigger(Trigger),
}

/// `identify_token` then `revocable`: `422` when no type claims the prefix, `404` with GitLab's
/// object-shaped message when the claimed type has no such token.
fn find(state: &SimState, plaintext: &str) -> ApiResult<Record> {
    let release = state.release();
    let claims = |kind: Kind, prefix: &str| {
        plaintext.starts_with(prefix)
            || (kind == Kind::Personal && plaintext.starts_with(state.token_prefix.as_str()))
    };
    let kind = TYPES
        .iter()
        .find(|(kind, prefix, since)| *since <= release && claims(*kind, prefix))
        .map(|(kind, _, _)| *kind)
        .ok_or_else(|| {
            ApiError::ApiMessage(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Token type not supported.".into(),
            )
        })?;
    let record = match kind {
        Kind::Personal => state
            .token_by_secret(plaintext)
            .cloned()
            .map(Record::Personal),
        Kind::Deploy => state
            .deploy_tokens
            .iter()
            .find(|t| t.secret == plaintext)
            .cloned()
            .map(Record::Deploy),
        Kind::Trigger => state
            .triggers
            .iter()
            .find(|t| t.token == plaintext)
            .cloned()
            .map(Record::Trigger),
        Kind::Unkept => None,
    };
    record.ok_or_else(|| ApiError::ApiErrorObject(StatusCode::NOT_FOUND, "Not found".into()))
}

/// `authenticated_as_admin!` runs in a `before` block, so it speaks before `token` is validated.
fn admin_and_token(ctx: &mut Ctx<'_>) -> ApiResult<(Caller, Record)> {
    let caller = ctx.signed_in()?;
    require_admin(&caller)?;
    let mut check = Check::new(&ctx.params);
    let plaintext = check.required_string("token");
    check.finish()?;
    let record = find(ctx.state, &plaintext.unwrap_or_default())?;
    Ok((caller, record))
}

/// `GET /application/settings` (`authenticated_as_admin!`): only the setting the app reads,
/// the prefix of personal, project and group access tokens.
pub fn settings(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    require_admin(&caller)?;
    Ok(Reply::ok(serde_json::json!({
        "personal_access_token_prefix": ctx.state.token_prefix,
    })))
}

/// `POST /admin/token`: `200` with the entity of the token's own API.
pub fn show(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let (caller, record) = admin_and_token(ctx)?;
    let today = ctx.state.today();
    let body = match record {
        Record::Personal(t) => Value::Object(entities::token(&t, today)),
        Record::Deploy(t) => Value::Object(entities::deploy_token(&t, today)),
        Record::Trigger(t) => {
            let project = ctx
                .state
                .project(t.project_id)
                .cloned()
                .ok_or(ApiError::Internal)?;
            triggers::render(ctx, &caller, &project, &t)
        }
    };
    Ok(Reply::ok(body))
}

/// `DELETE /admin/token`: personal, project, group and deploy tokens are revoked; a trigger is
/// expired (`Ci::PipelineTriggers::ExpireService`), and before 17.10 its type raises an error
/// the API does not rescue.
pub fn revoke(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let (_, record) = admin_and_token(ctx)?;
    let state = &mut *ctx.state;
    match record {
        Record::Personal(t) => {
            if let Some(token) = state.token_mut(t.id) {
                token.revoked = true;
            }
        }
        Record::Deploy(t) => {
            if let Some(token) = state.deploy_tokens.iter_mut().find(|d| d.id == t.id) {
                token.revoked = true;
            }
        }
        Record::Trigger(t) => {
            if state.release() < TRIGGER_EXPIRY {
                return Err(ApiError::Internal);
            }
            let now = state.now();
            if let Some(trigger) = state.triggers.iter_mut().find(|x| x.id == t.id) {
                trigger.expires_at = Some(now);
                trigger.updated_at = now;
            }
        }
    }
    Ok(Reply::no_content())
}
