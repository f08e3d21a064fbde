//! Signing in: check the credential against `/user` and `/personal_access_tokens/self`, learn the
//! instance version, and keep all of it in memory only.

use crate::client::Client;
use crate::transport::Transport;
use domain::error::ErrorKind;
use domain::models::{AccessToken, User, Version};
use domain::request;
use domain::{ApiError, GitLabUrl, Secret};
use std::rc::Rc;

pub struct Session {
    pub client: Client,
    pub user: User,
    /// The signing-in token's own record; None for tokens GitLab cannot describe (OAuth, or
    /// instances older than 15.5).
    pub token_info: Option<AccessToken>,
    pub version: Version,
}

impl PartialEq for Session {
    fn eq(&self, other: &Self) -> bool {
        self.client == other.client && self.user == other.user
    }
}

impl Session {
    /// Scopes that allow writes; without them the page is read-only.
    pub fn can_write(&self) -> bool {
        self.token_info
            .as_ref()
            .is_none_or(|t| t.scopes.iter().any(|s| s == "api"))
    }

    pub fn read_only_reason(&self) -> Option<String> {
        if self.can_write() {
            return None;
        }
        let scopes = self
            .token_info
            .as_ref()
            .map(|t| t.scopes.join(", "))
            .unwrap_or_default();
        Some(format!(
            "Read-only: your token has the scopes {scopes}. Creating, rotating and revoking tokens needs a token with the api scope."
        ))
    }
}

/// What the connect form sends.
pub struct Credentials {
    pub url: String,
    pub token: Secret,
}

fn token_problem(token: &str) -> Option<String> {
    let token = token.trim();
    if token.is_empty() {
        Some("Paste a personal access token.".into())
    } else if token.contains(char::is_whitespace) {
        Some("A token has no spaces or line breaks: check what was pasted.".into())
    } else if !token.chars().all(|c| c.is_ascii_graphic()) {
        // A pasted "…" or an invisible zero-width space would only be refused by GitLab later.
        Some("A token has only plain letters, digits and punctuation: what was pasted contains another character (an ellipsis or an invisible one). Copy the token again.".into())
    } else {
        None
    }
}

/// Both fields checked before anything is sent, so an empty form flags both at once.
pub fn check_form(url: &str, token: &str, page_origin: &str) -> (Option<String>, Option<String>) {
    let url_error = GitLabUrl::parse(url)
        .and_then(|u| u.not_this_site(page_origin))
        .err();
    (url_error, token_problem(token))
}

pub async fn connect(
    creds: Credentials,
    transport: Rc<dyn Transport>,
) -> Result<Session, ConnectError> {
    let gitlab = GitLabUrl::parse(&creds.url).map_err(ConnectError::Url)?;
    if let Some(problem) = token_problem(creds.token.expose()) {
        return Err(ConnectError::Token(problem));
    }
    let token = Secret::new(creds.token.expose().trim().to_string());
    drop(creds.token);
    let client = Client::new(gitlab, token, transport);
    let user: User = client.get(&request::current_user()).await.map_err(|e| match e.kind {
        ErrorKind::Unauthorized => ConnectError::Token(rejected_token_message(&e.message)),
        ErrorKind::InsufficientScope => ConnectError::Token(
            "This token cannot read your user profile: give it the api, read_api or read_user scope.".into(),
        ),
        // Something answered, but not GitLab's API: most often another site's address.
        ErrorKind::NotFound => ConnectError::Url(format!(
            "{base} has no GitLab API ({status} {message}). Check that this is your GitLab's address.",
            base = client.gitlab().base(),
            status = e.status.unwrap_or(404),
            message = e.message,
        )),
        ErrorKind::Unexpected => ConnectError::Url(format!(
            "What {} answered is not GitLab's API. Check that this is your GitLab's address.",
            client.gitlab().base()
        )),
        _ => ConnectError::Api(e),
    })?;
    // Only PATs can describe themselves; anything else (400 for OAuth, 404 before 15.5) just
    // means the scopes are unknown, and GitLab will still refuse what the token cannot do.
    let token_info = client.get::<AccessToken>(&request::token_self()).await.ok();
    let version = client
        .get::<Version>(&request::version())
        .await
        .unwrap_or(Version {
            version: String::new(),
        });
    Ok(Session {
        client,
        user,
        token_info,
        version,
    })
}

/// GitLab says why it refused a token (`Token is expired…`, `Token was revoked…`) or just
/// `401 Unauthorized` for one it does not know.
fn rejected_token_message(gitlab_says: &str) -> String {
    let m = gitlab_says.to_ascii_lowercase();
    if m.contains("expired") {
        "This token has expired. Create a new one in GitLab.".into()
    } else if m.contains("revoked") {
        "This token was revoked. Create a new one in GitLab.".into()
    } else {
        "GitLab did not accept this token: it is unknown, expired or revoked, or belongs to another instance.".into()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ConnectError {
    Url(String),
    Token(String),
    /// What the form's own check found, per field.
    Fields(Option<String>, Option<String>),
    Api(ApiError),
}

impl Session {
    /// The session after its own token was rotated: same user and instance, the new value
    /// and its record.
    pub fn with_token(&self, token: Secret, record: &AccessToken) -> Session {
        Session {
            client: self.client.with_token(token),
            user: self.user.clone(),
            token_info: Some(record.clone()),
            version: self.version.clone(),
        }
    }

    /// Whether the instance has `feature` (unknown versions count as current).
    pub fn supports(&self, feature: domain::features::Feature) -> bool {
        domain::features::supported(&self.version.version, feature)
    }
}
