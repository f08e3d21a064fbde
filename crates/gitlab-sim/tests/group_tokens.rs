//! Group access tokens: the same endpoints as project tokens, with GitLab's group rules (Owner
//! required everywhere, `group_{id}_bot_` usernames, `group Access Token` wording).

mod common;

use common::*;
use serde_json::{json, Value};

const TOKENS: &str = "/api/v4/groups/10/access_tokens";

fn unauthorized() -> Value {
    json!({"message": "401 Unauthorized"})
}

#[test]
fn owner_lists_group_tokens_with_resource_fields() {
    let sim = start_credentials();
    let r = sim.get(TOKENS).token(OWNER).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(ids(&body), vec![17, 18, 19]);
    assert_eq!(body[0]["name"], "group-bot");
    assert_eq!(body[0]["resource_type"], "group");
    assert_eq!(body[0]["resource_id"], 10);
    assert_eq!(body[0]["access_level"], 40);
    assert_eq!(body[0]["created_at"], "2025-01-01T10:00:00.000Z");
    assert_eq!(body[2]["active"], false);
    assert!(body[0].get("token").is_none());
    assert_eq!(r.header("x-total"), Some("3"));
    // Admins need no membership; the path works as well as the id.
    assert_eq!(sim.get(TOKENS).token(ROOT).send().status, 200);
    assert_eq!(
        sim.get("/api/v4/groups/top/access_tokens")
            .token(OWNER)
            .send()
            .status,
        200
    );
}

#[test]
fn group_maintainers_and_developers_are_refused_with_401() {
    let sim = start_credentials();
    // maint is a Maintainer of `top/sub`, which is not enough for group tokens.
    sim.get("/api/v4/groups/11/access_tokens")
        .token(MAINT)
        .send()
        .expect(401, unauthorized());
    sim.post("/api/v4/groups/11/access_tokens/1/rotate")
        .token(MAINT)
        .send()
        .expect(401, unauthorized());
    // The Owner of the parent group is Owner of the subgroup.
    assert_eq!(
        sim.get("/api/v4/groups/11/access_tokens")
            .token(OWNER)
            .send()
            .status,
        200
    );
    // No membership at all in a private group: the group is not found. (`top` is internal,
    // as it holds an internal project, so any user may see it.)
    sim.get(TOKENS)
        .token(OUTSIDER)
        .send()
        .expect(401, unauthorized());
    sim.get("/api/v4/groups/11/access_tokens")
        .token(OUTSIDER)
        .send()
        .expect(404, json!({"message": "404 Group Not Found"}));
}

#[test]
fn state_filter_and_pagination_on_group_lists() {
    let sim = start_credentials();
    let active = sim
        .get(&format!("{TOKENS}?state=active"))
        .token(OWNER)
        .send();
    assert_eq!(ids(&active.json()), vec![17, 18]);
    let inactive = sim
        .get(&format!("{TOKENS}?state=inactive"))
        .token(OWNER)
        .send();
    assert_eq!(ids(&inactive.json()), vec![19]);
    let r = sim
        .get(&format!("{TOKENS}?per_page=2&page=2"))
        .token(OWNER)
        .send();
    assert_eq!(ids(&r.json()), vec![19]);
    let base = format!("{}{TOKENS}", sim.base_url);
    assert_eq!(
        r.header("link"),
        Some(
            format!(
                "<{base}?id=10&page=1&per_page=2>; rel=\"prev\", \
                 <{base}?id=10&page=1&per_page=2>; rel=\"first\", \
                 <{base}?id=10&page=2&per_page=2>; rel=\"last\""
            )
            .as_str()
        )
    );
}

#[test]
fn get_and_not_found_wording() {
    let sim = start_credentials();
    let r = sim.get(&format!("{TOKENS}/18")).token(OWNER).send();
    assert_eq!(r.json()["access_level"], 50);
    let not_found = json!({"message": "404 group Access Token Not Found"});
    // A project token is not one of the group's tokens.
    sim.get(&format!("{TOKENS}/12"))
        .token(OWNER)
        .send()
        .expect(404, not_found.clone());
    sim.delete(&format!("{TOKENS}/999"))
        .token(OWNER)
        .send()
        .expect(404, not_found);
    sim.get("/api/v4/groups/999/access_tokens")
        .token(ROOT)
        .send()
        .expect(404, json!({"message": "404 Group Not Found"}));
}

#[test]
fn owner_creates_a_group_bot() {
    let sim = start_credentials();
    let r = sim
        .post(TOKENS)
        .token(OWNER)
        .json(json!({"name": "deployer", "scopes": ["read_api"], "access_level": 50}))
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["resource_type"], "group");
    assert_eq!(body["access_level"], 50);
    assert_eq!(body["expires_at"], "2026-06-15");
    assert!(body["token"].as_str().unwrap().starts_with("glpat-"));
    // The bot user is readable and named like GitLab's group bots.
    let user = sim
        .get(&format!("/api/v4/users/{}", body["user_id"]))
        .token(OWNER)
        .send()
        .json();
    let username = user["username"].as_str().unwrap();
    let hex = username.strip_prefix("group_10_bot_").expect(username);
    assert_eq!(hex.len(), 32);
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(user["bot"], true);
    assert_eq!(user["name"], "deployer");
    // The bot is an Owner member of the group.
    let member = sim
        .get(&format!(
            "/api/v4/groups/10/members/all/{}",
            body["user_id"]
        ))
        .token(OWNER)
        .send()
        .json();
    assert_eq!(member["access_level"], 50);
}

#[test]
fn group_create_refusals_name_the_group() {
    let sim = start_credentials();
    sim.post("/api/v4/groups/11/access_tokens")
        .token(MAINT)
        .json(json!({"name": "x", "scopes": ["api"]}))
        .send()
        .expect(
            400,
            json!({"message": "400 Bad request - User does not have permission to create group access token"}),
        );
    sim.post(TOKENS)
        .token(GROUP_BOT_OWNER)
        .json(json!({"name": "x", "scopes": ["api"]}))
        .send()
        .expect(
            400,
            json!({"message": "400 Bad request - User does not have permission to create group access token"}),
        );
    sim.post(TOKENS)
        .token(OWNER)
        .json(json!({"name": "x", "scopes": ["read_user"]}))
        .send()
        .expect(400, json!({"error": "scopes does not have a valid value"}));
}

#[test]
fn rotate_and_revoke_group_tokens() {
    let sim = start_credentials();
    let r = sim.post(&format!("{TOKENS}/17/rotate")).token(OWNER).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["name"], "group-bot");
    assert_eq!(body["expires_at"], "2025-06-22");
    assert_eq!(body["resource_type"], "group");
    let old = sim.get(&format!("{TOKENS}/17")).token(OWNER).send().json();
    assert_eq!(old["revoked"], true);
    sim.post(&format!("{TOKENS}/17/rotate"))
        .token(OWNER)
        .send()
        .expect(
            400,
            json!({"message": "400 Bad request - Token already revoked"}),
        );
    // Admins learn that a token does not exist.
    sim.post(&format!("{TOKENS}/999/rotate"))
        .token(ROOT)
        .send()
        .expect(404, json!({"message": "404 Not Found"}));

    assert_eq!(
        sim.delete(&format!("{TOKENS}/18"))
            .token(OWNER)
            .send()
            .status,
        204
    );
    let listed = sim
        .get(&format!("{TOKENS}?revoked=true"))
        .token(OWNER)
        .send();
    assert_eq!(ids(&listed.json()), vec![17, 18]);
}

#[test]
fn non_owner_revocation_is_a_bad_request_naming_both() {
    let mut f = credentials_fixture();
    // Make maint a Maintainer of `top` itself.
    f["groups"][0]["members"] = json!([
        {"user_id": 2, "access_level": 50},
        {"user_id": 3, "access_level": 40}
    ]);
    let sim = start_with(&f);
    sim.get(TOKENS)
        .token(MAINT)
        .send()
        .expect(401, unauthorized());
    sim.delete(&format!("{TOKENS}/17"))
        .token(MAINT)
        .send()
        .expect(
            400,
            json!({"message": "400 Bad request - Mark Maintainer cannot delete group-bot"}),
        );
}

#[test]
fn cors_headers_on_a_group_error() {
    let sim = start_credentials();
    let r = sim
        .get("/api/v4/groups/11/access_tokens")
        .token(OUTSIDER)
        .origin()
        .send();
    assert_eq!(r.status, 404);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let r = sim.req("PUT", TOKENS).token(OWNER).send();
    r.expect(404, json!({"error": "404 Not Found"}));
    let r = sim.req("OPTIONS", TOKENS).send();
    assert_eq!(r.header("allow"), Some("OPTIONS, GET, HEAD, POST"));
}

#[test]
fn a_group_token_rotates_itself() {
    let sim = start_credentials();
    let me = sim
        .get("/api/v4/personal_access_tokens/self")
        .token(GROUP_BOT)
        .send()
        .json();
    assert_eq!(me["id"], 17);
    assert_eq!(me["name"], "group-bot");
    assert!(me.get("access_level").is_none());
    // Only in its own group.
    sim.post("/api/v4/projects/100/access_tokens/self/rotate")
        .token(GROUP_BOT)
        .send()
        .expect(401, unauthorized());
    let r = sim
        .post("/api/v4/groups/top/access_tokens/self/rotate")
        .token(GROUP_BOT)
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["name"], "group-bot");
    assert_eq!(body["resource_type"], "group");
    assert_eq!(body["resource_id"], 10);
    assert_eq!(body["access_level"], 40);
    assert_eq!(body["expires_at"], "2025-06-22");
    assert_eq!(sim.get("/api/v4/user").token(GROUP_BOT).send().status, 401);
    let secret = body["token"].as_str().unwrap();
    assert_eq!(
        sim.get("/api/v4/personal_access_tokens/self")
            .token(secret)
            .send()
            .json()["id"],
        body["id"]
    );
    // A project token cannot rotate itself through a group.
    sim.post("/api/v4/groups/10/access_tokens/self/rotate")
        .token(BOT_MAINT)
        .send()
        .expect(401, unauthorized());
}
