//! Scope catalogs, one per token kind, with a line of help for each scope.

/// One scope a token can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeInfo {
    pub name: &'static str,
    pub help: &'static str,
}

/// The token kinds tokenwarden manages. Each has its own valid scopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    ProjectAccessToken,
}

impl TokenKind {
    pub fn label(self) -> &'static str {
        match self {
            TokenKind::ProjectAccessToken => "project access token",
        }
    }

    pub fn scopes(self) -> &'static [ScopeInfo] {
        match self {
            TokenKind::ProjectAccessToken => RESOURCE_SCOPES,
        }
    }

    pub fn scope(self, name: &str) -> Option<&'static ScopeInfo> {
        self.scopes().iter().find(|s| s.name == name)
    }
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

/// Advice shown next to a valid but ineffective scope choice.
pub fn scope_warnings(kind: TokenKind, scopes: &[String]) -> Vec<&'static str> {
    let has = |s: &str| scopes.iter().any(|x| x == s);
    let mut out = Vec::new();
    if kind == TokenKind::ProjectAccessToken && has("write_registry") && !has("read_registry") {
        out.push("write_registry alone cannot push: add read_registry too.");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_scopes_exclude_user_and_admin_scopes() {
        let kind = TokenKind::ProjectAccessToken;
        for forbidden in ["read_user", "sudo", "admin_mode", "read_service_ping"] {
            assert!(
                kind.scope(forbidden).is_none(),
                "{forbidden} must not be offered"
            );
        }
        assert!(kind.scope("api").is_some());
        assert!(kind.scopes().iter().all(|s| !s.help.is_empty()));
    }

    #[test]
    fn warns_about_write_registry_without_read() {
        let kind = TokenKind::ProjectAccessToken;
        assert_eq!(scope_warnings(kind, &["write_registry".into()]).len(), 1);
        assert!(
            scope_warnings(kind, &["write_registry".into(), "read_registry".into()]).is_empty()
        );
    }
}
