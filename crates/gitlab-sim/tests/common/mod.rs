//! Test harness: a sim on a background thread, a blocking HTTP client that does not treat
//! 4xx/5xx as errors, and a fixture with a pinned date and one user per role.

#![allow(dead_code)]

use serde_json::{json, Value};

pub use gitlab_sim::Running;

/// The fixture's pinned date.
pub const TODAY: &str = "2025-06-15";

pub const ROOT: &str = "glpat-test-root-admin-001";
pub const OWNER: &str = "glpat-test-owner-00000001";
pub const MAINT: &str = "glpat-test-maint-00000001";
pub const DEV: &str = "glpat-test-dev-0000000001";
pub const READER: &str = "glpat-test-reader-readapi";
pub const OUTSIDER: &str = "glpat-test-outsider-00001";
pub const READ_USER_ONLY: &str = "glpat-test-readuser-00001";
pub const REPO_ONLY: &str = "glpat-test-readrepo-00001";
pub const EXPIRED: &str = "glpat-test-expired-000001";
pub const REVOKED: &str = "glpat-test-revoked-000001";
pub const EXPIRES_TODAY: &str = "glpat-test-expires-today1";
/// Project access tokens of `top/sub/app` (project 100).
pub const BOT_MAINT: &str = "glpat-test-bot-maint-0001";
pub const BOT_OWNER: &str = "glpat-test-bot-owner-0001";
pub const BOT_EXPIRED: &str = "glpat-test-bot-expired-01";
pub const BOT_REVOKED: &str = "glpat-test-bot-revoked-01";

/// Users: 1 root (admin), 2 owner (Owner of group `top`), 3 maint (Maintainer of subgroup
/// `top/sub`, and a direct Reporter of the app, so inheritance must win), 4 dev (Developer of
/// the app), 5 reader (Maintainer of the app, `read_api` token), 6 outsider (no memberships).
/// Projects: 100 `top/sub/app` private, 101 `top/site` internal, 102 `other/pub` public,
/// 103 `other/secret` private.
pub fn fixture() -> Value {
    let pat = |name: &str, token: &str, scopes: &[&str], expires: &str| json!({"name": name, "token": token, "scopes": scopes, "expires_at": expires});
    json!({
        "today": TODAY,
        "version": "18.6.0",
        "users": [
            {"id": 1, "username": "root", "name": "Root Admin", "admin": true,
             "personal_access_tokens": [pat("t", ROOT, &["api"], "2026-01-01")]},
            {"id": 2, "username": "owner", "name": "Olga Owner",
             "personal_access_tokens": [pat("t", OWNER, &["api"], "2026-01-01")]},
            {"id": 3, "username": "maint", "name": "Mark Maintainer",
             "personal_access_tokens": [pat("t", MAINT, &["api"], "2026-01-01")]},
            {"id": 4, "username": "dev", "name": "Dana Developer",
             "personal_access_tokens": [pat("t", DEV, &["api"], "2026-01-01")]},
            {"id": 5, "username": "reader", "name": "Rita Reader",
             "personal_access_tokens": [pat("t", READER, &["read_api"], "2026-01-01")]},
            {"id": 6, "username": "outsider", "name": "Otto Outsider",
             "personal_access_tokens": [
                pat("t", OUTSIDER, &["api"], "2026-01-01"),
                pat("user only", READ_USER_ONLY, &["read_user"], "2026-01-01"),
                pat("repo only", REPO_ONLY, &["read_repository"], "2026-01-01"),
                pat("old", EXPIRED, &["api"], "2025-06-01"),
                pat("today", EXPIRES_TODAY, &["api"], TODAY),
                {"name": "gone", "token": REVOKED, "scopes": ["api"], "expires_at": "2026-01-01",
                 "revoked": true}
             ]}
        ],
        "groups": [
            {"id": 10, "path": "top", "name": "Top", "parent_id": null,
             "members": [{"user_id": 2, "access_level": 50}]},
            {"id": 11, "path": "sub", "name": "Sub", "parent_id": 10,
             "members": [{"user_id": 3, "access_level": 40}]},
            {"id": 12, "path": "other", "name": "Other", "parent_id": null}
        ],
        "projects": [
            {"id": 100, "path": "app", "name": "App", "namespace_id": 11, "visibility": "private",
             "description": "The application",
             "members": [
                {"user_id": 3, "access_level": 20},
                {"user_id": 4, "access_level": 30},
                {"user_id": 5, "access_level": 40}
             ],
             "access_tokens": [
                {"name": "bot-maint", "token": BOT_MAINT, "scopes": ["api"], "access_level": 40,
                 "expires_at": "2025-12-31", "created_at": "2025-01-01T10:00:00Z"},
                {"name": "bot-owner", "token": BOT_OWNER, "scopes": ["api"], "access_level": 50,
                 "expires_at": "2025-12-31"},
                {"name": "bot-expired", "token": BOT_EXPIRED, "scopes": ["read_api"],
                 "access_level": 20, "expires_at": "2025-06-01"},
                {"name": "bot-revoked", "token": BOT_REVOKED, "scopes": ["api"],
                 "access_level": 30, "expires_at": "2025-12-31", "revoked": true},
                {"name": "bot-today", "scopes": ["api"], "expires_at": TODAY}
             ]},
            {"id": 101, "path": "site", "name": "Site", "namespace_id": 10, "visibility": "internal"},
            {"id": 102, "path": "pub", "name": "Pub", "namespace_id": 12, "visibility": "public"},
            {"id": 103, "path": "secret", "name": "Secret", "namespace_id": 12, "visibility": "private"}
        ]
    })
}

pub fn start_with(fixture: &Value) -> Running {
    gitlab_sim::spawn(gitlab_sim::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        fixture: Some(fixture.to_string()),
        site: None,
    })
    .expect("sim starts")
}

pub fn start() -> Running {
    start_with(&fixture())
}

/// One response, read eagerly.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts status and the exact JSON body.
    pub fn expect(&self, status: u16, body: Value) {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.json(), body);
    }
}

/// A request under construction.
pub struct Req {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<(String, String)>,
}

impl Req {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn token(self, token: &str) -> Self {
        self.header("PRIVATE-TOKEN", token)
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    pub fn origin(self) -> Self {
        self.header("Origin", "http://app.example")
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(("application/json".into(), body.to_string()));
        self
    }

    pub fn form(mut self, body: &str) -> Self {
        self.body = Some(("application/x-www-form-urlencoded".into(), body.to_owned()));
        self
    }

    pub fn raw(mut self, content_type: &str, body: &str) -> Self {
        self.body = Some((content_type.to_owned(), body.to_owned()));
        self
    }

    pub fn send(self) -> Resp {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .allow_non_standard_methods(true)
            .build()
            .into();
        let mut builder = ureq::http::Request::builder()
            .method(self.method.as_str())
            .uri(&self.url);
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let result = match self.body {
            Some((content_type, body)) => agent.run(
                builder
                    .header("Content-Type", content_type)
                    .body(body)
                    .expect("request builds"),
            ),
            None => agent.run(builder.body(()).expect("request builds")),
        };
        let mut response = result.expect("request reaches the sim");
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Resp {
            status,
            headers,
            body,
        }
    }
}

/// A request to an absolute URL.
pub fn at(method: &str, url: &str) -> Req {
    Req {
        method: method.to_owned(),
        url: url.to_owned(),
        headers: Vec::new(),
        body: None,
    }
}

pub trait SimExt {
    fn req(&self, method: &str, path: &str) -> Req;
    fn get(&self, path: &str) -> Req {
        self.req("GET", path)
    }
    fn post(&self, path: &str) -> Req {
        self.req("POST", path)
    }
    fn delete(&self, path: &str) -> Req {
        self.req("DELETE", path)
    }
}

impl SimExt for Running {
    fn req(&self, method: &str, path: &str) -> Req {
        at(method, &format!("{}{path}", self.base_url))
    }
}

pub fn ids(body: &Value) -> Vec<u64> {
    body.as_array()
        .expect("array body")
        .iter()
        .map(|v| v["id"].as_u64().expect("id"))
        .collect()
}

pub fn names(body: &Value) -> Vec<String> {
    body.as_array()
        .expect("array body")
        .iter()
        .map(|v| v["name"].as_str().unwrap_or("").to_owned())
        .collect()
}
