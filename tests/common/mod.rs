//! Shared pieces of the browser tests: a fake GitLab behind the app's `Transport` seam, JSON
//! fixtures dated relative to today's UTC date, DOM helpers that act like a user (events bubble,
//! as the browser's do), and `settle`, which flushes Yew and yields to the event loop a bounded
//! number of times instead of sleeping.

#![allow(dead_code)] // each test binary uses its own subset

use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use tokenwarden::transport::{Auth, Body, LocalFuture, RawRequest, RawResponse, Transport};
use tokenwarden::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::AppHandle;

pub const GITLAB: &str = "https://gitlab.example.com";
/// The user's credential in every test; it must never show up anywhere but in requests.
pub const TOKEN: &str = "glpat-UserCredential-7f3kQ9";
pub const USER_ID: u64 = 5;
pub const PROJECT_ID: u64 = 7;

// ---- the fake GitLab ----------------------------------------------------------------------

/// One request as the app handed it to the transport.
#[derive(Clone, Debug)]
pub struct Sent {
    pub method: &'static str,
    pub url: String,
    /// The URL's path, without scheme, host or query: `/api/v4/user`.
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Requests already sent and not yet answered when this one went out.
    pub alongside: usize,
}

impl Sent {
    /// Fails unless the request carries the user's credential in `PRIVATE-TOKEN`; the message
    /// does not print it (the runner keeps failure messages in the page).
    pub fn assert_signed(&self) {
        assert!(
            self.header("PRIVATE-TOKEN") == Some(TOKEN),
            "{} {} must carry the user's token in PRIVATE-TOKEN",
            self.method,
            self.path
        );
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(self.body.as_deref().expect("request has a body"))
            .expect("request body is JSON")
    }
}

struct Canned {
    status: u16,
    body: String,
    headers: Vec<(&'static str, String)>,
}

/// Canned answers keyed by method + path (query ignored); records every request. Unknown
/// routes answer 404 like GitLab does.
#[derive(Default)]
pub struct FakeGitLab {
    routes: RefCell<HashMap<(String, String), Canned>>,
    log: RefCell<Vec<Sent>>,
    /// Milliseconds before each answer (0: at once), as a network would take.
    delay_ms: Cell<i32>,
    in_flight: Cell<usize>,
}

/// The site's own files are asked for by relative URL (`config.json`); their "path" is that.
pub const SITE_FILE: &str = "config.json";

fn split_url(url: &str) -> (String, String) {
    let Some((_, after_scheme)) = url.split_once("://") else {
        return (url.to_string(), String::new());
    };
    let path_and_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    match path_and_query.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (path_and_query.to_string(), String::new()),
    }
}

impl FakeGitLab {
    pub fn new() -> Rc<Self> {
        Rc::new(FakeGitLab::default())
    }

    /// Answers `method path` with `status` and `body` from now on (replacing any earlier answer);
    /// status 0 fails the request as the network would.
    pub fn on(&self, method: &str, path: &str, status: u16, body: Value) {
        let body = if body.is_null() {
            String::new()
        } else {
            body.to_string()
        };
        self.routes.borrow_mut().insert(
            (method.to_string(), path.to_string()),
            Canned {
                status,
                body,
                headers: Vec::new(),
            },
        );
    }

    /// Every request to GitLab (the site's own `config.json` is not one).
    /// Like [`on`](Self::on), with response headers (pagination).
    pub fn on_with_headers(
        &self,
        method: &str,
        path: &str,
        body: Value,
        headers: &[(&'static str, &str)],
    ) {
        self.routes.borrow_mut().insert(
            (method.to_string(), path.to_string()),
            Canned {
                status: 200,
                body: body.to_string(),
                headers: headers.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            },
        );
    }

    /// Every answer from now on comes `ms` milliseconds after its request.
    pub fn answer_after(&self, ms: i32) {
        self.delay_ms.set(ms);
    }

    pub fn requests(&self) -> Vec<Sent> {
        self.log
            .borrow()
            .iter()
            .filter(|s| s.path != SITE_FILE)
            .cloned()
            .collect()
    }

    pub fn sent(&self, method: &str, path: &str) -> Vec<Sent> {
        self.log
            .borrow()
            .iter()
            .filter(|s| s.method == method && s.path == path)
            .cloned()
            .collect()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.sent(method, path).len()
    }

    pub fn count_method(&self, method: &str) -> usize {
        self.requests()
            .iter()
            .filter(|s| s.method == method)
            .count()
    }
}

impl Transport for FakeGitLab {
    fn send<'a>(&'a self, req: RawRequest<'a>) -> LocalFuture<'a, Result<RawResponse, String>> {
        let method = req.method.as_str();
        let (path, query) = split_url(&req.url);
        let alongside = self.in_flight.get();
        self.log.borrow_mut().push(Sent {
            alongside,
            method,
            url: req.url.clone(),
            path: path.clone(),
            query,
            headers: match req.auth {
                Auth::None => Vec::new(),
                Auth::PrivateToken(t) => vec![("PRIVATE-TOKEN".to_string(), t.to_string())],
                Auth::Bearer(t) => vec![("Authorization".to_string(), format!("Bearer {t}"))],
            },
            body: match &req.body {
                Some(Body::Json(b)) | Some(Body::Form(b)) => Some(b.clone()),
                None => None,
            },
        });
        let routes = self.routes.borrow();
        let response = match routes.get(&(method.to_string(), path)) {
            // Status 0: no answer at all (a dropped connection, a proxy's page without CORS).
            Some(c) if c.status == 0 => return Box::pin(async { Err("Failed to fetch".into()) }),
            Some(c) => RawResponse {
                status: c.status,
                headers: c.headers.clone(),
                body: c.body.clone(),
            },
            None => RawResponse {
                status: 404,
                headers: Vec::new(),
                body: r#"{"message":"404 Not Found"}"#.to_string(),
            },
        };
        let delay = self.delay_ms.get();
        if delay == 0 {
            return Box::pin(async move { Ok(response) });
        }
        self.in_flight.set(alongside + 1);
        Box::pin(async move {
            sleep_ms(delay).await;
            self.in_flight.set(self.in_flight.get().saturating_sub(1));
            Ok(response)
        })
    }
}

// ---- fixtures -------------------------------------------------------------------------------

pub fn api(path: &str) -> String {
    format!("/api/v4{path}")
}

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// `YYYY-MM-DD`, `days` from today (UTC); negative is in the past.
pub fn day(days: i64) -> String {
    (today() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

pub fn user() -> Value {
    json!({
        "id": USER_ID, "username": "ada", "name": "Ada Lovelace", "state": "active",
        "avatar_url": null, "web_url": format!("{GITLAB}/ada"), "bot": false
    })
}

pub fn token_self(scopes: &[&str]) -> Value {
    json!({
        "id": 900, "name": "tokenwarden", "revoked": false, "active": true, "scopes": scopes,
        "expires_at": day(200), "created_at": "2025-01-01T10:00:00.000Z", "last_used_at": null, "user_id": USER_ID
    })
}

pub fn project() -> Value {
    json!({
        "id": PROJECT_ID, "name": "Engine", "name_with_namespace": "Analytical / Engine",
        "path": "engine", "path_with_namespace": "analytical/engine", "description": "The difference engine",
        "web_url": format!("{GITLAB}/analytical/engine"),
        "http_url_to_repo": format!("{GITLAB}/analytical/engine.git"),
        "last_activity_at": "2025-01-02T10:00:00.000Z"
    })
}

pub fn member(level: u8) -> Value {
    json!({ "id": USER_ID, "username": "ada", "name": "Ada Lovelace", "state": "active", "access_level": level })
}

/// A project access token as GitLab lists it. `expires_in` counts days from today (UTC).
pub fn access_token(id: u64, name: &str, expires_in: i64, active: bool, revoked: bool) -> Value {
    json!({
        "id": id, "name": name, "description": "", "revoked": revoked, "active": active,
        "scopes": ["read_repository"], "access_level": 30, "user_id": 100 + id,
        "created_at": "2025-01-01T10:00:00.000Z", "last_used_at": null,
        "expires_at": day(expires_in)
    })
}

/// A token as GitLab lists it right after it was made (created now).
pub fn fresh_token(id: u64, name: &str) -> Value {
    let mut row = access_token(id, name, 30, true, false);
    row["created_at"] = json!(chrono::Utc::now().to_rfc3339());
    row
}

/// What create and rotate answer: the token with its one-time secret.
pub fn created_token(id: u64, name: &str, secret: &str, expires_at: &str) -> Value {
    json!({
        "id": id, "name": name, "description": "", "revoked": false, "active": true,
        "scopes": ["api", "read_repository"], "access_level": 40, "user_id": 100 + id,
        "created_at": "2025-01-01T10:00:00.000Z", "last_used_at": null,
        "expires_at": expires_at, "token": secret
    })
}

pub fn tokens_path() -> String {
    api(&format!("/projects/{PROJECT_ID}/access_tokens"))
}

/// A GitLab where the user is signed in with an `api` token and is a Maintainer of project 7,
/// which has one active token ("deploy", 45 days left).
pub fn maintainer_gitlab() -> Rc<FakeGitLab> {
    let fake = FakeGitLab::new();
    fake.on("GET", &api("/user"), 200, user());
    fake.on(
        "GET",
        &api("/personal_access_tokens/self"),
        200,
        token_self(&["api"]),
    );
    fake.on(
        "GET",
        &api("/version"),
        200,
        json!({ "version": "17.9.1-ee" }),
    );
    fake.on("GET", &api("/projects"), 200, json!([project()]));
    fake.on(
        "GET",
        &api(&format!("/projects/{PROJECT_ID}")),
        200,
        project(),
    );
    fake.on(
        "GET",
        &api(&format!("/projects/{PROJECT_ID}/members/all/{USER_ID}")),
        200,
        member(40),
    );
    fake.on(
        "GET",
        &tokens_path(),
        200,
        json!([access_token(11, "deploy", 45, true, false)]),
    );
    fake
}

// ---- mounting -------------------------------------------------------------------------------

/// The app in a fresh `<div>` on `<body>`; unmounted and removed on drop.
pub struct Mounted {
    pub root: Element,
    pub fake: Rc<FakeGitLab>,
    handle: Option<AppHandle<App>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        self.root.remove();
    }
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// The app's route as the address bar shows it, e.g. `#/projects/7`.
pub fn current_hash() -> String {
    web_sys::window().unwrap().location().hash().unwrap()
}

fn set_hash(path: &str) {
    web_sys::window()
        .unwrap()
        .location()
        .set_hash(path)
        .unwrap();
}

pub fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

pub fn session_storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

/// The address bar's query, as GitLab's redirect back would set it (no navigation).
pub fn set_search(search: &str) {
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    let hash = window.location().hash().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{search}{hash}")),
        )
        .unwrap();
}

const ROOT_MARK: &str = "data-test-root";

/// Mounts the app with `fake` as the network and the router at `start`.
pub async fn mount(fake: Rc<FakeGitLab>, start: &str) -> Mounted {
    // Each test starts as a first visit: nothing remembered from an earlier one.
    local_storage().clear().unwrap();
    // A test that failed could not unmount; its leftovers must not confuse this one.
    let leftovers = document()
        .query_selector_all(&format!("[{ROOT_MARK}]"))
        .unwrap();
    for i in 0..leftovers.length() {
        if let Some(el) = leftovers.get(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            el.remove();
        }
    }
    let root = document().create_element("div").unwrap();
    root.set_attribute(ROOT_MARK, "").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    // Routes live in the URL fragment; the test page's own fragment is the app's address bar.
    set_hash(start);
    let props = AppProps {
        transport: tokenwarden::context::TransportHandle(fake.clone()),
        parts: tokenwarden::app::Parts::full(),
    };
    let handle = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    let m = Mounted {
        root,
        fake,
        handle: Some(handle),
    };
    settle().await;
    m
}

/// Mounts the app and signs in with [`TOKEN`] on [`GITLAB`].
pub async fn mount_signed_in(fake: Rc<FakeGitLab>, start: &str) -> Mounted {
    let m = mount(fake, start).await;
    m.sign_in(GITLAB, TOKEN).await;
    m.wait_for("the header to say who is signed in", |m| {
        m.find("whoami").is_some()
    })
    .await;
    m
}

impl Mounted {
    pub fn find(&self, testid: &str) -> Option<Element> {
        self.root
            .query_selector(&format!("[data-testid=\"{testid}\"]"))
            .unwrap()
    }

    /// The element with `data-testid`, or a failure naming it.
    pub fn get(&self, testid: &str) -> Element {
        self.find(testid)
            .unwrap_or_else(|| panic!("no element with data-testid={testid:?}"))
    }

    pub fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.get(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect()
    }

    pub fn all_testid(&self, testid: &str) -> Vec<Element> {
        self.all(&format!("[data-testid=\"{testid}\"]"))
    }

    pub fn by_id(&self, id: &str) -> Element {
        self.root
            .query_selector(&format!("#{id}"))
            .unwrap()
            .unwrap_or_else(|| panic!("no element with id={id:?}"))
    }

    pub fn text(&self, testid: &str) -> String {
        text(&self.get(testid))
    }

    pub async fn sign_in(&self, url: &str, token: &str) {
        type_into(&self.get("connect-url"), url);
        type_into(&self.get("connect-token"), token);
        click(&self.get("connect-submit"));
        settle().await;
    }

    /// Flushes and yields until `cond` holds; fails after a bounded number of event-loop turns.
    pub async fn wait_for(&self, what: &str, cond: impl Fn(&Self) -> bool) {
        for _ in 0..MAX_TURNS {
            yew::scheduler::flush().await;
            if cond(self) {
                return;
            }
            next_turn().await;
        }
        panic!(
            "gave up waiting for {what}; the page shows: {}",
            text(&self.root)
        );
    }

    /// Navigates within the app, as a link or the address bar would.
    pub async fn go(&self, path: &str) {
        set_hash(path);
        settle().await;
    }
}

/// Real time passing, for what the page itself times (a retry's wait).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

impl Mounted {
    /// Waits in real time, up to `ms`, until `cond` holds.
    pub async fn wait_ms(&self, what: &str, ms: i32, cond: impl Fn(&Self) -> bool) {
        for _ in 0..(ms / 20).max(1) {
            yew::scheduler::flush().await;
            if cond(self) {
                return;
            }
            sleep_ms(20).await;
        }
        panic!(
            "gave up waiting {ms} ms for {what}; the page shows: {}",
            text(&self.root)
        );
    }
}

// ---- waiting without sleeping ------------------------------------------------------------

const MAX_TURNS: usize = 100;

/// One turn of the event loop: resolves from a zero-delay timer, after every queued microtask
/// (Yew's scheduler, `spawn_local` futures) has run.
pub async fn next_turn() {
    sleep_ms(0).await;
}

/// Flushes Yew and yields to the event loop until the page stops changing (two turns in a row
/// with the same markup), a bounded number of times. The fake network answers at once, so every
/// chain of requests and renders started by an action ends within a few turns.
pub async fn settle() {
    let body = document().body().unwrap();
    let mut last = String::new();
    let mut stable = 0;
    for _ in 0..MAX_TURNS {
        yew::scheduler::flush().await;
        next_turn().await;
        yew::scheduler::flush().await;
        let now = body.inner_html();
        if now == last {
            stable += 1;
            if stable == 2 {
                return;
            }
        } else {
            stable = 0;
            last = now;
        }
    }
    panic!("the page kept changing for {MAX_TURNS} turns");
}

// ---- acting like a user --------------------------------------------------------------------

pub fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

fn fire(target: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

/// Sets a text field's value and fires a bubbling `input` event, as typing does.
pub fn type_into(el: &Element, value: &str) {
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else {
        let area: &web_sys::HtmlTextAreaElement = el.dyn_ref().expect("an <input> or <textarea>");
        area.set_value(value);
    }
    fire(el, "input");
}

/// Picks an option of a `<select>` by value and fires `change`.
pub fn select(el: &Element, value: &str) {
    let select: &HtmlSelectElement = el.dyn_ref().expect("a <select>");
    select.set_value(value);
    fire(el, "change");
}

/// Ticks or unticks a checkbox (or picks a radio) and fires `change` when the state changes.
pub fn set_checked(el: &Element, checked: bool) {
    let input: &HtmlInputElement = el.dyn_ref().expect("an <input>");
    if input.checked() != checked {
        input.set_checked(checked);
        fire(el, "input");
        fire(el, "change");
    }
}

/// A real click: disabled buttons ignore it, submit buttons submit their form.
pub fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>()
        .expect("an HTML element")
        .click();
}

pub fn press_key(el: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

pub fn value(el: &Element) -> String {
    el.dyn_ref::<HtmlInputElement>()
        .expect("an <input>")
        .value()
}

/// Disabled natively, or refused with a reason (`aria-disabled`, still focusable).
pub fn is_disabled(el: &Element) -> bool {
    el.has_attribute("disabled") || el.get_attribute("aria-disabled").as_deref() == Some("true")
}

/// The markup of everything in `<body>` but the test runner's own log elements (a failed
/// assertion of an earlier test may have printed a secret there).
pub fn page_markup() -> String {
    let page = document()
        .query_selector_all("body > :not(#output):not(#console_output)")
        .unwrap();
    (0..page.length())
        .filter_map(|i| page.get(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .map(|el| el.outer_html())
        .collect()
}

/// Where on the page `secret` can be found: its markup, and the value of every field.
pub fn page_contains(secret: &str) -> Vec<String> {
    let mut found = Vec::new();
    if page_markup().contains(secret) {
        found.push("page markup".to_string());
    }
    let body = document().body().unwrap();
    let inputs = body.query_selector_all("input, textarea").unwrap();
    for i in 0..inputs.length() {
        let node = inputs.get(i).unwrap();
        let v = if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
            input.value()
        } else {
            node.dyn_ref::<web_sys::HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default()
        };
        if v.contains(secret) {
            let id = node
                .dyn_ref::<Element>()
                .map(|e| e.id())
                .unwrap_or_default();
            found.push(format!("value of input #{id}"));
        }
    }
    found
}

/// Whether `secret` reached the console (the test runner collects it in the page).
pub fn logged(secret: &str) -> bool {
    ["output", "console_output"].iter().any(|id| {
        document()
            .get_element_by_id(id)
            .is_some_and(|el| text(&el).contains(secret))
    })
}

/// Fails unless the field holds `secret`, without printing it.
pub fn assert_holds(el: &Element, secret: &str) {
    assert!(
        value(el) == secret,
        "#{} does not hold the expected secret",
        el.id()
    );
}
