//! The seeded fault model over HTTP: `POST /-/sim/chaos` and the command-line flags.

mod common;

use common::*;
use serde_json::json;
use std::time::Instant;

fn chaos(sim: &Running, settings: serde_json::Value) {
    let r = sim.hook("POST", "/-/sim/chaos").json(settings).send();
    assert_eq!(r.status, 204, "{}", r.body);
}

#[test]
fn errors_are_gitlabs_500_with_cors_or_a_proxys_5xx_without() {
    let sim = start();
    chaos(&sim, json!({"seed": 3, "error_rate": 1.0}));
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..30 {
        let r = sim.get("/api/v4/user").token(DEV).origin().send();
        seen.insert(r.status);
        match r.status {
            500 => {
                assert_eq!(r.json(), json!({"message": "500 Internal Server Error"}));
                assert_eq!(r.header("access-control-allow-origin"), Some("*"));
            }
            502 | 503 => assert!(r.header("access-control-allow-origin").is_none()),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), [500, 502, 503]);
    // The control routes and the one-shot faults are never touched.
    let stats = sim.hook("GET", "/-/sim/chaos").send().json();
    assert_eq!(stats["stats"]["errors"], 30);
    assert_eq!(sim.hook("DELETE", "/-/sim/chaos").send().status, 204);
    assert_eq!(sim.get("/api/v4/user").token(DEV).send().status, 200);
}

#[test]
fn the_rate_limit_answers_like_rack_attack() {
    let sim = start();
    chaos(&sim, json!({"rate_limit_per_second": 2}));
    // Three quick requests fit in one second on any machine; the window is per token.
    let start = Instant::now();
    let statuses: Vec<u16> = (0..3)
        .map(|_| sim.get("/api/v4/user").token(DEV).origin().send().status)
        .collect();
    if start.elapsed().as_millis() < 900 {
        assert_eq!(
            statuses.iter().filter(|s| **s == 429).count(),
            1,
            "{statuses:?}"
        );
    }
    let r = (0..1000)
        .map(|_| sim.get("/api/v4/user").token(MAINT).origin().send())
        .find(|r| r.status == 429)
        .expect("a burst past the limit is throttled");
    assert_eq!(r.body, "Retry later\n");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("ratelimit-limit"), Some("2"));
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    assert!(r
        .header("ratelimit-reset")
        .is_some_and(|v| v.parse::<u64>().is_ok()));
    assert!(r
        .header("ratelimit-resettime")
        .is_some_and(|v| v.ends_with(" GMT")));
    assert_eq!(r.header("retry-after"), Some("1"));
}

#[test]
fn a_dropped_connection_gets_no_answer() {
    let sim = start();
    chaos(&sim, json!({"drop_rate": 1.0}));
    assert!(sim.get("/api/v4/user").token(DEV).try_send().is_err());
}

#[test]
fn a_lost_answer_still_applies_the_write() {
    let sim = start();
    chaos(&sim, json!({"seed": 11, "lost_answer_rate": 1.0}));
    let r = sim
        .post("/api/v4/projects/top%2Fsub%2Fapp/access_tokens")
        .token(MAINT)
        .json(json!({"name": "lost-answer", "scopes": ["api"], "expires_at": "2025-07-01"}))
        .try_send();
    if let Ok(r) = &r {
        assert_eq!(r.status, 502, "{}", r.body);
    }
    // Reads are not lost: the token is there although the client never saw it.
    let list = sim
        .get("/api/v4/projects/top%2Fsub%2Fapp/access_tokens")
        .token(MAINT)
        .send();
    assert_eq!(list.status, 200);
    assert!(list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "lost-answer"));
    assert_eq!(
        sim.hook("GET", "/-/sim/chaos").send().json()["stats"]["lost_answers"],
        1
    );
}

#[test]
fn malformed_answers_are_cut_json() {
    let sim = start();
    chaos(&sim, json!({"malformed_rate": 1.0}));
    let r = sim.get("/api/v4/user").token(DEV).send();
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.body).is_err(),
        "{}",
        r.body
    );
    assert!(r.body.starts_with('{'));
}

#[test]
fn latency_delays_every_answer() {
    let sim = start();
    chaos(&sim, json!({"latency_ms": 150}));
    let start = Instant::now();
    assert_eq!(sim.get("/api/v4/version").token(DEV).send().status, 200);
    assert!(start.elapsed().as_millis() >= 150);
}

#[test]
fn bad_settings_are_refused_and_change_nothing() {
    let sim = start();
    for bad in [
        json!({"error_rate": 2}),
        json!({"rate_limit_per_second": 0}),
        json!({"latency_ms": 999999}),
        json!({"typo_rate": 0.1}),
    ] {
        let r = sim.hook("POST", "/-/sim/chaos").json(bad.clone()).send();
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid chaos settings"));
    }
    assert_eq!(
        sim.hook("GET", "/-/sim/chaos").send().json()["config"]["error_rate"],
        0.0
    );
}

/// A lost answer that closes the connection does so mid-answer, after the status line: on a
/// connection that closes before any byte, browsers send the request again by themselves
/// (POSTs too), which would make the change twice and hide the loss.
#[test]
fn a_dropped_answer_is_cut_off_after_its_status_line() {
    use std::io::{Read, Write};
    let sim = start();
    let mut cut_seen = false;
    for seed in 0..20 {
        chaos(&sim, json!({"seed": seed, "lost_answer_rate": 1.0}));
        let body = format!(r#"{{"name":"cut-{seed}","scopes":["api"],"expires_at":"2025-07-01"}}"#);
        let mut tcp = std::net::TcpStream::connect(sim.api_addr).unwrap();
        write!(
            tcp,
            "POST /api/v4/projects/100/access_tokens HTTP/1.1\r\nHost: sim\r\nConnection: close\r\nPRIVATE-TOKEN: {MAINT}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut got = Vec::new();
        let _ = tcp.read_to_end(&mut got);
        let text = String::from_utf8_lossy(&got);
        assert!(
            text.starts_with("HTTP/1.1 "),
            "some answer arrives: {text:?}"
        );
        if text.starts_with("HTTP/1.1 201") {
            // Chunked, and never finished: no last chunk.
            assert!(!text.ends_with("0\r\n\r\n"), "{text:?}");
            assert!(
                !text.contains(r#""token""#),
                "no secret gets through: {text:?}"
            );
            cut_seen = true;
        } else {
            assert!(text.starts_with("HTTP/1.1 502"), "{text:?}");
        }
    }
    assert!(cut_seen, "some seeds cut the answer off");
}

#[test]
fn preflights_are_counted_apart_from_api_requests() {
    let sim = start();
    chaos(&sim, json!({"latency_ms": 1}));
    for _ in 0..2 {
        let r = sim
            .req("OPTIONS", "/api/v4/projects")
            .origin()
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "private-token")
            .send();
        assert_eq!(r.status, 200);
    }
    assert_eq!(
        sim.get("/api/v4/user").token(DEV).origin().send().status,
        200
    );
    let stats = &sim.hook("GET", "/-/sim/chaos").send().json()["stats"];
    assert_eq!(
        (&stats["requests"], &stats["preflights"]),
        (&json!(1), &json!(2))
    );
}
