//! Form validation with a message per field, run as the user types and again on submit. What
//! passes becomes a typed request; GitLab is never asked to judge input we can judge here.

use crate::error::Field;
use crate::expiry::{ExpiryChoice, MAX_LIFETIME_DAYS};
use crate::kind::{ExpiryRule, Kind};
use crate::request::CreateBody;
use crate::role::{AccessLevel, Caller};
use crate::scope::{ScopeInfo, ADMIN_SCOPES, SELF_SERVICE_SCOPES, VIRTUAL_REGISTRY_SCOPES};
use crate::ssh_key;
use chrono::NaiveDate;

pub const MAX_NAME_CHARS: usize = 255;
pub const MAX_DESCRIPTION_CHARS: usize = 255;
pub const MAX_USERNAME_CHARS: usize = 255;

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

    /// The value, or None after noting the message at `field`.
    fn take<T>(&mut self, field: Field, r: Result<T, String>) -> Option<T> {
        r.map_err(|m| self.0.push((field, m))).ok()
    }

    /// The first field with a problem, in form order: where focus goes after a failed submit.
    pub fn first(&self) -> Option<Field> {
        self.0.first().map(|(f, _)| *f)
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

pub fn scopes(
    kind: Kind,
    offered: &[&ScopeInfo],
    selected: &[String],
) -> Result<Vec<String>, String> {
    if selected.is_empty() {
        return Err("Select at least one scope.".into());
    }
    if let Some(bad) = selected
        .iter()
        .find(|s| !offered.iter().any(|o| o.name == s.as_str()))
    {
        return Err(format!(
            "\u{201c}{bad}\u{201d} is not a scope a {} can have here.",
            kind.label()
        ));
    }
    // Catalog order, no duplicates: the request is stable whatever the click order.
    Ok(offered
        .iter()
        .filter(|s| selected.iter().any(|x| x == s.name))
        .map(|s| s.name.to_string())
        .collect())
}

/// Deploy token usernames: GitLab's `^[a-zA-Z0-9.+_-]+$`, at most 255 characters; empty means
/// GitLab's default `gitlab+deploy-token-{id}`.
pub fn username(input: &str) -> Result<Option<String>, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let chars = trimmed.chars().count();
    if chars > MAX_USERNAME_CHARS {
        return Err(format!(
            "Use at most {MAX_USERNAME_CHARS} characters (now {chars})."
        ));
    }
    if !trimmed
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
    {
        return Err("A username can contain only letters, digits, '_', '-', '+', and '.'.".into());
    }
    Ok(Some(trimmed.to_string()))
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

/// What a create form holds, as typed. Fields a kind lacks stay empty and are not checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialForm {
    pub name: String,
    pub description: String,
    pub scopes: Vec<String>,
    pub role: Option<AccessLevel>,
    pub expiry: ExpiryChoice,
    pub username: String,
    pub key: String,
    pub can_push: bool,
}

impl CredentialForm {
    /// Defaults: no scope pre-selected (least privilege is the user's call), the highest role the
    /// caller may grant up to GitLab's default of Maintainer, 30 days for kinds that must expire
    /// and no expiry for the others, read-only deploy keys.
    pub fn new(kind: Kind, caller: Caller) -> Self {
        let role = if !kind.spec().has_role {
            None
        } else if caller.may_grant(AccessLevel::DEFAULT_FOR_TOKEN) {
            Some(AccessLevel::DEFAULT_FOR_TOKEN)
        } else {
            caller.grantable_roles(false).last().copied()
        };
        let expiry = match kind.spec().expiry {
            ExpiryRule::Required => ExpiryChoice::default(),
            ExpiryRule::Optional | ExpiryRule::None => ExpiryChoice::Never,
        };
        CredentialForm {
            name: String::new(),
            description: String::new(),
            scopes: Vec::new(),
            role,
            expiry,
            username: String::new(),
            key: String::new(),
            can_push: false,
        }
    }
}

/// Facts about the instance and the caller that validation depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormContext {
    pub today: NaiveDate,
    pub caller: Caller,
    pub planner_supported: bool,
    /// Token descriptions arrived in GitLab 17.7.
    pub descriptions_supported: bool,
    pub virtual_registry_supported: bool,
    /// A personal token for oneself through `POST /user/personal_access_tokens`, which takes
    /// only a few scopes; false when an admin creates one through `/users/:id`.
    pub self_service: bool,
}

/// The scopes the form offers for `kind` here.
pub fn offered_scopes(kind: Kind, ctx: &FormContext) -> Vec<&'static ScopeInfo> {
    kind.spec()
        .scopes
        .iter()
        .filter(|s| {
            let admin_only = ADMIN_SCOPES.contains(&s.name);
            let virtual_registry = VIRTUAL_REGISTRY_SCOPES.contains(&s.name);
            (!admin_only || (ctx.caller.admin && !ctx.self_service))
                && (!virtual_registry || ctx.virtual_registry_supported)
        })
        .collect()
}

/// For a personal token made through the self-service endpoint: the chosen scopes that endpoint
/// refuses, which only GitLab's own form can grant.
pub fn needs_gitlab_form(kind: Kind, ctx: &FormContext, scopes: &[String]) -> Vec<String> {
    if kind != Kind::PersonalAccessToken || !ctx.self_service {
        return Vec::new();
    }
    scopes
        .iter()
        .filter(|s| !SELF_SERVICE_SCOPES.contains(&s.as_str()))
        .cloned()
        .collect()
}

/// GitLab's own "new personal access token" form, prefilled with a name and scopes, for the
/// scopes its self-service API refuses.
pub fn gitlab_pat_form(base: &str, name: &str, scopes: &[String]) -> String {
    format!(
        "{base}/-/user_settings/personal_access_tokens?name={}&scopes={}",
        crate::request::encode_component(name.trim()),
        crate::request::encode_component(&scopes.join(","))
    )
}

/// Checks every field the kind has; returns the request body or every problem at once.
pub fn credential(
    kind: Kind,
    form: &CredentialForm,
    ctx: &FormContext,
) -> Result<CreateBody, FieldErrors> {
    check_fields(kind, kind.spec().fields, form, ctx)
}

/// [`credential`], then the site's policy: each rule broken is said at its field (a field that
/// already has a problem keeps that one), and nothing is sent until none is broken.
pub fn credential_within(
    kind: Kind,
    form: &CredentialForm,
    ctx: &FormContext,
    policy: Option<&crate::inventory::Policy>,
) -> Result<CreateBody, FieldErrors> {
    let checked = credential(kind, form, ctx);
    let Some(policy) = policy else {
        return checked;
    };
    let expires_at = form.expiry.resolve_within(ctx.today, None).ok().flatten();
    // A trigger is named by its description.
    let name = if kind == Kind::TriggerToken {
        &form.description
    } else {
        &form.name
    };
    let broken = policy.check(&crate::inventory::policy::Proposed {
        kind,
        name,
        scopes: &form.scopes,
        description: &form.description,
        expires_at,
        today: ctx.today,
    });
    if broken.is_empty() {
        return checked;
    }
    let mut errors = checked.err().unwrap_or_default();
    for v in broken {
        let field = v.field();
        if errors.get(field).is_none() {
            errors
                .0
                .push((field, format!("Site policy: {}", v.sentence())));
        }
    }
    Err(errors)
}

/// Checks the fields an edit changes (a deploy key's title and write access, a trigger's
/// description).
pub fn edit(
    kind: Kind,
    form: &CredentialForm,
    ctx: &FormContext,
) -> Result<CreateBody, FieldErrors> {
    check_fields(kind, kind.spec().edit_fields, form, ctx)
}

fn check_fields(
    kind: Kind,
    fields: &[Field],
    form: &CredentialForm,
    ctx: &FormContext,
) -> Result<CreateBody, FieldErrors> {
    let spec = kind.spec();
    let mut errors = FieldErrors::default();
    let mut body = CreateBody::default();
    for field in fields {
        match field {
            Field::Name => {
                let r = name(&form.name).map_err(|e| {
                    // A deploy key is named by its title.
                    if kind == Kind::DeployKey && form.name.trim().is_empty() {
                        "Give the key a title.".to_string()
                    } else {
                        e
                    }
                });
                let name = errors.take(Field::Name, r);
                if kind == Kind::DeployKey {
                    body.title = name;
                } else {
                    body.name = name;
                }
            }
            Field::Description => {
                // A trigger's description is its name: required.
                let r = if kind == Kind::TriggerToken {
                    name(&form.description).map(Some)
                } else {
                    description(&form.description).and_then(|d| match d {
                        Some(_) if !ctx.descriptions_supported => Err(
                            "This GitLab version has no token descriptions (they arrived in 17.7): leave it empty.".into(),
                        ),
                        d => Ok(d),
                    })
                };
                body.description = errors.take(Field::Description, r).flatten();
            }
            Field::Scopes => {
                let offered = offered_scopes(kind, ctx);
                let r = scopes(kind, &offered, &form.scopes).and_then(|chosen| {
                    let refused = needs_gitlab_form(kind, ctx, &chosen);
                    if refused.is_empty() {
                        Ok(chosen)
                    } else {
                        Err(format!(
                            "GitLab lets you create a token with {} only in its own settings page: use the link below, or choose only k8s_proxy or self_rotate here.",
                            refused.join(", ")
                        ))
                    }
                });
                body.scopes = errors.take(Field::Scopes, r);
            }
            Field::AccessLevel => {
                body.access_level = errors.take(
                    Field::AccessLevel,
                    role(ctx.caller, form.role, ctx.planner_supported),
                );
            }
            Field::ExpiresAt => {
                let max = (spec.expiry == ExpiryRule::Required).then_some(MAX_LIFETIME_DAYS);
                let r = form.expiry.resolve_within(ctx.today, max).and_then(|d| {
                    if d.is_none() && spec.expiry == ExpiryRule::Required {
                        Err("Choose when the token expires.".to_string())
                    } else {
                        Ok(d)
                    }
                });
                body.expires_at = errors.take(Field::ExpiresAt, r).flatten();
            }
            Field::Username => {
                body.username = errors
                    .take(Field::Username, username(&form.username))
                    .flatten();
            }
            Field::Key => {
                let r = ssh_key::parse(&form.key).map_err(|e| e.to_string());
                body.key = errors.take(Field::Key, r).map(|k| k.normalized);
            }
            Field::CanPush => body.can_push = Some(form.can_push),
        }
    }
    if errors.0.is_empty() {
        Ok(body)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::RESOURCE_SCOPES;

    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHUgJg71Rsxlr3uJXoGwYVhur9+pHpJNt3RrGFP6jWSh me@laptop";

    fn ctx(role: AccessLevel) -> FormContext {
        FormContext {
            today: NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
            caller: Caller {
                role: Some(role),
                admin: false,
            },
            planner_supported: true,
            descriptions_supported: true,
            virtual_registry_supported: true,
            self_service: true,
        }
    }

    fn form(kind: Kind) -> CredentialForm {
        CredentialForm {
            name: "  deploy bot ".into(),
            scopes: vec!["write_repository".into(), "read_api".into()],
            role: Some(AccessLevel::Developer),
            expiry: ExpiryChoice::Preset(7),
            ..CredentialForm::new(kind, ctx(AccessLevel::Maintainer).caller)
        }
    }

    #[test]
    fn the_site_policy_holds_back_a_create_at_the_fields_it_concerns() {
        let policy = crate::inventory::Policy::parse(
            r#"{"kinds":{"project_access_token":{"max_lifetime_days":5,"forbidden_scopes":["write_repository"],"name_pattern":"ci-*"}}}"#,
        )
        .unwrap();
        let kind = Kind::ProjectAccessToken;
        let c = ctx(AccessLevel::Maintainer);
        assert!(credential(kind, &form(kind), &c).is_ok());
        let errors = credential_within(kind, &form(kind), &c, Some(&policy)).unwrap_err();
        for field in [Field::ExpiresAt, Field::Scopes, Field::Name] {
            assert!(
                errors
                    .get(field)
                    .is_some_and(|m| m.starts_with("Site policy:")),
                "{field:?}: {errors:?}"
            );
        }
        // A field with a problem of its own keeps it.
        let mut unnamed = form(kind);
        unnamed.name = String::new();
        let errors = credential_within(kind, &unnamed, &c, Some(&policy)).unwrap_err();
        assert!(!errors.get(Field::Name).unwrap().starts_with("Site policy"));
        // Within the rules it goes through; other kinds are not touched.
        let ok = CredentialForm {
            name: "ci-deploy".into(),
            scopes: vec!["read_api".into()],
            expiry: ExpiryChoice::Preset(5),
            ..form(kind)
        };
        assert!(credential_within(kind, &ok, &c, Some(&policy)).is_ok());
        assert!(credential_within(
            Kind::GroupAccessToken,
            &form(Kind::GroupAccessToken),
            &c,
            Some(&policy)
        )
        .is_ok());
        assert!(credential_within(kind, &form(kind), &c, None).is_ok());
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
    fn scopes_must_be_offered_and_present() {
        let k = Kind::ProjectAccessToken;
        let offered: Vec<&ScopeInfo> = RESOURCE_SCOPES.iter().collect();
        assert!(scopes(k, &offered, &[]).is_err());
        assert!(scopes(k, &offered, &["read_user".into()])
            .unwrap_err()
            .contains("read_user"));
        assert!(scopes(k, &offered, &["sudo".into()]).is_err());
        let ok = scopes(
            k,
            &offered,
            &["read_repository".into(), "api".into(), "api".into()],
        )
        .unwrap();
        assert_eq!(ok, vec!["api", "read_repository"]);
    }

    #[test]
    fn deploy_token_usernames_follow_gitlabs_pattern() {
        let cases: &[(&str, Result<Option<&str>, ()>)] = &[
            ("", Ok(None)),
            ("  ", Ok(None)),
            ("ci.bot+1_x-y", Ok(Some("ci.bot+1_x-y"))),
            ("with space", Err(())),
            ("ünï", Err(())),
            ("a/b", Err(())),
            ("$(id)", Err(())),
        ];
        for (input, want) in cases {
            let got = username(input);
            match want {
                Ok(v) => assert_eq!(got.unwrap().as_deref(), *v, "{input:?}"),
                Err(()) => assert!(got.unwrap_err().contains("letters, digits"), "{input:?}"),
            }
        }
        assert!(username(&"a".repeat(256)).unwrap_err().contains("255"));
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
    fn valid_access_token_form_becomes_a_request() {
        for kind in [Kind::ProjectAccessToken, Kind::GroupAccessToken] {
            let req = credential(kind, &form(kind), &ctx(AccessLevel::Maintainer)).unwrap();
            assert_eq!(req.name.as_deref(), Some("deploy bot"));
            assert_eq!(req.description, None);
            assert_eq!(
                req.scopes,
                Some(vec!["read_api".into(), "write_repository".into()])
            );
            assert_eq!(req.access_level, Some(AccessLevel::Developer));
            assert_eq!(req.expires_at, NaiveDate::from_ymd_opt(2026, 11, 28));
            assert_eq!((req.username, req.key, req.can_push), (None, None, None));
        }
    }

    #[test]
    fn each_kind_checks_only_its_own_fields() {
        let c = ctx(AccessLevel::Maintainer);
        // Deploy token: deploy scopes, optional username and expiry, no role.
        let mut f = CredentialForm::new(Kind::ProjectDeployToken, c.caller);
        assert_eq!(f.expiry, ExpiryChoice::Never);
        f.name = "registry".into();
        f.scopes = vec!["read_registry".into()];
        f.username = "ci+registry".into();
        let body = credential(Kind::ProjectDeployToken, &f, &c).unwrap();
        assert_eq!(body.username.as_deref(), Some("ci+registry"));
        assert_eq!((body.expires_at, body.access_level), (None, None));
        f.scopes = vec!["api".into()];
        f.username = "bad name".into();
        let e = credential(Kind::GroupDeployToken, &f, &c).unwrap_err();
        assert!(e.get(Field::Scopes).unwrap().contains("api"));
        assert!(e.get(Field::Username).is_some());
        assert_eq!(e.first(), Some(Field::Username));
        // Deploy key: title, a real public key, write access.
        let mut f = CredentialForm::new(Kind::DeployKey, c.caller);
        f.name = "laptop".into();
        f.key = format!("  {ED25519}\r\n");
        f.can_push = true;
        let body = credential(Kind::DeployKey, &f, &c).unwrap();
        assert_eq!(body.title.as_deref(), Some("laptop"));
        assert_eq!(body.name, None);
        assert_eq!(body.key.as_deref(), Some(ED25519));
        assert_eq!(body.can_push, Some(true));
        f.key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----".into();
        let e = credential(Kind::DeployKey, &f, &c).unwrap_err();
        assert!(e.get(Field::Key).unwrap().contains("nothing was sent"));
        // Trigger: only a description, and it is required.
        let mut f = CredentialForm::new(Kind::TriggerToken, c.caller);
        assert!(credential(Kind::TriggerToken, &f, &c)
            .unwrap_err()
            .get(Field::Description)
            .is_some());
        f.description = " downstream deploy ".into();
        let body = credential(Kind::TriggerToken, &f, &c).unwrap();
        assert_eq!(body.description.as_deref(), Some("downstream deploy"));
        assert_eq!((body.name, body.scopes), (None, None));
    }

    #[test]
    fn edits_check_and_send_only_what_can_change() {
        let c = ctx(AccessLevel::Maintainer);
        let mut f = CredentialForm::new(Kind::DeployKey, c.caller);
        f.name = "ci runner".into();
        f.can_push = true;
        let body = edit(Kind::DeployKey, &f, &c).unwrap();
        assert_eq!(
            body,
            CreateBody {
                title: Some("ci runner".into()),
                can_push: Some(true),
                ..CreateBody::default()
            }
        );
        f.name = String::new();
        assert!(edit(Kind::DeployKey, &f, &c)
            .unwrap_err()
            .get(Field::Name)
            .is_some());
        let mut t = CredentialForm::new(Kind::TriggerToken, c.caller);
        t.description = "nightly".into();
        assert_eq!(
            edit(Kind::TriggerToken, &t, &c)
                .unwrap()
                .description
                .as_deref(),
            Some("nightly")
        );
    }

    #[test]
    fn personal_tokens_follow_the_endpoint_that_creates_them() {
        let mut c = ctx(AccessLevel::Maintainer);
        let mut f = CredentialForm::new(Kind::PersonalAccessToken, c.caller);
        f.name = "laptop".into();
        f.scopes = vec!["k8s_proxy".into()];
        assert!(credential(Kind::PersonalAccessToken, &f, &c).is_ok());
        f.scopes = vec!["api".into(), "k8s_proxy".into()];
        assert_eq!(
            needs_gitlab_form(Kind::PersonalAccessToken, &c, &f.scopes),
            vec!["api"]
        );
        let e = credential(Kind::PersonalAccessToken, &f, &c).unwrap_err();
        assert!(e.get(Field::Scopes).unwrap().contains("settings page"));
        let names = |c: &FormContext| -> Vec<&str> {
            offered_scopes(Kind::PersonalAccessToken, c)
                .iter()
                .map(|s| s.name)
                .collect()
        };
        assert!(!names(&c).contains(&"sudo"));
        // An admin creating for someone else gets every scope, the admin-only ones too.
        c.caller.admin = true;
        assert!(
            !names(&c).contains(&"sudo"),
            "not through the self-service endpoint"
        );
        c.self_service = false;
        assert!(names(&c).contains(&"sudo") && names(&c).contains(&"admin_mode"));
        assert!(credential(Kind::PersonalAccessToken, &f, &c).is_ok());
        assert_eq!(
            gitlab_pat_form("https://gl.example", " my laptop&x ", &f.scopes),
            "https://gl.example/-/user_settings/personal_access_tokens?name=my%20laptop%26x&scopes=api%2Ck8s_proxy"
        );
    }

    #[test]
    fn version_gates_refuse_what_the_instance_lacks() {
        let mut c = ctx(AccessLevel::Maintainer);
        c.descriptions_supported = false;
        c.virtual_registry_supported = false;
        let mut f = form(Kind::ProjectAccessToken);
        f.description = "why".into();
        let e = credential(Kind::ProjectAccessToken, &f, &c).unwrap_err();
        assert!(e.get(Field::Description).unwrap().contains("17.7"));
        let offered: Vec<&str> = offered_scopes(Kind::ProjectDeployToken, &c)
            .iter()
            .map(|s| s.name)
            .collect();
        assert!(!offered.contains(&"read_virtual_registry"));
        assert!(offered.contains(&"read_package_registry"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = CredentialForm {
            name: " ".into(),
            description: "d".repeat(300),
            scopes: vec![],
            role: Some(AccessLevel::Owner),
            expiry: ExpiryChoice::Custom("2026-11-21".into()),
            ..CredentialForm::new(
                Kind::ProjectAccessToken,
                ctx(AccessLevel::Maintainer).caller,
            )
        };
        let errs = credential(
            Kind::ProjectAccessToken,
            &bad,
            &ctx(AccessLevel::Maintainer),
        )
        .unwrap_err();
        for f in [
            Field::Name,
            Field::Description,
            Field::Scopes,
            Field::AccessLevel,
            Field::ExpiresAt,
        ] {
            assert!(errs.get(f).is_some(), "{f:?} should have an error");
        }
        assert_eq!(errs.first(), Some(Field::Name));
        let never = CredentialForm {
            expiry: ExpiryChoice::Never,
            ..form(Kind::ProjectAccessToken)
        };
        assert!(credential(
            Kind::ProjectAccessToken,
            &never,
            &ctx(AccessLevel::Maintainer)
        )
        .unwrap_err()
        .get(Field::ExpiresAt)
        .is_some());
    }

    #[test]
    fn defaults_respect_the_callers_role() {
        let dev = CredentialForm::new(
            Kind::ProjectAccessToken,
            Caller {
                role: Some(AccessLevel::Developer),
                admin: false,
            },
        );
        assert_eq!(dev.role, Some(AccessLevel::Developer));
        let owner = CredentialForm::new(
            Kind::GroupAccessToken,
            Caller {
                role: Some(AccessLevel::Owner),
                admin: false,
            },
        );
        assert_eq!(owner.role, Some(AccessLevel::Maintainer));
        assert!(owner.scopes.is_empty());
        assert_eq!(owner.expiry, ExpiryChoice::Preset(30));
        let deploy = CredentialForm::new(
            Kind::GroupDeployToken,
            owner.role.map_or(
                Caller {
                    role: None,
                    admin: false,
                },
                |r| Caller {
                    role: Some(r),
                    admin: false,
                },
            ),
        );
        assert_eq!((deploy.role, deploy.expiry), (None, ExpiryChoice::Never));
    }
}
