//! GitLab response models. Only the fields tokenwarden uses are declared; unknown fields are
//! ignored and nulls or odd values fall back to defaults, so newer or older GitLab versions
//! still decode.

use crate::json::Loose;
use crate::role::AccessLevel;
use crate::secret::Secret;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};

/// `null` becomes the type's default instead of a decoding error.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn lenient_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Loose>::deserialize(d)?.and_then(Loose::into_str))
}

/// Dates arrive as `YYYY-MM-DD` (access tokens) or as datetimes (deploy tokens); anything
/// unreadable counts as absent rather than failing the whole list.
fn lenient_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Ok(lenient_str(d)?.and_then(|s| s.get(..10).and_then(crate::expiry::parse_date)))
}

fn lenient_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(lenient_str(d)?
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc)))
}

fn lenient_role<'de, D: Deserializer<'de>>(d: D) -> Result<Option<AccessLevel>, D::Error> {
    Ok(match Option::<Loose>::deserialize(d)? {
        Some(Loose::Int(l)) => u8::try_from(l).ok().and_then(AccessLevel::covering),
        _ => None,
    })
}

/// `GET /user`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct User {
    pub id: u64,
    #[serde(default, deserialize_with = "nullable")]
    pub username: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// Present only when the caller is an administrator.
    #[serde(default, deserialize_with = "nullable")]
    pub is_admin: bool,
}

/// `GET /application/settings` (admins): only what the page reads.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct AppSettings {
    /// The instance's own prefix for personal, project and group access tokens.
    #[serde(default, deserialize_with = "nullable")]
    pub personal_access_token_prefix: String,
}

/// `GET /version`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Version {
    #[serde(default, deserialize_with = "nullable")]
    pub version: String,
}

/// Any credential as GitLab lists it, whatever its kind: access tokens (personal, project,
/// group), deploy tokens, deploy keys and pipeline triggers share this one row model. Fields a
/// kind does not have stay at their defaults.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(from = "RawCredential")]
pub struct Credential {
    pub id: u64,
    /// The token's `name`, a deploy key's `title`, or a trigger's `description`.
    pub name: String,
    pub description: String,
    pub scopes: Vec<String>,
    pub revoked: bool,
    /// GitLab's own verdict where the kind has one (`active` on access tokens, `!expired` on
    /// deploy tokens).
    pub active: Option<bool>,
    pub expires_at: Option<NaiveDate>,
    pub created_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub access_level: Option<AccessLevel>,
    /// The user the token acts as: a bot user for project and group tokens.
    pub user_id: Option<u64>,
    /// A deploy token's username.
    pub username: String,
    /// A deploy key's write access.
    pub can_push: Option<bool>,
    /// A deploy key's SHA256 fingerprint, as GitLab shows it.
    pub fingerprint: String,
    /// A trigger's owner.
    pub owner: Option<UserRef>,
}

/// Who owns something, as GitLab embeds a user.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct UserRef {
    pub id: u64,
    #[serde(default, deserialize_with = "nullable")]
    pub username: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
}

#[derive(Deserialize)]
struct RawCredential {
    id: u64,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    title: String,
    #[serde(default, deserialize_with = "nullable")]
    description: String,
    #[serde(default, deserialize_with = "nullable")]
    scopes: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    revoked: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    active: Option<bool>,
    #[serde(default, deserialize_with = "lenient_bool")]
    expired: Option<bool>,
    #[serde(default, deserialize_with = "lenient_date")]
    expires_at: Option<NaiveDate>,
    #[serde(default, deserialize_with = "lenient_datetime")]
    created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_datetime", alias = "last_used")]
    last_used_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_role")]
    access_level: Option<AccessLevel>,
    #[serde(default, deserialize_with = "lenient_id")]
    user_id: Option<u64>,
    #[serde(default, deserialize_with = "nullable")]
    username: String,
    #[serde(default, deserialize_with = "lenient_bool")]
    can_push: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    fingerprint_sha256: String,
    #[serde(default)]
    owner: Option<UserRef>,
}

impl From<RawCredential> for Credential {
    fn from(r: RawCredential) -> Self {
        // A trigger has only a description: it is the trigger's name.
        let (name, description) = if !r.name.is_empty() {
            (r.name, r.description)
        } else if !r.title.is_empty() {
            (r.title, r.description)
        } else {
            (r.description, String::new())
        };
        Credential {
            id: r.id,
            name,
            description,
            scopes: r.scopes,
            revoked: r.revoked,
            active: r.active.or(r.expired.map(|e| !e)),
            expires_at: r.expires_at,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            access_level: r.access_level,
            user_id: r.user_id,
            username: r.username,
            can_push: r.can_push,
            fingerprint: r.fingerprint_sha256,
            owner: r.owner,
        }
    }
}

/// The access-token name the session and older code use for a credential row.
pub type AccessToken = Credential;

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Loose>::deserialize(d)? {
        Some(Loose::Bool(b)) => Some(b),
        _ => None,
    })
}

fn lenient_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<Loose>::deserialize(d)? {
        Some(Loose::Int(n)) => u64::try_from(n).ok(),
        _ => None,
    })
}

/// What a token's badge says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenStatus {
    Revoked,
    Expired,
    /// Usable; `days_left` counts to `expires_at`, at whose midnight UTC it stops working.
    Active {
        days_left: Option<i64>,
    },
}

/// Tokens that end within this many days are flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 30;
pub const EXPIRY_URGENT_DAYS: i64 = 7;

impl TokenStatus {
    pub fn label(self) -> String {
        match self {
            TokenStatus::Revoked => "revoked".into(),
            TokenStatus::Expired => "expired".into(),
            TokenStatus::Active { days_left: None } => "no expiry".into(),
            TokenStatus::Active { days_left: Some(1) } => "expires in 1 day".into(),
            TokenStatus::Active { days_left: Some(n) } => format!("expires in {n} days"),
        }
    }

    /// `ok`, `warning`, `urgent` or `inactive`: a CSS hook and a sort key in one.
    pub fn severity(self) -> &'static str {
        match self {
            TokenStatus::Revoked | TokenStatus::Expired => "inactive",
            TokenStatus::Active { days_left: Some(n) } if n <= EXPIRY_URGENT_DAYS => "urgent",
            TokenStatus::Active { days_left: Some(n) } if n <= EXPIRY_WARNING_DAYS => "warning",
            TokenStatus::Active { .. } => "ok",
        }
    }

    pub fn is_active(self) -> bool {
        matches!(self, TokenStatus::Active { .. })
    }
}

impl Credential {
    /// Status on `today` (UTC). GitLab's own `active` flag is trusted when it says inactive,
    /// so a clock difference cannot show a dead token as usable.
    pub fn status(&self, today: NaiveDate) -> TokenStatus {
        if self.revoked {
            return TokenStatus::Revoked;
        }
        let days_left = self.expires_at.map(|d| (d - today).num_days());
        if self.active == Some(false) || days_left.is_some_and(|n| n <= 0) {
            return TokenStatus::Expired;
        }
        TokenStatus::Active { days_left }
    }
}

/// A token just created or rotated: the only time GitLab returns its secret.
#[derive(Debug)]
pub struct CreatedToken {
    pub meta: Credential,
    pub token: Secret,
}

#[derive(Deserialize)]
struct SecretOnly {
    token: Secret,
}

impl CreatedToken {
    /// Two borrowed passes over the body instead of `#[serde(flatten)]`, which would buffer a
    /// second, unwiped copy of the secret.
    pub fn from_json(body: &str) -> Result<Self, serde_json::Error> {
        let meta = serde_json::from_str(body)?;
        let SecretOnly { token } = serde_json::from_str(body)?;
        Ok(CreatedToken { meta, token })
    }
}

/// A project or a group: `GET /projects`, `GET /projects/:id`, `GET /groups`, `GET /groups/:id`.
/// Groups call the full name and path `full_name` and `full_path`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Place {
    pub id: u64,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable", alias = "full_name")]
    pub name_with_namespace: String,
    #[serde(default, deserialize_with = "nullable", alias = "full_path")]
    pub path_with_namespace: String,
    #[serde(default, deserialize_with = "nullable")]
    pub description: String,
    #[serde(default, deserialize_with = "nullable")]
    pub web_url: String,
    #[serde(default, deserialize_with = "nullable")]
    pub http_url_to_repo: String,
    #[serde(default, deserialize_with = "lenient_datetime")]
    pub last_activity_at: Option<DateTime<Utc>>,
    /// `registry.example.com/group/project` when the instance has a container registry and
    /// this project's is on; absent from simple lists and on instances without one.
    #[serde(default, deserialize_with = "nullable")]
    pub container_registry_image_prefix: String,
}

pub type Project = Place;
pub type Group = Place;

impl Place {
    /// The registry host to `docker login` to, when GitLab reported one.
    pub fn registry_host(&self) -> Option<&str> {
        let host = self
            .container_registry_image_prefix
            .split('/')
            .next()?
            .trim();
        (!host.is_empty()).then_some(host)
    }

    /// What lists and headings show: the full name, else the name.
    pub fn title(&self) -> &str {
        if self.name_with_namespace.is_empty() {
            &self.name
        } else {
            &self.name_with_namespace
        }
    }
}

/// Active rows first by soonest expiry (what needs attention), then inactive ones, newest
/// expiry first.
pub fn partition(rows: &[Credential], today: NaiveDate) -> (Vec<Credential>, Vec<Credential>) {
    let (mut active, mut inactive): (Vec<Credential>, Vec<Credential>) = rows
        .iter()
        .cloned()
        .partition(|t| t.status(today).is_active());
    active.sort_by_key(|t| (t.expires_at.is_none(), t.expires_at, t.id));
    inactive.sort_by_key(|t| std::cmp::Reverse((t.expires_at, t.id)));
    (active, inactive)
}

/// Names of active rows that stop working within [`EXPIRY_URGENT_DAYS`].
pub fn expiring_soon(rows: &[Credential], today: NaiveDate) -> Vec<&str> {
    rows.iter()
        .filter(|t| {
            matches!(t.status(today), TokenStatus::Active { days_left: Some(n) } if n <= EXPIRY_URGENT_DAYS)
        })
        .map(|t| t.name.as_str())
        .collect()
}

/// `GET /projects/:id/members/all/:user_id`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Member {
    #[serde(default, deserialize_with = "lenient_role")]
    pub access_level: Option<AccessLevel>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::expiry::parse_date(s).unwrap()
    }

    fn token(expires: Option<&str>, active: bool, revoked: bool) -> Credential {
        let json = format!(
            r#"{{"id":1,"name":"t","active":{active},"revoked":{revoked},"expires_at":{}}}"#,
            expires.map_or("null".into(), |e| format!("\"{e}\""))
        );
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn status_follows_gitlab_midnight_rule() {
        let today = d("2026-11-21");
        assert_eq!(
            token(Some("2026-11-22"), true, false).status(today),
            TokenStatus::Active { days_left: Some(1) }
        );
        assert_eq!(
            token(Some("2026-11-21"), true, false).status(today),
            TokenStatus::Expired
        );
        assert_eq!(
            token(Some("2027-01-01"), false, false).status(today),
            TokenStatus::Expired
        );
        assert_eq!(
            token(Some("2027-01-01"), false, true).status(today),
            TokenStatus::Revoked
        );
        assert_eq!(token(None, true, false).status(today).label(), "no expiry");
        assert_eq!(
            token(Some("2026-11-26"), true, false).status(today).label(),
            "expires in 5 days"
        );
        assert_eq!(
            token(Some("2026-11-26"), true, false)
                .status(today)
                .severity(),
            "urgent"
        );
        assert_eq!(
            token(Some("2026-12-11"), true, false)
                .status(today)
                .severity(),
            "warning"
        );
        assert_eq!(
            token(Some("2027-06-01"), true, false)
                .status(today)
                .severity(),
            "ok"
        );
    }

    #[test]
    fn rows_split_into_active_and_inactive_in_attention_order() {
        let today = d("2026-11-21");
        let rows = vec![
            token(Some("2027-06-01"), true, false),
            token(Some("2026-11-23"), true, false),
            token(None, true, false),
            token(Some("2026-11-01"), true, false),
            token(Some("2027-01-01"), false, true),
        ];
        let rows: Vec<Credential> = rows
            .into_iter()
            .enumerate()
            .map(|(i, mut t)| {
                t.id = i as u64;
                t.name = format!("t{i}");
                t
            })
            .collect();
        let (active, inactive) = partition(&rows, today);
        let ids = |v: &[Credential]| v.iter().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(ids(&active), [1, 0, 2]);
        assert_eq!(ids(&inactive), [4, 3]);
        assert_eq!(expiring_soon(&rows, today), ["t1"]);
        let group: Group = serde_json::from_str(
            r#"{"id":10,"name":"Demo","full_name":"Demo","full_path":"demo"}"#,
        )
        .unwrap();
        assert_eq!(
            (group.title(), group.path_with_namespace.as_str()),
            ("Demo", "demo")
        );
    }

    #[test]
    fn one_row_model_reads_every_kind() {
        let today = d("2026-11-21");
        let deploy: Credential = serde_json::from_str(
            r#"{"id":3,"name":"ci","username":"gitlab+deploy-token-3","expires_at":"2026-11-20T00:00:00.000Z","scopes":["read_registry"],"revoked":false,"expired":true}"#,
        )
        .unwrap();
        assert_eq!(deploy.username, "gitlab+deploy-token-3");
        assert_eq!(deploy.active, Some(false));
        assert_eq!(deploy.status(today), TokenStatus::Expired);
        let forever: Credential = serde_json::from_str(
            r#"{"id":4,"name":"x","expires_at":null,"revoked":false,"expired":false}"#,
        )
        .unwrap();
        assert_eq!(forever.status(today).label(), "no expiry");
        let key: Credential = serde_json::from_str(
            r#"{"id":5,"title":"laptop","key":"ssh-ed25519 AAAA","fingerprint_sha256":"SHA256:abc","can_push":true,"expires_at":null,"created_at":"2026-01-01T10:00:00.000Z"}"#,
        )
        .unwrap();
        assert_eq!((key.name.as_str(), key.can_push), ("laptop", Some(true)));
        assert_eq!(key.fingerprint, "SHA256:abc");
        assert!(key.status(today).is_active());
        let trigger: Credential = serde_json::from_str(
            r#"{"id":6,"description":"deploy downstream","token":"glpt****","last_used":"2026-11-01T08:00:00Z","owner":{"id":2,"username":"maria","name":"Maria"}}"#,
        )
        .unwrap();
        assert_eq!(trigger.name, "deploy downstream");
        assert_eq!(trigger.description, "");
        assert!(trigger.last_used_at.is_some());
        assert_eq!(trigger.owner.as_ref().map(|o| o.id), Some(2));
        // Odd types never fail a whole list.
        let odd: Credential = serde_json::from_str(
            r#"{"id":7,"name":null,"active":"yes","user_id":-1,"access_level":99,"owner":null,"extra":[1]}"#,
        )
        .unwrap();
        assert_eq!((odd.active, odd.user_id), (None, None));
    }

    #[test]
    fn the_registry_host_comes_from_the_image_prefix() {
        let place = |json: &str| serde_json::from_str::<Place>(json).unwrap();
        let on = place(
            r#"{"id":1,"container_registry_image_prefix":"registry.example.com:5050/grp/app"}"#,
        );
        assert_eq!(on.registry_host(), Some("registry.example.com:5050"));
        for off in [
            r#"{"id":1}"#,
            r#"{"id":1,"container_registry_image_prefix":null}"#,
            r#"{"id":1,"container_registry_image_prefix":""}"#,
        ] {
            assert_eq!(place(off).registry_host(), None, "{off}");
        }
    }
}
