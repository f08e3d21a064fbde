//! Rotating (warned, with the chosen expiry, then revealed) and revoking (confirmed by typing
//! the exact name, then the list reloads and a notice says what happened).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SECRET: &str = "glpat-RotatedSecret-4hT8mB";

async fn tokens_page(fake: std::rc::Rc<FakeGitLab>) -> Mounted {
    let app = mount_signed_in(fake, "/projects/7").await;
    app.wait_for("the token list", |a| a.find("active-tokens").is_some())
        .await;
    app
}

fn rotate_path() -> String {
    format!("{}/11/rotate", tokens_path())
}

#[wasm_bindgen_test]
async fn rotate_warns_sends_the_chosen_expiry_and_reveals() {
    let fake = maintainer_gitlab();
    fake.on(
        "POST",
        &rotate_path(),
        200,
        created_token(13, "deploy", SECRET, &day(45)),
    );
    let app = tokens_page(fake.clone()).await;

    click(&app.get("token-rotate"));
    settle().await;
    let dialog = app.text("rotate-dialog");
    assert!(dialog.contains("Rotate \u{201c}deploy\u{201d}"), "{dialog}");
    assert!(dialog.contains("stops working immediately"), "{dialog}");
    assert_eq!(
        fake.count_method("POST"),
        0,
        "nothing happens before confirming"
    );

    set_checked(&app.get("expiry-custom"), true);
    settle().await;
    type_into(&app.get("expiry-date"), &day(45));
    settle().await;
    assert_eq!(app.text("error-rotate-expiry"), "");
    click(&app.get("rotate-submit"));
    app.wait_for("the reveal dialog", |a| a.find("reveal-dialog").is_some())
        .await;

    let sent = fake.sent("POST", &rotate_path());
    assert_eq!(sent.len(), 1);
    sent[0].assert_signed();
    assert_eq!(sent[0].json(), json!({ "expires_at": day(45) }));
    assert!(app.find("rotate-dialog").is_none());
    assert!(app.text("reveal-dialog").contains("Token rotated"));
    let secret = app.get("reveal-secret");
    assert_eq!(secret.get_attribute("type").as_deref(), Some("password"));
    assert_holds(&secret, SECRET);
    assert_eq!(
        page_contains(SECRET),
        vec!["value of input #reveal-secret".to_string()]
    );
}

#[wasm_bindgen_test]
async fn rotate_refuses_an_expiry_outside_gitlabs_window() {
    let fake = maintainer_gitlab();
    let app = tokens_page(fake.clone()).await;
    click(&app.get("token-rotate"));
    settle().await;
    set_checked(&app.get("expiry-custom"), true);
    settle().await;
    type_into(&app.get("expiry-date"), &day(0));
    settle().await;
    assert!(!app.text("error-rotate-expiry").is_empty());
    click(&app.get("rotate-submit"));
    settle().await;
    assert_eq!(fake.count_method("POST"), 0);
    assert!(app.find("rotate-dialog").is_some());
}

#[wasm_bindgen_test]
async fn revoke_needs_the_exact_name_then_deletes_reloads_and_tells() {
    let fake = maintainer_gitlab();
    let revoke_path = format!("{}/11", tokens_path());
    fake.on("DELETE", &revoke_path, 204, serde_json::Value::Null);
    let app = tokens_page(fake.clone()).await;

    click(&app.get("token-revoke"));
    settle().await;
    assert!(app.text("revoke-dialog").contains("cannot be undone"));
    let submit = app.get("revoke-submit");
    assert!(is_disabled(&submit), "disabled before anything is typed");
    for almost in ["deplo", "Deploy", "deploy ", " deploy"] {
        type_into(&app.get("revoke-confirm"), almost);
        settle().await;
        assert!(
            is_disabled(&app.get("revoke-submit")),
            "{almost:?} is not the name"
        );
        click(&app.get("revoke-submit"));
        settle().await;
    }
    assert_eq!(fake.count_method("DELETE"), 0);

    fake.on(
        "GET",
        &tokens_path(),
        200,
        json!([access_token(11, "deploy", 45, false, true)]),
    );
    let lists_before = fake.count("GET", &tokens_path());
    type_into(&app.get("revoke-confirm"), "deploy");
    settle().await;
    assert!(!is_disabled(&app.get("revoke-submit")));
    click(&app.get("revoke-submit"));
    app.wait_for("the notice", |a| a.find("notice").is_some())
        .await;
    settle().await;

    let deletes = fake.sent("DELETE", &revoke_path);
    assert_eq!(deletes.len(), 1);
    deletes[0].assert_signed();
    assert_eq!(fake.count_method("DELETE"), 1);
    assert!(app.find("revoke-dialog").is_none());
    assert_eq!(
        fake.count("GET", &tokens_path()),
        lists_before + 1,
        "the list reloads"
    );
    assert!(app
        .text("notice")
        .contains("Revoked \u{201c}deploy\u{201d}"));
    assert!(app.find("active-tokens").is_none());
    let status = app.all("[data-testid=\"inactive-tokens\"] [data-testid=\"token-status\"]");
    assert_eq!(status.len(), 1);
    assert_eq!(text(&status[0]), "revoked");
}

/// GitLab rotated the token but its answer was lost: the old token is dead and nobody has the
/// new one. The page finds the new token in the list, says so, and offers to rotate that one.
#[wasm_bindgen_test]
async fn a_rotation_whose_answer_is_lost_offers_to_rotate_the_new_token() {
    let fake = maintainer_gitlab();
    let app = tokens_page(fake.clone()).await;
    click(&app.get("token-rotate"));
    settle().await;
    fake.on("POST", &rotate_path(), 502, json!("Bad Gateway"));
    fake.on(
        "GET",
        &tokens_path(),
        200,
        json!([
            access_token(11, "deploy", 45, false, true),
            fresh_token(13, "deploy")
        ]),
    );
    click(&app.get("rotate-submit"));
    app.wait_for("the lost secret's notice", |a| {
        a.find("secret-lost").is_some()
    })
    .await;
    let why = app.text("secret-lost");
    assert!(
        why.contains("old token no longer works") && why.contains("rotate it again"),
        "{why}"
    );
    assert_eq!(fake.count("POST", &rotate_path()), 1, "never sent again");

    // The offer is for the new token.
    let again = format!("{}/13/rotate", tokens_path());
    fake.on(
        "POST",
        &again,
        200,
        created_token(14, "deploy", SECRET, &day(7)),
    );
    click(&app.get("rotate-submit"));
    app.wait_for("the reveal dialog", |a| a.find("reveal-dialog").is_some())
        .await;
    assert_eq!(fake.count("POST", &again), 1);
    assert_eq!(fake.count("POST", &rotate_path()), 1);
}

/// A revocation without an answer is checked in the list: done is reported as done; not done
/// leaves the dialog open with the reason.
#[wasm_bindgen_test]
async fn a_revocation_without_an_answer_is_checked_in_the_list() {
    let fake = maintainer_gitlab();
    let revoke_path = format!("{}/11", tokens_path());
    fake.on("DELETE", &revoke_path, 0, serde_json::Value::Null);
    let app = tokens_page(fake.clone()).await;
    click(&app.get("token-revoke"));
    settle().await;
    type_into(&app.get("revoke-confirm"), "deploy");
    settle().await;
    click(&app.get("revoke-submit"));
    app.wait_for("the verdict", |a| a.find("error").is_some())
        .await;
    let said = app.text("error");
    assert!(said.contains("not revoked and still works"), "{said}");
    assert!(app.find("revoke-dialog").is_some());

    fake.on(
        "GET",
        &tokens_path(),
        200,
        json!([access_token(11, "deploy", 45, false, true)]),
    );
    click(&app.get("revoke-submit"));
    app.wait_for("the dialog to close", |a| a.find("revoke-dialog").is_none())
        .await;
    assert!(app
        .text("notice")
        .contains("Revoked \u{201c}deploy\u{201d}"));
    assert_eq!(fake.count("DELETE", &revoke_path), 2, "once per click");
}
