//! Authentication and scopes: headers, token states, scope rules, usage tracking.

mod common;

use common::*;
use serde_json::json;

#[test]
fn private_token_header_and_bearer_both_authenticate() {
    let sim = start();
    let a = sim.get("/api/v4/user").token(MAINT).send();
    let b = sim.get("/api/v4/user").bearer(MAINT).send();
    assert_eq!(a.status, 200);
    assert_eq!(b.status, 200);
    assert_eq!(a.json()["username"], "maint");
    assert_eq!(b.json()["username"], "maint");
    assert_eq!(a.header("content-type"), Some("application/json"));
}

#[test]
fn private_token_header_wins_over_bearer() {
    let sim = start();
    let r = sim.get("/api/v4/user").token(DEV).bearer(MAINT).send();
    assert_eq!(r.json()["username"], "dev");
}

#[test]
fn missing_or_unknown_token_is_401_unauthorized() {
    let sim = start();
    sim.get("/api/v4/user")
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    sim.get("/api/v4/user")
        .token("glpat-not-a-known-token-x")
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    // An unknown token is refused even where anonymous access is allowed.
    sim.get("/api/v4/projects")
        .bearer("glpat-not-a-known-token-x")
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
}

#[test]
fn expired_token_gets_invalid_token_answer() {
    let sim = start();
    let r = sim.get("/api/v4/user").token(EXPIRED).send();
    r.expect(401, expired_body());
    assert_eq!(
        r.header("www-authenticate"),
        Some("Bearer realm=\"Protected by OAuth 2.0\", error=\"invalid_token\", error_description=\"Token is expired. You can either do re-authorization or token refresh.\"")
    );
    sim.get("/api/v4/projects")
        .token(EXPIRED)
        .send()
        .expect(401, expired_body());
}

#[test]
fn token_stops_working_at_midnight_of_its_expiry_date() {
    let sim = start();
    // expires_at == today: already expired.
    sim.get("/api/v4/user")
        .token(EXPIRES_TODAY)
        .send()
        .expect(401, expired_body());
}

#[test]
fn revoked_token_gets_invalid_token_answer() {
    let sim = start();
    sim.get("/api/v4/user")
        .token(REVOKED)
        .send()
        .expect(401, revoked_body());
}

#[test]
fn read_api_token_cannot_write() {
    let sim = start();
    // The reader is a Maintainer of the app, so only the scope stands in the way.
    sim.post("/api/v4/projects/100/access_tokens")
        .token(READER)
        .json(json!({"name": "x", "scopes": ["api"]}))
        .send()
        .expect(403, scope_body("api read_api"));
    sim.delete("/api/v4/projects/100/access_tokens/12")
        .token(READER)
        .send()
        .expect(403, scope_body("api read_api"));
    // Reading is fine.
    assert_eq!(
        sim.get("/api/v4/projects/100/access_tokens")
            .token(READER)
            .send()
            .status,
        200
    );
}

#[test]
fn read_user_scope_reads_user_but_not_projects() {
    let sim = start();
    let r = sim.get("/api/v4/user").token(READ_USER_ONLY).send();
    assert_eq!(r.status, 200);
    assert_eq!(
        sim.get("/api/v4/version")
            .token(READ_USER_ONLY)
            .send()
            .status,
        200
    );
    sim.get("/api/v4/projects")
        .token(READ_USER_ONLY)
        .send()
        .expect(403, scope_body("api read_api"));
}

#[test]
fn token_without_api_scopes_is_refused_with_registered_scopes() {
    let sim = start();
    sim.get("/api/v4/user")
        .token(REPO_ONLY)
        .send()
        .expect(403, scope_body("read_user api read_api"));
    sim.get("/api/v4/projects/102")
        .token(REPO_ONLY)
        .send()
        .expect(403, scope_body("api read_api"));
}

#[test]
fn token_self_works_with_any_scope_and_reports_the_token() {
    let sim = start();
    let r = sim
        .get("/api/v4/personal_access_tokens/self")
        .token(REPO_ONLY)
        .send();
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["id"], 8);
    assert_eq!(body["name"], "repo only");
    assert_eq!(body["scopes"], json!(["read_repository"]));
    assert_eq!(body["user_id"], 6);
    assert_eq!(body["active"], true);
    assert_eq!(body["revoked"], false);
    assert_eq!(body["expires_at"], "2026-01-01");
    assert_eq!(body["last_used_ips"], json!(["127.0.0.1"]));
    assert!(
        body.get("token").is_none(),
        "the secret is never shown again"
    );
}

#[test]
fn using_a_token_sets_last_used_at() {
    let sim = start();
    let before = sim
        .get("/api/v4/projects/100/access_tokens/12")
        .token(ROOT)
        .send()
        .json();
    assert_eq!(before["last_used_at"], serde_json::Value::Null);
    sim.get("/api/v4/version").token(BOT_MAINT).send();
    let after = sim
        .get("/api/v4/projects/100/access_tokens/12")
        .token(ROOT)
        .send()
        .json();
    let used = after["last_used_at"].as_str().expect("set after use");
    assert!(used.starts_with(TODAY), "{used}");
}

#[test]
fn user_entity_marks_admins_and_bots() {
    let sim = start();
    let root = sim.get("/api/v4/user").token(ROOT).send().json();
    assert_eq!(root["is_admin"], true);
    let dev = sim.get("/api/v4/user").token(DEV).send().json();
    assert!(dev.get("is_admin").is_none(), "is_admin only for admins");
    assert_eq!(dev["bot"], false);
    assert_eq!(dev["state"], "active");
    assert_eq!(dev["web_url"], format!("{}/dev", sim.base_url));
    let bot = sim.get("/api/v4/user").token(BOT_MAINT).send().json();
    assert_eq!(bot["bot"], true);
    assert_eq!(bot["name"], "bot-maint");
    assert!(bot["username"]
        .as_str()
        .unwrap()
        .starts_with("project_100_bot_"));
}

#[test]
fn version_reports_fixture_version_and_needs_auth() {
    let sim = start();
    sim.get("/api/v4/version")
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    let v = sim.get("/api/v4/version").token(DEV).send().json();
    assert_eq!(v["version"], "18.6.0");
    assert_eq!(v["enterprise"], false);
}

#[test]
fn project_token_acts_only_on_its_project() {
    let sim = start();
    // The bot is a Maintainer of project 100 and nothing else.
    let visible = sim
        .get("/api/v4/projects?membership=true")
        .token(BOT_MAINT)
        .send();
    assert_eq!(ids(&visible.json()), vec![100]);
    assert_eq!(
        sim.get("/api/v4/projects/103")
            .token(BOT_MAINT)
            .send()
            .status,
        404
    );
    let member = sim
        .get("/api/v4/projects/100/members/all/7")
        .token(BOT_MAINT)
        .send()
        .json();
    assert_eq!(member["access_level"], 40);
}
