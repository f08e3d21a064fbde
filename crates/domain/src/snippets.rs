//! Usage snippets shown next to a new secret, following GitLab's docs: Git over HTTPS takes any
//! non-blank username with the token as password; the REST API takes a `PRIVATE-TOKEN` header.

use crate::gitlab_url::GitLabUrl;
use crate::request::encode_component;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub title: &'static str,
    pub text: String,
    pub note: Option<&'static str>,
}

/// GitLab ignores the username when the password is an access token; this one says what it is.
pub const GIT_USERNAME: &str = "project-token";

/// What the snippets show in place of the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown<'a> {
    /// The secret itself, for copying or once the user chose to show it.
    Secret(&'a str),
    /// A placeholder while the secret is hidden.
    Masked,
}

pub const MASK: &str = "••••••••••••••••••••";

impl Shown<'_> {
    fn plain(self) -> String {
        match self {
            Shown::Secret(s) => s.to_string(),
            Shown::Masked => MASK.to_string(),
        }
    }

    /// Inside a URL the secret is percent-encoded; the mask is shown as is.
    fn in_url(self) -> String {
        match self {
            Shown::Secret(s) => encode_component(s),
            Shown::Masked => MASK.to_string(),
        }
    }
}

/// Puts `user:token@` into an `https://host/path.git` clone URL.
fn with_credentials(clone_url: &str, user: &str, token: Shown) -> Option<String> {
    let (scheme, rest) = clone_url.split_once("://")?;
    Some(format!("{scheme}://{user}:{}@{rest}", token.in_url()))
}

fn has_any(scopes: &[String], wanted: &[&str]) -> bool {
    scopes.iter().any(|s| wanted.contains(&s.as_str()))
}

/// Snippets for a project access token, with the secret or a mask in them.
pub fn project_token(
    gitlab: &GitLabUrl,
    project_id: u64,
    clone_url: &str,
    scopes: &[String],
    token: Shown,
) -> Vec<Snippet> {
    let mut out = Vec::new();
    if has_any(scopes, &["api", "read_repository", "write_repository"]) {
        if let Some(url) = with_credentials(clone_url, GIT_USERNAME, token) {
            out.push(Snippet {
                title: "Clone over HTTPS",
                text: format!("git clone {url}"),
                note: Some("Git saves this URL, token included, in .git/config. For long-lived clones use a credential helper."),
            });
        }
    }
    if has_any(scopes, &["api", "read_api"]) {
        out.push(Snippet {
            title: "Call the REST API",
            text: format!(
                "curl --header \"PRIVATE-TOKEN: {}\" \"{}/projects/{project_id}\"",
                token.plain(),
                gitlab.api_root()
            ),
            note: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_and_curl_snippets_follow_the_scopes() {
        let gl = GitLabUrl::parse("https://gitlab.example.com").unwrap();
        let clone = "https://gitlab.example.com/demo/web.git";
        let all = project_token(&gl, 7, clone, &["api".into()], Shown::Secret("glpat-abc"));
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].text,
            "git clone https://project-token:glpat-abc@gitlab.example.com/demo/web.git"
        );
        assert_eq!(
            all[1].text,
            "curl --header \"PRIVATE-TOKEN: glpat-abc\" \"https://gitlab.example.com/api/v4/projects/7\""
        );
        let git_only = project_token(
            &gl,
            7,
            clone,
            &["read_repository".into()],
            Shown::Secret("t"),
        );
        assert_eq!(git_only.len(), 1);
        assert!(git_only[0].text.starts_with("git clone"));
        assert!(project_token(&gl, 7, clone, &["read_registry".into()], Shown::Masked).is_empty());
        let odd = project_token(
            &gl,
            7,
            clone,
            &["read_repository".into()],
            Shown::Secret("a@b:c"),
        );
        assert!(odd[0].text.contains("a%40b%3Ac@"), "{}", odd[0].text);
        let masked = project_token(&gl, 7, clone, &["api".into()], Shown::Masked);
        assert!(masked.iter().all(|s| s.text.contains(MASK)), "{masked:?}");
        assert!(
            masked.iter().all(|s| !s.text.contains('%')),
            "the mask is not encoded: {masked:?}"
        );
    }
}
