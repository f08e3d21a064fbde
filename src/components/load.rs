//! One way to render data that is loading, ready or failed, so pages don't repeat the match.

use domain::ApiError;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiError),
}

pub fn view<T>(
    load: &Load<T>,
    what: &str,
    on_retry: Callback<()>,
    ready: impl FnOnce(&T) -> Html,
) -> Html {
    match load {
        Load::Loading => html! {
            <p class="loading" role="status" aria-live="polite">
                <span class="spinner" aria-hidden="true"></span>{ format!("Loading {what}…") }
            </p>
        },
        // "Try again" only where it can help: not after a refusal or a 404.
        Load::Failed(e) => error_banner(e, e.retryable().then_some(on_retry)),
        Load::Ready(t) => ready(t),
    }
}

/// A failure with what to do next and, when trying again can help, a retry button.
pub fn error_banner(e: &ApiError, on_retry: Option<Callback<()>>) -> Html {
    html! {
        <div class="banner banner-error" role="alert" data-testid="error" tabindex="-1">
            <p>{ e.summary() }</p>
            {
                match on_retry {
                    Some(cb) => html! { <button type="button" class="btn" onclick={cb.reform(|_| ())}>{ "Try again" }</button> },
                    None => html! {},
                }
            }
        </div>
    }
}
