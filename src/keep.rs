//! What may outlive a page load, all in this tab's `sessionStorage` (never `localStorage`): the
//! OAuth round trip's record until GitLab sends the user back, and the session itself only when
//! the user opted in to stay signed in in this tab.

use crate::client::{Client, Credential, Grant};
use domain::oauth::{Kept, KeptCredential, Pending};
use domain::secret::Zeroize;
use domain::{GitLabUrl, Secret};
use std::rc::Rc;

const SESSION_KEY: &str = "tokenwarden.session";
const PENDING_KEY: &str = "tokenwarden.oauth";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

fn copy(secret: &Secret) -> Secret {
    Secret::new(secret.expose().to_string())
}

/// Keeps the client's credential for a reload of this tab.
pub fn save(client: &Client) {
    let mut text = to_json(client);
    if let Some(s) = storage() {
        let _ = s.set_item(SESSION_KEY, &text);
    }
    text.zeroize();
}

/// The client's address and credential as text (it holds the secret: the caller wipes it).
pub fn to_json(client: &Client) -> String {
    let credential = match client.credential() {
        Credential::Pat(token) => KeptCredential::Pat(copy(&token)),
        Credential::OAuth(grant) => KeptCredential::OAuth {
            access: copy(&grant.access),
            refresh: grant.refresh.as_ref().map(copy),
            expires_at_ms: grant.expires_at_ms.max(0.0) as u64,
            client_id: grant.client_id.clone(),
            redirect_uri: grant.redirect_uri.clone(),
            scope: grant.scope.clone(),
        },
    };
    let kept = Kept {
        gitlab: client.gitlab().base().to_string(),
        credential,
    };
    kept.to_json()
}

/// The kept session, if this tab has one.
pub fn load() -> Option<(GitLabUrl, Credential)> {
    let mut text = storage()?.get_item(SESSION_KEY).ok().flatten()?;
    let kept = from_json(&text);
    text.zeroize();
    kept
}

/// What [`to_json`] wrote, or None for anything damaged. The caller wipes `text`.
pub fn from_json(text: &str) -> Option<(GitLabUrl, Credential)> {
    let kept = Kept::from_json(text)?;
    let gitlab = GitLabUrl::parse(&kept.gitlab).ok()?;
    let credential = match kept.credential {
        KeptCredential::Pat(token) => Credential::Pat(Rc::new(token)),
        KeptCredential::OAuth {
            access,
            refresh,
            expires_at_ms,
            client_id,
            redirect_uri,
            scope,
        } => Credential::OAuth(Rc::new(Grant {
            access,
            refresh,
            expires_at_ms: expires_at_ms as f64,
            client_id,
            redirect_uri,
            scope,
        })),
    };
    Some((gitlab, credential))
}

/// Forgets the kept session (sign-out, a credential that stopped working).
pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(SESSION_KEY);
        let _ = s.remove_item(PENDING_KEY);
    }
}

pub fn save_pending(pending: &Pending) -> bool {
    storage().is_some_and(|s| s.set_item(PENDING_KEY, &pending.to_json()).is_ok())
}

/// The round trip's record, removed as it is read: it serves one return from GitLab only.
pub fn take_pending() -> Option<Pending> {
    let s = storage()?;
    let text = s.get_item(PENDING_KEY).ok().flatten();
    let _ = s.remove_item(PENDING_KEY);
    Pending::from_json(&text?)
}
