//! The `/api/v4` route table and the context handlers work in.
//!
//! Routing is done by hand rather than with axum's router because GitLab's answers for paths it
//! does not know are part of the contract: any unknown path *or method* falls through to Grape's
//! catch-all (`404 {"error":"404 Not Found"}`), a plain `OPTIONS` lists the allowed methods, and
//! `:id` is one URL-encoded segment (`group%2Fproject`), never a multi-segment path.

pub mod access_tokens;
pub mod admin_token;
pub mod deploy_keys;
pub mod deploy_tokens;
pub mod groups;
pub mod members;
pub mod personal_tokens;
pub mod projects;
pub mod triggers;
pub mod users;

use axum::http::{HeaderMap, Method, StatusCode};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::auth::{self, Caller, Scopes};
use crate::entities::Urls;
use crate::errors::{ApiError, ApiResult};
use crate::params::Params;
use crate::state::{Resource, ResourceKind, SimState};

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
        if let Some(bearer) = crate::oauth::presented_token(self.headers, &self.params) {
            if let Some(result) =
                auth::authenticate_oauth(self.state, &bearer, &self.method, scopes)
            {
                return result;
            }
        }
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
    User(String),
    Projects,
    Project(String),
    Groups,
    Group(String),
    MemberAll(ResourceKind, String, String),
    ResourceTokens(ResourceKind, String),
    CreateResourceToken(ResourceKind, String),
    ResourceToken(ResourceKind, String, String),
    RevokeResourceToken(ResourceKind, String, String),
    RotateResourceToken(ResourceKind, String, String),
    RotateResourceTokenSelf(ResourceKind, String),
    TokenSelf,
    RevokeTokenSelf,
    RotateTokenSelf,
    PersonalTokens,
    PersonalToken(String),
    RevokePersonalToken(String),
    RotatePersonalToken(String),
    CreateUserToken(String),
    CreateOwnToken,
    AllDeployTokens,
    DeployTokens(ResourceKind, String),
    CreateDeployToken(ResourceKind, String),
    DeployToken(ResourceKind, String, String),
    DeleteDeployToken(ResourceKind, String, String),
    DeployKeys(String),
    CreateDeployKey(String),
    DeployKey(String, String),
    UpdateDeployKey(String, String),
    DeleteDeployKey(String, String),
    EnableDeployKey(String, String),
    Triggers(String),
    CreateTrigger(String),
    Trigger(String, String),
    UpdateTrigger(String, String),
    DeleteTrigger(String, String),
    TokenInfo,
    ApplicationSettings,
    RevokeToken,
}

impl Endpoint {
    /// The GitLab release that added the route; on an older instance the path falls through to
    /// the catch-all `404` like any path GitLab does not know. Routes the app needs on every
    /// supported release carry no gate.
    fn since(&self) -> (u32, u32) {
        match self {
            Endpoint::TokenInfo => (17, 5),
            Endpoint::RevokeToken => (17, 7),
            Endpoint::RotateResourceTokenSelf(..) => (17, 9),
            _ => (0, 0),
        }
    }
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

fn kind_of(segment: &str) -> Option<ResourceKind> {
    match segment {
        "projects" => Some(ResourceKind::Project),
        "groups" => Some(ResourceKind::Group),
        _ => None,
    }
}

/// The routes declared for one path: `(method, endpoint)` pairs, GET first. HEAD is implied by GET.
fn routes_for(segments: &[&str]) -> Vec<(Method, Endpoint)> {
    use Endpoint as E;
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    match segments {
        ["version"] | ["metadata"] => vec![(get, E::Version)],
        ["user"] => vec![(get, E::CurrentUser)],
        ["user", "personal_access_tokens"] => vec![(post, E::CreateOwnToken)],
        ["users", id] => vec![(get, E::User(decode(id)))],
        ["users", id, "personal_access_tokens"] => vec![(post, E::CreateUserToken(decode(id)))],
        ["projects"] => vec![(get, E::Projects)],
        ["projects", id] => vec![(get, E::Project(decode(id)))],
        ["groups"] => vec![(get, E::Groups)],
        ["groups", id] => vec![(get, E::Group(decode(id)))],
        ["deploy_tokens"] => vec![(get, E::AllDeployTokens)],
        ["admin", "token"] => vec![(post, E::TokenInfo), (delete, E::RevokeToken)],
        ["application", "settings"] => vec![(get, E::ApplicationSettings)],
        ["personal_access_tokens"] => vec![(get, E::PersonalTokens)],
        ["personal_access_tokens", "self"] => {
            vec![(get, E::TokenSelf), (delete, E::RevokeTokenSelf)]
        }
        ["personal_access_tokens", "self", "rotate"] => vec![(post, E::RotateTokenSelf)],
        ["personal_access_tokens", id] => vec![
            (get, E::PersonalToken(decode(id))),
            (delete, E::RevokePersonalToken(decode(id))),
        ],
        ["personal_access_tokens", id, "rotate"] => {
            vec![(post, E::RotatePersonalToken(decode(id)))]
        }
        [kind, id, "members", "all", user_id] => match kind_of(kind) {
            Some(k) => vec![(get, E::MemberAll(k, decode(id), decode(user_id)))],
            None => Vec::new(),
        },
        [kind, id, "access_tokens"] => match kind_of(kind) {
            Some(k) => vec![
                (get, E::ResourceTokens(k, decode(id))),
                (post, E::CreateResourceToken(k, decode(id))),
            ],
            None => Vec::new(),
        },
        [kind, id, "access_tokens", token_id] => match kind_of(kind) {
            Some(k) => vec![
                (get, E::ResourceToken(k, decode(id), decode(token_id))),
                (
                    delete,
                    E::RevokeResourceToken(k, decode(id), decode(token_id)),
                ),
            ],
            None => Vec::new(),
        },
        [kind, id, "access_tokens", token_id, "rotate"] => match kind_of(kind) {
            // Before `self` had a route of its own, it reached `:token_id` and found no token.
            Some(k) if *token_id == "self" => vec![
                (post.clone(), E::RotateResourceTokenSelf(k, decode(id))),
                (post, E::RotateResourceToken(k, decode(id), "self".into())),
            ],
            Some(k) => vec![(
                post,
                E::RotateResourceToken(k, decode(id), decode(token_id)),
            )],
            None => Vec::new(),
        },
        [kind, id, "deploy_tokens"] => match kind_of(kind) {
            Some(k) => vec![
                (get, E::DeployTokens(k, decode(id))),
                (post, E::CreateDeployToken(k, decode(id))),
            ],
            None => Vec::new(),
        },
        [kind, id, "deploy_tokens", token_id] => match kind_of(kind) {
            Some(k) => vec![
                (get, E::DeployToken(k, decode(id), decode(token_id))),
                (
                    delete,
                    E::DeleteDeployToken(k, decode(id), decode(token_id)),
                ),
            ],
            None => Vec::new(),
        },
        ["projects", id, "deploy_keys"] => vec![
            (get, E::DeployKeys(decode(id))),
            (post, E::CreateDeployKey(decode(id))),
        ],
        ["projects", id, "deploy_keys", key_id] => vec![
            (get, E::DeployKey(decode(id), decode(key_id))),
            (put, E::UpdateDeployKey(decode(id), decode(key_id))),
            (delete, E::DeleteDeployKey(decode(id), decode(key_id))),
        ],
        ["projects", id, "deploy_keys", key_id, "enable"] => {
            vec![(post, E::EnableDeployKey(decode(id), decode(key_id)))]
        }
        ["projects", id, "triggers"] => vec![
            (get, E::Triggers(decode(id))),
            (post, E::CreateTrigger(decode(id))),
        ],
        ["projects", id, "triggers", trigger_id] => vec![
            (get, E::Trigger(decode(id), decode(trigger_id))),
            (put, E::UpdateTrigger(decode(id), decode(trigger_id))),
            (delete, E::DeleteTrigger(decode(id), decode(trigger_id))),
        ],
        _ => Vec::new(),
    }
}

/// Matches `segments` (the path after `/api/v4/`) for `method` on an instance running `release`
/// (`major.minor`). HEAD is routed like GET.
pub fn resolve(method: &Method, segments: &[&str], release: (u32, u32)) -> Resolved {
    if segments.iter().any(|s| s.is_empty()) {
        return Resolved::Unknown;
    }
    let mut routes = routes_for(segments);
    routes.retain(|(_, endpoint)| endpoint.since() <= release);
    if routes.is_empty() {
        return Resolved::Unknown;
    }
    let wanted = if *method == Method::HEAD {
        Method::GET
    } else {
        method.clone()
    };
    let mut allowed = Vec::new();
    for (m, endpoint) in routes {
        if m == wanted {
            return Resolved::Endpoint(endpoint);
        }
        if allowed.contains(&m) {
            continue;
        }
        allowed.push(m.clone());
        if m == Method::GET {
            allowed.push(Method::HEAD);
        }
    }
    Resolved::OtherMethods(allowed)
}

/// Runs one endpoint.
pub fn handle(ctx: &mut Ctx<'_>, endpoint: Endpoint) -> ApiResult<Reply> {
    use Endpoint as E;
    match endpoint {
        E::Version => users::version(ctx),
        E::CurrentUser => users::current_user(ctx),
        E::User(id) => users::show(ctx, &id),
        E::Projects => projects::list(ctx),
        E::Project(id) => projects::show(ctx, &id),
        E::Groups => groups::list(ctx),
        E::Group(id) => groups::show(ctx, &id),
        E::MemberAll(kind, id, user_id) => members::show_all(ctx, kind, &id, &user_id),
        E::ResourceTokens(kind, id) => access_tokens::list(ctx, kind, &id),
        E::CreateResourceToken(kind, id) => access_tokens::create(ctx, kind, &id),
        E::ResourceToken(kind, id, t) => access_tokens::show(ctx, kind, &id, &t),
        E::RevokeResourceToken(kind, id, t) => access_tokens::revoke(ctx, kind, &id, &t),
        E::RotateResourceToken(kind, id, t) => access_tokens::rotate(ctx, kind, &id, &t),
        E::RotateResourceTokenSelf(kind, id) => access_tokens::rotate_self(ctx, kind, &id),
        E::TokenSelf => users::token_self(ctx),
        E::RevokeTokenSelf => personal_tokens::revoke_self(ctx),
        E::RotateTokenSelf => personal_tokens::rotate_self(ctx),
        E::PersonalTokens => personal_tokens::list(ctx),
        E::PersonalToken(id) => personal_tokens::show(ctx, &id),
        E::RevokePersonalToken(id) => personal_tokens::revoke(ctx, &id),
        E::RotatePersonalToken(id) => personal_tokens::rotate(ctx, &id),
        E::CreateUserToken(user_id) => personal_tokens::create_for_user(ctx, &user_id),
        E::CreateOwnToken => personal_tokens::create_own(ctx),
        E::AllDeployTokens => deploy_tokens::list_all(ctx),
        E::DeployTokens(kind, id) => deploy_tokens::list(ctx, kind, &id),
        E::CreateDeployToken(kind, id) => deploy_tokens::create(ctx, kind, &id),
        E::DeployToken(kind, id, t) => deploy_tokens::show(ctx, kind, &id, &t),
        E::DeleteDeployToken(kind, id, t) => deploy_tokens::delete(ctx, kind, &id, &t),
        E::DeployKeys(id) => deploy_keys::list(ctx, &id),
        E::CreateDeployKey(id) => deploy_keys::create(ctx, &id),
        E::DeployKey(id, k) => deploy_keys::show(ctx, &id, &k),
        E::UpdateDeployKey(id, k) => deploy_keys::update(ctx, &id, &k),
        E::DeleteDeployKey(id, k) => deploy_keys::delete(ctx, &id, &k),
        E::EnableDeployKey(id, k) => deploy_keys::enable(ctx, &id, &k),
        E::Triggers(id) => triggers::list(ctx, &id),
        E::CreateTrigger(id) => triggers::create(ctx, &id),
        E::Trigger(id, t) => triggers::show(ctx, &id, &t),
        E::UpdateTrigger(id, t) => triggers::update(ctx, &id, &t),
        E::DeleteTrigger(id, t) => triggers::delete(ctx, &id, &t),
        E::TokenInfo => admin_token::show(ctx),
        E::ApplicationSettings => admin_token::settings(ctx),
        E::RevokeToken => admin_token::revoke(ctx),
    }
}

/// The request's parameters plus route parameters, which Grape validates together.
pub fn with_route(params: &Params, route: &[(&str, &str)]) -> Params {
    let mut all = params.clone();
    for (key, value) in route {
        all.insert(key, Value::String((*value).to_owned()));
    }
    all
}

/// `authenticated_as_admin!`: 401 without a user, 403 for a non-admin.
pub fn require_admin(caller: &Caller) -> ApiResult<()> {
    if caller.user.admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(None))
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

/// `find_group!`: the group if the caller may read it, else `404 Group Not Found`.
pub fn find_group(
    state: &SimState,
    caller: Option<&Caller>,
    id: &str,
) -> ApiResult<crate::state::Group> {
    state
        .find_group(id)
        .filter(|g| state.can_read_group(caller.map(|c| &c.user), g))
        .cloned()
        .ok_or_else(|| ApiError::NotFound(Some("Group".into())))
}

/// `find_project!` or `find_group!` depending on where the route is mounted.
pub fn find_resource(
    state: &SimState,
    caller: Option<&Caller>,
    kind: ResourceKind,
    id: &str,
) -> ApiResult<Resource> {
    match kind {
        ResourceKind::Project => find_project(state, caller, id).map(|p| Resource::project(p.id)),
        ResourceKind::Group => find_group(state, caller, id).map(|g| Resource::group(g.id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sim's default release.
    const NEW: (u32, u32) = (18, 6);

    #[test]
    fn routes_and_methods() {
        assert_eq!(
            resolve(&Method::GET, &["projects", "demo%2Fweb"], NEW),
            Resolved::Endpoint(Endpoint::Project("demo/web".into()))
        );
        assert_eq!(
            resolve(
                &Method::DELETE,
                &["projects", "1", "access_tokens", "7"],
                NEW
            ),
            Resolved::Endpoint(Endpoint::RevokeResourceToken(
                ResourceKind::Project,
                "1".into(),
                "7".into()
            ))
        );
        assert!(matches!(
            resolve(&Method::PUT, &["projects"], NEW),
            Resolved::OtherMethods(_)
        ));
        assert_eq!(
            resolve(&Method::GET, &["projects", "demo", "web"], NEW),
            Resolved::Unknown
        );
        assert_eq!(
            resolve(&Method::GET, &["projects", ""], NEW),
            Resolved::Unknown
        );
    }

    #[test]
    fn shared_routes_for_projects_and_groups() {
        assert_eq!(
            resolve(
                &Method::HEAD,
                &["groups", "top%2Fsub", "access_tokens"],
                NEW
            ),
            Resolved::Endpoint(Endpoint::ResourceTokens(
                ResourceKind::Group,
                "top/sub".into()
            ))
        );
        assert_eq!(
            resolve(&Method::POST, &["groups", "1", "deploy_tokens"], NEW),
            Resolved::Endpoint(Endpoint::CreateDeployToken(ResourceKind::Group, "1".into()))
        );
        // Deploy keys and triggers exist for projects only.
        assert_eq!(
            resolve(&Method::GET, &["groups", "1", "deploy_keys"], NEW),
            Resolved::Unknown
        );
        assert_eq!(
            resolve(&Method::PATCH, &["projects", "1", "triggers", "2"], NEW),
            Resolved::OtherMethods(vec![Method::GET, Method::HEAD, Method::PUT, Method::DELETE])
        );
        // `self` wins over `:id`.
        assert_eq!(
            resolve(&Method::DELETE, &["personal_access_tokens", "self"], NEW),
            Resolved::Endpoint(Endpoint::RevokeTokenSelf)
        );
        assert_eq!(
            resolve(
                &Method::POST,
                &["personal_access_tokens", "7", "rotate"],
                NEW
            ),
            Resolved::Endpoint(Endpoint::RotatePersonalToken("7".into()))
        );
    }

    #[test]
    fn newer_routes_are_unknown_to_older_releases() {
        let path = ["admin", "token"];
        assert_eq!(resolve(&Method::POST, &path, (17, 4)), Resolved::Unknown);
        assert_eq!(
            resolve(&Method::DELETE, &path, (17, 6)),
            Resolved::OtherMethods(vec![Method::POST])
        );
        assert_eq!(
            resolve(&Method::DELETE, &path, (17, 7)),
            Resolved::Endpoint(Endpoint::RevokeToken)
        );
        let rotate_self = ["groups", "5", "access_tokens", "self", "rotate"];
        assert_eq!(
            resolve(&Method::POST, &rotate_self, (17, 9)),
            Resolved::Endpoint(Endpoint::RotateResourceTokenSelf(
                ResourceKind::Group,
                "5".into()
            ))
        );
        assert_eq!(
            resolve(&Method::POST, &rotate_self, (17, 8)),
            Resolved::Endpoint(Endpoint::RotateResourceToken(
                ResourceKind::Group,
                "5".into(),
                "self".into()
            ))
        );
        assert_eq!(
            resolve(&Method::GET, &rotate_self, NEW),
            Resolved::OtherMethods(vec![Method::POST])
        );
    }
}
