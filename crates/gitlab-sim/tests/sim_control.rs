//! The sim's own hooks (`/-/sim/reset`, `/-/sim/faults`, `/-/sim/clock`), the secret they
//! require, and fixture decoding.

mod common;

use common::*;
use serde_json::json;

#[test]
fn reset_replaces_all_state() {
    let sim = start();
    // Change something, then reset to a different instance.
    let created = sim
        .post("/api/v4/projects/100/access_tokens")
        .token(MAINT)
        .json(json!({"name": "temp", "scopes": ["api"]}))
        .send()
        .json();
    let temp = created["token"].as_str().unwrap().to_owned();
    let other = json!({
        "today": "2030-01-01",
        "version": "17.11.2",
        "users": [{"id": 42, "username": "solo", "name": "Solo",
                   "personal_access_tokens": [{"name": "t", "scopes": ["api"],
                       "expires_at": "+10d", "token": "glpat-test-solo-token-001"}]}],
        "groups": [{"id": 1, "path": "g", "name": "G", "parent_id": null,
                    "members": [{"user_id": 42, "access_level": 50}]}],
        "projects": [{"id": 5, "path": "p", "name": "P", "namespace_id": 1}]
    });
    let r = sim.hook("POST", "/-/sim/reset").json(other).send();
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(sim.get("/api/v4/user").token(MAINT).send().status, 401);
    assert_eq!(sim.get("/api/v4/user").token(&temp).send().status, 401);
    let me = sim
        .get("/api/v4/user")
        .token("glpat-test-solo-token-001")
        .send()
        .json();
    assert_eq!(me["username"], "solo");
    let v = sim
        .get("/api/v4/version")
        .token("glpat-test-solo-token-001")
        .send()
        .json();
    assert_eq!(v["version"], "17.11.2");
    let own = sim
        .get("/api/v4/personal_access_tokens/self")
        .token("glpat-test-solo-token-001")
        .send()
        .json();
    assert_eq!(
        own["expires_at"], "2030-01-11",
        "relative dates follow the fixture's today"
    );
    let projects = sim
        .get("/api/v4/projects")
        .token("glpat-test-solo-token-001")
        .send()
        .json();
    assert_eq!(ids(&projects), vec![5]);
}

#[test]
fn empty_reset_restores_the_starting_fixture() {
    let sim = start();
    sim.delete("/api/v4/projects/100/access_tokens/12")
        .token(MAINT)
        .send();
    assert_eq!(sim.get("/api/v4/user").token(BOT_MAINT).send().status, 401);
    assert_eq!(sim.hook("POST", "/-/sim/reset").send().status, 204);
    assert_eq!(sim.get("/api/v4/user").token(BOT_MAINT).send().status, 200);
}

#[test]
fn bad_fixtures_are_refused_with_a_reason_and_change_nothing() {
    let sim = start();
    let cases = [
        ("{", "invalid fixture: EOF while parsing an object"),
        (
            r#"{"users": [{"id": "one"}]}"#,
            "invalid fixture: invalid type: string \"one\"",
        ),
        (
            r#"{"today": "tomorrow"}"#,
            "invalid fixture: today: \"tomorrow\" is not a date",
        ),
        (
            r#"{"groups": [{"id": 1, "path": "g", "name": "G", "parent_id": 7}]}"#,
            "invalid fixture: group \"g\": parent_id 7 is not a group",
        ),
        (
            r#"{"groups": [{"id": 1, "path": "g", "name": "G", "parent_id": null}],
                "projects": [{"id": 1, "path": "p", "name": "P", "namespace_id": 1,
                              "access_tokens": [{"name": "t", "scopes": ["read_user"]}]}]}"#,
            "invalid fixture: project \"g/p\" token \"t\": scope \"read_user\" is not allowed here",
        ),
        (
            r#"{"users": [{"id": 1, "username": "u", "name": "U", "personal_access_tokens":
                [{"name": "t", "scopes": ["api"], "expires_at": "in a week", "token": "x"}]}]}"#,
            "invalid fixture: user \"u\" token \"t\": expires_at: \"in a week\" is not a date",
        ),
    ];
    for (fixture, expected) in cases {
        let r = sim
            .hook("POST", "/-/sim/reset")
            .raw("application/json", fixture)
            .send();
        assert_eq!(r.status, 400, "{fixture}");
        let message = r.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.starts_with(expected),
            "{message:?} should start with {expected:?}"
        );
    }
    // Still the original instance.
    assert_eq!(sim.get("/api/v4/user").token(MAINT).send().status, 200);
}

#[test]
fn fixtures_ignore_unknown_fields() {
    let sim = start();
    let r = sim
        .hook("POST", "/-/sim/reset")
        .json(json!({"comment": "extra", "users": [], "future_feature": {"x": 1}}))
        .send();
    assert_eq!(r.status, 204, "{}", r.body);
}

#[test]
fn fault_answers_the_next_matching_requests_then_stops() {
    let sim = start();
    let r = sim
        .hook("POST", "/-/sim/faults")
        .json(
            json!({"method": "GET", "path": "/api/v4/projects", "status": 429,
                     "body": "Retry later\n", "count": 2}),
        )
        .send();
    assert_eq!(r.status, 204, "{}", r.body);
    // Other paths and methods are untouched.
    assert_eq!(sim.get("/api/v4/projects/102").send().status, 200);
    for _ in 0..2 {
        let r = sim.get("/api/v4/projects").origin().send();
        assert_eq!(r.status, 429);
        assert_eq!(r.body, "Retry later\n");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    }
    assert_eq!(sim.get("/api/v4/projects").send().status, 200);
}

#[test]
fn fault_without_cors_mimics_a_proxy() {
    let sim = start();
    sim.hook("POST", "/-/sim/faults")
        .json(
            json!({"path": "/api/v4/user", "status": 502, "body": "<html>Bad Gateway</html>",
                     "cors": false}),
        )
        .send();
    // A preflight does not consume a fault that does not name OPTIONS.
    let preflight = sim
        .req("OPTIONS", "/api/v4/user")
        .origin()
        .header("Access-Control-Request-Method", "GET")
        .send();
    assert_eq!(preflight.status, 200);
    let r = sim.get("/api/v4/user").token(DEV).origin().send();
    assert_eq!(r.status, 502);
    assert!(r.header("access-control-allow-origin").is_none());
    assert_eq!(sim.get("/api/v4/user").token(DEV).send().status, 200);
}

#[test]
fn json_fault_bodies_are_served_as_json_and_delete_clears() {
    let sim = start();
    sim.hook("POST", "/-/sim/faults")
        .json(json!({"method": "POST", "path": "/api/v4/projects/100/access_tokens",
                     "status": 429, "count": 5,
                     "body": "{\"message\":{\"error\":\"This endpoint has been requested too many times. Try again later.\"}}",
                     "headers": {"Retry-After": "60"}}))
        .send();
    let r = sim
        .post("/api/v4/projects/100/access_tokens")
        .token(MAINT)
        .json(json!({}))
        .send();
    assert_eq!(r.status, 429);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("retry-after"), Some("60"));
    assert_eq!(
        r.json()["message"]["error"],
        "This endpoint has been requested too many times. Try again later."
    );
    assert_eq!(sim.hook("DELETE", "/-/sim/faults").send().status, 204);
    let r = sim
        .post("/api/v4/projects/100/access_tokens")
        .token(MAINT)
        .json(json!({}))
        .send();
    assert_eq!(r.status, 400);
}

#[test]
fn bad_fault_specs_are_refused() {
    let sim = start();
    let r = sim
        .hook("POST", "/-/sim/faults")
        .json(json!({"path": "/x", "status": 99}))
        .send();
    assert_eq!(r.status, 400);
    let r = sim
        .hook("POST", "/-/sim/faults")
        .json(json!({"path": "x", "status": 500}))
        .send();
    assert_eq!(r.status, 400);
    let r = sim
        .hook("POST", "/-/sim/faults")
        .json(json!({"status": 500}))
        .send();
    assert_eq!(r.status, 400);
    assert!(r.json()["message"].as_str().unwrap().contains("path"));
}

#[test]
fn demo_fixture_loads_by_default_and_has_every_role() {
    let sim = start_demo();
    let banner = sim.banner.join("\n");
    for who in [
        "root (admin)",
        "olivia (Owner of demo)",
        "maria (",
        "devon (",
        "rory (",
        "vera (",
    ] {
        assert!(banner.contains(&format!("sign in as {who}")), "{banner}");
    }
    assert!(banner.contains("read_api token"), "{banner}");
    // Near-expiry, expired and revoked tokens are there to show.
    let tokens = sim
        .get("/api/v4/projects/demo%2Fweb/access_tokens")
        .token("glpat-demo-maria-maintain1")
        .send()
        .json();
    let list = tokens.as_array().unwrap();
    assert!(list.iter().any(|t| t["revoked"] == true));
    assert!(list
        .iter()
        .any(|t| t["active"] == false && t["revoked"] == false));
    assert!(list.iter().any(|t| t["active"] == true));
}

#[test]
fn hooks_need_the_control_secret_and_never_answer_cors() {
    let sim = start();
    let forbidden = |r: Resp| {
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r.body.contains("X-Sim-Control"), "{}", r.body);
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert!(r.header("access-control-allow-origin").is_none());
    };
    forbidden(sim.post("/-/sim/reset").send());
    forbidden(sim.get("/-/sim/chaos").send());
    forbidden(sim.delete("/-/sim/faults").send());
    forbidden(sim.get("/-/sim/clock").send());
    forbidden(
        sim.post("/-/sim/reset")
            .header(CONTROL_HEADER, "wrong")
            .send(),
    );
    forbidden(
        sim.post("/-/sim/reset")
            .header(CONTROL_HEADER, &format!("{}x", sim.control_secret))
            .send(),
    );
    // What a web page in the same browser would try: a simple cross-origin POST, or a preflight
    // to be allowed the header.
    forbidden(
        sim.post("/-/sim/reset")
            .origin()
            .raw("text/plain", "{}")
            .send(),
    );
    forbidden(
        sim.req("OPTIONS", "/-/sim/reset")
            .origin()
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "x-sim-control, content-type",
            )
            .send(),
    );
    // Nothing changed, and with the secret it works.
    assert_eq!(sim.get("/api/v4/user").token(MAINT).send().status, 200);
    let r = sim
        .hook("POST", "/-/sim/reset")
        .json(json!({"users": []}))
        .send();
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(r.header("access-control-allow-origin").is_none());
    assert_eq!(sim.get("/api/v4/user").token(MAINT).send().status, 401);
}

#[test]
fn clock_hook_moves_sim_time_until_reset() {
    let sim = start();
    let clock = || sim.hook("GET", "/-/sim/clock").send().json();
    let start_clock = clock();
    assert_eq!(start_clock["offset_seconds"], 0);
    assert!(start_clock["now"].as_str().unwrap().starts_with(TODAY));
    let r = sim
        .hook("POST", "/-/sim/clock")
        .json(json!({"advance_seconds": 86_400}))
        .send();
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(clock()["offset_seconds"], 86_400);
    assert!(clock()["now"].as_str().unwrap().starts_with("2025-06-16"));
    // Dates follow the clock: a token expiring on the new day has stopped working.
    sim.get("/api/v4/user")
        .token(EXPIRES_TODAY)
        .send()
        .expect(401, expired_body());
    for bad in [
        json!({}),
        json!({"advance_seconds": "1"}),
        json!({"advance_seconds": 1, "x": 1}),
        json!({"advance_seconds": 9_000_000_000i64}),
    ] {
        let r = sim.hook("POST", "/-/sim/clock").json(bad.clone()).send();
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid clock change"));
    }
    assert_eq!(sim.hook("DELETE", "/-/sim/clock").send().status, 204);
    assert_eq!(clock()["offset_seconds"], 0);
    sim.hook("POST", "/-/sim/clock")
        .json(json!({"advance_seconds": -3600}))
        .send();
    assert_eq!(clock()["offset_seconds"], -3600);
    assert_eq!(sim.hook("POST", "/-/sim/reset").send().status, 204);
    assert_eq!(clock()["offset_seconds"], 0, "a reset restores real time");
}
