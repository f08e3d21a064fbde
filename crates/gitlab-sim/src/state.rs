//! The simulated instance's data and the rules that read it.
//!
//! Everything lives in one struct behind one mutex: the sim serves tests and a demo, so simple
//! and obviously consistent beats concurrent. Handlers lock, compute, and unlock without
//! awaiting in between.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

/// GitLab's role levels (`Gitlab::Access`).
pub mod access {
    pub const GUEST: u8 = 10;
    pub const PLANNER: u8 = 15;
    pub const REPORTER: u8 = 20;
    pub const DEVELOPER: u8 = 30;
    pub const MAINTAINER: u8 = 40;
    pub const OWNER: u8 = 50;

    /// Levels a membership or a project/group token may have (`options_with_owner`).
    pub const VALID: [u8; 6] = [GUEST, PLANNER, REPORTER, DEVELOPER, MAINTAINER, OWNER];

    pub fn role_name(level: u8) -> &'static str {
        match level {
            GUEST => "Guest",
            PLANNER => "Planner",
            REPORTER => "Reporter",
            DEVELOPER => "Developer",
            MAINTAINER => "Maintainer",
            OWNER => "Owner",
            _ => "No access",
        }
    }
}

/// Scopes a project or group access token may carry (`Gitlab::Auth.resource_bot_scopes` on an
/// instance with the container registry on): every non-admin scope except `read_user`.
pub const RESOURCE_BOT_SCOPES: [&str; 11] = [
    "api",
    "read_api",
    "create_runner",
    "manage_runner",
    "k8s_proxy",
    "self_rotate",
    "read_repository",
    "write_repository",
    "read_registry",
    "write_registry",
    "ai_features",
];

/// Scopes a personal access token may carry (`all_available_scopes`), for fixture checks.
pub const PERSONAL_SCOPES: [&str; 15] = [
    "api",
    "read_api",
    "read_user",
    "create_runner",
    "manage_runner",
    "k8s_proxy",
    "self_rotate",
    "read_repository",
    "write_repository",
    "read_registry",
    "write_registry",
    "ai_features",
    "sudo",
    "admin_mode",
    "read_service_ping",
];

/// Maximum token lifetime when expiry is required (`MAX_PERSONAL_ACCESS_TOKEN_LIFETIME_IN_DAYS`).
pub const MAX_LIFETIME_DAYS: i64 = 365;
/// Default lifetime of a rotated token (`RotateService::EXPIRATION_PERIOD`).
pub const ROTATION_DAYS: i64 = 7;

#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub username: String,
    pub name: String,
    pub admin: bool,
    /// For a project or group bot: the resource whose access token it holds.
    pub bot_of: Option<Resource>,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn is_bot(&self) -> bool {
        self.bot_of.is_some()
    }
}

/// What a resource access token belongs to (`source_type` in `resource_access_tokens.rb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Project,
    Group,
}

impl ResourceKind {
    /// `resource_type` in entities and the word in service messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Project => "project",
            ResourceKind::Group => "group",
        }
    }

    /// What `not_found!` names when the resource itself is missing.
    pub fn title(self) -> &'static str {
        match self {
            ResourceKind::Project => "Project",
            ResourceKind::Group => "Group",
        }
    }

    /// The lowest role that may see and manage the resource's access tokens: project
    /// Maintainers, but only group Owners (`ProjectPolicy` vs `GroupPolicy`).
    pub fn token_admin_level(self) -> u8 {
        match self {
            ResourceKind::Project => access::MAINTAINER,
            ResourceKind::Group => access::OWNER,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    pub kind: ResourceKind,
    pub id: u64,
}

impl Resource {
    pub fn project(id: u64) -> Self {
        Resource {
            kind: ResourceKind::Project,
            id,
        }
    }

    pub fn group(id: u64) -> Self {
        Resource {
            kind: ResourceKind::Group,
            id,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Member {
    pub user_id: u64,
    pub access_level: u8,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: u64,
    pub path: String,
    pub name: String,
    pub parent_id: Option<u64>,
    pub visibility: Visibility,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Visibility {
    Private,
    Internal,
    Public,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Internal => "internal",
            Visibility::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "private" => Some(Visibility::Private),
            "internal" => Some(Visibility::Internal),
            "public" => Some(Visibility::Public),
            _ => None,
        }
    }
}

/// A project feature's access level (`ProjectFeature`), as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureAccess {
    Disabled,
    /// Members only (from the feature's minimum role).
    Private,
    /// Everyone who can see the project.
    Enabled,
}

impl FeatureAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureAccess::Disabled => "disabled",
            FeatureAccess::Private => "private",
            FeatureAccess::Enabled => "enabled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "disabled" => Some(FeatureAccess::Disabled),
            "private" => Some(FeatureAccess::Private),
            "enabled" => Some(FeatureAccess::Enabled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Project {
    pub id: u64,
    pub path: String,
    pub name: String,
    pub namespace_id: u64,
    pub visibility: Visibility,
    pub description: Option<String>,
    pub default_branch: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    pub members: Vec<Member>,
    /// `container_registry_access_level`; new projects get `enabled`
    /// (`default_projects_features.container_registry`).
    pub container_registry: FeatureAccess,
}

/// A personal access token. Project access tokens are personal access tokens of bot users.
#[derive(Debug, Clone)]
pub struct Token {
    pub id: u64,
    pub user_id: u64,
    pub name: String,
    pub description: Option<String>,
    pub scopes: Vec<String>,
    pub expires_at: Option<NaiveDate>,
    pub revoked: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_ips: Vec<String>,
    pub secret: String,
    /// The token this one replaced by rotation (GitLab's token family).
    pub previous_id: Option<u64>,
}

/// What a new token is made of; [`SimState::issue_token`] adds the rest.
pub struct TokenDraft {
    pub user_id: u64,
    pub name: String,
    pub description: Option<String>,
    pub scopes: Vec<String>,
    pub expires_at: Option<NaiveDate>,
    pub previous_id: Option<u64>,
}

impl Token {
    /// GitLab's `expired?`: the date column compared with the current time, so a token stops
    /// working at 00:00 UTC on its `expires_at` day.
    pub fn expired(&self, today: NaiveDate) -> bool {
        self.expires_at.is_some_and(|date| date <= today)
    }

    pub fn active(&self, today: NaiveDate) -> bool {
        !self.revoked && !self.expired(today)
    }

    /// The `inactive` scope behind `state=inactive`: `revoked = true OR expires_at < CURRENT_DATE`.
    /// On its expiry day a token is neither active nor inactive; GitLab has the same gap.
    pub fn in_inactive_scope(&self, today: NaiveDate) -> bool {
        self.revoked || self.expires_at.is_some_and(|date| date < today)
    }
}

/// A project or group deploy token (`DeployToken`). Deploy tokens authenticate Git and registry
/// clients only, never the REST API, so they live apart from [`Token`].
#[derive(Debug, Clone)]
pub struct DeployToken {
    pub id: u64,
    pub owner: Resource,
    pub name: String,
    /// `None` means GitLab's default `gitlab+deploy-token-{id}`.
    pub username: Option<String>,
    pub scopes: Vec<String>,
    /// `None` is GitLab's "Forever" date, rendered as `null`.
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub created_at: DateTime<Utc>,
    pub secret: String,
}

impl DeployToken {
    pub fn username(&self) -> String {
        self.username
            .clone()
            .unwrap_or_else(|| format!("gitlab+deploy-token-{}", self.id))
    }

    /// `DeployToken#expired?`: `expires_at < Date.today`, a timestamp against midnight.
    pub fn expired(&self, today: NaiveDate) -> bool {
        self.expires_at
            .is_some_and(|at| at < SimState::midnight(today))
    }

    /// The `active` scope: `revoked = false AND expires_at >= NOW()`.
    pub fn active_at(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.expires_at.is_none_or(|at| at >= now)
    }
}

/// An SSH deploy key (`DeployKey`); its per-project settings are [`DeployKeyLink`]s.
#[derive(Debug, Clone)]
pub struct DeployKey {
    pub id: u64,
    pub user_id: u64,
    pub title: String,
    pub key: String,
    pub fingerprint: String,
    pub fingerprint_sha256: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// `DeployKeysProject`: a deploy key enabled in a project.
#[derive(Debug, Clone)]
pub struct DeployKeyLink {
    pub key_id: u64,
    pub project_id: u64,
    pub can_push: bool,
}

/// A pipeline trigger token (`Ci::Trigger`).
#[derive(Debug, Clone)]
pub struct Trigger {
    pub id: u64,
    pub project_id: u64,
    pub owner_id: u64,
    /// `nil` after an update that leaves it out.
    pub description: Option<String>,
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A canned failure for `POST /-/sim/faults`.
#[derive(Debug, Clone)]
pub struct Fault {
    pub method: Option<String>,
    pub path: String,
    pub status: u16,
    pub body: String,
    pub remaining: u32,
    pub cors: bool,
    pub headers: Vec<(String, String)>,
}

/// `18.6.0`, `17.11.2-ee` → `(18, 6)`, `(17, 11)`: the leading digits of the first two parts.
fn parse_release(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().split('.').map(|part| {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    Some((parts.next()??, parts.next()??))
}

#[derive(Debug, Clone)]
pub struct SimState {
    /// The fixture's date, if it pinned one; otherwise the real UTC date is used.
    pub fixed_today: Option<NaiveDate>,
    pub version: String,
    /// The `personal_access_token_prefix` setting: how new personal, project and group access
    /// tokens begin.
    pub token_prefix: String,
    /// `registry.host_port` when the container registry is enabled.
    pub registry_host: Option<String>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub projects: Vec<Project>,
    pub tokens: Vec<Token>,
    pub deploy_tokens: Vec<DeployToken>,
    pub deploy_keys: Vec<DeployKey>,
    pub deploy_key_links: Vec<DeployKeyLink>,
    pub triggers: Vec<Trigger>,
    pub faults: Vec<Fault>,
    /// OAuth applications, the codes they were granted and the tokens issued to them.
    pub oauth: crate::oauth::OauthState,
    /// How far `POST /-/sim/clock` moved the clock ahead of real time; zero after a reset.
    pub clock_offset: Duration,
    pub next_user_id: u64,
    pub next_token_id: u64,
    pub next_deploy_token_id: u64,
    pub next_deploy_key_id: u64,
    pub next_trigger_id: u64,
}

impl SimState {
    /// The sim clock's date (see [`now`](SimState::now)).
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// The sim's clock: the pinned date with the real time of day, so timestamps it writes stay
    /// on the fixture's day, plus however far `POST /-/sim/clock` moved it.
    pub fn now(&self) -> DateTime<Utc> {
        let real = Utc::now();
        let base = match self.fixed_today {
            Some(day) => day.and_time(real.time()).and_utc(),
            None => real,
        };
        base + self.clock_offset
    }

    /// `major.minor` of the version the instance reports; one the sim cannot read counts as the
    /// sim's default version.
    pub fn release(&self) -> (u32, u32) {
        parse_release(&self.version)
            .or_else(|| parse_release(crate::fixture::DEFAULT_VERSION))
            .unwrap_or((0, 0))
    }

    /// Whether the instance runs GitLab `major.minor` or later.
    pub fn version_at_least(&self, major: u32, minor: u32) -> bool {
        self.release() >= (major, minor)
    }

    /// Saves a new, never-used token with a fresh secret and the next id, as GitLab's create and
    /// rotate services do; `previous_id` links a rotated token to the one it replaced.
    pub fn issue_token(&mut self, draft: TokenDraft) -> Token {
        let token = Token {
            id: self.next_token_id,
            user_id: draft.user_id,
            name: draft.name,
            description: draft.description,
            scopes: draft.scopes,
            expires_at: draft.expires_at,
            revoked: false,
            created_at: self.now(),
            last_used_at: None,
            last_used_ips: Vec::new(),
            secret: crate::secrets::new_token_secret(&self.token_prefix),
            previous_id: draft.previous_id,
        };
        self.next_token_id += 1;
        self.tokens.push(token.clone());
        token
    }

    pub fn midnight(day: NaiveDate) -> DateTime<Utc> {
        day.and_time(NaiveTime::MIN).and_utc()
    }

    pub fn user(&self, id: u64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn group(&self, id: u64) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn project(&self, id: u64) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    pub fn project_mut(&mut self, id: u64) -> Option<&mut Project> {
        self.projects.iter_mut().find(|p| p.id == id)
    }

    pub fn token(&self, id: u64) -> Option<&Token> {
        self.tokens.iter().find(|t| t.id == id)
    }

    pub fn token_mut(&mut self, id: u64) -> Option<&mut Token> {
        self.tokens.iter_mut().find(|t| t.id == id)
    }

    /// The group and its ancestors, nearest first.
    pub fn group_chain(&self, group_id: u64) -> Vec<&Group> {
        let mut chain = Vec::new();
        let mut next = Some(group_id);
        while let Some(id) = next {
            // The fixture loader rejects cycles; the bound is a second line of defence.
            if chain.len() > self.groups.len() {
                break;
            }
            match self.group(id) {
                Some(group) => {
                    chain.push(group);
                    next = group.parent_id;
                }
                None => break,
            }
        }
        chain
    }

    pub fn group_full_path(&self, group_id: u64) -> String {
        let mut parts: Vec<&str> = self
            .group_chain(group_id)
            .iter()
            .map(|g| g.path.as_str())
            .collect();
        parts.reverse();
        parts.join("/")
    }

    pub fn group_full_name(&self, group_id: u64) -> String {
        let mut parts: Vec<&str> = self
            .group_chain(group_id)
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        parts.reverse();
        parts.join(" / ")
    }

    pub fn project_full_path(&self, project: &Project) -> String {
        format!(
            "{}/{}",
            self.group_full_path(project.namespace_id),
            project.path
        )
    }

    pub fn project_full_name(&self, project: &Project) -> String {
        format!(
            "{} / {}",
            self.group_full_name(project.namespace_id),
            project.name
        )
    }

    /// `find_project`: digits are an id, anything else a full path (case-insensitive).
    pub fn find_project(&self, id_or_path: &str) -> Option<&Project> {
        if !id_or_path.is_empty() && id_or_path.bytes().all(|b| b.is_ascii_digit()) {
            return id_or_path
                .parse::<u64>()
                .ok()
                .and_then(|id| self.project(id));
        }
        let wanted = id_or_path.to_lowercase();
        self.projects
            .iter()
            .find(|p| self.project_full_path(p).to_lowercase() == wanted)
    }

    /// Direct membership level in a project.
    pub fn direct_project_level(&self, project: &Project, user_id: u64) -> Option<u8> {
        project
            .members
            .iter()
            .filter(|m| m.user_id == user_id)
            .map(|m| m.access_level)
            .max()
    }

    /// Direct membership level in one group (not its ancestors).
    pub fn direct_group_level(&self, group_id: u64, user_id: u64) -> Option<u8> {
        self.group(group_id).and_then(|g| {
            g.members
                .iter()
                .filter(|m| m.user_id == user_id)
                .map(|m| m.access_level)
                .max()
        })
    }

    /// `highest_group_member`: the best membership in the group or any ancestor.
    pub fn highest_group_level(&self, group_id: u64, user_id: u64) -> Option<u8> {
        self.group_chain(group_id)
            .iter()
            .filter_map(|g| self.direct_group_level(g.id, user_id))
            .max()
    }

    /// `project.team.max_member_access`: the highest of the direct membership and memberships in
    /// the project's group and its ancestors. Admin status does not count here.
    pub fn effective_level(&self, project: &Project, user_id: u64) -> Option<u8> {
        let direct = self.direct_project_level(project, user_id);
        let inherited = self.highest_group_level(project.namespace_id, user_id);
        direct.max(inherited)
    }

    /// `can?(user, :read_project, project)`.
    pub fn can_read_project(&self, user: Option<&User>, project: &Project) -> bool {
        match (user, project.visibility) {
            (_, Visibility::Public) => true,
            (None, _) => false,
            (Some(u), _) if u.admin => true,
            (Some(_), Visibility::Internal) => true,
            (Some(u), Visibility::Private) => self.effective_level(project, u.id).is_some(),
        }
    }

    /// `project.feature_available?(:container_registry, user)`: off when disabled; for members
    /// with Reporter or above (inherited roles count) and admins when private; for everyone who
    /// sees the project when enabled. The instance's registry setting plays no part.
    pub fn container_registry_available(&self, project: &Project, user: Option<&User>) -> bool {
        match project.container_registry {
            FeatureAccess::Disabled => false,
            FeatureAccess::Enabled => true,
            FeatureAccess::Private => user.is_some_and(|u| {
                u.admin
                    || self
                        .effective_level(project, u.id)
                        .is_some_and(|l| l >= access::REPORTER)
            }),
        }
    }

    /// `find_group`: digits are an id, anything else a full path (case-insensitive).
    pub fn find_group(&self, id_or_path: &str) -> Option<&Group> {
        if !id_or_path.is_empty() && id_or_path.bytes().all(|b| b.is_ascii_digit()) {
            return id_or_path.parse::<u64>().ok().and_then(|id| self.group(id));
        }
        let wanted = id_or_path.to_lowercase();
        self.groups
            .iter()
            .find(|g| self.group_full_path(g.id).to_lowercase() == wanted)
    }

    /// Whether `group_id` is `ancestor_id` or below it.
    pub fn group_within(&self, group_id: u64, ancestor_id: u64) -> bool {
        self.group_chain(group_id)
            .iter()
            .any(|g| g.id == ancestor_id)
    }

    /// `can?(user, :read_group, group)`: visibility, a membership in the group or an ancestor,
    /// or any membership in a subgroup or project below it (GroupPolicy's `has_projects`).
    pub fn can_read_group(&self, user: Option<&User>, group: &Group) -> bool {
        match (user, group.visibility) {
            (_, Visibility::Public) => true,
            (None, _) => false,
            (Some(u), _) if u.admin => true,
            (Some(_), Visibility::Internal) => true,
            (Some(u), Visibility::Private) => {
                self.highest_group_level(group.id, u.id).is_some()
                    || self.groups.iter().any(|g| {
                        self.group_within(g.id, group.id)
                            && self.direct_group_level(g.id, u.id).is_some()
                    })
                    || self.projects.iter().any(|p| {
                        self.group_within(p.namespace_id, group.id)
                            && self.direct_project_level(p, u.id).is_some()
                    })
            }
        }
    }

    /// The members listed directly on a resource.
    pub fn resource_members(&self, resource: Resource) -> &[Member] {
        let members = match resource.kind {
            ResourceKind::Project => self.project(resource.id).map(|p| &p.members),
            ResourceKind::Group => self.group(resource.id).map(|g| &g.members),
        };
        members.map(Vec::as_slice).unwrap_or(&[])
    }

    /// A user's direct membership level in a resource.
    pub fn direct_level(&self, resource: Resource, user_id: u64) -> Option<u8> {
        self.resource_members(resource)
            .iter()
            .filter(|m| m.user_id == user_id)
            .map(|m| m.access_level)
            .max()
    }

    /// A user's effective role: inherited from the group hierarchy in both cases.
    pub fn resource_level(&self, resource: Resource, user_id: u64) -> Option<u8> {
        match resource.kind {
            ResourceKind::Project => self
                .project(resource.id)
                .and_then(|p| self.effective_level(p, user_id)),
            ResourceKind::Group => self.highest_group_level(resource.id, user_id),
        }
    }

    /// Ability to list, read and revoke a resource's access tokens (`read_resource_access_tokens`,
    /// `destroy_resource_access_tokens`): project Maintainer or group Owner (inherited roles
    /// count), or an admin.
    pub fn can_read_tokens(&self, user: &User, resource: Resource) -> bool {
        user.admin
            || self
                .resource_level(resource, user.id)
                .is_some_and(|l| l >= resource.kind.token_admin_level())
    }

    /// Ability to create and rotate tokens (`create_resource_access_tokens`,
    /// `manage_resource_access_tokens`): as above, but a token (bot) may not mint or rotate others.
    pub fn can_manage_tokens(&self, user: &User, resource: Resource) -> bool {
        !user.is_bot() && self.can_read_tokens(user, resource)
    }

    /// The resource's bot users, i.e. the owners of its access tokens.
    pub fn bot_ids(&self, resource: Resource) -> Vec<u64> {
        self.resource_members(resource)
            .iter()
            .filter(|m| {
                self.user(m.user_id)
                    .is_some_and(|u| u.bot_of == Some(resource))
            })
            .map(|m| m.user_id)
            .collect()
    }

    /// `find_token(resource, token_id)`: a non-impersonation token of one of the resource's bots.
    pub fn find_resource_token(&self, resource: Resource, token_id: &str) -> Option<&Token> {
        let id: u64 = token_id.parse().ok()?;
        let bots = self.bot_ids(resource);
        self.tokens
            .iter()
            .find(|t| t.id == id && bots.contains(&t.user_id))
    }

    /// Adds a member to a project or group.
    pub fn add_member(&mut self, resource: Resource, member: Member) {
        let members = match resource.kind {
            ResourceKind::Project => self.project_mut(resource.id).map(|p| &mut p.members),
            ResourceKind::Group => self
                .groups
                .iter_mut()
                .find(|g| g.id == resource.id)
                .map(|g| &mut g.members),
        };
        if let Some(members) = members {
            members.push(member);
        }
    }

    pub fn token_by_secret(&self, secret: &str) -> Option<&Token> {
        self.tokens.iter().find(|t| t.secret == secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_read_major_and_minor() {
        assert_eq!(parse_release("18.6.0"), Some((18, 6)));
        assert_eq!(parse_release("17.11.2-ee"), Some((17, 11)));
        assert_eq!(parse_release("17.10"), Some((17, 10)));
        assert_eq!(parse_release("18"), None);
        assert_eq!(parse_release("latest"), None);
        assert!((17, 10) > (17, 9), "tuples compare numerically");
    }
}
