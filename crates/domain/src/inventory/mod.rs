//! One inventory of every credential the signed-in user administers, across all projects and
//! groups and every kind: which list calls to make ([`plan`]), the table's rows, filters and
//! sort ([`filter`]), the expiry forecast ([`forecast`]), exports ([`export`]) and the optional
//! site policy ([`policy`]).
//!
//! All of it is plain data and functions, so the page only sends the planned calls, feeds the
//! answers back into [`plan::Scan`] and renders what these functions return.

pub mod bulk;
pub mod export;
pub mod filter;
pub mod forecast;
pub mod plan;
pub mod policy;

pub use filter::{Filter, KindSet, Row, Sort, SortColumn, State};
pub use forecast::{Forecast, Week};
pub use plan::{Event, Planned, Reach, Scan, ScanPlan, Target, TargetId};
pub use policy::{Policy, PolicyError, Violation};

use crate::kind::Owner;
use chrono::NaiveDate;

/// The table's rows from what a scan found so far. `base` is the signed-in instance's web URL
/// (for settings links); violations are only looked for on tokens that still work, since a
/// revoked or expired token can no longer do harm.
pub fn rows(scan: &Scan, base: &str, policy: Option<&Policy>, today: NaiveDate) -> Vec<Row> {
    scan.found()
        .iter()
        .map(|found| {
            let target = scan.target(found.target);
            let credential = found.credential.clone();
            let violations = match policy {
                Some(p) if credential.status(today).is_active() => {
                    p.check_credential(target.kind, &credential)
                }
                _ => Vec::new(),
            };
            // An administrator's list holds everyone's tokens: name the user instead of "all users".
            let place_name = match (&target.owner, credential.user_id) {
                (Owner::Instance, Some(id)) => format!("user {id}"),
                _ => target.name.clone(),
            };
            let mut row = Row::new(
                target.kind,
                credential,
                target.path.clone(),
                place_name,
                target.settings_url(base),
                violations,
            );
            row.role = target.role;
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;
    use crate::models::{Credential, Place, User};
    use crate::pagination::PageInfo;

    #[test]
    fn a_scan_becomes_rows_with_links_and_violations() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let admin = User {
            id: 1,
            username: "root".into(),
            name: "Admin".into(),
            is_admin: true,
        };
        let web = Reach {
            place: Place {
                id: 7,
                name: "web".into(),
                name_with_namespace: "Demo / web".into(),
                path_with_namespace: "demo/web".into(),
                ..Place::default()
            },
            role: None,
        };
        let plan = plan::plan(&plan::PlanInput {
            user: &admin,
            projects: std::slice::from_ref(&web),
            groups: &[],
            version: "18.0.0",
        });
        let mut scan = Scan::new(plan, plan::MAX_IN_FLIGHT);
        let mut sent = Vec::new();
        while let Some(p) = scan.take_next() {
            sent.push(p);
        }
        for p in sent {
            let items = match p.request.path.as_str() {
                "/projects/7/access_tokens" => vec![Credential {
                    id: 5,
                    name: "ci".into(),
                    scopes: vec!["api".into()],
                    expires_at: NaiveDate::from_ymd_opt(2027, 1, 1),
                    ..Credential::default()
                }],
                "/personal_access_tokens" => vec![Credential {
                    id: 6,
                    name: "laptop".into(),
                    user_id: Some(3),
                    ..Credential::default()
                }],
                _ => Vec::new(),
            };
            let info = PageInfo {
                page: 1,
                per_page: 100,
                ..PageInfo::default()
            };
            scan.apply(Event::Answered {
                planned: p,
                items,
                info,
            });
        }
        assert!(scan.progress().finished);
        let policy =
            Policy::parse(r#"{"kinds":{"project_access_token":{"forbidden_scopes":["api"]}}}"#)
                .unwrap();
        let rows = rows(&scan, "https://gl.example", Some(&policy), today);
        assert_eq!(rows.len(), 2);
        let ci = rows.iter().find(|r| r.credential.id == 5).unwrap();
        assert_eq!(ci.kind, Kind::ProjectAccessToken);
        assert_eq!(ci.path, "demo/web");
        assert_eq!(ci.place_name, "Demo / web");
        assert_eq!(
            ci.settings_url,
            "https://gl.example/demo/web/-/settings/access_tokens"
        );
        assert_eq!(ci.violations.len(), 1);
        let laptop = rows.iter().find(|r| r.credential.id == 6).unwrap();
        assert_eq!(laptop.place_name, "user 3");
        assert!(laptop.violations.is_empty());
    }
}
