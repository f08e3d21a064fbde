//! Transport-level behaviour: CORS, unknown routes and methods, body parsing, HEAD.

mod common;

use common::*;
use serde_json::json;

const EXPOSED: &str = "Link, X-Total, X-Total-Pages, X-Per-Page, X-Page, X-Next-Page, \
X-Prev-Page, X-Gitlab-Blob-Id, X-Gitlab-Commit-Id, X-Gitlab-Content-Sha256, X-Gitlab-Encoding, \
X-Gitlab-File-Name, X-Gitlab-File-Path, X-Gitlab-Last-Commit-Id, X-Gitlab-Ref, X-Gitlab-Size, \
X-Request-Id, ETag";

fn assert_cors(r: &Resp) {
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        r.header("access-control-allow-methods"),
        Some("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
    );
    assert_eq!(r.header("access-control-expose-headers"), Some(EXPOSED));
    assert_eq!(r.header("access-control-max-age"), Some("7200"));
    assert!(r.header("access-control-allow-credentials").is_none());
}

#[test]
fn preflight_allows_any_method_and_echoes_requested_headers() {
    let sim = start();
    let r = sim
        .req("OPTIONS", "/api/v4/projects/100/access_tokens/12/rotate")
        .origin()
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "private-token, content-type",
        )
        .send();
    assert_eq!(r.status, 200);
    assert_cors(&r);
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("private-token, content-type")
    );
    assert!(r.body.is_empty());
}

#[test]
fn cors_and_exposed_headers_on_success_and_error() {
    let sim = start();
    let ok = sim.get("/api/v4/projects").origin().send();
    assert_eq!(ok.status, 200);
    assert_cors(&ok);
    assert_eq!(ok.header("vary"), Some("Origin"));
    assert!(ok.header("x-total").is_some());
    let error = sim.get("/api/v4/user").origin().send();
    assert_eq!(error.status, 401);
    assert_cors(&error);
    let scope = sim
        .post("/api/v4/projects/100/access_tokens")
        .token(READER)
        .origin()
        .json(json!({}))
        .send();
    assert_eq!(scope.status, 403);
    assert_cors(&scope);
    let unknown = sim.get("/api/v4/unknown").origin().send();
    assert_eq!(unknown.status, 404);
    assert_cors(&unknown);
}

#[test]
fn without_origin_only_vary_is_added() {
    let sim = start();
    let r = sim.get("/api/v4/projects").send();
    assert!(r.header("access-control-allow-origin").is_none());
    assert_eq!(r.header("vary"), Some("Origin"));
    // Outside /api there is no CORS at all.
    let page = sim.get("/some/page").origin().send();
    assert_eq!(page.status, 404);
    assert!(page.header("access-control-allow-origin").is_none());
}

#[test]
fn unknown_routes_and_methods_hit_the_catch_all() {
    let sim = start();
    let catch_all = json!({"error": "404 Not Found"});
    sim.get("/api/v4/nothing/here")
        .send()
        .expect(404, catch_all.clone());
    sim.req("PUT", "/api/v4/projects")
        .send()
        .expect(404, catch_all.clone());
    sim.delete("/api/v4/projects/100")
        .token(ROOT)
        .send()
        .expect(404, catch_all.clone());
    sim.get("/api/v4/projects/100/access_tokens/12/rotate")
        .token(ROOT)
        .send()
        .expect(404, catch_all);
    sim.get("/api/v3/projects").send().expect(
        410,
        json!({"error": "API V3 is no longer supported. Use API V4 instead."}),
    );
}

#[test]
fn plain_options_lists_allowed_methods() {
    let sim = start();
    let r = sim
        .req("OPTIONS", "/api/v4/projects/100/access_tokens")
        .send();
    assert_eq!(r.status, 204);
    assert_eq!(r.header("allow"), Some("OPTIONS, GET, HEAD, POST"));
}

#[test]
fn head_is_served_like_get_without_a_body() {
    let sim = start();
    let r = sim.req("HEAD", "/api/v4/projects").send();
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert_eq!(r.header("x-total"), Some("1"));
}

#[test]
fn malformed_json_and_unknown_content_types_are_refused_before_auth() {
    let sim = start();
    sim.post("/api/v4/projects/100/access_tokens")
        .raw("application/json", "{not json")
        .send()
        .expect(
            400,
            json!({"error": "\nProblem:\n  message body does not match declared format\nResolution:\n  when specifying application/json as content-type, you must pass valid application/json in the request's 'body' "}),
        );
    sim.post("/api/v4/projects/100/access_tokens")
        .raw("text/plain", "name=x")
        .send()
        .expect(
            415,
            json!({"error": "The provided content-type 'text/plain' is not supported."}),
        );
}

#[test]
fn query_parameters_count_for_posts_too() {
    let sim = start();
    let r = sim
        .post("/api/v4/projects/100/access_tokens?name=q&scopes[]=read_api")
        .token(MAINT)
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["scopes"], json!(["read_api"]));
}
