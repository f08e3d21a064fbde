//! Deploy tokens: project, group and instance lists, create, get, delete, with GitLab's rules.

mod common;

use common::*;
use serde_json::{json, Value};

const PROJECT: &str = "/api/v4/projects/100/deploy_tokens";
const GROUP: &str = "/api/v4/groups/10/deploy_tokens";

fn forbidden() -> Value {
    json!({"message": "403 Forbidden"})
}

#[test]
fn maintainer_lists_project_deploy_tokens() {
    let sim = start_credentials();
    let r = sim.get(PROJECT).token(MAINT).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(ids(&body), vec![1, 2, 3]);
    assert_eq!(
        body[0],
        json!({"id": 1, "name": "ci-clone", "username": "ci-bot",
               "expires_at": "2026-01-01T00:00:00.000Z",
               "scopes": ["read_repository", "read_registry"],
               "revoked": false, "expired": false})
    );
    assert_eq!(body[1]["username"], "gitlab+deploy-token-2");
    assert_eq!(body[1]["expired"], true);
    assert_eq!(body[2]["expires_at"], Value::Null);
    assert_eq!(body[2]["revoked"], true);
    assert_eq!(r.header("x-total"), Some("3"));
    let active = sim
        .get(&format!("{PROJECT}?active=true"))
        .token(MAINT)
        .send();
    assert_eq!(ids(&active.json()), vec![1]);
    sim.get(&format!("{PROJECT}?active=maybe"))
        .token(MAINT)
        .send()
        .expect(400, json!({"error": "active is invalid"}));
}

#[test]
fn developers_and_anonymous_are_refused() {
    let sim = start_credentials();
    sim.get(PROJECT).token(DEV).send().expect(403, forbidden());
    sim.post(PROJECT)
        .token(DEV)
        .json(json!({"name": "x", "scopes": ["read_repository"]}))
        .send()
        .expect(403, forbidden());
    sim.get(PROJECT)
        .send()
        .expect(404, json!({"message": "404 Project Not Found"}));
    // Deploy tokens cannot call the REST API at all.
    sim.get(PROJECT)
        .token(DEPLOY_PROJECT)
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
    let r = sim.get(PROJECT).token(DEV).origin().send();
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[test]
fn create_project_token_returns_the_secret_once() {
    let sim = start_credentials();
    let r = sim
        .post(PROJECT)
        .token(MAINT)
        .json(
            json!({"name": "puller", "scopes": ["read_registry", "read_repository"],
                     "expires_at": "2027-01-01"}),
        )
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["id"], 5);
    assert_eq!(body["username"], "gitlab+deploy-token-5");
    assert_eq!(body["expires_at"], "2027-01-01T00:00:00.000Z");
    // Scopes come back in the model's order.
    assert_eq!(body["scopes"], json!(["read_repository", "read_registry"]));
    assert_eq!(body["expired"], false);
    let secret = body["token"].as_str().unwrap();
    assert!(
        secret.starts_with("gldt-") && secret.len() == 25,
        "{secret}"
    );
    let shown = sim.get(&format!("{PROJECT}/5")).token(MAINT).send().json();
    assert_eq!(shown["name"], "puller");
    assert!(shown.get("token").is_none());
}

#[test]
fn create_accepts_comma_separated_scopes_and_no_expiry() {
    let sim = start_credentials();
    let r = sim
        .post(PROJECT)
        .token(MAINT)
        .form("name=x&scopes=read_repository,write_package_registry&username=my.bot%2B1")
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(
        body["scopes"],
        json!(["read_repository", "write_package_registry"])
    );
    assert_eq!(body["expires_at"], Value::Null);
    assert_eq!(body["username"], "my.bot+1");
}

#[test]
fn an_empty_expiry_is_no_expiry() {
    // Grape's coercer reads an empty string for a `DateTime` as nil, so the token never
    // expires instead of failing with `expires_at is invalid`.
    let sim = start_credentials();
    let r = sim
        .post(PROJECT)
        .token(MAINT)
        .json(json!({"name": "x", "scopes": ["read_repository"], "expires_at": ""}))
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["expires_at"], Value::Null);
    let r = sim
        .post(GROUP)
        .token(OWNER)
        .form("name=z&scopes=read_registry&expires_at=")
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["expires_at"], Value::Null);
}

#[test]
fn a_blank_username_is_the_default_one() {
    // `CreateService` assigns `params[:username].presence`.
    let sim = start_credentials();
    for username in ["", "   "] {
        let r = sim
            .post(PROJECT)
            .token(MAINT)
            .json(json!({"name": "x", "scopes": ["read_repository"], "username": username}))
            .send();
        assert_eq!(r.status, 201, "{}", r.body);
        let body = r.json();
        assert_eq!(
            body["username"],
            format!("gitlab+deploy-token-{}", body["id"])
        );
    }
}

#[test]
fn create_validation_errors() {
    let sim = start_credentials();
    let post = |body: Value| sim.post(PROJECT).token(MAINT).json(body).send();
    post(json!({})).expect(400, json!({"error": "name is missing, scopes is missing"}));
    post(json!({"name": "x", "scopes": ["api"]}))
        .expect(400, json!({"error": "scopes does not have a valid value"}));
    post(json!({"name": "x", "scopes": ["read_repository"], "expires_at": "soon"}))
        .expect(400, json!({"error": "expires_at is invalid"}));
    post(json!({"name": "x", "scopes": []}))
        .expect(400, json!({"message": "Scopes can't be blank"}));
    post(json!({"name": "x", "scopes": ["read_repository"], "username": "has space"})).expect(
        400,
        json!({"message": "Username can contain only letters, digits, '_', '-', '+', and '.'"}),
    );
    post(json!({"name": "n".repeat(256), "scopes": ["read_repository"]})).expect(
        400,
        json!({"message": "Name is too long (maximum is 255 characters)"}),
    );
    post(json!({"name": "x", "scopes": ["read_repository"], "username": "u".repeat(256)})).expect(
        400,
        json!({"message": "Username is too long (maximum is 255 characters)"}),
    );
}

#[test]
fn get_and_delete_project_tokens() {
    let sim = start_credentials();
    sim.get(&format!("{PROJECT}/4"))
        .token(MAINT)
        .send()
        .expect(404, json!({"message": "404 Not found"}));
    sim.get(&format!("{PROJECT}/abc"))
        .token(MAINT)
        .send()
        .expect(400, json!({"error": "token_id is invalid"}));
    sim.delete(&format!("{PROJECT}/1"))
        .token(DEV)
        .send()
        .expect(403, forbidden());
    let r = sim.delete(&format!("{PROJECT}/1")).token(MAINT).send();
    assert_eq!(r.status, 204, "{}", r.body);
    // GitLab destroys the record: it is gone from the list.
    let listed = sim.get(PROJECT).token(MAINT).send();
    assert_eq!(ids(&listed.json()), vec![2, 3]);
    sim.delete(&format!("{PROJECT}/1"))
        .token(MAINT)
        .send()
        .expect(404, json!({"message": "404 Not found"}));
}

#[test]
fn group_tokens_need_maintainer_to_read_and_owner_to_write() {
    let mut f = credentials_fixture();
    f["groups"][0]["members"] = json!([
        {"user_id": 2, "access_level": 50},
        {"user_id": 3, "access_level": 40},
        {"user_id": 4, "access_level": 30}
    ]);
    let sim = start_with(&f);
    let r = sim.get(GROUP).token(MAINT).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(ids(&r.json()), vec![4]);
    assert_eq!(r.json()[0]["username"], "gitlab+deploy-token-4");
    assert_eq!(
        sim.get(&format!("{GROUP}/4")).token(MAINT).send().status,
        200
    );
    sim.get(GROUP).token(DEV).send().expect(403, forbidden());
    sim.post(GROUP)
        .token(MAINT)
        .json(json!({"name": "x", "scopes": ["read_registry"]}))
        .send()
        .expect(403, forbidden());
    sim.delete(&format!("{GROUP}/4"))
        .token(MAINT)
        .send()
        .expect(403, forbidden());
    let r = sim
        .post(GROUP)
        .token(OWNER)
        .json(json!({"name": "x", "scopes": ["read_registry"]}))
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        sim.delete(&format!("{GROUP}/4")).token(OWNER).send().status,
        204
    );
    // A project's token is not the group's.
    sim.get(&format!("{GROUP}/1"))
        .token(OWNER)
        .send()
        .expect(404, json!({"message": "404 Not found"}));
    // Anonymous callers of a visible group are forbidden rather than not found.
    sim.get("/api/v4/groups/12/deploy_tokens")
        .send()
        .expect(403, forbidden());
}

#[test]
fn instance_list_is_for_admins() {
    let sim = start_credentials();
    let r = sim.get("/api/v4/deploy_tokens").token(ROOT).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(ids(&r.json()), vec![1, 2, 3, 4]);
    let active = sim
        .get("/api/v4/deploy_tokens?active=true&per_page=1")
        .token(ROOT)
        .send();
    assert_eq!(ids(&active.json()), vec![1]);
    assert_eq!(active.header("x-total"), Some("2"));
    assert_eq!(active.header("x-next-page"), Some("2"));
    sim.get("/api/v4/deploy_tokens")
        .token(OWNER)
        .send()
        .expect(403, forbidden());
    sim.get("/api/v4/deploy_tokens")
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
}
