//! GitLab response models. Only the fields tokenwarden uses are declared; unknown fields are
//! ignored and nulls or odd values fall back to defaults, so newer or older GitLab versions
//! still decode.

use crate::json::{self, FromJson, Loose, Reader};
use crate::role::AccessLevel;
use crate::secret::Secret;
use chrono::{DateTime, NaiveDate, Utc};

type Read<T> = Result<T, json::Error>;

fn lenient_str(r: &mut Reader) -> Read<Option<String>> {
    Ok(r.loose()?.into_str())
}

/// Dates arrive as `YYYY-MM-DD` (access tokens) or as datetimes (deploy tokens); anything
/// unreadable counts as absent rather than failing the whole list.
fn lenient_date(r: &mut Reader) -> Read<Option<NaiveDate>> {
    Ok(lenient_str(r)?.and_then(|s| s.get(..10).and_then(crate::expiry::parse_date)))
}

fn lenient_datetime(r: &mut Reader) -> Read<Option<DateTime<Utc>>> {
    Ok(lenient_str(r)?
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc)))
}

fn lenient_role(r: &mut Reader) -> Read<Option<AccessLevel>> {
    Ok(match r.loose()? {
        Loose::Int(l) => u8::try_from(l).ok().and_then(AccessLevel::covering),
        _ => None,
    })
}

fn lenient_bool(r: &mut Reader) -> Read<Option<bool>> {
    Ok(match r.loose()? {
        Loose::Bool(b) => Some(b),
        _ => None,
    })
}

fn lenient_id(r: &mut Reader) -> Read<Option<u64>> {
    Ok(match r.loose()? {
        Loose::Int(n) => u64::try_from(n).ok(),
        _ => None,
    })
}

/// The member `name` of an object, read by `read` (the last, if there are several); the others
/// are skipped.
fn member<T>(r: &mut Reader, name: &str, read: fn(&mut Reader) -> Read<T>) -> Read<Option<T>> {
    let mut found = None;
    r.object(&mut |r, key| {
        if key == name {
            found = Some(read(r)?);
            Ok(())
        } else {
            r.skip()
        }
    })?;
    Ok(found)
}

/// An object with a required non-negative integer `id`: `field` is given every other member,
/// reads those it knows and skips the rest.
fn with_id(r: &mut Reader, field: &mut dyn FnMut(&mut Reader, &str) -> Read<()>) -> Read<u64> {
    let mut id = None;
    r.object(&mut |r, key| {
        if key == "id" {
            id = Some(r.u64()?);
            Ok(())
        } else {
            field(r, key)
        }
    })?;
    // A missing id is reported at the end of the object.
    id.ok_or_else(|| r.fail())
}

/// `GET /user`.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub id: u64,
    pub username: String,
    pub name: String,
    /// Present only when the caller is an administrator.
    pub is_admin: bool,
}

impl FromJson for User {
    fn read(r: &mut Reader) -> Read<Self> {
        let mut is_admin = false;
        let UserRef { id, username, name } = person(r, &mut |r, key| {
            match key {
                "is_admin" => is_admin = r.nullable_bool()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(User {
            id,
            username,
            name,
            is_admin,
        })
    }
}

/// A user object: id, username and name, and whatever `more` reads.
fn person(r: &mut Reader, more: &mut dyn FnMut(&mut Reader, &str) -> Read<()>) -> Read<UserRef> {
    let (mut username, mut name) = (String::new(), String::new());
    let id = with_id(r, &mut |r, key| {
        match key {
            "username" => username = r.nullable_string()?,
            "name" => name = r.nullable_string()?,
            _ => more(r, key)?,
        }
        Ok(())
    })?;
    Ok(UserRef { id, username, name })
}

/// `GET /application/settings` (admins): only what the page reads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppSettings {
    /// The instance's own prefix for personal, project and group access tokens.
    pub personal_access_token_prefix: String,
}

impl FromJson for AppSettings {
    fn read(r: &mut Reader) -> Read<Self> {
        let prefix = member(r, "personal_access_token_prefix", |r| r.nullable_string())?;
        Ok(AppSettings {
            personal_access_token_prefix: prefix.unwrap_or_default(),
        })
    }
}

/// `GET /version`.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    pub version: String,
}

impl FromJson for Version {
    fn read(r: &mut Reader) -> Read<Self> {
        let version = member(r, "version", |r| r.nullable_string())?;
        Ok(Version {
            version: version.unwrap_or_default(),
        })
    }
}

/// Any credential as GitLab lists it, whatever its kind: access tokens (personal, project,
/// group), deploy tokens, deploy keys and pipeline triggers share this one row model. Fields a
/// kind does not have stay at their defaults.
#[derive(Clone, Debug, Default, PartialEq)]
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
#[derive(Clone, Debug, PartialEq)]
pub struct UserRef {
    pub id: u64,
    pub username: String,
    pub name: String,
}

impl FromJson for UserRef {
    fn read(r: &mut Reader) -> Read<Self> {
        person(r, &mut |r, _| r.skip())
    }
}

impl FromJson for Credential {
    fn read(r: &mut Reader) -> Read<Self> {
        let (mut name, mut title, mut description) = (String::new(), String::new(), String::new());
        let mut expired = None;
        let mut c = Credential::default();
        c.id = with_id(r, &mut |r, key| {
            match key {
                "name" => name = r.nullable_string()?,
                "title" => title = r.nullable_string()?,
                "description" => description = r.nullable_string()?,
                "scopes" => c.scopes = r.nullable_strings()?,
                "revoked" => c.revoked = r.nullable_bool()?,
                "active" => c.active = lenient_bool(r)?,
                "expired" => expired = lenient_bool(r)?,
                "expires_at" => c.expires_at = lenient_date(r)?,
                "created_at" => c.created_at = lenient_datetime(r)?,
                // Triggers say `last_used`.
                "last_used_at" | "last_used" => c.last_used_at = lenient_datetime(r)?,
                "access_level" => c.access_level = lenient_role(r)?,
                "user_id" => c.user_id = lenient_id(r)?,
                "username" => c.username = r.nullable_string()?,
                "can_push" => c.can_push = lenient_bool(r)?,
                "fingerprint_sha256" => c.fingerprint = r.nullable_string()?,
                "owner" => {
                    c.owner = if r.null()? {
                        None
                    } else {
                        Some(UserRef::read(r)?)
                    }
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        // A trigger has only a description: it is the trigger's name.
        (c.name, c.description) = if !name.is_empty() {
            (name, description)
        } else if !title.is_empty() {
            (title, description)
        } else {
            (description, String::new())
        };
        c.active = c.active.or(expired.map(|e| !e));
        Ok(c)
    }
}

/// The access-token name the session and older code use for a credential row.
pub type AccessToken = Credential;

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

impl CreatedToken {
    /// Two passes over the body: the row as any list shows it, then the secret, read straight
    /// from the body into a [`Secret`].
    pub fn from_json(body: &str) -> Result<Self, json::Error> {
        let meta = json::from_str(body)?;
        let mut r = Reader::new(body);
        let token = member(&mut r, "token", |r| r.string())?.ok_or_else(|| r.fail())?;
        let token = Secret::new(token);
        Ok(CreatedToken { meta, token })
    }
}

/// A project or a group: `GET /projects`, `GET /projects/:id`, `GET /groups`, `GET /groups/:id`.
/// Groups call the full name and path `full_name` and `full_path`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Place {
    pub id: u64,
    pub name: String,
    pub name_with_namespace: String,
    pub path_with_namespace: String,
    pub description: String,
    pub web_url: String,
    pub http_url_to_repo: String,
    pub last_activity_at: Option<DateTime<Utc>>,
    /// `registry.example.com/group/project` when the instance has a container registry and
    /// this project's is on; absent from simple lists and on instances without one.
    pub container_registry_image_prefix: String,
}

impl FromJson for Place {
    fn read(r: &mut Reader) -> Read<Self> {
        let mut p = Place::default();
        p.id = with_id(r, &mut |r, key| {
            let text = match key {
                "name" => &mut p.name,
                "name_with_namespace" | "full_name" => &mut p.name_with_namespace,
                "path_with_namespace" | "full_path" => &mut p.path_with_namespace,
                "description" => &mut p.description,
                "web_url" => &mut p.web_url,
                "http_url_to_repo" => &mut p.http_url_to_repo,
                "container_registry_image_prefix" => &mut p.container_registry_image_prefix,
                "last_activity_at" => {
                    p.last_activity_at = lenient_datetime(r)?;
                    return Ok(());
                }
                _ => return r.skip(),
            };
            *text = r.nullable_string()?;
            Ok(())
        })?;
        Ok(p)
    }
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
    sort_by_expiry(&mut active, false);
    sort_by_expiry(&mut inactive, true);
    (active, inactive)
}

/// Rows without an expiry last; the others by expiry date, then id, soonest or (with
/// `newest_first`) latest first. One sort for both lists, so the page carries one copy of it.
fn sort_by_expiry(rows: &mut [Credential], newest_first: bool) {
    rows.sort_by(|a, b| {
        let order = (a.expires_at, a.id).cmp(&(b.expires_at, b.id));
        let order = if newest_first { order.reverse() } else { order };
        a.expires_at
            .is_none()
            .cmp(&b.expires_at.is_none())
            .then(order)
    });
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
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub access_level: Option<AccessLevel>,
}

impl FromJson for Member {
    fn read(r: &mut Reader) -> Read<Self> {
        let access_level = member(r, "access_level", lenient_role)?;
        Ok(Member {
            access_level: access_level.flatten(),
        })
    }
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
        json::from_str(&json).unwrap()
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
            token(None, true, true),
            token(None, true, true),
            token(Some("2026-10-01"), false, false),
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
        assert_eq!(ids(&inactive), [4, 3, 7, 6, 5]);
        assert_eq!(expiring_soon(&rows, today), ["t1"]);
        let group: Group =
            json::from_str(r#"{"id":10,"name":"Demo","full_name":"Demo","full_path":"demo"}"#)
                .unwrap();
        assert_eq!(
            (group.title(), group.path_with_namespace.as_str()),
            ("Demo", "demo")
        );
    }

    #[test]
    fn one_row_model_reads_every_kind() {
        let today = d("2026-11-21");
        let deploy: Credential = json::from_str(
            r#"{"id":3,"name":"ci","username":"gitlab+deploy-token-3","expires_at":"2026-11-20T00:00:00.000Z","scopes":["read_registry"],"revoked":false,"expired":true}"#,
        )
        .unwrap();
        assert_eq!(deploy.username, "gitlab+deploy-token-3");
        assert_eq!(deploy.active, Some(false));
        assert_eq!(deploy.status(today), TokenStatus::Expired);
        let forever: Credential = json::from_str(
            r#"{"id":4,"name":"x","expires_at":null,"revoked":false,"expired":false}"#,
        )
        .unwrap();
        assert_eq!(forever.status(today).label(), "no expiry");
        let key: Credential = json::from_str(
            r#"{"id":5,"title":"laptop","key":"ssh-ed25519 AAAA","fingerprint_sha256":"SHA256:abc","can_push":true,"expires_at":null,"created_at":"2026-01-01T10:00:00.000Z"}"#,
        )
        .unwrap();
        assert_eq!((key.name.as_str(), key.can_push), ("laptop", Some(true)));
        assert_eq!(key.fingerprint, "SHA256:abc");
        assert!(key.status(today).is_active());
        let trigger: Credential = json::from_str(
            r#"{"id":6,"description":"deploy downstream","token":"glpt****","last_used":"2026-11-01T08:00:00Z","owner":{"id":2,"username":"maria","name":"Maria"}}"#,
        )
        .unwrap();
        assert_eq!(trigger.name, "deploy downstream");
        assert_eq!(trigger.description, "");
        assert!(trigger.last_used_at.is_some());
        assert_eq!(trigger.owner.as_ref().map(|o| o.id), Some(2));
        // Odd types never fail a whole list.
        let odd: Credential = json::from_str(
            r#"{"id":7,"name":null,"active":"yes","user_id":-1,"access_level":99,"owner":null,"extra":[1]}"#,
        )
        .unwrap();
        assert_eq!((odd.active, odd.user_id), (None, None));
    }

    #[test]
    fn the_registry_host_comes_from_the_image_prefix() {
        let place = |json: &str| json::from_str::<Place>(json).unwrap();
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

    fn empty_row(id: u64) -> Credential {
        Credential {
            id,
            ..Credential::default()
        }
    }

    fn empty_place(id: u64) -> Place {
        Place {
            id,
            ..Place::default()
        }
    }

    fn at(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
    }

    #[test]
    fn every_field_is_read() {
        let row: Credential = json::from_str(
            r#"{"id":9,"name":"ci","description":"builds","scopes":["api","read_api"],"revoked":true,
               "active":false,"expires_at":"2027-01-31","created_at":"2026-01-02T03:04:05.678Z",
               "last_used_at":"2026-11-01T08:00:00+02:00","access_level":30,"user_id":77,
               "username":"bot","can_push":false,"fingerprint_sha256":"SHA256:x",
               "owner":{"id":2,"username":"maria","name":"Maria","state":"active"}}"#,
        )
        .unwrap();
        assert_eq!(
            row,
            Credential {
                name: "ci".into(),
                description: "builds".into(),
                scopes: vec!["api".into(), "read_api".into()],
                revoked: true,
                active: Some(false),
                expires_at: Some(d("2027-01-31")),
                created_at: at("2026-01-02T03:04:05.678Z"),
                last_used_at: at("2026-11-01T06:00:00Z"),
                access_level: Some(AccessLevel::Developer),
                user_id: Some(77),
                username: "bot".into(),
                can_push: Some(false),
                fingerprint: "SHA256:x".into(),
                owner: Some(UserRef {
                    id: 2,
                    username: "maria".into(),
                    name: "Maria".into(),
                }),
                ..empty_row(9)
            }
        );
        let project: Place = json::from_str(
            r#"{"id":4,"name":"web","name_with_namespace":"Demo / web","path_with_namespace":"demo/web",
               "description":"site","web_url":"https://gl/demo/web","http_url_to_repo":"https://gl/demo/web.git",
               "last_activity_at":"2026-11-20T10:00:00Z","container_registry_image_prefix":"reg/demo/web"}"#,
        )
        .unwrap();
        assert_eq!(
            project,
            Place {
                name: "web".into(),
                name_with_namespace: "Demo / web".into(),
                path_with_namespace: "demo/web".into(),
                description: "site".into(),
                web_url: "https://gl/demo/web".into(),
                http_url_to_repo: "https://gl/demo/web.git".into(),
                last_activity_at: at("2026-11-20T10:00:00Z"),
                container_registry_image_prefix: "reg/demo/web".into(),
                ..empty_place(4)
            }
        );
        let user: User =
            json::from_str(r#"{"id":1,"username":"root","name":"Admin","is_admin":true}"#).unwrap();
        assert_eq!(
            (
                user.id,
                user.username.as_str(),
                user.name.as_str(),
                user.is_admin
            ),
            (1, "root", "Admin", true)
        );
        let settings: AppSettings =
            json::from_str(r#"{"id":1,"personal_access_token_prefix":"corp-"}"#).unwrap();
        assert_eq!(settings.personal_access_token_prefix, "corp-");
        let version: Version =
            json::from_str(r#"{"version":"17.9.1-ee","revision":"abc"}"#).unwrap();
        assert_eq!(version.version, "17.9.1-ee");
        let member: Member = json::from_str(r#"{"id":3,"access_level":50}"#).unwrap();
        assert_eq!(member.access_level, Some(AccessLevel::Owner));
    }

    #[test]
    fn every_field_may_be_null_or_missing() {
        let nulls = r#"{"id":1,"name":null,"title":null,"description":null,"scopes":null,
            "revoked":null,"active":null,"expired":null,"expires_at":null,"created_at":null,
            "last_used_at":null,"access_level":null,"user_id":null,"username":null,
            "can_push":null,"fingerprint_sha256":null,"owner":null}"#;
        for text in [r#"{"id":1}"#, nulls] {
            assert_eq!(
                json::from_str::<Credential>(text),
                Ok(empty_row(1)),
                "{text}"
            );
        }
        let nulls = r#"{"id":2,"name":null,"name_with_namespace":null,"path_with_namespace":null,
            "description":null,"web_url":null,"http_url_to_repo":null,"last_activity_at":null,
            "container_registry_image_prefix":null}"#;
        for text in [r#"{"id":2}"#, nulls] {
            assert_eq!(json::from_str::<Place>(text), Ok(empty_place(2)), "{text}");
        }
        let user = User {
            id: 3,
            username: String::new(),
            name: String::new(),
            is_admin: false,
        };
        for text in [
            r#"{"id":3}"#,
            r#"{"id":3,"username":null,"name":null,"is_admin":null}"#,
        ] {
            assert_eq!(json::from_str::<User>(text), Ok(user.clone()), "{text}");
        }
        for text in ["{}", r#"{"personal_access_token_prefix":null}"#] {
            assert_eq!(
                json::from_str::<AppSettings>(text),
                Ok(AppSettings::default())
            );
        }
        for text in ["{}", r#"{"version":null}"#] {
            assert_eq!(json::from_str::<Version>(text).unwrap().version, "");
        }
        for text in ["{}", r#"{"access_level":null}"#] {
            assert_eq!(json::from_str::<Member>(text).unwrap().access_level, None);
        }
    }

    #[test]
    fn lenient_fields_take_anything() {
        let row = |fields: &str| -> Credential {
            json::from_str(&format!(r#"{{"id":1,{fields}}}"#)).unwrap()
        };
        for odd in [
            r#""soon""#,
            "-5",
            "2.5",
            r#"{"y":2027}"#,
            r#"["2027-01-01"]"#,
            r#""2027-1-1""#,
        ] {
            let r = row(&format!(
                r#""expires_at":{odd},"created_at":{odd},"last_used_at":{odd},"active":{odd},"expired":{odd},"can_push":{odd},"access_level":{odd},"user_id":{odd}"#
            ));
            assert_eq!(r, empty_row(1), "{odd}");
        }
        assert_eq!(
            row(r#""access_level":35"#).access_level,
            Some(AccessLevel::Developer)
        );
        assert_eq!(row(r#""access_level":300"#).access_level, None);
        assert_eq!(row(r#""access_level":"40""#).access_level, None);
        assert_eq!(row(r#""user_id":"3""#).user_id, None);
        assert_eq!(row(r#""user_id":3"#).user_id, Some(3));
        assert_eq!(row(r#""expired":false"#).active, Some(true));
        assert_eq!(row(r#""active":true,"expired":true"#).active, Some(true));
        // A name wins over a title, a title over a description.
        let named = row(r#""name":"n","title":"t","description":"d""#);
        assert_eq!(
            (named.name.as_str(), named.description.as_str()),
            ("n", "d")
        );
        let titled = row(r#""title":"t","description":"d""#);
        assert_eq!(
            (titled.name.as_str(), titled.description.as_str()),
            ("t", "d")
        );
        let member = |text: &str| json::from_str::<Member>(text).unwrap().access_level;
        assert_eq!(member(r#"{"access_level":"50"}"#), None);
        assert_eq!(member(r#"{"access_level":60}"#), Some(AccessLevel::Owner));
        assert_eq!(member(r#"{"access_level":5}"#), None);
    }

    #[test]
    fn strict_fields_still_fail_on_the_wrong_type() {
        for text in [
            "{}",
            "[]",
            r#"{"id":"1"}"#,
            r#"{"id":1.0}"#,
            r#"{"id":-1}"#,
            r#"{"id":null}"#,
            r#"{"id":1,"name":5}"#,
            r#"{"id":1,"description":false}"#,
            r#"{"id":1,"scopes":"api"}"#,
            r#"{"id":1,"scopes":[1]}"#,
            r#"{"id":1,"revoked":"no"}"#,
            r#"{"id":1,"owner":"maria"}"#,
            r#"{"id":1,"owner":{"username":"maria"}}"#,
            r#"{"id":1,"extra":tru}"#,
        ] {
            assert!(json::from_str::<Credential>(text).is_err(), "{text}");
        }
        assert!(json::from_str::<User>(r#"{"id":1,"is_admin":1}"#).is_err());
        assert!(json::from_str::<Place>(r#"{"id":1,"full_path":["a"]}"#).is_err());
        assert!(json::from_str::<Version>(r#"{"version":17}"#).is_err());
        assert!(json::from_str::<AppSettings>("[]").is_err());
    }

    #[test]
    fn a_created_token_needs_its_secret_as_a_string() {
        let created = CreatedToken::from_json(
            r#"{"id":5,"name":"ci","token":"glpat-a\/b\u0063","scopes":["api"]}"#,
        )
        .unwrap();
        assert_eq!((created.meta.id, created.meta.name.as_str()), (5, "ci"));
        assert_eq!(created.token.expose(), "glpat-a/bc");
        for text in [
            r#"{"id":5}"#,
            r#"{"id":5,"token":null}"#,
            r#"{"id":5,"token":42}"#,
            r#"{"token":"glpat-x"}"#,
            r#"{"id":5,"token":"glpat-x"} x"#,
        ] {
            assert!(CreatedToken::from_json(text).is_err(), "{text}");
        }
    }
}
