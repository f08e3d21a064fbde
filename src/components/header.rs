//! The top bar: who is signed in where, with what token, and the way out.

use crate::session::Session;
use crate::time::today;
use domain::models::TokenStatus;
use domain::Route;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub session: Option<Rc<Session>>,
    pub on_disconnect: Callback<()>,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let who = props.session.as_ref().map(|s| {
        let expiry = s.token_info.as_ref().map(|t| {
            let status = t.status(today());
            html! {
                <span class={classes!("badge", format!("badge-{}", status.severity()))} title="Your sign-in token">
                    { format!("your token {}", match status { TokenStatus::Active { .. } => status.label(), _ => "is no longer valid".into() }) }
                </span>
            }
        });
        let scopes = s.token_info.as_ref().map(|t| t.scopes.join(", ")).unwrap_or_else(|| "unknown scopes".into());
        let on_disconnect = props.on_disconnect.clone();
        html! {
            <div class="who" data-testid="whoami">
                <span class="who-name">
                    <strong>{ &s.user.name }</strong>
                    <span class="muted">{ format!(" @{} on {}", s.user.username, s.client.gitlab().host()) }</span>
                    { if s.user.is_admin { html! { <span class="badge badge-ok">{ "admin" }</span> } } else { html! {} } }
                </span>
                <span class="who-token muted" data-testid="token-scopes">{ format!("scopes: {scopes}") }</span>
                { expiry }
                <button type="button" class="btn btn-quiet" data-testid="disconnect" onclick={on_disconnect.reform(|_| ())}>{ "Sign out" }</button>
            </div>
        }
    });
    html! {
        <header class="topbar">
            <a class="skip" href="#main">{ "Skip to content" }</a>
            <a href={Route::Projects.href()} class="brand">
                <span class="brand-mark" aria-hidden="true">{ "◆" }</span>{ "tokenwarden" }
            </a>
            { who.unwrap_or_default() }
        </header>
    }
}
