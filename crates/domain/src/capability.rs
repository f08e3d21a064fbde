//! What the signed-in user may do with a kind here, decided once from GitLab's rules so that the
//! page shows a disabled control with the reason instead of letting GitLab refuse.

use crate::kind::{Kind, OwnerType};
use crate::models::Credential;
use crate::role::{AccessLevel, Caller};
use chrono::NaiveDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    View,
    Create,
    Rotate,
    Revoke,
    Edit,
}

impl Action {
    fn verb(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (Action::View, _) => "see",
            (Action::Create, Kind::DeployKey) => "add",
            (Action::Create, _) => "create",
            (Action::Rotate, _) => "rotate",
            (Action::Revoke, Kind::DeployKey | Kind::TriggerToken) => "remove",
            (Action::Revoke, _) => "revoke",
            (Action::Edit, _) => "edit",
        }
    }
}

/// Who is asking, where: their role in the project or group, admin status, and for personal
/// tokens whether the tokens are their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Who {
    pub caller: Caller,
    /// The personal tokens shown are the caller's own.
    pub own: bool,
    /// The caller's user id: only a trigger's owner may edit it.
    pub user_id: u64,
}

fn role_name(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::Owner => "Owners",
        AccessLevel::Maintainer => "Maintainers and Owners",
        _ => "members with a higher role",
    }
}

/// Ok when GitLab would allow `action` on `kind` (on `row`, for row actions); otherwise the
/// reason, in words for the page.
pub fn check(
    kind: Kind,
    who: Who,
    action: Action,
    row: Option<&Credential>,
    today: NaiveDate,
) -> Result<(), String> {
    let spec = kind.spec();
    let noun = kind.noun();
    match action {
        Action::Rotate if !spec.rotates => {
            return Err(format!(
                "GitLab cannot rotate a {}: create a new one, then revoke this one.",
                kind.label()
            ))
        }
        Action::Edit if !spec.editable => {
            return Err(format!("GitLab cannot change a {} in place.", kind.label()))
        }
        _ => {}
    }
    if let Some(row) = row {
        if matches!(action, Action::Rotate | Action::Revoke) && !row.status(today).is_active() {
            return Err(format!("This {noun} no longer works."));
        }
    }
    let caller = who.caller;
    if caller.admin {
        return Ok(());
    }
    if spec.owner == OwnerType::User {
        return if who.own {
            Ok(())
        } else {
            Err("Only administrators can manage other people's personal access tokens.".into())
        };
    }
    let needed = if action == Action::View {
        spec.roles.view
    } else {
        spec.roles.write
    };
    let place = if spec.owner == OwnerType::Group {
        "group"
    } else {
        "project"
    };
    let you = caller.role.map_or("not a member", |r| r.label());
    if caller.role.is_none_or(|r| r < needed) {
        return Err(format!(
            "Only {} of this {place} can {} {}s. You are {you}.",
            role_name(needed),
            action.verb(kind),
            kind.label()
        ));
    }
    if action == Action::Edit && kind == Kind::TriggerToken {
        if let Some(owner) = row.and_then(|r| r.owner.as_ref()) {
            if owner.id != who.user_id {
                return Err(format!(
                    "Only the trigger's owner (@{}) can edit it.",
                    owner.username
                ));
            }
        }
    }
    // No escalation: a token above the caller's own role cannot be rotated by them.
    if action == Action::Rotate {
        if let Some(level) = row.and_then(|r| r.access_level) {
            if !caller.may_grant(level) {
                return Err(format!(
                    "This token has the {} role, above yours ({you}): only an Owner can rotate it.",
                    level.label()
                ));
            }
        }
    }
    Ok(())
}

/// [`check`] for a kind listed under an owner type: the instance lists are for administrators,
/// and only list what GitLab's instance endpoints can act on.
pub fn check_at(
    owner: OwnerType,
    kind: Kind,
    who: Who,
    action: Action,
    row: Option<&Credential>,
    today: NaiveDate,
) -> Result<(), String> {
    if owner == OwnerType::Instance {
        if !who.caller.admin {
            return Err("Only administrators see every token on the instance.".into());
        }
        let deploy = kind.spec().owner != OwnerType::User;
        match action {
            Action::Create if deploy => {
                return Err("Deploy tokens are created in a project or group.".into())
            }
            Action::Create => {
                return Err(
                    "To create a token for someone, open their tokens from the User column."
                        .into(),
                )
            }
            Action::Revoke if deploy => {
                return Err("GitLab's list of every deploy token does not say which project or group each belongs to: revoke it there.".into())
            }
            _ => {}
        }
    }
    check(kind, who, action, row, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Option<AccessLevel>, admin: bool) -> Who {
        Who {
            caller: Caller { role, admin },
            own: false,
            user_id: 1,
        }
    }

    fn row(level: Option<u8>, revoked: bool) -> Credential {
        let json = format!(
            r#"{{"id":1,"name":"t","revoked":{revoked},"active":{},"access_level":{}}}"#,
            !revoked,
            level.map_or("null".into(), |l| l.to_string())
        );
        crate::json::from_str(&json).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn role_table() {
        use AccessLevel::*;
        use Action::*;
        use Kind::*;
        // (kind, role, action, allowed)
        let table = [
            (ProjectAccessToken, Developer, View, false),
            (ProjectAccessToken, Maintainer, View, true),
            (ProjectAccessToken, Maintainer, Create, true),
            (GroupAccessToken, Maintainer, View, false),
            (GroupAccessToken, Maintainer, Rotate, false),
            (GroupAccessToken, Owner, Revoke, true),
            (ProjectDeployToken, Developer, View, false),
            (ProjectDeployToken, Maintainer, Create, true),
            (GroupDeployToken, Maintainer, View, true),
            (GroupDeployToken, Maintainer, Create, false),
            (GroupDeployToken, Maintainer, Revoke, false),
            (GroupDeployToken, Owner, Create, true),
            (DeployKey, Maintainer, Edit, true),
            (DeployKey, Developer, Create, false),
            (TriggerToken, Maintainer, Edit, true),
            (TriggerToken, Reporter, View, false),
            (ProjectDeployToken, Owner, Rotate, false),
            (DeployKey, Owner, Rotate, false),
            (ProjectAccessToken, Owner, Edit, false),
        ];
        for (kind, role, action, allowed) in table {
            let r = check(kind, who(Some(role), false), action, None, today());
            assert_eq!(r.is_ok(), allowed, "{kind:?} {role:?} {action:?}: {r:?}");
        }
        let e = check(
            GroupAccessToken,
            who(Some(Maintainer), false),
            View,
            None,
            today(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "Only Owners of this group can see group access tokens. You are Maintainer."
        );
        let e = check(ProjectDeployToken, who(None, false), Create, None, today()).unwrap_err();
        assert!(e.contains("You are not a member"), "{e}");
        let e = check(
            ProjectDeployToken,
            who(Some(Owner), false),
            Rotate,
            None,
            today(),
        )
        .unwrap_err();
        assert!(e.contains("create a new one"), "{e}");
    }

    #[test]
    fn no_rotation_above_ones_own_role() {
        let maintainer = who(Some(AccessLevel::Maintainer), false);
        let owner_token = row(Some(50), false);
        let e = check(
            Kind::ProjectAccessToken,
            maintainer,
            Action::Rotate,
            Some(&owner_token),
            today(),
        )
        .unwrap_err();
        assert!(e.contains("only an Owner can rotate it"), "{e}");
        // Revoking it is still allowed: GitLab checks the role only on rotation.
        assert!(check(
            Kind::ProjectAccessToken,
            maintainer,
            Action::Revoke,
            Some(&owner_token),
            today()
        )
        .is_ok());
        assert!(check(
            Kind::ProjectAccessToken,
            who(Some(AccessLevel::Owner), false),
            Action::Rotate,
            Some(&owner_token),
            today()
        )
        .is_ok());
        assert!(check(
            Kind::ProjectAccessToken,
            who(None, true),
            Action::Rotate,
            Some(&owner_token),
            today()
        )
        .is_ok());
    }

    #[test]
    fn only_a_triggers_owner_edits_it() {
        let trigger = |owner: u64| -> Credential {
            crate::json::from_str(&format!(
                r#"{{"id":9,"description":"d","owner":{{"id":{owner},"username":"maria"}}}}"#
            ))
            .unwrap()
        };
        let me = who(Some(AccessLevel::Maintainer), false);
        let edit =
            |row: &Credential| check(Kind::TriggerToken, me, Action::Edit, Some(row), today());
        assert!(edit(&trigger(1)).is_ok());
        assert_eq!(
            edit(&trigger(2)).unwrap_err(),
            "Only the trigger's owner (@maria) can edit it."
        );
        assert!(check(
            Kind::TriggerToken,
            me,
            Action::Revoke,
            Some(&trigger(2)),
            today()
        )
        .is_ok());
    }

    #[test]
    fn dead_rows_and_other_peoples_tokens() {
        let dead = row(None, true);
        let e = check(
            Kind::ProjectAccessToken,
            who(None, true),
            Action::Revoke,
            Some(&dead),
            today(),
        )
        .unwrap_err();
        assert!(e.contains("no longer works"), "{e}");
        let mine = Who {
            caller: Caller {
                role: None,
                admin: false,
            },
            own: true,
            user_id: 1,
        };
        assert!(check(
            Kind::PersonalAccessToken,
            mine,
            Action::Rotate,
            None,
            today()
        )
        .is_ok());
        assert!(check(
            Kind::PersonalAccessToken,
            who(None, false),
            Action::View,
            None,
            today()
        )
        .is_err());
        assert!(check(
            Kind::PersonalAccessToken,
            who(None, true),
            Action::Create,
            None,
            today()
        )
        .is_ok());
    }

    #[test]
    fn instance_lists_are_for_administrators_and_read_what_gitlab_cannot_act_on() {
        use Action::*;
        use Kind::*;
        let admin = who(None, true);
        let owner_of_all = who(Some(AccessLevel::Owner), false);
        let live = row(None, false);
        // (kind, who, action, allowed)
        let cases = [
            (PersonalAccessToken, admin, View, true),
            (PersonalAccessToken, admin, Rotate, true),
            (PersonalAccessToken, admin, Revoke, true),
            (PersonalAccessToken, admin, Create, false),
            (ProjectDeployToken, admin, View, true),
            (ProjectDeployToken, admin, Revoke, false),
            (ProjectDeployToken, admin, Create, false),
            (PersonalAccessToken, owner_of_all, View, false),
            (ProjectDeployToken, owner_of_all, View, false),
        ];
        for (kind, w, action, allowed) in cases {
            let got = check_at(OwnerType::Instance, kind, w, action, Some(&live), today());
            assert_eq!(got.is_ok(), allowed, "{kind:?} {action:?} {got:?}");
        }
        // Elsewhere the ordinary rules apply.
        assert!(check_at(
            OwnerType::Project,
            ProjectDeployToken,
            owner_of_all,
            Revoke,
            Some(&live),
            today()
        )
        .is_ok());
    }
}
