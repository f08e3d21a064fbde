//! GitLab roles (access levels) and the rule that a token may not outrank its creator.

/// The roles a project or group access token can hold (`Gitlab::Access.options_with_owner`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    Guest = 10,
    Planner = 15,
    Reporter = 20,
    Developer = 30,
    Maintainer = 40,
    Owner = 50,
}

impl AccessLevel {
    /// Every role a resource token may be given, lowest first.
    pub const ALL: [AccessLevel; 6] = [
        AccessLevel::Guest,
        AccessLevel::Planner,
        AccessLevel::Reporter,
        AccessLevel::Developer,
        AccessLevel::Maintainer,
        AccessLevel::Owner,
    ];

    /// GitLab's default for new project and group access tokens.
    pub const DEFAULT_FOR_TOKEN: AccessLevel = AccessLevel::Maintainer;

    pub fn from_level(level: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|r| *r as u8 == level)
    }

    /// Maps any membership level to the highest token role it covers; levels between the
    /// named ones (GitLab has 5 = Minimal access, 60 = admin) round down.
    pub fn covering(level: u8) -> Option<Self> {
        Self::ALL.into_iter().rev().find(|r| (*r as u8) <= level)
    }

    pub fn level(self) -> u8 {
        self as u8
    }

    pub fn label(self) -> &'static str {
        match self {
            AccessLevel::Guest => "Guest",
            AccessLevel::Planner => "Planner",
            AccessLevel::Reporter => "Reporter",
            AccessLevel::Developer => "Developer",
            AccessLevel::Maintainer => "Maintainer",
            AccessLevel::Owner => "Owner",
        }
    }
}

/// Who is asking: their effective role in the resource, and whether they are an instance admin
/// (admins bypass the role ceiling, as on GitLab).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller {
    pub role: Option<AccessLevel>,
    pub admin: bool,
}

impl Caller {
    /// The roles this caller may give a new token. Planner exists only from GitLab 17.7.
    pub fn grantable_roles(self, planner_supported: bool) -> Vec<AccessLevel> {
        AccessLevel::ALL
            .into_iter()
            .filter(|r| planner_supported || *r != AccessLevel::Planner)
            .filter(|r| self.may_grant(*r))
            .collect()
    }

    /// No escalation: a token's role must not exceed the creator's own.
    pub fn may_grant(self, role: AccessLevel) -> bool {
        self.admin || self.role.is_some_and(|own| role <= own)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip_and_reject_unknown() {
        for r in AccessLevel::ALL {
            assert_eq!(AccessLevel::from_level(r.level()), Some(r));
        }
        for bad in [0u8, 5, 25, 60] {
            assert_eq!(AccessLevel::from_level(bad), None);
        }
        assert_eq!(AccessLevel::covering(60), Some(AccessLevel::Owner));
        assert_eq!(AccessLevel::covering(5), None);
    }

    #[test]
    fn maintainer_cannot_grant_owner_but_owner_and_admin_can() {
        let maintainer = Caller {
            role: Some(AccessLevel::Maintainer),
            admin: false,
        };
        assert!(maintainer.may_grant(AccessLevel::Maintainer));
        assert!(!maintainer.may_grant(AccessLevel::Owner));
        let owner = Caller {
            role: Some(AccessLevel::Owner),
            admin: false,
        };
        assert!(owner.may_grant(AccessLevel::Owner));
        let admin = Caller {
            role: None,
            admin: true,
        };
        assert!(admin.may_grant(AccessLevel::Owner));
    }

    #[test]
    fn grantable_roles_respect_ceiling_and_planner_support() {
        let maintainer = Caller {
            role: Some(AccessLevel::Maintainer),
            admin: false,
        };
        let roles = maintainer.grantable_roles(false);
        assert_eq!(roles.first(), Some(&AccessLevel::Guest));
        assert_eq!(roles.last(), Some(&AccessLevel::Maintainer));
        assert!(!roles.contains(&AccessLevel::Planner));
        assert!(maintainer
            .grantable_roles(true)
            .contains(&AccessLevel::Planner));
        let developer = Caller {
            role: Some(AccessLevel::Developer),
            admin: false,
        };
        assert_eq!(
            developer.grantable_roles(true).last(),
            Some(&AccessLevel::Developer)
        );
        let stranger = Caller {
            role: None,
            admin: false,
        };
        assert!(stranger.grantable_roles(true).is_empty());
    }
}
