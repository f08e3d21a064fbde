//! Project and group access tokens (`lib/api/resource_access_tokens.rb`,
//! `ResourceAccessTokens::*Service`, `ProjectAccessTokens::RotateService`,
//! `GroupAccessTokens::RotateService`).
//!
//! A resource access token is a personal access token of a bot user that is a member of the
//! project or group; its role is that membership. GitLab defines every endpoint once and mounts it
//! for both source types, so each handler here takes the [`ResourceKind`]. The order of checks
//! follows GitLab's endpoint and service code, because the order decides which error a client sees.

use std::cmp::Ordering;

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::Value;

use super::{find_resource, Ctx, Reply};
use crate::auth::{self, Caller, Scopes};
use crate::entities;
use crate::errors::{ApiError, ApiResult};
use crate::pagination::{paginate, PageRequest};
use crate::params::Check;
use crate::secrets;
use crate::state::{
    access, Member, Resource, ResourceKind, SimState, Token, TokenDraft, User, MAX_LIFETIME_DAYS,
    RESOURCE_BOT_SCOPES, ROTATION_DAYS,
};

/// The Postgres text limit on `personal_access_tokens.description` (the model has no validation,
/// so a longer one fails in the database).
const DESCRIPTION_LIMIT: usize = 255;
/// `User` name length limit; the bot user carries the token name.
const NAME_LIMIT: usize = 255;

/// `Not Found` wording for a token that does not belong to the resource.
fn token_not_found(kind: ResourceKind) -> ApiError {
    ApiError::NotFound(Some(format!("{} Access Token", kind.as_str())))
}

/// Ruby's `Array#to_sentence`, which joins model errors in service messages.
pub fn to_sentence(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

/// The `PersonalAccessToken` model's validations for a token about to be saved.
pub fn token_model_errors(
    state: &SimState,
    scopes: &[String],
    expires_at: Option<chrono::NaiveDate>,
) -> Vec<String> {
    let mut errors = Vec::new();
    if scopes.is_empty() {
        errors.push("Scopes can't be blank".to_owned());
    }
    let max = state.today() + Duration::days(MAX_LIFETIME_DAYS);
    if expires_at.is_some_and(|d| d > max) {
        errors.push(format!(
            "Expiration date must be before {}",
            max.format("%Y-%m-%d")
        ));
    }
    errors
}

/// The bot's role in the resource, which is the token's role.
fn token_level(state: &SimState, resource: Resource, token: &Token) -> u8 {
    state.direct_level(resource, token.user_id).unwrap_or(0)
}

/// `Gitlab::Access.level_encompasses?` against the caller's own role; admins pass.
fn caller_holds(state: &SimState, caller: &User, resource: Resource, level: u8) -> bool {
    caller.admin
        || state
            .resource_level(resource, caller.id)
            .is_some_and(|own| own >= level)
}

fn sort_tokens(tokens: &mut [&Token], sort: Option<&str>) {
    // Nulls sort last ascending and first descending, as in Postgres.
    fn nulls<T: Ord>(a: Option<T>, b: Option<T>, desc: bool) -> Ordering {
        let ord = match (a, b) {
            (Some(a), Some(b)) => a.cmp(&b),
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
        };
        if desc {
            ord.reverse()
        } else {
            ord
        }
    }
    match sort {
        Some("created_asc" | "created_at_asc" | "created_date") => {
            tokens.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)))
        }
        Some("created_desc" | "created_at_desc" | "updated_desc" | "updated_at_desc") => {
            tokens.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)))
        }
        Some("updated_asc" | "updated_at_asc") => {
            tokens.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)))
        }
        Some("id_desc") => tokens.sort_by_key(|t| std::cmp::Reverse(t.id)),
        Some("name_asc") => tokens.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.id.cmp(&b.id))
        }),
        Some("name_desc") => tokens.sort_by(|a, b| {
            b.name
                .to_lowercase()
                .cmp(&a.name.to_lowercase())
                .then(a.id.cmp(&b.id))
        }),
        Some("expires_asc" | "expires_at_asc_id_desc") => {
            tokens.sort_by(|a, b| nulls(a.expires_at, b.expires_at, false).then(b.id.cmp(&a.id)))
        }
        Some("expires_desc") => {
            tokens.sort_by(|a, b| nulls(a.expires_at, b.expires_at, true).then(b.id.cmp(&a.id)))
        }
        Some("last_used_asc") => tokens
            .sort_by(|a, b| nulls(a.last_used_at, b.last_used_at, false).then(b.id.cmp(&a.id))),
        Some("last_used_desc") => {
            tokens.sort_by(|a, b| nulls(a.last_used_at, b.last_used_at, true).then(b.id.cmp(&a.id)))
        }
        // Unknown or absent: the paginator's default order, primary key ascending.
        _ => tokens.sort_by_key(|t| t.id),
    }
}

/// `PersonalAccessToken.search`: name substring, or whole name below three characters.
fn name_matches(name: &str, query: &str) -> bool {
    let (name, query) = (name.to_lowercase(), query.to_lowercase());
    if query.chars().count() >= 3 {
        name.contains(&query)
    } else {
        name == query
    }
}

/// The list filters every token list shares (`access_token_params` in GitLab's helpers).
pub struct TokenFilters {
    revoked: Option<bool>,
    state: Option<String>,
    created_before: Option<chrono::DateTime<chrono::Utc>>,
    created_after: Option<chrono::DateTime<chrono::Utc>>,
    last_used_before: Option<chrono::DateTime<chrono::Utc>>,
    last_used_after: Option<chrono::DateTime<chrono::Utc>>,
    expires_before: Option<chrono::NaiveDate>,
    expires_after: Option<chrono::NaiveDate>,
    search: Option<String>,
    sort: Option<String>,
}

impl TokenFilters {
    /// Reads the filters in GitLab's declaration order.
    pub fn declare(check: &mut Check<'_>) -> Self {
        TokenFilters {
            revoked: check.boolean("revoked"),
            state: check.string_in("state", &["active", "inactive"]),
            created_before: check.datetime("created_before"),
            created_after: check.datetime("created_after"),
            last_used_before: check.datetime("last_used_before"),
            last_used_after: check.datetime("last_used_after"),
            expires_before: check.date("expires_before"),
            expires_after: check.date("expires_after"),
            search: check.string("search"),
            sort: check.string("sort"),
        }
    }

    /// The tokens `keep` selects, filtered and sorted.
    pub fn apply<'a>(&self, state: &'a SimState, keep: impl Fn(&Token) -> bool) -> Vec<&'a Token> {
        let today = state.today();
        let mut tokens: Vec<&Token> = state
            .tokens
            .iter()
            .filter(|t| keep(t))
            .filter(|t| self.revoked.is_none_or(|r| t.revoked == r))
            .filter(|t| match self.state.as_deref() {
                Some("active") => t.active(today),
                Some("inactive") => t.in_inactive_scope(today),
                _ => true,
            })
            .filter(|t| self.created_before.is_none_or(|at| t.created_at <= at))
            .filter(|t| self.created_after.is_none_or(|at| t.created_at >= at))
            .filter(|t| {
                self.last_used_before
                    .is_none_or(|at| t.last_used_at.is_some_and(|u| u <= at))
            })
            .filter(|t| {
                self.last_used_after
                    .is_none_or(|at| t.last_used_at.is_some_and(|u| u >= at))
            })
            .filter(|t| {
                self.expires_before
                    .is_none_or(|d| t.expires_at.is_some_and(|e| e < d))
            })
            .filter(|t| {
                self.expires_after
                    .is_none_or(|d| t.expires_at.is_some_and(|e| e >= d))
            })
            .filter(|t| {
                self.search
                    .as_deref()
                    .filter(|q| !q.is_empty())
                    .is_none_or(|q| name_matches(&t.name, q))
            })
            .collect();
        sort_tokens(&mut tokens, self.sort.as_deref());
        tokens
    }
}

/// `GET /{projects,groups}/:id/access_tokens`.
pub fn list(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    let mut check = Check::new(&ctx.params);
    let filters = TokenFilters::declare(&mut check);
    check.finish()?;

    let state = &*ctx.state;
    let resource = find_resource(state, Some(&caller), kind, id)?;
    if !state.can_read_tokens(&caller.user, resource) {
        return Err(ApiError::Unauthorized);
    }
    let bots = state.bot_ids(resource);
    let tokens = filters.apply(state, |t| bots.contains(&t.user_id));

    let mut link_params = ctx.params.clone();
    link_params.insert("id", Value::String(id.to_owned()));
    let page = paginate(
        tokens,
        PageRequest::undeclared(&ctx.params),
        &ctx.link_base(),
        &link_params,
    );
    let body: Vec<Value> = page
        .items
        .iter()
        .map(|t| Value::Object(entities::resource_token(state, t, resource)))
        .collect();
    Ok(Reply::ok(Value::Array(body)).with_headers(page.headers))
}

/// `GET /{projects,groups}/:id/access_tokens/:token_id`.
pub fn show(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str, token_id: &str) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    let state = &*ctx.state;
    let resource = find_resource(state, Some(&caller), kind, id)?;
    if !state.can_read_tokens(&caller.user, resource) {
        return Err(ApiError::Unauthorized);
    }
    let token = state
        .find_resource_token(resource, token_id)
        .ok_or_else(|| token_not_found(kind))?;
    Ok(Reply::ok(Value::Object(entities::resource_token(
        state, token, resource,
    ))))
}

/// `DELETE /{projects,groups}/:id/access_tokens/:token_id`: revokes the token, keeping its bot.
pub fn revoke(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str, token_id: &str) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    let resource = find_resource(ctx.state, Some(&caller), kind, id)?;
    let token = ctx
        .state
        .find_resource_token(resource, token_id)
        .cloned()
        .ok_or_else(|| token_not_found(kind))?;
    if !ctx.state.can_read_tokens(&caller.user, resource) {
        let bot_name = ctx
            .state
            .user(token.user_id)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        return Err(ApiError::BadRequest(format!(
            "{} cannot delete {bot_name}",
            caller.user.name
        )));
    }
    if let Some(t) = ctx.state.token_mut(token.id) {
        t.revoked = true;
    }
    Ok(Reply::no_content())
}

/// `POST /{projects,groups}/:id/access_tokens`.
pub fn create(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    let mut check = Check::new(&ctx.params);
    let name = check.required_string("name");
    let description = check.string("description");
    let expires_at = check.date("expires_at");
    let scopes = check.required_strings_in("scopes", &RESOURCE_BOT_SCOPES);
    let levels: Vec<i64> = access::VALID.iter().map(|&l| i64::from(l)).collect();
    let access_level = check.integer_in("access_level", &levels);
    check.finish()?;
    let (Some(name), Some(scopes)) = (name, scopes) else {
        return Err(ApiError::Internal);
    };
    let access_level = access_level.map_or(access::MAINTAINER, |l| l as u8);

    let resource = find_resource(ctx.state, Some(&caller), kind, id)?;
    if !ctx.state.can_manage_tokens(&caller.user, resource) {
        return Err(ApiError::BadRequest(format!(
            "User does not have permission to create {} access token",
            kind.as_str()
        )));
    }
    if !caller_holds(ctx.state, &caller.user, resource, access_level) {
        return Err(ApiError::BadRequest(
            "Access level of the token contains permissions not held by the creating user".into(),
        ));
    }
    // The bot user is created first; its validations speak before the token's.
    if name.trim().is_empty() {
        return Err(ApiError::BadRequest("Name can't be blank".into()));
    }
    if name.chars().count() > NAME_LIMIT {
        return Err(ApiError::BadRequest(
            "Name is too long (maximum is 255 characters)".into(),
        ));
    }
    let today = ctx.state.today();
    let expires_at = expires_at.or(Some(today + Duration::days(MAX_LIFETIME_DAYS)));
    let errors = token_model_errors(ctx.state, &scopes, expires_at);
    if !errors.is_empty() {
        return Err(ApiError::BadRequest(to_sentence(&errors)));
    }
    if description
        .as_deref()
        .is_some_and(|d| d.chars().count() > DESCRIPTION_LIMIT)
    {
        return Err(ApiError::Internal);
    }

    let state = &mut *ctx.state;
    let now = state.now();
    let bot_id = state.next_user_id;
    state.next_user_id += 1;
    state.users.push(User {
        id: bot_id,
        username: bot_username(resource, &secrets::random_hex32()),
        name: name.clone(),
        admin: false,
        bot_of: Some(resource),
        created_at: now,
    });
    state.add_member(
        resource,
        Member {
            user_id: bot_id,
            access_level,
        },
    );
    let token = state.issue_token(TokenDraft {
        user_id: bot_id,
        name,
        description,
        scopes,
        expires_at,
        previous_id: None,
    });
    Ok(Reply::json(
        StatusCode::CREATED,
        entities::resource_token_with_secret(state, &token, resource),
    ))
}

/// `PersonalAccessTokens::RotateService` once the caller is allowed: the old token is revoked and
/// a new one with the same name, description and scopes takes its place (default expiry
/// today + 7 days).
pub fn rotate_token(
    state: &mut SimState,
    old: &Token,
    expires_at: Option<chrono::NaiveDate>,
) -> ApiResult<Token> {
    if old.revoked {
        return Err(ApiError::BadRequest("Token already revoked".into()));
    }
    let today = state.today();
    let expires_at = expires_at.or(Some(today + Duration::days(ROTATION_DAYS)));
    // Revocation and creation share a transaction: a refused new token leaves the old one alive.
    let errors = token_model_errors(state, &old.scopes, expires_at);
    if !errors.is_empty() {
        return Err(ApiError::BadRequest(to_sentence(&errors)));
    }
    if let Some(t) = state.token_mut(old.id) {
        t.revoked = true;
    }
    Ok(state.issue_token(TokenDraft {
        user_id: old.user_id,
        name: old.name.clone(),
        description: old.description.clone(),
        scopes: old.scopes.clone(),
        expires_at,
        previous_id: Some(old.id),
    }))
}

/// `project_{id}_bot_{hex}` / `group_{id}_bot_{hex}`, as `ResourceAccessTokens::CreateService`
/// names bots.
pub fn bot_username(resource: Resource, hex: &str) -> String {
    format!("{}_{}_bot_{hex}", resource.kind.as_str(), resource.id)
}

/// `POST /{projects,groups}/:id/access_tokens/:token_id/rotate`.
pub fn rotate(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str, token_id: &str) -> ApiResult<Reply> {
    let caller: Caller = ctx.signed_in()?;
    let mut check = Check::new(&ctx.params);
    let expires_at = check.date("expires_at");
    check.finish()?;

    let resource = find_resource(ctx.state, Some(&caller), kind, id)?;
    let accessible = ctx.state.can_manage_tokens(&caller.user, resource);
    let old = accessible
        .then(|| ctx.state.find_resource_token(resource, token_id).cloned())
        .flatten();
    let Some(old) = old else {
        // Only admins learn whether the token exists.
        return Err(if caller.user.admin {
            ApiError::NotFound(None)
        } else {
            ApiError::Unauthorized
        });
    };
    if old.revoked {
        return Err(ApiError::BadRequest("Token already revoked".into()));
    }
    let level = token_level(ctx.state, resource, &old);
    if !caller_holds(ctx.state, &caller.user, resource, level) {
        return Err(ApiError::BadRequest(
            "Not eligible to rotate tokens with permissions not held by the user".into(),
        ));
    }
    let token = rotate_token(ctx.state, &old, expires_at)?;
    let state = &*ctx.state;
    Ok(Reply::ok(entities::resource_token_with_secret(
        state, &token, resource,
    )))
}

/// `POST /{projects,groups}/:id/access_tokens/self/rotate` (`ResourceAccessTokens::SelfRotation`):
/// the presented project or group token rotates itself with `PersonalAccessTokens::RotateService`,
/// so no role check applies. Anything but a bot's token is `405`; a bot of another resource `401`.
pub fn rotate_self(ctx: &mut Ctx<'_>, kind: ResourceKind, id: &str) -> ApiResult<Reply> {
    let caller = auth::require(ctx.caller(Scopes::SelfRotate)?)?;
    let mut check = Check::new(&ctx.params);
    let expires_at = check.date("expires_at");
    check.finish()?;
    if !caller.user.is_bot() || caller.oauth {
        return Err(ApiError::MethodNotAllowed);
    }
    let resource = find_resource(ctx.state, Some(&caller), kind, id)?;
    let old = ctx
        .state
        .find_resource_token(resource, &caller.token_id.to_string())
        .cloned()
        .ok_or(ApiError::Unauthorized)?;
    let token = rotate_token(ctx.state, &old, expires_at)?;
    let state = &*ctx.state;
    Ok(Reply::ok(entities::resource_token_with_secret(
        state, &token, resource,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        let s = |v: &[&str]| to_sentence(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b"]), "a and b");
        assert_eq!(s(&["a", "b", "c"]), "a, b, and c");
    }

    #[test]
    fn short_searches_match_whole_names() {
        assert!(name_matches("deploy-bot", "PLOY"));
        assert!(!name_matches("ci", "c"));
        assert!(name_matches("ci", "CI"));
    }
}
