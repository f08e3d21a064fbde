//! `/oauth/authorize`: Doorkeeper's `PreAuthorization` checks, GitLab's consent and error pages
//! (`Oauth::AuthorizationsController`), approving (`POST`) and denying (`DELETE`).
//!
//! GitLab overrides the `GET` action so that every refused request renders the error page (HTTP
//! 200), even errors Doorkeeper could send back to the client. Approving or denying goes through
//! Doorkeeper's own actions: errors the redirect URI may hear about are redirected there as
//! `?error=…&error_description=…&state=…`; the others (unknown client, unregistered redirect
//! URI, missing `client_id`) are answered as JSON.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::error::OauthError;
use super::{uri, Application, Grant, OauthRequest, DEFAULT_SCOPES};
use crate::state::{SimState, User};

/// A request that passed every check.
struct PreAuth {
    application: Application,
    redirect_uri: String,
    response_type: String,
    scopes: Vec<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

impl PreAuth {
    /// `pre_auth.scope`, as the consent form passes it on.
    fn scope(&self) -> String {
        self.scopes.join(" ")
    }
}

/// `Scopes.from_string`: whitespace-separated, duplicates dropped, order kept.
pub(super) fn split_scopes(text: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in text.split_whitespace() {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

/// `ScopeChecker.valid?`: present, no line breaks or tabs, every scope allowed.
pub(super) fn scopes_valid(text: &str, allowed: &[String]) -> bool {
    let parsed = split_scopes(text);
    !text.trim().is_empty()
        && !text.contains(['\n', '\r', '\t'])
        && parsed.iter().all(|s| allowed.contains(s))
}

/// `PreAuthorization` validations, in Doorkeeper's order.
fn pre_authorize(state: &SimState, request: &OauthRequest<'_>) -> Result<PreAuth, OauthError> {
    let client_state = request.param("state");
    let Some(client_id) = request.present("client_id") else {
        return Err(OauthError::missing("client_id").with_state(client_state));
    };
    let Some(application) = state.oauth.application(&client_id).cloned() else {
        return Err(OauthError::new("invalid_client").with_state(client_state));
    };
    let registered = application.redirect_uris(request.site_url);
    let redirect_uri = request.present("redirect_uri").unwrap_or_default();
    if !uri::valid_for_authorization(&redirect_uri, registered.iter().map(String::as_str)) {
        return Err(OauthError::new("invalid_redirect_uri").with_state(client_state));
    }
    let Some(response_type) = request.present("response_type") else {
        return Err(OauthError::missing("response_type").with_state(client_state));
    };
    // GitLab enables the code flow among the authorization flows; the implicit one is off.
    if response_type != "code" {
        return Err(OauthError::new("unsupported_response_type").with_state(client_state));
    }
    let scope = match request.present("scope") {
        Some(scope) => scope,
        // The default scopes the application also registered.
        None => DEFAULT_SCOPES
            .iter()
            .filter(|s| application.scopes.iter().any(|a| a == *s))
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    };
    if !scopes_valid(&scope, &application.scopes) {
        return Err(OauthError::new("invalid_scope").with_state(client_state));
    }
    let code_challenge = request.present("code_challenge");
    let code_challenge_method = request.present("code_challenge_method");
    if code_challenge.is_some()
        && !matches!(code_challenge_method.as_deref(), Some("plain" | "S256"))
    {
        return Err(OauthError::new("invalid_code_challenge_method").with_state(client_state));
    }
    Ok(PreAuth {
        application,
        redirect_uri,
        response_type,
        scopes: split_scopes(&scope),
        state: client_state.filter(|s| !s.trim().is_empty()),
        code_challenge,
        code_challenge_method,
    })
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn html(title: &str, main: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · gitlab-sim</title>\n</head>\n<body>\n<main role=\"main\">\n{main}</main>\n\
         </body>\n</html>\n",
        escape(title)
    );
    let mut response = (StatusCode::OK, page).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; form-action 'self' http: https:; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// GitLab's `doorkeeper/authorizations/error` view.
fn error_page(error: &OauthError) -> Response {
    html(
        "An error has occurred",
        &format!(
            "<h3 class=\"page-title\">An error has occurred</h3>\n<pre>{}</pre>\n",
            escape(&error.description)
        ),
    )
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(name),
        escape(value)
    )
}

/// The consent page: the application, its scopes, one approval form per fixture user (the sim
/// has no sessions, so the approver is chosen here) and a deny form.
fn consent_page(state: &SimState, pre: &PreAuth) -> Response {
    let name = escape(&pre.application.name);
    let fields = [
        hidden("client_id", &pre.application.uid),
        hidden("redirect_uri", &pre.redirect_uri),
        hidden("state", pre.state.as_deref().unwrap_or("")),
        hidden("response_type", &pre.response_type),
        hidden("scope", &pre.scope()),
        hidden(
            "code_challenge",
            pre.code_challenge.as_deref().unwrap_or(""),
        ),
        hidden(
            "code_challenge_method",
            pre.code_challenge_method.as_deref().unwrap_or(""),
        ),
    ]
    .join("\n");
    let mut main = format!(
        "<h1>Authorize {name} to use your account?</h1>\n\
         <p>An application called <strong>{name}</strong> is requesting access to a GitLab \
         account. It will be sent to <code>{}</code>.</p>\n\
         <p>This application will be able to:</p>\n<ul>\n",
        escape(&pre.redirect_uri)
    );
    for scope in &pre.scopes {
        main.push_str(&format!("<li><strong>{}</strong></li>\n", escape(scope)));
    }
    main.push_str(
        "</ul>\n<p>gitlab-sim has no sign-in: choose the user who approves.</p>\n\
         <ul class=\"approvers\">\n",
    );
    for user in state.users.iter().filter(|u| !u.is_bot()) {
        let admin = if user.admin { ", admin" } else { "" };
        main.push_str(&format!(
            "<li><form method=\"post\" action=\"/oauth/authorize\">\n{fields}\n{}\n\
             <button type=\"submit\" data-testid=\"approve-{}\">Authorize as {} ({}{admin})</button>\n\
             </form></li>\n",
            hidden("sim_user", &user.username),
            escape(&user.username),
            escape(&user.username),
            escape(&user.name),
        ));
    }
    main.push_str(&format!(
        "</ul>\n<form method=\"post\" action=\"/oauth/authorize\">\n{}\n{fields}\n\
         <button type=\"submit\" data-testid=\"deny\">Deny</button>\n</form>\n",
        hidden("_method", "delete")
    ));
    html(&format!("Authorize {}", pre.application.name), &main)
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Doorkeeper's `redirect_or_render` for a refusal.
fn refuse(error: OauthError, request: &OauthRequest<'_>) -> Response {
    if error.redirectable() {
        let target = request.present("redirect_uri").unwrap_or_default();
        redirect(&uri::with_query(&target, &error.query_pairs()))
    } else {
        error.into_json_response()
    }
}

/// The approving user named by `sim_user` (humans only: bots cannot sign in).
fn approver(state: &SimState, request: &OauthRequest<'_>) -> Option<User> {
    let wanted = request.present("sim_user")?;
    state
        .users
        .iter()
        .find(|u| !u.is_bot() && u.username.eq_ignore_ascii_case(&wanted))
        .cloned()
}

/// The sim's own refusal when nobody (known) approves.
fn no_approver(request: &OauthRequest<'_>) -> Response {
    let wanted = request.param("sim_user").unwrap_or_default();
    crate::errors::text_response(
        StatusCode::BAD_REQUEST,
        &format!(
            "sim_user must name a fixture user who approves (gitlab-sim has no sign-in); got \
             {wanted:?}\n"
        ),
    )
}

/// `GET /oauth/authorize`: the consent page, or the error page; with `sim_user`, an immediate
/// approval.
pub(super) fn show(state: &mut SimState, request: &OauthRequest<'_>) -> Response {
    if request.present("sim_user").is_some() {
        return approve(state, request);
    }
    match pre_authorize(state, request) {
        Ok(pre) => consent_page(state, &pre),
        Err(error) => error_page(&error),
    }
}

/// `POST /oauth/authorize`: the user approves; a code goes back to the redirect URI.
pub(super) fn approve(state: &mut SimState, request: &OauthRequest<'_>) -> Response {
    let Some(user) = approver(state, request) else {
        return no_approver(request);
    };
    let pre = match pre_authorize(state, request) {
        Ok(pre) => pre,
        Err(error) => return refuse(error, request),
    };
    let grant = Grant {
        code: crate::secrets::random_hex64(),
        application: pre.application.uid.clone(),
        user_id: user.id,
        redirect_uri: pre.redirect_uri.clone(),
        scopes: pre.scopes.clone(),
        code_challenge: pre.code_challenge.clone(),
        code_challenge_method: pre.code_challenge_method.clone(),
        created_at: state.now(),
        revoked: false,
    };
    let location = uri::with_query(
        &pre.redirect_uri,
        &[
            ("code", &grant.code),
            ("state", pre.state.as_deref().unwrap_or("")),
        ],
    );
    state.oauth.grants.push(grant);
    redirect(&location)
}

/// `DELETE /oauth/authorize` (a form's `_method=delete`): the user refuses.
pub(super) fn deny(state: &mut SimState, request: &OauthRequest<'_>) -> Response {
    match pre_authorize(state, request) {
        Ok(pre) => refuse(
            OauthError::new("access_denied").with_state(pre.state.clone()),
            request,
        ),
        Err(error) => refuse(error, request),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_split_on_whitespace_once_each() {
        assert_eq!(
            split_scopes(" api  read_user api"),
            vec!["api", "read_user"]
        );
        let allowed = vec!["api".to_owned(), "read_user".to_owned()];
        assert!(scopes_valid("api read_user", &allowed));
        assert!(!scopes_valid("", &allowed));
        assert!(!scopes_valid("api\tread_user", &allowed));
        assert!(!scopes_valid("api sudo", &allowed));
        assert!(super::super::known_scope("openid") && !super::super::known_scope("everything"));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
