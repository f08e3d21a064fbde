//! Doorkeeper's error answers (`OAuth::ErrorResponse` and friends), with the wording of the
//! locale GitLab runs: Doorkeeper's `en.yml`, except `invalid_redirect_uri`, which GitLab's own
//! `config/locales/doorkeeper.en.yml` rewords.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// `realm` is not configured in GitLab's initializer, so Doorkeeper's default is used.
const REALM: &str = "Doorkeeper";

/// What Doorkeeper says for each error name.
fn description(name: &str) -> &'static str {
    match name {
        "invalid_request" => {
            "The request is missing a required parameter, includes an unsupported parameter \
             value, or is otherwise malformed."
        }
        "invalid_redirect_uri" => "The redirect URI included is not valid.",
        "invalid_client" => {
            "Client authentication failed due to unknown client, no client authentication \
             included, or unsupported authentication method."
        }
        "invalid_grant" => {
            "The provided authorization grant is invalid, expired, revoked, does not match the \
             redirection URI used in the authorization request, or was issued to another client."
        }
        "unsupported_grant_type" => {
            "The authorization grant type is not supported by the authorization server."
        }
        "unsupported_response_type" => {
            "The authorization server does not support this response type."
        }
        "invalid_scope" => "The requested scope is invalid, unknown, or malformed.",
        "access_denied" => "The resource owner or authorization server denied the request.",
        // Doorkeeper's default `pkce_code_challenge_methods`, which GitLab keeps.
        "invalid_code_challenge_method" => "The code_challenge_method must be one of plain, S256.",
        "unauthorized_client" => {
            "The client is not authorized to perform this request using this method."
        }
        _ => {
            "The authorization server encountered an unexpected condition which prevented it \
             from fulfilling the request."
        }
    }
}

/// One refused OAuth request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OauthError {
    pub name: &'static str,
    pub description: String,
    /// The client's `state`, echoed back.
    pub state: Option<String>,
    /// `invalid_request` for a missing `client_id` may not be sent to the redirect URI.
    missing_client_id: bool,
}

impl OauthError {
    pub fn new(name: &'static str) -> Self {
        OauthError {
            name,
            description: description(name).to_owned(),
            state: None,
            missing_client_id: false,
        }
    }

    /// `InvalidRequestResponse` for a missing parameter: `Missing required parameter: code.`
    pub fn missing(param: &str) -> Self {
        OauthError {
            name: "invalid_request",
            description: format!("Missing required parameter: {param}."),
            state: None,
            missing_client_id: param == "client_id",
        }
    }

    pub fn with_state(mut self, state: Option<String>) -> Self {
        self.state = state.filter(|s| !s.trim().is_empty());
        self
    }

    /// `ErrorResponse#status`: 401 for client errors, 400 for the rest.
    pub fn status(&self) -> StatusCode {
        match self.name {
            "invalid_client" | "unauthorized_client" => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// `ErrorResponse#redirectable?`: whether the client's redirect URI may hear about it.
    pub fn redirectable(&self) -> bool {
        !matches!(
            self.name,
            "invalid_redirect_uri" | "invalid_client" | "unauthorized_client"
        ) && !self.missing_client_id
    }

    /// `{"error", "error_description", "state"}`, blank values left out.
    pub fn body(&self) -> Value {
        let mut map = Map::new();
        map.insert("error".into(), json!(self.name));
        map.insert("error_description".into(), json!(self.description));
        if let Some(state) = &self.state {
            map.insert("state".into(), json!(state));
        }
        Value::Object(map)
    }

    /// The pairs appended to the redirect URI.
    pub fn query_pairs(&self) -> Vec<(&str, &str)> {
        let mut pairs = vec![
            ("error", self.name),
            ("error_description", &*self.description),
        ];
        if let Some(state) = &self.state {
            pairs.push(("state", state));
        }
        pairs
    }

    /// The JSON answer with Doorkeeper's headers.
    pub fn into_json_response(self) -> Response {
        let challenge = format!(
            "Bearer realm=\"{REALM}\", error=\"{}\", error_description=\"{}\"",
            self.name, self.description
        );
        let mut response = json_response(self.status(), &self.body());
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-cache"),
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// `OAuth::InvalidTokenResponse.new`, which `/oauth/token/info` answers for a missing, unknown,
/// expired or revoked token. Doorkeeper builds it with `state: :unauthorized`, so that ends up in
/// the body too.
pub fn invalid_token() -> Response {
    let description = "The access token is invalid";
    let mut response = json_response(
        StatusCode::UNAUTHORIZED,
        &json!({"error": "invalid_token", "error_description": description, "state": "unauthorized"}),
    );
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{description}\""
    )) {
        headers.insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Rails' `render json:`: the body with `application/json; charset=utf-8`.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}
