//! The only place that touches the network. A trait so browser tests can swap in canned
//! responses; the real one is a thin layer over `fetch` (gloo-net).

use domain::request::Method;
use domain::secret::Zeroize;
use std::future::Future;
use std::pin::Pin;

pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Response headers the app reads: the pagination set GitLab exposes through CORS.
pub const READ_HEADERS: [&str; 7] = [
    "link",
    "x-page",
    "x-per-page",
    "x-next-page",
    "x-prev-page",
    "x-total",
    "x-total-pages",
];

/// How a request proves who sends it.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    /// OAuth's own endpoints, and the site's `config.json`.
    None,
    /// A personal access token, as `PRIVATE-TOKEN`.
    PrivateToken(&'a str),
    /// An OAuth access token, as `Authorization: Bearer`.
    Bearer(&'a str),
}

/// A request body and its media type.
pub enum Body {
    Json(String),
    /// `application/x-www-form-urlencoded`, as OAuth's token endpoint takes it.
    Form(String),
}

pub struct RawRequest<'a> {
    pub method: Method,
    pub url: String,
    pub auth: Auth<'a>,
    pub body: Option<Body>,
}

pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

pub trait Transport {
    /// `Err` carries the browser's description of a failure without a response (network, CORS).
    fn send<'a>(&'a self, req: RawRequest<'a>) -> LocalFuture<'a, Result<RawResponse, String>>;
}

/// `fetch` without cookies, caching or redirects: GitLab's CORS rules allow no credentials,
/// token lists must never come from a stale cache, and the token must not follow a redirect.
pub struct BrowserTransport;

impl Transport for BrowserTransport {
    fn send<'a>(&'a self, req: RawRequest<'a>) -> LocalFuture<'a, Result<RawResponse, String>> {
        Box::pin(async move {
            use gloo_net::http::{Method as M, RequestBuilder};
            let method = match req.method {
                Method::Get => M::GET,
                Method::Post => M::POST,
                Method::Put => M::PUT,
                Method::Delete => M::DELETE,
            };
            let builder = RequestBuilder::new(&req.url)
                .method(method)
                .credentials(web_sys::RequestCredentials::Omit)
                .cache(web_sys::RequestCache::NoStore)
                // A redirect would carry PRIVATE-TOKEN to wherever it points: GitLab's API
                // never redirects, so one is treated as a failure.
                .redirect(web_sys::RequestRedirect::Error);
            let mut bearer = String::new();
            let builder = match req.auth {
                Auth::None => builder,
                Auth::PrivateToken(token) => builder.header("PRIVATE-TOKEN", token),
                Auth::Bearer(token) => {
                    bearer = format!("Bearer {token}");
                    builder.header("Authorization", &bearer)
                }
            };
            bearer.zeroize();
            let request = match req.body {
                Some(body) => {
                    let (kind, mut text) = match body {
                        Body::Json(t) => ("application/json", t),
                        Body::Form(t) => ("application/x-www-form-urlencoded", t),
                    };
                    // The browser gets its own copy; ours may hold a secret and is wiped.
                    let built = builder
                        .header("Content-Type", kind)
                        .body(wasm_bindgen::JsValue::from_str(&text));
                    text.zeroize();
                    built
                }
                None => builder.build(),
            }
            .map_err(|e| e.to_string())?;
            let response = request.send().await.map_err(|e| e.to_string())?;
            let headers = response.headers();
            let headers = READ_HEADERS
                .iter()
                .filter_map(|name| headers.get(name).map(|v| (*name, v)))
                .collect();
            let status = response.status();
            let body = response.text().await.map_err(|e| e.to_string())?;
            Ok(RawResponse {
                status,
                headers,
                body,
            })
        })
    }
}
