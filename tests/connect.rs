//! Signing in: address checks before any request, the token sent only as a header and kept only
//! in memory, GitLab's refusal shown at the token field, and deep links surviving the sign-in.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn plain_http_address_is_refused_at_the_field_without_a_request() {
    let app = mount(maintainer_gitlab(), "/").await;
    app.sign_in("http://gitlab.example.com", TOKEN).await;

    let error = app.text("error-gitlab-url");
    assert!(error.contains("https://"), "URL error: {error:?}");
    assert_eq!(
        app.get("connect-url")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(app.text("error-gitlab-token"), "");
    assert!(app.find("whoami").is_none());
    assert!(
        app.fake.requests().is_empty(),
        "nothing may be sent to an http:// address: {:?}",
        app.fake.requests()
    );

    // Fixing the address clears its error.
    type_into(&app.get("connect-url"), "https://gitlab.example.com");
    settle().await;
    assert_eq!(app.text("error-gitlab-url"), "");
}

#[wasm_bindgen_test]
async fn valid_sign_in_sends_the_token_as_a_header_and_shows_who_and_projects() {
    let fake = maintainer_gitlab();
    let app = mount(fake.clone(), "/").await;
    let token_input = app.get("connect-token");
    app.sign_in("https://gitlab.example.com/", TOKEN).await;
    app.wait_for("the projects table", |a| a.find("projects-table").is_some())
        .await;

    let user_calls = fake.sent("GET", &api("/user"));
    assert_eq!(user_calls.len(), 1, "one GET /api/v4/user");
    assert_eq!(user_calls[0].url, "https://gitlab.example.com/api/v4/user");
    user_calls[0].assert_signed();
    // Every call carries the token in the header and never in the URL.
    for req in fake.requests() {
        req.assert_signed();
        assert!(
            !req.url.contains(TOKEN),
            "token in the URL of {} {}",
            req.method,
            req.path
        );
    }

    let who = app.text("whoami");
    assert!(who.contains("Ada Lovelace"), "{who}");
    assert!(who.contains("@ada on gitlab.example.com"), "{who}");
    let rows = app.all_testid("project-row");
    assert_eq!(rows.len(), 1);
    assert!(text(&rows[0]).contains("Analytical / Engine"));
    let projects = fake.sent("GET", &api("/projects"));
    assert!(
        projects[0].query.contains("min_access_level=40"),
        "only projects the user maintains: {}",
        projects[0].query
    );

    // The credential is gone from the form, from storage and from the address.
    assert!(
        value(&token_input).is_empty(),
        "token input must be cleared"
    );
    assert!(app.find("connect-token").is_none());
    let storage = local_storage();
    for i in 0..storage.length().unwrap() {
        let key = storage.key(i).unwrap().unwrap();
        let val = storage.get_item(&key).unwrap().unwrap_or_default();
        assert!(
            !key.contains(TOKEN) && !val.contains(TOKEN),
            "token in localStorage under {key:?}"
        );
    }
    let href = web_sys::window().unwrap().location().href().unwrap();
    assert!(!href.contains(TOKEN), "token in the page URL");
    assert_eq!(page_contains(TOKEN), Vec::<String>::new());
    assert!(!logged(TOKEN), "the token was logged to the console");
    // The address, not a secret, is remembered for next time.
    assert_eq!(
        storage
            .get_item("tokenwarden.gitlab_url")
            .unwrap()
            .as_deref(),
        Some("https://gitlab.example.com")
    );
}

#[wasm_bindgen_test]
async fn rejected_token_is_reported_at_the_token_field() {
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &api("/user"),
        401,
        json!({ "message": "401 Unauthorized" }),
    );
    let app = mount(fake.clone(), "/").await;
    app.sign_in(GITLAB, TOKEN).await;

    assert_eq!(fake.count("GET", &api("/user")), 1);
    let error = app.text("error-gitlab-token");
    assert!(error.contains("did not accept this token"), "{error:?}");
    assert_eq!(
        app.get("connect-token")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(app.text("error-gitlab-url"), "");
    assert!(app.find("whoami").is_none());
    assert!(!is_disabled(&app.get("connect-submit")), "can try again");
    assert!(
        fake.count("GET", &api("/projects")) == 0,
        "no further calls with a refused token"
    );
}

#[wasm_bindgen_test]
async fn signing_out_forgets_the_token() {
    let app = mount_signed_in(maintainer_gitlab(), "/").await;
    click(&app.get("disconnect"));
    settle().await;
    assert!(app.find("whoami").is_none());
    assert_eq!(value(&app.get("connect-token")), "");
    assert_eq!(value(&app.get("connect-url")), GITLAB);
    assert_eq!(page_contains(TOKEN), Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn deep_link_opens_the_project_after_sign_in() {
    let fake = maintainer_gitlab();
    let app = mount(fake.clone(), "/projects/7").await;
    assert!(app.find("connect-form").is_some(), "sign-in comes first");
    app.sign_in(GITLAB, TOKEN).await;
    app.wait_for("the tokens page", |a| a.find("active-tokens").is_some())
        .await;

    assert_eq!(current_hash(), "#/projects/7");
    assert_eq!(app.text("project-title"), "Analytical / Engine");
    assert_eq!(fake.count("GET", &api("/projects/7")), 1);
    assert_eq!(fake.count("GET", &tokens_path()), 1);
    assert!(app.find("projects-table").is_none());
    let rows = app.all_testid("token-row");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].get_attribute("data-token-name").as_deref(),
        Some("deploy")
    );
}

/// What the sign-in module hands to the rest of the page: the keep flag, then the credential.
fn handover_text(keep: bool, token: &str) -> String {
    format!(
        "{}{{\"gitlab\":\"https://gitlab.example.com\",\"pat\":\"{token}\"}}",
        if keep { '1' } else { '0' }
    )
}

#[wasm_bindgen_test]
async fn the_rest_of_the_page_signs_in_with_what_the_sign_in_handed_over() {
    session_storage().clear().unwrap();
    assert!(tokenwarden::handover::receive(handover_text(false, TOKEN)));
    let fake = maintainer_gitlab();
    let app = mount(fake.clone(), "/").await;
    app.wait_for("the projects table", |a| a.find("projects-table").is_some())
        .await;

    // No form to fill in: the credential is checked again and used as a header only.
    assert!(app.find("connect-form").is_none());
    assert_eq!(fake.count("GET", &api("/user")), 1);
    for req in fake.requests() {
        req.assert_signed();
    }
    // Taken once: it is not there for another start.
    assert!(tokenwarden::handover::take().is_none());
    // The user did not ask to stay signed in: the tab keeps nothing.
    assert_eq!(session_storage().length().unwrap(), 0);
    assert_eq!(page_contains(TOKEN), Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn a_hand_over_that_asked_to_stay_signed_in_is_kept_and_a_damaged_one_is_refused() {
    session_storage().clear().unwrap();
    assert!(!tokenwarden::handover::receive("1{\"gitlab\":".into()));
    assert!(!tokenwarden::handover::receive(String::new()));
    assert!(tokenwarden::handover::take().is_none());

    assert!(tokenwarden::handover::receive(handover_text(true, TOKEN)));
    let app = mount(maintainer_gitlab(), "/").await;
    app.wait_for("the projects table", |a| a.find("projects-table").is_some())
        .await;
    let kept = session_storage()
        .get_item("tokenwarden.session")
        .unwrap()
        .unwrap_or_default();
    assert!(kept.contains(TOKEN), "kept for a reload of this tab");
    session_storage().clear().unwrap();
}

#[wasm_bindgen_test]
async fn a_hand_over_gitlab_refuses_leads_back_to_the_sign_in_form() {
    session_storage().clear().unwrap();
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &api("/user"),
        401,
        json!({ "message": "401 Unauthorized" }),
    );
    assert!(tokenwarden::handover::receive(handover_text(false, TOKEN)));
    let app = mount(fake, "/").await;
    app.wait_for("the sign-in form", |a| a.find("connect-form").is_some())
        .await;
    assert!(app.find("whoami").is_none());
    let problem = app.text("signin-problem");
    assert!(problem.contains("did not accept this token"), "{problem}");
}

#[wasm_bindgen_test]
async fn the_sign_in_asks_who_what_and_which_gitlab_at_once() {
    // With a network that takes its time, the three questions of the sign-in should cost one
    // round trip, not three.
    let fake = maintainer_gitlab();
    fake.answer_after(15);
    let app = mount(fake, "/").await;
    app.sign_in(GITLAB, TOKEN).await;
    app.wait_for("the header to say who is signed in", |m| {
        m.find("whoami").is_some()
    })
    .await;
    let sent = |path: &str| {
        app.fake
            .sent("GET", path)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("the sign-in asked for {path}"))
    };
    let first = [
        "/api/v4/user",
        "/api/v4/personal_access_tokens/self",
        "/api/v4/version",
    ];
    let alongside: Vec<usize> = first.iter().map(|p| sent(p).alongside).collect();
    assert_eq!(
        alongside,
        [0, 1, 2],
        "each went out before any was answered"
    );
}
