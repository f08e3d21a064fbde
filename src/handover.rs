//! The page comes in two modules. The first visit loads only the sign-in (`src/main.rs`); the
//! rest of the page (`src/bin/app.rs`) is fetched while the user signs in, and takes over once
//! the credential checks out. The sign-in hands it the address and credential and then drops its
//! own copy; the rest of the page checks the credential again, as after a reload of a tab that
//! kept its session.

use crate::client::Credential;
use crate::context::AppCtx;
use crate::keep;
use domain::secret::Zeroize;
use domain::GitLabUrl;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use yew::platform::spawn_local;
use yew::prelude::*;

/// Where the build put the rest of the page (`<meta name="tokenwarden-app">`, written by the
/// build's post-build step).
const APP_META: &str = "meta[name=\"tokenwarden-app\"]";

// Dynamic `import()` is JavaScript only. A failed import is remembered by the browser, so a
// retry asks for the module under a fresh query.
#[wasm_bindgen(inline_js = r#"
let app = null;
let tries = 0;
export function prepare(url) {
  if (!app) {
    const href = new URL(url, document.baseURI);
    if (tries++ > 0) href.searchParams.set('try', String(tries));
    app = import(href.href).then(async (m) => { await m.default(); return m; });
    app.catch(() => { app = null; });
  }
  return app;
}
export function preload(url) {
  // A failure here is said at hand-over, which tries again.
  try { prepare(url).catch(() => {}); } catch {}
}
export async function launch(url, handover) {
  const m = await prepare(url);
  m.start(handover);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = preload)]
    fn start_loading(url: &str);
    fn launch(url: &str, handover: &str) -> js_sys::Promise;
}

fn app_url() -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector(APP_META)
        .ok()??
        .get_attribute("content")
}

/// Starts fetching the rest of the page early, so it is there by the time the user has signed
/// in. A failure here is tried again, and reported, at hand-over.
pub fn preload() {
    if let Some(url) = app_url() {
        start_loading(&url);
    }
}

thread_local! {
    /// The sign-in's root, removed once the rest of the page has taken over.
    static SIGN_IN: RefCell<Option<(yew::AppHandle<crate::App>, web_sys::Element)>> =
        const { RefCell::new(None) };
    /// What the sign-in handed to the rest of the page, until its sign-in picks it up.
    static HANDED: RefCell<Option<(GitLabUrl, Credential, bool)>> = const { RefCell::new(None) };
}

pub(crate) fn keep_sign_in(handle: yew::AppHandle<crate::App>, root: web_sys::Element) {
    SIGN_IN.with(|s| *s.borrow_mut() = Some((handle, root)));
}

/// The rest of the page's side: stores what the sign-in sent. The text holds the credential
/// and is wiped here.
pub fn receive(mut text: String) -> bool {
    let keep_tab = text.starts_with('1');
    let parsed = text.get(1..).and_then(keep::from_json);
    text.zeroize();
    match parsed {
        Some((gitlab, credential)) => {
            HANDED.with(|h| *h.borrow_mut() = Some((gitlab, credential, keep_tab)));
            true
        }
        None => false,
    }
}

/// The hand-over, taken once by the sign-in page of the rest of the page.
pub fn take() -> Option<(GitLabUrl, Credential, bool)> {
    HANDED.with(|h| h.borrow_mut().take())
}

/// The sign-in module's page once signed in: fetches the rest of the page (if the preload has
/// not already) and hands the session over.
#[component]
pub fn Opening() -> Html {
    let ctx = use_context::<AppCtx>();
    let failed = use_state(|| None::<String>);
    let attempt = use_state(|| 0u32);
    {
        let failed = failed.clone();
        let session = ctx.as_ref().and_then(|c| c.session.clone());
        use_effect_with(*attempt, move |_| {
            let (Some(session), Some(url)) = (session, app_url()) else {
                failed.set(Some(
                    "This copy of tokenwarden is incomplete: the page that manages tokens is missing from the site.".into(),
                ));
                return;
            };
            // "1" or "0" (stay signed in in this tab), then the credential.
            let mut text = String::with_capacity(512);
            text.push(if session.keep { '1' } else { '0' });
            let mut json = keep::to_json(&session.client);
            text.push_str(&json);
            json.zeroize();
            drop(session);
            // The text is copied into JavaScript here; the module's copy is wiped at once.
            let handed = wasm_bindgen_futures::JsFuture::from(launch(&url, &text));
            text.zeroize();
            spawn_local(async move {
                match handed.await {
                    Ok(_) => retire(),
                    Err(_) => failed.set(Some(
                        "The rest of tokenwarden could not be loaded. Check the connection and try again: you are still signed in. If the site was just updated, reload the page.".into(),
                    )),
                }
            });
        });
    }
    match &*failed {
        None => html! {
            <section class="page" aria-busy="true">
                <p role="status" data-testid="opening">{ "Opening tokenwarden…" }</p>
            </section>
        },
        Some(message) => {
            let onclick = {
                let (failed, attempt) = (failed.clone(), attempt.clone());
                Callback::from(move |_: MouseEvent| {
                    failed.set(None);
                    attempt.set(*attempt + 1);
                })
            };
            html! {
                <section class="page">
                    <div class="banner banner-error" role="alert" data-testid="opening-failed">{ message.clone() }</div>
                    <button type="button" class="btn btn-primary" data-testid="opening-retry" {onclick}>{ "Try again" }</button>
                </section>
            }
        }
    }
}

/// The sign-in steps aside: its app (and with it the session and credential it held) is
/// dropped, and its root leaves the page.
fn retire() {
    if let Some((handle, root)) = SIGN_IN.with(|s| s.borrow_mut().take()) {
        handle.destroy();
        root.remove();
    }
}
