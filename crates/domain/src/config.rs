//! The deployment's optional `config.json`, served beside `index.html`: one build serves any
//! instance, and a team's copy names its own. Read by the page at start and by the build (for
//! the Content-Security-Policy), with the same rules and the same messages.

use crate::json::{Loose, Reader};
use crate::GitLabUrl;

/// The settings a deployment may give. Every one is optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteConfig {
    /// The GitLab the sign-in form starts with (and the only one the page may talk to).
    pub gitlab_url: Option<GitLabUrl>,
    /// The id of the GitLab application registered for this site: "Sign in with GitLab" is
    /// offered only with one.
    pub oauth_client_id: Option<String>,
    /// Where the token policy file is, relative to the page.
    pub policy_url: Option<String>,
}

const KEYS: [&str; 3] = ["gitlab_url", "oauth_client_id", "policy_url"];

impl SiteConfig {
    /// Reads `text`, the whole file. Errors are sentences about the file, naming the setting,
    /// for the page to show as they are. An unknown setting is an error too: a misspelt
    /// `gitlab_ur` silently ignored would leave the deployment open to every instance.
    pub fn parse(text: &str) -> Result<SiteConfig, String> {
        let mut config = SiteConfig::default();
        let mut problem = None::<String>;
        let mut r = Reader::new(text);
        let read = r.object(&mut |r, key| {
            let value = r.loose()?;
            if problem.is_none() {
                if let Err(p) = config.set(key, value) {
                    problem = Some(p);
                }
            }
            Ok(())
        });
        if let Err(e) = read.and_then(|()| r.end()) {
            let (line, column) = e.position(text);
            return Err(format!(
                "config.json is not a JSON object (stopped at line {line}, column {column})."
            ));
        }
        match problem {
            Some(p) => Err(format!("config.json: {p}")),
            None => Ok(config),
        }
    }

    fn set(&mut self, key: &str, value: Loose) -> Result<(), String> {
        let text = match value {
            // A null setting is an absent one, as a template with blanks would have it.
            Loose::Other => return Ok(()),
            Loose::Str(s) if !s.trim().is_empty() => s.trim().to_string(),
            Loose::Str(_) => return Ok(()),
            _ if KEYS.contains(&key) => return Err(format!("{key} must be a string.")),
            _ => String::new(),
        };
        match key {
            "gitlab_url" => {
                let url = GitLabUrl::parse(&text).map_err(|e| format!("gitlab_url: {e}"))?;
                self.gitlab_url = Some(url);
            }
            "oauth_client_id" => {
                // GitLab's application ids are 64 hex digits; anything outside this set is a
                // paste gone wrong and would only fail later, on GitLab's page.
                let plausible = text.len() <= 128
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !plausible {
                    return Err("oauth_client_id is not an application id: copy the \"Application ID\" from the application's page in GitLab.".into());
                }
                self.oauth_client_id = Some(text);
            }
            "policy_url" => {
                // Only a path on this site: a policy from elsewhere could be changed by anyone
                // who controls that host.
                if text.contains("://") || text.starts_with("//") || text.contains('\\') {
                    return Err(
                        "policy_url must be a path on this site, such as policy.json.".into(),
                    );
                }
                self.policy_url = Some(text);
            }
            other => {
                return Err(format!(
                    "unknown setting \u{201c}{other}\u{201d}; the settings are {}.",
                    KEYS.join(", ")
                ))
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_setting() {
        let c = SiteConfig::parse(
            r#"{"gitlab_url":"https://gitlab.example.com/","oauth_client_id":"0a1b2c","policy_url":"policy.json"}"#,
        )
        .unwrap();
        assert_eq!(c.gitlab_url.unwrap().base(), "https://gitlab.example.com");
        assert_eq!(c.oauth_client_id.as_deref(), Some("0a1b2c"));
        assert_eq!(c.policy_url.as_deref(), Some("policy.json"));
    }

    #[test]
    fn empty_and_null_settings_are_absent() {
        assert_eq!(SiteConfig::parse("{}").unwrap(), SiteConfig::default());
        let c = SiteConfig::parse(r#"{"gitlab_url":null,"oauth_client_id":"  "}"#).unwrap();
        assert_eq!(c, SiteConfig::default());
    }

    #[test]
    fn bad_files_say_what_is_wrong_and_where() {
        let e = SiteConfig::parse("{\n \"gitlab_url\": \"https://x\",\n}").unwrap_err();
        assert!(
            e.contains("not a JSON object") && e.contains("line 3"),
            "{e}"
        );
        let e = SiteConfig::parse("[]").unwrap_err();
        assert!(e.contains("not a JSON object"), "{e}");
        let e = SiteConfig::parse(r#"{"gitlab_ur":"https://x"}"#).unwrap_err();
        assert!(
            e.contains("unknown setting") && e.contains("gitlab_ur"),
            "{e}"
        );
        let e = SiteConfig::parse(r#"{"gitlab_url":42}"#).unwrap_err();
        assert_eq!(e, "config.json: gitlab_url must be a string.");
        let e = SiteConfig::parse(r#"{"gitlab_url":"ftp://x"}"#).unwrap_err();
        assert!(e.starts_with("config.json: gitlab_url: "), "{e}");
        let e = SiteConfig::parse(r#"{"gitlab_url":"http://gitlab.example.com"}"#).unwrap_err();
        assert!(e.contains("https"), "{e}");
        let e = SiteConfig::parse(r#"{"oauth_client_id":"abc def"}"#).unwrap_err();
        assert!(e.contains("Application ID"), "{e}");
        let e = SiteConfig::parse(r#"{"policy_url":"https://evil.example/p.json"}"#).unwrap_err();
        assert!(e.contains("path on this site"), "{e}");
    }

    #[test]
    fn the_first_problem_is_the_one_reported() {
        let e = SiteConfig::parse(r#"{"a":1,"gitlab_url":5}"#).unwrap_err();
        assert!(e.contains("\u{201c}a\u{201d}"), "{e}");
    }
}
