//! Scope catalogs, one per token kind, with a line of help for each scope.

use crate::kind::Kind;

/// One scope a token can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeInfo {
    pub name: &'static str,
    pub help: &'static str,
}

/// `Gitlab::Auth.resource_bot_scopes`: every non-admin scope except `read_user`. Observability
/// scopes are left out because GitLab filters them unless the feature is on for the namespace.
pub const RESOURCE_SCOPES: &[ScopeInfo] = &[
    ScopeInfo {
        name: "api",
        help: "Full read and write access to the API, the registries and Git over HTTP.",
    },
    ScopeInfo {
        name: "read_api",
        help: "Read-only access to the API, including the package and container registries.",
    },
    ScopeInfo {
        name: "read_repository",
        help: "Pull (clone) the repository over HTTPS.",
    },
    ScopeInfo {
        name: "write_repository",
        help: "Push to and pull from the repository over HTTPS.",
    },
    ScopeInfo {
        name: "read_registry",
        help: "Pull images from the container registry, if it is enabled.",
    },
    ScopeInfo {
        name: "write_registry",
        help: "Push images to the container registry (pushing also needs read_registry).",
    },
    ScopeInfo {
        name: "create_runner",
        help: "Create runners for the project.",
    },
    ScopeInfo {
        name: "manage_runner",
        help: "Manage the project's runners: assign, update and delete them.",
    },
    ScopeInfo {
        name: "k8s_proxy",
        help: "Call the Kubernetes API through the agent for Kubernetes.",
    },
    ScopeInfo {
        name: "self_rotate",
        help: "Let the token rotate itself, and nothing else.",
    },
    ScopeInfo {
        name: "ai_features",
        help: "Use GitLab Duo features through the API.",
    },
];

/// Personal access token scopes any user may pick (`Gitlab::Auth.available_scopes_for` a
/// non-admin, without the feature-gated observability ones).
pub const PERSONAL_SCOPES: &[ScopeInfo] = &[
    ScopeInfo {
        name: "api",
        help: "Full read and write access to the API, the registries and Git over HTTP, as you.",
    },
    ScopeInfo {
        name: "read_api",
        help: "Read-only access to the API, including the package and container registries.",
    },
    ScopeInfo {
        name: "read_user",
        help: "Read your profile through /user and the read-only /users endpoints.",
    },
    ScopeInfo {
        name: "read_repository",
        help: "Pull (clone) repositories you can see over HTTPS.",
    },
    ScopeInfo {
        name: "write_repository",
        help: "Push to and pull from repositories over HTTPS.",
    },
    ScopeInfo {
        name: "read_registry",
        help: "Pull images from container registries, if enabled.",
    },
    ScopeInfo {
        name: "write_registry",
        help: "Push images to container registries, if enabled.",
    },
    ScopeInfo {
        name: "create_runner",
        help: "Create runners.",
    },
    ScopeInfo {
        name: "manage_runner",
        help: "Manage runners: assign, update and delete them.",
    },
    ScopeInfo {
        name: "k8s_proxy",
        help: "Call the Kubernetes API through the agent for Kubernetes.",
    },
    ScopeInfo {
        name: "self_rotate",
        help: "Let the token rotate itself, and nothing else.",
    },
    ScopeInfo {
        name: "ai_features",
        help: "Use GitLab Duo features through the API.",
    },
    ScopeInfo {
        name: "sudo",
        help: "Act as any user through the Sudo header (administrators only).",
    },
    ScopeInfo {
        name: "admin_mode",
        help: "Perform administrator actions when Admin Mode is on (administrators only).",
    },
];

/// Scopes only administrators' tokens may carry; offered only when an admin creates a token.
pub const ADMIN_SCOPES: [&str; 2] = ["sudo", "admin_mode"];

/// What `POST /user/personal_access_tokens` (a user creating their own token through the API)
/// accepts; anything else must be made in GitLab's own form.
pub const SELF_SERVICE_SCOPES: [&str; 2] = ["k8s_proxy", "self_rotate"];

/// `DeployToken::AVAILABLE_SCOPES`.
pub const DEPLOY_TOKEN_SCOPES: &[ScopeInfo] = &[
    ScopeInfo {
        name: "read_repository",
        help: "Clone the repository.",
    },
    ScopeInfo {
        name: "read_registry",
        help: "Pull images from the container registry.",
    },
    ScopeInfo {
        name: "write_registry",
        help: "Push images to the container registry.",
    },
    ScopeInfo {
        name: "read_package_registry",
        help: "Download packages from the package registry.",
    },
    ScopeInfo {
        name: "write_package_registry",
        help: "Publish packages to the package registry.",
    },
    ScopeInfo {
        name: "read_virtual_registry",
        help: "Pull through the dependency proxy and virtual registries.",
    },
    ScopeInfo {
        name: "write_virtual_registry",
        help: "Push to and delete from the dependency proxy and virtual registries.",
    },
];

/// Scopes that only some GitLab versions have: offered only where the instance has them.
pub const VIRTUAL_REGISTRY_SCOPES: [&str; 2] = ["read_virtual_registry", "write_virtual_registry"];

/// Advice shown next to a valid but ineffective scope choice.
pub fn scope_warnings(kind: Kind, scopes: &[String]) -> Vec<&'static str> {
    let has = |s: &str| scopes.iter().any(|x| x == s);
    let mut out = Vec::new();
    if matches!(kind, Kind::ProjectAccessToken | Kind::GroupAccessToken)
        && has("write_registry")
        && !has("read_registry")
    {
        out.push("write_registry alone cannot push: add read_registry too.");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_scopes_exclude_user_and_admin_scopes() {
        let kind = Kind::ProjectAccessToken;
        for forbidden in ["read_user", "sudo", "admin_mode", "read_service_ping"] {
            assert!(
                kind.scope(forbidden).is_none(),
                "{forbidden} must not be offered"
            );
        }
        assert!(kind.scope("api").is_some());
        for k in Kind::ALL {
            assert!(k.spec().scopes.iter().all(|s| !s.help.is_empty()));
        }
        assert!(Kind::PersonalAccessToken.scope("read_user").is_some());
        assert!(Kind::ProjectDeployToken.scope("api").is_none());
        for s in ADMIN_SCOPES.into_iter().chain(SELF_SERVICE_SCOPES) {
            assert!(Kind::PersonalAccessToken.scope(s).is_some(), "{s}");
        }
    }

    #[test]
    fn warns_about_write_registry_without_read() {
        let kind = Kind::ProjectAccessToken;
        assert_eq!(scope_warnings(kind, &["write_registry".into()]).len(), 1);
        assert!(
            scope_warnings(kind, &["write_registry".into(), "read_registry".into()]).is_empty()
        );
    }
}
