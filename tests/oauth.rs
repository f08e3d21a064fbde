//! Signing in with GitLab (OAuth with PKCE) and staying signed in in a tab: the site's
//! `config.json`, the return from GitLab, refresh before expiry, revoke on sign-out, and what
//! `sessionStorage` holds and when.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use domain::oauth::{Kept, KeptCredential, Pending};
use domain::Secret;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CLIENT_ID: &str = "0a1b2c3d4e5f";
const ACCESS: &str = "oauth-access-Zq81nX";
const REFRESH: &str = "oauth-refresh-Pp20vY";
const NEW_ACCESS: &str = "oauth-access-renewed-K7";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn pending(state: &str, keep: bool) -> Pending {
    Pending {
        state: state.into(),
        verifier: VERIFIER.into(),
        gitlab: GITLAB.into(),
        client_id: CLIENT_ID.into(),
        redirect_uri: "http://127.0.0.1:8000/".into(),
        return_to: "#/groups".into(),
        keep,
    }
}

fn tokens(access: &str, refresh: &str, scope: &str) -> serde_json::Value {
    json!({"access_token": access, "token_type": "Bearer", "expires_in": 7200,
           "refresh_token": refresh, "scope": scope, "created_at": 1_700_000_000})
}

/// A GitLab that knows the OAuth sign-in: no `/personal_access_tokens/self` for it.
fn oauth_gitlab() -> std::rc::Rc<FakeGitLab> {
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        &api("/personal_access_tokens/self"),
        400,
        json!({"message": "400 Bad request - Not a personal access token"}),
    );
    fake.on("GET", &api("/groups"), 200, json!([]));
    fake
}

fn start_clean() {
    session_storage().clear().unwrap();
    set_search("");
}

fn bearer_of(sent: &Sent) -> Option<String> {
    sent.header("Authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::to_string)
}

#[wasm_bindgen_test]
async fn without_config_only_the_token_form_is_offered() {
    start_clean();
    let app = mount(maintainer_gitlab(), "/").await;
    assert!(app.find("connect-form").is_some());
    assert!(
        app.find("oauth-start").is_none(),
        "no application, no GitLab sign-in"
    );
    assert!(
        app.find("config-error").is_none(),
        "a missing file is no error"
    );
    // Password managers save password fields of a form that goes away: this one is not one.
    let token = app.get("connect-token");
    assert_eq!(token.get_attribute("type").as_deref(), Some("text"));
    assert_eq!(token.get_attribute("autocomplete").as_deref(), Some("off"));
}

#[wasm_bindgen_test]
async fn config_names_the_instance_and_offers_sign_in_with_gitlab() {
    start_clean();
    let fake = maintainer_gitlab();
    fake.on(
        "GET",
        SITE_FILE,
        200,
        json!({"gitlab_url": GITLAB, "oauth_client_id": CLIENT_ID}),
    );
    let app = mount(fake.clone(), "/").await;
    app.wait_for("the GitLab sign-in", |a| a.find("oauth-start").is_some())
        .await;
    assert!(app.text("connect-instance").contains("gitlab.example.com"));
    assert!(app.find("connect-url").is_none(), "the instance is fixed");
    assert!(app.find("oauth-access-api").is_some() && app.find("oauth-access-read_api").is_some());
    // The token form still works against the configured instance.
    type_into(&app.get("connect-token"), TOKEN);
    click(&app.get("connect-submit"));
    app.wait_for("the header", |a| a.find("whoami").is_some())
        .await;
    fake.sent("GET", &api("/user"))[0].assert_signed();
}

#[wasm_bindgen_test]
async fn a_broken_config_is_said_and_the_page_still_works() {
    start_clean();
    let fake = maintainer_gitlab();
    fake.on("GET", SITE_FILE, 200, json!({"gitlab_ur": GITLAB}));
    let app = mount(fake, "/").await;
    app.wait_for("the config error", |a| a.find("config-error").is_some())
        .await;
    let said = app.text("config-error");
    assert!(
        said.contains("unknown setting") && said.contains("gitlab_ur"),
        "{said}"
    );
    assert!(
        app.find("connect-url").is_some(),
        "the address can still be typed"
    );
}

#[wasm_bindgen_test]
async fn the_return_from_gitlab_is_exchanged_with_the_verifier_and_cleaned_from_the_address() {
    start_clean();
    let fake = oauth_gitlab();
    fake.on("POST", "/oauth/token", 200, tokens(ACCESS, REFRESH, "api"));
    tokenwarden::keep::save_pending(&pending("st-123", false));
    set_search("?code=the-code&state=st-123");
    let app = mount(fake.clone(), "/").await;
    app.wait_for("the header", |a| a.find("whoami").is_some())
        .await;

    let exchange = fake.sent("POST", "/oauth/token");
    assert_eq!(exchange.len(), 1);
    let body = exchange[0].body.clone().unwrap();
    assert!(body.contains("grant_type=authorization_code"), "{body}");
    assert!(body.contains("code=the-code"), "{body}");
    assert!(
        body.contains(&format!("code_verifier={VERIFIER}")),
        "{body}"
    );
    assert!(body.contains(&format!("client_id={CLIENT_ID}")), "{body}");
    assert!(exchange[0].header("PRIVATE-TOKEN").is_none());
    // Every API call carries the access token as a bearer token.
    for req in fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/v4"))
    {
        assert_eq!(
            bearer_of(req).as_deref(),
            Some(ACCESS),
            "{} {}",
            req.method,
            req.path
        );
    }
    assert_eq!(fake.count("GET", &api("/personal_access_tokens/self")), 0);
    // Code and state are gone from the address bar; the route the user left is back.
    let location = web_sys::window().unwrap().location();
    assert_eq!(location.search().unwrap(), "");
    assert_eq!(current_hash(), "#/groups");
    assert!(app.text("whoami").contains("signed in with GitLab: api"));
    // The round trip's record served once and is gone; nothing was kept.
    assert_eq!(session_storage().length().unwrap(), 0);
    assert!(page_contains(ACCESS).is_empty() && page_contains(REFRESH).is_empty());
}

#[wasm_bindgen_test]
async fn a_return_with_another_state_is_refused_without_exchanging_the_code() {
    start_clean();
    let fake = oauth_gitlab();
    fake.on("POST", "/oauth/token", 200, tokens(ACCESS, REFRESH, "api"));
    tokenwarden::keep::save_pending(&pending("mine", false));
    set_search("?code=the-code&state=forged");
    let app = mount(fake.clone(), "/").await;
    app.wait_for("the problem", |a| a.find("signin-problem").is_some())
        .await;
    assert!(app.text("signin-problem").contains("does not belong"));
    assert_eq!(fake.count("POST", "/oauth/token"), 0);
    assert_eq!(web_sys::window().unwrap().location().search().unwrap(), "");
    assert!(app.find("connect-form").is_some());
}

#[wasm_bindgen_test]
async fn a_denied_sign_in_says_so() {
    start_clean();
    let fake = oauth_gitlab();
    tokenwarden::keep::save_pending(&pending("s", false));
    set_search("?error=access_denied&error_description=The+resource+owner+denied&state=s");
    let app = mount(fake.clone(), "/").await;
    app.wait_for("the problem", |a| a.find("signin-problem").is_some())
        .await;
    assert!(app.text("signin-problem").contains("cancelled"));
    assert!(fake.requests().is_empty());
}

#[wasm_bindgen_test]
async fn a_read_only_sign_in_makes_a_read_only_page() {
    start_clean();
    let fake = oauth_gitlab();
    fake.on(
        "POST",
        "/oauth/token",
        200,
        tokens(ACCESS, REFRESH, "read_api"),
    );
    tokenwarden::keep::save_pending(&pending("s", false));
    set_search("?code=c&state=s");
    let app = mount(fake, "/").await;
    app.wait_for("the header", |a| a.find("whoami").is_some())
        .await;
    assert!(app.text("read-only").contains("reading only"));
}

fn kept_oauth(expires_at_ms: u64) {
    let kept = Kept {
        gitlab: GITLAB.into(),
        credential: KeptCredential::OAuth {
            access: Secret::new(ACCESS.into()),
            refresh: Some(Secret::new(REFRESH.into())),
            expires_at_ms,
            client_id: CLIENT_ID.into(),
            redirect_uri: "http://127.0.0.1:8000/".into(),
            scope: "api".into(),
        },
    };
    session_storage()
        .set_item("tokenwarden.session", &kept.to_json())
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_kept_grant_near_its_expiry_is_refreshed_before_use_and_kept_renewed() {
    start_clean();
    let fake = oauth_gitlab();
    fake.on(
        "POST",
        "/oauth/token",
        200,
        tokens(NEW_ACCESS, "refresh-2", "api"),
    );
    // Three minutes left: inside the refresh margin.
    kept_oauth(js_sys::Date::now() as u64 + 3 * 60 * 1000);
    let app = mount(fake.clone(), "/").await;
    app.wait_for("the header", |a| a.find("whoami").is_some())
        .await;

    let refresh = fake.sent("POST", "/oauth/token");
    assert_eq!(refresh.len(), 1, "one refresh, not one per request");
    let body = refresh[0].body.clone().unwrap();
    assert!(body.contains("grant_type=refresh_token"), "{body}");
    assert!(body.contains(&format!("refresh_token={REFRESH}")), "{body}");
    let api_calls: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v4"))
        .collect();
    assert!(!api_calls.is_empty());
    for req in &api_calls {
        assert_eq!(bearer_of(req).as_deref(), Some(NEW_ACCESS), "{}", req.path);
    }
    // The tab keeps the renewed grant, not the spent one.
    let kept = session_storage()
        .get_item("tokenwarden.session")
        .unwrap()
        .unwrap();
    assert!(kept.contains(NEW_ACCESS) && !kept.contains(REFRESH));
}

#[wasm_bindgen_test]
async fn a_refresh_gitlab_refuses_ends_the_session_and_forgets_it() {
    start_clean();
    let fake = oauth_gitlab();
    fake.on(
        "POST",
        "/oauth/token",
        400,
        json!({"error": "invalid_grant", "error_description": "The provided authorization grant is invalid."}),
    );
    fake.on(
        "GET",
        &api("/user"),
        401,
        json!({"message": "401 Unauthorized"}),
    );
    kept_oauth(js_sys::Date::now() as u64 - 1000);
    let app = mount(fake, "/").await;
    app.wait_for("the sign-in form", |a| a.find("connect-form").is_some())
        .await;
    assert!(session_storage()
        .get_item("tokenwarden.session")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn sign_out_revokes_the_grant_and_wipes_the_tab() {
    start_clean();
    let fake = oauth_gitlab();
    fake.on("POST", "/oauth/token", 200, tokens(ACCESS, REFRESH, "api"));
    fake.on("POST", "/oauth/revoke", 200, json!({}));
    tokenwarden::keep::save_pending(&pending("s", true));
    set_search("?code=c&state=s");
    let app = mount(fake.clone(), "/").await;
    app.wait_for("the header", |a| a.find("whoami").is_some())
        .await;
    // Opted in: a reload of this tab would find the session.
    assert!(session_storage()
        .get_item("tokenwarden.session")
        .unwrap()
        .is_some());

    click(&app.get("disconnect"));
    app.wait_for("the revoke", |_| fake.count("POST", "/oauth/revoke") == 1)
        .await;
    let body = fake.sent("POST", "/oauth/revoke")[0].body.clone().unwrap();
    assert_eq!(body, format!("client_id={CLIENT_ID}&token={ACCESS}"));
    assert_eq!(session_storage().key(0).unwrap(), None);
    assert!(app.find("connect-form").is_some());
}

#[wasm_bindgen_test]
async fn a_token_sign_in_is_kept_only_when_asked_and_resumed_after_a_reload() {
    start_clean();
    let fake = maintainer_gitlab();
    let app = mount(fake.clone(), "/").await;
    set_checked(&app.get("keep-signed-in"), true);
    app.sign_in(GITLAB, TOKEN).await;
    app.wait_for("the header", |a| a.find("whoami").is_some())
        .await;
    let kept = session_storage().get_item("tokenwarden.session").unwrap();
    assert!(kept.is_some_and(|k| k.contains(TOKEN)));
    assert!(local_storage()
        .get_item("tokenwarden.session")
        .unwrap()
        .is_none());
    drop(app);

    // "Reload": a new app in the same tab signs in again by itself.
    let fake = maintainer_gitlab();
    let app = mount(fake.clone(), "/projects").await;
    app.wait_for("the header", |a| a.find("whoami").is_some())
        .await;
    fake.sent("GET", &api("/user"))[0].assert_signed();
    click(&app.get("disconnect"));
    settle().await;
    assert!(session_storage()
        .get_item("tokenwarden.session")
        .unwrap()
        .is_none());
    drop(app);

    // Not asked: nothing kept.
    let app = mount(maintainer_gitlab(), "/").await;
    app.sign_in(GITLAB, TOKEN).await;
    app.wait_for("the header", |a| a.find("whoami").is_some())
        .await;
    assert_eq!(session_storage().length().unwrap(), 0);
}
