//! Project access tokens: list, get, create, rotate, revoke, with GitLab's rules and bodies.

mod common;

use common::*;
use serde_json::{json, Value};

const TOKENS: &str = "/api/v4/projects/100/access_tokens";

fn create(sim: &Running, token: &str, body: Value) -> Resp {
    sim.post(TOKENS).token(token).json(body).send()
}

fn bad_request(message: &str) -> Value {
    json!({"message": format!("400 Bad request - {message}")})
}

#[test]
fn developer_cannot_list_or_read_tokens() {
    let sim = start();
    sim.get(TOKENS)
        .token(DEV)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    sim.get(&format!("{TOKENS}/12"))
        .token(DEV)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
}

#[test]
fn outsider_gets_project_not_found() {
    let sim = start();
    sim.get(TOKENS)
        .token(OUTSIDER)
        .send()
        .expect(404, json!({"message": "404 Project Not Found"}));
}

#[test]
fn maintainer_lists_all_tokens_in_id_order_with_entity_fields() {
    let sim = start();
    let r = sim.get(TOKENS).token(MAINT).send();
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(ids(&body), vec![12, 13, 14, 15, 16]);
    let first = &body[0];
    assert_eq!(first["name"], "bot-maint");
    assert_eq!(first["scopes"], json!(["api"]));
    assert_eq!(first["access_level"], 40);
    assert_eq!(first["expires_at"], "2025-12-31");
    assert_eq!(first["created_at"], "2025-01-01T10:00:00.000Z");
    assert_eq!(first["active"], true);
    assert_eq!(first["revoked"], false);
    assert_eq!(first["resource_type"], "project");
    assert_eq!(first["resource_id"], 100);
    assert_eq!(first["description"], Value::Null);
    assert!(first.get("token").is_none());
    // Expired and revoked tokens stay listed, inactive.
    assert_eq!(body[2]["active"], false);
    assert_eq!(body[3]["revoked"], true);
    assert_eq!(body[3]["active"], false);
    assert_eq!(body[4]["active"], false, "expires today: already inactive");
    assert_eq!(r.header("x-total"), Some("5"));
    assert_eq!(r.header("x-page"), Some("1"));
}

#[test]
fn inherited_maintainer_and_bots_may_list() {
    let sim = start();
    // maint is only a Reporter of the project directly but Maintainer of its group.
    assert_eq!(sim.get(TOKENS).token(MAINT).send().status, 200);
    assert_eq!(sim.get(TOKENS).token(OWNER).send().status, 200);
    assert_eq!(sim.get(TOKENS).token(ROOT).send().status, 200);
    assert_eq!(sim.get(TOKENS).token(BOT_MAINT).send().status, 200);
}

#[test]
fn state_filter_follows_gitlab_scopes() {
    let sim = start();
    let active = sim
        .get(&format!("{TOKENS}?state=active"))
        .token(MAINT)
        .send();
    assert_eq!(ids(&active.json()), vec![12, 13]);
    // `inactive` is `revoked OR expires_at < today`: a token expiring today is in neither list.
    let inactive = sim
        .get(&format!("{TOKENS}?state=inactive"))
        .token(MAINT)
        .send();
    assert_eq!(ids(&inactive.json()), vec![14, 15]);
    sim.get(&format!("{TOKENS}?state=expired"))
        .token(MAINT)
        .send()
        .expect(400, json!({"error": "state does not have a valid value"}));
}

#[test]
fn other_list_filters_and_sort() {
    let sim = start();
    let revoked = sim
        .get(&format!("{TOKENS}?revoked=true"))
        .token(MAINT)
        .send();
    assert_eq!(ids(&revoked.json()), vec![15]);
    let search = sim.get(&format!("{TOKENS}?search=OWN")).token(MAINT).send();
    assert_eq!(ids(&search.json()), vec![13]);
    let sorted = sim
        .get(&format!("{TOKENS}?sort=name_desc"))
        .token(MAINT)
        .send();
    assert_eq!(
        names(&sorted.json()),
        vec![
            "bot-today",
            "bot-revoked",
            "bot-owner",
            "bot-maint",
            "bot-expired"
        ]
    );
    let expiring = sim
        .get(&format!(
            "{TOKENS}?expires_before=2025-06-16&expires_after=2025-06-01"
        ))
        .token(MAINT)
        .send();
    assert_eq!(ids(&expiring.json()), vec![14, 16]);
    sim.get(&format!("{TOKENS}?revoked=maybe"))
        .token(MAINT)
        .send()
        .expect(400, json!({"error": "revoked is invalid"}));
}

#[test]
fn token_list_is_paginated_with_id_in_links() {
    let sim = start();
    let r = sim
        .get(&format!("{TOKENS}?per_page=2&page=2"))
        .token(MAINT)
        .send();
    assert_eq!(ids(&r.json()), vec![14, 15]);
    assert_eq!(r.header("x-total"), Some("5"));
    assert_eq!(r.header("x-total-pages"), Some("3"));
    assert_eq!(r.header("x-next-page"), Some("3"));
    assert_eq!(r.header("x-prev-page"), Some("1"));
    let base = format!("{}{TOKENS}", sim.base_url);
    assert_eq!(
        r.header("link"),
        Some(
            format!(
                "<{base}?id=100&page=1&per_page=2>; rel=\"prev\", \
                 <{base}?id=100&page=3&per_page=2>; rel=\"next\", \
                 <{base}?id=100&page=1&per_page=2>; rel=\"first\", \
                 <{base}?id=100&page=3&per_page=2>; rel=\"last\""
            )
            .as_str()
        )
    );
}

#[test]
fn get_one_token_and_unknown_token() {
    let sim = start();
    let r = sim.get(&format!("{TOKENS}/13")).token(MAINT).send();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["name"], "bot-owner");
    assert_eq!(r.json()["access_level"], 50);
    let not_found = json!({"message": "404 project Access Token Not Found"});
    sim.get(&format!("{TOKENS}/999"))
        .token(MAINT)
        .send()
        .expect(404, not_found.clone());
    // A personal access token is not one of the project's tokens.
    sim.get(&format!("{TOKENS}/1"))
        .token(MAINT)
        .send()
        .expect(404, not_found.clone());
    sim.get(&format!("{TOKENS}/abc"))
        .token(MAINT)
        .send()
        .expect(404, not_found);
}

#[test]
fn create_requires_name_and_scopes() {
    let sim = start();
    create(&sim, MAINT, json!({}))
        .expect(400, json!({"error": "name is missing, scopes is missing"}));
    create(&sim, MAINT, json!({"name": "x"})).expect(400, json!({"error": "scopes is missing"}));
}

#[test]
fn create_rejects_scopes_outside_resource_bot_scopes() {
    let sim = start();
    for scope in ["read_user", "sudo", "admin_mode", "nonsense"] {
        create(&sim, MAINT, json!({"name": "x", "scopes": ["api", scope]}))
            .expect(400, json!({"error": "scopes does not have a valid value"}));
    }
    // Grape wants an array: a comma-separated string is not one.
    create(&sim, MAINT, json!({"name": "x", "scopes": "api,read_api"}))
        .expect(400, json!({"error": "scopes is invalid"}));
}

#[test]
fn create_rejects_access_levels_outside_the_list() {
    let sim = start();
    for level in [0, 5, 25, 60] {
        create(
            &sim,
            MAINT,
            json!({"name": "x", "scopes": ["api"], "access_level": level}),
        )
        .expect(
            400,
            json!({"error": "access_level does not have a valid value"}),
        );
    }
    create(
        &sim,
        MAINT,
        json!({"name": "x", "scopes": ["nope"], "access_level": 60}),
    )
    .expect(
        400,
        json!({"error": "scopes does not have a valid value, access_level does not have a valid value"}),
    );
}

#[test]
fn developer_cannot_create() {
    let sim = start();
    create(&sim, DEV, json!({"name": "x", "scopes": ["api"]})).expect(
        400,
        bad_request("User does not have permission to create project access token"),
    );
}

#[test]
fn project_token_cannot_create_tokens() {
    let sim = start();
    create(&sim, BOT_OWNER, json!({"name": "x", "scopes": ["api"]})).expect(
        400,
        bad_request("User does not have permission to create project access token"),
    );
}

#[test]
fn maintainer_cannot_grant_owner_but_owner_can() {
    let sim = start();
    create(
        &sim,
        MAINT,
        json!({"name": "x", "scopes": ["api"], "access_level": 50}),
    )
    .expect(
        400,
        bad_request("Access level of the token contains permissions not held by the creating user"),
    );
    // Owner through the top-level group.
    let r = create(
        &sim,
        OWNER,
        json!({"name": "x", "scopes": ["api"], "access_level": 50}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["access_level"], 50);
    // Admins need no membership.
    let r = create(
        &sim,
        ROOT,
        json!({"name": "y", "scopes": ["api"], "access_level": 50}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn create_defaults_to_maintainer_and_one_year() {
    let sim = start();
    let r = create(
        &sim,
        MAINT,
        json!({"name": "ci", "scopes": ["read_api", "read_repository"]}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["access_level"], 40);
    assert_eq!(body["expires_at"], "2026-06-15");
    assert_eq!(body["name"], "ci");
    assert_eq!(body["scopes"], json!(["read_api", "read_repository"]));
    assert_eq!(body["active"], true);
    assert_eq!(body["revoked"], false);
    assert_eq!(body["resource_type"], "project");
    assert_eq!(body["resource_id"], 100);
    assert_eq!(body["last_used_at"], Value::Null);
    assert!(body["created_at"].as_str().unwrap().starts_with(TODAY));
    let secret = body["token"].as_str().unwrap();
    assert!(
        secret.starts_with("glpat-") && secret.len() == 26,
        "{secret}"
    );
    // Listed afterwards, without the secret.
    let listed = sim
        .get(&format!("{TOKENS}/{}", body["id"]))
        .token(MAINT)
        .send()
        .json();
    assert_eq!(listed["name"], "ci");
    assert!(listed.get("token").is_none());
}

#[test]
fn create_enforces_maximum_lifetime() {
    let sim = start();
    let ok = create(
        &sim,
        MAINT,
        json!({"name": "x", "scopes": ["api"], "expires_at": "2026-06-15"}),
    );
    assert_eq!(ok.status, 201, "{}", ok.body);
    create(
        &sim,
        MAINT,
        json!({"name": "x", "scopes": ["api"], "expires_at": "2026-06-16"}),
    )
    .expect(
        400,
        bad_request("Expiration date must be before 2026-06-15"),
    );
    create(
        &sim,
        MAINT,
        json!({"name": "x", "scopes": ["api"], "expires_at": "someday"}),
    )
    .expect(400, json!({"error": "expires_at is invalid"}));
}

#[test]
fn create_accepts_a_past_date_as_an_inactive_token() {
    let sim = start();
    let r = create(
        &sim,
        MAINT,
        json!({"name": "x", "scopes": ["api"], "expires_at": "2025-01-01"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["active"], false);
}

#[test]
fn create_with_overlong_description_fails_in_the_database() {
    let sim = start();
    let long = "d".repeat(256);
    create(
        &sim,
        MAINT,
        json!({"name": "x", "scopes": ["api"], "description": long}),
    )
    .expect(500, json!({"message": "500 Internal Server Error"}));
    let ok = create(
        &sim,
        MAINT,
        json!({"name": "x", "scopes": ["api"], "description": "d".repeat(255)}),
    );
    assert_eq!(ok.status, 201);
    assert_eq!(ok.json()["description"].as_str().unwrap().len(), 255);
}

#[test]
fn create_accepts_form_encoded_bodies() {
    let sim = start();
    let r = sim
        .post(TOKENS)
        .token(MAINT)
        .form("name=form+token&scopes[]=api&scopes[]=read_repository&access_level=30&expires_at=2025-07-01")
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["name"], "form token");
    assert_eq!(body["scopes"], json!(["api", "read_repository"]));
    assert_eq!(body["access_level"], 30);
    assert_eq!(body["expires_at"], "2025-07-01");
}

#[test]
fn created_token_authenticates_as_its_bot() {
    let sim = start();
    let created = create(
        &sim,
        MAINT,
        json!({"name": "robot", "scopes": ["api"], "access_level": 30}),
    )
    .json();
    let secret = created["token"].as_str().unwrap();
    let me = sim.get("/api/v4/user").token(secret).send().json();
    assert_eq!(me["bot"], true);
    assert_eq!(me["name"], "robot");
    assert_eq!(me["id"], created["user_id"]);
    let username = me["username"].as_str().unwrap();
    let suffix = username.strip_prefix("project_100_bot_").expect(username);
    assert_eq!(suffix.len(), 32);
    assert!(suffix.bytes().all(|b| b.is_ascii_hexdigit()));
    // Its role is the token's access level, in this project only.
    let member = sim
        .get(&format!("/api/v4/projects/100/members/all/{}", me["id"]))
        .token(secret)
        .send()
        .json();
    assert_eq!(member["access_level"], 30);
    sim.get("/api/v4/projects/103")
        .token(secret)
        .send()
        .expect(404, json!({"message": "404 Project Not Found"}));
    let own = sim
        .get("/api/v4/personal_access_tokens/self")
        .token(secret)
        .send()
        .json();
    assert_eq!(own["id"], created["id"]);
}

#[test]
fn revoke_then_token_is_listed_inactive_and_stops_working() {
    let sim = start();
    assert_eq!(sim.get("/api/v4/user").token(BOT_MAINT).send().status, 200);
    let r = sim.delete(&format!("{TOKENS}/12")).token(MAINT).send();
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    let listed = sim.get(&format!("{TOKENS}/12")).token(MAINT).send().json();
    assert_eq!(listed["revoked"], true);
    assert_eq!(listed["active"], false);
    sim.get("/api/v4/user")
        .token(BOT_MAINT)
        .send()
        .expect(401, revoked_body());
}

#[test]
fn revoke_refusals() {
    let sim = start();
    sim.delete(&format!("{TOKENS}/12"))
        .token(DEV)
        .send()
        .expect(400, bad_request("Dana Developer cannot delete bot-maint"));
    sim.delete(&format!("{TOKENS}/999"))
        .token(MAINT)
        .send()
        .expect(
            404,
            json!({"message": "404 project Access Token Not Found"}),
        );
    sim.delete("/api/v4/projects/103/access_tokens/12")
        .token(MAINT)
        .send()
        .expect(404, json!({"message": "404 Project Not Found"}));
}

#[test]
fn rotate_replaces_the_token_with_a_week_long_one() {
    let sim = start();
    let r = sim.post(&format!("{TOKENS}/12/rotate")).token(MAINT).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let new = r.json();
    assert_ne!(new["id"], 12);
    assert_eq!(new["name"], "bot-maint");
    assert_eq!(new["scopes"], json!(["api"]));
    assert_eq!(new["access_level"], 40);
    assert_eq!(new["expires_at"], "2025-06-22");
    assert_eq!(new["active"], true);
    let secret = new["token"].as_str().unwrap();
    assert_ne!(secret, BOT_MAINT);
    // The old token is revoked at once; the new one works as the same bot.
    let old = sim.get(&format!("{TOKENS}/12")).token(MAINT).send().json();
    assert_eq!(old["revoked"], true);
    assert_eq!(sim.get("/api/v4/user").token(BOT_MAINT).send().status, 401);
    let me = sim.get("/api/v4/user").token(secret).send().json();
    assert_eq!(me["id"], old["user_id"]);
}

#[test]
fn rotate_keeps_description_and_takes_expires_at() {
    let sim = start();
    let created = create(
        &sim,
        MAINT,
        json!({"name": "d", "scopes": ["read_api"], "description": "for CI", "access_level": 20}),
    )
    .json();
    let r = sim
        .post(&format!("{TOKENS}/{}/rotate", created["id"]))
        .token(MAINT)
        .json(json!({"expires_at": "2025-09-01"}))
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
    let new = r.json();
    assert_eq!(new["description"], "for CI");
    assert_eq!(new["expires_at"], "2025-09-01");
    assert_eq!(new["access_level"], 20);
    assert_eq!(new["scopes"], json!(["read_api"]));
}

#[test]
fn rotate_refusals() {
    let sim = start();
    sim.post(&format!("{TOKENS}/15/rotate"))
        .token(MAINT)
        .send()
        .expect(400, bad_request("Token already revoked"));
    sim.post(&format!("{TOKENS}/13/rotate"))
        .token(MAINT)
        .send()
        .expect(
            400,
            bad_request("Not eligible to rotate tokens with permissions not held by the user"),
        );
    // A Developer, or a token rotating another token, cannot manage tokens: 401.
    sim.post(&format!("{TOKENS}/12/rotate"))
        .token(DEV)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    sim.post(&format!("{TOKENS}/13/rotate"))
        .token(BOT_MAINT)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    // Unknown token: 401 for members, 404 for admins.
    sim.post(&format!("{TOKENS}/999/rotate"))
        .token(MAINT)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    sim.post(&format!("{TOKENS}/999/rotate"))
        .token(ROOT)
        .send()
        .expect(404, json!({"message": "404 Not Found"}));
}

#[test]
fn owner_and_admin_may_rotate_owner_tokens() {
    let sim = start();
    assert_eq!(
        sim.post(&format!("{TOKENS}/13/rotate"))
            .token(OWNER)
            .send()
            .status,
        200
    );
    let created = create(
        &sim,
        ROOT,
        json!({"name": "o", "scopes": ["api"], "access_level": 50}),
    )
    .json();
    let r = sim
        .post(&format!("{TOKENS}/{}/rotate", created["id"]))
        .token(ROOT)
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn rotate_beyond_maximum_lifetime_keeps_the_old_token() {
    let sim = start();
    sim.post(&format!("{TOKENS}/12/rotate"))
        .token(MAINT)
        .json(json!({"expires_at": "2027-01-01"}))
        .send()
        .expect(
            400,
            bad_request("Expiration date must be before 2026-06-15"),
        );
    assert_eq!(sim.get("/api/v4/user").token(BOT_MAINT).send().status, 200);
}

#[test]
fn reusing_a_rotated_token_on_rotate_revokes_its_successor() {
    let sim = start();
    let new = sim
        .post(&format!("{TOKENS}/12/rotate"))
        .token(MAINT)
        .send()
        .json();
    let successor = new["token"].as_str().unwrap().to_owned();
    // The old secret presented to a rotate endpoint: refused, and the family is revoked.
    assert_eq!(
        sim.post(&format!("{TOKENS}/12/rotate"))
            .token(BOT_MAINT)
            .send()
            .status,
        401
    );
    assert_eq!(sim.get("/api/v4/user").token(&successor).send().status, 401);
}

#[test]
fn project_can_be_named_by_encoded_path() {
    let sim = start();
    let r = sim
        .get("/api/v4/projects/top%2Fsub%2Fapp/access_tokens")
        .token(MAINT)
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(ids(&r.json()).len(), 5);
    let created = sim
        .post("/api/v4/projects/top%2Fsub%2Fapp/access_tokens")
        .token(MAINT)
        .json(json!({"name": "p", "scopes": ["api"]}))
        .send();
    assert_eq!(created.status, 201);
    assert_eq!(created.json()["resource_id"], 100);
}

const SELF_ROTATE: &str = "/api/v4/projects/100/access_tokens/self/rotate";
const BOT_ROTATOR: &str = "glpat-test-bot-rotator-01";
const BOT_REPO: &str = "glpat-test-bot-repo-00001";

/// [`fixture`] plus two tokens of `top/sub/app` that cannot use the API: one may rotate itself,
/// one may only read the repository.
fn self_rotation_fixture() -> Value {
    let mut f = fixture();
    let tokens = f["projects"][0]["access_tokens"].as_array_mut().unwrap();
    tokens.push(
        json!({"name": "rotator", "token": BOT_ROTATOR, "scopes": ["self_rotate"],
                       "access_level": 30, "expires_at": "2025-12-31"}),
    );
    tokens.push(
        json!({"name": "repo", "token": BOT_REPO, "scopes": ["read_repository"],
                       "expires_at": "2025-12-31"}),
    );
    f
}

#[test]
fn a_project_token_rotates_itself() {
    let sim = start();
    let r = sim.post(SELF_ROTATE).token(BOT_MAINT).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    let new_id = body["id"].as_u64().unwrap();
    assert!(new_id > 16);
    assert_eq!(body["name"], "bot-maint");
    assert_eq!(body["access_level"], 40);
    assert_eq!(body["resource_type"], "project");
    assert_eq!(body["resource_id"], 100);
    assert_eq!(body["expires_at"], "2025-06-22");
    let secret = body["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("glpat-"));
    // The old token is revoked at once and stays listed; the new one works.
    sim.get("/api/v4/user")
        .token(BOT_MAINT)
        .send()
        .expect(401, revoked_body());
    assert_eq!(
        sim.get(&format!("{TOKENS}/12")).token(MAINT).send().json()["revoked"],
        true
    );
    // The new token rotates itself again, through the project's path, with a chosen date.
    let again = sim
        .post("/api/v4/projects/top%2Fsub%2Fapp/access_tokens/self/rotate")
        .token(&secret)
        .json(json!({"expires_at": "2025-09-01"}))
        .send();
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["expires_at"], "2025-09-01");
    sim.post(SELF_ROTATE)
        .token(again.json()["token"].as_str().unwrap())
        .json(json!({"expires_at": "soon"}))
        .send()
        .expect(400, json!({"error": "expires_at is invalid"}));
}

#[test]
fn self_rotation_needs_api_or_self_rotate_and_a_bot() {
    let sim = start_with(&self_rotation_fixture());
    let r = sim.post(SELF_ROTATE).token(BOT_ROTATOR).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["scopes"], json!(["self_rotate"]));
    assert_eq!(r.json()["access_level"], 30);
    sim.post(SELF_ROTATE)
        .token(BOT_REPO)
        .send()
        .expect(403, scope_body("api self_rotate"));
    // A person's token is not a resource token, even on a project they maintain.
    let not_allowed = json!({"message": "405 Method Not Allowed"});
    sim.post(SELF_ROTATE)
        .token(MAINT)
        .send()
        .expect(405, not_allowed.clone());
    sim.post("/api/v4/projects/999/access_tokens/self/rotate")
        .token(ROOT)
        .send()
        .expect(405, not_allowed);
    sim.post(SELF_ROTATE)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    sim.post(SELF_ROTATE)
        .token(BOT_REVOKED)
        .send()
        .expect(401, revoked_body());
}

#[test]
fn a_project_token_rotates_only_itself_in_its_own_project() {
    let sim = start();
    // A public project it can see, but whose bot it is not.
    sim.post("/api/v4/projects/102/access_tokens/self/rotate")
        .token(BOT_MAINT)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    sim.post("/api/v4/projects/103/access_tokens/self/rotate")
        .token(BOT_MAINT)
        .send()
        .expect(404, json!({"message": "404 Project Not Found"}));
    // Nothing was rotated.
    assert_eq!(sim.get("/api/v4/user").token(BOT_MAINT).send().status, 200);
    // The token can still describe itself.
    let me = sim
        .get("/api/v4/personal_access_tokens/self")
        .token(BOT_MAINT)
        .send()
        .json();
    assert_eq!(me["id"], 12);
    assert_eq!(me["name"], "bot-maint");
    assert!(me["last_used_ips"].is_array());
    assert!(me.get("access_level").is_none());
}

#[test]
fn before_17_9_self_is_just_an_unknown_token_id() {
    let mut f = fixture();
    f["version"] = json!("17.8.3");
    let sim = start_with(&f);
    sim.post(SELF_ROTATE)
        .token(BOT_MAINT)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    assert_eq!(sim.get("/api/v4/user").token(BOT_MAINT).send().status, 200);
    sim.post(SELF_ROTATE)
        .token(ROOT)
        .send()
        .expect(404, json!({"message": "404 Not Found"}));
    let options = sim.req("OPTIONS", SELF_ROTATE).send();
    assert_eq!(options.header("allow"), Some("OPTIONS, POST"));
}
