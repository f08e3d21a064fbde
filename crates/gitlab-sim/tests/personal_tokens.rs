//! Personal access token management: list, get, rotate, revoke (by id and self), and creation by
//! admins and by users for themselves.

mod common;

use common::*;
use serde_json::json;

const PATS: &str = "/api/v4/personal_access_tokens";

#[test]
fn users_list_their_own_tokens_only() {
    let sim = start();
    let r = sim.get(PATS).token(OUTSIDER).send();
    assert_eq!(r.status, 200, "{}", r.body);
    // outsider holds tokens 6..=11.
    assert_eq!(ids(&r.json()), vec![6, 7, 8, 9, 10, 11]);
    assert_eq!(r.json()[0]["user_id"], 6);
    assert!(r.json()[0].get("token").is_none());
    assert_eq!(r.header("x-total"), Some("6"));
    let active = sim
        .get(&format!("{PATS}?state=active"))
        .token(OUTSIDER)
        .send();
    assert_eq!(ids(&active.json()), vec![6, 7, 8]);
    let revoked = sim
        .get(&format!("{PATS}?revoked=true"))
        .token(OUTSIDER)
        .send();
    assert_eq!(ids(&revoked.json()), vec![11]);
    let search = sim
        .get(&format!("{PATS}?search=only&sort=name_desc"))
        .token(OUTSIDER)
        .send();
    assert_eq!(names(&search.json()), vec!["user only", "repo only"]);
    // Naming oneself is fine; naming someone else is not.
    assert_eq!(
        sim.get(&format!("{PATS}?user_id=6"))
            .token(OUTSIDER)
            .send()
            .status,
        200
    );
    sim.get(&format!("{PATS}?user_id=1"))
        .token(OUTSIDER)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
}

#[test]
fn admins_list_everyone_or_one_user() {
    let sim = start();
    let r = sim.get(&format!("{PATS}?per_page=100")).token(ROOT).send();
    // Every token, project bots' included.
    assert_eq!(r.header("x-total"), Some("16"));
    let r = sim.get(&format!("{PATS}?user_id=3")).token(ROOT).send();
    assert_eq!(ids(&r.json()), vec![3]);
    // `finder_params` calls a bare `not_found!`, for an unknown user and for a blank `user_id`.
    let not_found = json!({"message": "404 Not Found"});
    sim.get(&format!("{PATS}?user_id=999"))
        .token(ROOT)
        .send()
        .expect(404, not_found.clone());
    sim.get(&format!("{PATS}?user_id="))
        .token(ROOT)
        .send()
        .expect(404, not_found);
    let page = sim
        .get(&format!("{PATS}?per_page=5&page=2"))
        .token(ROOT)
        .send();
    assert_eq!(ids(&page.json()), vec![6, 7, 8, 9, 10]);
    assert_eq!(page.header("x-total-pages"), Some("4"));
}

#[test]
fn admin_filters_span_every_user() {
    let sim = start();
    let get = |query: &str| {
        let r = sim.get(&format!("{PATS}?{query}")).token(ROOT).send();
        assert_eq!(r.status, 200, "{query}: {}", r.body);
        ids(&r.json())
    };
    // Expired (9), revoked (11) and the expired and revoked project bots' tokens (14, 15).
    assert_eq!(get("state=inactive"), vec![9, 11, 14, 15]);
    assert_eq!(get("revoked=true"), vec![11, 15]);
    assert_eq!(get("search=bot-"), vec![12, 13, 14, 15, 16]);
    assert_eq!(get("search=bot-&user_id=7"), vec![12]);
    assert_eq!(get("expires_before=2025-06-15"), vec![9, 14]);
    assert_eq!(
        get("expires_after=2026-01-01"),
        vec![1, 2, 3, 4, 5, 6, 7, 8, 11]
    );
    // Fixture tokens without `created_at` were made a year before they expire, at 09:00.
    assert_eq!(get("created_after=2025-01-01T09:30:00Z"), vec![12]);
    assert_eq!(
        get("created_before=2024-12-31T12:00:00Z"),
        vec![9, 10, 13, 14, 15, 16]
    );
    // Only the admin's own token has been used: by this very request.
    assert_eq!(get("last_used_after=2025-06-15"), vec![1]);
    assert!(get("last_used_before=2025-06-15").is_empty());
    assert_eq!(get("sort=name_asc&per_page=3"), vec![14, 12, 13]);
}

#[test]
fn non_admins_cannot_name_other_users_even_with_bad_values() {
    let sim = start();
    let unauthorized = json!({"message": "401 Unauthorized"});
    // `restrict_non_admins!` runs before Grape validates `user_id`.
    sim.get(&format!("{PATS}?user_id=abc"))
        .token(DEV)
        .send()
        .expect(401, unauthorized.clone());
    // Authentication comes before validation too.
    sim.get(&format!("{PATS}?state=bogus"))
        .token("glpat-nobody")
        .send()
        .expect(401, unauthorized);
    // A blank `user_id` is no filter for a non-admin.
    let own = sim.get(&format!("{PATS}?user_id=")).token(DEV).send();
    assert_eq!(ids(&own.json()), vec![4]);
    sim.get(&format!("{PATS}?state=bogus"))
        .token(DEV)
        .send()
        .expect(400, json!({"error": "state does not have a valid value"}));
}

#[test]
fn get_by_id_hides_other_peoples_tokens() {
    let sim = start();
    let r = sim.get(&format!("{PATS}/4")).token(DEV).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["user_id"], 4);
    assert!(r.json()["last_used_ips"].is_array());
    let unauthorized = json!({"message": "401 Unauthorized"});
    sim.get(&format!("{PATS}/1"))
        .token(DEV)
        .send()
        .expect(401, unauthorized.clone());
    sim.get(&format!("{PATS}/999"))
        .token(DEV)
        .send()
        .expect(401, unauthorized);
    assert_eq!(sim.get(&format!("{PATS}/4")).token(ROOT).send().status, 200);
    sim.get(&format!("{PATS}/999"))
        .token(ROOT)
        .send()
        .expect(404, json!({"message": "404 Not Found"}));
    // The self route still answers for the presented token.
    let me = sim.get(&format!("{PATS}/self")).token(DEV).send().json();
    assert_eq!(me["id"], 4);
}

#[test]
fn rotate_by_id() {
    let sim = start();
    let r = sim
        .post(&format!("{PATS}/4/rotate"))
        .token(DEV)
        .json(json!({"expires_at": "2025-07-01"}))
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["expires_at"], "2025-07-01");
    assert_eq!(body["user_id"], 4);
    let secret = body["token"].as_str().unwrap().to_owned();
    // The old token is revoked at once; the new one works.
    sim.get("/api/v4/user")
        .token(DEV)
        .send()
        .expect(401, revoked_body());
    assert_eq!(sim.get("/api/v4/user").token(&secret).send().status, 200);
    let default = sim
        .post(&format!("{PATS}/{}/rotate", body["id"]))
        .token(&secret)
        .send();
    assert_eq!(default.json()["expires_at"], "2025-06-22");
    sim.post(&format!("{PATS}/1/rotate"))
        .token(MAINT)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    sim.post(&format!("{PATS}/999/rotate"))
        .token(ROOT)
        .send()
        .expect(404, json!({"message": "404 Not Found"}));
    sim.post(&format!("{PATS}/11/rotate"))
        .token(ROOT)
        .send()
        .expect(
            400,
            json!({"message": "400 Bad request - Token already revoked"}),
        );
    sim.post(&format!("{PATS}/3/rotate"))
        .token(ROOT)
        .json(json!({"expires_at": "2026-06-16"}))
        .send()
        .expect(
            400,
            json!({"message": "400 Bad request - Expiration date must be before 2026-06-15"}),
        );
}

#[test]
fn self_rotation_needs_api_or_self_rotate() {
    let sim = start();
    sim.post(&format!("{PATS}/self/rotate"))
        .token(READ_USER_ONLY)
        .send()
        .expect(403, scope_body("api self_rotate"));
    let r = sim
        .post(&format!("{PATS}/self/rotate"))
        .token(OUTSIDER)
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["name"], "t");
    assert_eq!(r.json()["expires_at"], "2025-06-22");
    sim.post(&format!("{PATS}/self/rotate"))
        .token(OUTSIDER)
        .send()
        .expect(401, revoked_body());
}

#[test]
fn revoke_by_id_and_self() {
    let sim = start();
    sim.delete(&format!("{PATS}/1"))
        .token(DEV)
        .send()
        .expect(400, json!({"message": "400 Bad request"}));
    assert_eq!(
        sim.delete(&format!("{PATS}/7"))
            .token(OUTSIDER)
            .send()
            .status,
        204
    );
    let seven = sim.get(&format!("{PATS}/7")).token(OUTSIDER).send().json();
    assert_eq!(seven["revoked"], true);
    assert_eq!(seven["active"], false);
    // An admin may revoke anyone's token.
    assert_eq!(
        sim.delete(&format!("{PATS}/3")).token(ROOT).send().status,
        204
    );
    // Any scope may revoke itself.
    assert_eq!(
        sim.delete(&format!("{PATS}/self"))
            .token(REPO_ONLY)
            .send()
            .status,
        204
    );
    assert_eq!(sim.get("/api/v4/user").token(REPO_ONLY).send().status, 401);
}

#[test]
fn admins_create_tokens_for_users() {
    let sim = start();
    let path = "/api/v4/users/4/personal_access_tokens";
    let r = sim
        .post(path)
        .token(ROOT)
        .json(json!({"name": "ci", "scopes": ["api", "sudo"], "description": "for CI"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["user_id"], 4);
    assert_eq!(body["scopes"], json!(["api", "sudo"]));
    assert_eq!(body["expires_at"], "2026-06-15");
    assert_eq!(body["description"], "for CI");
    assert!(body["token"].as_str().unwrap().starts_with("glpat-"));
    let r = sim
        .post(path)
        .token(ROOT)
        .form("name=x&scopes=read_api,admin_mode&expires_at=2025-07-01")
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["scopes"], json!(["read_api", "admin_mode"]));
    sim.post(path)
        .token(OWNER)
        .json(json!({"name": "x", "scopes": ["api"]}))
        .send()
        .expect(403, json!({"message": "403 Forbidden"}));
    sim.post(path)
        .token(ROOT)
        .json(json!({"name": "x", "scopes": ["api"], "expires_at": "2027-01-01"}))
        .send()
        .expect(
            422,
            json!({"message": "Expiration date must be before 2026-06-15"}),
        );
    sim.post(path)
        .token(ROOT)
        .json(json!({"name": "x", "scopes": []}))
        .send()
        .expect(422, json!({"message": "Scopes can't be blank"}));
    sim.post(path)
        .token(ROOT)
        .json(json!({"name": "x", "scopes": ["nope"]}))
        .send()
        .expect(400, json!({"error": "scopes does not have a valid value"}));
    sim.post("/api/v4/users/999/personal_access_tokens")
        .token(ROOT)
        .json(json!({"name": "x", "scopes": ["api"]}))
        .send()
        .expect(404, json!({"message": "404 User Not Found"}));
}

#[test]
fn users_mint_narrow_tokens_for_themselves() {
    let sim = start();
    let path = "/api/v4/user/personal_access_tokens";
    let r = sim
        .post(path)
        .token(DEV)
        .json(json!({"name": "k8s", "scopes": ["k8s_proxy"]}))
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["user_id"], 4);
    assert_eq!(r.json()["expires_at"], "2025-06-16");
    let r = sim
        .post(path)
        .token(DEV)
        .json(json!({"name": "rotate", "scopes": ["self_rotate"]}))
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    sim.post(path)
        .token(DEV)
        .json(json!({"name": "x", "scopes": ["api"]}))
        .send()
        .expect(400, json!({"error": "scopes does not have a valid value"}));
    // A past date is accepted and makes an inactive token.
    let r = sim
        .post(path)
        .token(DEV)
        .json(json!({"name": "old", "scopes": ["k8s_proxy"], "expires_at": "2025-01-01"}))
        .send();
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["active"], false);
}

#[test]
fn before_18_only_k8s_proxy_is_offered() {
    let mut f = fixture();
    f["version"] = json!("17.11.3");
    let sim = start_with(&f);
    sim.post("/api/v4/user/personal_access_tokens")
        .token(DEV)
        .json(json!({"name": "x", "scopes": ["self_rotate"]}))
        .send()
        .expect(400, json!({"error": "scopes does not have a valid value"}));
}

#[test]
fn revoking_an_unknown_id_is_record_not_found() {
    // `find_token` uses `PersonalAccessToken.find`: the API's `RecordNotFound` rescue answers,
    // with its lower-case `f`, whoever asks (unlike `GET` and `rotate`, which use `not_found!`).
    let sim = start();
    for token in [DEV, ROOT] {
        sim.delete(&format!("{PATS}/999"))
            .token(token)
            .send()
            .expect(404, json!({"message": "404 Not found"}));
    }
    sim.get(&format!("{PATS}/999"))
        .token(ROOT)
        .send()
        .expect(404, json!({"message": "404 Not Found"}));
}
