//! Who is calling: GitLab's API guard for OAuth access tokens and personal (and project) access
//! tokens.
//!
//! A bearer token (or `access_token` parameter) is first looked up as an OAuth access token, as
//! GitLab's `AuthFinders#access_token` does; anything else goes on to the personal access token
//! lookup. The order of checks matters because each failure has its own body: an unknown token is
//! `401 Unauthorized`; a known but expired or revoked one gets the OAuth guard's `invalid_token`
//! answer; a valid one is marked as used; only then are the endpoint's scopes checked (403).

use axum::http::{HeaderMap, Method};
use chrono::Duration;

use crate::errors::{ApiError, ApiResult};
use crate::params::Params;
use crate::state::{SimState, User};

/// GitLab refreshes `last_used_at` at most this often (`PersonalAccessTokens::LastUsedService`).
const LAST_USED_REFRESH_MINUTES: i64 = 10;
/// How many distinct client addresses a token remembers.
const LAST_USED_IPS: usize = 5;

/// Which scopes an endpoint class registers (`allow_access_with_scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scopes {
    /// Everything mounted on `API::API`: `api`, or `read_api` for GET/HEAD.
    Api,
    /// `API::Users` and `API::Metadata` also register `read_user` for GET/HEAD.
    ApiOrReadUser,
    /// `PersonalAccessTokens::SelfInformation` allows every scope: a token may inspect itself.
    Any,
    /// `PersonalAccessTokens::SelfRotation`: `api` or `self_rotate`, any method.
    SelfRotate,
}

impl Scopes {
    /// The `scope` field of the 403 body: every registered scope, endpoint class first.
    fn registered(self) -> &'static str {
        match self {
            Scopes::Api | Scopes::Any => "api read_api",
            Scopes::ApiOrReadUser => "read_user api read_api",
            Scopes::SelfRotate => "api self_rotate",
        }
    }

    fn allows(self, token_scopes: &[String], method: &Method) -> bool {
        let has = |s: &str| token_scopes.iter().any(|t| t == s);
        let read = method == Method::GET || method == Method::HEAD;
        match self {
            Scopes::Any => true,
            Scopes::SelfRotate => has("api") || has("self_rotate"),
            Scopes::Api => has("api") || (read && has("read_api")),
            Scopes::ApiOrReadUser => has("api") || (read && (has("read_api") || has("read_user"))),
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    /// The personal access token's id, or the OAuth access token's when `oauth` is set.
    pub token_id: u64,
    /// Signed in with an OAuth access token rather than a personal access token.
    pub oauth: bool,
}

impl Caller {
    /// `PersonalAccessTokens::SelfInformation`'s `before` check: its routes refuse any other
    /// kind of token with `400 Bad request - This endpoint requires token type to be a personal
    /// access token`.
    pub fn require_personal_token(&self) -> ApiResult<()> {
        if self.oauth {
            Err(ApiError::BadRequest(
                "This endpoint requires token type to be a personal access token".into(),
            ))
        } else {
            Ok(())
        }
    }
}

/// The OAuth side of the guard (`find_oauth_access_token` + `validate_and_save_access_token!`):
/// `None` when `value` is no OAuth access token, so the personal-token lookup runs instead.
/// Using a refreshed token retires the pair it replaced; expiry, then revocation, then scopes
/// are checked as for personal tokens. OAuth tokens keep no usage record.
pub fn authenticate_oauth(
    state: &mut SimState,
    value: &str,
    method: &Method,
    scopes: Scopes,
) -> Option<ApiResult<Option<Caller>>> {
    let id = state.oauth.token_by_value(value)?.id;
    let now = state.now();
    state.oauth.retire_previous(id, now);
    let token = state.oauth.tokens.iter().find(|t| t.id == id)?.clone();
    let result = if token.expired(now) {
        Err(ApiError::TokenExpired)
    } else if token.revoked(now) {
        Err(ApiError::TokenRevoked)
    } else {
        match state.user(token.user_id).cloned() {
            None => Err(ApiError::Unauthorized),
            Some(_) if !scopes.allows(&token.scopes, method) => {
                Err(ApiError::InsufficientScope(scopes.registered().to_owned()))
            }
            Some(user) => Ok(Some(Caller {
                user,
                token_id: id,
                oauth: true,
            })),
        }
    };
    Some(result)
}

/// The token a request carries, in GitLab's order: `private_token` parameter, `PRIVATE-TOKEN`
/// header, then an OAuth-style bearer token (header or `access_token` parameter). Blank values
/// count as absent.
pub fn presented_token(headers: &HeaderMap, query: &Params) -> Option<String> {
    let non_blank = |s: String| (!s.trim().is_empty()).then_some(s);
    if let Ok(Some(t)) = query.string("private_token") {
        if let Some(t) = non_blank(t) {
            return Some(t);
        }
    }
    if let Some(t) = headers
        .get("private-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .and_then(non_blank)
    {
        return Some(t);
    }
    if let Some(t) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| rest.trim().to_owned())
        })
        .and_then(non_blank)
    {
        return Some(t);
    }
    query
        .string("access_token")
        .ok()
        .flatten()
        .and_then(non_blank)
}

/// Tokens linked to `start` by rotation, in either direction.
fn token_family(state: &SimState, start: u64) -> Vec<u64> {
    let mut family = vec![start];
    loop {
        let before = family.len();
        for t in &state.tokens {
            let linked =
                family.contains(&t.id) || t.previous_id.is_some_and(|p| family.contains(&p));
            if linked && !family.contains(&t.id) {
                family.push(t.id);
            }
            if family.contains(&t.id) {
                if let Some(p) = t.previous_id {
                    if !family.contains(&p) {
                        family.push(p);
                    }
                }
            }
        }
        if family.len() == before {
            return family;
        }
    }
}

/// GitLab's reuse detection: presenting a revoked token to a rotate endpoint revokes every
/// active token descended from the same original.
fn is_rotation_path(path: &str) -> bool {
    let Some(rest) = path.strip_suffix("/rotate") else {
        return false;
    };
    let Some((head, id)) = rest.rsplit_once('/') else {
        return false;
    };
    head.ends_with("access_tokens")
        && (id == "self" || (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())))
}

/// Resolves the caller, updating the token's usage, and enforces the endpoint's scopes.
/// `Ok(None)` is an anonymous request.
pub fn authenticate(
    state: &mut SimState,
    token: Option<&str>,
    method: &Method,
    path: &str,
    client_ip: &str,
    scopes: Scopes,
) -> ApiResult<Option<Caller>> {
    let Some(secret) = token else {
        return Ok(None);
    };
    let Some(found) = state.token_by_secret(secret) else {
        return Err(ApiError::Unauthorized);
    };
    let token_id = found.id;
    let today = state.today();
    if found.expired(today) {
        return Err(ApiError::TokenExpired);
    }
    if found.revoked {
        if is_rotation_path(path) {
            for id in token_family(state, token_id) {
                if let Some(t) = state.token_mut(id) {
                    t.revoked = true;
                }
            }
        }
        return Err(ApiError::TokenRevoked);
    }

    let now = state.now();
    if let Some(t) = state.token_mut(token_id) {
        let stale = t
            .last_used_at
            .is_none_or(|at| at < now - Duration::minutes(LAST_USED_REFRESH_MINUTES));
        if stale {
            t.last_used_at = Some(now);
        }
        if !t.last_used_ips.iter().any(|ip| ip == client_ip) {
            t.last_used_ips.insert(0, client_ip.to_owned());
            t.last_used_ips.truncate(LAST_USED_IPS);
        }
    }

    let Some(token) = state.token(token_id) else {
        return Err(ApiError::Unauthorized);
    };
    let Some(user) = state.user(token.user_id).cloned() else {
        return Err(ApiError::Unauthorized);
    };
    if !scopes.allows(&token.scopes, method) {
        return Err(ApiError::InsufficientScope(scopes.registered().to_owned()));
    }
    Ok(Some(Caller {
        user,
        token_id,
        oauth: false,
    }))
}

/// `authenticate!`: anonymous callers are refused.
pub fn require(caller: Option<Caller>) -> ApiResult<Caller> {
    caller.ok_or(ApiError::Unauthorized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_paths() {
        assert!(is_rotation_path(
            "/api/v4/projects/1/access_tokens/12/rotate"
        ));
        assert!(is_rotation_path(
            "/api/v4/personal_access_tokens/self/rotate"
        ));
        assert!(!is_rotation_path("/api/v4/projects/1/access_tokens/12"));
        assert!(!is_rotation_path("/api/v4/projects/1/rotate"));
    }

    #[test]
    fn read_api_reads_only() {
        let scopes = vec!["read_api".to_owned()];
        assert!(Scopes::Api.allows(&scopes, &Method::GET));
        assert!(!Scopes::Api.allows(&scopes, &Method::POST));
        let user_only = vec!["read_user".to_owned()];
        assert!(!Scopes::Api.allows(&user_only, &Method::GET));
        assert!(Scopes::ApiOrReadUser.allows(&user_only, &Method::GET));
    }
}
