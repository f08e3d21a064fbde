//! GitLab's error responses, byte for byte.
//!
//! GitLab answers errors in a few distinct shapes depending on which layer refused the request
//! (Grape parameter validation, an API helper such as `not_found!`, an ActiveRecord rescue, or the
//! OAuth guard). Clients tell them apart by shape, so each one is a separate variant here and the
//! exact text lives in exactly one place.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Realm that rack-oauth2 puts in `WWW-Authenticate` when GitLab builds the error itself (it does
/// not pass the realm it registered the middleware with).
const OAUTH_REALM: &str = "Protected by OAuth 2.0";

/// One refused request, as GitLab would describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// `unauthorized!`: no usable credentials, an unknown token, or (on token routes) a caller
    /// without the right to look. `{"message":"401 Unauthorized"}`.
    Unauthorized,
    /// The OAuth guard's answer to an expired token.
    TokenExpired,
    /// The OAuth guard's answer to a revoked token.
    TokenRevoked,
    /// The token authenticates but none of its scopes is registered for the endpoint. The field
    /// is the space-separated list of scopes that would have been accepted.
    InsufficientScope(String),
    /// `not_found!(thing)`: `{"message":"404 <thing> Not Found"}`; `None` gives `404 Not Found`.
    NotFound(Option<String>),
    /// `ActiveRecord::RecordNotFound` rescued by the API: note the lower-case `f`.
    RecordNotFound,
    /// The catch-all route for paths (or methods) no endpoint declares.
    RouteNotFound,
    /// Grape parameter validation: each entry is one `"<param> <problem>"`.
    Validation(Vec<String>),
    /// A Grape error thrown with a bare message (body parsing, content type).
    GrapeError(StatusCode, String),
    /// `bad_request!(msg)`: `{"message":"400 Bad request - <msg>"}`.
    BadRequest(String),
    /// `bad_request!(nil)`: `{"message":"400 Bad request"}`.
    BadRequestPlain,
    /// `not_allowed!`: `{"message":"405 Method Not Allowed"}`.
    MethodNotAllowed,
    /// `forbidden!(reason)`: `{"message":"403 Forbidden"}` or `"403 Forbidden - <reason>"`.
    Forbidden(Option<String>),
    /// `render_api_error!(msg, status)`: the message as is, no status prefix.
    ApiMessage(StatusCode, String),
    /// `render_api_error!({ error: msg }, status)`: the message wrapped in an object
    /// (`{"message":{"error":"Not found"}}`).
    ApiErrorObject(StatusCode, String),
    /// `render_validation_error!(model)`: 400 with the model's errors, attribute by attribute
    /// (`{"message":{"title":["can't be blank"]}}`).
    ModelInvalid(Vec<(String, Vec<String>)>),
    /// `rescue_from :all`: what GitLab shows for an unexpected exception (for example a database
    /// constraint the model does not validate first).
    Internal,
    /// Version 3 of the API was removed; GitLab still answers it distinctly.
    ApiV3Gone,
}

impl ApiError {
    /// Shorthand for one Grape validation failure.
    pub fn invalid(param: &str, problem: &str) -> Self {
        ApiError::Validation(vec![format!("{param} {problem}")])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized | ApiError::TokenExpired | ApiError::TokenRevoked => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::InsufficientScope(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) | ApiError::RecordNotFound | ApiError::RouteNotFound => {
                StatusCode::NOT_FOUND
            }
            ApiError::Validation(_)
            | ApiError::BadRequest(_)
            | ApiError::BadRequestPlain
            | ApiError::ModelInvalid(_) => StatusCode::BAD_REQUEST,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::ApiMessage(status, _) | ApiError::ApiErrorObject(status, _) => *status,
            ApiError::GrapeError(status, _) => *status,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::ApiV3Gone => StatusCode::GONE,
        }
    }

    /// The JSON body GitLab sends for this error.
    pub fn body(&self) -> Value {
        match self {
            ApiError::Unauthorized => json!({"message": "401 Unauthorized"}),
            ApiError::TokenExpired => json!({
                "error": "invalid_token",
                "error_description": "Token is expired. You can either do re-authorization or token refresh."
            }),
            ApiError::TokenRevoked => json!({
                "error": "invalid_token",
                "error_description": "Token was revoked. You have to re-authorize from the user."
            }),
            ApiError::InsufficientScope(scopes) => json!({
                "error": "insufficient_scope",
                "error_description": "The request requires higher privileges than provided by the access token.",
                "scope": scopes
            }),
            ApiError::NotFound(None) => json!({"message": "404 Not Found"}),
            ApiError::NotFound(Some(thing)) => json!({"message": format!("404 {thing} Not Found")}),
            ApiError::RecordNotFound => json!({"message": "404 Not found"}),
            ApiError::RouteNotFound => json!({"error": "404 Not Found"}),
            ApiError::Validation(problems) => {
                let mut unique: Vec<&String> = Vec::new();
                for problem in problems {
                    if !unique.contains(&problem) {
                        unique.push(problem);
                    }
                }
                let joined: Vec<&str> = unique.iter().map(|s| s.as_str()).collect();
                json!({"error": joined.join(", ")})
            }
            ApiError::GrapeError(_, message) => json!({"error": message}),
            ApiError::BadRequest(message) => {
                json!({"message": format!("400 Bad request - {message}")})
            }
            ApiError::BadRequestPlain => json!({"message": "400 Bad request"}),
            ApiError::Forbidden(None) => json!({"message": "403 Forbidden"}),
            ApiError::MethodNotAllowed => json!({"message": "405 Method Not Allowed"}),
            ApiError::Forbidden(Some(reason)) => {
                json!({"message": format!("403 Forbidden - {reason}")})
            }
            ApiError::ApiMessage(_, message) => json!({"message": message}),
            ApiError::ApiErrorObject(_, message) => json!({"message": {"error": message}}),
            ApiError::ModelInvalid(errors) => {
                let mut map = serde_json::Map::new();
                for (attribute, messages) in errors {
                    map.insert(attribute.clone(), json!(messages));
                }
                json!({"message": map})
            }
            ApiError::Internal => json!({"message": "500 Internal Server Error"}),
            ApiError::ApiV3Gone => {
                json!({"error": "API V3 is no longer supported. Use API V4 instead."})
            }
        }
    }

    fn www_authenticate(&self) -> Option<String> {
        let description = match self {
            ApiError::TokenExpired | ApiError::TokenRevoked => self.body()["error_description"]
                .as_str()
                .map(str::to_owned)?,
            _ => return None,
        };
        Some(format!(
            "Bearer realm=\"{OAUTH_REALM}\", error=\"invalid_token\", error_description=\"{description}\""
        ))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = json_response(self.status(), &self.body());
        if let Some(value) = self.www_authenticate() {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

/// A JSON response with GitLab's content type.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A plain-text response (the sim's own messages, Rack's bare 404).
pub fn text_response(status: StatusCode, body: &str) -> Response {
    let mut response = (status, body.to_owned()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

pub type ApiResult<T> = Result<T, ApiError>;
