//! App-wide state as a reducer: who is signed in, a notice to show, and a counter that pages
//! watch to refetch after a change.

use crate::session::Session;
use domain::Kind;
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Default, PartialEq)]
pub struct AppState {
    pub session: Option<Rc<Session>>,
    pub notice: Option<Notice>,
    /// Bumped after every create, rotate or revoke, so token lists reload.
    pub tokens_epoch: u32,
    /// The row the last change touched, shown marked and focused when the list has it.
    pub highlight: Option<(Kind, u64)>,
    /// Rotations this session made, old id to new id, so lists can say which row replaced which.
    pub rotations: Rc<Vec<(u64, u64)>>,
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
    /// The credential stopped working (GitLab's words): back to sign-in, same page after.
    SessionEnded(String),
    TokensChanged,
    /// Marks a row after a change (created, rotated, saved, revoked).
    Highlight(Kind, u64),
    /// A rotation replaced token `old` with `new`.
    Rotated {
        old: u64,
        new: u64,
    },
    Notify(String),
    DismissNotice,
    /// Another page: its notice and marked row belong to the one left.
    RouteChanged,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = AppState {
            session: self.session.clone(),
            notice: self.notice.clone(),
            tokens_epoch: self.tokens_epoch,
            highlight: self.highlight,
            rotations: self.rotations.clone(),
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
            Action::SessionEnded(said) => {
                let said = if said.is_empty() {
                    String::new()
                } else {
                    format!(" (GitLab says \u{201c}{said}\u{201d})")
                };
                next = AppState {
                    tokens_epoch: self.tokens_epoch.wrapping_add(1),
                    ..AppState::default()
                };
                next.notice = Some(Notice {
                    text: format!("Your sign-in token stopped working{said}: it expired or was revoked. Sign in with a valid token to go back to this page."),
                    id: self.notice.as_ref().map_or(1, |n| n.id.wrapping_add(1)),
                });
            }
            Action::TokensChanged => next.tokens_epoch = self.tokens_epoch.wrapping_add(1),
            Action::Highlight(kind, id) => next.highlight = Some((kind, id)),
            Action::Rotated { old, new } => {
                let mut r = (*self.rotations).clone();
                r.push((old, new));
                next.rotations = Rc::new(r);
            }
            Action::Notify(text) => {
                let id = self.notice.as_ref().map_or(1, |n| n.id.wrapping_add(1));
                next.notice = Some(Notice { text, id });
            }
            Action::DismissNotice => next.notice = None,
            Action::RouteChanged => {
                next.notice = None;
                next.highlight = None;
            }
        }
        Rc::new(next)
    }
}
