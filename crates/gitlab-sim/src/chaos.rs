//! A seeded fault model for the API, beyond the one-shot `/-/sim/faults` entries: latency, a rate
//! of 5xx answers, GitLab's per-token rate limit, dropped connections, writes whose answer is
//! lost after they were applied, and truncated JSON. Off unless flags or `POST /-/sim/chaos`
//! turn it on; the same seed and the same request order give the same faults, so a failing run
//! can be replayed.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// What to inject; every rate is a probability per API request (0 = never).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ChaosConfig {
    pub seed: u64,
    /// Added to every API answer: fixed when `latency_max_ms` is not above it, else uniform in
    /// between.
    pub latency_ms: u64,
    pub latency_max_ms: u64,
    /// Answered 500 (GitLab's JSON, with CORS), 502 or 503 (a proxy's text, without CORS)
    /// before the request reaches the API.
    pub error_rate: f64,
    /// Requests per second per token before 429 `Retry later`, as Rack::Attack answers.
    pub rate_limit_per_second: Option<u32>,
    /// The connection closes without an answer, before the request is applied.
    pub drop_rate: f64,
    /// Writes (POST, PUT, DELETE) that succeed but whose answer is lost: a 502 or a dropped
    /// connection after the change was made.
    pub lost_answer_rate: f64,
    /// Successful JSON answers cut in half.
    pub malformed_rate: f64,
}

impl ChaosConfig {
    pub fn is_off(&self) -> bool {
        self.latency_ms == 0
            && self.latency_max_ms == 0
            && self.error_rate <= 0.0
            && self.rate_limit_per_second.is_none()
            && self.drop_rate <= 0.0
            && self.lost_answer_rate <= 0.0
            && self.malformed_rate <= 0.0
    }

    pub fn check(&self) -> Result<(), String> {
        let rates = [
            ("error_rate", self.error_rate),
            ("drop_rate", self.drop_rate),
            ("lost_answer_rate", self.lost_answer_rate),
            ("malformed_rate", self.malformed_rate),
        ];
        for (name, rate) in rates {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1, not {rate}"));
            }
        }
        if self.rate_limit_per_second == Some(0) {
            return Err("rate_limit_per_second must be at least 1".into());
        }
        if self.latency_ms > 60_000 || self.latency_max_ms > 60_000 {
            return Err("latency is limited to 60000 ms".into());
        }
        Ok(())
    }
}

/// What was injected so far, for test scripts and the soak's report (`GET /-/sim/chaos`).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ChaosStats {
    pub requests: u64,
    /// CORS preflights to the API: answered at once and not in `requests`, but counted so a
    /// benchmark needs no browser instrumentation to know how many the browser sent.
    pub preflights: u64,
    pub delayed_ms: u64,
    pub errors: u64,
    pub throttled: u64,
    pub dropped: u64,
    pub lost_answers: u64,
    pub malformed: u64,
}

/// What happens to one request before it reaches the API.
#[derive(Debug, PartialEq, Eq)]
pub enum Before {
    Pass,
    /// Answer this instead (an error or a throttle).
    Answer(Canned),
    Drop,
}

/// What happens to an answer the API gave.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    Keep,
    /// The change is made; the client sees a proxy's 502 instead.
    LoseAs502,
    /// The change is made; the connection closes in the middle of the answer.
    LoseAsDrop,
    Truncate,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Canned {
    Status(u16),
    Throttle {
        limit: u32,
        observed: u32,
        reset: u64,
    },
}

pub struct Chaos {
    config: ChaosConfig,
    rng: StdRng,
    /// Per token: the second a window started (Unix time) and requests in it.
    windows: HashMap<String, (u64, u32)>,
    pub stats: ChaosStats,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Chaos {
    pub fn new(config: ChaosConfig) -> Chaos {
        Chaos {
            rng: StdRng::seed_from_u64(config.seed),
            config,
            windows: HashMap::new(),
            stats: ChaosStats::default(),
        }
    }

    pub fn config(&self) -> &ChaosConfig {
        &self.config
    }

    fn roll(&mut self, rate: f64) -> bool {
        rate > 0.0 && self.rng.random_bool(rate.min(1.0))
    }

    pub fn count_preflight(&mut self) {
        self.stats.preflights += 1;
    }

    /// The delay for this request (drawn first, so it does not shift the other draws).
    pub fn latency(&mut self) -> Duration {
        let (min, max) = (self.config.latency_ms, self.config.latency_max_ms);
        let ms = if max > min {
            self.rng.random_range(min..=max)
        } else {
            min
        };
        self.stats.delayed_ms += ms;
        Duration::from_millis(ms)
    }

    /// Decides the request's fate before the API sees it. `token` identifies the caller for the
    /// rate limit (anonymous callers share one window).
    pub fn before(&mut self, token: &str, now: u64) -> Before {
        self.stats.requests += 1;
        if let Some(limit) = self.config.rate_limit_per_second {
            let window = self.windows.entry(token.to_owned()).or_insert((now, 0));
            if window.0 != now {
                *window = (now, 0);
            }
            window.1 += 1;
            if window.1 > limit {
                self.stats.throttled += 1;
                return Before::Answer(Canned::Throttle {
                    limit,
                    observed: window.1,
                    reset: now + 1,
                });
            }
        }
        if self.roll(self.config.drop_rate) {
            self.stats.dropped += 1;
            return Before::Drop;
        }
        if self.roll(self.config.error_rate) {
            self.stats.errors += 1;
            let status = [500, 502, 503][self.rng.random_range(0..3usize)];
            return Before::Answer(Canned::Status(status));
        }
        Before::Pass
    }

    /// Decides what becomes of the API's answer.
    pub fn after(&mut self, method: &Method, status: StatusCode, json: bool) -> After {
        let write = matches!(
            *method,
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        );
        if write && status.is_success() && self.roll(self.config.lost_answer_rate) {
            self.stats.lost_answers += 1;
            return if self.rng.random_bool(0.5) {
                After::LoseAs502
            } else {
                After::LoseAsDrop
            };
        }
        if !write && status.is_success() && json && self.roll(self.config.malformed_rate) {
            self.stats.malformed += 1;
            return After::Truncate;
        }
        After::Keep
    }

    pub fn before_now(&mut self, token: &str) -> Before {
        self.before(token, now_secs())
    }
}

/// The caller's credential as the rate limit keys it (never logged or echoed).
pub fn caller_key(headers: &HeaderMap) -> String {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    get("private-token")
        .or_else(|| get("authorization"))
        .or_else(|| get("job-token"))
        .unwrap_or_default()
}

/// An answer cut off after its status line and headers: the connection closes mid-body and the
/// client sees a failure although the change was made. The headers go out first on purpose: on
/// a connection that closes before any byte of an answer, browsers send the request again by
/// themselves (POSTs included), which would hide the loss and make the change twice.
pub fn cut_off(response: Response) -> Response {
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let head = futures_util::stream::once(async { Ok(axum::body::Bytes::from_static(b"{")) });
    // The pause lets the server flush what it has before the connection goes.
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "answer cut off by the sim's fault model",
        ))
    });
    Response::from_parts(parts, Body::from_stream(head.chain(cut)))
}

/// A connection closed with no answer: the body fails before anything is written, so the
/// server aborts the connection and the browser sees a network error (or, on a reused
/// connection, sends the request again).
pub fn dropped() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped by the sim's fault model",
        ))
    });
    Response::new(Body::from_stream(stream))
}

/// The canned answer and whether it carries CORS headers (GitLab's own answers do; a proxy's
/// 502/503 in front of it does not).
pub fn canned(answer: &Canned) -> (Response, bool) {
    match answer {
        Canned::Status(500) => {
            let mut r = (
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"message":"500 Internal Server Error"}"#,
            )
                .into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            (r, true)
        }
        Canned::Status(status) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
            let body = format!(
                "<html><body><h1>{} {}</h1></body></html>\n",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            );
            let mut r = (status, body).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            (r, false)
        }
        Canned::Throttle {
            limit,
            observed,
            reset,
        } => {
            let mut r = (StatusCode::TOO_MANY_REQUESTS, "Retry later\n").into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            let mut set = |name: &'static str, value: String| {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    h.insert(HeaderName::from_static(name), v);
                }
            };
            set("ratelimit-name", "throttle_authenticated_api".into());
            set("ratelimit-limit", limit.to_string());
            set("ratelimit-observed", observed.to_string());
            set("ratelimit-remaining", "0".into());
            set("ratelimit-reset", reset.to_string());
            set("ratelimit-resettime", http_date(*reset));
            set("retry-after", "1".into());
            (r, true)
        }
    }
}

/// An RFC 7231 date (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(unix: u64) -> String {
    chrono::DateTime::from_timestamp(i64::try_from(unix).unwrap_or(0), 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequence(config: &ChaosConfig, n: usize) -> Vec<String> {
        let mut chaos = Chaos::new(config.clone());
        (0..n)
            .map(|_| {
                let delay = chaos.latency();
                let before = chaos.before("t", 1000);
                let after = chaos.after(&Method::POST, StatusCode::CREATED, true);
                format!("{delay:?} {before:?} {after:?}")
            })
            .collect()
    }

    #[test]
    fn the_same_seed_replays_the_same_faults() {
        let config = ChaosConfig {
            seed: 7,
            latency_ms: 5,
            latency_max_ms: 50,
            error_rate: 0.2,
            drop_rate: 0.1,
            lost_answer_rate: 0.3,
            ..ChaosConfig::default()
        };
        assert_eq!(sequence(&config, 200), sequence(&config, 200));
        let other = ChaosConfig {
            seed: 8,
            ..config.clone()
        };
        assert_ne!(sequence(&config, 200), sequence(&other, 200));
    }

    #[test]
    fn rates_come_out_near_what_was_asked() {
        let mut chaos = Chaos::new(ChaosConfig {
            seed: 1,
            error_rate: 0.25,
            ..ChaosConfig::default()
        });
        let errors = (0..4000)
            .filter(|_| matches!(chaos.before("t", 1), Before::Answer(_)))
            .count();
        assert!((800..1200).contains(&errors), "{errors} of 4000");
        assert_eq!(chaos.stats.errors, errors as u64);
    }

    #[test]
    fn the_rate_limit_counts_per_token_per_second() {
        let mut chaos = Chaos::new(ChaosConfig {
            rate_limit_per_second: Some(3),
            ..ChaosConfig::default()
        });
        let fates: Vec<bool> = (0..5)
            .map(|_| matches!(chaos.before("a", 10), Before::Answer(_)))
            .collect();
        assert_eq!(fates, [false, false, false, true, true]);
        assert_eq!(
            chaos.before("b", 10),
            Before::Pass,
            "another token has its own window"
        );
        assert_eq!(
            chaos.before("a", 11),
            Before::Pass,
            "a new second starts over"
        );
        assert_eq!(chaos.stats.throttled, 2);
    }

    #[test]
    fn only_successful_writes_lose_their_answer_and_only_reads_are_truncated() {
        let mut chaos = Chaos::new(ChaosConfig {
            lost_answer_rate: 1.0,
            malformed_rate: 1.0,
            ..ChaosConfig::default()
        });
        assert_ne!(
            chaos.after(&Method::POST, StatusCode::CREATED, true),
            After::Keep
        );
        assert_eq!(
            chaos.after(&Method::POST, StatusCode::BAD_REQUEST, true),
            After::Keep
        );
        assert_eq!(
            chaos.after(&Method::GET, StatusCode::OK, true),
            After::Truncate
        );
        assert_eq!(
            chaos.after(&Method::GET, StatusCode::OK, false),
            After::Keep
        );
    }

    #[test]
    fn bad_settings_are_refused() {
        let bad = ChaosConfig {
            error_rate: 1.5,
            ..ChaosConfig::default()
        };
        assert!(bad.check().unwrap_err().contains("error_rate"));
        assert!(ChaosConfig::default().is_off());
        let throttle = canned(&Canned::Throttle {
            limit: 3,
            observed: 4,
            reset: 784_111_777,
        });
        assert_eq!(throttle.0.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            throttle.0.headers()["ratelimit-resettime"],
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert!(throttle.1, "Rack::Attack's 429 passes through rack-cors");
        assert!(!canned(&Canned::Status(502)).1, "a proxy's 502 has no CORS");
    }
}
