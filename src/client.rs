//! One client sends every GitLab request built by `domain::request` and decodes the answer
//! through `domain::error`, so pages only see typed results.

use crate::transport::{RawRequest, RawResponse, Transport};
use domain::error::{check, decode};
use domain::json::FromJson;
use domain::models::CreatedToken;
use domain::request::{self, Method};
use domain::secret::Zeroize;
use domain::{ApiError, ApiRequest, GitLabUrl, PageInfo, Secret};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Callback;

/// Lists longer than this many pages are cut off rather than fetched forever.
const MAX_PAGES: u32 = 50;

/// Told GitLab's reason when the credential itself stops working mid-session.
pub type SessionEndHook = Rc<RefCell<Option<Callback<String>>>>;

#[derive(Clone)]
pub struct Client {
    gitlab: GitLabUrl,
    token: Rc<Secret>,
    transport: Rc<dyn Transport>,
    on_session_end: SessionEndHook,
}

impl PartialEq for Client {
    fn eq(&self, other: &Self) -> bool {
        self.gitlab == other.gitlab && Rc::ptr_eq(&self.token, &other.token)
    }
}

impl Client {
    pub fn new(gitlab: GitLabUrl, token: Secret, transport: Rc<dyn Transport>) -> Self {
        Client {
            gitlab,
            token: Rc::new(token),
            transport,
            on_session_end: Rc::default(),
        }
    }

    /// Who hears that this client's credential stopped working (the app, for the session's
    /// client; nobody for a pasted token's).
    pub fn on_session_end(&self, hook: Callback<String>) {
        *self.on_session_end.borrow_mut() = Some(hook);
    }

    /// A 401 is either about this call (GitLab answers 401 to a Maintainer listing group
    /// tokens) or about the credential (expired, revoked). Asking `/user` tells them apart.
    async fn check_credential(&self) {
        let Some(hook) = self.on_session_end.borrow().clone() else {
            return;
        };
        let probe = RawRequest {
            method: Method::Get,
            url: request::current_user().url(&self.gitlab),
            token: self.token.expose(),
            json_body: None,
        };
        if let Ok(res) = self.transport.send(probe).await {
            if res.status == 401 {
                let said = check(res.status, &res.body)
                    .err()
                    .map(|e| e.message)
                    .unwrap_or_default();
                hook.emit(said);
            }
        }
    }

    /// The same instance and network, another credential: a pasted token asking about itself,
    /// or the session's token after it was rotated.
    pub fn with_token(&self, token: Secret) -> Client {
        Client::new(self.gitlab.clone(), token, self.transport.clone())
    }

    /// Whether `token` is the credential this client signs its calls with.
    pub fn signs_with(&self, token: &str) -> bool {
        self.token.expose() == token.trim()
    }

    pub fn gitlab(&self) -> &GitLabUrl {
        &self.gitlab
    }

    async fn send(&self, req: &ApiRequest) -> Result<RawResponse, ApiError> {
        let raw = RawRequest {
            method: req.method,
            url: req.url(&self.gitlab),
            token: self.token.expose(),
            json_body: req.body.clone(),
        };
        let res = self
            .transport
            .send(raw)
            .await
            .map_err(|e| ApiError::network(&e))?;
        if res.status == 401 {
            self.check_credential().await;
        }
        Ok(res)
    }

    /// GitLab includes a trigger's whole token in lists and edits for its owner: bodies are
    /// wiped once decoded, as the secret is never kept.
    pub async fn get<T: FromJson>(&self, req: &ApiRequest) -> Result<T, ApiError> {
        let mut res = self.send(req).await?;
        let result = decode(res.status, &res.body);
        res.body.zeroize();
        result
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

    /// Every page of a list, following GitLab's next-page pointers.
    pub async fn all<T: FromJson>(
        &self,
        make: impl Fn(u32) -> ApiRequest,
    ) -> Result<Vec<T>, ApiError> {
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let (items, info) = self.page::<T>(&make(page)).await?;
            out.extend(items);
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
            Ok(()) => CreatedToken::from_json(&res.body).map_err(|_| {
                ApiError::unexpected("GitLab's answer did not contain the new token. Check the token list before trying again.")
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
