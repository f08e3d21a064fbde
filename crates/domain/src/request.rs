//! GitLab calls as data: each function returns the method, path, query and body of one REST
//! call, so tests check requests without a network and one small client sends them all.

use crate::gitlab_url::GitLabUrl;
use crate::role::AccessLevel;
use chrono::NaiveDate;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use std::fmt;

/// Everything but RFC 3986 unreserved characters is escaped, so a value can never add a path
/// segment or a query parameter.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One REST call, relative to `/api/v4`.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// JSON, serialised from a typed request struct.
    pub body: Option<String>,
}

impl ApiRequest {
    fn get(path: String) -> Self {
        ApiRequest {
            method: Method::Get,
            path,
            query: Vec::new(),
            body: None,
        }
    }

    fn with_query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    /// The full URL on the given instance.
    pub fn url(&self, gitlab: &GitLabUrl) -> String {
        let mut url = gitlab.api_root();
        url.push_str(&self.path);
        for (i, (k, v)) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(k);
            url.push('=');
            url.push_str(&encode_component(v));
        }
        url
    }

    /// The query value for `key`, for tests and for pagination bookkeeping.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A project as GitLab's `:id` accepts it: the numeric id or the full path, which `Display`
/// percent-encodes into one path segment (`group%2Fproject`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProjectRef {
    Id(u64),
    Path(String),
}

impl ProjectRef {
    /// Reads a route segment: digits are an id, anything else a path.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().trim_matches('/');
        if s.is_empty() {
            None
        } else if let Ok(id) = s.parse() {
            Some(ProjectRef::Id(id))
        } else {
            Some(ProjectRef::Path(s.to_string()))
        }
    }
}

impl fmt::Display for ProjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectRef::Id(id) => write!(f, "{id}"),
            ProjectRef::Path(p) => f.write_str(&encode_component(p)),
        }
    }
}

/// Page size for every list: GitLab's maximum, to keep the number of calls (and rate-limit
/// usage) low.
pub const PER_PAGE: u32 = 100;

pub fn current_user() -> ApiRequest {
    ApiRequest::get("/user".into())
}

pub fn version() -> ApiRequest {
    ApiRequest::get("/version".into())
}

/// The personal access token used for the call itself (PATs only).
pub fn token_self() -> ApiRequest {
    ApiRequest::get("/personal_access_tokens/self".into())
}

/// Projects in which the caller holds at least `min_role`, by name.
pub fn projects(min_role: AccessLevel, search: &str, page: u32, per_page: u32) -> ApiRequest {
    let mut req = ApiRequest::get("/projects".into())
        .with_query("membership", "true")
        .with_query("min_access_level", min_role.level())
        .with_query("simple", "true")
        .with_query("order_by", "name")
        .with_query("sort", "asc");
    let search = search.trim();
    if !search.is_empty() {
        req = req.with_query("search", search);
    }
    req.with_query("page", page.max(1))
        .with_query("per_page", per_page.clamp(1, 100))
}

pub fn project(project: &ProjectRef) -> ApiRequest {
    ApiRequest::get(format!("/projects/{project}"))
}

/// The caller's effective role in a project, inherited memberships included.
pub fn project_member(project: &ProjectRef, user_id: u64) -> ApiRequest {
    ApiRequest::get(format!("/projects/{project}/members/all/{user_id}"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Inactive,
}

pub fn project_tokens(project: &ProjectRef, state: Option<TokenState>, page: u32) -> ApiRequest {
    let mut req = ApiRequest::get(format!("/projects/{project}/access_tokens"));
    if let Some(state) = state {
        let s = match state {
            TokenState::Active => "active",
            TokenState::Inactive => "inactive",
        };
        req = req.with_query("state", s);
    }
    req.with_query("page", page.max(1))
        .with_query("per_page", PER_PAGE)
}

/// A validated project access token request; built only by [`crate::validate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreateProjectToken {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub scopes: Vec<String>,
    pub access_level: AccessLevel,
    pub expires_at: NaiveDate,
}

pub fn create_project_token(project: &ProjectRef, body: &CreateProjectToken) -> ApiRequest {
    ApiRequest {
        method: Method::Post,
        path: format!("/projects/{project}/access_tokens"),
        query: Vec::new(),
        body: serde_json::to_string(body).ok(),
    }
}

/// Rotation. `expires_at` is sent only when chosen: GitLab before 16.6 ignores it and always
/// gives the new token seven days.
pub fn rotate_project_token(
    project: &ProjectRef,
    token_id: u64,
    expires_at: Option<NaiveDate>,
) -> ApiRequest {
    ApiRequest {
        method: Method::Post,
        path: format!("/projects/{project}/access_tokens/{token_id}/rotate"),
        query: Vec::new(),
        body: expires_at
            .and_then(|expires_at| serde_json::to_string(&RotateBody { expires_at }).ok()),
    }
}

#[derive(Serialize)]
struct RotateBody {
    expires_at: NaiveDate,
}

pub fn revoke_project_token(project: &ProjectRef, token_id: u64) -> ApiRequest {
    ApiRequest {
        method: Method::Delete,
        path: format!("/projects/{project}/access_tokens/{token_id}"),
        query: Vec::new(),
        body: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gl() -> GitLabUrl {
        GitLabUrl::parse("https://gitlab.example.com").unwrap()
    }

    #[test]
    fn project_paths_are_one_encoded_segment() {
        let p = ProjectRef::parse("group/sub group/app").unwrap();
        assert_eq!(project(&p).path, "/projects/group%2Fsub%20group%2Fapp");
        assert_eq!(ProjectRef::parse("42"), Some(ProjectRef::Id(42)));
        assert_eq!(ProjectRef::parse("  "), None);
        let evil = ProjectRef::Path("a/../../user?x=1#y".into());
        let path = project_tokens(&evil, None, 1).path;
        assert_eq!(
            path,
            "/projects/a%2F..%2F..%2Fuser%3Fx%3D1%23y/access_tokens"
        );
    }

    #[test]
    fn project_search_query_is_encoded_and_bounded() {
        let req = projects(AccessLevel::Maintainer, " web & api ", 0, 500);
        assert_eq!(req.method, Method::Get);
        assert_eq!(req.query_value("min_access_level"), Some("40"));
        assert_eq!(req.query_value("membership"), Some("true"));
        assert_eq!(req.query_value("page"), Some("1"));
        assert_eq!(req.query_value("per_page"), Some("100"));
        assert_eq!(
            req.url(&gl()),
            "https://gitlab.example.com/api/v4/projects?membership=true&min_access_level=40&simple=true&order_by=name&sort=asc&search=web%20%26%20api&page=1&per_page=100"
        );
        assert_eq!(
            projects(AccessLevel::Maintainer, "", 2, 20).query_value("search"),
            None
        );
    }

    #[test]
    fn create_body_has_gitlab_field_names() {
        let body = CreateProjectToken {
            name: "ci".into(),
            description: None,
            scopes: vec!["read_repository".into()],
            access_level: AccessLevel::Developer,
            expires_at: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
        };
        let req = create_project_token(&ProjectRef::Id(7), &body);
        assert_eq!(req.method, Method::Post);
        assert_eq!(req.path, "/projects/7/access_tokens");
        let sent: serde_json::Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            sent,
            (serde_json::json!({
                "name": "ci", "scopes": ["read_repository"], "access_level": 30, "expires_at": "2027-01-31"
            }))
        );
    }

    #[test]
    fn rotate_and_revoke_shapes() {
        let p = ProjectRef::Id(7);
        let date = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let r = rotate_project_token(&p, 9, Some(date));
        assert_eq!(
            (r.method, r.path.as_str()),
            (Method::Post, "/projects/7/access_tokens/9/rotate")
        );
        assert_eq!(r.body.as_deref(), Some(r#"{"expires_at":"2027-01-01"}"#));
        assert_eq!(rotate_project_token(&p, 9, None).body, None);
        let d = revoke_project_token(&p, 9);
        assert_eq!(
            (d.method, d.path.as_str(), d.body),
            (Method::Delete, "/projects/7/access_tokens/9", None)
        );
        let l = project_tokens(&p, Some(TokenState::Inactive), 3);
        assert_eq!(l.query_value("state"), Some("inactive"));
        assert_eq!(l.query_value("page"), Some("3"));
        assert_eq!(project_member(&p, 5).path, "/projects/7/members/all/5");
    }
}
