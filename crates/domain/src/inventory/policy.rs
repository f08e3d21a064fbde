//! The site's token policy: an optional JSON file served next to the page, stricter than
//! GitLab's own rules, that the create and rotate forms enforce and the inventory flags.
//!
//! ```json
//! {
//!   "default": { "max_lifetime_days": 90, "description_required": true },
//!   "kinds": {
//!     "project_access_token": { "forbidden_scopes": ["api"], "name_pattern": "ci-*" },
//!     "project_deploy_token": { "max_lifetime_days": 365 }
//!   }
//! }
//! ```
//!
//! Rules: `max_lifetime_days` (whole days from creation to expiry; a kind that may never expire
//! must then expire), `forbidden_scopes`, `name_pattern` (a glob where `*` is any run of
//! characters and `?` one character, matched against the whole name, case-sensitively; there is
//! no escape) and `description_required`. A kind's entry replaces the default's value for each
//! rule it gives (`"forbidden_scopes": []` lifts a default's list). Kind keys are
//! [`Kind::key`]s. A default rule applies only to the kinds that have the thing it governs
//! (deploy keys have no scopes; only access tokens have a description besides their name);
//! naming such a rule in a kind's own entry is an error, as are unknown keys, unknown scopes
//! and wrong types: a policy with a typo must not pass as a weaker one.

use chrono::NaiveDate;

use crate::error::Field;
use crate::json::{self, Loose};
use crate::kind::{ExpiryRule, Kind};
use crate::models::Credential;

/// The file's name, next to `index.html`.
pub const FILE_NAME: &str = "policy.json";

/// Longest lifetime a policy may name: a hundred years, far past anything GitLab allows.
pub const MAX_POLICY_DAYS: i64 = 36_500;

/// Longest name pattern: a name has at most 255 characters.
pub const MAX_PATTERN_CHARS: usize = 255;

/// Why a policy file was refused: where in the file, and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// A dotted path like `kinds.deploy_key.max_lifetime_days`; empty for the whole file.
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            write!(f, "{FILE_NAME}: {}", self.message)
        } else {
            write!(f, "{FILE_NAME}, at {}: {}", self.at, self.message)
        }
    }
}

impl std::error::Error for PolicyError {}

fn error<T>(at: &str, message: impl Into<String>) -> Result<T, PolicyError> {
    Err(PolicyError {
        at: at.to_string(),
        message: message.into(),
    })
}

/// A name pattern: `*` any run of characters (none included), `?` exactly one, anything else
/// itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    text: String,
    pieces: Vec<Piece>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    Star,
    One,
    Char(char),
}

impl Glob {
    pub fn new(pattern: &str) -> Result<Glob, String> {
        if pattern.is_empty() {
            return Err("the pattern is empty; use \"*\" to allow any name".into());
        }
        let chars = pattern.chars().count();
        if chars > MAX_PATTERN_CHARS {
            return Err(format!(
                "the pattern has {chars} characters; names have at most {MAX_PATTERN_CHARS}"
            ));
        }
        if pattern.contains(char::is_control) {
            return Err("the pattern contains a control character".into());
        }
        let mut pieces = Vec::with_capacity(chars);
        for c in pattern.chars() {
            let piece = match c {
                '*' => Piece::Star,
                '?' => Piece::One,
                c => Piece::Char(c),
            };
            // Runs of stars mean one star; keeping one keeps the matcher's work bounded.
            if !(piece == Piece::Star && pieces.last() == Some(&Piece::Star)) {
                pieces.push(piece);
            }
        }
        Ok(Glob {
            text: pattern.to_string(),
            pieces,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the whole of `name` matches. Greedy with one remembered star: on a mismatch
    /// the last star takes one more character. No recursion, and at most (pattern length ×
    /// name length) steps, usually close to the name's length.
    pub fn matches(&self, name: &str) -> bool {
        let p = &self.pieces;
        let (mut pi, mut ni) = (0, 0);
        // The last star's piece index and the name position it was last tried at.
        let mut star: Option<(usize, usize)> = None;
        while ni < name.len() {
            let c = name[ni..].chars().next().unwrap_or_default();
            match p.get(pi) {
                Some(Piece::Star) => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                Some(Piece::One) => {
                    pi += 1;
                    ni += c.len_utf8();
                    continue;
                }
                Some(Piece::Char(want)) if *want == c => {
                    pi += 1;
                    ni += c.len_utf8();
                    continue;
                }
                _ => {}
            }
            match star {
                Some((star_pi, star_ni)) => {
                    let skipped = name[star_ni..].chars().next().unwrap_or_default();
                    let resume = star_ni + skipped.len_utf8();
                    star = Some((star_pi, resume));
                    pi = star_pi + 1;
                    ni = resume;
                }
                None => return false,
            }
        }
        p[pi.min(p.len())..].iter().all(|x| *x == Piece::Star)
    }
}

/// The rules for one kind, after defaults were applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rule {
    pub max_lifetime_days: Option<u32>,
    pub forbidden_scopes: Vec<String>,
    pub name_pattern: Option<Glob>,
    pub description_required: bool,
}

/// A rule set as written: what it leaves out comes from the default.
#[derive(Default)]
struct Written {
    max_lifetime_days: Option<u32>,
    forbidden_scopes: Option<Vec<String>>,
    name_pattern: Option<Glob>,
    description_required: Option<bool>,
}

/// Whether a kind has a description of its own (a trigger's description is its name).
fn has_description(kind: Kind) -> bool {
    let fields = kind.spec().fields;
    fields.contains(&Field::Description) && fields.contains(&Field::Name)
}

fn has_expiry(kind: Kind) -> bool {
    kind.spec().expiry != ExpiryRule::None
}

/// Parsed policy; the default value has no rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    rules: [Rule; Kind::ALL.len()],
}

fn what(value: &Loose) -> &'static str {
    match value {
        Loose::Str(_) => "a string",
        Loose::Int(_) => "a number",
        Loose::Bool(_) => "true or false",
        Loose::List(_) => "a list",
        Loose::Object(_) => "an object",
        Loose::Other => "null, a fraction or a number too large",
    }
}

/// The members of an object, each key once.
fn members(value: Loose, at: &str, expected: &str) -> Result<Vec<(String, Loose)>, PolicyError> {
    let Loose::Object(members) = value else {
        return error(at, format!("expected {expected}, found {}", what(&value)));
    };
    for (i, (key, _)) in members.iter().enumerate() {
        if members[..i].iter().any(|(k, _)| k == key) {
            return error(at, format!("{key:?} is given twice"));
        }
    }
    Ok(members)
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// One rule set; `kind` is None for the default.
fn written(value: Loose, kind: Option<Kind>, at: &str) -> Result<Written, PolicyError> {
    let mut out = Written::default();
    let noun = kind.map(|k| format!("{}s", k.label()));
    for (key, value) in members(value, at, "an object of rules")? {
        let here = join(at, &key);
        match key.as_str() {
            "max_lifetime_days" => {
                if let Some(k) = kind.filter(|k| !has_expiry(*k)) {
                    return error(&here, format!("{}s have no expiry", k.label()));
                }
                let Loose::Int(days) = value else {
                    return error(
                        &here,
                        format!("expected a whole number of days, found {}", what(&value)),
                    );
                };
                if !(1..=MAX_POLICY_DAYS).contains(&days) {
                    return error(
                        &here,
                        format!("expected from 1 to {MAX_POLICY_DAYS} days, found {days}"),
                    );
                }
                out.max_lifetime_days = u32::try_from(days).ok();
            }
            "forbidden_scopes" => {
                let Loose::List(items) = value else {
                    return error(
                        &here,
                        format!("expected a list of scope names, found {}", what(&value)),
                    );
                };
                if let Some(k) = kind.filter(|k| k.spec().scopes.is_empty() && !items.is_empty()) {
                    return error(&here, format!("{}s have no scopes", k.label()));
                }
                let mut scopes: Vec<String> = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let at_item = format!("{here}[{i}]");
                    let Loose::Str(scope) = item else {
                        return error(
                            &at_item,
                            format!("expected a scope name, found {}", what(&item)),
                        );
                    };
                    let known = match kind {
                        Some(k) => k.scope(&scope).is_some(),
                        None => Kind::ALL.iter().any(|k| k.scope(&scope).is_some()),
                    };
                    if !known {
                        let whose = noun.as_deref().unwrap_or("any token kind");
                        return error(&at_item, format!("{scope:?} is not a scope of {whose}"));
                    }
                    if !scopes.contains(&scope) {
                        scopes.push(scope);
                    }
                }
                out.forbidden_scopes = Some(scopes);
            }
            "name_pattern" => {
                let Loose::Str(pattern) = value else {
                    return error(
                        &here,
                        format!("expected a pattern like \"ci-*\", found {}", what(&value)),
                    );
                };
                out.name_pattern = Some(Glob::new(&pattern).or_else(|m| error(&here, m))?);
            }
            "description_required" => {
                if let Some(k) = kind.filter(|k| !has_description(*k)) {
                    return error(&here, format!("{}s have no description", k.label()));
                }
                let Loose::Bool(required) = value else {
                    return error(
                        &here,
                        format!("expected true or false, found {}", what(&value)),
                    );
                };
                out.description_required = Some(required);
            }
            _ => {
                return error(
                    at,
                    format!(
                        "unknown rule {key:?}; the rules are max_lifetime_days, forbidden_scopes, \
                         name_pattern and description_required"
                    ),
                )
            }
        }
    }
    Ok(out)
}

impl Policy {
    /// Reads a policy file. Never panics; every refusal says where and why.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let value: Loose = json::from_str(text).or_else(|e| {
            let (line, column) = e.position(text);
            error("", format!("not valid JSON (line {line}, column {column})"))
        })?;
        let mut default = Written::default();
        let mut kinds: Vec<(Kind, Written)> = Vec::new();
        let top = "an object with \"default\" and \"kinds\"";
        for (key, value) in members(value, "", top)? {
            match key.as_str() {
                "default" => default = written(value, None, "default")?,
                "kinds" => {
                    for (name, value) in members(value, "kinds", "an object keyed by kind")? {
                        let at = join("kinds", &name);
                        let Some(kind) = Kind::from_key(&name) else {
                            let keys: Vec<&str> = Kind::ALL.iter().map(|k| k.key()).collect();
                            return error(
                                &at,
                                format!("unknown kind; the kinds are {}", keys.join(", ")),
                            );
                        };
                        kinds.push((kind, written(value, Some(kind), &at)?));
                    }
                }
                _ => {
                    return error(
                        "",
                        format!("unknown key {key:?}; a policy has \"default\" and \"kinds\""),
                    )
                }
            }
        }
        let mut policy = Policy::default();
        for kind in Kind::ALL {
            let own = kinds.iter().find(|(k, _)| *k == kind).map(|(_, w)| w);
            let pick = |f: fn(&Written) -> bool| own.filter(|w| f(w)).unwrap_or(&default);
            let rule = &mut policy.rules[kind as usize];
            if has_expiry(kind) {
                rule.max_lifetime_days = pick(|w| w.max_lifetime_days.is_some()).max_lifetime_days;
            }
            if !kind.spec().scopes.is_empty() {
                // The default's list may name scopes of other kinds: keep this kind's.
                rule.forbidden_scopes = pick(|w| w.forbidden_scopes.is_some())
                    .forbidden_scopes
                    .iter()
                    .flatten()
                    .filter(|s| kind.scope(s).is_some())
                    .cloned()
                    .collect();
            }
            rule.name_pattern = pick(|w| w.name_pattern.is_some()).name_pattern.clone();
            if has_description(kind) {
                rule.description_required = pick(|w| w.description_required.is_some())
                    .description_required
                    .unwrap_or(false);
            }
        }
        Ok(policy)
    }

    pub fn rule(&self, kind: Kind) -> &Rule {
        &self.rules[kind as usize]
    }

    /// Whether no rule is set for any kind.
    pub fn is_empty(&self) -> bool {
        self.rules.iter().all(|r| *r == Rule::default())
    }

    /// The latest expiry a new or rotated credential may have from `today`, for the forms'
    /// date pickers.
    pub fn latest_expiry(&self, kind: Kind, today: NaiveDate) -> Option<NaiveDate> {
        self.rule(kind)
            .max_lifetime_days
            .map(|days| crate::expiry::add_days(today, days))
    }

    /// A credential about to be created, or rotated (then with the token's own name, scopes
    /// and description and the new expiry): lifetimes count from `today`.
    pub fn check(&self, p: &Proposed) -> Vec<Violation> {
        self.violations(
            p.kind,
            p.name.trim(),
            p.scopes,
            p.description,
            Some(p.today),
            p.expires_at,
        )
    }

    /// An existing credential: its lifetime counts from its creation, when GitLab said when.
    pub fn check_credential(&self, kind: Kind, c: &Credential) -> Vec<Violation> {
        let created = c.created_at.map(|t| t.date_naive());
        self.violations(
            kind,
            &c.name,
            &c.scopes,
            &c.description,
            created,
            c.expires_at,
        )
    }

    fn violations(
        &self,
        kind: Kind,
        name: &str,
        scopes: &[String],
        description: &str,
        start: Option<NaiveDate>,
        expires_at: Option<NaiveDate>,
    ) -> Vec<Violation> {
        let rule = self.rule(kind);
        let mut out = Vec::new();
        if let Some(max) = rule.max_lifetime_days {
            match (expires_at, start) {
                (None, _) => out.push(Violation::NoExpiry { max }),
                (Some(end), Some(start)) => {
                    let days = (end - start).num_days();
                    if days > i64::from(max) {
                        out.push(Violation::TooLong { days, max });
                    }
                }
                (Some(_), None) => {}
            }
        }
        for scope in scopes {
            if rule.forbidden_scopes.contains(scope) {
                out.push(Violation::Scope(scope.clone()));
            }
        }
        if let Some(glob) = &rule.name_pattern {
            if !glob.matches(name) {
                out.push(Violation::Name {
                    pattern: glob.as_str().to_string(),
                });
            }
        }
        if rule.description_required && description.trim().is_empty() {
            out.push(Violation::Description);
        }
        out
    }
}

/// What a create or rotate form is about to send.
#[derive(Clone, Copy, Debug)]
pub struct Proposed<'a> {
    pub kind: Kind,
    pub name: &'a str,
    pub scopes: &'a [String],
    pub description: &'a str,
    pub expires_at: Option<NaiveDate>,
    pub today: NaiveDate,
}

/// A rule a credential breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// Lives `days` days, more than the `max` allowed.
    TooLong { days: i64, max: u32 },
    /// Never expires, but must within `max` days.
    NoExpiry { max: u32 },
    /// Carries a forbidden scope.
    Scope(String),
    /// The name does not match the required pattern.
    Name { pattern: String },
    /// Has no description.
    Description,
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

impl Violation {
    /// The form field the message belongs next to.
    pub fn field(&self) -> Field {
        match self {
            Violation::TooLong { .. } | Violation::NoExpiry { .. } => Field::ExpiresAt,
            Violation::Scope(_) => Field::Scopes,
            Violation::Name { .. } => Field::Name,
            Violation::Description => Field::Description,
        }
    }

    /// One sentence for the form or the table.
    pub fn sentence(&self) -> String {
        match self {
            Violation::TooLong { days: n, max } => format!(
                "Lives {}; the policy allows at most {}.",
                days(*n),
                days(i64::from(*max))
            ),
            Violation::NoExpiry { max } => format!(
                "Never expires; the policy wants an expiry within {}.",
                days(i64::from(*max))
            ),
            Violation::Scope(scope) => {
                format!("Has the {scope} scope, which the policy forbids.")
            }
            Violation::Name { pattern } => {
                format!("The name does not match the policy's pattern {pattern}.")
            }
            Violation::Description => "Has no description; the policy requires one.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::expiry::parse_date(s).unwrap()
    }

    fn glob(p: &str) -> Glob {
        Glob::new(p).unwrap()
    }

    /// An obviously right matcher to compare with: tries every split at every star.
    fn reference(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('*', rest)) => (0..=n.len()).any(|i| reference(rest, &n[i..])),
            Some(('?', rest)) => !n.is_empty() && reference(rest, &n[1..]),
            Some((c, rest)) => n.first() == Some(c) && reference(rest, &n[1..]),
        }
    }

    #[test]
    fn globs_match_whole_names() {
        let cases = [
            ("ci-*", "ci-build", true),
            ("ci-*", "ci-", true),
            ("ci-*", "my-ci-build", false),
            ("ci-*", "CI-build", false),
            ("*-bot", "release-bot", true),
            ("*-bot", "release-bot2", false),
            ("?", "é", true),
            ("?", "", false),
            ("??", "é", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("a*b", "abab", true),
            ("*", "", true),
            ("**", "anything at all", true),
            ("名前-*", "名前-x", true),
            ("*🦊", "🦊🦊", true),
            ("a?c", "abc", true),
            ("a?c", "abbc", false),
            ("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(glob(pattern).matches(name), want, "{pattern} ~ {name}");
            let (p, n): (Vec<char>, Vec<char>) =
                (pattern.chars().collect(), name.chars().collect());
            assert_eq!(reference(&p, &n), want, "reference: {pattern} ~ {name}");
        }
        for bad in ["", "a\nb", &"x".repeat(256)] {
            assert!(Glob::new(bad).is_err(), "{bad:?}");
        }
        assert_eq!(glob("a**b").pieces.len(), 3);
        // Long hostile input finishes quickly: a bounded number of steps.
        let long = "a".repeat(10_000);
        assert!(!glob("*a*a*a*a*a*a*a*a*b").matches(&long));
    }

    const FULL: &str = r#"{
        "default": {"max_lifetime_days": 90, "forbidden_scopes": ["sudo", "write_registry"],
                    "name_pattern": "tw-*", "description_required": true},
        "kinds": {
            "project_access_token": {"forbidden_scopes": ["api"], "name_pattern": "ci-*"},
            "project_deploy_token": {"max_lifetime_days": 365, "forbidden_scopes": []},
            "personal_access_token": {"description_required": false}
        }
    }"#;

    #[test]
    fn kinds_override_the_default_rule_by_rule() {
        let policy = Policy::parse(FULL).unwrap();
        let pat = policy.rule(Kind::ProjectAccessToken);
        assert_eq!(pat.max_lifetime_days, Some(90));
        assert_eq!(pat.forbidden_scopes, ["api"]);
        assert_eq!(pat.name_pattern.as_ref().map(Glob::as_str), Some("ci-*"));
        assert!(pat.description_required);
        let group = policy.rule(Kind::GroupAccessToken);
        // The default's list, less what the kind cannot have.
        assert_eq!(group.forbidden_scopes, ["write_registry"]);
        let personal = policy.rule(Kind::PersonalAccessToken);
        assert_eq!(personal.forbidden_scopes, ["sudo", "write_registry"]);
        assert!(!personal.description_required);
        let deploy = policy.rule(Kind::ProjectDeployToken);
        assert_eq!(deploy.max_lifetime_days, Some(365));
        assert!(deploy.forbidden_scopes.is_empty());
        assert!(!deploy.description_required, "deploy tokens have none");
        let group_deploy = policy.rule(Kind::GroupDeployToken);
        assert_eq!(group_deploy.forbidden_scopes, ["write_registry"]);
        let trigger = policy.rule(Kind::TriggerToken);
        assert_eq!(trigger.max_lifetime_days, None, "triggers have no expiry");
        assert!(
            !trigger.description_required,
            "a trigger's description is its name"
        );
        assert_eq!(
            trigger.name_pattern.as_ref().map(Glob::as_str),
            Some("tw-*")
        );
        let key = policy.rule(Kind::DeployKey);
        assert!(key.forbidden_scopes.is_empty());
        assert!(!policy.is_empty());
        assert!(Policy::parse("{}").unwrap().is_empty());
        assert!(Policy::parse(r#"{"default":{},"kinds":{}}"#)
            .unwrap()
            .is_empty());
    }

    fn refused(text: &str) -> PolicyError {
        match Policy::parse(text) {
            Err(e) => e,
            Ok(p) => panic!("accepted {text}: {p:?}"),
        }
    }

    #[test]
    fn bad_files_say_where_and_why() {
        let cases: [(&str, &str, &str); 18] = [
            ("", "", "not valid JSON (line 1, column 1)"),
            ("{\n\"default\": {,}}", "", "line 2, column 13"),
            (
                "[]",
                "",
                "expected an object with \"default\" and \"kinds\", found a list",
            ),
            (r#"{"defaults":{}}"#, "", "unknown key \"defaults\""),
            (r#"{"default":1}"#, "default", "found a number"),
            (
                r#"{"default":{},"default":{}}"#,
                "",
                "\"default\" is given twice",
            ),
            (
                r#"{"default":{"max_lifetime":3}}"#,
                "default",
                "unknown rule \"max_lifetime\"",
            ),
            (
                r#"{"default":{"max_lifetime_days":"90"}}"#,
                "default.max_lifetime_days",
                "expected a whole number of days, found a string",
            ),
            (
                r#"{"default":{"max_lifetime_days":0}}"#,
                "default.max_lifetime_days",
                "from 1 to 36500 days, found 0",
            ),
            (
                r#"{"default":{"max_lifetime_days":1.5}}"#,
                "default.max_lifetime_days",
                "found null",
            ),
            (
                r#"{"default":{"max_lifetime_days":99999999999999999999}}"#,
                "default.max_lifetime_days",
                "found null",
            ),
            (
                r#"{"default":{"forbidden_scopes":"api"}}"#,
                "default.forbidden_scopes",
                "expected a list of scope names",
            ),
            (
                r#"{"default":{"forbidden_scopes":["api",7]}}"#,
                "default.forbidden_scopes[1]",
                "expected a scope name, found a number",
            ),
            (
                r#"{"default":{"forbidden_scopes":["apy"]}}"#,
                "default.forbidden_scopes[0]",
                "\"apy\" is not a scope of any token kind",
            ),
            (
                r#"{"kinds":{"project_deploy_token":{"forbidden_scopes":["api"]}}}"#,
                "kinds.project_deploy_token.forbidden_scopes[0]",
                "\"api\" is not a scope of project deploy tokens",
            ),
            (
                r#"{"kinds":{"project_token":{}}}"#,
                "kinds.project_token",
                "unknown kind; the kinds are project_access_token, group_access_token",
            ),
            (
                r#"{"kinds":{"deploy_key":{"forbidden_scopes":["api"]}}}"#,
                "kinds.deploy_key.forbidden_scopes",
                "deploy keys have no scopes",
            ),
            (
                r#"{"kinds":{"trigger_token":{"max_lifetime_days":5}}}"#,
                "kinds.trigger_token.max_lifetime_days",
                "pipeline trigger tokens have no expiry",
            ),
        ];
        for (text, at, message) in cases {
            let e = refused(text);
            assert_eq!(e.at, at, "{text}");
            assert!(e.message.contains(message), "{text}: {}", e.message);
        }
        let e = refused(r#"{"kinds":{"project_deploy_token":{"description_required":true}}}"#);
        assert_eq!(e.message, "project deploy tokens have no description");
        let e = refused(r#"{"default":{"name_pattern":""}}"#);
        assert_eq!(e.at, "default.name_pattern");
        let e = refused(r#"{"default":{"description_required":"yes"}}"#);
        assert_eq!(
            e.to_string(),
            "policy.json, at default.description_required: expected true or false, found a string"
        );
        assert_eq!(
            refused("nope").to_string(),
            "policy.json: not valid JSON (line 1, column 1)"
        );
        // An empty list is allowed even where there are no scopes.
        assert!(Policy::parse(r#"{"kinds":{"deploy_key":{"forbidden_scopes":[]}}}"#).is_ok());
    }

    #[test]
    fn forms_are_checked_before_anything_is_sent() {
        let policy = Policy::parse(FULL).unwrap();
        let today = d("2026-11-21");
        let scopes = vec!["api".to_string(), "read_api".to_string()];
        let proposed = Proposed {
            kind: Kind::ProjectAccessToken,
            name: "  deploy ",
            scopes: &scopes,
            description: " ",
            expires_at: Some(d("2027-03-01")),
            today,
        };
        let found = policy.check(&proposed);
        assert_eq!(
            found,
            [
                Violation::TooLong { days: 100, max: 90 },
                Violation::Scope("api".into()),
                Violation::Name {
                    pattern: "ci-*".into()
                },
                Violation::Description,
            ]
        );
        let fields: Vec<Field> = found.iter().map(Violation::field).collect();
        assert_eq!(
            fields,
            [
                Field::ExpiresAt,
                Field::Scopes,
                Field::Name,
                Field::Description
            ]
        );
        let sentences: Vec<String> = found.iter().map(Violation::sentence).collect();
        assert_eq!(
            sentences,
            [
                "Lives 100 days; the policy allows at most 90 days.",
                "Has the api scope, which the policy forbids.",
                "The name does not match the policy's pattern ci-*.",
                "Has no description; the policy requires one.",
            ]
        );
        let fine = Proposed {
            name: "ci-nightly",
            scopes: &scopes[1..],
            description: "nightly builds",
            expires_at: policy.latest_expiry(Kind::ProjectAccessToken, today),
            ..proposed
        };
        assert_eq!(fine.expires_at, Some(d("2027-02-19")));
        assert_eq!(policy.check(&fine), []);
        let never = Proposed {
            kind: Kind::ProjectDeployToken,
            name: "tw-registry",
            expires_at: None,
            ..fine
        };
        assert_eq!(policy.check(&never), [Violation::NoExpiry { max: 365 }]);
        assert_eq!(
            Violation::NoExpiry { max: 1 }.sentence(),
            "Never expires; the policy wants an expiry within 1 day."
        );
        assert_eq!(Policy::default().check(&proposed), []);
        assert_eq!(
            Policy::default().latest_expiry(Kind::DeployKey, today),
            None
        );
    }

    #[test]
    fn existing_credentials_count_from_creation() {
        let policy = Policy::parse(FULL).unwrap();
        let created = d("2026-01-01").and_hms_opt(10, 0, 0).unwrap().and_utc();
        let mut c = Credential {
            id: 1,
            name: "ci-web".into(),
            description: "web deploys".into(),
            scopes: vec!["read_api".into()],
            created_at: Some(created),
            expires_at: Some(d("2026-03-01")),
            ..Credential::default()
        };
        assert_eq!(policy.check_credential(Kind::ProjectAccessToken, &c), []);
        c.expires_at = Some(d("2026-12-01"));
        assert_eq!(
            policy.check_credential(Kind::ProjectAccessToken, &c),
            [Violation::TooLong { days: 334, max: 90 }]
        );
        // Without a creation date the lifetime cannot be judged; "never" still can.
        c.created_at = None;
        assert_eq!(policy.check_credential(Kind::ProjectAccessToken, &c), []);
        let trigger = Credential {
            id: 2,
            name: "nightly".into(),
            ..Credential::default()
        };
        assert_eq!(
            policy.check_credential(Kind::TriggerToken, &trigger),
            [Violation::Name {
                pattern: "tw-*".into()
            }]
        );
        let key = Credential {
            id: 3,
            name: "tw-laptop".into(),
            ..Credential::default()
        };
        assert_eq!(
            policy.check_credential(Kind::DeployKey, &key),
            [Violation::NoExpiry { max: 90 }]
        );
    }
}
