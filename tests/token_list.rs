//! The token list: active and inactive tables, and status badges computed against today's UTC
//! date (GitLab stops a token at 00:00 UTC on its expiry date).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde_json::json;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// (name, status badge) of each row of the table with `testid`, top to bottom.
fn rows(app: &Mounted, testid: &str) -> Vec<(String, String)> {
    app.all(&format!(
        "[data-testid=\"{testid}\"] [data-testid=\"token-row\"]"
    ))
    .iter()
    .map(|row: &Element| {
        let status = row
            .query_selector("[data-testid=\"token-status\"]")
            .unwrap()
            .map(|s| text(&s))
            .unwrap_or_default();
        (row.get_attribute("data-token-name").unwrap(), status)
    })
    .collect()
}

#[wasm_bindgen_test]
async fn tokens_are_split_by_status_with_badges_against_today() {
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &tokens_path(),
        200,
        json!([
            access_token(1, "ninety", 90, true, false),
            access_token(2, "tomorrow", 1, true, false),
            access_token(3, "revoked", 40, false, true),
            access_token(4, "lapsed", -3, false, false),
            // GitLab may still call it active on its last day; at 00:00 UTC it stopped working.
            access_token(5, "ends-today", 0, true, false),
            access_token(6, "ten", 10, true, false),
        ]),
    );
    let app = mount_signed_in(fake, "/projects/7").await;
    app.wait_for("the token tables", |a| a.find("inactive-tokens").is_some())
        .await;

    assert_eq!(
        rows(&app, "active-tokens"),
        vec![
            ("tomorrow".to_string(), "expires in 1 day".to_string()),
            ("ten".to_string(), "expires in 10 days".to_string()),
            ("ninety".to_string(), "expires in 90 days".to_string()),
        ],
        "active tokens, soonest expiry first"
    );
    let mut inactive = rows(&app, "inactive-tokens");
    inactive.sort();
    assert_eq!(
        inactive,
        vec![
            ("ends-today".to_string(), "expired".to_string()),
            ("lapsed".to_string(), "expired".to_string()),
            ("revoked".to_string(), "revoked".to_string()),
        ]
    );
    // Inactive tokens cannot be rotated or revoked.
    let inactive_actions = app.all("[data-testid=\"inactive-tokens\"] button");
    assert!(inactive_actions.is_empty());
    assert_eq!(
        app.all("[data-testid=\"active-tokens\"] [data-testid=\"token-revoke\"]")
            .len(),
        3
    );
    // The expiry date is shown as GitLab stores it.
    let tomorrow_row = app
        .all("[data-token-name=\"tomorrow\"]")
        .pop()
        .expect("row for tomorrow");
    assert!(text(&tomorrow_row).contains(&day(1)));
    let warning = app.text("expiring-soon");
    // The banner names exactly the tokens that die within a week.
    assert!(
        warning.starts_with("Expiring within 7 days: \u{201c}tomorrow\u{201d}."),
        "{warning}"
    );
}

#[wasm_bindgen_test]
async fn project_without_active_tokens_says_so() {
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &tokens_path(),
        200,
        json!([access_token(3, "old", -30, false, false)]),
    );
    let app = mount_signed_in(fake, "/projects/7").await;
    app.wait_for("the inactive table", |a| {
        a.find("inactive-tokens").is_some()
    })
    .await;
    assert!(app.find("no-active-tokens").is_some());
    assert!(app.find("active-tokens").is_none());
    assert!(app.find("expiring-soon").is_none());
    assert_eq!(
        rows(&app, "inactive-tokens"),
        vec![("old".to_string(), "expired".to_string())]
    );
}

#[wasm_bindgen_test]
async fn a_row_seen_on_two_pages_is_listed_once() {
    // A token created while the pages were read pushes a row from page 1 onto page 2.
    let fake = maintainer_gitlab();
    fake.on_with_headers(
        "GET",
        &tokens_path(),
        json!([
            access_token(1, "first", 90, true, false),
            access_token(2, "second", 60, true, false),
        ]),
        &[("x-next-page", "2"), ("x-page", "1")],
    );
    let app = mount_signed_in(fake.clone(), &format!("/projects/{PROJECT_ID}")).await;
    app.wait_for("the token list", |a| a.find("active-tokens").is_some())
        .await;
    assert!(
        fake.count("GET", &tokens_path()) >= 2,
        "both pages were read"
    );
    let names: Vec<String> = rows(&app, "active-tokens")
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(names, ["second", "first"]);
}

#[wasm_bindgen_test]
async fn a_throttled_read_says_it_retries_and_cancel_stops_it() {
    let fake = maintainer_gitlab();
    let app = mount_signed_in(fake.clone(), "/").await;
    fake.on(
        "GET",
        &tokens_path(),
        429,
        json!({"message": "Retry later"}),
    );
    app.go(&format!("/projects/{PROJECT_ID}")).await;
    app.wait_ms("the retry notice", 2_000, |a| a.find("retrying").is_some())
        .await;
    assert!(app
        .text("retrying")
        .contains("GitLab is rate limiting; retrying in"));
    let asked = fake.count("GET", &tokens_path());
    click(&app.get("retry-cancel"));
    app.wait_ms("the error", 2_000, |a| {
        a.find("error").is_some() && a.find("retrying").is_none()
    })
    .await;
    assert!(app.text("error").contains("Try again"));
    sleep_ms(1_500).await;
    assert_eq!(
        fake.count("GET", &tokens_path()),
        asked,
        "nothing is asked after Cancel"
    );
}
