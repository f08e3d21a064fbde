//! GitLab's OAuth 2.0 provider (Doorkeeper behind `/oauth/*`), for the authorization code flow a
//! browser app uses: `/oauth/authorize`, `/oauth/token`, `/oauth/revoke` and `/oauth/token/info`.
//!
//! GitLab configures Doorkeeper (`config/initializers/doorkeeper.rb`) with refresh tokens, access
//! tokens that live 7200 seconds, authorization codes that live 600 seconds, hex token values,
//! `api` as the default scope, and PKCE available but not forced. A refresh issues a new token
//! pair and keeps the old pair usable until the new access token is first used (Doorkeeper's
//! `previous_refresh_token`); then the old pair is revoked.
//!
//! The sim has no browser sessions, so the consent page asks which fixture user approves, and
//! `sim_user=USERNAME` on `/oauth/authorize` approves at once (for scripts).

mod authorize;
pub mod error;
mod token;
pub mod uri;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::errors::text_response as text;
use crate::params::{media_type, parse_form, Params};
use crate::state::{SimState, PERSONAL_SCOPES};

/// `access_token_expires_in 7200`.
pub const ACCESS_TOKEN_SECONDS: i64 = 7200;
/// Doorkeeper's default `authorization_code_expires_in`.
pub const CODE_SECONDS: i64 = 600;
/// `Gitlab::Auth::DEFAULT_SCOPES`: what an authorization without `scope` asks for.
pub const DEFAULT_SCOPES: [&str; 1] = ["api"];
/// The text in an application's redirect URI that stands for the sim's own site listener.
pub const SITE_PLACEHOLDER: &str = "{site}";

/// Scopes an OAuth application may register and request: the personal-token scopes plus GitLab's
/// OpenID Connect ones.
pub fn known_scope(scope: &str) -> bool {
    PERSONAL_SCOPES.contains(&scope) || matches!(scope, "openid" | "profile" | "email")
}

/// A registered application (`oauth_applications`).
#[derive(Debug, Clone)]
pub struct Application {
    /// The client id (`application_id` in GitLab's API).
    pub uid: String,
    pub name: String,
    /// Only confidential applications have one that must be presented.
    pub secret: Option<String>,
    /// Registered redirect URIs as written in the fixture, `{site}` not yet expanded.
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
    pub confidential: bool,
}

impl Application {
    /// The registered URIs with `{site}` replaced by the site listener's URL; URIs that use the
    /// placeholder are left out when there is no site listener.
    pub fn redirect_uris(&self, site_url: Option<&str>) -> Vec<String> {
        self.redirect_uris
            .iter()
            .filter_map(|uri| {
                if uri.contains(SITE_PLACEHOLDER) {
                    site_url.map(|site| uri.replace(SITE_PLACEHOLDER, site))
                } else {
                    Some(uri.clone())
                }
            })
            .collect()
    }
}

/// An authorization code (`oauth_access_grants`).
#[derive(Debug, Clone)]
pub struct Grant {
    pub code: String,
    pub application: String,
    pub user_id: u64,
    /// The redirect URI of the authorization request, which the exchange must repeat.
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

impl Grant {
    /// `accessible?`: neither used nor older than ten minutes.
    pub fn accessible(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && now <= self.created_at + Duration::seconds(CODE_SECONDS)
    }
}

/// An access token with its refresh token (one `oauth_access_tokens` row).
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub id: u64,
    pub application: String,
    pub user_id: u64,
    pub token: String,
    pub refresh_token: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The refresh token this pair replaced; that pair is revoked when this token is first used.
    pub previous_refresh_token: Option<String>,
}

impl AccessToken {
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.created_at + Duration::seconds(ACCESS_TOKEN_SECONDS)
    }

    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now > self.expires_at()
    }

    pub fn revoked(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_some_and(|at| at <= now)
    }

    pub fn accessible(&self, now: DateTime<Utc>) -> bool {
        !self.expired(now) && !self.revoked(now)
    }

    /// `expires_in_seconds`: what is left, rounded to the second, never negative.
    pub fn expires_in_seconds(&self, now: DateTime<Utc>) -> i64 {
        let left = (self.expires_at() - now).num_milliseconds();
        ((left as f64 / 1000.0).round() as i64).max(0)
    }
}

/// Everything OAuth keeps.
#[derive(Debug, Clone, Default)]
pub struct OauthState {
    pub applications: Vec<Application>,
    pub grants: Vec<Grant>,
    pub tokens: Vec<AccessToken>,
    pub next_token_id: u64,
}

impl OauthState {
    pub fn application(&self, uid: &str) -> Option<&Application> {
        self.applications.iter().find(|a| a.uid == uid)
    }

    pub fn token_by_value(&self, value: &str) -> Option<&AccessToken> {
        self.tokens.iter().find(|t| t.token == value)
    }

    /// Issues a new token pair; `previous` links it to the refresh token it replaces.
    pub fn issue(
        &mut self,
        application: &str,
        user_id: u64,
        scopes: Vec<String>,
        now: DateTime<Utc>,
        previous: Option<String>,
    ) -> AccessToken {
        self.next_token_id += 1;
        let token = AccessToken {
            id: self.next_token_id,
            application: application.to_owned(),
            user_id,
            token: crate::secrets::random_hex64(),
            refresh_token: crate::secrets::random_hex64(),
            scopes,
            created_at: now,
            revoked_at: None,
            previous_refresh_token: previous,
        };
        self.tokens.push(token.clone());
        token
    }

    /// `revoke_previous_refresh_token!`: the first use of a refreshed token retires the pair it
    /// replaced.
    pub fn retire_previous(&mut self, token_id: u64, now: DateTime<Utc>) {
        let Some(previous) = self
            .tokens
            .iter_mut()
            .find(|t| t.id == token_id)
            .and_then(|t| t.previous_refresh_token.take())
        else {
            return;
        };
        if let Some(old) = self
            .tokens
            .iter_mut()
            .find(|t| t.refresh_token == previous && t.revoked_at.is_none())
        {
            old.revoked_at = Some(now);
        }
    }
}

/// `Doorkeeper::OAuth::Token.from_request` with GitLab's `access_token_methods`: the
/// `access_token` parameter, then `Authorization: Bearer`, then the `bearer_token` parameter.
pub fn presented_token(headers: &HeaderMap, params: &Params) -> Option<String> {
    let param = |key: &str| {
        params
            .string(key)
            .ok()
            .flatten()
            .filter(|s| !s.trim().is_empty())
    };
    param("access_token")
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    let (scheme, rest) = v.split_once(' ')?;
                    scheme
                        .eq_ignore_ascii_case("bearer")
                        .then(|| rest.to_owned())
                })
                .filter(|s| !s.trim().is_empty())
        })
        .or_else(|| param("bearer_token"))
}

/// One `/oauth/*` request, its parameters merged as Rails merges them.
pub(crate) struct OauthRequest<'a> {
    pub method: Method,
    pub headers: &'a HeaderMap,
    pub params: Params,
    /// The site listener's URL, which `{site}` in a redirect URI stands for.
    pub site_url: Option<&'a str>,
}

impl OauthRequest<'_> {
    /// A parameter as Rails hands it over: strings as they are, numbers and booleans as text.
    pub fn param(&self, key: &str) -> Option<String> {
        self.params.string(key).ok().flatten()
    }

    /// A parameter that is `present?`: given and not blank.
    pub fn present(&self, key: &str) -> Option<String> {
        self.param(key).filter(|s| !s.trim().is_empty())
    }
}

/// `Content-Type`-driven body parsing (Rails' parameter parsers): form data or a JSON object.
fn body_params(headers: &HeaderMap, body: &[u8]) -> Result<serde_json::Map<String, Value>, ()> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Default::default());
    }
    match media_type(headers).as_deref() {
        Some("application/x-www-form-urlencoded") => Ok(parse_form(&String::from_utf8_lossy(body))),
        Some("application/json") => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Ok(Default::default()),
            Err(_) => Err(()),
        },
        _ => Ok(Default::default()),
    }
}

/// Which rack-cors rule of GitLab's `config/application.rb` covers an `/oauth` path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorsRule {
    /// `/oauth/token` and `/oauth/revoke`.
    TokenEndpoint,
    /// `/oauth/token/info`.
    TokenInfo,
}

impl CorsRule {
    pub fn for_path(path: &str) -> Option<CorsRule> {
        match path {
            "/oauth/token" | "/oauth/revoke" => Some(CorsRule::TokenEndpoint),
            "/oauth/token/info" => Some(CorsRule::TokenInfo),
            _ => None,
        }
    }

    fn methods(self) -> &'static [&'static str] {
        match self {
            CorsRule::TokenEndpoint => &["post", "options"],
            CorsRule::TokenInfo => &["get", "head", "options"],
        }
    }

    /// Request headers allowed besides rack-cors' simple ones.
    fn headers(self) -> &'static [&'static str] {
        match self {
            CorsRule::TokenEndpoint => &["authorization", "x-csrf-token", "x-requested-with"],
            CorsRule::TokenInfo => &["authorization"],
        }
    }

    /// rack-cors' `to_headers`: no `expose` list, so an empty `Expose-Headers`.
    fn apply(self, headers: &mut HeaderMap) {
        let methods: Vec<String> = self.methods().iter().map(|m| m.to_uppercase()).collect();
        let mut set = |name: &'static str, value: &str| {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        };
        set("access-control-allow-origin", "*");
        set("access-control-allow-methods", &methods.join(", "));
        set("access-control-expose-headers", "");
        set("access-control-max-age", crate::cors::MAX_AGE);
    }

    /// rack-cors' preflight: `200` in every case, with the CORS headers only when the method
    /// and every requested header are allowed.
    pub fn preflight(rule: Option<CorsRule>, request: &HeaderMap) -> Response {
        let mut response = StatusCode::OK.into_response();
        let Some(rule) = rule else {
            return response;
        };
        let method_ok = request
            .get("access-control-request-method")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|m| rule.methods().contains(&m.to_ascii_lowercase().as_str()));
        let asked = request
            .get("access-control-request-headers")
            .and_then(|v| v.to_str().ok());
        let headers_ok = asked.is_none_or(|asked| {
            asked
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .all(|h| {
                    [
                        "accept",
                        "accept-language",
                        "content-language",
                        "content-type",
                    ]
                    .contains(&h.as_str())
                        || rule.headers().contains(&h.as_str())
                })
        });
        if method_ok && headers_ok {
            let headers = response.headers_mut();
            rule.apply(headers);
            if let Some(asked) = asked.and_then(|a| HeaderValue::from_str(a).ok()) {
                headers.insert(
                    HeaderName::from_static("access-control-allow-headers"),
                    asked,
                );
            }
        }
        response
    }

    /// What rack-cors adds to an ordinary answer: the CORS headers when the request had an
    /// `Origin`, and `Vary: Origin` in any case.
    pub fn decorate(rule: Option<CorsRule>, response: &mut Response, request: &HeaderMap) {
        let Some(rule) = rule else {
            return;
        };
        if request.contains_key("origin") {
            rule.apply(response.headers_mut());
        }
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Origin"));
    }
}

/// Answers one `/oauth/*` request (CORS aside, which the caller adds).
#[allow(clippy::too_many_arguments)]
pub(crate) fn handle(
    state: &mut SimState,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
    site_url: Option<&str>,
) -> Response {
    let mut params = Params::from_query(query);
    match body_params(headers, body) {
        Ok(map) => params.merge(map),
        Err(()) => return text(StatusCode::BAD_REQUEST, "400 Bad Request\n"),
    }
    // Rack::MethodOverride: an HTML form's `_method` turns a POST into another verb.
    let mut method = method.clone();
    if method == Method::POST {
        if let Ok(Some(verb)) = params.string("_method") {
            if let Ok(m) = Method::from_bytes(verb.to_ascii_uppercase().as_bytes()) {
                method = m;
            }
        }
    }
    let head = method == Method::HEAD;
    let request = OauthRequest {
        method: if head { Method::GET } else { method },
        headers,
        params,
        site_url,
    };
    let mut response = match (request.method.as_str(), path) {
        ("GET", "/oauth/authorize") => authorize::show(state, &request),
        ("POST", "/oauth/authorize") => authorize::approve(state, &request),
        ("DELETE", "/oauth/authorize") => authorize::deny(state, &request),
        ("POST", "/oauth/token") => token::create(state, &request),
        ("POST", "/oauth/revoke") => token::revoke(state, &request),
        ("GET", "/oauth/token/info") => token::info(state, &request),
        _ => text(StatusCode::NOT_FOUND, "404 Not Found\n"),
    };
    if head {
        *response.body_mut() = Body::empty();
    }
    response
}
