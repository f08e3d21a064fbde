//! JSON shapes of GitLab's API entities (`lib/api/entities/*`), trimmed to the fields a client of
//! the token API can reasonably rely on, with GitLab's names, types and timestamp format.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Map, Value};

use crate::state::{
    DeployKey, DeployToken, Group, Project, Resource, SimState, Token, Trigger, User,
};

/// GitLab renders times as UTC with milliseconds: `2021-01-20T22:11:48.151Z`.
pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn opt_time(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(time(t))).unwrap_or(Value::Null)
}

fn opt_date(d: Option<NaiveDate>) -> Value {
    d.map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
        .unwrap_or(Value::Null)
}

/// Where URLs point: the sim's own address.
#[derive(Debug, Clone)]
pub struct Urls {
    pub base: String,
    pub host: String,
}

impl Urls {
    pub fn new(base: &str) -> Self {
        let host = base
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .split(':')
            .next()
            .unwrap_or("localhost")
            .to_owned();
        Urls {
            base: base.trim_end_matches('/').to_owned(),
            host,
        }
    }
}

fn email(user: &User, urls: &Urls) -> String {
    if user.is_bot() {
        format!("{}@noreply.{}", user.username, urls.host)
    } else {
        format!("{}@example.com", user.username)
    }
}

/// `GET /user`: `UserPublic`, or `UserWithAdmin` (adds `is_admin`) when the caller is an admin.
pub fn current_user(state: &SimState, user: &User, urls: &Urls) -> Value {
    let mut v = profile(user, urls);
    merge(
        &mut v,
        json!({
            "last_sign_in_at": null,
            "confirmed_at": time(user.created_at),
            "last_activity_on": state.today().format("%Y-%m-%d").to_string(),
            "email": email(user, urls),
            "theme_id": 1,
            "color_scheme_id": 1,
            "projects_limit": if user.is_bot() { 0 } else { 100000 },
            "current_sign_in_at": null,
            "identities": [],
            "can_create_group": !user.is_bot(),
            "can_create_project": !user.is_bot(),
            "two_factor_enabled": false,
            "external": false,
            "private_profile": false,
            "commit_email": email(user, urls),
        }),
    );
    if user.admin {
        merge(&mut v, json!({ "is_admin": true, "note": null }));
    }
    v
}

/// `Entities::PersonalAccessToken`.
pub fn token(t: &Token, today: NaiveDate) -> Map<String, Value> {
    let v = json!({
        "id": t.id,
        "name": t.name,
        "revoked": t.revoked,
        "created_at": time(t.created_at),
        "description": t.description,
        "scopes": t.scopes,
        "user_id": t.user_id,
        "last_used_at": opt_time(t.last_used_at),
        "active": t.active(today),
        "expires_at": opt_date(t.expires_at),
    });
    match v {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `GET /personal_access_tokens/self`: the token plus the addresses it was last used from.
pub fn token_with_ips(t: &Token, today: NaiveDate) -> Value {
    let mut map = token(t, today);
    map.insert("last_used_ips".into(), json!(t.last_used_ips));
    Value::Object(map)
}

/// `Entities::ResourceAccessToken`: the bot's role in the resource and which resource it is for.
pub fn resource_token(state: &SimState, t: &Token, resource: Resource) -> Map<String, Value> {
    let mut map = token(t, state.today());
    let level = state.direct_level(resource, t.user_id);
    map.insert("access_level".into(), json!(level));
    map.insert("resource_type".into(), json!(resource.kind.as_str()));
    map.insert("resource_id".into(), json!(resource.id));
    map
}

/// `ResourceAccessTokenWithToken`: the only time the secret is returned.
pub fn resource_token_with_secret(state: &SimState, t: &Token, resource: Resource) -> Value {
    let mut map = resource_token(state, t, resource);
    map.insert("token".into(), json!(t.secret));
    Value::Object(map)
}

fn namespace(state: &SimState, group_id: u64, urls: &Urls) -> Value {
    let Some(group) = state.group(group_id) else {
        return Value::Null;
    };
    let full_path = state.group_full_path(group_id);
    json!({
        "id": group.id,
        "name": group.name,
        "path": group.path,
        "kind": "group",
        "full_path": full_path,
        "parent_id": group.parent_id,
        "avatar_url": null,
        "web_url": format!("{}/groups/{}", urls.base, full_path),
    })
}

/// Which project entity to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectView {
    /// `BasicProjectDetails` (`simple=true`).
    Simple,
    /// `Entities::Project` (anonymous callers).
    Full,
    /// `ProjectWithAccess`: adds `permissions` for the signed-in caller.
    WithAccess,
}

/// Renders a project for `viewer`. `permissions` are the viewer's (direct project level, group
/// level), already chosen the way the calling endpoint chooses them.
pub fn project(
    state: &SimState,
    p: &Project,
    urls: &Urls,
    view: ProjectView,
    viewer: Option<&User>,
    permissions: (Option<u8>, Option<u8>),
) -> Value {
    let full_path = state.project_full_path(p);
    let web_url = format!("{}/{}", urls.base, full_path);
    let mut v = json!({
        "id": p.id,
        "description": p.description,
        "name": p.name,
        "name_with_namespace": state.project_full_name(p),
        "path": p.path,
        "path_with_namespace": full_path,
        "created_at": time(p.created_at),
        "default_branch": p.default_branch,
        "tag_list": [],
        "topics": [],
        "ssh_url_to_repo": format!("git@{}:{}.git", urls.host, full_path),
        "http_url_to_repo": format!("{web_url}.git"),
        "web_url": web_url,
        "readme_url": null,
        "forks_count": 0,
        "avatar_url": null,
        "star_count": 0,
        "last_activity_at": time(p.last_activity_at),
        "namespace": namespace(state, p.namespace_id, urls),
    });
    if view == ProjectView::Simple {
        return v;
    }
    if let Some(obj) = v.as_object_mut() {
        // `container_registry_url`, only while the instance's registry is enabled.
        if let Some(host) = &state.registry_host {
            obj.insert(
                "container_registry_image_prefix".into(),
                json!(format!("{host}/{}", full_path.to_lowercase())),
            );
        }
        obj.insert(
            "container_registry_enabled".into(),
            json!(state.container_registry_available(p, viewer)),
        );
        obj.insert(
            "container_registry_access_level".into(),
            json!(p.container_registry.as_str()),
        );
        obj.insert("visibility".into(), json!(p.visibility.as_str()));
        obj.insert("archived".into(), json!(false));
        obj.insert("empty_repo".into(), json!(false));
        obj.insert("open_issues_count".into(), json!(0));
        obj.insert(
            "_links".into(),
            json!({
                "self": format!("{}/api/v4/projects/{}", urls.base, p.id),
                "members": format!("{}/api/v4/projects/{}/members", urls.base, p.id),
            }),
        );
        if view == ProjectView::WithAccess {
            let access = |level: Option<u8>| match level {
                Some(l) => json!({"access_level": l, "notification_level": 3}),
                None => Value::Null,
            };
            obj.insert(
                "permissions".into(),
                json!({
                    "project_access": access(permissions.0),
                    "group_access": access(permissions.1),
                }),
            );
        }
    }
    v
}

/// `Entities::Member` for `GET /projects/:id/members/all/:user_id`.
pub fn member(user: &User, access_level: u8, urls: &Urls) -> Value {
    json!({
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "state": "active",
        "locked": false,
        "avatar_url": null,
        "web_url": format!("{}/{}", urls.base, user.username),
        "access_level": access_level,
        "created_at": time(user.created_at),
        "expires_at": null,
        "membership_state": "active",
    })
}

/// `Entities::Group` (`GET /groups`), a trimmed but faithful set of fields.
pub fn group(state: &SimState, g: &Group, urls: &Urls) -> Value {
    let full_path = state.group_full_path(g.id);
    json!({
        "id": g.id,
        "web_url": format!("{}/groups/{}", urls.base, full_path),
        "name": g.name,
        "path": g.path,
        "description": g.description,
        "visibility": g.visibility.as_str(),
        "share_with_group_lock": false,
        "require_two_factor_authentication": false,
        "two_factor_grace_period": 48,
        "project_creation_level": "developer",
        "auto_devops_enabled": null,
        "subgroup_creation_level": "maintainer",
        "emails_disabled": false,
        "emails_enabled": true,
        "mentions_disabled": null,
        "lfs_enabled": true,
        "default_branch": null,
        "default_branch_protection": 2,
        "avatar_url": null,
        "request_access_enabled": true,
        "full_name": state.group_full_name(g.id),
        "full_path": full_path,
        "created_at": time(g.created_at),
        "parent_id": g.parent_id,
        "organization_id": 1,
        "shared_runners_setting": "enabled",
        "ldap_cn": null,
        "ldap_access": null,
        "wiki_access_level": "enabled",
        "marked_for_deletion_on": null,
    })
}

/// `Entities::UserBasic` plus the public profile fields of `Entities::User` (`GET /users/:id`).
pub fn user_public(user: &User, urls: &Urls) -> Value {
    let mut v = profile(user, urls);
    merge(
        &mut v,
        json!({ "followers": 0, "following": 0, "is_followed": false }),
    );
    v
}

/// `UserBasic` and the profile fields `GET /users/:id` and `GET /user` share.
fn profile(user: &User, urls: &Urls) -> Value {
    let mut v = user_basic(user, urls);
    merge(
        &mut v,
        json!({
            "created_at": time(user.created_at),
            "bio": "",
            "location": "",
            "linkedin": "",
            "twitter": "",
            "discord": "",
            "website_url": "",
            "organization": "",
            "job_title": "",
            "pronouns": null,
            "bot": user.is_bot(),
            "work_information": null,
            "local_time": null,
        }),
    );
    v
}

/// Adds `more`'s fields to the object `v`, as a Grape entity adds to the one it extends.
fn merge(v: &mut Value, more: Value) {
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), more) {
        obj.extend(more);
    }
}

/// `Entities::UserBasic`, as embedded in other entities (a trigger's owner).
pub fn user_basic(user: &User, urls: &Urls) -> Value {
    json!({
        "id": user.id,
        "username": user.username,
        "public_email": null,
        "name": user.name,
        "state": "active",
        "locked": false,
        "avatar_url": null,
        "web_url": format!("{}/{}", urls.base, user.username),
    })
}

/// `Entities::DeployToken`; `expires_at` is a timestamp, `null` for "never".
pub fn deploy_token(t: &DeployToken, today: NaiveDate) -> Map<String, Value> {
    let v = json!({
        "id": t.id,
        "name": t.name,
        "username": t.username(),
        "expires_at": opt_time(t.expires_at),
        "scopes": t.scopes,
        "revoked": t.revoked,
        "expired": t.expired(today),
    });
    match v {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `Entities::Trigger`, with the token as `Ci::TriggerPresenter` shows it to this caller.
pub fn trigger(state: &SimState, t: &Trigger, token: String, urls: &Urls) -> Value {
    json!({
        "id": t.id,
        "token": token,
        "description": t.description,
        "created_at": time(t.created_at),
        "updated_at": time(t.updated_at),
        "last_used": null,
        "expires_at": opt_time(t.expires_at),
        "owner": state.user(t.owner_id).map(|u| user_basic(u, urls)),
    })
}

/// `Entities::DeployKey`, merged with the project link's `can_push` when given
/// (`Entities::DeployKeysProject`).
pub fn deploy_key(k: &DeployKey, can_push: Option<bool>) -> Value {
    let mut v = json!({
        "id": k.id,
        "title": k.title,
        "created_at": time(k.created_at),
        "expires_at": opt_time(k.expires_at),
        "key": k.key,
        "fingerprint": k.fingerprint,
        "fingerprint_sha256": k.fingerprint_sha256,
    });
    if let (Some(can_push), Some(obj)) = (can_push, v.as_object_mut()) {
        obj.insert("can_push".into(), Value::Bool(can_push));
    }
    v
}
