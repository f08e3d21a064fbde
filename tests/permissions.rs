//! What the page offers follows what the token and the role allow: read-only tokens see but
//! cannot act, and Developers are told why there is nothing to manage, without a doomed request.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn read_api_token_gets_a_read_only_page() {
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &api("/personal_access_tokens/self"),
        200,
        token_self(&["read_api"]),
    );
    let app = mount_signed_in(fake.clone(), "/projects/7").await;
    app.wait_for("the token list", |a| a.find("active-tokens").is_some())
        .await;

    let banner = app.text("read-only");
    assert!(banner.contains("read_api"), "{banner}");
    assert!(banner.contains("api scope"), "{banner}");
    let new_token = app.get("new-token");
    assert!(is_disabled(&new_token), "New token must be disabled");
    for action in ["token-rotate", "token-revoke"] {
        assert!(is_disabled(&app.get(action)), "{action} must be disabled");
    }

    click(&new_token);
    settle().await;
    assert!(app.find("create-dialog").is_none());
    assert_eq!(fake.count_method("POST") + fake.count_method("DELETE"), 0);
}

#[wasm_bindgen_test]
async fn api_token_is_not_read_only() {
    let app = mount_signed_in(maintainer_gitlab(), "/projects/7").await;
    app.wait_for("the token list", |a| a.find("active-tokens").is_some())
        .await;
    assert!(app.find("read-only").is_none());
    assert!(!is_disabled(&app.get("new-token")));
    assert!(!is_disabled(&app.get("token-revoke")));
}

#[wasm_bindgen_test]
async fn no_maintained_projects_explains_the_roles_needed() {
    let fake = maintainer_gitlab();
    fake.on("GET", &api("/projects"), 200, json!([]));
    let app = mount_signed_in(fake, "/").await;
    app.wait_for("the empty projects message", |a| {
        a.find("projects-empty").is_some()
    })
    .await;
    let message = app.text("projects-empty");
    assert!(
        message.contains("Maintainer") && message.contains("Owner"),
        "{message}"
    );
    assert!(app.find("projects-table").is_none());
}

#[wasm_bindgen_test]
async fn developer_sees_why_and_no_token_request_is_sent() {
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &api(&format!("/projects/{PROJECT_ID}/members/all/{USER_ID}")),
        200,
        member(30),
    );
    let app = mount_signed_in(fake.clone(), "/projects/7").await;
    app.wait_for("the no-permission message", |a| {
        a.find("no-permission").is_some()
    })
    .await;
    settle().await;

    let message = app.text("no-permission");
    assert!(message.contains("You are Developer"), "{message}");
    assert!(message.contains("Maintainers and Owners"), "{message}");
    assert_eq!(
        fake.count(
            "GET",
            &api(&format!("/projects/{PROJECT_ID}/members/all/{USER_ID}"))
        ),
        1
    );
    assert_eq!(
        fake.count("GET", &tokens_path()),
        0,
        "a Developer's token list request would only fail"
    );
    // What a Developer may not do is shown disabled, with the reason.
    let new = app.get("new-token");
    assert!(is_disabled(&new));
    assert!(new
        .get_attribute("title")
        .unwrap_or_default()
        .contains("Maintainers and Owners"));
    assert!(app.find("active-tokens").is_none());
}
