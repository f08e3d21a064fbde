//! Creating a token: local validation before any request, GitLab's refusals at the right field
//! with the input kept, then reveal-once (masked, closed only after a warning, forgotten on
//! close) and a fresh list. Also the dialog's keyboard behaviour.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

const SECRET: &str = "glpat-NewProjectSecret-x9Zq2w";

async fn open_create(fake: std::rc::Rc<FakeGitLab>) -> Mounted {
    let app = mount_signed_in(fake, "/projects/7").await;
    app.wait_for("the token list", |a| a.find("active-tokens").is_some())
        .await;
    click(&app.get("new-token"));
    settle().await;
    assert!(app.find("create-dialog").is_some(), "the dialog opened");
    app
}

fn role_options(app: &Mounted) -> Vec<(String, String)> {
    app.all("[data-testid=\"token-role\"] option")
        .iter()
        .map(|o: &Element| (o.get_attribute("value").unwrap_or_default(), text(o)))
        .collect()
}

fn fill_valid_form(app: &Mounted, name: &str) {
    type_into(&app.get("token-name"), name);
    set_checked(&app.get("scope-read_repository"), true);
}

fn active_element() -> Option<Element> {
    document().active_element()
}

#[wasm_bindgen_test]
async fn empty_submit_shows_field_errors_and_sends_nothing() {
    let fake = maintainer_gitlab();
    let app = open_create(fake.clone()).await;
    // Nothing is flagged before the user has done anything.
    assert_eq!(app.text("error-token-name"), "");
    assert_eq!(app.text("error-token-scopes"), "");

    click(&app.get("create-submit"));
    settle().await;
    let name_error = app.text("error-token-name");
    let scopes_error = app.text("error-token-scopes");
    assert!(name_error.contains("name"), "name error: {name_error:?}");
    assert!(
        scopes_error.contains("scope"),
        "scopes error: {scopes_error:?}"
    );
    assert_eq!(
        app.get("token-name")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(fake.count_method("POST"), 0, "invalid forms are not sent");

    type_into(&app.get("token-name"), "ci");
    settle().await;
    assert_eq!(
        app.text("error-token-name"),
        "",
        "typing a name clears its error"
    );
    assert!(
        !app.text("error-token-scopes").is_empty(),
        "scopes still missing"
    );

    set_checked(&app.get("scope-api"), true);
    settle().await;
    assert_eq!(app.text("error-token-scopes"), "");
}

#[wasm_bindgen_test]
async fn roles_offered_stop_at_the_callers_own() {
    let app = open_create(maintainer_gitlab()).await;
    let options = role_options(&app);
    let labels: Vec<&str> = options.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        labels,
        ["Guest", "Planner", "Reporter", "Developer", "Maintainer"],
        "a Maintainer cannot give a token more than Maintainer"
    );
    assert!(!options.iter().any(|(v, _)| v == "50"));
    drop(app);

    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &api(&format!("/projects/{PROJECT_ID}/members/all/{USER_ID}")),
        200,
        member(50),
    );
    let app = open_create(fake).await;
    assert!(
        role_options(&app).contains(&("50".to_string(), "Owner".to_string())),
        "an Owner may create Owner tokens"
    );
}

#[wasm_bindgen_test]
async fn gitlab_validation_error_lands_at_the_name_field_and_keeps_input() {
    let fake = maintainer_gitlab();
    fake.on(
        "POST",
        &tokens_path(),
        400,
        json!({ "error": "name is missing" }),
    );
    let app = open_create(fake.clone()).await;
    fill_valid_form(&app, "build bot");
    type_into(&app.get("token-description"), "for CI");
    select(&app.get("token-role"), "20");
    settle().await;
    click(&app.get("create-submit"));
    settle().await;

    assert_eq!(fake.count("POST", &tokens_path()), 1);
    assert_eq!(app.text("error-token-name"), "name is missing");
    assert_eq!(app.text("error-token-expiry"), "");
    assert!(app.find("create-dialog").is_some());
    assert_eq!(value(&app.get("token-name")), "build bot");
    assert_eq!(value(&app.get("token-description")), "for CI");
    assert!(checked(&app.get("scope-read_repository")));
    assert_eq!(select_value(&app.get("token-role")), "20");
    assert!(!is_disabled(&app.get("create-submit")), "can submit again");
    assert!(app.find("reveal-dialog").is_none());

    // Editing the name answers GitLab's complaint about it.
    type_into(&app.get("token-name"), "build bot 2");
    settle().await;
    assert_eq!(app.text("error-token-name"), "");
}

#[wasm_bindgen_test]
async fn gitlab_expiry_message_lands_at_the_expiry_field() {
    let fake = maintainer_gitlab();
    fake.on(
        "POST",
        &tokens_path(),
        400,
        json!({ "message": "400 Bad request - Expiration date must be before 2027-01-01" }),
    );
    let app = open_create(fake.clone()).await;
    fill_valid_form(&app, "release bot");
    set_checked(&app.get("expiry-preset-90"), true);
    settle().await;
    click(&app.get("create-submit"));
    settle().await;

    assert_eq!(
        app.text("error-token-expiry"),
        "Expiration date must be before 2027-01-01"
    );
    assert_eq!(app.text("error-token-name"), "");
    assert!(
        app.find("error").is_none(),
        "no general banner for a field error"
    );
    assert_eq!(value(&app.get("token-name")), "release bot");
    assert!(checked(&app.get("expiry-preset-90")));
    assert!(checked(&app.get("scope-read_repository")));

    // Picking another expiry clears GitLab's complaint about the old one.
    set_checked(&app.get("expiry-preset-7"), true);
    settle().await;
    assert_eq!(app.text("error-token-expiry"), "");
}

fn checked(el: &Element) -> bool {
    el.dyn_ref::<web_sys::HtmlInputElement>().unwrap().checked()
}

fn select_value(el: &Element) -> String {
    el.dyn_ref::<web_sys::HtmlSelectElement>().unwrap().value()
}

fn occurrences(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[wasm_bindgen_test]
async fn created_token_is_revealed_once_then_forgotten_and_the_list_reloads() {
    let fake = maintainer_gitlab();
    fake.on(
        "POST",
        &tokens_path(),
        201,
        created_token(12, "ci bot", SECRET, &day(7)),
    );
    let app = open_create(fake.clone()).await;
    fill_valid_form(&app, "  ci bot ");
    set_checked(&app.get("scope-api"), true);
    select(&app.get("token-role"), "30");
    set_checked(&app.get("expiry-preset-7"), true);
    settle().await;
    click(&app.get("create-submit"));
    app.wait_for("the reveal dialog", |a| a.find("reveal-dialog").is_some())
        .await;

    let post = fake.sent("POST", &tokens_path());
    assert_eq!(post.len(), 1);
    post[0].assert_signed();
    assert_eq!(
        post[0].json(),
        json!({
            "name": "ci bot", "scopes": ["api", "read_repository"],
            "access_level": 30, "expires_at": day(7)
        })
    );
    assert!(
        app.find("create-dialog").is_none(),
        "the form gave way to the reveal"
    );

    // Masked: the secret is only the value of the reveal input.
    let secret_input = app.get("reveal-secret");
    assert_eq!(
        secret_input.get_attribute("type").as_deref(),
        Some("password")
    );
    assert_holds(&secret_input, SECRET);
    assert_eq!(
        page_contains(SECRET),
        vec!["value of input #reveal-secret".to_string()]
    );
    assert_eq!(app.text("reveal-name"), "ci bot");

    // Show, then hide again.
    click(&app.get("reveal-toggle"));
    settle().await;
    assert_eq!(
        app.get("reveal-secret").get_attribute("type").as_deref(),
        Some("text")
    );
    assert_holds(&app.get("reveal-secret"), SECRET);
    // Shown on request, it still never leaves the reveal dialog.
    let page = page_markup();
    let dialog = app.get("reveal-dialog").outer_html();
    assert_eq!(
        occurrences(&page, SECRET),
        occurrences(&dialog, SECRET),
        "the secret appears outside the reveal dialog"
    );
    click(&app.get("reveal-toggle"));
    settle().await;
    assert_eq!(
        app.get("reveal-secret").get_attribute("type").as_deref(),
        Some("password")
    );
    assert_eq!(
        page_contains(SECRET),
        vec!["value of input #reveal-secret".to_string()]
    );

    // From now on GitLab lists the new token too; closing the reveal must fetch it.
    fake.on(
        "GET",
        &tokens_path(),
        200,
        json!([
            access_token(11, "deploy", 45, true, false),
            access_token(12, "ci bot", 7, true, false)
        ]),
    );
    let lists_before = fake.count("GET", &tokens_path());
    let project_path = api(&format!("/projects/{PROJECT_ID}"));
    let member_path = api(&format!("/projects/{PROJECT_ID}/members/all/{USER_ID}"));
    let (projects_before, roles_before) = (
        fake.count("GET", &project_path),
        fake.count("GET", &member_path),
    );
    // Closing without copying asks first.
    click(&app.get("reveal-close"));
    settle().await;
    assert!(app.find("reveal-dialog").is_some(), "first Done only warns");
    assert!(app.text("close-warning").contains("not copied"));
    click(&app.get("reveal-close"));
    app.wait_for("the new token in the list", |a| {
        !a.all("[data-token-name=\"ci bot\"]").is_empty()
    })
    .await;

    assert!(app.find("reveal-dialog").is_none());
    assert_eq!(
        page_contains(SECRET),
        Vec::<String>::new(),
        "the secret is forgotten"
    );
    assert!(!logged(SECRET), "the secret was logged to the console");
    assert_eq!(
        fake.count("GET", &tokens_path()),
        lists_before + 1,
        "closing the reveal reloads the token list once"
    );
    assert_eq!(
        (
            fake.count("GET", &project_path),
            fake.count("GET", &member_path)
        ),
        (projects_before, roles_before),
        "the project and your role are not fetched again for a refresh"
    );
}

#[wasm_bindgen_test]
async fn create_dialog_takes_focus_and_closes_on_escape() {
    let app = mount_signed_in(maintainer_gitlab(), "/projects/7").await;
    app.wait_for("the token list", |a| a.find("active-tokens").is_some())
        .await;
    let opener = app.get("new-token");
    opener
        .dyn_ref::<web_sys::HtmlElement>()
        .unwrap()
        .focus()
        .unwrap();
    click(&opener);
    settle().await;

    let dialog = app.get("create-dialog");
    assert_eq!(dialog.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let focused = active_element().expect("something has focus");
    assert!(
        dialog.contains(Some(&focused)),
        "focus moved into the dialog, not {:?}",
        focused.outer_html()
    );
    assert_eq!(
        focused.id(),
        "token-name",
        "the first field is ready for typing"
    );

    press_key(&focused, "Escape");
    settle().await;
    assert!(
        app.find("create-dialog").is_none(),
        "Escape closes the dialog"
    );
    let focused = active_element().expect("something has focus");
    assert_eq!(
        focused.get_attribute("data-testid").as_deref(),
        Some("new-token"),
        "focus returns to the button that opened the dialog"
    );
}

/// The project's list once GitLab has made tokens named "ci" with ids `made`, just now.
fn list_with_ci(fake: &FakeGitLab, made: &[u64]) {
    let mut rows = vec![access_token(11, "deploy", 45, true, false)];
    rows.extend(made.iter().map(|id| fresh_token(*id, "ci")));
    fake.on("GET", &tokens_path(), 200, json!(rows));
}

/// Submits a valid "ci" token that GitLab answers with `status` and `body` (status 0: no
/// answer), after which its list holds the "ci" tokens `made`.
async fn create_ci(
    fake: std::rc::Rc<FakeGitLab>,
    status: u16,
    body: serde_json::Value,
    made: &[u64],
) -> Mounted {
    let app = open_create(fake.clone()).await;
    fill_valid_form(&app, "ci");
    settle().await;
    fake.on("POST", &tokens_path(), status, body);
    list_with_ci(&fake, made);
    click(&app.get("create-submit"));
    app
}

/// GitLab made the token but its answer never arrived: the list is read, the token found, and
/// its revocation offered at once, since nobody has its secret. Nothing is sent twice.
#[wasm_bindgen_test]
async fn a_create_whose_answer_is_lost_is_found_and_offered_for_revocation() {
    let fake = maintainer_gitlab();
    let app = create_ci(fake.clone(), 0, serde_json::Value::Null, &[12]).await;
    app.wait_for("the revocation offer", |a| {
        a.find("revoke-dialog").is_some()
    })
    .await;
    assert_eq!(fake.count("POST", &tokens_path()), 1, "never sent again");
    assert!(app.find("create-dialog").is_none());
    let why = app.text("secret-lost");
    assert!(
        why.contains("GitLab created \u{201c}ci\u{201d}") && why.contains("revoke it"),
        "{why}"
    );
    assert!(app
        .text("revoke-dialog")
        .contains("Revoke \u{201c}ci\u{201d}"));

    let delete = format!("{}/12", tokens_path());
    fake.on("DELETE", &delete, 204, serde_json::Value::Null);
    type_into(&app.get("revoke-confirm"), "ci");
    settle().await;
    click(&app.get("revoke-submit"));
    app.wait_for("the dialog to close", |a| a.find("revoke-dialog").is_none())
        .await;
    assert_eq!(fake.count("DELETE", &delete), 1, "the orphan is revoked");
}

/// No answer and no new token in the list: the page says nothing was created, keeps the input,
/// and leaves the retry to the user. An unreadable success answer is checked the same way.
#[wasm_bindgen_test]
async fn a_create_without_an_answer_is_checked_and_the_input_kept() {
    let fake = maintainer_gitlab();
    let app = create_ci(fake.clone(), 502, json!("Bad Gateway"), &[]).await;
    app.wait_for("the verdict", |a| a.find("error").is_some())
        .await;
    let said = app.text("error");
    assert!(said.contains("no such token was created"), "{said}");
    assert_eq!(value(&app.get("token-name")), "ci", "input kept");
    assert_eq!(fake.count("POST", &tokens_path()), 1);
    assert!(
        fake.count("GET", &tokens_path()) >= 2,
        "the list was read again to check"
    );

    // 201 with half a body: done, but the secret is unreadable.
    fake.on("POST", &tokens_path(), 201, json!("{\"id\": 12, \"tok"));
    list_with_ci(&fake, &[12]);
    click(&app.get("create-submit"));
    app.wait_for("the revocation offer", |a| {
        a.find("revoke-dialog").is_some()
    })
    .await;
    assert!(app.text("secret-lost").contains("\u{201c}ci\u{201d}"));
}

/// A browser sends a request again by itself when a reused connection drops before any answer:
/// one create can make two tokens. Both are offered for revocation, one after the other.
#[wasm_bindgen_test]
async fn two_tokens_made_by_one_lost_create_are_both_offered_for_revocation() {
    let fake = maintainer_gitlab();
    let app = create_ci(fake.clone(), 0, serde_json::Value::Null, &[12, 13]).await;
    for id in [12, 13] {
        app.wait_for("a revocation offer", |a| a.find("revoke-dialog").is_some())
            .await;
        assert!(app
            .text("secret-lost")
            .contains("twice: the browser resent"));
        let delete = format!("{}/{id}", tokens_path());
        fake.on("DELETE", &delete, 204, serde_json::Value::Null);
        type_into(&app.get("revoke-confirm"), "ci");
        settle().await;
        click(&app.get("revoke-submit"));
        app.wait_for("the revocation", |_| fake.count("DELETE", &delete) == 1)
            .await;
        settle().await;
    }
    app.wait_for("no more offers", |a| a.find("revoke-dialog").is_none())
        .await;
    assert_eq!(fake.count("POST", &tokens_path()), 1);
}
