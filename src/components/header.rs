//! The top bar: who is signed in where, with what token, and the way out.

use crate::client::Credential;
use crate::session::Session;
use crate::time::today;
use domain::kind::{Owner, OwnerType};
use domain::models::TokenStatus;
use domain::{Kind, Route};
use std::rc::Rc;
use yew::prelude::*;

pub struct HeaderProps {
    pub session: Option<Rc<Session>>,
    /// Where the page is, for the navigation's current marker.
    pub route: Route,
    pub on_disconnect: Callback<()>,
}

/// A plain function, not a component: it has no state of its own, and each component costs the
/// module its own copy of Yew's lifecycle code.
pub fn header(props: &HeaderProps) -> Html {
    let who = props.session.as_ref().map(|s| {
        let expiry = s.token_info.as_ref().map(|t| {
            let status = t.status(today());
            html! {
                <span class={classes!("badge", format!("badge-{}", status.severity()))} title="Your sign-in token">
                    { format!("your token {}", match status { TokenStatus::Active { .. } => status.label(), _ => "is no longer valid".into() }) }
                </span>
            }
        });
        let scopes = match (s.client.credential(), &s.token_info) {
            (Credential::OAuth(grant), _) => format!("signed in with GitLab: {}", grant.scope.replace(' ', ", ")),
            (_, Some(t)) => format!("scopes: {}", t.scopes.join(", ")),
            _ => "scopes: unknown".into(),
        };
        let on_disconnect = props.on_disconnect.clone();
        html! {
            <div class="who" data-testid="whoami">
                <span class="who-name">
                    <strong>{ &s.user.name }</strong>
                    <span class="muted">{ format!(" @{} on {}", s.user.username, s.client.gitlab().host()) }</span>
                    { if s.user.is_admin { html! { <span class="badge badge-ok">{ "admin" }</span> } } else { html! {} } }
                </span>
                <span class="who-token muted" data-testid="token-scopes">{ scopes }</span>
                { expiry }
                <button type="button" class="btn btn-quiet" data-testid="disconnect" onclick={on_disconnect.reform(|_| ())}>{ "Sign out" }</button>
            </div>
        }
    });
    html! {
        <header class="topbar">
            <a class="skip" href="#main">{ "Skip to content" }</a>
            <a href={Route::projects().href()} class="brand">
                <span class="brand-mark" aria-hidden="true">{ "◆" }</span>{ "tokenwarden" }
            </a>
            {
                if props.session.is_some() {
                    let link = |route: Route, label: &'static str, section: Option<OwnerType>, testid: &'static str| {
                        let current = match section {
                            Some(_) => props.route.section() == section,
                            None => props.route == route,
                        };
                        html! { <a href={route.href()} class={classes!("nav-link", current.then_some("nav-current"))}
                            aria-current={current.then_some("page")} data-testid={testid}>{ label }</a> }
                    };
                    html! {
                        <nav class="nav" aria-label="Sections">
                            { link(Route::projects(), "Projects", Some(OwnerType::Project), "nav-projects") }
                            { link(Route::groups(), "Groups", Some(OwnerType::Group), "nav-groups") }
                            { link(Route::Credentials { owner: Owner::Me, kind: Kind::PersonalAccessToken }, "My tokens", Some(OwnerType::User), "nav-tokens") }
                            { link(Route::Inventory, "Inventory", None, "nav-inventory") }
                            { link(Route::Check, "What is this token?", None, "nav-check") }
                            { if props.session.as_ref().is_some_and(|s| s.user.is_admin) {
                                link(Route::Credentials { owner: Owner::Instance, kind: Kind::PersonalAccessToken }, "Admin", Some(OwnerType::Instance), "nav-admin")
                            } else { html! {} } }
                        </nav>
                    }
                } else { html! {} }
            }
            { who.unwrap_or_default() }
        </header>
    }
}
