//! Bulk revoke and rotate: the dry run that says, before anything is sent, exactly what will
//! happen to each selected credential, and the calls that do it.

use chrono::NaiveDate;

use super::filter::Row;
use super::policy::{Policy, Proposed, Violation};
use crate::kind::{Kind, Owner};
use crate::request::{self, ApiRequest};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulkAction {
    Revoke,
    /// With the new expiry chosen for every rotated token (None: GitLab's default).
    Rotate(Option<NaiveDate>),
}

/// What the dry run says will happen to one selected row.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// The call is sent; the sentence says what it does.
    Send { request: ApiRequest, says: String },
    /// Nothing is sent, and why.
    Skip(String),
}

/// One selected row, and what happens to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Index into the rows.
    pub row: usize,
    pub step: Step,
}

/// What a bulk action needs to know besides the rows.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub today: NaiveDate,
    /// The personal access token the page signs in with: changing it in bulk would end the
    /// session halfway through.
    pub session_token: Option<u64>,
    pub policy: Option<&'a Policy>,
    /// An administrator may rotate any token.
    pub admin: bool,
}

/// Revoking and rotating use the same word for every kind but two: deploy keys and triggers
/// are removed, not revoked.
pub fn verb(kind: Kind) -> &'static str {
    if matches!(kind, Kind::DeployKey | Kind::TriggerToken) {
        "Remove"
    } else {
        "Revoke"
    }
}

/// Where a row's calls go: its project or group by path (rows keep the path, and GitLab
/// accepts it), the user's own list, or an administrator's list of everyone's tokens.
fn owner_of(row: &Row, session_user_owns: bool) -> Owner {
    use crate::kind::OwnerType;
    use crate::request::ProjectRef;
    match row.kind.spec().owner {
        OwnerType::Project => Owner::Project(ProjectRef::Path(row.path.clone())),
        OwnerType::Group => Owner::Group(ProjectRef::Path(row.path.clone())),
        _ if session_user_owns => Owner::Me,
        _ => Owner::Instance,
    }
}

/// The dry run of `action` on the rows at `selected`. `own_user` is the signed-in user's id
/// (their personal tokens go through their own list).
pub fn dry_run(
    rows: &[Row],
    selected: &[usize],
    action: BulkAction,
    own_user: u64,
    ctx: Context,
) -> Vec<Item> {
    selected
        .iter()
        .filter_map(|&i| rows.get(i).map(|row| (i, row)))
        .map(|(i, row)| Item {
            row: i,
            step: step(row, action, own_user, ctx),
        })
        .collect()
}

fn step(row: &Row, action: BulkAction, own_user: u64, ctx: Context) -> Step {
    let c = &row.credential;
    let kind = row.kind;
    let noun = kind.noun();
    if !c.status(ctx.today).is_active() {
        return Step::Skip(format!("This {noun} no longer works: nothing to do."));
    }
    if kind == Kind::PersonalAccessToken && ctx.session_token == Some(c.id) {
        return Step::Skip(
            "tokenwarden is signed in with this token: rotate or revoke it from My tokens.".into(),
        );
    }
    let mine = kind == Kind::PersonalAccessToken && c.user_id.is_none_or(|u| u == own_user);
    let owner = owner_of(row, mine);
    match action {
        BulkAction::Revoke => Step::Send {
            request: request::revoke(&owner, kind, c.id),
            says: format!(
                "{} this {noun}: whatever uses it loses access at once.",
                verb(kind)
            ),
        },
        BulkAction::Rotate(expires_at) => {
            if !kind.spec().rotates {
                return Step::Skip(format!(
                    "GitLab cannot rotate a {}: create a new one, then revoke this one.",
                    kind.label()
                ));
            }
            // GitLab refuses to rotate a token whose role is above the user's own there.
            if let (Some(level), Some(mine), false) = (c.access_level, row.role, ctx.admin) {
                if level > mine {
                    return Step::Skip(format!(
                        "Not rotated: this {noun} has the {} role and yours in {} is {}; GitLab lets only someone with its role rotate it.",
                        level.label(),
                        row.path,
                        mine.label()
                    ));
                }
            }
            if let Some(policy) = ctx.policy {
                let proposed = Proposed {
                    kind,
                    name: &c.name,
                    scopes: &c.scopes,
                    description: &c.description,
                    expires_at: expires_at.or(Some(crate::expiry::add_days(ctx.today, 7))),
                    today: ctx.today,
                };
                let blocking: Vec<String> = policy
                    .check(&proposed)
                    .iter()
                    .filter(|v| matches!(v, Violation::TooLong { .. } | Violation::NoExpiry { .. }))
                    .map(Violation::sentence)
                    .collect();
                if !blocking.is_empty() {
                    return Step::Skip(format!("Not rotated: {}", blocking.join(" ")));
                }
            }
            let when = match expires_at {
                Some(d) => format!("expiring {d}"),
                None => "expiring when GitLab decides (a week from today)".into(),
            };
            Step::Send {
                request: request::rotate(&owner, kind, c.id, expires_at),
                says: format!(
                    "Rotate: this {noun} stops working at once and a new one, {when}, is shown once."
                ),
            }
        }
    }
}

/// How many items the dry run will send.
pub fn sending(items: &[Item]) -> usize {
    items
        .iter()
        .filter(|i| matches!(i.step, Step::Send { .. }))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Credential;
    use crate::request::Method;
    use crate::role::AccessLevel;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn row(kind: Kind, id: u64, path: &str, expires: Option<&str>) -> Row {
        let c = Credential {
            id,
            name: format!("t{id}"),
            expires_at: expires.and_then(crate::expiry::parse_date),
            user_id: (kind == Kind::PersonalAccessToken).then_some(1),
            ..Credential::default()
        };
        Row::new(kind, c, path.into(), path.into(), String::new(), Vec::new())
    }

    fn ctx(policy: Option<&Policy>) -> Context<'_> {
        Context {
            today: today(),
            session_token: Some(99),
            policy,
            admin: false,
        }
    }

    #[test]
    fn a_dry_run_says_what_each_row_will_get() {
        let rows = vec![
            row(Kind::ProjectAccessToken, 1, "demo/web", Some("2027-01-01")),
            row(Kind::DeployKey, 2, "demo/web", None),
            row(Kind::GroupDeployToken, 3, "demo", Some("2026-01-01")),
            row(Kind::PersonalAccessToken, 99, "", None),
            row(Kind::PersonalAccessToken, 4, "", None),
        ];
        let items = dry_run(
            &rows,
            &[0, 1, 2, 3, 4, 17],
            BulkAction::Revoke,
            1,
            ctx(None),
        );
        assert_eq!(items.len(), 5, "an index past the rows is dropped");
        let sent: Vec<(Method, String)> = items
            .iter()
            .filter_map(|i| match &i.step {
                Step::Send { request, .. } => Some((request.method, request.path.clone())),
                Step::Skip(_) => None,
            })
            .collect();
        assert_eq!(
            sent,
            [
                (
                    Method::Delete,
                    "/projects/demo%2Fweb/access_tokens/1".into()
                ),
                (Method::Delete, "/projects/demo%2Fweb/deploy_keys/2".into()),
                (Method::Delete, "/personal_access_tokens/4".into()),
            ]
        );
        assert_eq!(sending(&items), 3);
        assert!(matches!(&items[1].step, Step::Send { says, .. } if says.starts_with("Remove")));
        assert!(matches!(&items[2].step, Step::Skip(s) if s.contains("no longer works")));
        assert!(matches!(&items[3].step, Step::Skip(s) if s.contains("signed in with")));
    }

    #[test]
    fn a_rotation_skips_what_cannot_rotate_and_what_the_policy_forbids() {
        let rows = vec![
            row(Kind::GroupAccessToken, 1, "demo", Some("2027-01-01")),
            row(Kind::ProjectDeployToken, 2, "demo/web", None),
            row(Kind::PersonalAccessToken, 3, "", None),
        ];
        let when = NaiveDate::from_ymd_opt(2027, 6, 1);
        let items = dry_run(&rows, &[0, 1, 2], BulkAction::Rotate(when), 1, ctx(None));
        match &items[0].step {
            Step::Send { request, says } => {
                assert_eq!(request.method, Method::Post);
                assert_eq!(request.path, "/groups/demo/access_tokens/1/rotate");
                assert!(says.contains("2027-06-01"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&items[1].step, Step::Skip(s) if s.contains("cannot rotate")));
        let policy =
            Policy::parse(r#"{"kinds":{"personal_access_token":{"max_lifetime_days":30}}}"#)
                .unwrap();
        let items = dry_run(&rows, &[2], BulkAction::Rotate(when), 1, ctx(Some(&policy)));
        assert!(matches!(&items[0].step, Step::Skip(s) if s.contains("at most 30 days")));
        // A Maintainer cannot rotate an Owner token; an Owner, or an admin, can.
        let mut owner_token = row(Kind::ProjectAccessToken, 5, "demo/web", Some("2027-01-01"));
        owner_token.credential.access_level = Some(AccessLevel::Owner);
        owner_token.role = Some(AccessLevel::Maintainer);
        let rows2 = vec![owner_token.clone()];
        let items = dry_run(&rows2, &[0], BulkAction::Rotate(when), 1, ctx(None));
        assert!(
            matches!(&items[0].step, Step::Skip(s) if s.contains("Owner role") && s.contains("yours in demo/web is Maintainer")),
            "{items:?}"
        );
        let admin = Context {
            admin: true,
            ..ctx(None)
        };
        let items = dry_run(&rows2, &[0], BulkAction::Rotate(when), 1, admin);
        assert!(matches!(&items[0].step, Step::Send { .. }));
        owner_token.role = Some(AccessLevel::Owner);
        let items = dry_run(&[owner_token], &[0], BulkAction::Rotate(when), 1, ctx(None));
        assert!(matches!(&items[0].step, Step::Send { .. }));
        // GitLab's default week fits the policy.
        let items = dry_run(&rows, &[2], BulkAction::Rotate(None), 1, ctx(Some(&policy)));
        assert!(matches!(&items[0].step, Step::Send { request, .. }
            if request.path == "/personal_access_tokens/3/rotate"));
    }
}
