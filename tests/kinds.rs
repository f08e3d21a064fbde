//! The one credentials page, form and table across kinds: each kind's tab shows its own
//! columns, its form checks its own fields before anything is sent, and what GitLab's roles
//! forbid is shown as such. Deploy tokens, deploy keys, triggers and group tokens here; project
//! access tokens in the other files.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DEPLOY_SECRET: &str = "gldt-DeploySecret-k2Lm9Q";
/// Generated with ssh-keygen for these tests; its fingerprint is what `ssh-keygen -lf` prints.
const PUBLIC_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHUgJg71Rsxlr3uJXoGwYVhur9+pHpJNt3RrGFP6jWSh me@laptop";

fn headers(app: &Mounted, table: &str) -> Vec<String> {
    app.all(&format!("[data-testid=\"{table}\"] thead th"))
        .iter()
        .map(text)
        .collect()
}

fn project_gitlab() -> std::rc::Rc<FakeGitLab> {
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &api("/projects/7/deploy_tokens"),
        200,
        json!([{ "id": 3, "name": "registry pull", "username": "gitlab+deploy-token-3", "expires_at": null,
                 "scopes": ["read_registry"], "revoked": false, "expired": false }]),
    );
    fake.on(
        "GET",
        &api("/projects/7/deploy_keys"),
        200,
        json!([{ "id": 5, "title": "ci runner", "key": PUBLIC_KEY, "fingerprint_sha256": "SHA256:existing",
                 "can_push": false, "expires_at": null, "created_at": "2025-01-01T10:00:00.000Z" }]),
    );
    fake.on(
        "GET",
        &api("/projects/7/triggers"),
        200,
        json!([{ "id": 9, "description": "downstream deploy", "token": "glptt-0123456789", "last_used": null,
                 "created_at": "2025-01-01T10:00:00.000Z",
                 "owner": { "id": USER_ID, "username": "ada", "name": "Ada Lovelace" } },
               { "id": 10, "description": "someone else's", "token": "glptt-abcd", "last_used": null,
                 "created_at": "2025-01-01T10:00:00.000Z",
                 "owner": { "id": 2, "username": "maria", "name": "Maria" } }]),
    );
    fake
}

#[wasm_bindgen_test]
async fn deploy_tokens_have_their_own_columns_rules_and_reveal() {
    let fake = project_gitlab();
    let app = mount_signed_in(fake.clone(), "/projects/7/deploy_tokens").await;
    app.wait_for("the deploy token list", |a| {
        a.find("active-tokens").is_some()
    })
    .await;
    assert_eq!(
        headers(&app, "active-tokens"),
        ["Name", "Scopes", "Created", "Expires", "Actions"],
        "no role or last-used column for deploy tokens"
    );
    assert_eq!(app.text("row-username"), "gitlab+deploy-token-3");
    let current = app.all("[data-testid=\"kind-tabs\"] [aria-current=\"page\"]");
    assert_eq!(current.len(), 1);
    assert_eq!(
        text(&current[0]),
        "Deploy tokens1",
        "the tab names the kind and counts its active tokens"
    );
    assert!(
        app.all_testid("token-rotate").is_empty(),
        "deploy tokens cannot be rotated"
    );

    click(&app.get("new-token"));
    settle().await;
    assert!(app.find("token-role").is_none(), "no role field");
    assert!(
        app.find("scope-api").is_none(),
        "api is not a deploy token scope"
    );
    type_into(&app.get("token-name"), "gitlab-deploy-token");
    type_into(&app.get("token-username"), "bad name");
    set_checked(&app.get("scope-read_registry"), true);
    click(&app.get("create-submit"));
    settle().await;
    assert!(
        app.text("error-token-username").contains("letters, digits"),
        "{}",
        app.text("error-token-username")
    );
    assert!(app.text("create-dialog").contains("CI_DEPLOY_USER"));
    assert_eq!(
        fake.count_method("POST"),
        0,
        "nothing sent with a bad username"
    );

    fake.on(
        "POST",
        &api("/projects/7/deploy_tokens"),
        201,
        json!({ "id": 4, "name": "gitlab-deploy-token", "username": "ci-puller", "expires_at": null,
                "scopes": ["read_registry"], "revoked": false, "expired": false, "token": DEPLOY_SECRET }),
    );
    type_into(&app.get("token-username"), "ci-puller");
    click(&app.get("create-submit"));
    app.wait_for("the reveal", |a| a.find("reveal-dialog").is_some())
        .await;
    let sent = fake.sent("POST", &api("/projects/7/deploy_tokens"));
    assert_eq!(
        sent[0].json(),
        json!({ "name": "gitlab-deploy-token", "scopes": ["read_registry"], "username": "ci-puller" }),
        "no expiry sent: the token never expires"
    );
    assert_eq!(app.text("reveal-username"), "ci-puller");
    assert_holds(&app.get("reveal-secret"), DEPLOY_SECRET);
    let snippets = app.text("reveal-dialog");
    assert!(
        !snippets.contains(DEPLOY_SECRET),
        "no snippet holds the secret"
    );
}

#[wasm_bindgen_test]
async fn a_pasted_private_key_is_refused_and_never_sent() {
    let fake = project_gitlab();
    let app = mount_signed_in(fake.clone(), "/projects/7/deploy_keys").await;
    app.wait_for("the deploy key list", |a| a.find("active-tokens").is_some())
        .await;
    assert_eq!(
        headers(&app, "active-tokens"),
        ["Name", "Access", "Created", "Expires", "Actions"]
    );
    assert_eq!(app.text("row-fingerprint"), "SHA256:existing");

    click(&app.get("new-token"));
    settle().await;
    type_into(&app.get("token-name"), "laptop");
    type_into(
        &app.get("token-key"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    );
    click(&app.get("create-submit"));
    settle().await;
    assert!(
        app.text("error-token-key")
            .contains("must never leave your machine"),
        "{}",
        app.text("error-token-key")
    );
    assert_eq!(fake.count_method("POST"), 0);

    fake.on(
        "POST",
        &api("/projects/7/deploy_keys"),
        201,
        json!({ "id": 6, "title": "laptop", "key": PUBLIC_KEY, "can_push": true, "expires_at": null,
                "fingerprint_sha256": "SHA256:x", "created_at": "2025-01-02T10:00:00.000Z" }),
    );
    type_into(&app.get("token-key"), PUBLIC_KEY);
    settle().await;
    assert!(
        app.text("create-dialog").contains("SHA256:"),
        "the fingerprint shows before sending"
    );
    set_checked(&app.get("token-can-push"), true);
    click(&app.get("create-submit"));
    app.wait_for("the dialog to close", |a| a.find("create-dialog").is_none())
        .await;
    let sent = fake.sent("POST", &api("/projects/7/deploy_keys"));
    assert_eq!(
        sent[0].json(),
        json!({ "title": "laptop", "key": PUBLIC_KEY, "can_push": true })
    );
    assert!(
        app.find("reveal-dialog").is_none(),
        "a deploy key has no secret"
    );
    assert!(app.text("notice").contains("Added"));
}

#[wasm_bindgen_test]
async fn triggers_show_their_owner_and_edit_in_place() {
    let fake = project_gitlab();
    let app = mount_signed_in(fake.clone(), "/projects/7/triggers").await;
    app.wait_for("the trigger list", |a| a.find("active-tokens").is_some())
        .await;
    assert_eq!(
        headers(&app, "active-tokens"),
        ["Name", "Owner", "Created", "Last used", "Actions"]
    );
    assert!(app.text("active-tokens").contains("@maria"));
    // Only a trigger's owner may edit it; removing it is any Maintainer's call.
    let theirs = app.all("[data-token-name=\"someone else's\"] [data-testid=\"token-edit\"]");
    assert!(is_disabled(&theirs[0]));
    assert!(theirs[0]
        .get_attribute("title")
        .unwrap_or_default()
        .contains("owner (@maria)"));
    fake.on(
        "PUT",
        &api("/projects/7/triggers/9"),
        200,
        json!({ "id": 9, "description": "nightly deploy", "owner": { "id": 2, "username": "maria" } }),
    );
    click(&app.all("[data-token-name=\"downstream deploy\"] [data-testid=\"token-edit\"]")[0]);
    settle().await;
    assert_eq!(value(&app.get("token-description")), "downstream deploy");
    type_into(&app.get("token-description"), " ");
    click(&app.get("create-submit"));
    settle().await;
    assert!(!app.text("error-token-description").is_empty());
    assert_eq!(fake.count_method("PUT"), 0);
    type_into(&app.get("token-description"), "nightly deploy");
    click(&app.get("create-submit"));
    app.wait_for("the dialog to close", |a| a.find("create-dialog").is_none())
        .await;
    let sent = fake.sent("PUT", &api("/projects/7/triggers/9"));
    assert_eq!(sent[0].json(), json!({ "description": "nightly deploy" }));
}

#[wasm_bindgen_test]
async fn a_group_maintainer_is_told_why_and_nothing_is_asked() {
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &api("/groups/10"),
        200,
        json!({ "id": 10, "name": "Analytical", "full_name": "Analytical", "full_path": "analytical" }),
    );
    fake.on(
        "GET",
        &api(&format!("/groups/10/members/all/{USER_ID}")),
        200,
        member(40),
    );
    fake.on(
        "GET",
        &api("/groups/10/deploy_tokens"),
        200,
        json!([{ "id": 8, "name": "group pull", "username": "gitlab+deploy-token-8", "expires_at": null,
                 "scopes": ["read_repository"], "revoked": false, "expired": false }]),
    );
    let app = mount_signed_in(fake.clone(), "/groups/10").await;
    app.wait_for("the no-permission message", |a| {
        a.find("no-permission").is_some()
    })
    .await;
    let message = app.text("no-permission");
    assert!(message.contains("Only Owners of this group"), "{message}");
    assert!(message.contains("You are Maintainer"), "{message}");
    assert_eq!(fake.count("GET", &api("/groups/10/access_tokens")), 0);
    assert!(is_disabled(&app.get("new-token")));

    // Group deploy tokens: a Maintainer sees them but may not create or revoke.
    click(&app.get("tab-deploy_tokens"));
    app.wait_for("the group deploy tokens", |a| {
        a.find("active-tokens").is_some()
    })
    .await;
    let new = app.get("new-token");
    assert!(is_disabled(&new));
    assert!(new
        .get_attribute("title")
        .unwrap_or_default()
        .contains("Only Owners"));
    let revoke = app.get("token-revoke");
    assert!(is_disabled(&revoke));
    assert_eq!(current_hash(), "#/groups/10/deploy_tokens");
}
