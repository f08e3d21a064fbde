//! One client sends every GitLab request built by `domain::request` and decodes the answer
//! through `domain::error`, so pages only see typed results.

use crate::transport::{Auth, Body, RawRequest, RawResponse, Transport};
use domain::error::{check, decode};
use domain::json::FromJson;
use domain::kind::Owner;
use domain::models::{self, CreatedToken};
use domain::request::{self, Method};
use domain::secret::Zeroize;
use domain::{oauth, retry};
use domain::{ApiError, ApiRequest, GitLabUrl, Kind, PageInfo, Secret};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::Callback;

/// Lists longer than this many pages are cut off rather than fetched forever.
const MAX_PAGES: u32 = 50;

/// Told GitLab's reason when the credential itself stops working mid-session.
pub type SessionEndHook = Rc<RefCell<Option<Callback<String>>>>;

/// Reads waiting to ask GitLab again: what the page says (None once none waits), and how to
/// stop them.
#[derive(Default)]
struct Retries {
    hook: RefCell<Option<Callback<Option<String>>>>,
    /// How many reads are waiting now.
    waiting: Cell<u32>,
    /// Bumped by "Cancel": every wait that began before gives up.
    cancelled: Cell<u32>,
}

/// An OAuth sign-in: the access token GitLab lends for two hours, and what renews it.
pub struct Grant {
    pub access: Secret,
    pub refresh: Option<Secret>,
    /// When `access` dies, in the page's clock (ms since the epoch).
    pub expires_at_ms: f64,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Grant([REDACTED])")
    }
}

impl Grant {
    pub fn from_tokens(tokens: oauth::Tokens, client_id: &str, redirect_uri: &str) -> Grant {
        Grant {
            expires_at_ms: oauth::expires_at(js_sys::Date::now(), tokens.expires_in),
            access: tokens.access,
            refresh: tokens.refresh,
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            scope: tokens.scope,
        }
    }
}

/// Sends a form to GitLab's OAuth endpoint `/oauth/{path}`, which takes no API credential.
pub async fn oauth_post(
    transport: &dyn Transport,
    gitlab: &GitLabUrl,
    path: &str,
    form: String,
) -> Result<RawResponse, String> {
    let req = RawRequest {
        method: Method::Post,
        url: format!("{}/oauth/{path}", gitlab.base()),
        auth: Auth::None,
        body: Some(Body::Form(form)),
    };
    transport.send(req).await
}

/// What the client signs its calls with. Cloning shares the secret, never copies it.
#[derive(Clone, Debug)]
pub enum Credential {
    Pat(Rc<Secret>),
    OAuth(Rc<Grant>),
}

impl Credential {
    fn auth(&self) -> Auth<'_> {
        match self {
            Credential::Pat(t) => Auth::PrivateToken(t.expose()),
            Credential::OAuth(g) => Auth::Bearer(g.access.expose()),
        }
    }
}

#[derive(Clone)]
pub struct Client {
    gitlab: GitLabUrl,
    /// Replaced in place when an OAuth grant is refreshed: every copy of the client sees it.
    credential: Rc<RefCell<Credential>>,
    transport: Rc<dyn Transport>,
    on_session_end: SessionEndHook,
    /// Told the new credential after a refresh (to keep it in this tab when opted in).
    on_refresh: Rc<RefCell<Option<Callback<Client>>>>,
    refreshing: Rc<Cell<bool>>,
    retries: Rc<Retries>,
}

impl PartialEq for Client {
    fn eq(&self, other: &Self) -> bool {
        self.gitlab == other.gitlab && Rc::ptr_eq(&self.credential, &other.credential)
    }
}

impl Client {
    pub fn new(gitlab: GitLabUrl, token: Secret, transport: Rc<dyn Transport>) -> Self {
        Client::with_credential(gitlab, Credential::Pat(Rc::new(token)), transport)
    }

    pub fn with_credential(
        gitlab: GitLabUrl,
        credential: Credential,
        transport: Rc<dyn Transport>,
    ) -> Self {
        Client {
            gitlab,
            credential: Rc::new(RefCell::new(credential)),
            transport,
            on_session_end: Rc::default(),
            on_refresh: Rc::default(),
            refreshing: Rc::default(),
            retries: Rc::default(),
        }
    }

    /// Who shows that reads are waiting to retry (the app's banner).
    pub fn on_retry(&self, hook: Callback<Option<String>>) {
        *self.retries.hook.borrow_mut() = Some(hook);
    }

    /// Stops every read now waiting to retry; each fails with its last error.
    pub fn cancel_retries(&self) {
        let r = &self.retries;
        r.cancelled.set(r.cancelled.get().wrapping_add(1));
    }

    fn tell_retry(&self, notice: Option<String>) {
        let hook = self.retries.hook.borrow().clone();
        if let Some(hook) = hook {
            hook.emit(notice);
        }
    }

    /// Whether a read that failed with `e` on try `retry` goes again, after waiting. Waits in
    /// short steps so the page can count down, and gives up at once on "Cancel".
    async fn wait_to_retry(&self, req: &ApiRequest, e: &ApiError, retry: u32) -> bool {
        // Without a page listening there would be no countdown and no Cancel, only a hang:
        // the sign-in's own calls fail at once (a wrong address is likelier than a hiccup).
        if req.method != Method::Get
            || retry >= retry::MAX_RETRIES
            || !retry::worth_retrying(e)
            || self.retries.hook.borrow().is_none()
        {
            return false;
        }
        let r = &self.retries;
        let started_at = r.cancelled.get();
        r.waiting.set(r.waiting.get() + 1);
        let mut left = retry::delay_ms(retry, js_sys::Math::random());
        let mut going_on = true;
        while left > 0 {
            if r.cancelled.get() != started_at {
                going_on = false;
                break;
            }
            self.tell_retry(Some(retry::notice(e, left.div_ceil(1000))));
            // Short steps, so Cancel takes effect at once; the notice counts whole seconds.
            let step = match left % 1000 {
                0 => left.min(250),
                part => part.min(250),
            };
            yew::platform::time::sleep(std::time::Duration::from_millis(step.into())).await;
            left -= step;
        }
        going_on &= r.cancelled.get() == started_at;
        r.waiting.set(r.waiting.get() - 1);
        if r.waiting.get() == 0 {
            self.tell_retry(None);
        }
        going_on
    }

    /// Who hears that this client's credential stopped working (the app, for the session's
    /// client; nobody for a pasted token's).
    pub fn on_session_end(&self, hook: Callback<String>) {
        *self.on_session_end.borrow_mut() = Some(hook);
    }

    pub fn on_refresh(&self, hook: Callback<Client>) {
        *self.on_refresh.borrow_mut() = Some(hook);
    }

    /// The credential as it is now (shared, not copied).
    pub fn credential(&self) -> Credential {
        self.credential.borrow().clone()
    }

    pub fn transport(&self) -> Rc<dyn Transport> {
        self.transport.clone()
    }

    fn end_session(&self, said: String) {
        let hook = self.on_session_end.borrow().clone();
        if let Some(hook) = hook {
            hook.emit(said);
        }
    }

    /// A 401 is either about this call (GitLab answers 401 to a Maintainer listing group
    /// tokens) or about the credential (expired, revoked). Asking `/user` tells them apart.
    async fn check_credential(&self) {
        if self.on_session_end.borrow().is_none() {
            return;
        }
        let credential = self.credential();
        let probe = RawRequest {
            method: Method::Get,
            url: request::current_user().url(&self.gitlab),
            auth: credential.auth(),
            body: None,
        };
        if let Ok(res) = self.transport.send(probe).await {
            if res.status == 401 {
                let said = check(res.status, &res.body)
                    .err()
                    .map(|e| e.message)
                    .unwrap_or_default();
                self.end_session(said);
            }
        }
    }

    /// Trades the grant's refresh token for a new pair (GitLab revokes the old one). Only one
    /// refresh runs at a time: a second would present a refresh token the first just spent.
    /// False when the grant cannot be renewed (the session is then over).
    async fn refresh(&self) -> bool {
        if self.refreshing.get() {
            while self.refreshing.get() {
                yew::platform::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            return true;
        }
        let Credential::OAuth(grant) = self.credential() else {
            return false;
        };
        let Some(refresh) = grant.refresh.as_ref() else {
            return false;
        };
        self.refreshing.set(true);
        let form = oauth::refresh_body(&grant.client_id, &grant.redirect_uri, refresh.expose());
        let answer = oauth_post(&*self.transport, &self.gitlab, "token", form).await;
        self.refreshing.set(false);
        let mut said = String::new();
        let renewed = match answer {
            Ok(mut res) => {
                let tokens = (res.status == 200)
                    .then(|| oauth::Tokens::from_json(&res.body).ok())
                    .flatten();
                if tokens.is_none() {
                    said = oauth::token_error(&res.body).1;
                }
                res.body.zeroize();
                tokens
            }
            // The network failed: the old grant may still work, the next call will tell.
            Err(_) => return true,
        };
        match renewed {
            Some(tokens) => {
                let next = Grant::from_tokens(tokens, &grant.client_id, &grant.redirect_uri);
                *self.credential.borrow_mut() = Credential::OAuth(Rc::new(next));
                let hook = self.on_refresh.borrow().clone();
                if let Some(hook) = hook {
                    hook.emit(self.clone());
                }
                true
            }
            None => {
                self.end_session(said);
                false
            }
        }
    }

    /// The same instance and network, another credential: a pasted token asking about itself,
    /// or the session's token after it was rotated.
    pub fn with_token(&self, token: Secret) -> Client {
        Client::new(self.gitlab.clone(), token, self.transport.clone())
    }

    /// Whether `token` is the personal access token this client signs its calls with.
    pub fn signs_with(&self, token: &str) -> bool {
        matches!(&*self.credential.borrow(), Credential::Pat(t) if t.expose() == token.trim())
    }

    pub fn gitlab(&self) -> &GitLabUrl {
        &self.gitlab
    }

    /// Sends `req`; a read GitLab throttled, failed or did not answer goes again after a wait
    /// (a write never does: it may have been done).
    async fn send(&self, req: &ApiRequest) -> Result<RawResponse, ApiError> {
        let mut retry = 0;
        loop {
            let result = self.send_once(req).await;
            let failure = match &result {
                Err(e) => Some(e.clone()),
                Ok(res) if res.status == 429 || res.status >= 500 => {
                    check(res.status, &res.body).err()
                }
                Ok(_) => None,
            };
            match failure {
                Some(e) if self.wait_to_retry(req, &e, retry).await => retry += 1,
                _ => return result,
            }
        }
    }

    async fn send_once(&self, req: &ApiRequest) -> Result<RawResponse, ApiError> {
        if let Credential::OAuth(grant) = self.credential() {
            if oauth::refresh_due(js_sys::Date::now(), grant.expires_at_ms) {
                self.refresh().await;
            }
        }
        let mut renewed = false;
        loop {
            let credential = self.credential();
            let raw = RawRequest {
                method: req.method,
                url: req.url(&self.gitlab),
                auth: credential.auth(),
                body: req.body.clone().map(Body::Json),
            };
            let res = self
                .transport
                .send(raw)
                .await
                .map_err(|e| ApiError::network(&e))?;
            if res.status == 401 {
                // An OAuth token GitLab calls expired (the page's clock may be off): renew it
                // and send again, once. A 401 means nothing was done, so this is safe for writes.
                if !renewed && matches!(credential, Credential::OAuth(_)) && self.refresh().await {
                    renewed = true;
                    continue;
                }
                self.check_credential().await;
            }
            return Ok(res);
        }
    }

    /// Sends an OAuth form to this client's GitLab (see [`oauth_post`]).
    pub async fn oauth_post(&self, path: &str, form: String) -> Result<RawResponse, String> {
        oauth_post(&*self.transport, &self.gitlab, path, form).await
    }

    /// GitLab includes a trigger's whole token in lists and edits for its owner: bodies are
    /// wiped once decoded, as the secret is never kept.
    pub async fn get<T: FromJson>(&self, req: &ApiRequest) -> Result<T, ApiError> {
        let mut res = self.send(req).await?;
        let result = decode(res.status, &res.body);
        res.body.zeroize();
        result
    }

    /// The instance's registry host, for the `docker login` snippet where the record at hand
    /// does not name it (a group, a user): read from a project of the user's. No registry, no
    /// project or no answer just means no snippet.
    pub async fn registry_host(&self) -> Option<String> {
        let places: Vec<models::Place> = self.get(&request::registry_probe()).await.ok()?;
        places.first()?.registry_host().map(str::to_string)
    }

    /// One page of a list, with where it sits.
    pub async fn page<T: FromJson>(
        &self,
        req: &ApiRequest,
    ) -> Result<(Vec<T>, PageInfo), ApiError> {
        let mut res = self.send(req).await?;
        let items: Result<Vec<T>, ApiError> = decode(res.status, &res.body);
        res.body.zeroize();
        let items = items?;
        let asked_page = req
            .query_value("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let asked_size = req
            .query_value("per_page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(20);
        let info = PageInfo::from_headers(|h| res.header(h), asked_page, asked_size, items.len());
        Ok((items, info))
    }

    /// Every page of `owner`'s credentials of `kind` (one copy of this code in the module, not
    /// one per caller), following GitLab's next-page pointers. A row that
    /// moved between two pages while they were read (a token created or revoked meanwhile) is
    /// kept once: the page's keyed lists need each id once.
    pub async fn all(
        &self,
        owner: &Owner,
        kind: Kind,
    ) -> Result<Vec<models::Credential>, ApiError> {
        let mut out: Vec<models::Credential> = Vec::new();
        // Ids seen so far, sorted (a set type would cost the page more bytes than this).
        let mut seen: Vec<u64> = Vec::new();
        let mut page = 1;
        loop {
            let (items, info) = self
                .page::<models::Credential>(&request::list(owner, kind, page))
                .await?;
            for c in items {
                if let Err(at) = seen.binary_search(&c.id) {
                    seen.insert(at, c.id);
                    out.push(c);
                }
            }
            match info.next_page {
                Some(next) if next > page && next <= MAX_PAGES => page = next,
                _ => return Ok(out),
            }
        }
    }

    /// A create or rotate call: the body holds a new secret, so it is wiped once decoded.
    pub async fn created(&self, req: &ApiRequest) -> Result<CreatedToken, ApiError> {
        let mut res = self.send(req).await?;
        let result = match check(res.status, &res.body) {
            // Done, but unreadable: the status tells the page to look at the list.
            Ok(()) => CreatedToken::from_json(&res.body).map_err(|_| ApiError {
                status: Some(res.status),
                ..ApiError::unexpected("GitLab's answer did not contain the new token.")
            }),
            Err(e) => Err(e),
        };
        res.body.zeroize();
        result
    }

    /// A call whose success has no body (revoke: 204).
    pub async fn empty(&self, req: &ApiRequest) -> Result<(), ApiError> {
        let res = self.send(req).await?;
        check(res.status, &res.body)
    }
}
