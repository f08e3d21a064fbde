//! Usage snippets shown next to a new secret, following GitLab's docs, safe to paste into a
//! POSIX shell: every value that comes from the user or from GitLab is single-quoted, URLs are
//! built from the signed-in GitLab address and the project's path (never from URLs GitLab
//! returns), and the secret itself appears in no snippet. The first snippet reads it into a
//! shell variable without echo or history; the others pass it on stdin so it stays out of the
//! process list, `.git/config` and shell history.

use crate::gitlab_url::GitLabUrl;
use crate::kind::Kind;
use crate::request::encode_component;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub title: &'static str,
    pub text: String,
    pub note: Option<&'static str>,
}

/// What the snippets for one new credential are built from.
#[derive(Clone, Copy, Debug)]
pub struct SnippetInput<'a> {
    pub kind: Kind,
    pub gitlab: &'a GitLabUrl,
    /// `path_with_namespace` of the project, for clone URLs.
    pub project_path: Option<&'a str>,
    pub project_id: Option<u64>,
    /// Who the credential signs in as: the bot user of a project or group access token, the
    /// user's own username for a personal token, the deploy token's `username`.
    pub username: Option<&'a str>,
    pub scopes: &'a [String],
    /// Container registry host, e.g. `registry.example.com`, when the instance has one.
    pub registry_host: Option<&'a str>,
    pub deploy_token_name: Option<&'a str>,
}

/// `'value'`, with each `'` written as `'\''`: the shell expands nothing inside.
pub fn shell_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// `base/group/sub/project`, each path segment percent-encoded, `/` kept.
fn project_url(gitlab: &GitLabUrl, path: &str) -> String {
    let mut url = gitlab.base().to_string();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        url.push('/');
        url.push_str(&encode_component(segment));
    }
    url
}

fn https_clone_url(gitlab: &GitLabUrl, user: &str, path: &str) -> String {
    let url = project_url(gitlab, path);
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", &url));
    format!("{scheme}://{}@{rest}.git", encode_component(user))
}

fn variable(kind: Kind) -> &'static str {
    match kind {
        Kind::ProjectDeployToken | Kind::GroupDeployToken => "DEPLOY_TOKEN",
        Kind::TriggerToken => "TRIGGER_TOKEN",
        _ => "GITLAB_TOKEN",
    }
}

fn clone_note(kind: Kind) -> &'static str {
    match kind {
        Kind::ProjectAccessToken => {
            "Git asks for a password: paste the token. A project access token signs in as its \
             bot user (project_<id>_bot_…), not as you or gitlab+deploy-token-…."
        }
        Kind::GroupAccessToken => {
            "Git asks for a password: paste the token. A group access token signs in as its bot \
             user (group_<id>_bot_…), not as you or gitlab+deploy-token-…."
        }
        Kind::PersonalAccessToken => {
            "Git asks for a password: paste the token. A personal access token signs in with \
             your own username."
        }
        _ => {
            "Git asks for a password: paste the token. A deploy token signs in with its own \
             username (gitlab+deploy-token-… unless you chose one), not with yours."
        }
    }
}

/// Snippets for a credential that was just created, in the order they are useful.
pub fn for_kind(input: &SnippetInput) -> Vec<Snippet> {
    let SnippetInput {
        kind,
        gitlab,
        scopes,
        ..
    } = *input;
    let has = |wanted: &[&str]| has_any(scopes, wanted);
    let var = variable(kind);
    let api = gitlab.api_root();
    let is_deploy_token = matches!(kind, Kind::ProjectDeployToken | Kind::GroupDeployToken);
    let is_access_token = matches!(
        kind,
        Kind::ProjectAccessToken | Kind::GroupAccessToken | Kind::PersonalAccessToken
    );
    let mut out = Vec::new();

    if kind == Kind::DeployKey {
        if let Some(path) = input.project_path.filter(|p| !p.trim().is_empty()) {
            let mut target = String::from("git@");
            target.push_str(gitlab.host());
            target.push(':');
            target.push_str(path.trim_matches('/'));
            target.push_str(".git");
            out.push(Snippet {
                title: "Clone over SSH",
                text: format!("git clone {}", shell_quote(&target)),
                note: Some(
                    "Run it where the private key lives. If the instance uses another SSH host \
                     or port, take the SSH address from the project's Code button.",
                ),
            });
        }
        return out;
    }

    let user = input.username.filter(|u| !u.trim().is_empty());
    let repo_scopes: &[&str] = if is_deploy_token {
        &["read_repository"]
    } else {
        &["api", "read_repository", "write_repository"]
    };
    if kind != Kind::TriggerToken && has(repo_scopes) {
        if let (Some(user), Some(path)) = (user, input.project_path) {
            if !path.trim_matches('/').is_empty() {
                out.push(Snippet {
                    title: "Clone over HTTPS",
                    text: format!(
                        "git clone {}",
                        shell_quote(&https_clone_url(gitlab, user, path))
                    ),
                    note: Some(clone_note(kind)),
                });
            }
        }
    }

    let registry_scopes: &[&str] = if is_deploy_token {
        &["read_registry", "write_registry"]
    } else {
        &["api", "read_registry", "write_registry"]
    };
    if kind != Kind::TriggerToken && has(registry_scopes) {
        if let (Some(user), Some(registry)) = (user, input.registry_host) {
            out.push(Snippet {
                title: "Sign in to the container registry",
                text: format!(
                    "printf '%s' \"${var}\" | docker login {} -u {} --password-stdin",
                    shell_quote(registry),
                    shell_quote(user)
                ),
                note: Some("Docker stores the login in ~/.docker/config.json; run docker logout when done."),
            });
        }
    }

    let (package_scopes, header): (&[&str], &str) = if is_deploy_token {
        (
            &["read_package_registry", "write_package_registry"],
            "Deploy-Token",
        )
    } else {
        (&["api", "read_api"], "PRIVATE-TOKEN")
    };
    if kind != Kind::TriggerToken && has(package_scopes) {
        if let Some(id) = input.project_id {
            let url = format!("{api}/projects/{id}/packages/generic/<package>/<version>/<file>");
            out.push(Snippet {
                title: "Download from the package registry",
                text: format!(
                    "printf '{header}: %s\\n' \"${var}\" | curl --fail --header @- --remote-name {}",
                    shell_quote(&url)
                ),
                note: Some(
                    "A generic package; replace <package>, <version> and <file>. Other formats \
                     (npm, Maven, PyPI) take the same token in their own configuration.",
                ),
            });
        }
    }

    if is_deploy_token && input.deploy_token_name == Some("gitlab-deploy-token") {
        out.push(Snippet {
            title: "Use it in CI/CD jobs",
            text: "docker login -u \"$CI_DEPLOY_USER\" -p \"$CI_DEPLOY_PASSWORD\" \"$CI_REGISTRY\""
                .into(),
            note: Some(
                "A deploy token named gitlab-deploy-token is given to this project's CI/CD jobs \
                 as CI_DEPLOY_USER and CI_DEPLOY_PASSWORD; jobs need no copy of it.",
            ),
        });
    }

    if kind == Kind::TriggerToken {
        let project = match (input.project_id, input.project_path) {
            (Some(id), _) => Some(id.to_string()),
            (None, Some(path)) if !path.trim_matches('/').is_empty() => {
                Some(encode_component(path.trim_matches('/')))
            }
            _ => None,
        };
        if let Some(project) = project {
            let url = format!("{api}/projects/{project}/trigger/pipeline");
            out.push(Snippet {
                title: "Trigger a pipeline",
                text: format!(
                    "printf '%s' \"${var}\" | curl --fail --request POST --form 'token=<-' --form 'ref=main' {}",
                    shell_quote(&url)
                ),
                note: Some("Replace main with the branch or tag to run the pipeline for."),
            });
        }
    }

    if is_access_token {
        out.push(Snippet {
            title: "Check the token with the REST API",
            text: format!(
                "printf 'PRIVATE-TOKEN: %s\\n' \"${var}\" | curl --fail --header @- {}",
                shell_quote(&format!("{api}/personal_access_tokens/self"))
            ),
            note: Some("Shows the token's name, scopes and expiry; works with any scope."),
        });
    }

    if !out.is_empty() {
        let read = format!("printf 'Token: '; stty -echo; IFS= read -r {var}; stty echo; echo");
        out.insert(
            0,
            Snippet {
                title: "Put the token in a variable",
                text: read,
                note: Some(
                    "Paste the token at the prompt: nothing is shown and nothing goes into your \
                     shell history. The commands below read it from there.",
                ),
            },
        );
    }
    out
}

fn has_any(scopes: &[String], wanted: &[&str]) -> bool {
    scopes.iter().any(|s| wanted.contains(&s.as_str()))
}

#[cfg(test)]
mod for_kind_tests {
    use super::*;

    fn gl() -> GitLabUrl {
        GitLabUrl::parse("https://gitlab.example.com").unwrap()
    }

    fn scopes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn input<'a>(kind: Kind, gitlab: &'a GitLabUrl, scopes: &'a [String]) -> SnippetInput<'a> {
        SnippetInput {
            kind,
            gitlab,
            project_path: Some("demo/web"),
            project_id: Some(7),
            username: Some("project_7_bot_3f2a"),
            scopes,
            registry_host: Some("registry.example.com"),
            deploy_token_name: None,
        }
    }

    fn texts(snippets: &[Snippet]) -> Vec<&str> {
        snippets.iter().map(|s| s.text.as_str()).collect()
    }

    const READ: &str = "printf 'Token: '; stty -echo; IFS= read -r GITLAB_TOKEN; stty echo; echo";

    #[test]
    fn project_access_token_with_api() {
        let gl = gl();
        let sc = scopes(&["api"]);
        let out = for_kind(&input(Kind::ProjectAccessToken, &gl, &sc));
        assert_eq!(
            texts(&out),
            [
                READ,
                "git clone 'https://project_7_bot_3f2a@gitlab.example.com/demo/web.git'",
                "printf '%s' \"$GITLAB_TOKEN\" | docker login 'registry.example.com' -u 'project_7_bot_3f2a' --password-stdin",
                "printf 'PRIVATE-TOKEN: %s\\n' \"$GITLAB_TOKEN\" | curl --fail --header @- --remote-name 'https://gitlab.example.com/api/v4/projects/7/packages/generic/<package>/<version>/<file>'",
                "printf 'PRIVATE-TOKEN: %s\\n' \"$GITLAB_TOKEN\" | curl --fail --header @- 'https://gitlab.example.com/api/v4/personal_access_tokens/self'",
            ]
        );
        assert!(out[1].note.unwrap().contains("bot user"));
        assert!(out[1]
            .note
            .unwrap()
            .contains("not as you or gitlab+deploy-token"));
    }

    #[test]
    fn scopes_decide_which_snippets_appear() {
        let gl = gl();
        let titles = |kind, list: &[&str]| {
            let sc = scopes(list);
            for_kind(&input(kind, &gl, &sc))
                .iter()
                .map(|s| s.title)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            titles(Kind::GroupAccessToken, &["read_repository"]),
            [
                "Put the token in a variable",
                "Clone over HTTPS",
                "Check the token with the REST API"
            ]
        );
        assert_eq!(
            titles(Kind::PersonalAccessToken, &["read_registry"]),
            [
                "Put the token in a variable",
                "Sign in to the container registry",
                "Check the token with the REST API"
            ]
        );
        assert_eq!(
            titles(Kind::ProjectDeployToken, &["read_package_registry"]),
            [
                "Put the token in a variable",
                "Download from the package registry"
            ]
        );
        // Deploy tokens cannot use `api`, and cannot call the REST API.
        assert!(titles(Kind::ProjectDeployToken, &["api"]).is_empty());
    }

    #[test]
    fn deploy_token_uses_its_own_username_and_header() {
        let gl = gl();
        let sc = scopes(&["read_repository", "read_registry", "read_package_registry"]);
        let mut i = input(Kind::ProjectDeployToken, &gl, &sc);
        i.username = Some("gitlab+deploy-token-12");
        i.deploy_token_name = Some("gitlab-deploy-token");
        let out = for_kind(&i);
        assert_eq!(
            texts(&out),
            [
                "printf 'Token: '; stty -echo; IFS= read -r DEPLOY_TOKEN; stty echo; echo",
                "git clone 'https://gitlab%2Bdeploy-token-12@gitlab.example.com/demo/web.git'",
                "printf '%s' \"$DEPLOY_TOKEN\" | docker login 'registry.example.com' -u 'gitlab+deploy-token-12' --password-stdin",
                "printf 'Deploy-Token: %s\\n' \"$DEPLOY_TOKEN\" | curl --fail --header @- --remote-name 'https://gitlab.example.com/api/v4/projects/7/packages/generic/<package>/<version>/<file>'",
                "docker login -u \"$CI_DEPLOY_USER\" -p \"$CI_DEPLOY_PASSWORD\" \"$CI_REGISTRY\"",
            ]
        );
        assert!(out[1]
            .note
            .unwrap()
            .contains("deploy token signs in with its own username"));
        assert!(out[4].note.unwrap().contains("CI_DEPLOY_USER"));
        // Without a username there is nothing to sign in with.
        i.username = None;
        i.deploy_token_name = None;
        assert_eq!(for_kind(&i).len(), 2);
    }

    #[test]
    fn trigger_token_and_deploy_key() {
        let gl = gl();
        let none = scopes(&[]);
        let out = for_kind(&input(Kind::TriggerToken, &gl, &none));
        assert_eq!(
            texts(&out),
            [
                "printf 'Token: '; stty -echo; IFS= read -r TRIGGER_TOKEN; stty echo; echo",
                "printf '%s' \"$TRIGGER_TOKEN\" | curl --fail --request POST --form 'token=<-' --form 'ref=main' 'https://gitlab.example.com/api/v4/projects/7/trigger/pipeline'",
            ]
        );
        let mut by_path = input(Kind::TriggerToken, &gl, &none);
        by_path.project_id = None;
        assert!(for_kind(&by_path)[1]
            .text
            .ends_with("'https://gitlab.example.com/api/v4/projects/demo%2Fweb/trigger/pipeline'"));

        let key = for_kind(&input(Kind::DeployKey, &gl, &none));
        assert_eq!(
            texts(&key),
            ["git clone 'git@gitlab.example.com:demo/web.git'"]
        );
    }

    #[test]
    fn hostile_values_stay_quoted() {
        let gl = gl();
        let sc = scopes(&["api"]);
        let mut i = input(Kind::PersonalAccessToken, &gl, &sc);
        i.username = Some("o'neil $(rm -rf ~) `id`");
        i.registry_host = Some("reg.example.com'; rm -rf ~; echo '");
        i.project_path = Some("grp/it's $(x)\nnext");
        let out = for_kind(&i);
        assert_eq!(
            out[1].text,
            "git clone 'https://o%27neil%20%24%28rm%20-rf%20~%29%20%60id%60@gitlab.example.com/grp/it%27s%20%24%28x%29%0Anext.git'"
        );
        assert_eq!(
            out[2].text,
            "printf '%s' \"$GITLAB_TOKEN\" | docker login 'reg.example.com'\\''; rm -rf ~; echo '\\''' -u 'o'\\''neil $(rm -rf ~) `id`' --password-stdin"
        );
        let mut key = input(Kind::DeployKey, &gl, &sc);
        key.project_path = Some("a/b'$(c)");
        assert_eq!(
            for_kind(&key)[0].text,
            "git clone 'git@gitlab.example.com:a/b'\\''$(c).git'"
        );
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("'"), "''\\'''");
        assert_eq!(shell_quote("a\nb"), "'a\nb'");
    }

    #[test]
    fn plain_http_on_localhost_and_a_path_prefix() {
        let gl = GitLabUrl::parse("http://localhost:3000/gitlab").unwrap();
        let sc = scopes(&["read_repository"]);
        let mut i = input(Kind::PersonalAccessToken, &gl, &sc);
        i.username = Some("alice");
        assert_eq!(
            for_kind(&i)[1].text,
            "git clone 'http://alice@localhost:3000/gitlab/demo/web.git'"
        );
    }
}
