//! Signing in: check the credential against `/user` and `/personal_access_tokens/self`, learn the
//! instance version, and keep all of it in memory only.

use crate::client::{oauth_post, Client, Credential, Grant};
use crate::transport::Transport;
use domain::error::ErrorKind;
use domain::models::{AccessToken, User, Version};
use domain::oauth::{self, Pending};
use domain::request;
use domain::secret::Zeroize;
use domain::{ApiError, GitLabUrl, Secret};
use std::rc::Rc;

pub struct Session {
    pub client: Client,
    pub user: User,
    /// The signing-in token's own record; None for tokens GitLab cannot describe (OAuth, or
    /// instances older than 15.5).
    pub token_info: Option<AccessToken>,
    pub version: Version,
    /// Whether the user asked to stay signed in in this tab (`sessionStorage`).
    pub keep: bool,
}

impl PartialEq for Session {
    fn eq(&self, other: &Self) -> bool {
        self.client == other.client && self.user == other.user
    }
}

impl Session {
    /// Scopes that allow writes; without them the page is read-only.
    pub fn can_write(&self) -> bool {
        if let Credential::OAuth(grant) = self.client.credential() {
            return grant.scope.split(' ').any(|s| s == "api");
        }
        self.token_info
            .as_ref()
            .is_none_or(|t| t.scopes.iter().any(|s| s == "api"))
    }

    /// Signed in with GitLab (OAuth) rather than a personal access token.
    pub fn is_oauth(&self) -> bool {
        matches!(self.client.credential(), Credential::OAuth(_))
    }

    pub fn read_only_reason(&self) -> Option<String> {
        if self.can_write() {
            return None;
        }
        if self.is_oauth() {
            return Some("Read-only: you signed in with GitLab for reading only. To create, rotate and revoke tokens, sign out and sign in again with full access.".into());
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
    pub keep: bool,
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
    let keep = creds.keep;
    drop(creds.token);
    start(Client::new(gitlab, token, transport), keep).await
}

/// Signs in with an OAuth grant from GitLab's authorize round trip.
pub async fn connect_oauth(
    gitlab: GitLabUrl,
    grant: Grant,
    transport: Rc<dyn Transport>,
    keep: bool,
) -> Result<Session, ConnectError> {
    let credential = Credential::OAuth(Rc::new(grant));
    start(Client::with_credential(gitlab, credential, transport), keep).await
}

/// Signs in again with a credential already checked once: kept by this tab (the user opted in),
/// or handed over by the sign-in page to the rest of the page.
pub async fn resume(
    gitlab: GitLabUrl,
    credential: Credential,
    transport: Rc<dyn Transport>,
    keep: bool,
) -> Result<Session, ConnectError> {
    start(Client::with_credential(gitlab, credential, transport), keep).await
}

/// Ends a GitLab sign-in for good: the access token (and with it its refresh token) is revoked.
/// A personal access token is the user's own and stays as it is.
pub async fn sign_out(client: Client) {
    if let Credential::OAuth(grant) = client.credential() {
        let form = oauth::revoke_body(&grant.client_id, grant.access.expose());
        // Nothing to tell the user if this fails: the page forgets the token either way, and
        // GitLab ends it within two hours.
        let _ = client.oauth_post("revoke", form).await;
    }
}

/// Finishes the round trip: the code GitLab sent back, exchanged for tokens with the verifier
/// this tab kept, then the usual sign-in. Errors are the page's sentences.
pub async fn finish_oauth(
    pending: Pending,
    code: &str,
    transport: Rc<dyn Transport>,
) -> Result<Session, String> {
    let gitlab =
        GitLabUrl::parse(&pending.gitlab).map_err(|e| format!("GitLab sign-in failed: {e}"))?;
    let form = oauth::code_exchange_body(&pending, code);
    let mut res = oauth_post(&*transport, &gitlab, "token", form)
        .await
        .map_err(|e| {
            format!(
                "GitLab could not be reached to finish the sign-in ({e}). Start the sign-in again."
            )
        })?;
    let tokens = if res.status == 200 {
        oauth::Tokens::from_json(&res.body).map_err(|_| {
            "GitLab's answer to the sign-in had no token in it. Start the sign-in again."
                .to_string()
        })
    } else {
        let (error, description) = oauth::token_error(&res.body);
        let error = if error.is_empty() {
            format!("status {}", res.status)
        } else {
            error
        };
        Err(oauth::refusal_message(&error, &description))
    };
    res.body.zeroize();
    let grant = Grant::from_tokens(tokens?, &pending.client_id, &pending.redirect_uri);
    connect_oauth(gitlab, grant, transport, pending.keep)
        .await
        .map_err(|e| e.sentence())
}

/// Who the credential belongs to and what the instance is: the same for every way in. The
/// three questions go out together, so a slow network costs one round trip, not three.
async fn start(client: Client, keep: bool) -> Result<Session, ConnectError> {
    // Only PATs can describe themselves (OAuth tokens get 400 there, instances before 15.5
    // 404): without a record the scopes are unknown, and GitLab still refuses what it must.
    let token_info = async {
        match client.credential() {
            Credential::Pat(_) => client.get::<AccessToken>(&request::token_self()).await.ok(),
            Credential::OAuth(_) => None,
        }
    };
    let (user, token_info, version) = futures_util::future::join3(
        client.get::<User>(&request::current_user()),
        token_info,
        client.get::<Version>(&request::version()),
    )
    .await;
    let user: User = user.map_err(|e| match e.kind {
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
    let version = version.unwrap_or(Version {
        version: String::new(),
    });
    Ok(Session {
        client,
        user,
        token_info,
        version,
        keep,
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

impl ConnectError {
    /// The error as one sentence, for places without a field to put it next to.
    pub fn sentence(&self) -> String {
        match self {
            ConnectError::Url(m) | ConnectError::Token(m) => m.clone(),
            ConnectError::Fields(u, t) => u.clone().or(t.clone()).unwrap_or_default(),
            ConnectError::Api(e) => e.summary(),
        }
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
            keep: self.keep,
        }
    }

    /// Whether the instance has `feature` (unknown versions count as current).
    pub fn supports(&self, feature: domain::features::Feature) -> bool {
        domain::features::supported(&self.version.version, feature)
    }
}
