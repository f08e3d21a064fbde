//! OAuth 2.0 (authorization code + PKCE, refresh, revoke, token info), OAuth tokens on the API,
//! and CORS on `/oauth/*`.

mod common;

use std::collections::HashMap;

use common::*;
use serde_json::{json, Value};

/// A non-confidential application, as a single-page app registers one.
const APP: &str = "tokenwarden-test";
const REDIRECT: &str = "https://app.example/tokenwarden/";
/// RFC 7636, appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const STATE: &str = "st-4711";

const INVALID_GRANT: &str = "The provided authorization grant is invalid, expired, revoked, does \
not match the redirection URI used in the authorization request, or was issued to another client.";
const INVALID_CLIENT: &str = "Client authentication failed due to unknown client, no client \
authentication included, or unsupported authentication method.";

fn oauth_fixture() -> Value {
    let mut f = fixture();
    f["applications"] = json!([
        {"uid": APP, "name": "tokenwarden <test>", "confidential": false,
         "redirect_uri": format!("{REDIRECT}\nhttp://127.0.0.1/callback"),
         "scopes": "api read_api read_user"},
        {"uid": "other-app", "redirect_uri": "https://other.example/cb", "scopes": ["api"],
         "confidential": false},
        {"uid": "secret-app", "redirect_uri": "https://conf.example/cb", "scopes": "api",
         "secret": "s3cret"}
    ]);
    f
}

fn start_oauth() -> Running {
    start_with(&oauth_fixture())
}

fn encode(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// An authorization request's parameters, with `changes` replacing (or, with an empty value,
/// removing) the defaults.
fn authorize_params(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("client_id", APP),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("state", STATE),
        ("scope", "api"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in changes {
        params.retain(|(name, _)| name != k);
        if !v.is_empty() {
            params.push((k.to_string(), v.to_string()));
        }
    }
    params
}

fn authorize_url(changes: &[(&str, &str)]) -> String {
    let params = authorize_params(changes);
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (&**k, &**v)).collect();
    format!("/oauth/authorize?{}", encode(&pairs))
}

/// A redirect's target without its query, and the query's pairs.
fn redirected(r: &Resp) -> (String, HashMap<String, String>) {
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").expect("Location");
    let (base, query) = location.split_once('?').unwrap_or((location, ""));
    let pairs = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (base.to_owned(), pairs)
}

/// Approves as `user` through `sim_user` and returns the code.
fn code_for(sim: &Running, user: &str, changes: &[(&str, &str)]) -> String {
    let mut all = changes.to_vec();
    all.push(("sim_user", user));
    let (base, query) = redirected(&sim.get(&authorize_url(&all)).send());
    assert_eq!(base, REDIRECT);
    assert_eq!(query["state"], STATE);
    query["code"].clone()
}

fn exchange(sim: &Running, code: &str, changes: &[(&str, &str)]) -> Resp {
    let mut params: Vec<(&str, &str)> = vec![
        ("client_id", APP),
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    for (k, v) in changes {
        params.retain(|(name, _)| name != k);
        if !v.is_empty() {
            params.push((k, v));
        }
    }
    sim.post("/oauth/token").form(&encode(&params)).send()
}

/// An access and a refresh token for `user` with `scope`.
fn tokens_for(sim: &Running, user: &str, scope: &str) -> (String, String) {
    let code = code_for(sim, user, &[("scope", scope)]);
    let r = exchange(sim, &code, &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

fn refresh(sim: &Running, refresh_token: &str, changes: &[(&str, &str)]) -> Resp {
    let mut params: Vec<(&str, &str)> = vec![
        ("client_id", APP),
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    for (k, v) in changes {
        params.retain(|(name, _)| name != k);
        if !v.is_empty() {
            params.push((k, v));
        }
    }
    sim.post("/oauth/token").form(&encode(&params)).send()
}

fn advance_clock(sim: &Running, seconds: i64) {
    let r = sim
        .hook("POST", "/-/sim/clock")
        .json(json!({"advance_seconds": seconds}))
        .send();
    assert_eq!(r.status, 204, "{}", r.body);
}

fn oauth_error(error: &str, description: &str) -> Value {
    json!({"error": error, "error_description": description})
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn code_flow_with_sim_user_gives_a_bearer_token_for_the_approver() {
    let sim = start_oauth();
    let code = code_for(&sim, "maint", &[]);
    assert!(is_hex64(&code), "{code}");
    let r = exchange(&sim, &code, &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(r.header("cache-control"), Some("no-store, no-cache"));
    assert_eq!(r.header("pragma"), Some("no-cache"));
    let body = r.json();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "created_at",
            "expires_in",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 7200);
    assert_eq!(body["scope"], "api");
    let access = body["access_token"].as_str().unwrap();
    assert!(is_hex64(access) && is_hex64(body["refresh_token"].as_str().unwrap()));
    let created = body["created_at"].as_i64().unwrap();
    let midnight = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    assert!(
        (midnight..midnight + 86_400).contains(&created),
        "{created}"
    );

    let me = sim.get("/api/v4/user").bearer(access).send();
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["username"], "maint");
    let by_param = sim
        .get(&format!("/api/v4/user?access_token={access}"))
        .send();
    assert_eq!(by_param.json()["username"], "maint");
    // An `api` OAuth token lists and creates project access tokens like a PAT would.
    let list = sim
        .get("/api/v4/projects/100/access_tokens")
        .bearer(access)
        .send();
    assert_eq!(list.status, 200, "{}", list.body);
    let created = sim
        .post("/api/v4/projects/100/access_tokens")
        .bearer(access)
        .json(json!({"name": "from-oauth", "scopes": ["read_api"]}))
        .send();
    assert_eq!(created.status, 201, "{}", created.body);
}

#[test]
fn token_endpoint_takes_json_bodies_too() {
    let sim = start_oauth();
    let code = code_for(&sim, "dev", &[]);
    let r = sim
        .post("/oauth/token")
        .json(
            json!({"client_id": APP, "grant_type": "authorization_code", "code": code,
                     "redirect_uri": REDIRECT, "code_verifier": VERIFIER}),
        )
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn consent_page_lists_the_users_and_posts_back() {
    let sim = start_oauth();
    let r = sim.get(&authorize_url(&[])).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r.header("access-control-allow-origin").is_none());
    let page = &r.body;
    assert!(
        page.contains("Authorize tokenwarden &lt;test&gt; to use your account?"),
        "{page}"
    );
    assert!(
        !page.contains("<test>") && !page.contains("<script"),
        "{page}"
    );
    for user in ["root", "owner", "maint", "dev", "reader", "outsider"] {
        assert!(
            page.contains(&format!(
                "<input type=\"hidden\" name=\"sim_user\" value=\"{user}\">"
            )),
            "{user}: {page}"
        );
    }
    assert!(!page.contains("_bot_"), "bots cannot approve: {page}");
    assert!(page.contains("<input type=\"hidden\" name=\"_method\" value=\"delete\">"));
    assert!(page.contains(&format!(
        "<input type=\"hidden\" name=\"code_challenge\" value=\"{CHALLENGE}\">"
    )));
    assert!(page.contains("<form method=\"post\" action=\"/oauth/authorize\">"));

    // What the approve button sends.
    let mut form = authorize_params(&[]);
    form.push(("sim_user".into(), "dev".into()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (&**k, &**v)).collect();
    let (base, query) = redirected(&sim.post("/oauth/authorize").form(&encode(&pairs)).send());
    assert_eq!(base, REDIRECT);
    assert_eq!(query["state"], STATE);
    let token = exchange(&sim, &query["code"], &[]).json();
    let me = sim
        .get("/api/v4/user")
        .bearer(token["access_token"].as_str().unwrap())
        .send();
    assert_eq!(me.json()["username"], "dev");

    // What the deny button sends.
    let mut form = authorize_params(&[]);
    form.push(("_method".into(), "delete".into()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (&**k, &**v)).collect();
    let r = sim.post("/oauth/authorize").form(&encode(&pairs)).send();
    assert_eq!(
        r.header("location"),
        Some(
            "https://app.example/tokenwarden/?error=access_denied&error_description=The+resource+\
             owner+or+authorization+server+denied+the+request.&state=st-4711"
        )
    );
    // Approving needs a fixture user.
    let r = sim.get(&authorize_url(&[("sim_user", "nobody")])).send();
    assert_eq!(r.status, 400);
    assert!(r.body.contains("sim_user"), "{}", r.body);
}

#[test]
fn rfc_7636_example_and_plain_challenges() {
    let sim = start_oauth();
    // The S256 pair from RFC 7636 appendix B is what every other test uses; plain works too.
    let plain = "plain-verifier-0123456789-0123456789-0123456789";
    let code = code_for(
        &sim,
        "maint",
        &[
            ("code_challenge", plain),
            ("code_challenge_method", "plain"),
        ],
    );
    assert_eq!(
        exchange(&sim, &code, &[("code_verifier", plain)]).status,
        200
    );
    // PKCE is optional in GitLab: a code without a challenge needs no verifier...
    let code = code_for(
        &sim,
        "maint",
        &[("code_challenge", ""), ("code_challenge_method", "")],
    );
    assert_eq!(exchange(&sim, &code, &[("code_verifier", "")]).status, 200);
    // ...and refuses one.
    let code = code_for(&sim, "maint", &[("code_challenge", "")]);
    exchange(&sim, &code, &[]).expect(400, oauth_error("invalid_grant", INVALID_GRANT));
}

#[test]
fn wrong_missing_or_malformed_verifiers_are_refused() {
    let sim = start_oauth();
    let code = code_for(&sim, "maint", &[]);
    let wrong = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXm";
    let r = exchange(&sim, &code, &[("code_verifier", wrong)]);
    r.expect(400, oauth_error("invalid_grant", INVALID_GRANT));
    assert_eq!(
        r.header("www-authenticate"),
        Some(&*format!(
            "Bearer realm=\"Doorkeeper\", error=\"invalid_grant\", error_description=\"{INVALID_GRANT}\""
        ))
    );
    exchange(&sim, &code, &[("code_verifier", "")]).expect(
        400,
        oauth_error(
            "invalid_request",
            "Missing required parameter: code_verifier.",
        ),
    );
    // A failed exchange does not use the code up.
    assert_eq!(exchange(&sim, &code, &[]).status, 200);

    // RFC 7636 verifiers are 43 to 128 characters of [A-Za-z0-9-._~].
    for bad in [
        "a".repeat(42),
        "a".repeat(129),
        format!("{}!", "a".repeat(43)),
    ] {
        let code = code_for(
            &sim,
            "maint",
            &[("code_challenge", &bad), ("code_challenge_method", "plain")],
        );
        exchange(&sim, &code, &[("code_verifier", &bad)])
            .expect(400, oauth_error("invalid_grant", INVALID_GRANT));
    }
}

#[test]
fn a_code_works_once() {
    let sim = start_oauth();
    let code = code_for(&sim, "maint", &[]);
    let first = exchange(&sim, &code, &[]);
    assert_eq!(first.status, 200);
    exchange(&sim, &code, &[]).expect(400, oauth_error("invalid_grant", INVALID_GRANT));
    // Doorkeeper only refuses the reuse; the token from the first exchange stays valid.
    let access = first.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(sim.get("/api/v4/user").bearer(&access).send().status, 200);
}

#[test]
fn a_code_expires_after_ten_minutes_of_sim_time() {
    let sim = start_oauth();
    let late = code_for(&sim, "maint", &[]);
    let in_time = code_for(&sim, "maint", &[]);
    advance_clock(&sim, 590);
    assert_eq!(exchange(&sim, &in_time, &[]).status, 200);
    advance_clock(&sim, 11);
    exchange(&sim, &late, &[]).expect(400, oauth_error("invalid_grant", INVALID_GRANT));
}

#[test]
fn redirect_uris_must_be_registered_and_repeated() {
    let sim = start_oauth();
    // Not registered: the error page, never a redirect (GitLab renders it with 200).
    let r = sim
        .get(&authorize_url(&[("redirect_uri", "https://evil.example/")]))
        .send();
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("<pre>The redirect URI included is not valid.</pre>"),
        "{}",
        r.body
    );
    let r = sim
        .get(&authorize_url(&[
            ("redirect_uri", "https://evil.example/"),
            ("sim_user", "maint"),
        ]))
        .send();
    r.expect(
        400,
        json!({"error": "invalid_redirect_uri",
               "error_description": "The redirect URI included is not valid.",
               "state": STATE}),
    );
    assert!(r.header("location").is_none());

    // Loopback URIs match whatever the port (RFC 8252); `localhost` is not a loopback IP.
    let loopback = "http://127.0.0.1:54321/callback";
    let (base, query) = redirected(
        &sim.get(&authorize_url(&[
            ("redirect_uri", loopback),
            ("sim_user", "maint"),
        ]))
        .send(),
    );
    assert_eq!(base, loopback);
    assert_eq!(
        exchange(&sim, &query["code"], &[("redirect_uri", loopback)]).status,
        200
    );
    let r = sim
        .get(&authorize_url(&[
            ("redirect_uri", "http://localhost:54321/callback"),
            ("sim_user", "maint"),
        ]))
        .send();
    assert_eq!(r.status, 400);

    // The exchange must name the redirect URI the code was issued for.
    let code = code_for(&sim, "maint", &[]);
    exchange(
        &sim,
        &code,
        &[("redirect_uri", "http://127.0.0.1/callback")],
    )
    .expect(400, oauth_error("invalid_grant", INVALID_GRANT));
    exchange(&sim, &code, &[("redirect_uri", "")]).expect(
        400,
        oauth_error(
            "invalid_request",
            "Missing required parameter: redirect_uri.",
        ),
    );
}

#[test]
fn unknown_or_mismatched_clients_are_refused() {
    let sim = start_oauth();
    let r = sim.get(&authorize_url(&[("client_id", "nope")])).send();
    assert_eq!(r.status, 200);
    assert!(r.body.contains(INVALID_CLIENT), "{}", r.body);
    let r = sim
        .get(&authorize_url(&[("client_id", ""), ("sim_user", "maint")]))
        .send();
    r.expect(
        400,
        json!({"error": "invalid_request",
               "error_description": "Missing required parameter: client_id.",
               "state": STATE}),
    );

    let code = code_for(&sim, "maint", &[]);
    let r = exchange(&sim, &code, &[("client_id", "nope")]);
    r.expect(401, oauth_error("invalid_client", INVALID_CLIENT));
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer realm=\"Doorkeeper\", error=\"invalid_client\""));
    exchange(&sim, &code, &[("client_id", "")])
        .expect(401, oauth_error("invalid_client", INVALID_CLIENT));
    // A non-confidential client that sends a wrong secret fails authentication.
    exchange(&sim, &code, &[("client_secret", "guess")])
        .expect(401, oauth_error("invalid_client", INVALID_CLIENT));
    // A code issued to one client is no good to another.
    let r = sim
        .post("/oauth/token")
        .form(&encode(&[
            ("client_id", "other-app"),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ]))
        .send();
    r.expect(400, oauth_error("invalid_grant", INVALID_GRANT));
}

#[test]
fn errors_the_client_may_hear_about_are_redirected_when_approving() {
    let sim = start_oauth();
    let cases = [
        (
            ("scope", "api sudo"),
            "invalid_scope",
            "The requested scope is invalid, unknown, or malformed.",
        ),
        (
            ("response_type", "token"),
            "unsupported_response_type",
            "The authorization server does not support this response type.",
        ),
        (
            ("code_challenge_method", "S512"),
            "invalid_code_challenge_method",
            "The code_challenge_method must be one of plain, S256.",
        ),
        (
            ("response_type", ""),
            "invalid_request",
            "Missing required parameter: response_type.",
        ),
    ];
    for (change, error, description) in cases {
        // The page shows the error...
        let page = sim.get(&authorize_url(&[change])).send();
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(&format!("<pre>{description}</pre>")),
            "{}",
            page.body
        );
        // ...and approving sends it back to the client.
        let (base, query) = redirected(
            &sim.get(&authorize_url(&[change, ("sim_user", "maint")]))
                .send(),
        );
        assert_eq!(base, REDIRECT);
        assert_eq!(query["error"], error);
        assert_eq!(query["error_description"], description);
        assert_eq!(query["state"], STATE);
    }
    // Without `scope`, GitLab's default `api` is asked for (if the application has it).
    let code = code_for(&sim, "maint", &[("scope", "")]);
    assert_eq!(exchange(&sim, &code, &[]).json()["scope"], "api");
}

#[test]
fn token_endpoint_parameter_errors() {
    let sim = start_oauth();
    sim.post("/oauth/token")
        .form(&encode(&[("client_id", APP), ("state", "s")]))
        .send()
        .expect(
            400,
            json!({"error": "invalid_request",
                   "error_description": "Missing required parameter: grant_type.", "state": "s"}),
        );
    sim.post("/oauth/token")
        .form(&encode(&[("grant_type", "password"), ("client_id", APP)]))
        .send()
        .expect(
            400,
            oauth_error(
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            ),
        );
    exchange(&sim, "", &[]).expect(
        400,
        oauth_error("invalid_request", "Missing required parameter: code."),
    );
    exchange(&sim, "0123", &[]).expect(400, oauth_error("invalid_grant", INVALID_GRANT));
    refresh(&sim, "", &[]).expect(
        400,
        oauth_error(
            "invalid_request",
            "Missing required parameter: refresh_token.",
        ),
    );
}

#[test]
fn refresh_rotates_the_pair() {
    let sim = start_oauth();
    let (old_access, old_refresh) = tokens_for(&sim, "maint", "api read_api");
    let r = refresh(&sim, &old_refresh, &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["scope"], "api read_api");
    assert_eq!(body["expires_in"], 7200);
    let new_access = body["access_token"].as_str().unwrap().to_owned();
    let new_refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new_access, old_access);
    assert_ne!(new_refresh, old_refresh);
    // As in Doorkeeper, the old pair is retired when the new access token is first used.
    assert_eq!(
        sim.get("/api/v4/user").bearer(&old_access).send().status,
        200
    );
    assert_eq!(
        sim.get("/api/v4/user").bearer(&new_access).send().status,
        200
    );
    sim.get("/api/v4/user")
        .bearer(&old_access)
        .send()
        .expect(401, revoked_body());
    refresh(&sim, &old_refresh, &[]).expect(400, oauth_error("invalid_grant", INVALID_GRANT));

    // The refresh token needs its own client.
    refresh(&sim, &new_refresh, &[("client_id", "")])
        .expect(400, oauth_error("invalid_grant", INVALID_GRANT));
    refresh(&sim, &new_refresh, &[("client_id", "other-app")])
        .expect(400, oauth_error("invalid_grant", INVALID_GRANT));
    refresh(&sim, &new_refresh, &[("client_id", "nope")])
        .expect(401, oauth_error("invalid_client", INVALID_CLIENT));
    // A narrower scope may be asked for, not a wider one.
    refresh(&sim, &new_refresh, &[("scope", "read_user")]).expect(
        400,
        oauth_error(
            "invalid_scope",
            "The requested scope is invalid, unknown, or malformed.",
        ),
    );
    let narrower = refresh(&sim, &new_refresh, &[("scope", "read_api")]);
    assert_eq!(narrower.json()["scope"], "read_api");
    // An expired access token does not stop its refresh token.
    let (_, refresh_token) = tokens_for(&sim, "dev", "api");
    advance_clock(&sim, 7201);
    assert_eq!(refresh(&sim, &refresh_token, &[]).status, 200);
}

#[test]
fn revoke_kills_access_and_refresh_together() {
    let sim = start_oauth();
    let (access, refresh_token) = tokens_for(&sim, "maint", "api");
    let r = sim
        .post("/oauth/revoke")
        .form(&encode(&[("client_id", APP), ("token", &access)]))
        .send();
    r.expect(200, json!({}));
    sim.get("/api/v4/user")
        .bearer(&access)
        .send()
        .expect(401, revoked_body());
    refresh(&sim, &refresh_token, &[]).expect(400, oauth_error("invalid_grant", INVALID_GRANT));

    let (access, refresh_token) = tokens_for(&sim, "maint", "api");
    sim.post("/oauth/revoke")
        .form(&encode(&[
            ("client_id", APP),
            ("token", &refresh_token),
            ("token_type_hint", "refresh_token"),
        ]))
        .send()
        .expect(200, json!({}));
    sim.get("/api/v4/user")
        .bearer(&access)
        .send()
        .expect(401, revoked_body());
    // Unknown or missing tokens: 200 all the same (RFC 7009).
    sim.post("/oauth/revoke")
        .form(&encode(&[("client_id", APP), ("token", "not-a-token")]))
        .send()
        .expect(200, json!({}));
    sim.post("/oauth/revoke")
        .form("")
        .send()
        .expect(200, json!({}));
}

#[test]
fn confidential_applications_authenticate_and_own_their_tokens() {
    let sim = start_oauth();
    let redirect = "https://conf.example/cb";
    let (_, query) = redirected(
        &sim.get(&authorize_url(&[
            ("client_id", "secret-app"),
            ("redirect_uri", redirect),
            ("code_challenge", ""),
            ("sim_user", "owner"),
        ]))
        .send(),
    );
    let token_params = |secret: &str| {
        encode(&[
            ("client_id", "secret-app"),
            ("client_secret", secret),
            ("grant_type", "authorization_code"),
            ("code", &query["code"]),
            ("redirect_uri", redirect),
        ])
    };
    sim.post("/oauth/token")
        .form(&token_params(""))
        .send()
        .expect(401, oauth_error("invalid_client", INVALID_CLIENT));
    let r = sim
        .post("/oauth/token")
        .form(&token_params("s3cret"))
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
    let access = r.json()["access_token"].as_str().unwrap().to_owned();
    // Only the application itself may revoke its token.
    sim.post("/oauth/revoke")
        .form(&encode(&[("token", &access)]))
        .send()
        .expect(
            403,
            json!({"error": "unauthorized_client",
                   "error_description": "You are not authorized to revoke this token"}),
        );
    assert_eq!(sim.get("/api/v4/user").bearer(&access).send().status, 200);
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            "secret-app:s3cret"
        )
    );
    sim.post("/oauth/revoke")
        .header("Authorization", &basic)
        .form(&encode(&[("token", &access)]))
        .send()
        .expect(200, json!({}));
    assert_eq!(sim.get("/api/v4/user").bearer(&access).send().status, 401);
}

#[test]
fn token_info_describes_a_live_token() {
    let sim = start_oauth();
    let (access, _) = tokens_for(&sim, "reader", "read_api read_user");
    let r = sim.get("/oauth/token/info").bearer(&access).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    let created = body["created_at"].clone();
    assert!(created.is_i64());
    assert_eq!(
        body,
        json!({"resource_owner_id": 5, "scope": ["read_api", "read_user"], "expires_in": 7200,
               "application": {"uid": APP}, "created_at": created,
               "scopes": ["read_api", "read_user"], "expires_in_seconds": 7200})
    );
    advance_clock(&sim, 100);
    let body = sim
        .get(&format!("/oauth/token/info?access_token={access}"))
        .send()
        .json();
    assert_eq!(body["expires_in"], 7100);
    assert_eq!(body["expires_in_seconds"], 7100);
    let head = sim.req("HEAD", "/oauth/token/info").bearer(&access).send();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    let invalid = json!({"error": "invalid_token",
                         "error_description": "The access token is invalid",
                         "state": "unauthorized"});
    let r = sim.get("/oauth/token/info").send();
    r.expect(401, invalid.clone());
    assert_eq!(
        r.header("www-authenticate"),
        Some("Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token is invalid\"")
    );
    sim.get("/oauth/token/info")
        .bearer("glpat-test-maint-00000001")
        .send()
        .expect(401, invalid.clone());
    advance_clock(&sim, 7101);
    sim.get("/oauth/token/info")
        .bearer(&access)
        .send()
        .expect(401, invalid);
}

#[test]
fn oauth_scopes_go_through_the_same_checks_as_personal_tokens() {
    let sim = start_oauth();
    let (read_api, _) = tokens_for(&sim, "maint", "read_api");
    assert_eq!(
        sim.get("/api/v4/projects/100/access_tokens")
            .bearer(&read_api)
            .send()
            .status,
        200
    );
    sim.post("/api/v4/projects/100/access_tokens")
        .bearer(&read_api)
        .json(json!({"name": "x", "scopes": ["api"]}))
        .send()
        .expect(403, scope_body("api read_api"));
    let (read_user, _) = tokens_for(&sim, "maint", "read_user");
    assert_eq!(
        sim.get("/api/v4/user").bearer(&read_user).send().status,
        200
    );
    sim.get("/api/v4/projects")
        .bearer(&read_user)
        .send()
        .expect(403, scope_body("api read_api"));
}

#[test]
fn oauth_tokens_expire_after_two_hours() {
    let sim = start_oauth();
    let (access, _) = tokens_for(&sim, "maint", "api");
    advance_clock(&sim, 7199);
    assert_eq!(sim.get("/api/v4/user").bearer(&access).send().status, 200);
    advance_clock(&sim, 2);
    let r = sim.get("/api/v4/user").bearer(&access).send();
    r.expect(401, expired_body());
    assert_eq!(
        r.header("www-authenticate"),
        Some("Bearer realm=\"Protected by OAuth 2.0\", error=\"invalid_token\", error_description=\"Token is expired. You can either do re-authorization or token refresh.\"")
    );
}

#[test]
fn personal_token_self_routes_refuse_oauth_tokens() {
    let sim = start_oauth();
    let (access, _) = tokens_for(&sim, "maint", "api read_user");
    let not_pat = json!({"message": "400 Bad request - This endpoint requires token type to be a personal access token"});
    sim.get("/api/v4/personal_access_tokens/self")
        .bearer(&access)
        .send()
        .expect(400, not_pat.clone());
    sim.delete("/api/v4/personal_access_tokens/self")
        .bearer(&access)
        .send()
        .expect(400, not_pat);
    sim.post("/api/v4/personal_access_tokens/self/rotate")
        .bearer(&access)
        .send()
        .expect(405, json!({"message": "405 Method Not Allowed"}));
    sim.post("/api/v4/projects/100/access_tokens/self/rotate")
        .bearer(&access)
        .send()
        .expect(405, json!({"message": "405 Method Not Allowed"}));
    // Scopes are checked first.
    let (read_user, _) = tokens_for(&sim, "maint", "read_user");
    sim.post("/api/v4/personal_access_tokens/self/rotate")
        .bearer(&read_user)
        .send()
        .expect(403, scope_body("api self_rotate"));
    // The token is untouched and still works.
    assert_eq!(sim.get("/api/v4/user").bearer(&access).send().status, 200);
}

#[test]
fn oauth_tokens_are_not_personal_access_tokens() {
    let sim = start_oauth();
    let before = sim
        .get("/api/v4/personal_access_tokens?per_page=100")
        .token(ROOT)
        .send()
        .json();
    let (access, _) = tokens_for(&sim, "maint", "api");
    sim.get("/api/v4/user").bearer(&access).send();
    let after = sim
        .get("/api/v4/personal_access_tokens?per_page=100")
        .token(ROOT)
        .send()
        .json();
    assert_eq!(ids(&before), ids(&after));
    let own = sim
        .get("/api/v4/personal_access_tokens")
        .bearer(&access)
        .send()
        .json();
    assert_eq!(names(&own), vec!["t"]);
    // Personal tokens keep working as bearer tokens.
    assert_eq!(
        sim.get("/api/v4/user").bearer(MAINT).send().json()["username"],
        "maint"
    );
}

#[test]
fn cors_follows_gitlabs_oauth_rules() {
    let sim = start_oauth();
    let with_origin = |r: Req| r.origin().send();
    let code = code_for(&sim, "maint", &[]);
    let r = with_origin(sim.post("/oauth/token").form(&encode(&[
        ("client_id", APP),
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ])));
    assert_eq!(r.status, 200);
    let access = r.json()["access_token"].as_str().unwrap().to_owned();
    for r in [
        r,
        with_origin(sim.post("/oauth/token").form("grant_type=nope")),
        with_origin(sim.post("/oauth/revoke").form("token=x")),
    ] {
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("*"),
            "{}",
            r.body
        );
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("POST, OPTIONS")
        );
        assert_eq!(r.header("access-control-expose-headers"), Some(""));
        assert_eq!(r.header("access-control-max-age"), Some("7200"));
        assert_eq!(r.header("vary"), Some("Origin"));
        assert!(r.header("access-control-allow-credentials").is_none());
    }
    let info = with_origin(sim.get("/oauth/token/info").bearer(&access));
    assert_eq!(info.status, 200);
    assert_eq!(info.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        info.header("access-control-allow-methods"),
        Some("GET, HEAD, OPTIONS")
    );

    let preflight = |path: &str, method: &str, headers: &str| {
        sim.req("OPTIONS", path)
            .origin()
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", headers)
            .send()
    };
    let ok = preflight("/oauth/token", "POST", "content-type, authorization");
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        ok.header("access-control-allow-headers"),
        Some("content-type, authorization")
    );
    assert!(
        ok.header("vary").is_none(),
        "rack-cors answers preflights itself"
    );
    let ok = preflight("/oauth/token/info", "GET", "authorization");
    assert_eq!(
        ok.header("access-control-allow-methods"),
        Some("GET, HEAD, OPTIONS")
    );
    // Refused preflights are a bare 200 without CORS headers.
    for (path, method, headers) in [
        ("/oauth/token", "POST", "x-custom"),
        ("/oauth/token", "DELETE", "content-type"),
        ("/oauth/revoke", "GET", "authorization"),
        ("/oauth/token/info", "POST", "authorization"),
        ("/oauth/token/info", "GET", "x-csrf-token"),
        ("/oauth/authorize", "GET", "content-type"),
    ] {
        let r = preflight(path, method, headers);
        assert_eq!(r.status, 200, "{path} {method} {headers}");
        assert!(
            r.header("access-control-allow-origin").is_none(),
            "{path} {method} {headers}"
        );
    }
    // The authorization page is a navigation: no CORS at all.
    let page = with_origin(sim.get(&authorize_url(&[])));
    assert!(page.header("access-control-allow-origin").is_none());
    assert!(page.header("vary").is_none());
}

#[test]
fn unknown_oauth_paths_and_methods_are_not_found() {
    let sim = start_oauth();
    assert_eq!(sim.get("/oauth/token").send().status, 404);
    assert_eq!(sim.get("/oauth/nothing").send().status, 404);
    assert_eq!(sim.req("PUT", "/oauth/authorize").send().status, 404);
}
