//! The two effects every page and dialog repeats, written once: loading data with a generation
//! guard (a slower, older answer never replaces a newer one), and submitting with busy and error
//! state (no double submit, input kept on failure).

use crate::components::load::Load;
use domain::ApiError;
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What [`use_load`] hands back.
pub struct Loader<T> {
    pub state: UseStateHandle<Load<T>>,
    /// Loads again with the same inputs (a "Try again" button).
    pub retry: Callback<()>,
}

/// Runs `fetch` whenever `deps` change (or on retry) and keeps the latest answer. `keep` decides
/// whether the current data stays on screen while reloading (a refresh) or a spinner shows (a
/// different page); `fetch` always receives the last data loaded, so it can reuse what is still
/// valid (the project and role when only the list changed).
#[hook]
pub fn use_load<T, D, F, Fut>(deps: D, keep: fn(&D, &D) -> bool, fetch: F) -> Loader<T>
where
    T: Clone + 'static,
    D: Clone + PartialEq + 'static,
    F: Fn(D, Option<T>) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let state = use_state(|| Load::<T>::Loading);
    let attempt = use_state(|| 0u32);
    let generation = use_mut_ref(|| 0u32);
    let shown = use_mut_ref(|| None::<D>);
    let fetch = Rc::new(fetch);
    {
        let state = state.clone();
        use_effect_with((deps, *attempt), move |(deps, _)| {
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            let same = shown.borrow().as_ref().is_some_and(|d| keep(d, deps));
            let current = match &*state {
                Load::Ready(t) => Some(t.clone()),
                _ => None,
            };
            if !same || current.is_none() {
                state.set(Load::Loading);
            }
            *shown.borrow_mut() = Some(deps.clone());
            let fut = fetch(deps.clone(), current);
            spawn_local(async move {
                let result = fut.await;
                if *generation.borrow() == mine {
                    state.set(match result {
                        Ok(t) => Load::Ready(t),
                        Err(e) => Load::Failed(e),
                    });
                }
            });
        });
    }
    let retry = Callback::from(move |_| attempt.set(*attempt + 1));
    Loader { state, retry }
}

/// Busy and error state of one submit button.
#[derive(Clone)]
pub struct Submit {
    pub busy: bool,
    pub error: Option<ApiError>,
    busy_handle: UseStateHandle<bool>,
    error_handle: UseStateHandle<Option<ApiError>>,
    /// Set synchronously, so a second click or a held Enter before the re-render is ignored.
    in_flight: Rc<RefCell<bool>>,
}

impl Submit {
    /// Starts `work` unless one is already running; `done` gets the success value. On failure
    /// the error is kept for display and the form stays as typed.
    pub fn run<T, Fut>(&self, work: Fut, done: impl FnOnce(T) + 'static)
    where
        T: 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        if *self.in_flight.borrow() {
            return;
        }
        *self.in_flight.borrow_mut() = true;
        self.busy_handle.set(true);
        self.error_handle.set(None);
        let (busy, error, in_flight) = (
            self.busy_handle.clone(),
            self.error_handle.clone(),
            self.in_flight.clone(),
        );
        spawn_local(async move {
            let result = work.await;
            *in_flight.borrow_mut() = false;
            match result {
                Ok(t) => {
                    busy.set(false);
                    done(t)
                }
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    }

    /// Replaces the error, for instance to drop GitLab's message about one field once it
    /// was edited.
    pub fn set_error(&self, e: Option<ApiError>) {
        self.error_handle.set(e);
    }
}

#[hook]
pub fn use_submit() -> Submit {
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let in_flight = use_mut_ref(|| false);
    Submit {
        busy: *busy,
        error: (*error).clone(),
        busy_handle: busy,
        error_handle: error,
        in_flight,
    }
}
