//! Injected failures (`POST /-/sim/faults`), so clients can be tested against throttling and
//! outages: the next `count` matching requests get a canned status and body, optionally without
//! CORS headers, as a proxy in front of GitLab would answer.

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::state::{Fault, SimState};

#[derive(Debug, Deserialize)]
struct FaultSpec {
    method: Option<String>,
    path: String,
    status: u16,
    #[serde(default)]
    body: String,
    count: Option<u32>,
    cors: Option<bool>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
}

/// Parses and checks a fault description.
pub fn parse(json: &[u8]) -> Result<Fault, String> {
    let spec: FaultSpec = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    if !(200..=599).contains(&spec.status) {
        return Err(format!("status {} is not between 200 and 599", spec.status));
    }
    if !spec.path.starts_with('/') {
        return Err("path must start with '/'".into());
    }
    let count = spec.count.unwrap_or(1);
    if count == 0 {
        return Err("count must be at least 1".into());
    }
    let method = match spec.method {
        Some(m) => Some(
            Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                .map_err(|_| format!("method {m:?} is not an HTTP method"))?
                .to_string(),
        ),
        None => None,
    };
    for (name, value) in &spec.headers {
        if header::HeaderName::from_bytes(name.as_bytes()).is_err()
            || HeaderValue::from_str(value).is_err()
        {
            return Err(format!("header {name:?} is not a valid header"));
        }
    }
    Ok(Fault {
        method,
        path: spec.path,
        status: spec.status,
        body: spec.body,
        remaining: count,
        cors: spec.cors.unwrap_or(true),
        headers: spec.headers.into_iter().collect(),
    })
}

/// Consumes one use of the first fault matching this request, if any. A CORS preflight only
/// matches a fault that names `OPTIONS`, so a fault for `GET` fails the `GET` itself.
pub fn take(state: &mut SimState, method: &Method, path: &str, preflight: bool) -> Option<Fault> {
    let index = state.faults.iter().position(|f| {
        let method_ok = match &f.method {
            Some(m) => m == method.as_str(),
            None => !preflight,
        };
        method_ok && f.path == path
    })?;
    let fault = &mut state.faults[index];
    fault.remaining -= 1;
    let taken = fault.clone();
    if fault.remaining == 0 {
        state.faults.remove(index);
    }
    Some(taken)
}

/// The canned response: JSON if the body parses as JSON, plain text otherwise.
pub fn response(fault: &Fault) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if serde_json::from_str::<serde_json::Value>(&fault.body).is_ok() {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut response = (status, fault.body.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    for (name, value) in &fault.headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    response
}
