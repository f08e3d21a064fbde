//! When and how long a read waits before asking GitLab again.
//!
//! Only reads are retried: a create, rotation or revocation that failed may still have been done,
//! so sending it again blindly could make a second token. A browser cannot read `Retry-After`
//! or `RateLimit-*` across origins (GitLab does not expose them), so the wait is exponential
//! backoff with jitter, and bounded: the whole retrying of one read stays under
//! [`MAX_TOTAL_WAIT_MS`].

use crate::{ApiError, ErrorKind};

/// Asks again at most this many times after the first try.
pub const MAX_RETRIES: u32 = 4;
const BASE_MS: u32 = 1_000;
const CAP_MS: u32 = 8_000;
/// The longest a read can spend waiting between its tries.
pub const MAX_TOTAL_WAIT_MS: u32 = 1_000 + 2_000 + 4_000 + 8_000;

/// Whether a read that failed with `e` is worth asking again: GitLab throttling (429), a server
/// or proxy error (5xx), or no answer at all. Refusals (4xx) would only be refused again.
pub fn worth_retrying(e: &ApiError) -> bool {
    matches!(
        e.kind,
        ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Network
    )
}

/// The wait before retry number `retry` (0 for the first): the exponential step, capped, with
/// "equal jitter" (half fixed, half random from `random`, a number in [0, 1)) so that many tabs
/// throttled at once do not come back in step.
pub fn delay_ms(retry: u32, random: f64) -> u32 {
    let step = BASE_MS.saturating_mul(1u32 << retry.min(16)).min(CAP_MS);
    let random = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let half = step / 2;
    half + (f64::from(half) * random) as u32
}

/// What the page says while it waits, e.g. "GitLab is rate limiting; retrying in 4 s".
pub fn notice(e: &ApiError, seconds_left: u32) -> String {
    let what = match (e.kind, e.status) {
        (ErrorKind::RateLimited, _) => "GitLab is rate limiting".to_string(),
        (ErrorKind::Server, Some(status)) => format!("GitLab answered with an error ({status})"),
        (ErrorKind::Network, _) => "GitLab cannot be reached".to_string(),
        _ => "GitLab did not answer".to_string(),
    };
    format!("{what}; retrying in {seconds_left} s")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ErrorKind, status: Option<u16>) -> ApiError {
        ApiError {
            kind,
            status,
            message: String::new(),
            fields: Vec::new(),
        }
    }

    #[test]
    fn only_throttling_server_errors_and_silence_are_retried() {
        assert!(worth_retrying(&err(ErrorKind::RateLimited, Some(429))));
        assert!(worth_retrying(&err(ErrorKind::Server, Some(502))));
        assert!(worth_retrying(&err(ErrorKind::Network, None)));
        for kind in [
            ErrorKind::Unauthorized,
            ErrorKind::Forbidden,
            ErrorKind::InsufficientScope,
            ErrorKind::NotFound,
            ErrorKind::Invalid,
            ErrorKind::Unexpected,
        ] {
            assert!(!worth_retrying(&err(kind, Some(400))), "{kind:?}");
        }
    }

    #[test]
    fn waits_grow_are_capped_jittered_and_bounded_in_total() {
        let mut total_max = 0;
        for retry in 0..MAX_RETRIES {
            let step = (1000u32 << retry).min(8000);
            let low = delay_ms(retry, 0.0);
            let high = delay_ms(retry, 0.999_999);
            assert_eq!(low, step / 2, "retry {retry}");
            assert!(high < step && high >= step - 1, "retry {retry}: {high}");
            total_max += high;
        }
        assert!(total_max <= MAX_TOTAL_WAIT_MS);
        // Absurd inputs stay inside the range.
        assert_eq!(delay_ms(99, 0.0), 4_000);
        assert_eq!(delay_ms(0, f64::NAN), 750);
        assert_eq!(delay_ms(0, 7.0), 1_000);
        assert_eq!(delay_ms(0, -1.0), 500);
    }

    #[test]
    fn the_notice_says_why_and_when() {
        assert_eq!(
            notice(&err(ErrorKind::RateLimited, Some(429)), 4),
            "GitLab is rate limiting; retrying in 4 s"
        );
        assert_eq!(
            notice(&err(ErrorKind::Server, Some(503)), 2),
            "GitLab answered with an error (503); retrying in 2 s"
        );
        assert_eq!(
            notice(&err(ErrorKind::Network, None), 1),
            "GitLab cannot be reached; retrying in 1 s"
        );
    }
}
