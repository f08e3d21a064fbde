//! After a create, rotation or revocation that was sent but got no usable answer (the network
//! failed, a proxy answered 502, GitLab's answer could not be read), GitLab may or may not have
//! done it. Writes are never sent again blindly: the page lists the tokens once more and this
//! module reads from that list what happened.

use crate::error::{ApiError, ErrorKind};
use crate::models::Credential;
use crate::request::CreateBody;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// How far before the send a matching row may be dated and still count as this create's: the
/// page's clock and GitLab's may differ by a little.
pub const CLOCK_SLACK_MINUTES: i64 = 5;

/// Whether a write that failed with `e` may nevertheless have been done: no answer, a server
/// error (a proxy's timeout or GitLab's own 500 can come after the change), or a success answer
/// that could not be read. A refusal (4xx, 429) means nothing was changed.
pub fn unsure(e: &ApiError) -> bool {
    match e.kind {
        ErrorKind::Network | ErrorKind::Server => true,
        ErrorKind::Unexpected => e.status.is_some_and(|s| (200..300).contains(&s)),
        _ => false,
    }
}

/// The write whose fate is unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    Create { name: String },
    Rotate { id: u64, name: String },
    Revoke { id: u64, name: String },
}

impl Write {
    /// A create of `body`, by the name its row will be listed under (a deploy key's title, a
    /// trigger's description).
    pub fn create(body: &CreateBody) -> Write {
        let name = [&body.name, &body.title, &body.description]
            .into_iter()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_default();
        Write::Create { name }
    }

    fn name(&self) -> &str {
        match self {
            Write::Create { name } | Write::Rotate { name, .. } | Write::Revoke { name, .. } => {
                name
            }
        }
    }
}

/// What the list says happened. One exists per lost write, briefly: its size does not matter.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    /// Nothing changed: the input can be sent again.
    NotDone,
    /// Created; its answer, and any secret in it, was lost. Sometimes more than once: a browser
    /// sends a request again by itself when a reused connection closes before any answer, so a
    /// dropped create can make two tokens, both without a known secret.
    Created(Vec<Credential>),
    /// Rotated: the old token is dead and this new one's secret was lost.
    Rotated(Credential),
    Revoked,
    /// The list cannot tell; the page's words for why.
    Unclear(String),
}

/// Reads the outcome of `write` from `after`, the list read once the write failed. `before`
/// holds the ids the page listed when the write was sent (so an older token of the same name
/// is never taken for the new one) and `sent_at` when it was sent.
pub fn reconcile(
    write: &Write,
    before: &[u64],
    after: &[Credential],
    sent_at: DateTime<Utc>,
    today: NaiveDate,
) -> Outcome {
    let active = |c: &Credential| c.status(today).is_active();
    let earliest = sent_at - Duration::minutes(CLOCK_SLACK_MINUTES);
    let new: Vec<&Credential> = after
        .iter()
        .filter(|c| {
            c.name == write.name()
                && !before.contains(&c.id)
                && active(c)
                && c.created_at.is_none_or(|t| t >= earliest)
        })
        .collect();
    // Any active row of that id (the client lists each id once; this does not rely on it).
    let alive = |id: u64| after.iter().any(|c| c.id == id && active(c));
    match write {
        Write::Create { .. } if new.is_empty() => Outcome::NotDone,
        Write::Create { .. } => Outcome::Created(new.into_iter().cloned().collect()),
        // A rotation sent twice fails the second time (its token is already revoked): two new
        // tokens are not both this page's.
        Write::Rotate { name, .. } if new.len() > 1 => Outcome::Unclear(format!(
            "{} new tokens named \u{201c}{name}\u{201d} are listed, so which one this page made cannot be told.",
            new.len()
        )),
        Write::Rotate { id, name } => match new.first() {
            Some(c) => Outcome::Rotated((*c).clone()),
            None if alive(*id) => Outcome::NotDone,
            None => Outcome::Unclear(format!(
                "\u{201c}{name}\u{201d} no longer works, but no new token of that name is listed."
            )),
        },
        // Revoked or expired, or gone (deploy keys and triggers are deleted).
        Write::Revoke { id, .. } if alive(*id) => Outcome::NotDone,
        Write::Revoke { .. } => Outcome::Revoked,
    }
}

/// Why the page could not act on the answer, in the page's words, for an outcome that leaves
/// the dialog open (the user's input kept): nothing done, or unclear.
pub fn explain(write: &Write, outcome: &Outcome, failure: &ApiError) -> ApiError {
    let name = write.name();
    let said = match outcome {
        Outcome::NotDone => {
            let what = match write {
                Write::Create { .. } => "no such token was created",
                Write::Rotate { .. } => "it was not rotated and still works",
                Write::Revoke { .. } => "it was not revoked and still works",
            };
            format!("GitLab did not answer, and the token list shows that {what}. Nothing changed: try again.")
        }
        Outcome::Unclear(why) => format!(
            "GitLab did not answer, and the token list does not show what became of \u{201c}{name}\u{201d}: {why} Check the list before trying again."
        ),
        _ => String::new(),
    };
    ApiError {
        kind: failure.kind,
        status: failure.status,
        message: said,
        fields: Vec::new(),
    }
}

/// When even the list could not be read after the write failed.
pub fn unchecked(failure: &ApiError, list: &ApiError) -> ApiError {
    ApiError {
        kind: failure.kind,
        status: failure.status,
        message: format!(
            "GitLab did not answer, nor could the token list be read to see what was done ({}). Check the list before trying again.",
            list.message
        ),
        fields: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, h, m, 0).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn row(id: u64, name: &str, created: DateTime<Utc>, revoked: bool) -> Credential {
        Credential {
            id,
            name: name.into(),
            revoked,
            active: Some(!revoked),
            created_at: Some(created),
            ..Credential::default()
        }
    }

    fn error(kind: ErrorKind, status: Option<u16>) -> ApiError {
        ApiError {
            kind,
            status,
            message: "x".into(),
            fields: Vec::new(),
        }
    }

    #[test]
    fn only_failures_without_a_refusal_are_unsure() {
        assert!(unsure(&error(ErrorKind::Network, None)));
        assert!(unsure(&error(ErrorKind::Server, Some(502))));
        assert!(unsure(&error(ErrorKind::Server, Some(500))));
        assert!(unsure(&error(ErrorKind::Unexpected, Some(201))));
        assert!(!unsure(&error(ErrorKind::Unexpected, Some(418))));
        assert!(!unsure(&error(ErrorKind::Unexpected, None)));
        assert!(!unsure(&error(ErrorKind::RateLimited, Some(429))));
        assert!(!unsure(&error(ErrorKind::Invalid, Some(400))));
        assert!(!unsure(&error(ErrorKind::Forbidden, Some(403))));
    }

    #[test]
    fn a_create_is_found_by_name_among_new_rows() {
        let write = Write::Create { name: "ci".into() };
        let sent = at(12, 0);
        let before = [1];
        let older = row(1, "ci", at(9, 0), false);
        assert_eq!(
            reconcile(&write, &before, std::slice::from_ref(&older), sent, today()),
            Outcome::NotDone
        );
        let made = row(7, "ci", at(12, 0), false);
        assert_eq!(
            reconcile(
                &write,
                &before,
                &[older.clone(), made.clone()],
                sent,
                today()
            ),
            Outcome::Created(vec![made.clone()])
        );
        // Another name, or a row from long before the send (a list the page had not seen), is
        // not this create's.
        let other = row(8, "deploy", at(12, 0), false);
        let stale = row(9, "ci", at(10, 0), false);
        assert_eq!(
            reconcile(&write, &before, &[other, stale], sent, today()),
            Outcome::NotDone
        );
        // A little clock difference is allowed.
        let skewed = row(10, "ci", at(11, 57), false);
        assert_eq!(
            reconcile(
                &write,
                &before,
                std::slice::from_ref(&skewed),
                sent,
                today()
            ),
            Outcome::Created(vec![skewed])
        );
    }

    #[test]
    fn a_create_is_looked_for_under_the_name_it_is_listed_by() {
        let body = |name: Option<&str>, title: Option<&str>, description: Option<&str>| {
            Write::create(&CreateBody {
                name: name.map(Into::into),
                title: title.map(Into::into),
                description: description.map(Into::into),
                ..CreateBody::default()
            })
        };
        let named = |n: &str| Write::Create { name: n.into() };
        assert_eq!(body(Some("bot"), None, Some("for CI")), named("bot"));
        assert_eq!(body(None, Some("laptop"), None), named("laptop"));
        assert_eq!(body(None, None, Some("downstream")), named("downstream"));
    }

    #[test]
    fn a_create_sent_twice_by_the_browser_made_two_tokens_without_a_secret() {
        let write = Write::Create { name: "ci".into() };
        let rows = [
            row(7, "ci", at(12, 0), false),
            row(8, "ci", at(12, 1), false),
        ];
        let out = reconcile(&write, &[], &rows, at(12, 0), today());
        assert_eq!(out, Outcome::Created(rows.to_vec()));
    }

    #[test]
    fn two_new_tokens_after_one_rotation_are_unclear() {
        let write = Write::Rotate {
            id: 1,
            name: "ci".into(),
        };
        let rows = [
            row(1, "ci", at(9, 0), true),
            row(7, "ci", at(12, 0), false),
            row(8, "ci", at(12, 1), false),
        ];
        let out = reconcile(&write, &[1], &rows, at(12, 0), today());
        assert!(matches!(out, Outcome::Unclear(ref s) if s.contains("2 new tokens")));
    }

    #[test]
    fn a_rotation_shows_as_the_old_token_revoked_and_a_new_one() {
        let write = Write::Rotate {
            id: 1,
            name: "ci".into(),
        };
        let sent = at(12, 0);
        let alive = row(1, "ci", at(9, 0), false);
        assert_eq!(
            reconcile(&write, &[1], &[alive], sent, today()),
            Outcome::NotDone
        );
        let dead = row(1, "ci", at(9, 0), true);
        let new = row(2, "ci", at(12, 0), false);
        assert_eq!(
            reconcile(&write, &[1], &[dead.clone(), new.clone()], sent, today()),
            Outcome::Rotated(new)
        );
        assert!(matches!(
            reconcile(&write, &[1], &[dead], sent, today()),
            Outcome::Unclear(_)
        ));
    }

    #[test]
    fn a_revocation_shows_as_the_token_inactive_or_gone() {
        let write = Write::Revoke {
            id: 1,
            name: "ci".into(),
        };
        let sent = at(12, 0);
        assert_eq!(
            reconcile(
                &write,
                &[1],
                &[row(1, "ci", at(9, 0), false)],
                sent,
                today()
            ),
            Outcome::NotDone
        );
        assert_eq!(
            reconcile(&write, &[1], &[row(1, "ci", at(9, 0), true)], sent, today()),
            Outcome::Revoked
        );
        assert_eq!(
            reconcile(&write, &[1], &[], sent, today()),
            Outcome::Revoked
        );
    }

    #[test]
    fn messages_say_what_the_list_showed() {
        let failure = error(ErrorKind::Network, None);
        let write = Write::Revoke {
            id: 1,
            name: "ci".into(),
        };
        let e = explain(&write, &Outcome::NotDone, &failure);
        assert!(e.message.contains("not revoked and still works"));
        assert_eq!(e.kind, ErrorKind::Network);
        let e = explain(&write, &Outcome::Unclear("Why.".into()), &failure);
        assert!(e
            .message
            .contains("\u{201c}ci\u{201d}: Why. Check the list"));
        let list = error(ErrorKind::Server, Some(503));
        assert!(unchecked(&failure, &list).message.contains("(x)"));
    }
}
