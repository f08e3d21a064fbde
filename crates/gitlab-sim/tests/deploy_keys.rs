//! Project deploy keys: list, get, add, update, enable, delete; fingerprints as `ssh-keygen -l`
//! prints them; model errors in `render_validation_error!`'s shape.

mod common;

use common::*;
use serde_json::{json, Value};

const KEYS: &str = "/api/v4/projects/100/deploy_keys";

fn add(sim: &Running, token: &str, body: Value) -> Resp {
    sim.post(KEYS).token(token).json(body).send()
}

#[test]
fn list_shows_keys_with_fingerprints_and_can_push() {
    let sim = start_credentials();
    let r = sim.get(KEYS).token(MAINT).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(
        body[0],
        json!({"id": 1, "title": "deployer", "key": KEY_ED25519,
               "fingerprint": KEY_ED25519_MD5, "fingerprint_sha256": KEY_ED25519_SHA256,
               "created_at": "2025-01-01T10:00:00.000Z", "expires_at": null, "can_push": true})
    );
    assert_eq!(body[1]["fingerprint"], KEY_RSA_MD5);
    assert_eq!(body[1]["fingerprint_sha256"], KEY_RSA_SHA256);
    assert_eq!(body[1]["expires_at"], "2026-01-01T00:00:00.000Z");
    assert_eq!(body[1]["can_push"], false);
    assert_eq!(r.header("x-total"), Some("2"));
    let one = sim.get(&format!("{KEYS}/2")).token(MAINT).send().json();
    assert_eq!(one["title"], "backup");
    // Key 3 exists, but in another project.
    sim.get(&format!("{KEYS}/3"))
        .token(MAINT)
        .send()
        .expect(404, json!({"message": "404 Not found"}));
}

#[test]
fn developers_are_forbidden_before_parameters_are_checked() {
    let sim = start_credentials();
    let forbidden = json!({"message": "403 Forbidden"});
    sim.get(KEYS)
        .token(DEV)
        .send()
        .expect(403, forbidden.clone());
    add(&sim, DEV, json!({})).expect(403, forbidden);
    sim.get(KEYS)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
}

#[test]
fn add_computes_fingerprints() {
    let sim = start_credentials();
    add(&sim, MAINT, json!({})).expect(400, json!({"error": "key is missing, title is missing"}));
    let r = add(
        &sim,
        MAINT,
        json!({"title": "new", "key": format!("  {KEY_ED25519_C}\n"), "can_push": true,
               "expires_at": "2026-03-01T12:00:00Z"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["id"], 4);
    assert_eq!(body["key"], KEY_ED25519_C);
    assert_eq!(body["fingerprint"], KEY_ED25519_C_MD5);
    assert_eq!(body["fingerprint_sha256"], KEY_ED25519_C_SHA256);
    assert_eq!(body["can_push"], true);
    assert_eq!(body["expires_at"], "2026-03-01T12:00:00.000Z");
    let r = add(&sim, MAINT, json!({"title": "ec", "key": KEY_ECDSA}));
    assert_eq!(r.json()["fingerprint_sha256"], KEY_ECDSA_SHA256);
    assert_eq!(r.json()["can_push"], false);
}

#[test]
fn invalid_keys_get_model_errors() {
    let sim = start_credentials();
    let forbidden_type = "type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK";
    add(&sim, MAINT, json!({"title": "x", "key": "not a key"})).expect(
        400,
        json!({"message": {
            "deploy_key.key": [forbidden_type, "is invalid"],
            "deploy_key.fingerprint_sha256": ["cannot be generated"]
        }}),
    );
    add(
        &sim,
        MAINT,
        json!({"title": "x", "key": "ssh-ed25519 AAAAbroken"}),
    )
    .expect(
        400,
        json!({"message": {
            "deploy_key.key": [forbidden_type],
            "deploy_key.fingerprint_sha256": ["cannot be generated"]
        }}),
    );
    // DSA is forbidden by GitLab's default key restrictions.
    add(&sim, MAINT, json!({"title": "x", "key": KEY_DSA})).expect(
        400,
        json!({"message": {"deploy_key.key": [forbidden_type]}}),
    );
    add(&sim, MAINT, json!({"title": "", "key": KEY_ED25519_C})).expect(
        400,
        json!({"message": {"deploy_key.title": ["can't be blank"]}}),
    );
    add(
        &sim,
        MAINT,
        json!({"title": "x", "key": KEY_ED25519_C, "expires_at": "2025-01-01"}),
    )
    .expect(400, json!({"message": {"deploy_key.key": ["has expired"]}}));
}

#[test]
fn the_same_key_is_reused_or_refused() {
    let sim = start_credentials();
    // Already in this project: answered as is.
    let r = add(&sim, MAINT, json!({"title": "again", "key": KEY_ED25519}));
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["id"], 1);
    assert_eq!(r.json()["title"], "deployer");
    // In a project maint cannot maintain: the fingerprint is taken.
    add(&sim, MAINT, json!({"title": "site", "key": KEY_ED25519_B})).expect(
        400,
        json!({"message": {"deploy_key.fingerprint_sha256": ["has already been taken"]}}),
    );
    // The owner maintains `top/site` too, so the key is enabled here instead.
    let r = add(
        &sim,
        OWNER,
        json!({"title": "site", "key": KEY_ED25519_B, "can_push": true}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["id"], 3);
    assert_eq!(r.json()["title"], "site deployer");
    assert_eq!(r.json()["can_push"], true);
}

#[test]
fn update_title_and_can_push() {
    let sim = start_credentials();
    sim.put(&format!("{KEYS}/2")).token(MAINT).json(json!({})).send().expect(
        400,
        json!({"error": "title, can_push are missing, at least one parameter must be provided"}),
    );
    let r = sim
        .put(&format!("{KEYS}/2"))
        .token(MAINT)
        .json(json!({"title": "renamed", "can_push": true}))
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["title"], "renamed");
    assert_eq!(r.json()["can_push"], true);
    sim.put(&format!("{KEYS}/3"))
        .token(MAINT)
        .json(json!({"title": "x"}))
        .send()
        .expect(404, json!({"message": "404 Not found"}));
}

#[test]
fn enable_a_key_from_another_project() {
    let sim = start_credentials();
    sim.post(&format!("{KEYS}/3/enable"))
        .token(MAINT)
        .send()
        .expect(404, json!({"message": "404 Deploy key Not Found"}));
    let r = sim.post(&format!("{KEYS}/3/enable")).token(OWNER).send();
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["title"], "site deployer");
    assert!(body.get("can_push").is_none(), "the bare DeployKey entity");
    assert_eq!(
        ids(&sim.get(KEYS).token(MAINT).send().json()),
        vec![1, 2, 3]
    );
}

#[test]
fn delete_unlinks_and_removes_orphans() {
    let sim = start_credentials();
    assert_eq!(
        sim.post(&format!("{KEYS}/3/enable"))
            .token(OWNER)
            .send()
            .status,
        201
    );
    assert_eq!(
        sim.delete(&format!("{KEYS}/3")).token(MAINT).send().status,
        204
    );
    // Still enabled in `top/site`.
    let site = sim
        .get("/api/v4/projects/101/deploy_keys")
        .token(OWNER)
        .send();
    assert_eq!(ids(&site.json()), vec![3]);
    assert_eq!(
        sim.delete(&format!("{KEYS}/1")).token(MAINT).send().status,
        204
    );
    assert_eq!(ids(&sim.get(KEYS).token(MAINT).send().json()), vec![2]);
    sim.delete(&format!("{KEYS}/1"))
        .token(MAINT)
        .send()
        .expect(404, json!({"message": "404 Deploy key Not Found"}));
    // The orphaned key is gone: adding it again makes a new key.
    let r = add(&sim, MAINT, json!({"title": "back", "key": KEY_ED25519}));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["id"], 4);
}
