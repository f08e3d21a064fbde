//! App-wide state as a reducer: who is signed in, a notice to show, and a counter that pages
//! watch to refetch after a change.

use crate::session::Session;
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Default, PartialEq)]
pub struct AppState {
    pub session: Option<Rc<Session>>,
    pub notice: Option<Notice>,
    /// Bumped after every create, rotate or revoke, so token lists reload.
    pub tokens_epoch: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub id: u32,
}

pub enum Action {
    Connected(Rc<Session>),
    /// Drops the session, and with it the user's credential.
    Disconnect,
    TokensChanged,
    Notify(String),
    DismissNotice,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = AppState {
            session: self.session.clone(),
            notice: self.notice.clone(),
            tokens_epoch: self.tokens_epoch,
        };
        match action {
            Action::Connected(s) => {
                next.session = Some(s);
                next.notice = None;
            }
            Action::Disconnect => {
                next = AppState {
                    tokens_epoch: self.tokens_epoch.wrapping_add(1),
                    ..AppState::default()
                };
            }
            Action::TokensChanged => next.tokens_epoch = self.tokens_epoch.wrapping_add(1),
            Action::Notify(text) => {
                let id = self.notice.as_ref().map_or(1, |n| n.id.wrapping_add(1));
                next.notice = Some(Notice { text, id });
            }
            Action::DismissNotice => next.notice = None,
        }
        Rc::new(next)
    }
}
