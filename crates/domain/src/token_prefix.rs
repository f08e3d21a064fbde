//! "What is this token?": names a pasted GitLab secret from its prefix alone, says what it can do
//! and how to revoke it, without sending it anywhere. Length is never used: routable tokens vary
//! in length, and a custom instance prefix may come first. Prefixes follow GitLab's token
//! overview (`doc/security/tokens/index.md`, "Token prefixes").

use crate::kind::Kind;

/// A GitLab token type, as its prefix tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// Personal, impersonation, project or group access token: one prefix for all.
    AccessToken,
    DeployToken,
    RunnerAuthentication,
    /// A runner authentication token for a runner registered with a registration token.
    RunnerFromRegistration,
    PipelineTrigger,
    CiJob,
    OAuthApplicationSecret,
    Feed,
    IncomingEmail,
    KubernetesAgent,
    Scim,
    FeatureFlagsClient,
    Workspace,
    LegacyRunnerRegistration,
}

impl TokenType {
    pub const ALL: [TokenType; 14] = [
        TokenType::AccessToken,
        TokenType::DeployToken,
        TokenType::RunnerAuthentication,
        TokenType::RunnerFromRegistration,
        TokenType::PipelineTrigger,
        TokenType::CiJob,
        TokenType::OAuthApplicationSecret,
        TokenType::Feed,
        TokenType::IncomingEmail,
        TokenType::KubernetesAgent,
        TokenType::Scim,
        TokenType::FeatureFlagsClient,
        TokenType::Workspace,
        TokenType::LegacyRunnerRegistration,
    ];

    pub fn prefix(self) -> &'static str {
        match self {
            TokenType::AccessToken => "glpat-",
            TokenType::DeployToken => "gldt-",
            TokenType::RunnerAuthentication => "glrt-",
            TokenType::RunnerFromRegistration => "glrtr-",
            TokenType::PipelineTrigger => "glptt-",
            TokenType::CiJob => "glcbt-",
            TokenType::OAuthApplicationSecret => "gloas-",
            TokenType::Feed => "glft-",
            TokenType::IncomingEmail => "glimt-",
            TokenType::KubernetesAgent => "glagent-",
            TokenType::Scim => "glsoat-",
            TokenType::FeatureFlagsClient => "glffct-",
            TokenType::Workspace => "glwt-",
            TokenType::LegacyRunnerRegistration => "GR1348941",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TokenType::AccessToken => "Personal, project or group access token",
            TokenType::DeployToken => "Deploy token",
            TokenType::RunnerAuthentication => "Runner authentication token",
            TokenType::RunnerFromRegistration => {
                "Runner authentication token (runner registered with a registration token)"
            }
            TokenType::PipelineTrigger => "Pipeline trigger token",
            TokenType::CiJob => "CI/CD job token",
            TokenType::OAuthApplicationSecret => "OAuth application secret",
            TokenType::Feed => "Feed token",
            TokenType::IncomingEmail => "Incoming email token",
            TokenType::KubernetesAgent => "GitLab agent for Kubernetes token",
            TokenType::Scim => "SCIM token",
            TokenType::FeatureFlagsClient => "Feature flags client token",
            TokenType::Workspace => "Workspace token",
            TokenType::LegacyRunnerRegistration => "Runner registration token (legacy)",
        }
    }

    /// What someone holding it can do.
    pub fn can_do(self) -> &'static str {
        match self {
            TokenType::AccessToken => {
                "Acts as a user (for project and group tokens, the resource's bot user) with the \
                 scopes it was given: REST and GraphQL API, Git over HTTPS, registries. The prefix \
                 alone does not tell a personal token from a project or group one."
            }
            TokenType::DeployToken => {
                "Clones the repository and pulls or pushes container and package registry images \
                 as its scopes allow. It cannot call the REST API."
            }
            TokenType::RunnerAuthentication | TokenType::RunnerFromRegistration => {
                "Lets a runner pick up CI/CD jobs, with the variables and secrets those jobs see."
            }
            TokenType::PipelineTrigger => {
                "Starts pipelines on the project's branches and tags, running as the user who \
                 created the trigger."
            }
            TokenType::CiJob => {
                "Lets one running CI/CD job reach a limited set of API endpoints, repositories \
                 and registries. It stops working when the job ends."
            }
            TokenType::OAuthApplicationSecret => {
                "Lets an OAuth application exchange authorization codes for access tokens on \
                 behalf of users who authorised it."
            }
            TokenType::Feed => {
                "Reads the user's RSS and Atom feeds and calendar feeds (issues, activity)."
            }
            TokenType::IncomingEmail => {
                "Creates issues and merge requests by email as the user it belongs to."
            }
            TokenType::KubernetesAgent => {
                "Connects a Kubernetes cluster's agent to GitLab; whoever holds it can act as \
                 that agent."
            }
            TokenType::Scim => {
                "Lets an identity provider create, update and deprovision users through SCIM."
            }
            TokenType::FeatureFlagsClient => {
                "Lets an application read the project's feature flag settings."
            }
            TokenType::Workspace => "Authenticates one remote development workspace.",
            TokenType::LegacyRunnerRegistration => {
                "Registers new runners for a project, group or the whole instance."
            }
        }
    }

    /// How to revoke or rotate it, in GitLab's terms.
    pub fn revoke(self) -> &'static str {
        match self {
            TokenType::AccessToken => {
                "Revoke or rotate it on the Access tokens page where it was made (User settings, \
                 or the project's or group's Settings > Access tokens), or revoke it with \
                 DELETE /personal_access_tokens/self using the token itself."
            }
            TokenType::DeployToken => {
                "Revoke it on the project's or group's Settings > Repository > Deploy tokens page \
                 or with DELETE /projects/:id/deploy_tokens/:token_id \
                 (DELETE /groups/:id/deploy_tokens/:token_id for a group)."
            }
            TokenType::RunnerAuthentication | TokenType::RunnerFromRegistration => {
                "Reset it with POST /runners/reset_authentication_token (sending the token), or \
                 delete the runner from Settings > CI/CD > Runners."
            }
            TokenType::PipelineTrigger => {
                "Revoke it on the project's Settings > CI/CD > Pipeline trigger tokens page or \
                 with DELETE /projects/:id/triggers/:trigger_id."
            }
            TokenType::CiJob => {
                "It expires when its job finishes; cancel the job to end it sooner."
            }
            TokenType::OAuthApplicationSecret => {
                "Renew the secret on the application's page (User settings, Group settings or \
                 Admin area > Applications); the old secret stops working."
            }
            TokenType::Feed => {
                "Reset it on User settings > Access tokens (Feed token); an administrator can \
                 also reset it with DELETE /admin/token."
            }
            TokenType::IncomingEmail => {
                "Reset it on User settings > Access tokens (Incoming email token); an \
                 administrator can also reset it with DELETE /admin/token."
            }
            TokenType::KubernetesAgent => {
                "Revoke it on the agent's page (Operate > Kubernetes clusters) or with \
                 DELETE /projects/:id/cluster_agents/:agent_id/tokens/:token_id."
            }
            TokenType::Scim => {
                "Reset it where SCIM is set up: the group's Settings > SAML SSO on GitLab.com, \
                 Admin area > Settings on a self-managed instance."
            }
            TokenType::FeatureFlagsClient => {
                "Reset it from the project's Deploy > Feature flags page (Configure)."
            }
            TokenType::Workspace => "Stop or terminate the workspace it belongs to.",
            TokenType::LegacyRunnerRegistration => {
                "Reset it on the Settings > CI/CD > Runners page where it is shown. Registration \
                 tokens are deprecated; create runners with authentication tokens instead."
            }
        }
    }

    /// Whether `GET /personal_access_tokens/self` describes it (name, scopes, expiry).
    pub fn self_describable(self) -> bool {
        self == TokenType::AccessToken
    }

    /// The kinds tokenwarden manages that a token of this type may be; empty when none.
    pub fn managed_as(self) -> &'static [Kind] {
        match self {
            TokenType::AccessToken => &[
                Kind::PersonalAccessToken,
                Kind::ProjectAccessToken,
                Kind::GroupAccessToken,
            ],
            TokenType::DeployToken => &[Kind::ProjectDeployToken, Kind::GroupDeployToken],
            TokenType::PipelineTrigger => &[Kind::TriggerToken],
            _ => &[],
        }
    }

    /// Recognised, but its lifecycle is GitLab's alone (runner, job, feed tokens and the like).
    pub fn managed_here(self) -> bool {
        !self.managed_as().is_empty()
    }
}

/// What a pasted string is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recognised {
    Empty,
    /// A known prefix followed by token characters.
    Known {
        kind: TokenType,
        /// The instance's custom prefix came first.
        custom_prefix: bool,
    },
    /// Token characters, but no prefix GitLab uses.
    Unknown,
    /// Characters no GitLab token has, or a prefix with nothing after it.
    NotAToken,
}

impl Recognised {
    /// One sentence for the cases without a type.
    pub fn explain(self) -> Option<&'static str> {
        match self {
            Recognised::Known { .. } => None,
            Recognised::Empty => Some("Paste a token to see what it is."),
            Recognised::Unknown => Some(
                "No GitLab token prefix found. Tokens made before GitLab 14.5, or on an \
                 instance with its own prefix, may not have one.",
            ),
            Recognised::NotAToken => Some(
                "This does not look like a GitLab token: tokens contain only letters, digits, \
                 '.', '_' and '-' after their prefix.",
            ),
        }
    }
}

fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// Names a token from its prefix. `custom_prefix` is the instance's own prefix, if it has one;
/// it is stripped first, with or without the `-` that joins it to the type prefix.
pub fn recognise(token: &str, custom_prefix: Option<&str>) -> Recognised {
    let token = token.trim();
    if token.is_empty() {
        return Recognised::Empty;
    }
    if !token.chars().all(token_char) {
        return Recognised::NotAToken;
    }
    let stripped = custom_prefix
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .and_then(|p| token.strip_prefix(p))
        .map(|rest| rest.strip_prefix('-').unwrap_or(rest));
    // A custom prefix that happens to start a type prefix ("gl") must not hide it.
    let (body, kind, custom) = match stripped.and_then(|rest| type_of(rest).map(|t| (rest, t))) {
        Some((rest, t)) => (rest, Some(t), true),
        None => (token, type_of(token), false),
    };
    match kind {
        Some(t) if body.len() > t.prefix().len() => Recognised::Known {
            kind: t,
            custom_prefix: custom,
        },
        Some(_) => Recognised::NotAToken,
        None => Recognised::Unknown,
    }
}

/// [`recognise`] on an instance whose `personal_access_token_prefix` setting (read by admins
/// from the application settings) replaces `glpat-` for personal, project and group tokens.
pub fn recognise_on(token: &str, pat_prefix: &str) -> Recognised {
    let found = recognise(token, None);
    let (token, prefix) = (token.trim(), pat_prefix.trim());
    if found == Recognised::Unknown
        && !prefix.is_empty()
        && token.len() > prefix.len()
        && token.starts_with(prefix)
    {
        return Recognised::Known {
            kind: TokenType::AccessToken,
            custom_prefix: true,
        };
    }
    found
}

/// The type whose prefix starts `body`, the longest if several do.
fn type_of(body: &str) -> Option<TokenType> {
    TokenType::ALL
        .into_iter()
        .filter(|t| body.starts_with(t.prefix()))
        .max_by_key(|t| t.prefix().len())
}

/// Which access-token kind a token is, from the user it belongs to: project and group tokens
/// act as bot users named `project_{id}_bot_{hash}` and `group_{id}_bot_{hash}`.
pub fn access_token_kind(username: &str) -> Kind {
    let bot_of = |prefix: &str| {
        username.strip_prefix(prefix).is_some_and(|rest| {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with("_bot")
        })
    };
    if bot_of("project_") {
        Kind::ProjectAccessToken
    } else if bot_of("group_") {
        Kind::GroupAccessToken
    } else {
        Kind::PersonalAccessToken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(kind: TokenType) -> Recognised {
        Recognised::Known {
            kind,
            custom_prefix: false,
        }
    }

    #[test]
    fn every_prefix_is_recognised() {
        let table = [
            ("glpat-AbCdEfGhIjKlMnOpQrSt", TokenType::AccessToken),
            ("gldt-AbCdEfGhIjKlMnOpQrSt", TokenType::DeployToken),
            (
                "glrt-t1_AbCdEfGhIjKlMnOpQr",
                TokenType::RunnerAuthentication,
            ),
            (
                "glrtr-AbCdEfGhIjKlMnOpQrSt",
                TokenType::RunnerFromRegistration,
            ),
            ("glptt-0123456789abcdef0123", TokenType::PipelineTrigger),
            ("glcbt-64_AbCdEfGhIjKlMnOp", TokenType::CiJob),
            ("gloas-0123456789abcdef", TokenType::OAuthApplicationSecret),
            ("glft-AbCdEfGhIjKlMnOpQrSt", TokenType::Feed),
            ("glimt-AbCdEfGhIjKlMnOpQrSt", TokenType::IncomingEmail),
            ("glagent-AbCdEfGhIjKlMnOpQrSt", TokenType::KubernetesAgent),
            ("glsoat-AbCdEfGhIjKlMnOpQrSt", TokenType::Scim),
            ("glffct-AbCdEfGhIjKlMnOpQrSt", TokenType::FeatureFlagsClient),
            ("glwt-AbCdEfGhIjKlMnOpQrSt", TokenType::Workspace),
            (
                "GR1348941AbCdEfGhIjKlMnOpQrSt",
                TokenType::LegacyRunnerRegistration,
            ),
        ];
        assert_eq!(table.len(), TokenType::ALL.len());
        for (token, kind) in table {
            assert_eq!(recognise(token, None), known(kind), "{token}");
            assert_eq!(recognise(&format!("  {token}\r\n"), None), known(kind));
            assert!(!kind.label().is_empty() && kind.can_do().ends_with('.'));
            assert!(kind.revoke().ends_with('.'), "{kind:?}");
        }
        // A routable token: longer, with a dot.
        let routable = "glpat-Y2NlbGw6MQpvOjEKdTpuZmcvc3RyaW5nAAAAAAAAAAAAAAAAEQ.01.1a2b3c4d5";
        assert_eq!(recognise(routable, None), known(TokenType::AccessToken));
    }

    #[test]
    fn the_longest_prefix_wins() {
        assert_eq!(
            recognise("glrtr-abc", None),
            known(TokenType::RunnerFromRegistration)
        );
        assert_eq!(
            recognise("glrt-rabc", None),
            known(TokenType::RunnerAuthentication)
        );
    }

    #[test]
    fn a_custom_instance_prefix_is_stripped_first() {
        let with = |t: &str, p: &str| recognise(t, Some(p));
        let custom = |kind| Recognised::Known {
            kind,
            custom_prefix: true,
        };
        assert_eq!(
            with("mycompany-glpat-abc", "mycompany"),
            custom(TokenType::AccessToken)
        );
        assert_eq!(
            with("mycompany-gldt-abc", "mycompany-"),
            custom(TokenType::DeployToken)
        );
        assert_eq!(with("mycompany-abc", "mycompany"), Recognised::Unknown);
        assert_eq!(
            with("glpat-abc", "mycompany"),
            known(TokenType::AccessToken)
        );
        assert_eq!(with("glpat-abc", ""), known(TokenType::AccessToken));
        assert_eq!(with("glpat-abc", "gl"), known(TokenType::AccessToken));
        assert_eq!(recognise("mycompany-glpat-abc", None), Recognised::Unknown);
    }

    #[test]
    fn the_instance_pat_prefix_names_access_tokens() {
        let custom = Recognised::Known {
            kind: TokenType::AccessToken,
            custom_prefix: true,
        };
        assert_eq!(recognise_on("acme-abcdef", "acme-"), custom);
        assert_eq!(recognise_on("acme-", "acme-"), Recognised::Unknown);
        assert_eq!(
            recognise_on("gldt-abc", "acme-"),
            known(TokenType::DeployToken)
        );
        assert_eq!(
            recognise_on("glpat-abc", "glpat-"),
            known(TokenType::AccessToken)
        );
        assert_eq!(recognise_on("other-abc", "acme-"), Recognised::Unknown);
        assert_eq!(recognise_on("acme-abc", ""), Recognised::Unknown);
        assert_eq!(recognise_on("acme abc", "acme"), Recognised::NotAToken);
    }

    #[test]
    fn shape_checks() {
        assert_eq!(recognise("", None), Recognised::Empty);
        assert_eq!(recognise(" \n\t", None), Recognised::Empty);
        assert_eq!(recognise("glpat-", None), Recognised::NotAToken);
        assert_eq!(recognise("glpat-abc def", None), Recognised::NotAToken);
        assert_eq!(recognise("glpat-abc/def", None), Recognised::NotAToken);
        assert_eq!(recognise("glpat-abc=", None), Recognised::NotAToken);
        assert_eq!(recognise("glpat-äbc", None), Recognised::NotAToken);
        assert_eq!(recognise("GLPAT-abc", None), Recognised::Unknown);
        assert_eq!(recognise("ghp_abcdef", None), Recognised::Unknown);
        assert_eq!(recognise("AbCdEfGhIjKlMnOpQrSt", None), Recognised::Unknown);
        assert_eq!(recognise("gltst-abc", None), Recognised::Unknown);
        let long = format!("glpat-{}", "a".repeat(10_000));
        assert_eq!(recognise(&long, None), known(TokenType::AccessToken));
        assert_eq!(recognise(&"é".repeat(10_000), None), Recognised::NotAToken);
        for odd in [
            "\u{0}",
            "🔑glpat-x",
            "glpat-🔑",
            "\u{202e}glpat-x",
            "gl\u{200b}pat-x",
            "-",
        ] {
            assert_ne!(
                recognise(odd, Some("🔑")),
                known(TokenType::AccessToken),
                "{odd}"
            );
        }
        for r in [
            Recognised::Empty,
            Recognised::Unknown,
            Recognised::NotAToken,
        ] {
            assert!(r.explain().is_some());
        }
    }

    #[test]
    fn what_tokenwarden_manages() {
        use TokenType::*;
        assert!(AccessToken.self_describable());
        assert!(TokenType::ALL
            .iter()
            .filter(|t| **t != AccessToken)
            .all(|t| !t.self_describable()));
        assert_eq!(
            DeployToken.managed_as(),
            &[Kind::ProjectDeployToken, Kind::GroupDeployToken]
        );
        assert_eq!(PipelineTrigger.managed_as(), &[Kind::TriggerToken]);
        assert!(AccessToken
            .managed_as()
            .contains(&Kind::PersonalAccessToken));
        for t in [
            RunnerAuthentication,
            CiJob,
            Feed,
            Scim,
            Workspace,
            LegacyRunnerRegistration,
        ] {
            assert!(!t.managed_here(), "{t:?}");
        }
    }

    #[test]
    fn bot_usernames_name_the_access_token_kind() {
        for (username, kind) in [
            ("project_42_bot_3f2a", Kind::ProjectAccessToken),
            ("project_42_bot", Kind::ProjectAccessToken),
            ("group_7_bot_ab12", Kind::GroupAccessToken),
            ("alice", Kind::PersonalAccessToken),
            ("project_bot_x", Kind::PersonalAccessToken),
            ("project_42_robot", Kind::PersonalAccessToken),
            ("group_x_bot_1", Kind::PersonalAccessToken),
            ("", Kind::PersonalAccessToken),
        ] {
            assert_eq!(access_token_kind(username), kind, "{username}");
        }
    }
}
