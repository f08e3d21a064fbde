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
        chaos: Default::default(),
        control_secret: None,
    })
    .expect("sim starts")
}

pub fn start() -> Running {
    start_with(&fixture())
}

/// A sim with the built-in demo fixture.
pub fn start_demo() -> Running {
    gitlab_sim::spawn(gitlab_sim::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        fixture: None,
        site: None,
        chaos: Default::default(),
        control_secret: None,
    })
    .expect("sim starts")
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
        self.try_send().expect("request reaches the sim")
    }

    /// Like [`send`](Req::send), but a connection that fails is an `Err`, not a panic.
    pub fn try_send(self) -> Result<Resp, String> {
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
        let mut response = result.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Ok(Resp {
            status,
            headers,
            body,
        })
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

/// The header the sim's test hooks (`/-/sim/*`) require.
pub const CONTROL_HEADER: &str = "X-Sim-Control";

pub trait SimExt {
    fn req(&self, method: &str, path: &str) -> Req;
    /// A request to one of the sim's test hooks, carrying the run's control secret.
    fn hook(&self, method: &str, path: &str) -> Req;
    fn get(&self, path: &str) -> Req {
        self.req("GET", path)
    }
    fn post(&self, path: &str) -> Req {
        self.req("POST", path)
    }
    fn put(&self, path: &str) -> Req {
        self.req("PUT", path)
    }
    fn delete(&self, path: &str) -> Req {
        self.req("DELETE", path)
    }
}

impl SimExt for Running {
    fn req(&self, method: &str, path: &str) -> Req {
        at(method, &format!("{}{path}", self.base_url))
    }

    fn hook(&self, method: &str, path: &str) -> Req {
        self.req(method, path)
            .header(CONTROL_HEADER, &self.control_secret)
    }
}

/// The OAuth guard's answer to an expired token.
pub fn expired_body() -> Value {
    json!({"error": "invalid_token",
           "error_description": "Token is expired. You can either do re-authorization or token refresh."})
}

/// The OAuth guard's answer to a revoked token.
pub fn revoked_body() -> Value {
    json!({"error": "invalid_token",
           "error_description": "Token was revoked. You have to re-authorize from the user."})
}

/// `403` for a token whose scopes the endpoint does not accept; `scope` lists those it does.
pub fn scope_body(scope: &str) -> Value {
    json!({"error": "insufficient_scope",
           "error_description": "The request requires higher privileges than provided by the access token.",
           "scope": scope})
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

/// Group access tokens of `top` (group 10).
pub const GROUP_BOT: &str = "glpat-test-group-bot-0001";
pub const GROUP_BOT_OWNER: &str = "glpat-test-group-owner-01";
/// Deploy tokens: two on `top/sub/app`, one on group `top`.
pub const DEPLOY_PROJECT: &str = "gldt-test-project-00001";
pub const DEPLOY_GROUP: &str = "gldt-test-group-0000001";
/// Trigger tokens on `top/sub/app`: one owned by maint, one by owner.
pub const TRIGGER_MAINT: &str = "glptt-0123456789abcdef0123456789abcdef01234567";
pub const TRIGGER_OWNER: &str = "glptt-fedcba9876543210fedcba9876543210fedcba98";

/// OpenSSH public keys made with `ssh-keygen`, and what `ssh-keygen -l` prints for them.
pub const KEY_ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILLa24DbLkEFjrGEwpK2yZ38PzlMgLMwsdHiWN7STR+b deploy-a@demo";
pub const KEY_ED25519_SHA256: &str = "SHA256:o0Dg1KLM1egTkmPm1x7xqfG6gSGrTerXI05S2NVscdQ";
pub const KEY_ED25519_MD5: &str = "98:9b:46:15:22:2b:84:c1:50:a9:f4:13:5c:6c:b1:97";
pub const KEY_ED25519_B: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNL7ra8bg79HObz5gOaR7isYwo9bDx8xFdPyavDa26R deploy-b@demo";
pub const KEY_ED25519_C: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBlDavdGKF1yhwTVkaKrWdZiKGfE2DSksW6K+u7ehK8S deploy-c@demo";
pub const KEY_ED25519_C_SHA256: &str = "SHA256:ikg/46Zklk+pXrQkpZDMzLCaL523n99Jti0xES+ZF+o";
pub const KEY_ED25519_C_MD5: &str = "01:cd:e7:67:76:84:ca:63:68:87:87:a0:34:ae:21:32";
pub const KEY_RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQCd/RmGAXi6Y8UVmxMkXjZoWSJ7cQZb5fBxJGkAKO25V3B6SgRtvRncI3z1LyHh7DHg8M8q/6Tlxw+IgH/ZE9ZtjquaUIS345hIO6p6ANYwRW1NJt/F0aTrJOzJpa1LoF0kLaIBggbgiqH1PE3dyJ92Dfcb/5LBia9j21S894Ikc++HFTpht4iw35FBWlxtkHuAzN/yIAliikdALXjsht6ILl0RXyR3ysknVtQGI6IZEmUa2mTI36uBPUqBb0iKV6ABciceVUZp/nG7S5YRotHYBis1X+MDaM130ENUIxvrDJwx0raQeQdmXZVwPYtiPq90ypQ295h3GwRbjbRXUEDLQGOBr8TU3e9Xie8jqs0UaCgH+5NqG7WQinyN1n9C0V5ykFw+b5tpGEBPtkYcxBHj/2Aej5zNV85bR3Z0p2EMfAPsxXQRDp8ifPBbIhpsx5Q6YMpGiLMOlt+0WhgVPdjmVFHqdNFApbCpKw0h+PlbNqdfUZ65v05FUq0uDlMRims= deploy-d@demo";
pub const KEY_RSA_SHA256: &str = "SHA256:VpC6JvagsJS1HzU1PvBBp7FC3gC+M3A5Z1D3pYC/H0M";
pub const KEY_RSA_MD5: &str = "58:d2:d2:12:f4:c8:d2:a2:79:39:8d:61:3c:8f:a5:c4";
pub const KEY_ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEZbJTKKwzT4jbyCTVBq++GbpJzNp/M3p7dtljEKjn2jZQRXHPnY/RjoJOJ5n3FGhQ4NSHtUmEyxLl2kf1Zdk3o= deploy-e@demo";
pub const KEY_ECDSA_SHA256: &str = "SHA256:DvYHQGu1q6Q0cwjX28fJX7aGCYHxvGfqozJqGljt7IE";
/// A syntactically valid DSA key, which GitLab forbids by default.
pub const KEY_DSA: &str = "ssh-dss AAAAB3NzaC1kc3MAAACBAMHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBAAAAFQDT09PT09PT09PT09PT09PT09PT0wAAAIBCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQgAAAIBDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQw== old@dsa";

/// [`fixture`] plus every other credential kind: group access tokens and a group deploy token
/// on `top`, deploy tokens, deploy keys and triggers on `top/sub/app` (100), and a deploy key on
/// `top/site` (101) that only `owner` (and root) can reach.
pub fn credentials_fixture() -> Value {
    let mut f = fixture();
    let top = &mut f["groups"][0];
    top["access_tokens"] = json!([
        {"name": "group-bot", "token": GROUP_BOT, "scopes": ["api"], "access_level": 40,
         "expires_at": "2025-12-31", "created_at": "2025-01-01T10:00:00Z"},
        {"name": "group-owner-bot", "token": GROUP_BOT_OWNER, "scopes": ["api"],
         "access_level": 50, "expires_at": "2025-12-31"},
        {"name": "group-old", "scopes": ["read_api"], "access_level": 30,
         "expires_at": "2025-06-01"}
    ]);
    top["deploy_tokens"] = json!([
        {"name": "registry-pull", "token": DEPLOY_GROUP, "scopes": ["read_registry"],
         "expires_at": null, "created_at": "2025-01-01T10:00:00Z"}
    ]);
    let app = &mut f["projects"][0];
    app["deploy_tokens"] = json!([
        {"name": "ci-clone", "username": "ci-bot", "token": DEPLOY_PROJECT,
         "scopes": ["read_repository", "read_registry"], "expires_at": "2026-01-01"},
        {"name": "old-pull", "scopes": ["read_registry"], "expires_at": "2025-06-01"},
        {"name": "leaked", "scopes": ["read_repository"], "revoked": true}
    ]);
    app["deploy_keys"] = json!([
        {"title": "deployer", "key": KEY_ED25519, "can_push": true,
         "created_at": "2025-01-01T10:00:00Z"},
        {"title": "backup", "key": KEY_RSA, "expires_at": "2026-01-01T00:00:00Z"}
    ]);
    app["triggers"] = json!([
        {"description": "nightly", "owner_id": 3, "token": TRIGGER_MAINT,
         "created_at": "2025-01-01T10:00:00Z"},
        {"description": "release", "owner_id": 2, "token": TRIGGER_OWNER}
    ]);
    f["projects"][1]["deploy_keys"] = json!([{"title": "site deployer", "key": KEY_ED25519_B}]);
    f
}

pub fn start_credentials() -> Running {
    start_with(&credentials_fixture())
}
