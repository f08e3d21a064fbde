//! Fixtures: the JSON that seeds the sim (`--fixture`, `POST /-/sim/reset`, the built-in demo).
//!
//! Decoding is strict about types and references and lenient about extra fields, so a fixture
//! written for a newer sim still loads, while a typo in a date or a dangling `user_id` is reported
//! instead of silently producing a different instance.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;

use crate::routes::access_tokens::bot_username;
use crate::state::{
    access, DeployKey, DeployKeyLink, DeployToken, FeatureAccess, Group, Member, Project, Resource,
    SimState, Token, Trigger, User, Visibility, PERSONAL_SCOPES, RESOURCE_BOT_SCOPES,
};
use crate::{oauth, secrets, sshkey};

/// `DeployToken::AVAILABLE_SCOPES`.
pub const DEPLOY_TOKEN_SCOPES: [&str; 7] = [
    "read_repository",
    "read_registry",
    "write_registry",
    "read_package_registry",
    "write_package_registry",
    "read_virtual_registry",
    "write_virtual_registry",
];

/// The demo instance used when no `--fixture` is given.
pub const DEMO_FIXTURE: &str = include_str!("../fixtures/demo.json");

/// What `GET /version` reports unless the fixture says otherwise.
pub const DEFAULT_VERSION: &str = "18.6.0";

#[derive(Debug, Deserialize)]
struct FixtureFile {
    today: Option<String>,
    version: Option<String>,
    personal_access_token_prefix: Option<String>,
    registry_host: Option<String>,
    #[serde(default)]
    users: Vec<FixtureUser>,
    #[serde(default)]
    groups: Vec<FixtureGroup>,
    #[serde(default)]
    projects: Vec<FixtureProject>,
    #[serde(default)]
    applications: Vec<FixtureApplication>,
}

/// An OAuth application, in the shape of GitLab's `POST /applications` parameters.
#[derive(Debug, Deserialize)]
struct FixtureApplication {
    /// The client id (`application_id` in GitLab's answers).
    uid: String,
    name: Option<String>,
    /// Needed by confidential applications only.
    secret: Option<String>,
    /// One URI, several separated by whitespace (GitLab keeps one per line), or a list.
    redirect_uri: Words,
    /// Space-separated, as GitLab takes them, or a list.
    scopes: Words,
    /// GitLab's default for new applications is confidential.
    #[serde(default = "default_true")]
    confidential: bool,
}

fn default_true() -> bool {
    true
}

/// A whitespace-separated string or a list of strings.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Words {
    One(String),
    Many(Vec<String>),
}

impl Words {
    fn split(&self) -> Vec<String> {
        let parts: Vec<&str> = match self {
            Words::One(text) => text.split_whitespace().collect(),
            Words::Many(items) => items.iter().flat_map(|i| i.split_whitespace()).collect(),
        };
        parts.into_iter().map(str::to_owned).collect()
    }
}

#[derive(Debug, Deserialize)]
struct FixtureUser {
    id: u64,
    username: String,
    name: String,
    #[serde(default)]
    admin: bool,
    #[serde(default)]
    personal_access_tokens: Vec<FixturePat>,
}

#[derive(Debug, Deserialize)]
struct FixturePat {
    name: String,
    scopes: Vec<String>,
    expires_at: Option<String>,
    token: String,
    #[serde(default)]
    revoked: bool,
    description: Option<String>,
    created_at: Option<String>,
    last_used_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FixtureMember {
    user_id: u64,
    access_level: u8,
}

#[derive(Debug, Deserialize)]
struct FixtureGroup {
    id: u64,
    path: String,
    name: String,
    parent_id: Option<u64>,
    visibility: Option<String>,
    description: Option<String>,
    #[serde(default)]
    members: Vec<FixtureMember>,
    #[serde(default)]
    access_tokens: Vec<FixtureProjectToken>,
    #[serde(default)]
    deploy_tokens: Vec<FixtureDeployToken>,
}

#[derive(Debug, Deserialize)]
struct FixtureDeployToken {
    name: String,
    username: Option<String>,
    scopes: Vec<String>,
    expires_at: Option<String>,
    token: Option<String>,
    #[serde(default)]
    revoked: bool,
    created_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FixtureDeployKey {
    title: String,
    key: String,
    #[serde(default)]
    can_push: bool,
    expires_at: Option<String>,
    created_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FixtureTrigger {
    description: String,
    owner_id: u64,
    token: Option<String>,
    created_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FixtureProject {
    id: u64,
    path: String,
    name: String,
    namespace_id: u64,
    visibility: Option<String>,
    description: Option<String>,
    default_branch: Option<String>,
    created_at: Option<String>,
    container_registry_access_level: Option<String>,
    #[serde(default)]
    members: Vec<FixtureMember>,
    #[serde(default)]
    access_tokens: Vec<FixtureProjectToken>,
    #[serde(default)]
    deploy_tokens: Vec<FixtureDeployToken>,
    #[serde(default)]
    deploy_keys: Vec<FixtureDeployKey>,
    #[serde(default)]
    triggers: Vec<FixtureTrigger>,
}

#[derive(Debug, Deserialize)]
struct FixtureProjectToken {
    name: String,
    scopes: Vec<String>,
    access_level: Option<u8>,
    expires_at: Option<String>,
    token: Option<String>,
    #[serde(default)]
    revoked: bool,
    created_at: Option<String>,
    last_used_at: Option<String>,
    description: Option<String>,
}

/// Why a fixture was refused; the text is meant for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError(pub String);

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid fixture: {}", self.0)
    }
}

impl std::error::Error for FixtureError {}

fn fail<T>(message: impl Into<String>) -> Result<T, FixtureError> {
    Err(FixtureError(message.into()))
}

/// `"+5d"` / `"-3d"`: a number of days from `today`.
fn relative_days(text: &str) -> Option<i64> {
    let rest = text.strip_suffix('d')?;
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().map(|n| sign * n)
}

/// A date field: `YYYY-MM-DD` or relative to `today`.
fn parse_date(text: &str, today: NaiveDate, field: &str) -> Result<NaiveDate, FixtureError> {
    if let Some(days) = relative_days(text) {
        return today
            .checked_add_signed(Duration::days(days))
            .ok_or_else(|| FixtureError(format!("{field}: {text:?} is out of range")));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        FixtureError(format!(
            "{field}: {text:?} is not a date (use YYYY-MM-DD, or +Nd/-Nd relative to today)"
        ))
    })
}

/// A timestamp field: RFC 3339, `YYYY-MM-DD` (midnight UTC), or relative days (09:00 UTC that day).
fn parse_time(text: &str, today: NaiveDate, field: &str) -> Result<DateTime<Utc>, FixtureError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    if relative_days(text).is_some() {
        let day = parse_date(text, today, field)?;
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN);
        return Ok(day.and_time(nine).and_utc());
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(SimState::midnight(day));
    }
    fail(format!(
        "{field}: {text:?} is not a timestamp (use RFC 3339, YYYY-MM-DD, or +Nd/-Nd)"
    ))
}

fn check_members(
    members: &[FixtureMember],
    users: &HashSet<u64>,
    owner: &str,
) -> Result<Vec<Member>, FixtureError> {
    let mut seen = HashSet::new();
    members
        .iter()
        .map(|m| {
            if !users.contains(&m.user_id) {
                return fail(format!(
                    "{owner}: member user_id {} is not a user",
                    m.user_id
                ));
            }
            if !access::VALID.contains(&m.access_level) {
                return fail(format!(
                    "{owner}: access_level {} is not one of 10, 15, 20, 30, 40, 50",
                    m.access_level
                ));
            }
            if !seen.insert(m.user_id) {
                return fail(format!("{owner}: user {} is listed twice", m.user_id));
            }
            Ok(Member {
                user_id: m.user_id,
                access_level: m.access_level,
            })
        })
        .collect()
}

fn check_scopes(scopes: &[String], allowed: &[&str], owner: &str) -> Result<(), FixtureError> {
    if scopes.is_empty() {
        return fail(format!("{owner}: scopes must not be empty"));
    }
    for scope in scopes {
        if !allowed.contains(&scope.as_str()) {
            return fail(format!("{owner}: scope {scope:?} is not allowed here"));
        }
    }
    Ok(())
}

/// An optional field that takes one of a few words: the parsed word, or a message naming them.
fn one_of<T>(
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    field: &str,
    words: &str,
) -> Result<Option<T>, FixtureError> {
    value
        .map(|v| parse(v).ok_or_else(|| FixtureError(format!("{field} {v:?} is not {words}"))))
        .transpose()
}

fn non_empty(value: &str, what: &str) -> Result<(), FixtureError> {
    if value.trim().is_empty() {
        return fail(format!("{what} must not be empty"));
    }
    Ok(())
}

fn path_segment(value: &str, what: &str) -> Result<(), FixtureError> {
    non_empty(value, what)?;
    if value.contains('/') {
        return fail(format!("{what} {value:?} must not contain '/'"));
    }
    Ok(())
}

/// A token's creation time when the fixture gives none: a year before it expires (GitLab's
/// default lifetime), never in the future.
fn default_created_at(expires_at: Option<NaiveDate>, today: NaiveDate) -> DateTime<Utc> {
    let day = expires_at
        .map(|d| d - Duration::days(crate::state::MAX_LIFETIME_DAYS))
        .unwrap_or(today - Duration::days(30))
        .min(today);
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN);
    day.and_time(nine).and_utc()
}

/// The `personal_access_token_prefix` setting's validation (blank, which GitLab allows and which
/// makes every string look like a personal token, is refused here).
fn check_token_prefix(prefix: &str) -> Result<(), FixtureError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=/@:.-".contains(c);
    if prefix.is_empty() || prefix.chars().count() > 20 || !prefix.chars().all(allowed) {
        return fail(format!(
            "personal_access_token_prefix {prefix:?} must be 1 to 20 letters, digits or _+=/@:.-"
        ));
    }
    Ok(())
}

/// Adds a project or group access token with its bot user.
fn add_resource_token(
    state: &mut SimState,
    resource: Resource,
    index: usize,
    t: &FixtureProjectToken,
    owner: &str,
    secrets_seen: &mut HashSet<String>,
) -> Result<(), FixtureError> {
    let today = state.today();
    non_empty(&t.name, &format!("{owner}: name"))?;
    check_scopes(&t.scopes, &RESOURCE_BOT_SCOPES, owner)?;
    let level = t.access_level.unwrap_or(access::MAINTAINER);
    if !access::VALID.contains(&level) {
        return fail(format!("{owner}: access_level {level} is not valid"));
    }
    let secret = match &t.token {
        Some(s) => {
            non_empty(s, &format!("{owner}: token"))?;
            s.clone()
        }
        None => secrets::new_token_secret(&state.token_prefix),
    };
    if !secrets_seen.insert(secret.clone()) {
        return fail(format!("{owner}: token value is used twice"));
    }
    let expires_at = t
        .expires_at
        .as_deref()
        .map(|d| parse_date(d, today, &format!("{owner}: expires_at")))
        .transpose()?;
    let bot_id = state.next_user_id;
    state.next_user_id += 1;
    let created_at = match &t.created_at {
        Some(c) => parse_time(c, today, &format!("{owner}: created_at"))?,
        None => default_created_at(expires_at, today),
    };
    // Project bots keep the seed they always had, so existing usernames do not change.
    let seed = match resource.kind {
        crate::state::ResourceKind::Project => format!("{}:{index}:{}", resource.id, t.name),
        crate::state::ResourceKind::Group => format!("group:{}:{index}:{}", resource.id, t.name),
    };
    state.users.push(User {
        id: bot_id,
        username: bot_username(resource, &secrets::stable_hex32(&seed)),
        name: t.name.clone(),
        admin: false,
        bot_of: Some(resource),
        created_at,
    });
    state.add_member(
        resource,
        Member {
            user_id: bot_id,
            access_level: level,
        },
    );
    state.tokens.push(Token {
        id: state.next_token_id,
        user_id: bot_id,
        name: t.name.clone(),
        description: t.description.clone(),
        scopes: t.scopes.clone(),
        expires_at,
        revoked: t.revoked,
        created_at,
        last_used_at: t
            .last_used_at
            .as_deref()
            .map(|l| parse_time(l, today, &format!("{owner}: last_used_at")))
            .transpose()?,
        last_used_ips: Vec::new(),
        secret,
        previous_id: None,
    });
    state.next_token_id += 1;
    Ok(())
}

/// A deploy token's `expires_at`: `null`, a date (midnight UTC), RFC 3339, or relative days
/// (midnight UTC that day, as GitLab stores a date-only expiry).
fn parse_deploy_expiry(
    text: &str,
    today: NaiveDate,
    field: &str,
) -> Result<DateTime<Utc>, FixtureError> {
    if relative_days(text).is_some() {
        return Ok(SimState::midnight(parse_date(text, today, field)?));
    }
    parse_time(text, today, field)
}

fn add_deploy_token(
    state: &mut SimState,
    resource: Resource,
    t: &FixtureDeployToken,
    owner: &str,
    seen: &mut HashSet<String>,
) -> Result<(), FixtureError> {
    let today = state.today();
    non_empty(&t.name, &format!("{owner}: name"))?;
    check_scopes(&t.scopes, &DEPLOY_TOKEN_SCOPES, owner)?;
    if let Some(username) = &t.username {
        if !crate::routes::deploy_tokens::valid_username(username) {
            return fail(format!(
                "{owner}: username {username:?} may contain only letters, digits, '_', '-', '+', and '.'"
            ));
        }
    }
    let secret = match &t.token {
        Some(s) => {
            non_empty(s, &format!("{owner}: token"))?;
            s.clone()
        }
        None => secrets::new_deploy_token_secret(),
    };
    if !seen.insert(secret.clone()) {
        return fail(format!("{owner}: token value is used twice"));
    }
    let expires_at = t
        .expires_at
        .as_deref()
        .map(|d| parse_deploy_expiry(d, today, &format!("{owner}: expires_at")))
        .transpose()?;
    let created_at = match &t.created_at {
        Some(c) => parse_time(c, today, &format!("{owner}: created_at"))?,
        None => default_created_at(expires_at.map(|e| e.date_naive()), today),
    };
    state.deploy_tokens.push(DeployToken {
        id: state.next_deploy_token_id,
        owner: resource,
        name: t.name.clone(),
        username: t.username.clone(),
        scopes: t.scopes.clone(),
        expires_at,
        revoked: t.revoked,
        created_at,
        secret,
    });
    state.next_deploy_token_id += 1;
    Ok(())
}

fn add_deploy_key(
    state: &mut SimState,
    project_id: u64,
    k: &FixtureDeployKey,
    owner: &str,
) -> Result<(), FixtureError> {
    let today = state.today();
    non_empty(&k.title, &format!("{owner}: title"))?;
    let key = sshkey::sanitize(&k.key);
    let Some(parsed) = sshkey::parse(&key) else {
        return fail(format!("{owner}: key is not an OpenSSH public key line"));
    };
    if let Some(problem) = sshkey::restriction_error(Some(&parsed)) {
        return fail(format!("{owner}: key {problem}"));
    }
    let sha = parsed.fingerprint_sha256.clone();
    // The same key in several projects is one deploy key enabled in each of them.
    let key_id = match state
        .deploy_keys
        .iter()
        .find(|d| d.fingerprint_sha256 == sha)
    {
        Some(existing) => existing.id,
        None => {
            let created_at = match &k.created_at {
                Some(c) => parse_time(c, today, &format!("{owner}: created_at"))?,
                None => default_created_at(None, today),
            };
            let expires_at = k
                .expires_at
                .as_deref()
                .map(|d| parse_deploy_expiry(d, today, &format!("{owner}: expires_at")))
                .transpose()?;
            let user_id = state
                .users
                .iter()
                .find(|u| u.admin)
                .or(state.users.first())
                .map(|u| u.id)
                .unwrap_or(0);
            let id = state.next_deploy_key_id;
            state.next_deploy_key_id += 1;
            state.deploy_keys.push(DeployKey {
                id,
                user_id,
                title: k.title.clone(),
                key,
                fingerprint: parsed.fingerprint_md5,
                fingerprint_sha256: sha,
                created_at,
                expires_at,
            });
            id
        }
    };
    if state
        .deploy_key_links
        .iter()
        .any(|l| l.key_id == key_id && l.project_id == project_id)
    {
        return fail(format!("{owner}: the key is listed twice in this project"));
    }
    state.deploy_key_links.push(DeployKeyLink {
        key_id,
        project_id,
        can_push: k.can_push,
    });
    Ok(())
}

fn add_trigger(
    state: &mut SimState,
    project_id: u64,
    t: &FixtureTrigger,
    owner: &str,
    seen: &mut HashSet<String>,
) -> Result<(), FixtureError> {
    let today = state.today();
    if state.user(t.owner_id).is_none() {
        return fail(format!("{owner}: owner_id {} is not a user", t.owner_id));
    }
    let token = match &t.token {
        Some(s) => {
            non_empty(s, &format!("{owner}: token"))?;
            s.clone()
        }
        None => secrets::new_trigger_token(),
    };
    if !seen.insert(token.clone()) {
        return fail(format!("{owner}: token value is used twice"));
    }
    let created_at = match &t.created_at {
        Some(c) => parse_time(c, today, &format!("{owner}: created_at"))?,
        None => default_created_at(None, today),
    };
    state.triggers.push(Trigger {
        id: state.next_trigger_id,
        project_id,
        owner_id: t.owner_id,
        description: Some(t.description.clone()),
        token,
        created_at,
        updated_at: created_at,
        expires_at: None,
    });
    state.next_trigger_id += 1;
    Ok(())
}

/// Parses and checks a fixture and builds the state it describes.
pub fn load(json: &str) -> Result<SimState, FixtureError> {
    let file: FixtureFile = serde_json::from_str(json).map_err(|e| FixtureError(e.to_string()))?;

    let fixed_today = match &file.today {
        Some(text) => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            FixtureError(format!("today: {text:?} is not a date (use YYYY-MM-DD)"))
        })?),
        None => None,
    };
    let today = fixed_today.unwrap_or_else(|| Utc::now().date_naive());
    let version = file.version.unwrap_or_else(|| DEFAULT_VERSION.to_owned());
    non_empty(&version, "version")?;
    let token_prefix = file
        .personal_access_token_prefix
        .unwrap_or_else(|| secrets::TOKEN_PREFIX.to_owned());
    check_token_prefix(&token_prefix)?;
    if let Some(host) = &file.registry_host {
        let bad = |c: char| c.is_whitespace() || c == '/';
        if host.is_empty() || host.contains(bad) {
            return fail(format!(
                "registry_host {host:?} must be a host with an optional port, like registry.example.com:5050"
            ));
        }
    }

    let mut users = Vec::new();
    let mut tokens = Vec::new();
    let mut user_ids = HashSet::new();
    let mut usernames = HashSet::new();
    let mut secrets_seen = HashSet::new();
    let mut next_token_id = 1u64;
    // Fixture users predate everything the sim creates.
    let user_created = SimState::midnight(today - Duration::days(400));

    for u in &file.users {
        if u.id == 0 {
            return fail("users: id must be positive");
        }
        if !user_ids.insert(u.id) {
            return fail(format!("users: id {} is used twice", u.id));
        }
        path_segment(&u.username, "users: username")?;
        if !usernames.insert(u.username.to_lowercase()) {
            return fail(format!("users: username {:?} is used twice", u.username));
        }
        non_empty(&u.name, "users: name")?;
        users.push(User {
            id: u.id,
            username: u.username.clone(),
            name: u.name.clone(),
            admin: u.admin,
            bot_of: None,
            created_at: user_created,
        });
        for pat in &u.personal_access_tokens {
            let owner = format!("user {:?} token {:?}", u.username, pat.name);
            non_empty(&pat.name, &format!("{owner}: name"))?;
            check_scopes(&pat.scopes, &PERSONAL_SCOPES, &owner)?;
            non_empty(&pat.token, &format!("{owner}: token"))?;
            if !secrets_seen.insert(pat.token.clone()) {
                return fail(format!("{owner}: token value is used twice"));
            }
            let expires_at = pat
                .expires_at
                .as_deref()
                .map(|t| parse_date(t, today, &format!("{owner}: expires_at")))
                .transpose()?;
            tokens.push(Token {
                id: next_token_id,
                user_id: u.id,
                name: pat.name.clone(),
                description: pat.description.clone(),
                scopes: pat.scopes.clone(),
                expires_at,
                revoked: pat.revoked,
                created_at: match &pat.created_at {
                    Some(t) => parse_time(t, today, &format!("{owner}: created_at"))?,
                    None => default_created_at(expires_at, today),
                },
                last_used_at: pat
                    .last_used_at
                    .as_deref()
                    .map(|t| parse_time(t, today, &format!("{owner}: last_used_at")))
                    .transpose()?,
                last_used_ips: Vec::new(),
                secret: pat.token.clone(),
                previous_id: None,
            });
            next_token_id += 1;
        }
    }

    let mut groups = Vec::new();
    let mut group_ids = HashSet::new();
    let mut explicit_visibility = Vec::new();
    for g in &file.groups {
        if g.id == 0 || !group_ids.insert(g.id) {
            return fail(format!("groups: id {} is zero or used twice", g.id));
        }
        path_segment(&g.path, "groups: path")?;
        non_empty(&g.name, "groups: name")?;
        let members = check_members(&g.members, &user_ids, &format!("group {:?}", g.path))?;
        let visibility = one_of(
            g.visibility.as_deref(),
            Visibility::parse,
            &format!("group {:?}: visibility", g.path),
            "private, internal or public",
        )?;
        explicit_visibility.push((g.id, visibility));
        groups.push(Group {
            id: g.id,
            path: g.path.clone(),
            name: g.name.clone(),
            parent_id: g.parent_id,
            visibility: visibility.unwrap_or(Visibility::Private),
            description: g.description.clone().unwrap_or_default(),
            // Deterministic, like projects, so ordering by creation is predictable.
            created_at: SimState::midnight(today - Duration::days(300))
                + Duration::minutes(g.id as i64),
            members,
        });
    }
    for g in &groups {
        let mut seen = HashSet::from([g.id]);
        let mut parent = g.parent_id;
        while let Some(pid) = parent {
            let Some(p) = groups.iter().find(|x| x.id == pid) else {
                return fail(format!(
                    "group {:?}: parent_id {pid} is not a group",
                    g.path
                ));
            };
            if !seen.insert(pid) {
                return fail(format!("group {:?}: parent_id forms a cycle", g.path));
            }
            parent = p.parent_id;
        }
    }

    let mut state = SimState {
        fixed_today,
        version,
        token_prefix,
        registry_host: file.registry_host,
        users,
        groups,
        projects: Vec::new(),
        tokens,
        deploy_tokens: Vec::new(),
        deploy_keys: Vec::new(),
        deploy_key_links: Vec::new(),
        triggers: Vec::new(),
        faults: Vec::new(),
        oauth: Default::default(),
        clock_offset: Duration::zero(),
        next_user_id: 0,
        next_token_id,
        next_deploy_token_id: 1,
        next_deploy_key_id: 1,
        next_trigger_id: 1,
    };
    state.next_user_id = state.users.iter().map(|u| u.id).max().unwrap_or(0) + 1;

    let mut project_ids = HashSet::new();
    let mut full_paths = HashSet::new();
    let mut deploy_secrets = HashSet::new();
    let mut trigger_secrets = HashSet::new();
    for p in &file.projects {
        if p.id == 0 || !project_ids.insert(p.id) {
            return fail(format!("projects: id {} is zero or used twice", p.id));
        }
        path_segment(&p.path, "projects: path")?;
        non_empty(&p.name, "projects: name")?;
        if state.group(p.namespace_id).is_none() {
            return fail(format!(
                "project {:?}: namespace_id {} is not a group",
                p.path, p.namespace_id
            ));
        }
        let full_path = format!("{}/{}", state.group_full_path(p.namespace_id), p.path);
        if !full_paths.insert(full_path.to_lowercase()) {
            return fail(format!("project path {full_path:?} is used twice"));
        }
        let visibility = one_of(
            p.visibility.as_deref(),
            Visibility::parse,
            &format!("project {full_path:?}: visibility"),
            "private, internal or public",
        )?
        .unwrap_or(Visibility::Private);
        let members = check_members(&p.members, &user_ids, &format!("project {full_path:?}"))?;
        let container_registry = one_of(
            p.container_registry_access_level.as_deref(),
            FeatureAccess::parse,
            &format!("project {full_path:?}: container_registry_access_level"),
            "enabled, private or disabled",
        )?
        .unwrap_or(FeatureAccess::Enabled);
        // Deterministic and increasing with the id, so `order_by=created_at` is predictable.
        let created_at = match &p.created_at {
            Some(t) => parse_time(t, today, &format!("project {full_path:?}: created_at"))?,
            None => {
                SimState::midnight(today - Duration::days(200)) + Duration::minutes(p.id as i64)
            }
        };
        state.projects.push(Project {
            id: p.id,
            path: p.path.clone(),
            name: p.name.clone(),
            namespace_id: p.namespace_id,
            visibility,
            description: p.description.clone(),
            default_branch: Some(p.default_branch.clone().unwrap_or_else(|| "main".into())),
            created_at,
            last_activity_at: created_at,
            members,
            container_registry,
        });

        let resource = Resource::project(p.id);
        for (index, t) in p.access_tokens.iter().enumerate() {
            let owner = format!("project {full_path:?} token {:?}", t.name);
            add_resource_token(&mut state, resource, index, t, &owner, &mut secrets_seen)?;
        }
        for t in &p.deploy_tokens {
            let owner = format!("project {full_path:?} deploy token {:?}", t.name);
            add_deploy_token(&mut state, resource, t, &owner, &mut deploy_secrets)?;
        }
        for k in &p.deploy_keys {
            let owner = format!("project {full_path:?} deploy key {:?}", k.title);
            add_deploy_key(&mut state, p.id, k, &owner)?;
        }
        for t in &p.triggers {
            let owner = format!("project {full_path:?} trigger {:?}", t.description);
            add_trigger(&mut state, p.id, t, &owner, &mut trigger_secrets)?;
        }
    }

    load_applications(&mut state, &file.applications)?;

    // A group is at least as visible as anything inside it (GitLab refuses the opposite), so a
    // fixture that leaves it out gets the most visible project or subgroup below it.
    for (group_id, explicit) in explicit_visibility {
        let derived = explicit.unwrap_or_else(|| {
            let projects = state
                .projects
                .iter()
                .filter(|p| state.group_within(p.namespace_id, group_id))
                .map(|p| p.visibility);
            let subgroups = file
                .groups
                .iter()
                .filter(|g| g.id != group_id && state.group_within(g.id, group_id))
                .filter_map(|g| g.visibility.as_deref().and_then(Visibility::parse));
            projects
                .chain(subgroups)
                .max()
                .unwrap_or(Visibility::Private)
        });
        if let Some(g) = state.groups.iter_mut().find(|g| g.id == group_id) {
            g.visibility = derived;
        }
    }

    for g in &file.groups {
        let resource = Resource::group(g.id);
        for (index, t) in g.access_tokens.iter().enumerate() {
            let owner = format!("group {:?} token {:?}", g.path, t.name);
            add_resource_token(&mut state, resource, index, t, &owner, &mut secrets_seen)?;
        }
    }
    for g in &file.groups {
        for t in &g.deploy_tokens {
            let owner = format!("group {:?} deploy token {:?}", g.path, t.name);
            add_deploy_token(
                &mut state,
                Resource::group(g.id),
                t,
                &owner,
                &mut deploy_secrets,
            )?;
        }
    }
    Ok(state)
}

/// Checks and stores the OAuth applications. Redirect URIs must be what Doorkeeper accepts
/// (absolute, no fragment, a host for HTTP(S), not a `javascript:`/`data:`/`vbscript:` URI, as
/// GitLab's `forbid_redirect_uri` says); `{site}` stands for the site listener's URL.
fn load_applications(
    state: &mut SimState,
    applications: &[FixtureApplication],
) -> Result<(), FixtureError> {
    let mut uids = HashSet::new();
    for a in applications {
        let owner = format!("application {:?}", a.uid);
        if a.uid.is_empty() || a.uid.contains(char::is_whitespace) {
            return fail("applications: uid must be non-empty and without spaces");
        }
        if !uids.insert(a.uid.clone()) {
            return fail(format!("{owner}: uid is used twice"));
        }
        let redirect_uris = a.redirect_uri.split();
        if redirect_uris.is_empty() {
            return fail(format!("{owner}: redirect_uri is empty"));
        }
        for uri in &redirect_uris {
            let concrete = uri.replace(oauth::SITE_PLACEHOLDER, "http://127.0.0.1/");
            let scheme = concrete
                .split(':')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            if !oauth::uri::valid(&concrete)
                || matches!(scheme.as_str(), "javascript" | "data" | "vbscript")
            {
                return fail(format!(
                    "{owner}: redirect_uri {uri:?} must be an absolute URI without a fragment \
                     (or {{site}} for the site listener's URL)"
                ));
            }
        }
        let scopes = a.scopes.split();
        if scopes.is_empty() {
            return fail(format!("{owner}: scopes is empty"));
        }
        if let Some(bad) = scopes.iter().find(|s| !oauth::known_scope(s)) {
            return fail(format!("{owner}: scope {bad:?} is not an OAuth scope"));
        }
        let secret = a.secret.clone().filter(|s| !s.is_empty());
        if a.confidential && secret.is_none() {
            return fail(format!(
                "{owner}: a confidential application needs a secret (or set \"confidential\": false)"
            ));
        }
        state.oauth.applications.push(oauth::Application {
            uid: a.uid.clone(),
            name: a.name.clone().unwrap_or_else(|| a.uid.clone()),
            secret,
            redirect_uris,
            scopes,
            confidential: a.confidential,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applications_take_strings_or_lists() {
        let state = load(
            r#"{"applications": [
                {"uid": "a", "redirect_uri": "https://a.example/cb\nhttp://127.0.0.1/cb",
                 "scopes": "api read_user", "confidential": false},
                {"uid": "b", "name": "B", "redirect_uri": ["{site}", "{site}callback"],
                 "scopes": ["read_api"], "secret": "s3cret"}]}"#,
        )
        .unwrap();
        let a = &state.oauth.applications[0];
        assert_eq!(
            a.redirect_uris,
            ["https://a.example/cb", "http://127.0.0.1/cb"]
        );
        assert_eq!(a.scopes, ["api", "read_user"]);
        assert!(!a.confidential && a.secret.is_none());
        let b = &state.oauth.applications[1];
        assert!(b.confidential);
        assert_eq!(
            b.redirect_uris(Some("http://127.0.0.1:9/app/")),
            ["http://127.0.0.1:9/app/", "http://127.0.0.1:9/app/callback"]
        );
        assert!(b.redirect_uris(None).is_empty());
    }

    #[test]
    fn bad_applications_are_refused() {
        let one = |app: &str| load(&format!(r#"{{"applications": [{app}]}}"#)).unwrap_err();
        let err =
            one(r#"{"uid": "a", "redirect_uri": "/cb", "scopes": "api", "confidential": false}"#);
        assert!(err.0.contains("redirect_uri"), "{err}");
        let err = one(
            r#"{"uid": "a", "redirect_uri": "javascript://x/alert(1)", "scopes": "api", "confidential": false}"#,
        );
        assert!(err.0.contains("redirect_uri"), "{err}");
        let err = one(
            r#"{"uid": "a", "redirect_uri": "https://a/cb#x", "scopes": "api", "confidential": false}"#,
        );
        assert!(err.0.contains("redirect_uri"), "{err}");
        let err = one(
            r#"{"uid": "a", "redirect_uri": "https://a/cb", "scopes": "everything", "confidential": false}"#,
        );
        assert!(err.0.contains("\"everything\""), "{err}");
        let err = one(r#"{"uid": "a", "redirect_uri": "https://a/cb", "scopes": "api"}"#);
        assert!(err.0.contains("secret"), "{err}");
    }

    #[test]
    fn demo_fixture_loads() {
        let state = load(DEMO_FIXTURE).expect("demo fixture is valid");
        assert!(state.users.iter().any(|u| u.username == "root" && u.admin));
        assert!(state.tokens.len() > 6);
        let group_bots = state
            .users
            .iter()
            .filter(|u| u.bot_of == Some(Resource::group(10)))
            .count();
        assert_eq!(group_bots, 5);
        assert!(state
            .deploy_tokens
            .iter()
            .any(|t| t.owner == Resource::group(10)));
        // One key shared by two projects.
        assert_eq!(state.deploy_keys.len(), 3);
        assert_eq!(state.deploy_key_links.len(), 4);
        assert_eq!(state.triggers.len(), 5);
        assert_eq!(
            state.registry_host.as_deref(),
            Some("registry.localhost:5050")
        );
        let app = state.oauth.application("tokenwarden-demo").unwrap();
        assert!(!app.confidential);
        assert_eq!(app.redirect_uris, ["{site}"]);
    }

    #[test]
    fn bad_credentials_are_refused() {
        let base = |extra: &str| {
            format!(
                r#"{{"users":[{{"id":1,"username":"u","name":"U"}}],
                    "groups":[{{"id":1,"path":"g","name":"G","parent_id":null}}],
                    "projects":[{{"id":1,"path":"p","name":"P","namespace_id":1,{extra}}}]}}"#
            )
        };
        let err = load(&base(
            r#""deploy_keys":[{"title":"k","key":"ssh-rsa nope"}]"#,
        ))
        .unwrap_err();
        assert!(err.0.contains("OpenSSH public key"), "{err}");
        let err = load(&base(r#""triggers":[{"description":"t","owner_id":9}]"#)).unwrap_err();
        assert!(err.0.contains("owner_id 9"), "{err}");
        let err = load(&base(r#""deploy_tokens":[{"name":"d","scopes":["api"]}]"#)).unwrap_err();
        assert!(err.0.contains("\"api\""), "{err}");
        let err = load(&base(
            r#""deploy_tokens":[{"name":"d","scopes":["read_repository"],"username":"a b"}]"#,
        ))
        .unwrap_err();
        assert!(err.0.contains("username"), "{err}");
        let err = load(&base(
            r#""deploy_tokens":[{"name":"d","scopes":["read_repository"],"expires_at":"soon"}]"#,
        ))
        .unwrap_err();
        assert!(err.0.contains("expires_at"), "{err}");
    }

    #[test]
    fn token_prefix_follows_gitlabs_setting_rules() {
        let state = load(r#"{"personal_access_token_prefix":"acme:dev@"}"#).unwrap();
        assert_eq!(state.token_prefix, "acme:dev@");
        assert_eq!(load("{}").unwrap().token_prefix, "glpat-");
        for bad in ["", "has space", "twenty-one-characters"] {
            let err = load(&format!(r#"{{"personal_access_token_prefix":"{bad}"}}"#)).unwrap_err();
            assert!(err.0.contains("personal_access_token_prefix"), "{err}");
        }
    }

    #[test]
    fn registry_settings_are_checked() {
        let err = load(r#"{"registry_host":"https://registry.example.com"}"#).unwrap_err();
        assert!(err.0.contains("registry_host"), "{err}");
        let err = load(
            r#"{"groups":[{"id":1,"path":"g","name":"G","parent_id":null}],
                "projects":[{"id":1,"path":"p","name":"P","namespace_id":1,
                             "container_registry_access_level":"public"}]}"#,
        )
        .unwrap_err();
        assert!(err.0.contains("container_registry_access_level"), "{err}");
    }

    #[test]
    fn relative_dates_follow_today() {
        let today = NaiveDate::from_ymd_opt(2025, 3, 10).unwrap();
        assert_eq!(
            parse_date("+5d", today, "x").unwrap(),
            NaiveDate::from_ymd_opt(2025, 3, 15).unwrap()
        );
        assert_eq!(
            parse_date("-10d", today, "x").unwrap(),
            NaiveDate::from_ymd_opt(2025, 2, 28).unwrap()
        );
        assert!(parse_date("5d", today, "x").is_err());
        assert!(parse_date("+d", today, "x").is_err());
        assert!(parse_date("2025-02-30", today, "x").is_err());
    }

    #[test]
    fn dangling_references_are_refused() {
        let err = load(r#"{"groups":[{"id":1,"path":"g","name":"G","parent_id":9}]}"#).unwrap_err();
        assert!(err.0.contains("parent_id 9"), "{err}");
        let err = load(
            r#"{"groups":[{"id":1,"path":"g","name":"G","parent_id":null,
                "members":[{"user_id":3,"access_level":40}]}]}"#,
        )
        .unwrap_err();
        assert!(err.0.contains("user_id 3"), "{err}");
    }
}
