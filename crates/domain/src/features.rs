//! Version gates: the oldest GitLab release that has each thing tokenwarden may offer, so the
//! page hides or explains a control instead of sending a request the instance would refuse.
//! Versions come from the "Introduced in" notes of GitLab's docs (paths in the comments); where
//! the docs were not conclusive the later candidate is used, so nothing is offered too early.

/// Something tokenwarden offers only from a given GitLab version on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    /// Planner role (access level 15). `doc/user/permissions.md`.
    PlannerRole,
    /// `description` on personal, project and group access tokens.
    /// `doc/api/personal_access_tokens.md`, `doc/api/project_access_tokens.md`.
    TokenDescriptions,
    /// `state` filter on project and group token lists. `doc/api/project_access_tokens.md`.
    ResourceTokenStateFilter,
    /// `expires_at` on the rotate endpoints. `doc/api/personal_access_tokens.md` ("Rotate").
    RotationExpiry,
    /// `POST /personal_access_tokens/self/rotate`. `doc/api/personal_access_tokens.md`.
    SelfRotation,
    /// `POST /user/personal_access_tokens`. `doc/api/user_tokens.md`.
    SelfServicePat,
    /// The `self_rotate` scope. `doc/user/profile/personal_access_tokens.md` (scopes table);
    /// merge request gitlab-org/gitlab!178111.
    SelfRotateScope,
    /// `self_rotate` accepted by `POST /user/personal_access_tokens`, which took `k8s_proxy`
    /// only through 18.x. `doc/api/user_tokens.md`; the first release was not pinned down, so
    /// the first one after 18.x is assumed.
    SelfServiceSelfRotateScope,
    /// `read_virtual_registry`/`write_virtual_registry` on group deploy tokens.
    /// `doc/user/project/deploy_tokens/_index.md`; scope added by gitlab-org/gitlab!174496 (API
    /// only), shown in the UI by !185059.
    DeployTokenVirtualRegistryScopes,
    /// `POST /admin/token`, generally available. `doc/api/admin/token.md` (17.5 behind a flag).
    AdminTokenLookup,
    /// `DELETE /admin/token`: an experiment behind `api_admin_token_revoke`. `doc/api/admin/token.md`.
    AdminTokenRevoke,
    /// Group access tokens API. `doc/api/group_access_tokens.md`.
    GroupAccessTokens,
    /// Deploy token values start with `gldt-`. `doc/security/tokens/index.md` (token prefixes).
    DeployTokenPrefix,
    /// `GET /personal_access_tokens/self`. `doc/api/personal_access_tokens.md`.
    PatSelfInfo,
    /// `expires_at` on pipeline trigger tokens. `doc/api/pipeline_triggers.md`; added by
    /// gitlab-org/gitlab!146912, release not pinned down, the later candidate is used.
    TriggerTokenExpiry,
    /// `expires_at` on deploy keys. `doc/api/deploy_keys.md` ("Add deploy key for a project");
    /// gitlab-org/gitlab!116309.
    DeployKeyExpiry,
}

impl Feature {
    pub const ALL: [Feature; 16] = [
        Feature::PlannerRole,
        Feature::TokenDescriptions,
        Feature::ResourceTokenStateFilter,
        Feature::RotationExpiry,
        Feature::SelfRotation,
        Feature::SelfServicePat,
        Feature::SelfRotateScope,
        Feature::SelfServiceSelfRotateScope,
        Feature::DeployTokenVirtualRegistryScopes,
        Feature::AdminTokenLookup,
        Feature::AdminTokenRevoke,
        Feature::GroupAccessTokens,
        Feature::DeployTokenPrefix,
        Feature::PatSelfInfo,
        Feature::TriggerTokenExpiry,
        Feature::DeployKeyExpiry,
    ];

    /// `(major, minor)` of the first release that has it.
    pub fn min_version(self) -> (u32, u32) {
        match self {
            Feature::PlannerRole | Feature::TokenDescriptions | Feature::AdminTokenRevoke => {
                (17, 7)
            }
            Feature::ResourceTokenStateFilter => (17, 2),
            Feature::RotationExpiry => (16, 6),
            Feature::SelfRotation => (16, 10),
            Feature::SelfServicePat => (16, 5),
            Feature::SelfRotateScope => (17, 9),
            Feature::SelfServiceSelfRotateScope => (19, 0),
            Feature::DeployTokenVirtualRegistryScopes => (18, 0),
            Feature::AdminTokenLookup => (17, 8),
            Feature::GroupAccessTokens => (14, 7),
            Feature::DeployTokenPrefix => (16, 7),
            Feature::PatSelfInfo => (15, 5),
            Feature::TriggerTokenExpiry => (17, 1),
            Feature::DeployKeyExpiry => (15, 11),
        }
    }

    /// "Needs GitLab 17.7 or later; this instance runs 17.2." None when the instance has it.
    pub fn explain(self, instance_version: &str) -> Option<String> {
        if supported(instance_version, self) {
            return None;
        }
        let (major, minor) = self.min_version();
        let running = instance_version.split(['-', '+', ' ']).next().unwrap_or("");
        Some(format!(
            "Needs GitLab {major}.{minor} or later; this instance runs {running}."
        ))
    }
}

/// `(major, minor)` of version strings like `18.1.1-ee` or `17.10.0-pre`; None when unreadable.
pub fn parse_version(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().split(['.', '-', '+']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Whether an instance at `version` has `f`. Unreadable versions count as the newest release:
/// a newer GitLab is far likelier than an unreadable old one.
pub fn supported(version: &str, f: Feature) -> bool {
    parse_version(version).is_none_or(|v| v >= f.min_version())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_gate_opens_at_its_version() {
        for f in Feature::ALL {
            let (major, minor) = f.min_version();
            let at = format!("{major}.{minor}.0");
            let before = if minor == 0 {
                format!("{}.11.9-ee", major - 1)
            } else {
                format!("{major}.{}.9-ee", minor - 1)
            };
            assert!(supported(&at, f), "{f:?} at {at}");
            assert!(supported(&format!("{}.0.0", major + 1), f), "{f:?}");
            assert!(!supported(&before, f), "{f:?} at {before}");
            assert!(f.explain(&at).is_none());
            assert!(f.explain(&before).is_some());
        }
    }

    #[test]
    fn the_table() {
        let table = [
            (Feature::PlannerRole, "17.6.3", "17.7.0"),
            (Feature::TokenDescriptions, "17.6.0-ee", "17.7.1-ee"),
            (Feature::ResourceTokenStateFilter, "17.1.0", "17.2.0"),
            (Feature::RotationExpiry, "16.5.2", "16.6.0"),
            (Feature::SelfRotation, "16.9.1", "16.10.0"),
            (Feature::SelfServicePat, "16.4.0", "16.5.0"),
            (Feature::SelfRotateScope, "17.8.0", "17.9.0"),
            (Feature::AdminTokenLookup, "17.7.0", "17.8.0"),
            (Feature::AdminTokenRevoke, "17.6.0", "17.7.0"),
            (Feature::GroupAccessTokens, "14.6.0", "14.7.0"),
            (Feature::DeployTokenPrefix, "16.6.0", "16.7.0"),
            (Feature::PatSelfInfo, "15.4.0", "15.5.0"),
            (Feature::DeployKeyExpiry, "15.10.0", "15.11.0"),
        ];
        for (f, no, yes) in table {
            assert!(!supported(no, f), "{f:?} {no}");
            assert!(supported(yes, f), "{f:?} {yes}");
        }
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(parse_version("17.10.0-pre"), Some((17, 10)));
        assert_eq!(parse_version("18.1.1-ee"), Some((18, 1)));
        assert_eq!(parse_version(" 16.5 "), Some((16, 5)));
        assert!(supported("17.10.0-pre", Feature::SelfRotateScope));
        assert!(supported("16.10.0", Feature::SelfRotation));
        assert!(!supported("16.9.0", Feature::SelfRotation));
        assert!(!supported("16.1.0", Feature::SelfRotation), "16.1 < 16.10");
    }

    #[test]
    fn unreadable_versions_count_as_current() {
        for v in [
            "",
            "garbage",
            "v17",
            "17",
            "17.x",
            "..",
            "-",
            "99999999999.1",
            "🦊.1",
        ] {
            assert_eq!(parse_version(v), None, "{v}");
            assert!(supported(v, Feature::SelfServiceSelfRotateScope), "{v}");
        }
    }

    #[test]
    fn explains_in_plain_words() {
        assert_eq!(
            Feature::PlannerRole.explain("17.2.1-ee").as_deref(),
            Some("Needs GitLab 17.7 or later; this instance runs 17.2.1.")
        );
        assert_eq!(
            Feature::SelfRotation.explain("16.9.0-pre").as_deref(),
            Some("Needs GitLab 16.10 or later; this instance runs 16.9.0.")
        );
        assert_eq!(Feature::PlannerRole.explain("18.0.0"), None);
        assert_eq!(Feature::PlannerRole.explain("garbage"), None);
    }
}
