//! The site's optional token policy (the file `config.json`'s `policy_url` names), read once
//! per page load and shared by the create and rotate forms and the inventory.

use crate::context::{AppCtx, Settings};
use crate::transport::{Auth, RawRequest, Transport};
use domain::inventory::Policy;
use domain::request::Method;
use std::cell::RefCell;
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What the site says about policy.
#[derive(Clone, Debug, PartialEq)]
pub enum SitePolicy {
    Loading,
    /// No policy file: nothing is enforced.
    None,
    Ready(Rc<Policy>),
    /// The file is there but unusable: said on the page, and nothing is enforced.
    Broken(String),
}

impl SitePolicy {
    pub fn policy(&self) -> Option<&Rc<Policy>> {
        match self {
            SitePolicy::Ready(p) => Some(p),
            _ => None,
        }
    }
}

thread_local! {
    static LOADED: RefCell<Option<SitePolicy>> = const { RefCell::new(None) };
}

async fn fetch(transport: Rc<dyn Transport>, url: String) -> SitePolicy {
    let req = RawRequest {
        method: Method::Get,
        url,
        auth: Auth::None,
        body: None,
    };
    match transport.send(req).await {
        Ok(res) if res.status == 200 => match Policy::parse(&res.body) {
            Ok(p) if p.is_empty() => SitePolicy::None,
            Ok(p) => SitePolicy::Ready(Rc::new(p)),
            Err(e) => SitePolicy::Broken(format!(
                "The site's token policy is not valid ({e}); no policy is enforced."
            )),
        },
        Ok(res) if res.status == 404 => SitePolicy::None,
        Ok(res) => SitePolicy::Broken(format!(
            "The site's token policy could not be read (the site answered {}); no policy is enforced.",
            res.status
        )),
        Err(e) => SitePolicy::Broken(format!(
            "The site's token policy could not be read ({e}); no policy is enforced."
        )),
    }
}

/// The site's policy, from the file `config.json`'s `policy_url` names (none without one): read
/// on first use, once the site's settings are known, then kept for the life of the page.
#[hook]
pub fn use_policy() -> SitePolicy {
    let ctx = use_context::<AppCtx>();
    let known = LOADED.with(|l| l.borrow().clone());
    let state = use_state(|| known.clone().unwrap_or(SitePolicy::Loading));
    let settings = ctx.as_ref().map(|c| c.settings.clone());
    {
        let state = state.clone();
        let transport = ctx.map(|c| c.transport.0.clone());
        let ready = !matches!(settings, None | Some(Settings::Loading));
        use_effect_with(ready, move |ready| {
            // Only a site that names a policy file in config.json has one: asking for it
            // everywhere would leave a 404 in every other deployment's console.
            let url = settings.and_then(|s| s.config().policy_url.clone());
            if !*ready || known.is_some() {
                return;
            }
            let (Some(transport), Some(url)) = (transport, url) else {
                LOADED.with(|l| *l.borrow_mut() = Some(SitePolicy::None));
                state.set(SitePolicy::None);
                return;
            };
            spawn_local(async move {
                let loaded = fetch(transport, url).await;
                LOADED.with(|l| *l.borrow_mut() = Some(loaded.clone()));
                state.set(loaded);
            });
        });
    }
    (*state).clone()
}

/// Holds back a submit made while the policy is still loading and makes it once the policy is
/// known, through the same checks: a slow policy file must not let a create or a rotation out
/// unchecked. `applies` is false where the policy has no say (an edit). Gives whether a submit
/// is waiting, and the callback that submits now or once the policy is in.
#[hook]
pub fn use_after_policy(
    policy: &SitePolicy,
    applies: bool,
    submit: Rc<dyn Fn()>,
) -> (bool, Callback<()>) {
    let waiting = use_state(|| false);
    let loading = applies && matches!(policy, SitePolicy::Loading);
    {
        let (waiting, submit) = (waiting.clone(), submit.clone());
        // Runs in the render that first sees the policy, so `submit` checks against it.
        use_effect_with((loading, *waiting), move |&(loading, held)| {
            if held && !loading {
                waiting.set(false);
                submit();
            }
        });
    }
    let request = {
        let waiting = waiting.clone();
        Callback::from(move |()| {
            if loading {
                waiting.set(true);
            } else {
                submit();
            }
        })
    };
    (*waiting, request)
}

/// The submit button's words while a submit waits for the policy.
pub const POLICY_WAIT_VERB: &str = "Reading policy…";

/// Said under a form whose submit waits for the policy (a status, so it is announced).
pub fn policy_wait(waiting: bool) -> Html {
    if !waiting {
        return Html::default();
    }
    html! {
        <p class="muted small" role="status" data-testid="policy-wait">
            { "Waiting for the site's token policy; it is checked as soon as it arrives." }
        </p>
    }
}
