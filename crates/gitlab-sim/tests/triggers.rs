//! Pipeline trigger tokens: Maintainers manage them; only the owner sees the whole token.

mod common;

use common::*;
use serde_json::{json, Value};

const TRIGGERS: &str = "/api/v4/projects/100/triggers";

#[test]
fn list_masks_tokens_the_caller_does_not_own() {
    let sim = start_credentials();
    let r = sim.get(TRIGGERS).token(MAINT).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(ids(&body), vec![1, 2]);
    assert_eq!(body[0]["token"], TRIGGER_MAINT);
    // `short_token`: four characters after the `glptt-` prefix, no padding.
    assert_eq!(body[1]["token"], "fedc");
    assert_eq!(body[0]["description"], "nightly");
    assert_eq!(body[0]["created_at"], "2025-01-01T10:00:00.000Z");
    assert_eq!(body[0]["last_used"], Value::Null);
    assert_eq!(body[0]["owner"]["username"], "maint");
    assert_eq!(body[0]["owner"]["id"], 3);
    assert_eq!(body[1]["owner"]["name"], "Olga Owner");
    assert_eq!(r.header("x-total"), Some("2"));
    // The other owner sees the opposite; an admin owns neither.
    let r = sim.get(TRIGGERS).token(OWNER).send().json();
    assert_eq!(r[0]["token"], "0123");
    assert_eq!(r[1]["token"], TRIGGER_OWNER);
    let r = sim.get(TRIGGERS).token(ROOT).send().json();
    assert_eq!(r[0]["token"], "0123");
    assert_eq!(r[1]["token"], "fedc");
}

#[test]
fn developers_are_forbidden() {
    let sim = start_credentials();
    let forbidden = json!({"message": "403 Forbidden"});
    sim.get(TRIGGERS)
        .token(DEV)
        .send()
        .expect(403, forbidden.clone());
    sim.get(&format!("{TRIGGERS}/1"))
        .token(DEV)
        .send()
        .expect(403, forbidden.clone());
    sim.post(TRIGGERS)
        .token(DEV)
        .json(json!({"description": "x"}))
        .send()
        .expect(403, forbidden.clone());
    sim.delete(&format!("{TRIGGERS}/1"))
        .token(DEV)
        .send()
        .expect(403, forbidden);
    sim.get(TRIGGERS)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    sim.get(TRIGGERS)
        .token(OUTSIDER)
        .send()
        .expect(404, json!({"message": "404 Project Not Found"}));
    // Trigger tokens do not authenticate API calls.
    sim.get(TRIGGERS)
        .token(TRIGGER_MAINT)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
}

#[test]
fn create_requires_a_description_and_shows_the_token_to_its_owner() {
    let sim = start_credentials();
    sim.post(TRIGGERS)
        .token(MAINT)
        .json(json!({}))
        .send()
        .expect(400, json!({"error": "description is missing"}));
    let r = sim
        .post(TRIGGERS)
        .token(MAINT)
        .json(json!({"description": "deploy"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["id"], 3);
    assert_eq!(body["description"], "deploy");
    assert_eq!(body["owner"]["username"], "maint");
    let token = body["token"].as_str().unwrap();
    let hex = token.strip_prefix("glptt-").expect(token);
    assert_eq!(hex.len(), 40);
    assert!(hex
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    let seen_by_owner = sim.get(&format!("{TRIGGERS}/3")).token(OWNER).send().json();
    assert_eq!(seen_by_owner["token"], hex[..4]);
}

#[test]
fn only_the_owner_may_edit() {
    let sim = start_credentials();
    sim.put(&format!("{TRIGGERS}/2"))
        .token(MAINT)
        .json(json!({"description": "mine now"}))
        .send()
        .expect(
            403,
            json!({"message": "403 Forbidden - The current user is not authorized to update the pipeline trigger token"}),
        );
    let r = sim
        .put(&format!("{TRIGGERS}/1"))
        .token(MAINT)
        .json(json!({"description": "every night"}))
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["description"], "every night");
    assert_eq!(r.json()["token"], TRIGGER_MAINT);
    sim.put(&format!("{TRIGGERS}/99"))
        .token(MAINT)
        .json(json!({"description": "x"}))
        .send()
        .expect(404, json!({"message": "404 Not found"}));
}

#[test]
fn any_maintainer_may_delete() {
    let sim = start_credentials();
    let r = sim.delete(&format!("{TRIGGERS}/2")).token(MAINT).send();
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(ids(&sim.get(TRIGGERS).token(MAINT).send().json()), vec![1]);
    sim.delete(&format!("{TRIGGERS}/2"))
        .token(MAINT)
        .send()
        .expect(404, json!({"message": "404 Not found"}));
    sim.get(&format!("{TRIGGERS}/x"))
        .token(MAINT)
        .send()
        .expect(400, json!({"error": "trigger_id is invalid"}));
}

#[test]
fn trigger_lists_paginate() {
    let sim = start_credentials();
    let r = sim
        .get(&format!("{TRIGGERS}?per_page=1&page=2"))
        .token(MAINT)
        .send();
    assert_eq!(ids(&r.json()), vec![2]);
    assert_eq!(r.header("x-prev-page"), Some("1"));
    assert_eq!(r.header("x-next-page"), Some(""));
    sim.get(&format!("{TRIGGERS}?per_page=0"))
        .token(MAINT)
        .send()
        .expect(400, json!({"error": "per_page has a value not allowed"}));
}
