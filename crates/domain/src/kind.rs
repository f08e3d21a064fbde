//! The credential kinds tokenwarden manages, as data: what a kind is called, where it lives,
//! which scopes it takes, whether it has a role, how it expires, whether it rotates, which form
//! fields it has and where its secret comes from. Pages, forms, tables and requests read this
//! table instead of being written once per kind; a new kind is mostly a new [`Spec`].

use crate::error::Field;
use crate::request::{encode_component, ProjectRef};
use crate::role::AccessLevel;
use crate::scope::{ScopeInfo, DEPLOY_TOKEN_SCOPES, PERSONAL_SCOPES, RESOURCE_SCOPES};

/// Every credential kind with a page of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    ProjectAccessToken,
    GroupAccessToken,
    PersonalAccessToken,
    ProjectDeployToken,
    GroupDeployToken,
    DeployKey,
    TriggerToken,
}

/// What a credential belongs to; decides the first part of its API path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OwnerType {
    Project,
    Group,
    User,
    /// The whole instance: an administrator's lists of every user's personal tokens and every
    /// deploy token.
    Instance,
}

impl OwnerType {
    /// The kinds this owner type holds, in tab order.
    pub fn kinds(self) -> &'static [Kind] {
        match self {
            OwnerType::Project => &[
                Kind::ProjectAccessToken,
                Kind::ProjectDeployToken,
                Kind::DeployKey,
                Kind::TriggerToken,
            ],
            OwnerType::Group => &[Kind::GroupAccessToken, Kind::GroupDeployToken],
            OwnerType::User => &[Kind::PersonalAccessToken],
            // GitLab's instance list (`GET /deploy_tokens`) has project and group tokens alike;
            // they share one row shape.
            OwnerType::Instance => &[Kind::PersonalAccessToken, Kind::ProjectDeployToken],
        }
    }
}

/// A concrete owner: which project, group or user.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Project(ProjectRef),
    Group(ProjectRef),
    /// The signed-in user, as a non-admin sees their own tokens (no `user_id` filter).
    Me,
    /// A user by id: an admin's view of anyone's tokens, their own included.
    User(u64),
    /// Everyone's: admins only.
    Instance,
}

impl Owner {
    pub fn owner_type(&self) -> OwnerType {
        match self {
            Owner::Project(_) => OwnerType::Project,
            Owner::Group(_) => OwnerType::Group,
            Owner::Me | Owner::User(_) => OwnerType::User,
            Owner::Instance => OwnerType::Instance,
        }
    }

    /// `/projects/:id` or `/groups/:id`; None for users, whose tokens live under
    /// `/personal_access_tokens`.
    pub fn resource_path(&self) -> Option<String> {
        match self {
            Owner::Project(p) => Some(format!("/projects/{p}")),
            Owner::Group(g) => Some(format!("/groups/{g}")),
            Owner::Me | Owner::User(_) | Owner::Instance => None,
        }
    }

    /// The kinds this owner can hold, in tab order.
    pub fn kinds(&self) -> &'static [Kind] {
        self.owner_type().kinds()
    }
}

/// How a kind expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiryRule {
    /// A date from tomorrow to GitLab's maximum lifetime; tokenwarden always asks for one.
    Required,
    /// Optional; without one the credential never expires.
    Optional,
    /// The kind has no expiry tokenwarden sets.
    None,
}

/// Who may do what with a kind, as the lowest role GitLab accepts (admins always may).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Roles {
    pub view: AccessLevel,
    pub write: AccessLevel,
}

/// A kind, as data.
#[derive(Debug, PartialEq, Eq)]
pub struct Spec {
    pub kind: Kind,
    pub owner: OwnerType,
    /// Tab and heading text: "Access tokens".
    pub title: &'static str,
    /// The collection segment after the owner's path (`deploy_tokens`); also the route's tab.
    pub segment: &'static str,
    pub scopes: &'static [ScopeInfo],
    pub has_role: bool,
    pub expiry: ExpiryRule,
    pub rotates: bool,
    /// Whether GitLab can change it in place (`PUT`): deploy keys and triggers.
    pub editable: bool,
    /// Form fields in order.
    pub fields: &'static [Field],
    /// The fields an edit changes (`PUT`); empty when the kind cannot be edited.
    pub edit_fields: &'static [Field],
    /// Whether creating one returns a secret to reveal once.
    pub has_secret: bool,
    pub roles: Roles,
    /// Where the kind's page is in GitLab, after the owner's web URL.
    pub settings_path: &'static str,
    /// A sentence under the page heading.
    pub about: &'static str,
}

const MAINTAINER: Roles = Roles {
    view: AccessLevel::Maintainer,
    write: AccessLevel::Maintainer,
};
const OWNER: Roles = Roles {
    view: AccessLevel::Owner,
    write: AccessLevel::Owner,
};

static PROJECT_ACCESS_TOKEN: Spec = Spec {
    kind: Kind::ProjectAccessToken,
    owner: OwnerType::Project,
    title: "Access tokens",
    segment: "access_tokens",
    scopes: RESOURCE_SCOPES,
    has_role: true,
    expiry: ExpiryRule::Required,
    rotates: true,
    editable: false,
    edit_fields: &[],
    fields: &[
        Field::Name,
        Field::Description,
        Field::AccessLevel,
        Field::Scopes,
        Field::ExpiresAt,
    ],
    has_secret: true,
    roles: MAINTAINER,
    settings_path: "/-/settings/access_tokens",
    about: "Tokens that act as a bot member of this project, with the role and scopes you choose.",
};

static GROUP_ACCESS_TOKEN: Spec = Spec {
    kind: Kind::GroupAccessToken,
    owner: OwnerType::Group,
    segment: "access_tokens",
    roles: OWNER,
    about: "Tokens that act as a bot member of this group and every project in it. Only group Owners can see and manage them.",
    ..PROJECT_ACCESS_TOKEN
};

static PERSONAL_ACCESS_TOKEN: Spec = Spec {
    kind: Kind::PersonalAccessToken,
    owner: OwnerType::User,
    title: "Personal access tokens",
    segment: "personal_access_tokens",
    scopes: PERSONAL_SCOPES,
    has_role: false,
    fields: &[
        Field::Name,
        Field::Description,
        Field::Scopes,
        Field::ExpiresAt,
    ],
    // Users manage their own; the role fields are unused for user-owned kinds.
    roles: MAINTAINER,
    settings_path: "/-/user_settings/personal_access_tokens",
    about: "Tokens that act as you, with the scopes you choose.",
    ..PROJECT_ACCESS_TOKEN
};

static PROJECT_DEPLOY_TOKEN: Spec = Spec {
    kind: Kind::ProjectDeployToken,
    owner: OwnerType::Project,
    title: "Deploy tokens",
    segment: "deploy_tokens",
    scopes: DEPLOY_TOKEN_SCOPES,
    has_role: false,
    expiry: ExpiryRule::Optional,
    rotates: false,
    editable: false,
    edit_fields: &[],
    fields: &[
        Field::Name,
        Field::Username,
        Field::Scopes,
        Field::ExpiresAt,
    ],
    has_secret: true,
    roles: MAINTAINER,
    settings_path: "/-/settings/repository",
    about: "A username and token for cloning and for the container and package registries, without a user account. They cannot call the API and cannot be rotated: create a new one, then revoke the old.",
};

static GROUP_DEPLOY_TOKEN: Spec = Spec {
    kind: Kind::GroupDeployToken,
    owner: OwnerType::Group,
    roles: Roles {
        view: AccessLevel::Maintainer,
        write: AccessLevel::Owner,
    },
    about: "A username and token that reach every project of this group for cloning and the registries. Maintainers can see them; only Owners create and revoke them.",
    ..PROJECT_DEPLOY_TOKEN
};

static DEPLOY_KEY: Spec = Spec {
    kind: Kind::DeployKey,
    owner: OwnerType::Project,
    title: "Deploy keys",
    segment: "deploy_keys",
    scopes: &[],
    has_role: false,
    expiry: ExpiryRule::Optional,
    rotates: false,
    editable: true,
    fields: &[Field::Name, Field::Key, Field::CanPush, Field::ExpiresAt],
    edit_fields: &[Field::Name, Field::CanPush],
    has_secret: false,
    roles: MAINTAINER,
    settings_path: "/-/settings/repository",
    about: "SSH public keys with read (or read and write) access to this repository. The private key stays with you: tokenwarden never sees it.",
};

static TRIGGER_TOKEN: Spec = Spec {
    kind: Kind::TriggerToken,
    owner: OwnerType::Project,
    title: "Pipeline triggers",
    segment: "triggers",
    scopes: &[],
    has_role: false,
    expiry: ExpiryRule::None,
    rotates: false,
    editable: true,
    fields: &[Field::Description],
    edit_fields: &[Field::Description],
    has_secret: true,
    roles: MAINTAINER,
    settings_path: "/-/settings/ci_cd",
    about: "Tokens that start pipelines of this project through the API. GitLab shows the whole token only to the Maintainer who owns it.",
};

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::ProjectAccessToken,
        Kind::GroupAccessToken,
        Kind::PersonalAccessToken,
        Kind::ProjectDeployToken,
        Kind::GroupDeployToken,
        Kind::DeployKey,
        Kind::TriggerToken,
    ];

    pub fn spec(self) -> &'static Spec {
        match self {
            Kind::ProjectAccessToken => &PROJECT_ACCESS_TOKEN,
            Kind::GroupAccessToken => &GROUP_ACCESS_TOKEN,
            Kind::PersonalAccessToken => &PERSONAL_ACCESS_TOKEN,
            Kind::ProjectDeployToken => &PROJECT_DEPLOY_TOKEN,
            Kind::GroupDeployToken => &GROUP_DEPLOY_TOKEN,
            Kind::DeployKey => &DEPLOY_KEY,
            Kind::TriggerToken => &TRIGGER_TOKEN,
        }
    }

    /// Lower-case noun for sentences ("a project access token").
    pub fn label(self) -> &'static str {
        match self {
            Kind::ProjectAccessToken => "project access token",
            Kind::GroupAccessToken => "group access token",
            Kind::PersonalAccessToken => "personal access token",
            Kind::ProjectDeployToken => "project deploy token",
            Kind::GroupDeployToken => "group deploy token",
            Kind::DeployKey => "deploy key",
            Kind::TriggerToken => "pipeline trigger token",
        }
    }

    /// A stable snake_case name for files people write and read (policy files, exports,
    /// calendar ids): unlike [`Kind::label`] it never changes with the wording of the page.
    pub fn key(self) -> &'static str {
        match self {
            Kind::ProjectAccessToken => "project_access_token",
            Kind::GroupAccessToken => "group_access_token",
            Kind::PersonalAccessToken => "personal_access_token",
            Kind::ProjectDeployToken => "project_deploy_token",
            Kind::GroupDeployToken => "group_deploy_token",
            Kind::DeployKey => "deploy_key",
            Kind::TriggerToken => "trigger_token",
        }
    }

    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The kind an owner type keeps under a route tab (`deploy_tokens`).
    pub fn from_segment(owner: OwnerType, segment: &str) -> Option<Kind> {
        owner
            .kinds()
            .iter()
            .copied()
            .find(|k| k.spec().segment == segment)
    }

    pub fn scope(self, name: &str) -> Option<&'static ScopeInfo> {
        self.spec().scopes.iter().find(|s| s.name == name)
    }

    /// The label of a form field for this kind (a deploy key's name is its title; a trigger's
    /// only field is its description).
    pub fn field_label(self, field: Field) -> &'static str {
        match (self, field) {
            (Kind::DeployKey, Field::Name) => "Title",
            (Kind::TriggerToken, Field::Description) => "Description",
            (_, Field::Name) => "Name",
            (_, Field::Description) => "Description (optional)",
            (_, Field::Scopes) => "Scopes",
            (_, Field::AccessLevel) => "Role",
            (_, Field::ExpiresAt) => "Expires",
            (_, Field::Username) => "Username (optional)",
            (_, Field::Key) => "Public key",
            (_, Field::CanPush) => "Grant write access",
        }
    }

    /// What a row is called in buttons and headings ("token", "key", "trigger").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::DeployKey => "key",
            Kind::TriggerToken => "trigger",
            _ => "token",
        }
    }
}

/// A column of a kind's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Name,
    Scopes,
    Role,
    WriteAccess,
    Owner,
    Created,
    LastUsed,
    Expires,
}

impl Column {
    pub fn title(self) -> &'static str {
        match self {
            Column::Name => "Name",
            Column::Scopes => "Scopes",
            Column::Role => "Role",
            Column::WriteAccess => "Access",
            Column::Owner => "Owner",
            Column::Created => "Created",
            Column::LastUsed => "Last used",
            Column::Expires => "Expires",
        }
    }
}

impl Spec {
    /// Whether GitLab's API says when one was last used: deploy tokens and keys carry no
    /// last-use time, so "never used" cannot be said of them.
    pub fn reports_last_use(&self) -> bool {
        matches!(
            self.kind,
            Kind::ProjectAccessToken
                | Kind::GroupAccessToken
                | Kind::PersonalAccessToken
                | Kind::TriggerToken
        )
    }

    /// The table's columns, from what the kind has.
    pub fn columns(&self) -> Vec<Column> {
        let mut out = vec![Column::Name];
        if !self.scopes.is_empty() {
            out.push(Column::Scopes);
        }
        if self.has_role {
            out.push(Column::Role);
        }
        if self.kind == Kind::DeployKey {
            out.push(Column::WriteAccess);
        }
        if self.kind == Kind::TriggerToken {
            out.push(Column::Owner);
        }
        out.push(Column::Created);
        if self.reports_last_use() {
            out.push(Column::LastUsed);
        }
        if self.expiry != ExpiryRule::None {
            out.push(Column::Expires);
        }
        out
    }
}

/// A GitLab web URL for an owner's settings page of this kind, from the signed-in instance's
/// base and the owner's full path (never from a URL GitLab sent).
pub fn settings_url(base: &str, kind: Kind, full_path: &str) -> String {
    let spec = kind.spec();
    if spec.owner == OwnerType::User {
        return format!("{base}{}", spec.settings_path);
    }
    let path: Vec<String> = full_path.split('/').map(encode_component).collect();
    let groups = if spec.owner == OwnerType::Group {
        "groups/"
    } else {
        ""
    };
    format!("{base}/{groups}{}{}", path.join("/"), spec.settings_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_consistent_spec() {
        for kind in Kind::ALL {
            let s = kind.spec();
            assert_eq!(s.kind, kind);
            assert!(!s.fields.is_empty(), "{kind:?}");
            assert_eq!(
                s.has_role,
                s.fields.contains(&Field::AccessLevel),
                "{kind:?}"
            );
            assert_eq!(
                !s.scopes.is_empty(),
                s.fields.contains(&Field::Scopes),
                "{kind:?}"
            );
            assert_eq!(
                s.expiry != ExpiryRule::None,
                s.fields.contains(&Field::ExpiresAt),
                "{kind:?}"
            );
            assert!(s.roles.view <= s.roles.write, "{kind:?}");
            assert_eq!(Kind::from_segment(s.owner, s.segment), Some(kind));
        }
        // Only access tokens rotate; deploy keys carry no secret.
        let rotating: Vec<Kind> = Kind::ALL.into_iter().filter(|k| k.spec().rotates).collect();
        assert_eq!(
            rotating,
            [
                Kind::ProjectAccessToken,
                Kind::GroupAccessToken,
                Kind::PersonalAccessToken
            ]
        );
        assert!(!Kind::DeployKey.spec().has_secret);
    }

    #[test]
    fn keys_are_unique_and_read_back() {
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(Kind::from_key(k.key()), Some(k));
            assert_eq!(k as usize, i, "ALL is in declaration order");
            assert!(k.key().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
        assert_eq!(Kind::from_key("Project_access_token"), None);
        assert_eq!(Kind::from_key(""), None);
    }

    #[test]
    fn tables_show_what_each_kind_has() {
        use Column::*;
        assert_eq!(
            Kind::ProjectAccessToken.spec().columns(),
            [Name, Scopes, Role, Created, LastUsed, Expires]
        );
        assert_eq!(
            Kind::GroupDeployToken.spec().columns(),
            [Name, Scopes, Created, Expires]
        );
        assert_eq!(
            Kind::DeployKey.spec().columns(),
            [Name, WriteAccess, Created, Expires]
        );
        assert_eq!(
            Kind::TriggerToken.spec().columns(),
            [Name, Owner, Created, LastUsed]
        );
        for k in Kind::ALL {
            let s = k.spec();
            assert_eq!(s.editable, !s.edit_fields.is_empty(), "{k:?}");
            assert!(s.edit_fields.iter().all(|f| s.fields.contains(f)), "{k:?}");
        }
    }

    #[test]
    fn owners_know_their_kinds_and_paths() {
        let p = Owner::Project(ProjectRef::Path("a/b".into()));
        assert_eq!(p.resource_path().as_deref(), Some("/projects/a%2Fb"));
        assert!(p.kinds().contains(&Kind::DeployKey));
        let g = Owner::Group(ProjectRef::Id(10));
        assert_eq!(g.resource_path().as_deref(), Some("/groups/10"));
        assert_eq!(g.kinds(), [Kind::GroupAccessToken, Kind::GroupDeployToken]);
        assert_eq!(Owner::Me.resource_path(), None);
        assert_eq!(Owner::User(3).kinds(), [Kind::PersonalAccessToken]);
        for owner in [p, g, Owner::Me] {
            for k in owner.kinds() {
                assert_eq!(k.spec().owner, owner.owner_type());
            }
        }
    }

    #[test]
    fn group_kinds_need_owner_where_gitlab_does() {
        assert_eq!(Kind::GroupAccessToken.spec().roles.view, AccessLevel::Owner);
        assert_eq!(
            Kind::GroupDeployToken.spec().roles,
            Roles {
                view: AccessLevel::Maintainer,
                write: AccessLevel::Owner
            }
        );
        assert_eq!(Kind::ProjectDeployToken.spec().roles, MAINTAINER);
    }

    #[test]
    fn settings_links_are_built_from_the_instance() {
        let base = "https://gitlab.example.com";
        assert_eq!(
            settings_url(base, Kind::ProjectAccessToken, "demo/web"),
            "https://gitlab.example.com/demo/web/-/settings/access_tokens"
        );
        assert_eq!(
            settings_url(base, Kind::GroupDeployToken, "demo"),
            "https://gitlab.example.com/groups/demo/-/settings/repository"
        );
        assert_eq!(
            settings_url(base, Kind::PersonalAccessToken, ""),
            "https://gitlab.example.com/-/user_settings/personal_access_tokens"
        );
        assert_eq!(
            settings_url(base, Kind::TriggerToken, "a b/\"x\""),
            "https://gitlab.example.com/a%20b/%22x%22/-/settings/ci_cd"
        );
    }

    #[test]
    fn links_stay_on_the_signed_in_instance_whatever_gitlab_names_a_place() {
        // Links are built from the signed-in address and the path, never from a `web_url`
        // GitLab sent: a hostile path cannot make a `javascript:` or foreign link.
        let base = "https://gitlab.example.com";
        for hostile in [
            "javascript:alert(1)",
            "//evil.example/x",
            "https://evil.example",
            "../../evil",
            "a/..%2f..%2fevil",
            "x\u{0}y",
        ] {
            for kind in Kind::ALL {
                let url = settings_url(base, kind, hostile);
                // The authority ends at the first slash after it: the origin is the instance's.
                assert!(url.starts_with("https://gitlab.example.com/"), "{url}");
                assert!(
                    !url.chars().any(|c| c.is_control() || c.is_whitespace()),
                    "{url}"
                );
            }
        }
    }
}
