//! The `/api/v4` route table and the context handlers work in.
//!
//! Routing is done by hand rather than with axum's router because GitLab's answers for paths it
//! does not know are part of the contract: any unknown path *or method* falls through to Grape's
//! catch-all (`404 {"error":"404 Not Found"}`), a plain `OPTIONS` lists the allowed methods, and
//! `:id` is one URL-encoded segment (`group%2Fproject`), never a multi-segment path.

pub mod access_tokens;
pub mod members;
pub mod projects;
pub mod users;

use axum::http::{HeaderMap, Method, StatusCode};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::auth::{self, Caller, Scopes};
use crate::entities::Urls;
use crate::errors::{ApiError, ApiResult};
use crate::params::Params;
use crate::state::SimState;

/// What a handler answers on success.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn json(status: StatusCode, body: Value) -> Self {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    pub fn ok(body: Value) -> Self {
        Reply::json(StatusCode::OK, body)
    }

    pub fn no_content() -> Self {
        Reply {
            status: StatusCode::NO_CONTENT,
            body: None,
            headers: Vec::new(),
        }
    }

    pub fn with_headers(mut self, headers: Vec<(String, String)>) -> Self {
        self.headers.extend(headers);
        self
    }
}

/// Everything a handler may look at, with the state already locked.
pub struct Ctx<'a> {
    pub state: &'a mut SimState,
    pub urls: &'a Urls,
    pub method: Method,
    /// The request path as sent (still percent-encoded), used in `Link` headers.
    pub path: &'a str,
    pub headers: &'a HeaderMap,
    /// Query string plus body, as Grape merges them.
    pub params: Params,
    pub client_ip: &'a str,
}

impl Ctx<'_> {
    /// Resolves the caller (possibly anonymous) under the endpoint's scope rules.
    pub fn caller(&mut self, scopes: Scopes) -> ApiResult<Option<Caller>> {
        let token = auth::presented_token(self.headers, &self.params);
        auth::authenticate(
            self.state,
            token.as_deref(),
            &self.method,
            self.path,
            self.client_ip,
            scopes,
        )
    }

    /// `authenticate!` under the default `api`/`read_api` rules.
    pub fn signed_in(&mut self) -> ApiResult<Caller> {
        let caller = self.caller(Scopes::Api)?;
        auth::require(caller)
    }

    /// Absolute URL of this request without its query, for `Link` headers.
    pub fn link_base(&self) -> String {
        format!("{}{}", self.urls.base, self.path)
    }
}

/// The endpoints the sim implements, with their path parameters (decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Version,
    CurrentUser,
    TokenSelf,
    Projects,
    Project(String),
    MemberAll(String, String),
    ProjectTokens(String),
    CreateProjectToken(String),
    ProjectToken(String, String),
    RevokeProjectToken(String, String),
    RotateProjectToken(String, String),
}

/// Result of matching a path under `/api/v4/`.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    Endpoint(Endpoint),
    /// The path exists but not for this method; carries the methods it does accept.
    OtherMethods(Vec<Method>),
    Unknown,
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

const READ: [Method; 2] = [Method::GET, Method::HEAD];
const LIST_OR_CREATE: [Method; 3] = [Method::GET, Method::HEAD, Method::POST];
const READ_OR_DELETE: [Method; 3] = [Method::GET, Method::HEAD, Method::DELETE];
const CREATE: [Method; 1] = [Method::POST];

/// Matches `segments` (the path after `/api/v4/`) for `method`. HEAD is routed like GET.
pub fn resolve(method: &Method, segments: &[&str]) -> Resolved {
    if segments.iter().any(|s| s.is_empty()) {
        return Resolved::Unknown;
    }
    let (allowed, endpoint): (&[Method], Endpoint) = match segments {
        ["version"] | ["metadata"] => (&READ, Endpoint::Version),
        ["user"] => (&READ, Endpoint::CurrentUser),
        ["personal_access_tokens", "self"] => (&READ, Endpoint::TokenSelf),
        ["projects"] => (&READ, Endpoint::Projects),
        ["projects", id] => (&READ, Endpoint::Project(decode(id))),
        ["projects", id, "members", "all", user_id] => {
            (&READ, Endpoint::MemberAll(decode(id), decode(user_id)))
        }
        ["projects", id, "access_tokens"] => (
            &LIST_OR_CREATE,
            if *method == Method::POST {
                Endpoint::CreateProjectToken(decode(id))
            } else {
                Endpoint::ProjectTokens(decode(id))
            },
        ),
        ["projects", id, "access_tokens", token_id] => (
            &READ_OR_DELETE,
            if *method == Method::DELETE {
                Endpoint::RevokeProjectToken(decode(id), decode(token_id))
            } else {
                Endpoint::ProjectToken(decode(id), decode(token_id))
            },
        ),
        ["projects", id, "access_tokens", token_id, "rotate"] => (
            &CREATE,
            Endpoint::RotateProjectToken(decode(id), decode(token_id)),
        ),
        _ => return Resolved::Unknown,
    };
    if allowed.contains(method) {
        Resolved::Endpoint(endpoint)
    } else {
        Resolved::OtherMethods(allowed.to_vec())
    }
}

/// Runs one endpoint.
pub fn handle(ctx: &mut Ctx<'_>, endpoint: Endpoint) -> ApiResult<Reply> {
    match endpoint {
        Endpoint::Version => users::version(ctx),
        Endpoint::CurrentUser => users::current_user(ctx),
        Endpoint::TokenSelf => users::token_self(ctx),
        Endpoint::Projects => projects::list(ctx),
        Endpoint::Project(id) => projects::show(ctx, &id),
        Endpoint::MemberAll(id, user_id) => members::show_all(ctx, &id, &user_id),
        Endpoint::ProjectTokens(id) => access_tokens::list(ctx, &id),
        Endpoint::CreateProjectToken(id) => access_tokens::create(ctx, &id),
        Endpoint::ProjectToken(id, token_id) => access_tokens::show(ctx, &id, &token_id),
        Endpoint::RevokeProjectToken(id, token_id) => access_tokens::revoke(ctx, &id, &token_id),
        Endpoint::RotateProjectToken(id, token_id) => access_tokens::rotate(ctx, &id, &token_id),
    }
}

/// `find_project!`: the project if the caller may read it, else `404 Project Not Found`.
pub fn find_project(
    state: &SimState,
    caller: Option<&Caller>,
    id: &str,
) -> ApiResult<crate::state::Project> {
    state
        .find_project(id)
        .filter(|p| state.can_read_project(caller.map(|c| &c.user), p))
        .cloned()
        .ok_or_else(|| ApiError::NotFound(Some("Project".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_methods() {
        assert_eq!(
            resolve(&Method::GET, &["projects", "demo%2Fweb"]),
            Resolved::Endpoint(Endpoint::Project("demo/web".into()))
        );
        assert_eq!(
            resolve(&Method::DELETE, &["projects", "1", "access_tokens", "7"]),
            Resolved::Endpoint(Endpoint::RevokeProjectToken("1".into(), "7".into()))
        );
        assert!(matches!(
            resolve(&Method::PUT, &["projects"]),
            Resolved::OtherMethods(_)
        ));
        assert_eq!(
            resolve(&Method::GET, &["projects", "demo", "web"]),
            Resolved::Unknown
        );
        assert_eq!(resolve(&Method::GET, &["projects", ""]), Resolved::Unknown);
    }
}
