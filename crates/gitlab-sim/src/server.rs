//! The API listener: one entry point that applies injected faults, CORS, body parsing and the
//! route table, GitLab's OAuth routes under `/oauth/`, plus the sim's own control routes under
//! `/-/sim/`, which answer only requests carrying the run's control secret.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::chaos::{self, After, Before, Canned, Chaos, ChaosConfig};
use crate::entities::Urls;
use crate::errors::{json_response, text_response as text, ApiError};
use crate::oauth::{self, CorsRule};
use crate::params::{media_type, parse_form, Params};
use crate::routes::{self, Ctx, Reply, Resolved};
use crate::state::SimState;
use crate::{cors, faults, fixture, secrets};

/// The header that must carry the control secret on every `/-/sim/*` request. A web page cannot
/// add it to a cross-origin request without a CORS preflight, and those routes never answer
/// one, so a page open in the same browser cannot reset or rewire the sim.
pub const CONTROL_HEADER: &str = "X-Sim-Control";

/// Largest request body read; GitLab's token endpoints take a few hundred bytes.
const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Shared handle on the simulated instance.
#[derive(Clone)]
pub struct App {
    pub state: Arc<Mutex<SimState>>,
    pub urls: Arc<Urls>,
    /// The fixture the sim started with, restored by an empty `POST /-/sim/reset`.
    pub initial_fixture: Arc<String>,
    /// The seeded fault model; survives `/-/sim/reset`.
    pub chaos: Arc<Mutex<Chaos>>,
    /// What [`CONTROL_HEADER`] must carry.
    pub control_secret: Arc<String>,
    /// The site listener's URL, which `{site}` in an OAuth redirect URI stands for.
    pub site_url: Arc<Option<String>>,
}

impl App {
    pub fn lock(&self) -> MutexGuard<'_, SimState> {
        // A panic while holding the lock would be a sim bug; keep serving rather than cascade.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn chaos(&self) -> MutexGuard<'_, Chaos> {
        self.chaos.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn router(app: App) -> Router {
    Router::new().fallback(entry).with_state(app)
}

async fn entry(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return text(
            StatusCode::PAYLOAD_TOO_LARGE,
            "413 Request Entity Too Large\n",
        );
    };
    let path = parts.uri.path().to_owned();
    let method = parts.method.clone();
    let headers = parts.headers;

    if let Some(control) = path.strip_prefix("/-/sim/") {
        // No CORS here at all: a preflight (which cannot carry the header) is refused like
        // anything else without the secret.
        if !control_allowed(&app.control_secret, &headers) {
            return text(
                StatusCode::FORBIDDEN,
                "403 Forbidden - gitlab-sim's test hooks need the X-Sim-Control header with the \
                 secret the sim printed at start-up (or was given with --control-secret)\n",
            );
        }
        return sim_control(&app, &method, control, &bytes);
    }

    let is_api = path == "/api" || path.starts_with("/api/");
    let is_oauth = path == "/oauth" || path.starts_with("/oauth/");
    let oauth_cors = CorsRule::for_path(&path);
    let preflight = cors::is_preflight(&method, &headers);
    let model_on = is_api && !app.chaos().config().is_off();
    if model_on && preflight {
        app.chaos().count_preflight();
    }
    let chaos_on = model_on && !preflight;
    if chaos_on {
        let (delay, fate) = {
            let mut chaos = app.chaos();
            (
                chaos.latency(),
                chaos.before_now(&chaos::caller_key(&headers)),
            )
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        match fate {
            Before::Pass => {}
            Before::Drop => return chaos::dropped(),
            Before::Answer(answer) => {
                let (mut response, with_cors) = chaos::canned(&answer);
                if with_cors {
                    cors::decorate(&mut response, &headers);
                }
                return response;
            }
        }
    }
    let head = method == Method::HEAD;
    // The lock is released before any await below.
    let mut response = {
        let mut state = app.lock();
        if let Some(fault) = faults::take(&mut state, &method, &path, preflight) {
            let mut response = faults::response(&fault);
            if fault.cors && is_api {
                cors::decorate(&mut response, &headers);
            }
            if fault.cors && is_oauth {
                CorsRule::decorate(oauth_cors, &mut response, &headers);
            }
            return response;
        }
        if is_oauth {
            // rack-cors answers every preflight itself, with headers only where a rule allows.
            if preflight {
                return CorsRule::preflight(oauth_cors, &headers);
            }
            let mut response = oauth::handle(
                &mut state,
                &method,
                &path,
                parts.uri.query(),
                &headers,
                &bytes,
                app.site_url.as_deref(),
            );
            add_request_id(&mut response);
            response.headers_mut().insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            CorsRule::decorate(oauth_cors, &mut response, &headers);
            return response;
        }
        if !is_api {
            return text(StatusCode::NOT_FOUND, "404 Not Found\n");
        }
        if preflight {
            return cors::preflight(&headers);
        }

        api(
            &mut state,
            &app.urls,
            &method,
            &path,
            parts.uri.query(),
            &headers,
            &bytes,
            &peer.ip().to_string(),
        )
    };
    add_request_id(&mut response);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=0, private, must-revalidate"),
    );
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if head {
        *response.body_mut() = Body::empty();
    }
    cors::decorate(&mut response, &headers);
    if chaos_on {
        let json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        let fate = app.chaos().after(&method, response.status(), json);
        match fate {
            After::Keep => {}
            After::LoseAs502 => return chaos::canned(&Canned::Status(502)).0,
            After::LoseAsDrop => return chaos::cut_off(response),
            After::Truncate => {
                let (mut parts, body) = response.into_parts();
                let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
                parts.headers.remove(header::CONTENT_LENGTH);
                return Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)));
            }
        }
    }
    response
}

fn add_request_id(response: &mut Response) {
    response.headers_mut().insert(
        HeaderName::from_static("x-request-id"),
        HeaderValue::from_str(&secrets::request_id()).unwrap_or(HeaderValue::from_static("0")),
    );
}

/// Whether the request carries the control secret (compared without an early exit).
fn control_allowed(secret: &str, headers: &HeaderMap) -> bool {
    let Some(given) = headers.get(CONTROL_HEADER).map(HeaderValue::as_bytes) else {
        return false;
    };
    let wanted = secret.as_bytes();
    given.len() == wanted.len()
        && given
            .iter()
            .zip(wanted)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Grape's body parsing: JSON unless the request says form data; other types are refused.
fn body_params(
    method: &Method,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<Map<String, Value>, ApiError> {
    let has_body = matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    ) && !bytes.is_empty();
    if !has_body {
        return Ok(Map::new());
    }
    match media_type(headers).as_deref() {
        Some("application/x-www-form-urlencoded") => {
            Ok(parse_form(&String::from_utf8_lossy(bytes)))
        }
        // Grape falls back to its default format, JSON, when no type is given.
        None | Some("application/json") => match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(map),
            // A non-object body lands under `_json`, leaving declared parameters missing.
            Ok(_) => Ok(Map::new()),
            Err(_) => Err(ApiError::GrapeError(
                StatusCode::BAD_REQUEST,
                "\nProblem:\n  message body does not match declared format\nResolution:\n  when \
                 specifying application/json as content-type, you must pass valid \
                 application/json in the request's 'body' "
                    .into(),
            )),
        },
        // Rack parses multipart itself; the sim does not, so its fields read as absent.
        Some("multipart/form-data") => Ok(Map::new()),
        Some(other) => Err(ApiError::GrapeError(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("The provided content-type '{other}' is not supported."),
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn api(
    state: &mut SimState,
    urls: &Urls,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    bytes: &[u8],
    client_ip: &str,
) -> Response {
    let Some(rest) = path.strip_prefix("/api/") else {
        return ApiError::RouteNotFound.into_response();
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let v4_segments = match segments.split_first() {
        Some((&"v4", tail)) => tail,
        Some((&"v3", _)) => return ApiError::ApiV3Gone.into_response(),
        _ => return ApiError::RouteNotFound.into_response(),
    };
    // Grape serves HEAD wherever it serves GET.
    let routed_method = if method == Method::HEAD {
        Method::GET
    } else {
        method.clone()
    };
    let endpoint = match routes::resolve(&routed_method, v4_segments, state.release()) {
        Resolved::Endpoint(endpoint) => endpoint,
        Resolved::OtherMethods(methods) if method == Method::OPTIONS => {
            let mut allow = vec!["OPTIONS".to_owned()];
            allow.extend(methods.iter().map(|m| m.to_string()));
            let mut response = StatusCode::NO_CONTENT.into_response();
            if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            return response;
        }
        Resolved::OtherMethods(_) | Resolved::Unknown => {
            return ApiError::RouteNotFound.into_response()
        }
    };

    let mut params = Params::from_query(query);
    match body_params(method, headers, bytes) {
        Ok(body) => params.merge(body),
        Err(error) => return error.into_response(),
    }
    let mut ctx = Ctx {
        state,
        urls,
        method: method.clone(),
        path,
        headers,
        params,
        client_ip,
    };
    match routes::handle(&mut ctx, endpoint) {
        Ok(reply) => reply_response(reply),
        Err(error) => error.into_response(),
    }
}

fn reply_response(reply: Reply) -> Response {
    let mut response = match &reply.body {
        Some(body) => json_response(reply.status, body),
        None => reply.status.into_response(),
    };
    for (name, value) in reply.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// The most `POST /-/sim/clock` may move the clock in one go or in total: a century.
const MAX_CLOCK_OFFSET_SECONDS: i64 = 100 * 366 * 24 * 3600;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    advance_seconds: i64,
}

/// `/-/sim/reset`, `/-/sim/faults`, `/-/sim/chaos` and `/-/sim/clock`.
fn sim_control(app: &App, method: &Method, route: &str, body: &[u8]) -> Response {
    let bad =
        |message: String| json_response(StatusCode::BAD_REQUEST, &json!({"message": message}));
    match (method.as_str(), route) {
        ("POST", "reset") => {
            let text = if body.iter().all(u8::is_ascii_whitespace) {
                app.initial_fixture.as_str().to_owned()
            } else {
                String::from_utf8_lossy(body).into_owned()
            };
            match fixture::load(&text) {
                Ok(new_state) => {
                    *app.lock() = new_state;
                    StatusCode::NO_CONTENT.into_response()
                }
                Err(e) => bad(e.to_string()),
            }
        }
        ("POST", "faults") => match faults::parse(body) {
            Ok(fault) => {
                app.lock().faults.push(fault);
                StatusCode::NO_CONTENT.into_response()
            }
            Err(e) => bad(format!("invalid fault: {e}")),
        },
        ("POST", "chaos") => match serde_json::from_slice::<ChaosConfig>(body)
            .map_err(|e| e.to_string())
            .and_then(|c| c.check().map(|()| c))
        {
            Ok(config) => {
                *app.chaos() = Chaos::new(config);
                StatusCode::NO_CONTENT.into_response()
            }
            Err(e) => bad(format!("invalid chaos settings: {e}")),
        },
        ("GET", "chaos") => {
            let chaos = app.chaos();
            json_response(
                StatusCode::OK,
                &json!({"config": chaos.config(), "stats": chaos.stats}),
            )
        }
        ("DELETE", "chaos") => {
            *app.chaos() = Chaos::new(ChaosConfig::default());
            StatusCode::NO_CONTENT.into_response()
        }
        ("DELETE", "faults") => {
            app.lock().faults.clear();
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", "clock") => {
            let state = app.lock();
            json_response(
                StatusCode::OK,
                &json!({
                    "now": state.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    "offset_seconds": state.clock_offset.num_seconds(),
                }),
            )
        }
        ("POST", "clock") => match serde_json::from_slice::<ClockChange>(body) {
            Ok(change) => {
                let mut state = app.lock();
                let total = state
                    .clock_offset
                    .num_seconds()
                    .checked_add(change.advance_seconds);
                match total {
                    Some(total) if total.abs() <= MAX_CLOCK_OFFSET_SECONDS => {
                        state.clock_offset = chrono::Duration::seconds(total);
                        StatusCode::NO_CONTENT.into_response()
                    }
                    _ => bad("invalid clock change: the clock may move at most 100 years".into()),
                }
            }
            Err(e) => bad(format!(
                "invalid clock change: {e} (send {{\"advance_seconds\": N}})"
            )),
        },
        ("DELETE", "clock") => {
            app.lock().clock_offset = chrono::Duration::zero();
            StatusCode::NO_CONTENT.into_response()
        }
        _ => json_response(
            StatusCode::NOT_FOUND,
            &json!({"message": "unknown sim control route; see /-/sim/reset, /-/sim/faults, \
                                /-/sim/chaos and /-/sim/clock"}),
        ),
    }
}
