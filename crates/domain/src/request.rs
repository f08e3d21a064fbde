//! GitLab calls as data: each function returns the method, path, query and body of one REST
//! call, so tests check requests without a network and one small client sends them all.

use crate::gitlab_url::GitLabUrl;
use crate::json::ObjectWriter;
use crate::kind::{Kind, Owner, OwnerType};
use crate::role::AccessLevel;
use chrono::NaiveDate;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
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
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
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

/// Bodies can carry a secret (the admin token API takes the plaintext): every request wipes
/// its body when dropped.
impl Drop for ApiRequest {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl ApiRequest {
    /// Overwrites the body: for requests that carry a secret.
    pub fn wipe(&mut self) {
        if let Some(body) = self.body.as_mut() {
            crate::secret::Zeroize::zeroize(body);
        }
        self.body = None;
    }

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

    /// The same list call for another page; None for calls that are not paged.
    pub fn at_page(&self, page: u32) -> Option<ApiRequest> {
        let mut req = self.clone();
        let (_, value) = req.query.iter_mut().find(|(k, _)| *k == "page")?;
        *value = page.max(1).to_string();
        Some(req)
    }

    /// The query value for `key`, for tests and for pagination bookkeeping.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Longest full path accepted from a route: GitLab allows 255 characters per path segment and
/// a handful of nested groups.
pub const MAX_PATH_CHARS: usize = 2048;

/// A project as GitLab's `:id` accepts it: the numeric id or the full path, which `Display`
/// percent-encodes into one path segment (`group%2Fproject`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProjectRef {
    Id(u64),
    Path(String),
}

impl ProjectRef {
    /// Reads a route segment: digits are an id, anything else a full path. Paths that no
    /// GitLab namespace can have are refused: `.` or `..` segments (a browser would resolve
    /// them in the request URL), empty segments, control characters, or more than
    /// [`MAX_PATH_CHARS`].
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().trim_matches('/');
        if s.is_empty() || s.chars().count() > MAX_PATH_CHARS || s.contains(char::is_control) {
            None
        } else if let Ok(id) = s.parse() {
            Some(ProjectRef::Id(id))
        } else if s
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        {
            None
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

/// The calling token rotates itself (`api` or `self_rotate` scope). The old value stops working.
pub fn rotate_self(expires_at: Option<NaiveDate>) -> ApiRequest {
    let mut req = rotate(&Owner::Me, Kind::PersonalAccessToken, 0, expires_at);
    req.path = "/personal_access_tokens/self/rotate".into();
    req
}

/// The calling token revokes itself.
pub fn revoke_self() -> ApiRequest {
    with_body(Method::Delete, "/personal_access_tokens/self".into(), None)
}

/// The token information API (admins): `Post` identifies any token, `Delete` revokes or resets
/// it. The plaintext travels in the body, never the URL, and is wiped with the request.
pub fn admin_token(method: Method, token: &str) -> ApiRequest {
    let mut body = ObjectWriter::with_capacity(token.len() + 12);
    body.string("token", token);
    with_body(method, "/admin/token".into(), Some(body.finish()))
}

/// Instance settings (admins), for the custom token prefix.
pub fn application_settings() -> ApiRequest {
    ApiRequest::get("/application/settings".into())
}

/// Projects in which the caller holds at least `min_role`, by name; with no role, every
/// project the caller can see (for an admin, the whole instance: GitLab limits `min_access_level`
/// to an admin's own memberships too).
pub fn projects(
    min_role: Option<AccessLevel>,
    search: &str,
    page: u32,
    per_page: u32,
) -> ApiRequest {
    let mut req = ApiRequest::get("/projects".into());
    if let Some(role) = min_role {
        req = req
            .with_query("membership", "true")
            .with_query("min_access_level", role.level());
    }
    let req = req
        .with_query("simple", "true")
        .with_query("order_by", "name")
        .with_query("sort", "asc");
    searched_page(req, search, page, per_page)
}

/// One project the caller belongs to, in full: its `container_registry_image_prefix` names the
/// instance's registry host (the same for every project), for `docker login` snippets of group
/// and personal tokens, whose own records do not carry it.
pub fn registry_probe() -> ApiRequest {
    ApiRequest::get("/projects".into())
        .with_query("membership", "true")
        .with_query("per_page", 1)
}

/// Groups in which the caller holds at least `min_role`, by name; with no role, every group the
/// caller can see (all of them for an admin).
pub fn groups(min_role: Option<AccessLevel>, search: &str, page: u32, per_page: u32) -> ApiRequest {
    let mut req = ApiRequest::get("/groups".into());
    if let Some(role) = min_role {
        req = req.with_query("min_access_level", role.level());
    }
    let req = req.with_query("order_by", "name").with_query("sort", "asc");
    searched_page(req, search, page, per_page)
}

/// The search term (when there is one) and the page, as every searchable list takes them.
fn searched_page(mut req: ApiRequest, search: &str, page: u32, per_page: u32) -> ApiRequest {
    let search = search.trim();
    if !search.is_empty() {
        req = req.with_query("search", search);
    }
    req.with_query("page", page.max(1))
        .with_query("per_page", per_page.clamp(1, 100))
}

/// The project or group itself; None for users.
pub fn place(owner: &Owner) -> Option<ApiRequest> {
    owner.resource_path().map(ApiRequest::get)
}

/// The caller's effective role in a project or group, inherited memberships included.
pub fn member(owner: &Owner, user_id: u64) -> Option<ApiRequest> {
    owner
        .resource_path()
        .map(|base| ApiRequest::get(format!("{base}/members/all/{user_id}")))
}

/// One user; how the app learns a bot user's username for clone snippets.
pub fn user(id: u64) -> ApiRequest {
    ApiRequest::get(format!("/users/{id}"))
}

/// Where an owner keeps a kind: `/projects/7/deploy_tokens`, `/personal_access_tokens`.
fn collection(owner: &Owner, kind: Kind) -> String {
    match owner.resource_path() {
        Some(base) => format!("{base}/{}", kind.spec().segment),
        None if kind.spec().owner == OwnerType::User => "/personal_access_tokens".into(),
        None => "/deploy_tokens".into(),
    }
}

/// One page of an owner's credentials of one kind, active and inactive alike.
pub fn list(owner: &Owner, kind: Kind, page: u32) -> ApiRequest {
    let mut req = ApiRequest::get(collection(owner, kind));
    if let Owner::User(id) = owner {
        req = req.with_query("user_id", id);
    }
    req.with_query("page", page.max(1))
        .with_query("per_page", PER_PAGE)
}

/// A validated create (or edit) request: only the fields the kind has are set, and only set
/// fields are sent. Built by [`crate::validate`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateBody {
    pub name: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub access_level: Option<AccessLevel>,
    pub expires_at: Option<NaiveDate>,
    pub username: Option<String>,
    pub key: Option<String>,
    pub can_push: Option<bool>,
}

impl CreateBody {
    /// The JSON GitLab gets: the set fields, in declaration order.
    pub fn to_json(&self) -> String {
        let mut out = ObjectWriter::with_capacity(64);
        let texts = [
            ("name", &self.name),
            ("title", &self.title),
            ("description", &self.description),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                out.string(key, value);
            }
        }
        if let Some(scopes) = &self.scopes {
            out.strings("scopes", scopes);
        }
        if let Some(level) = self.access_level {
            out.literal("access_level", &level.level());
        }
        if let Some(date) = self.expires_at {
            out.string("expires_at", &date.to_string());
        }
        for (key, value) in [("username", &self.username), ("key", &self.key)] {
            if let Some(value) = value {
                out.string(key, value);
            }
        }
        if let Some(can_push) = self.can_push {
            out.literal("can_push", &can_push);
        }
        out.finish()
    }
}

fn with_body(method: Method, path: String, body: Option<String>) -> ApiRequest {
    ApiRequest {
        method,
        path,
        query: Vec::new(),
        body,
    }
}

/// Create. Personal tokens go to `POST /user/personal_access_tokens` for oneself (the
/// self-service endpoint) or `POST /users/:id/personal_access_tokens` (admins).
pub fn create(owner: &Owner, kind: Kind, body: &CreateBody) -> ApiRequest {
    let path = match owner {
        Owner::Me => "/user/personal_access_tokens".into(),
        Owner::User(id) => format!("/users/{id}/personal_access_tokens"),
        _ => collection(owner, kind),
    };
    with_body(Method::Post, path, Some(body.to_json()))
}

/// Rotation. `expires_at` is sent only when chosen: GitLab before 16.6 ignores it and always
/// gives the new token seven days.
pub fn rotate(owner: &Owner, kind: Kind, id: u64, expires_at: Option<NaiveDate>) -> ApiRequest {
    let body = expires_at.map(|expires_at| {
        CreateBody {
            expires_at: Some(expires_at),
            ..CreateBody::default()
        }
        .to_json()
    });
    with_body(
        Method::Post,
        format!("{}/{id}/rotate", collection(owner, kind)),
        body,
    )
}

/// Revoke (tokens) or remove (deploy keys, triggers).
pub fn revoke(owner: &Owner, kind: Kind, id: u64) -> ApiRequest {
    with_body(
        Method::Delete,
        format!("{}/{id}", collection(owner, kind)),
        None,
    )
}

/// Edit in place: a deploy key's title and write access, a trigger's description.
pub fn update(owner: &Owner, kind: Kind, id: u64, body: &CreateBody) -> ApiRequest {
    with_body(
        Method::Put,
        format!("{}/{id}", collection(owner, kind)),
        Some(body.to_json()),
    )
}

/// Enables a deploy key from another project here (`POST /projects/:id/deploy_keys/:key_id/enable`).
pub fn enable_deploy_key(owner: &Owner, key_id: u64) -> ApiRequest {
    with_body(
        Method::Post,
        format!("{}/{key_id}/enable", collection(owner, Kind::DeployKey)),
        None,
    )
}

/// Whether `owner` and `kind` go together (a group has no deploy keys).
pub fn fits(owner: &Owner, kind: Kind) -> bool {
    kind.spec().owner == owner.owner_type()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gl() -> GitLabUrl {
        GitLabUrl::parse("https://gitlab.example.com").unwrap()
    }

    #[test]
    fn the_registry_probe_asks_for_one_full_project() {
        let url = registry_probe().url(&gl());
        assert_eq!(
            url,
            "https://gitlab.example.com/api/v4/projects?membership=true&per_page=1"
        );
        // The simple view leaves the registry prefix out.
        assert!(!url.contains("simple"));
    }

    #[test]
    fn paths_no_namespace_can_have_are_refused() {
        for bad in [
            "..",
            ".",
            "a/..",
            "../a",
            "a/./b",
            "a//b",
            "a\u{0}b",
            &"x".repeat(3000),
        ] {
            assert_eq!(ProjectRef::parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            ProjectRef::parse("a/..b/c.d"),
            Some(ProjectRef::Path("a/..b/c.d".into()))
        );
    }

    #[test]
    fn project_paths_are_one_encoded_segment() {
        let p = ProjectRef::parse("group/sub group/app").unwrap();
        assert_eq!(
            place(&Owner::Project(p)).unwrap().path,
            "/projects/group%2Fsub%20group%2Fapp"
        );
        assert_eq!(ProjectRef::parse("42"), Some(ProjectRef::Id(42)));
        assert_eq!(ProjectRef::parse("  "), None);
        let evil = ProjectRef::Path("a/../../user?x=1#y".into());
        let path = list(&Owner::Project(evil), Kind::ProjectAccessToken, 1)
            .path
            .clone();
        assert_eq!(
            path,
            "/projects/a%2F..%2F..%2Fuser%3Fx%3D1%23y/access_tokens"
        );
    }

    #[test]
    fn project_search_query_is_encoded_and_bounded() {
        let req = projects(Some(AccessLevel::Maintainer), " web & api ", 0, 500);
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
            projects(Some(AccessLevel::Maintainer), "", 2, 20).query_value("search"),
            None
        );
    }

    #[test]
    fn create_bodies_send_only_what_the_kind_has() {
        let body = CreateBody {
            name: Some("ci".into()),
            scopes: Some(vec!["read_repository".into()]),
            access_level: Some(AccessLevel::Developer),
            expires_at: NaiveDate::from_ymd_opt(2027, 1, 31),
            ..CreateBody::default()
        };
        let req = create(
            &Owner::Project(ProjectRef::Id(7)),
            Kind::ProjectAccessToken,
            &body,
        );
        assert_eq!(
            (req.method, req.path.as_str()),
            (Method::Post, "/projects/7/access_tokens")
        );
        let sent: serde_json::Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({
                "name": "ci", "scopes": ["read_repository"], "access_level": 30, "expires_at": "2027-01-31"
            })
        );
        let key = CreateBody {
            title: Some("laptop".into()),
            key: Some("ssh-ed25519 AAAA".into()),
            can_push: Some(false),
            ..CreateBody::default()
        };
        let req = create(&Owner::Project(ProjectRef::Id(7)), Kind::DeployKey, &key);
        assert_eq!(req.path, "/projects/7/deploy_keys");
        assert_eq!(
            req.body.as_deref(),
            Some(r#"{"title":"laptop","key":"ssh-ed25519 AAAA","can_push":false}"#)
        );
    }

    #[test]
    fn a_body_with_every_field_keeps_gitlabs_names_and_types() {
        let body = CreateBody {
            name: Some("ci \"nightly\"".into()),
            title: Some("t".into()),
            description: Some("line\nbreak\ttab é".into()),
            scopes: Some(vec!["api".into(), "read_api".into()]),
            access_level: Some(AccessLevel::Owner),
            expires_at: NaiveDate::from_ymd_opt(2027, 3, 4),
            username: Some("deployer".into()),
            key: Some("ssh-ed25519 AAAA\\".into()),
            can_push: Some(true),
        };
        assert_eq!(
            body.to_json(),
            r#"{"name":"ci \"nightly\"","title":"t","description":"line\nbreak\ttab é","scopes":["api","read_api"],"access_level":50,"expires_at":"2027-03-04","username":"deployer","key":"ssh-ed25519 AAAA\\","can_push":true}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&body.to_json()).unwrap();
        assert_eq!(parsed["description"], "line\nbreak\ttab é");
        assert_eq!(parsed["key"], "ssh-ed25519 AAAA\\");
        assert_eq!(CreateBody::default().to_json(), "{}");
        let no_scopes = CreateBody {
            scopes: Some(Vec::new()),
            can_push: Some(false),
            ..CreateBody::default()
        };
        assert_eq!(no_scopes.to_json(), r#"{"scopes":[],"can_push":false}"#);
    }

    #[test]
    fn every_kind_finds_its_collection() {
        let p = Owner::Project(ProjectRef::Path("demo/web".into()));
        let g = Owner::Group(ProjectRef::Id(10));
        let cases = [
            (
                list(&p, Kind::ProjectAccessToken, 1),
                "/projects/demo%2Fweb/access_tokens",
            ),
            (
                list(&p, Kind::ProjectDeployToken, 1),
                "/projects/demo%2Fweb/deploy_tokens",
            ),
            (
                list(&p, Kind::DeployKey, 1),
                "/projects/demo%2Fweb/deploy_keys",
            ),
            (
                list(&p, Kind::TriggerToken, 1),
                "/projects/demo%2Fweb/triggers",
            ),
            (
                list(&g, Kind::GroupAccessToken, 1),
                "/groups/10/access_tokens",
            ),
            (
                list(&g, Kind::GroupDeployToken, 1),
                "/groups/10/deploy_tokens",
            ),
            (
                list(&Owner::Me, Kind::PersonalAccessToken, 1),
                "/personal_access_tokens",
            ),
            (
                revoke(&g, Kind::GroupDeployToken, 4),
                "/groups/10/deploy_tokens/4",
            ),
            (
                revoke(&Owner::Me, Kind::PersonalAccessToken, 4),
                "/personal_access_tokens/4",
            ),
            (
                rotate(&g, Kind::GroupAccessToken, 4, None),
                "/groups/10/access_tokens/4/rotate",
            ),
            (
                rotate(&Owner::User(3), Kind::PersonalAccessToken, 4, None),
                "/personal_access_tokens/4/rotate",
            ),
            (
                enable_deploy_key(&p, 12),
                "/projects/demo%2Fweb/deploy_keys/12/enable",
            ),
            (
                update(&p, Kind::TriggerToken, 9, &CreateBody::default()),
                "/projects/demo%2Fweb/triggers/9",
            ),
        ];
        for (req, path) in cases {
            assert_eq!(req.path, path);
        }
        let everyone = list(&Owner::Instance, Kind::PersonalAccessToken, 1);
        assert_eq!(everyone.path, "/personal_access_tokens");
        assert_eq!(everyone.query_value("user_id"), None);
        assert_eq!(
            list(&Owner::Instance, Kind::ProjectDeployToken, 1).path,
            "/deploy_tokens"
        );
        let admin_view = list(&Owner::User(3), Kind::PersonalAccessToken, 2);
        assert_eq!(admin_view.query_value("user_id"), Some("3"));
        assert_eq!(admin_view.query_value("page"), Some("2"));
        let third = admin_view.at_page(3).unwrap();
        assert_eq!(
            third.query,
            list(&Owner::User(3), Kind::PersonalAccessToken, 3).query
        );
        assert_eq!(
            admin_view.at_page(0).unwrap().query_value("page"),
            Some("1")
        );
        assert_eq!(current_user().at_page(2), None);
        assert_eq!(
            list(&Owner::Me, Kind::PersonalAccessToken, 1).query_value("user_id"),
            None
        );
        let body = CreateBody::default();
        assert_eq!(
            create(&Owner::Me, Kind::PersonalAccessToken, &body).path,
            "/user/personal_access_tokens"
        );
        assert_eq!(
            create(&Owner::User(3), Kind::PersonalAccessToken, &body).path,
            "/users/3/personal_access_tokens"
        );
        assert_eq!(update(&p, Kind::DeployKey, 1, &body).method, Method::Put);
        assert!(fits(&g, Kind::GroupDeployToken));
        assert!(!fits(&g, Kind::DeployKey));
    }

    #[test]
    fn rotate_and_revoke_shapes() {
        let p = Owner::Project(ProjectRef::Id(7));
        let date = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let r = rotate(&p, Kind::ProjectAccessToken, 9, Some(date));
        assert_eq!(
            (r.method, r.path.as_str()),
            (Method::Post, "/projects/7/access_tokens/9/rotate")
        );
        assert_eq!(r.body.as_deref(), Some(r#"{"expires_at":"2027-01-01"}"#));
        assert_eq!(rotate(&p, Kind::ProjectAccessToken, 9, None).body, None);
        let d = revoke(&p, Kind::ProjectAccessToken, 9);
        assert_eq!(
            (d.method, d.path.as_str(), d.body.as_deref()),
            (Method::Delete, "/projects/7/access_tokens/9", None)
        );
        assert_eq!(
            member(&Owner::Project(ProjectRef::Id(7)), 5).unwrap().path,
            "/projects/7/members/all/5"
        );
        assert_eq!(
            member(&Owner::Group(ProjectRef::Id(10)), 5).unwrap().path,
            "/groups/10/members/all/5"
        );
        assert_eq!(place(&Owner::Me), None);
        assert_eq!(member(&Owner::User(3), 5), None);
        let g = groups(Some(AccessLevel::Owner), "ops", 1, 100);
        assert_eq!(g.query_value("min_access_level"), Some("50"));
        assert_eq!(g.query_value("search"), Some("ops"));
        assert_eq!(user(12).path, "/users/12");
        // Admins: the whole instance, which a role filter would cut down to their memberships.
        for all in [groups(None, "", 1, 20), projects(None, "", 1, 20)] {
            assert_eq!(all.query_value("min_access_level"), None);
            assert_eq!(all.query_value("membership"), None);
            assert_eq!(all.query_value("order_by"), Some("name"));
        }
    }

    #[test]
    fn self_and_admin_token_calls_keep_the_secret_out_of_the_url() {
        let r = rotate_self(NaiveDate::from_ymd_opt(2027, 1, 2));
        assert_eq!(
            (r.method, r.path.as_str()),
            (Method::Post, "/personal_access_tokens/self/rotate")
        );
        assert_eq!(r.body.as_deref(), Some(r#"{"expires_at":"2027-01-02"}"#));
        assert_eq!(rotate_self(None).body, None);
        assert_eq!(revoke_self().method, Method::Delete);

        let secret = "glpat-abc\"def";
        for method in [Method::Post, Method::Delete] {
            let mut req = admin_token(method, secret);
            let url = req.url(&gl());
            assert_eq!(url, "https://gitlab.example.com/api/v4/admin/token");
            assert_eq!(req.method, method);
            assert_eq!(
                req.body.as_deref(),
                Some(r#"{"token":"glpat-abc\"def"}"#),
                "JSON-escaped"
            );
            req.wipe();
            assert_eq!(req.body, None);
        }
    }
}
