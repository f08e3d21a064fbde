//! Form validation with a message per field, run as the user types and again on submit. What
//! passes becomes a typed request; GitLab is never asked to judge input we can judge here.

use crate::error::Field;
use crate::expiry::ExpiryChoice;
use crate::request::CreateProjectToken;
use crate::role::{AccessLevel, Caller};
use crate::scope::TokenKind;
use chrono::NaiveDate;

pub const MAX_NAME_CHARS: usize = 255;
pub const MAX_DESCRIPTION_CHARS: usize = 255;

/// Messages keyed by field, in form order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(Field, String)>);

impl FieldErrors {
    pub fn get(&self, field: Field) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn push(&mut self, field: Field, r: Result<(), String>) {
        if let Err(m) = r {
            self.0.push((field, m));
        }
    }
}

pub fn name(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Give the token a name.".into());
    }
    let chars = trimmed.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(format!(
            "Use at most {MAX_NAME_CHARS} characters (now {chars})."
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("Remove tabs, line breaks and other control characters.".into());
    }
    Ok(trimmed.to_string())
}

pub fn description(input: &str) -> Result<Option<String>, String> {
    let trimmed = input.trim();
    let chars = trimmed.chars().count();
    if chars > MAX_DESCRIPTION_CHARS {
        return Err(format!(
            "Use at most {MAX_DESCRIPTION_CHARS} characters (now {chars})."
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_string()))
}

pub fn scopes(kind: TokenKind, selected: &[String]) -> Result<Vec<String>, String> {
    if selected.is_empty() {
        return Err("Select at least one scope.".into());
    }
    if let Some(bad) = selected.iter().find(|s| kind.scope(s).is_none()) {
        return Err(format!(
            "\u{201c}{bad}\u{201d} is not a scope a {} can have.",
            kind.label()
        ));
    }
    // Catalog order, no duplicates: the request is stable whatever the click order.
    Ok(kind
        .scopes()
        .iter()
        .filter(|s| selected.iter().any(|x| x == s.name))
        .map(|s| s.name.to_string())
        .collect())
}

pub fn role(
    caller: Caller,
    role: Option<AccessLevel>,
    planner_supported: bool,
) -> Result<AccessLevel, String> {
    let role = role.ok_or("Choose a role.")?;
    if role == AccessLevel::Planner && !planner_supported {
        return Err("This GitLab version has no Planner role (it arrived in 17.7).".into());
    }
    if !caller.may_grant(role) {
        return Err(match role {
            AccessLevel::Owner => "Only Owners can create Owner tokens.".to_string(),
            _ => format!(
                "A token cannot have more access than you: choose {} or lower.",
                caller_label(caller)
            ),
        });
    }
    Ok(role)
}

fn caller_label(caller: Caller) -> &'static str {
    caller
        .role
        .map(AccessLevel::label)
        .unwrap_or("a lower role")
}

/// What the create form holds, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenForm {
    pub name: String,
    pub description: String,
    pub scopes: Vec<String>,
    pub role: Option<AccessLevel>,
    pub expiry: ExpiryChoice,
}

impl TokenForm {
    /// Defaults: no scope pre-selected (least privilege is the user's call), the highest role the
    /// caller may grant up to GitLab's default of Maintainer, and a 30-day expiry.
    pub fn new(caller: Caller) -> Self {
        let role = if caller.may_grant(AccessLevel::DEFAULT_FOR_TOKEN) {
            Some(AccessLevel::DEFAULT_FOR_TOKEN)
        } else {
            caller.grantable_roles(false).last().copied()
        };
        TokenForm {
            name: String::new(),
            description: String::new(),
            scopes: Vec::new(),
            role,
            expiry: ExpiryChoice::default(),
        }
    }
}

/// Facts about the instance and the caller that validation depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormContext {
    pub today: NaiveDate,
    pub caller: Caller,
    pub planner_supported: bool,
}

/// Checks every field; returns the request or every problem at once.
pub fn project_token(
    form: &TokenForm,
    ctx: &FormContext,
) -> Result<CreateProjectToken, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = name(&form.name);
    let description = description(&form.description);
    let scopes = scopes(TokenKind::ProjectAccessToken, &form.scopes);
    let role = role(ctx.caller, form.role, ctx.planner_supported);
    let expires_at = form.expiry.resolve(ctx.today);
    errors.push(Field::Name, name.as_ref().map(|_| ()).map_err(Clone::clone));
    errors.push(
        Field::Description,
        description.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    errors.push(
        Field::Scopes,
        scopes.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    errors.push(
        Field::AccessLevel,
        role.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    errors.push(
        Field::ExpiresAt,
        expires_at.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    match (name, description, scopes, role, expires_at) {
        (Ok(name), Ok(description), Ok(scopes), Ok(access_level), Ok(expires_at)) => {
            Ok(CreateProjectToken {
                name,
                description,
                scopes,
                access_level,
                expires_at,
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(role: AccessLevel) -> FormContext {
        FormContext {
            today: NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
            caller: Caller {
                role: Some(role),
                admin: false,
            },
            planner_supported: true,
        }
    }

    fn form() -> TokenForm {
        TokenForm {
            name: "  deploy bot ".into(),
            description: String::new(),
            scopes: vec!["write_repository".into(), "read_api".into()],
            role: Some(AccessLevel::Developer),
            expiry: ExpiryChoice::Preset(7),
        }
    }

    #[test]
    fn name_rules() {
        let cases: &[(&str, bool)] = &[
            ("ci", true),
            ("  padded  ", true),
            ("ünïcødé ✓", true),
            ("", false),
            ("   ", false),
            ("tab\there", false),
            ("line\nbreak", false),
            ("bell\u{7}", false),
        ];
        for (input, ok) in cases {
            assert_eq!(name(input).is_ok(), *ok, "{input:?}");
        }
        assert_eq!(name("  padded  ").unwrap(), "padded");
        assert!(
            name(&"é".repeat(255)).is_ok(),
            "255 multi-byte chars are fine"
        );
        assert!(name(&"a".repeat(256)).unwrap_err().contains("256"));
    }

    #[test]
    fn description_is_optional_and_bounded() {
        assert_eq!(description("  "), Ok(None));
        assert_eq!(description(" why "), Ok(Some("why".into())));
        assert!(description(&"x".repeat(256)).is_err());
    }

    #[test]
    fn scopes_must_be_known_and_present() {
        let k = TokenKind::ProjectAccessToken;
        assert!(scopes(k, &[]).is_err());
        assert!(scopes(k, &["read_user".into()])
            .unwrap_err()
            .contains("read_user"));
        assert!(scopes(k, &["sudo".into()]).is_err());
        let ok = scopes(k, &["read_repository".into(), "api".into(), "api".into()]).unwrap();
        assert_eq!(ok, vec!["api", "read_repository"]);
    }

    #[test]
    fn role_ceiling() {
        let maintainer = Caller {
            role: Some(AccessLevel::Maintainer),
            admin: false,
        };
        assert_eq!(
            role(maintainer, Some(AccessLevel::Maintainer), true),
            Ok(AccessLevel::Maintainer)
        );
        assert!(role(maintainer, Some(AccessLevel::Owner), true)
            .unwrap_err()
            .contains("Only Owners"));
        assert!(role(maintainer, None, true).is_err());
        assert!(role(maintainer, Some(AccessLevel::Planner), false)
            .unwrap_err()
            .contains("17.7"));
        let developer = Caller {
            role: Some(AccessLevel::Developer),
            admin: false,
        };
        assert!(role(developer, Some(AccessLevel::Maintainer), true)
            .unwrap_err()
            .contains("Developer or lower"));
        let owner = Caller {
            role: Some(AccessLevel::Owner),
            admin: false,
        };
        assert!(role(owner, Some(AccessLevel::Owner), true).is_ok());
    }

    #[test]
    fn valid_form_becomes_a_request() {
        let req = project_token(&form(), &ctx(AccessLevel::Maintainer)).unwrap();
        assert_eq!(req.name, "deploy bot");
        assert_eq!(req.description, None);
        assert_eq!(req.scopes, vec!["read_api", "write_repository"]);
        assert_eq!(req.access_level, AccessLevel::Developer);
        assert_eq!(
            req.expires_at,
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = TokenForm {
            name: " ".into(),
            description: "d".repeat(300),
            scopes: vec![],
            role: Some(AccessLevel::Owner),
            expiry: ExpiryChoice::Custom("2026-11-21".into()),
        };
        let errs = project_token(&bad, &ctx(AccessLevel::Maintainer)).unwrap_err();
        for f in [
            Field::Name,
            Field::Description,
            Field::Scopes,
            Field::AccessLevel,
            Field::ExpiresAt,
        ] {
            assert!(errs.get(f).is_some(), "{f:?} should have an error");
        }
    }

    #[test]
    fn defaults_respect_the_callers_role() {
        let dev = TokenForm::new(Caller {
            role: Some(AccessLevel::Developer),
            admin: false,
        });
        assert_eq!(dev.role, Some(AccessLevel::Developer));
        let owner = TokenForm::new(Caller {
            role: Some(AccessLevel::Owner),
            admin: false,
        });
        assert_eq!(owner.role, Some(AccessLevel::Maintainer));
        assert!(owner.scopes.is_empty());
        assert_eq!(owner.expiry, ExpiryChoice::Preset(30));
    }
}
