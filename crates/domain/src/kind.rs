//! The credential kinds tokenwarden manages, as data: what a kind is called, where it lives,
//! which scopes it takes, whether it has a role, how it expires, whether it rotates, which form
//! fields it has and where its secret comes from. Pages, forms, tables and requests read this
//! table instead of being written once per kind.

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
}
