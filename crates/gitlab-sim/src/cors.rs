//! CORS for `/api/*`, as GitLab's rack-cors rule for any origin answers it.
//!
//! tower-http's `CorsLayer` is not used because rack-cors differs in ways a browser client can
//! observe: it sends `Access-Control-Allow-Methods` and `Max-Age` on every response, not only on
//! preflights; it adds `Vary: Origin` even to requests without `Origin`; and a preflight is a bare
//! `200` with no `Vary`. Faults that mimic a proxy must also be able to drop CORS entirely.

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// rack-cors expands `methods: :any` to this list.
pub const ALLOW_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
/// `config/application.rb`'s `expose` list for the any-origin `/api/*` rule.
pub const EXPOSE_HEADERS: &str = "Link, X-Total, X-Total-Pages, X-Per-Page, X-Page, X-Next-Page, \
X-Prev-Page, X-Gitlab-Blob-Id, X-Gitlab-Commit-Id, X-Gitlab-Content-Sha256, X-Gitlab-Encoding, \
X-Gitlab-File-Name, X-Gitlab-File-Path, X-Gitlab-Last-Commit-Id, X-Gitlab-Ref, X-Gitlab-Size, \
X-Request-Id, ETag";
pub const MAX_AGE: &str = "7200";

/// A request rack-cors answers itself: `OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`.
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS
        && headers.contains_key("origin")
        && headers.contains_key("access-control-request-method")
}

fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), value);
    }
}

fn cors_headers(headers: &mut HeaderMap) {
    set(headers, "access-control-allow-origin", "*");
    set(headers, "access-control-allow-methods", ALLOW_METHODS);
    set(headers, "access-control-expose-headers", EXPOSE_HEADERS);
    set(headers, "access-control-max-age", MAX_AGE);
}

/// The preflight answer: every method, whatever headers were asked for, no credentials.
pub fn preflight(request: &HeaderMap) -> Response {
    let mut response = StatusCode::OK.into_response();
    let headers = response.headers_mut();
    cors_headers(headers);
    if let Some(asked) = request
        .get("access-control-request-headers")
        .and_then(|v| v.to_str().ok())
    {
        set(headers, "access-control-allow-headers", asked);
    }
    response
}

/// Adds what rack-cors adds to an ordinary response: the CORS headers when the request had an
/// `Origin`, and `Origin` in `Vary` in any case.
pub fn decorate(response: &mut Response, request: &HeaderMap) {
    let headers = response.headers_mut();
    if request.contains_key("origin") {
        cors_headers(headers);
    }
    let vary = headers
        .get("vary")
        .and_then(|v| v.to_str().ok())
        .map(|existing| {
            if existing
                .split(',')
                .any(|v| v.trim().eq_ignore_ascii_case("origin"))
            {
                existing.to_owned()
            } else {
                format!("{existing}, Origin")
            }
        })
        .unwrap_or_else(|| "Origin".to_owned());
    set(headers, "vary", &vary);
}
