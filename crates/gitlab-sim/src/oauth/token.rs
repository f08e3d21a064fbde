//! `/oauth/token` (authorization code and refresh grants), `/oauth/revoke` (RFC 7009) and
//! `/oauth/token/info`, as Doorkeeper's `TokensController` and GitLab's `TokenInfoController`
//! answer them.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::authorize::{scopes_valid, split_scopes};
use super::error::{invalid_token, json_response, OauthError};
use super::{uri, AccessToken, Application, OauthRequest};
use crate::state::SimState;

/// Client credentials as `Server#credentials` reads them: HTTP Basic first, then the
/// `client_id` and `client_secret` parameters. `None` when no client id was given.
fn credentials(request: &OauthRequest<'_>) -> Option<(String, Option<String>)> {
    let basic = request
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|encoded| {
            let engine = base64::engine::general_purpose::STANDARD;
            engine.decode(encoded.trim()).ok()
        })
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map(|text| match text.split_once(':') {
            Some((uid, secret)) => (uid.to_owned(), Some(secret.to_owned())),
            None => (text, None),
        })
        .filter(|(uid, _)| !uid.trim().is_empty());
    basic.or_else(|| {
        request
            .present("client_id")
            .map(|uid| (uid, request.param("client_secret")))
    })
}

/// `Application.by_uid_and_secret`: a non-confidential application needs no secret, but a
/// secret that is given must be right.
fn authenticate_client(state: &SimState, uid: &str, secret: Option<&str>) -> Option<Application> {
    let application = state.oauth.application(uid)?;
    let secret = secret.filter(|s| !s.trim().is_empty());
    match secret {
        None if !application.confidential => Some(application.clone()),
        Some(given) if application.secret.as_deref() == Some(given) => Some(application.clone()),
        _ => None,
    }
}

/// `TokenResponse`, with Doorkeeper's no-cache headers.
fn token_response(token: &AccessToken, now: chrono::DateTime<chrono::Utc>) -> Response {
    let mut response = json_response(
        StatusCode::OK,
        &json!({
            "access_token": token.token,
            "token_type": "Bearer",
            "expires_in": token.expires_in_seconds(now),
            "refresh_token": token.refresh_token,
            "scope": token.scopes.join(" "),
            "created_at": token.created_at.timestamp(),
        }),
    );
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// A code verifier RFC 7636 allows: 43 to 128 characters of `[A-Za-z0-9-._~]`.
pub fn verifier_well_formed(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))` without padding.
pub fn s256_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `AuthorizationCodeRequest#validate_code_verifier`, plus RFC 7636's verifier format.
fn verifier_matches(challenge: Option<&str>, method: Option<&str>, verifier: Option<&str>) -> bool {
    match (challenge, verifier) {
        (None, None) => true,
        (Some(challenge), Some(verifier)) => {
            verifier_well_formed(verifier)
                && match method {
                    Some("S256") => s256_challenge(verifier) == challenge,
                    Some("plain") => verifier == challenge,
                    _ => false,
                }
        }
        _ => false,
    }
}

/// `POST /oauth/token`.
pub(super) fn create(state: &mut SimState, request: &OauthRequest<'_>) -> Response {
    let result = match request.present("grant_type").as_deref() {
        None => Err(OauthError::missing("grant_type").with_state(request.param("state"))),
        Some("authorization_code") => authorization_code(state, request),
        Some("refresh_token") => refresh(state, request),
        // GitLab also runs the password, client credentials and device flows; the sim does not.
        Some(_) => {
            Err(OauthError::new("unsupported_grant_type").with_state(request.param("state")))
        }
    };
    match result {
        Ok(response) => response,
        Err(error) => error.into_json_response(),
    }
}

/// `grant_type=authorization_code`: a code from `/oauth/authorize` for a token pair, once.
fn authorization_code(
    state: &mut SimState,
    request: &OauthRequest<'_>,
) -> Result<Response, OauthError> {
    let Some(code) = request.present("code") else {
        return Err(OauthError::missing("code").with_state(request.param("state")));
    };
    let now = state.now();
    let grant = state.oauth.grants.iter().find(|g| g.code == code).cloned();
    let redirect_uri = request.present("redirect_uri");
    let verifier = request.present("code_verifier");
    if grant.as_ref().is_some_and(|g| g.code_challenge.is_some()) && verifier.is_none() {
        return Err(OauthError::missing("code_verifier"));
    }
    let Some(redirect_uri) = redirect_uri else {
        return Err(OauthError::missing("redirect_uri"));
    };
    let client = credentials(request)
        .and_then(|(uid, secret)| authenticate_client(state, &uid, secret.as_deref()))
        .ok_or_else(|| OauthError::new("invalid_client"))?;
    let grant = grant
        .filter(|g| g.application == client.uid && g.accessible(now))
        .ok_or_else(|| OauthError::new("invalid_grant"))?;
    if !uri::valid_for_authorization(&redirect_uri, [grant.redirect_uri.as_str()]) {
        return Err(OauthError::new("invalid_grant"));
    }
    if !verifier_matches(
        grant.code_challenge.as_deref(),
        grant.code_challenge_method.as_deref(),
        verifier.as_deref(),
    ) {
        return Err(OauthError::new("invalid_grant"));
    }
    if let Some(g) = state.oauth.grants.iter_mut().find(|g| g.code == code) {
        g.revoked = true;
    }
    let token = state
        .oauth
        .issue(&client.uid, grant.user_id, grant.scopes.clone(), now, None);
    Ok(token_response(&token, now))
}

/// `grant_type=refresh_token`: a new pair; the old pair lives until the new token is used.
fn refresh(state: &mut SimState, request: &OauthRequest<'_>) -> Result<Response, OauthError> {
    let Some(refresh_token) = request.present("refresh_token") else {
        return Err(OauthError::missing("refresh_token"));
    };
    let now = state.now();
    let old = state
        .oauth
        .tokens
        .iter()
        .find(|t| t.refresh_token == refresh_token)
        .filter(|t| !t.revoked(now))
        .cloned()
        .ok_or_else(|| OauthError::new("invalid_grant"))?;
    let client = match credentials(request) {
        Some((uid, secret)) => Some(
            authenticate_client(state, &uid, secret.as_deref())
                .ok_or_else(|| OauthError::new("invalid_client"))?,
        ),
        None => None,
    };
    let Some(client) = client.filter(|c| c.uid == old.application) else {
        return Err(OauthError::new("invalid_grant"));
    };
    let asked = request
        .param("scope")
        .or_else(|| request.param("scopes"))
        .filter(|s| !s.trim().is_empty());
    let scopes = match asked {
        Some(asked) => {
            if !scopes_valid(&asked, &old.scopes) {
                return Err(OauthError::new("invalid_scope"));
            }
            split_scopes(&asked)
        }
        // The client's scopes that the old token had, in the client's order.
        None if !client.scopes.is_empty() => client
            .scopes
            .iter()
            .filter(|s| old.scopes.contains(s))
            .cloned()
            .collect(),
        None => old.scopes.clone(),
    };
    let token = state.oauth.issue(
        &old.application,
        old.user_id,
        scopes,
        now,
        Some(old.refresh_token.clone()),
    );
    Ok(token_response(&token, now))
}

/// `POST /oauth/revoke`: `200 {}` whether or not the token existed. A token of a confidential
/// application may only be revoked by that application.
pub(super) fn revoke(state: &mut SimState, request: &OauthRequest<'_>) -> Response {
    let now = state.now();
    let value = request.param("token").unwrap_or_default();
    let by_refresh = |t: &&AccessToken| t.refresh_token == value;
    let found = if request.param("token_type_hint").as_deref() == Some("refresh_token") {
        state.oauth.tokens.iter().find(by_refresh)
    } else {
        state
            .oauth
            .tokens
            .iter()
            .find(|t| t.token == value)
            .or_else(|| state.oauth.tokens.iter().find(by_refresh))
    };
    let Some(found) = found.filter(|_| !value.is_empty()) else {
        return json_response(StatusCode::OK, &json!({}));
    };
    let id = found.id;
    let confidential = state
        .oauth
        .application(&found.application)
        .is_some_and(|a| a.confidential);
    if confidential {
        let client = credentials(request)
            .and_then(|(uid, secret)| authenticate_client(state, &uid, secret.as_deref()));
        if client.is_none_or(|c| c.uid != found.application) {
            return json_response(
                StatusCode::FORBIDDEN,
                &json!({"error": "unauthorized_client",
                        "error_description": "You are not authorized to revoke this token"}),
            );
        }
    }
    if let Some(t) = state.oauth.tokens.iter_mut().find(|t| t.id == id) {
        if !t.revoked(now) {
            t.revoked_at = Some(now);
        }
    }
    json_response(StatusCode::OK, &json!({}))
}

/// `GET /oauth/token/info`: Doorkeeper's token JSON plus GitLab's `scopes` and
/// `expires_in_seconds` copies.
pub(super) fn info(state: &mut SimState, request: &OauthRequest<'_>) -> Response {
    let now = state.now();
    let Some(value) = super::presented_token(request.headers, &request.params) else {
        return invalid_token();
    };
    let Some(id) = state.oauth.token_by_value(&value).map(|t| t.id) else {
        return invalid_token();
    };
    state.oauth.retire_previous(id, now);
    let Some(token) = state
        .oauth
        .tokens
        .iter()
        .find(|t| t.id == id)
        .filter(|t| t.accessible(now))
    else {
        return invalid_token();
    };
    let expires_in = token.expires_in_seconds(now);
    json_response(
        StatusCode::OK,
        &json!({
            "resource_owner_id": token.user_id,
            "scope": token.scopes,
            "expires_in": expires_in,
            "application": {"uid": token.application},
            "created_at": token.created_at.timestamp(),
            "scopes": token.scopes,
            "expires_in_seconds": expires_in,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(verifier_well_formed(verifier));
        assert_eq!(
            s256_challenge(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_shape() {
        assert!(!verifier_well_formed(&"a".repeat(42)));
        assert!(verifier_well_formed(&"a".repeat(43)));
        assert!(verifier_well_formed(&"~._-".repeat(32)));
        assert!(!verifier_well_formed(&"a".repeat(129)));
        assert!(!verifier_well_formed(&format!("{}+", "a".repeat(43))));
    }

    #[test]
    fn verifier_against_the_grant() {
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(verifier_matches(Some(c), Some("S256"), Some(v)));
        assert!(!verifier_matches(Some(c), Some("plain"), Some(v)));
        assert!(verifier_matches(Some(v), Some("plain"), Some(v)));
        assert!(verifier_matches(None, None, None));
        // A verifier for a code issued without a challenge is refused, as Doorkeeper does.
        assert!(!verifier_matches(None, None, Some(v)));
    }
}
