//! The token information API: `POST /admin/token` describes any token from its plaintext,
//! `DELETE /admin/token` revokes it.

mod common;

use common::*;
use serde_json::{json, Value};

const PATH: &str = "/api/v4/admin/token";

fn info(sim: &Running, token: &str) -> Resp {
    sim.post(PATH)
        .token(ROOT)
        .json(json!({"token": token}))
        .send()
}

fn revoke(sim: &Running, token: &str) -> Resp {
    sim.delete(PATH)
        .token(ROOT)
        .json(json!({"token": token}))
        .send()
}

fn not_found() -> Value {
    json!({"message": {"error": "Not found"}})
}

fn unsupported() -> Value {
    json!({"message": "Token type not supported."})
}

fn at_version(version: &str) -> Running {
    let mut f = credentials_fixture();
    f["version"] = json!(version);
    start_with(&f)
}

#[test]
fn personal_project_and_group_tokens_are_shown_as_personal_tokens() {
    let sim = start_credentials();
    info(&sim, OUTSIDER).expect(
        200,
        json!({"id": 6, "name": "t", "revoked": false,
               "created_at": "2025-01-01T09:00:00.000Z", "description": null,
               "scopes": ["api"], "user_id": 6, "last_used_at": null, "active": true,
               "expires_at": "2026-01-01"}),
    );
    // Resource tokens come back as the bot's personal token: no role, no resource.
    let bot = info(&sim, BOT_MAINT).json();
    assert_eq!(
        (bot["id"].as_u64(), bot["name"].as_str()),
        (Some(12), Some("bot-maint"))
    );
    assert!(bot.get("access_level").is_none());
    assert!(bot.get("token").is_none());
    let group_bot = info(&sim, GROUP_BOT).json();
    assert_eq!(group_bot["id"], 17);
    assert_eq!(group_bot["name"], "group-bot");
    // Expired and revoked tokens are still found and described.
    let expired = info(&sim, EXPIRED).json();
    assert_eq!(
        (expired["id"].as_u64(), expired["active"].as_bool()),
        (Some(9), Some(false))
    );
    assert_eq!(info(&sim, REVOKED).json()["revoked"], true);
    // Form bodies and the query string work as well.
    let form = sim
        .post(PATH)
        .token(ROOT)
        .form(&format!("token={DEV}"))
        .send();
    assert_eq!(form.json()["id"], 4);
    let query = sim.post(&format!("{PATH}?token={DEV}")).token(ROOT).send();
    assert_eq!(query.json()["id"], 4);
}

#[test]
fn deploy_tokens_and_triggers_use_their_own_entities() {
    let sim = start_credentials();
    info(&sim, DEPLOY_PROJECT).expect(
        200,
        json!({"id": 1, "name": "ci-clone", "username": "ci-bot",
               "expires_at": "2026-01-01T00:00:00.000Z",
               "scopes": ["read_repository", "read_registry"],
               "revoked": false, "expired": false}),
    );
    let group = info(&sim, DEPLOY_GROUP).json();
    assert_eq!(
        (group["id"].as_u64(), group["name"].as_str()),
        (Some(4), Some("registry-pull"))
    );
    let trigger = info(&sim, TRIGGER_MAINT).json();
    assert_eq!(trigger["id"], 1);
    assert_eq!(trigger["description"], "nightly");
    assert_eq!(trigger["owner"]["username"], "maint");
    // The trigger presenter shows the whole token to its owner only, admins included.
    assert_eq!(trigger["token"], "0123");
    assert_eq!(trigger["expires_at"], Value::Null);
}

#[test]
fn unknown_unsupported_and_missing_tokens() {
    let sim = start_credentials();
    info(&sim, "glpat-no-such-token-00000").expect(404, not_found());
    info(&sim, "gldt-no-such-token").expect(404, not_found());
    info(&sim, "glptt-no-such-token").expect(404, not_found());
    // Kinds GitLab recognises but the sim keeps none of are never found.
    for kind in [
        "glrt-runner",
        "glft-feed",
        "gloas-app",
        "_gitlab_session=abc",
    ] {
        info(&sim, kind).expect(404, not_found());
    }
    info(&sim, "unsupported").expect(422, unsupported());
    info(&sim, "").expect(422, unsupported());
    sim.post(PATH)
        .token(ROOT)
        .send()
        .expect(400, json!({"error": "token is missing"}));
}

#[test]
fn only_admins_may_ask_and_they_are_checked_first() {
    let sim = start_credentials();
    for method in ["POST", "DELETE"] {
        sim.req(method, PATH)
            .token(OWNER)
            .json(json!({"token": OUTSIDER}))
            .send()
            .expect(403, json!({"message": "403 Forbidden"}));
        sim.req(method, PATH)
            .json(json!({"token": OUTSIDER}))
            .send()
            .expect(401, json!({"message": "401 Unauthorized"}));
        // `authenticated_as_admin!` runs before `token` is validated.
        sim.req(method, PATH)
            .token(OWNER)
            .send()
            .expect(403, json!({"message": "403 Forbidden"}));
        sim.req(method, PATH)
            .send()
            .expect(401, json!({"message": "401 Unauthorized"}));
    }
    // The token being asked about stays unrevoked.
    assert_eq!(sim.get("/api/v4/user").token(OUTSIDER).send().status, 200);
}

#[test]
fn revoked_tokens_stop_authenticating() {
    let sim = start_credentials();
    assert_eq!(sim.get("/api/v4/user").token(OUTSIDER).send().status, 200);
    let r = revoke(&sim, OUTSIDER);
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    sim.get("/api/v4/user")
        .token(OUTSIDER)
        .send()
        .expect(401, revoked_body());
    let after = info(&sim, OUTSIDER).json();
    assert_eq!(
        (after["revoked"].as_bool(), after["active"].as_bool()),
        (Some(true), Some(false))
    );
    // Revoking again changes nothing and succeeds again.
    assert_eq!(revoke(&sim, OUTSIDER).status, 204);

    // A project token is revoked, not deleted: it stays listed.
    assert_eq!(revoke(&sim, BOT_MAINT).status, 204);
    assert_eq!(sim.get("/api/v4/user").token(BOT_MAINT).send().status, 401);
    let listed = sim
        .get("/api/v4/projects/100/access_tokens/12")
        .token(MAINT)
        .send()
        .json();
    assert_eq!(listed["revoked"], true);
    assert_eq!(revoke(&sim, GROUP_BOT).status, 204);
    assert_eq!(sim.get("/api/v4/user").token(GROUP_BOT).send().status, 401);
}

#[test]
fn deploy_tokens_are_revoked_and_triggers_expired() {
    let sim = start_credentials();
    assert_eq!(revoke(&sim, DEPLOY_PROJECT).status, 204);
    let project = sim
        .get("/api/v4/projects/100/deploy_tokens/1")
        .token(MAINT)
        .send()
        .json();
    assert_eq!(project["revoked"], true);
    assert_eq!(revoke(&sim, DEPLOY_GROUP).status, 204);
    let group = sim
        .get("/api/v4/groups/10/deploy_tokens/4")
        .token(OWNER)
        .send()
        .json();
    assert_eq!(group["revoked"], true);

    assert_eq!(revoke(&sim, TRIGGER_MAINT).status, 204);
    let trigger = sim
        .get("/api/v4/projects/100/triggers/1")
        .token(MAINT)
        .send()
        .json();
    let expires_at = trigger["expires_at"].as_str().expect("an expiry");
    assert!(expires_at.starts_with(TODAY), "{expires_at}");
    assert_eq!(trigger["updated_at"], trigger["expires_at"]);

    revoke(&sim, "glpat-no-such-token-00000").expect(404, not_found());
    revoke(&sim, "glrt-runner").expect(404, not_found());
    revoke(&sim, "unsupported").expect(422, unsupported());
}

#[test]
fn routes_and_token_kinds_follow_the_version() {
    let route_not_found = json!({"error": "404 Not Found"});
    let old = at_version("17.4.2");
    info(&old, OUTSIDER).expect(404, route_not_found.clone());

    // 17.5: information only, about personal and deploy tokens.
    let first = at_version("17.5.0");
    assert_eq!(info(&first, OUTSIDER).status, 200);
    assert_eq!(info(&first, DEPLOY_PROJECT).status, 200);
    info(&first, TRIGGER_MAINT).expect(422, unsupported());
    info(&first, "glft-feed").expect(422, unsupported());
    revoke(&first, OUTSIDER).expect(404, route_not_found);
    let options = first.req("OPTIONS", PATH).send();
    assert_eq!(options.header("allow"), Some("OPTIONS, POST"));

    // 17.7: revocation, and triggers are known but cannot be revoked yet.
    let revoking = at_version("17.7.1");
    assert_eq!(info(&revoking, TRIGGER_MAINT).status, 200);
    info(&revoking, "_gitlab_session=abc").expect(422, unsupported());
    assert_eq!(revoke(&revoking, OUTSIDER).status, 204);
    revoke(&revoking, TRIGGER_MAINT).expect(500, json!({"message": "500 Internal Server Error"}));
    assert_eq!(
        info(&revoking, TRIGGER_MAINT).json()["expires_at"],
        Value::Null
    );

    let later = at_version("17.10.0");
    assert_eq!(revoke(&later, TRIGGER_MAINT).status, 204);
    info(&later, "_gitlab_session=abc").expect(404, not_found());
}

#[test]
fn the_instance_prefix_marks_personal_tokens() {
    let mut f = credentials_fixture();
    f["personal_access_token_prefix"] = json!("acme_");
    f["users"][5]["personal_access_tokens"]
        .as_array_mut()
        .unwrap()
        .push(
            json!({"name": "acme", "token": "acme_outsider_000000001", "scopes": ["api"],
                     "expires_at": "2026-01-01"}),
        );
    let sim = start_with(&f);
    assert_eq!(info(&sim, "acme_outsider_000000001").json()["name"], "acme");
    info(&sim, "acme_unknown").expect(404, not_found());
    // The default prefix is always claimed too.
    assert_eq!(info(&sim, OUTSIDER).json()["id"], 6);
    // New tokens carry the instance's prefix.
    let created = sim
        .post("/api/v4/users/6/personal_access_tokens")
        .token(ROOT)
        .json(json!({"name": "new", "scopes": ["api"]}))
        .send()
        .json();
    let secret = created["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("acme_"), "{secret}");
    assert_eq!(info(&sim, &secret).json()["id"], created["id"]);
    let rotated = sim
        .post("/api/v4/personal_access_tokens/self/rotate")
        .token(&secret)
        .send()
        .json();
    assert!(rotated["token"].as_str().unwrap().starts_with("acme_"));
}

#[test]
fn application_settings_tell_admins_the_token_prefix() {
    let mut f = credentials_fixture();
    f["personal_access_token_prefix"] = json!("acme-");
    let sim = start_with(&f);
    let r = sim.get("/api/v4/application/settings").token(ROOT).send();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["personal_access_token_prefix"], "acme-");
    assert_eq!(
        sim.get("/api/v4/application/settings")
            .token(MAINT)
            .send()
            .status,
        403
    );
    assert_eq!(sim.get("/api/v4/application/settings").send().status, 401);
}
