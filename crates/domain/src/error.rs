//! One classifier of GitLab responses.
//!
//! GitLab answers parameter validation with `{"error": "name is missing, scopes is missing"}`
//! and everything else with `{"message": ...}`, a string (`"400 Bad request - reason"`) or an
//! object of per-attribute lists. Both are mapped here, once, into an [`ApiError`] that keeps
//! per-field messages so forms can show them at the right field.

use crate::json::{self, FromJson, Loose};

/// Form fields GitLab may complain about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Description,
    Scopes,
    AccessLevel,
    ExpiresAt,
    /// A deploy token's username.
    Username,
    /// A deploy key's public key.
    Key,
    /// A deploy key's write access.
    CanPush,
}

impl Field {
    /// The request parameter GitLab names in `error` strings.
    pub fn from_param(param: &str) -> Option<Field> {
        Some(match param {
            "name" => Field::Name,
            "description" => Field::Description,
            "scopes" => Field::Scopes,
            "access_level" => Field::AccessLevel,
            "expires_at" => Field::ExpiresAt,
            // A deploy key's name is its title; a duplicate key is reported on its fingerprint.
            "title" => Field::Name,
            "username" => Field::Username,
            "key" | "fingerprint" | "fingerprint_sha256" => Field::Key,
            "can_push" => Field::CanPush,
            _ => return None,
        })
    }

    /// Guesses the field a model error (`"Expiration date must be before …"`) is about.
    fn from_message(message: &str) -> Option<Field> {
        let m = message.to_ascii_lowercase();
        if m.contains("expiration date") || m.contains("expires_at") || m.contains("expires at") {
            Some(Field::ExpiresAt)
        } else if m.contains("access level")
            || m.contains("access_level")
            || m.contains("owner access")
        {
            Some(Field::AccessLevel)
        } else if m.starts_with("scope") || m.contains(" scopes ") {
            Some(Field::Scopes)
        } else if m.starts_with("description") {
            Some(Field::Description)
        } else if m.starts_with("name ") {
            Some(Field::Name)
        } else if m.starts_with("username") {
            Some(Field::Username)
        } else {
            None
        }
    }
}

/// A set of [`Field`]s (those a form has seen edited), one bit per field: the set operations a
/// form needs without a hash table's code. Holds up to 32 kinds of field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSet(u32);

impl FieldSet {
    pub fn insert(&mut self, field: Field) {
        self.0 |= 1 << field as u32;
    }

    pub fn contains(&self, field: &Field) -> bool {
        self.0 & 1 << *field as u32 != 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// No HTTP response: offline, DNS, TLS, CORS refusal or a proxy answering without CORS.
    Network,
    Unauthorized,
    Forbidden,
    /// 403 `insufficient_scope`: the token lacks a scope the call needs.
    InsufficientScope,
    NotFound,
    /// 400, 409, 412, 422: GitLab refused the input.
    Invalid,
    RateLimited,
    Server,
    /// A status or body tokenwarden does not understand.
    Unexpected,
}

/// A failed GitLab call. Cheap to clone and compare; never holds a response body of a
/// successful call (it could contain a secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub status: Option<u16>,
    /// GitLab's own words, status prefix removed, or a description of what went wrong.
    pub message: String,
    /// Messages GitLab attached to specific fields.
    pub fields: Vec<(Field, String)>,
}

/// GitLab messages can be long (an admin-configured throttle text, an HTML error page); this is
/// enough to be useful in a banner.
const MAX_MESSAGE_CHARS: usize = 300;

impl ApiError {
    pub fn network(detail: &str) -> Self {
        let detail = detail.trim();
        let mut message = String::from(
            "GitLab could not be reached. Check the address and your connection. \
             A proxy in front of GitLab that throttles or fails requests looks like this too.",
        );
        if !detail.is_empty() {
            message.push_str(&format!(" ({})", truncate(detail)));
        }
        ApiError {
            kind: ErrorKind::Network,
            status: None,
            message,
            fields: Vec::new(),
        }
    }

    pub fn unexpected(message: impl Into<String>) -> Self {
        ApiError {
            kind: ErrorKind::Unexpected,
            status: None,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// The message for `field`, if GitLab sent one.
    pub fn field(&self, field: Field) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// A sentence for a banner: what happened and what to do.
    pub fn summary(&self) -> String {
        // What happened, GitLab's own words in brackets, then what to do.
        let (what, next) = match self.kind {
            ErrorKind::Network | ErrorKind::Unexpected => return self.message.clone(),
            ErrorKind::Unauthorized => ("GitLab refused the request", ": the token is unknown, expired or revoked, or your role does not allow this."),
            ErrorKind::RateLimited => ("GitLab is limiting the rate of requests", ". Wait a minute, then try again."),
            ErrorKind::Server => ("GitLab had a problem answering", ". Try again in a moment."),
            ErrorKind::Forbidden => ("GitLab did not allow this", ": your role here does not permit it. Ask an Owner for access, or sign in as someone who has it."),
            ErrorKind::InsufficientScope => ("Your token lacks a scope this needs", ". Sign in with a token that has the api scope."),
            ErrorKind::NotFound => ("GitLab found nothing there", ": it was deleted, renamed or moved, or you cannot see it."),
            ErrorKind::Invalid => ("GitLab refused the request", ". Correct it and try again."),
        };
        format!("{what} ({}){next}", self.message)
    }

    /// Whether trying the same call again can help: not when GitLab refused or found nothing.
    pub fn retryable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Network | ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Unexpected
        )
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE_CHARS {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(MAX_MESSAGE_CHARS).collect();
        t.push('…');
        t
    }
}

fn kind_for(status: u16) -> ErrorKind {
    match status {
        400 | 409 | 412 | 422 => ErrorKind::Invalid,
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Unexpected,
    }
}

/// Removes the `"400 Bad request - "` style prefix that `bad_request!` and `forbidden!` add.
fn strip_status_prefix(message: &str) -> &str {
    let m = message.trim();
    let Some(rest) = m
        .get(..3)
        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
        .map(|_| &m[3..])
    else {
        return m;
    };
    match rest.split_once(" - ") {
        Some((_, reason)) if !reason.trim().is_empty() => reason.trim(),
        _ => m,
    }
}

/// Classifies a non-success response.
pub fn classify_error(status: u16, body: &str) -> ApiError {
    let mut kind = kind_for(status);
    let mut fields = Vec::new();
    // One pass over the body; only an object carries GitLab's fields.
    let parsed = json::from_str::<Loose>(body).map(|json| {
        let mut entries = match json {
            Loose::Object(entries) => entries,
            _ => Vec::new(),
        };
        let mut take = |key: &str| {
            let i = entries.iter().position(|(k, _)| k == key)?;
            Some(entries.swap_remove(i).1)
        };
        let error = take("error").and_then(Loose::into_str);
        let description = take("error_description").and_then(Loose::into_str);
        let scope = take("scope").and_then(Loose::into_str);
        (error, description, scope, take("message"))
    });
    let message = match parsed {
        Ok((Some(err), description, scope, _)) => {
            if err == "insufficient_scope" {
                kind = ErrorKind::InsufficientScope;
                // GitLab lists every scope that would do ("api read_api"); any one is enough.
                let scopes = scope.as_deref().unwrap_or("api");
                let scopes = scopes.split_whitespace().collect::<Vec<_>>().join(" or ");
                format!("This token lacks the scope this action needs ({scopes}).")
            } else if let Some(description) = description {
                // OAuth-style errors of the API guard: `invalid_token` for expired or revoked.
                description
            } else {
                // Grape validation: "name is missing, scopes does not have a valid value".
                for part in err.split(", ") {
                    let param = part.split_whitespace().next().unwrap_or("");
                    if let Some(f) = Field::from_param(param.trim_end_matches("[]")) {
                        fields.push((f, part.to_string()));
                    }
                }
                err
            }
        }
        Ok((None, _, _, Some(Loose::Str(s)))) => {
            let m = strip_status_prefix(&s).to_string();
            if let Some(f) = Field::from_message(&m) {
                fields.push((f, m.clone()));
            }
            m
        }
        Ok((None, _, _, Some(Loose::Object(attrs)))) => {
            let mut parts = Vec::new();
            for (attr, value) in attrs {
                for t in value.into_texts() {
                    // {"message": {"error": "…"}} is a throttle text, not a field.
                    let text = if attr == "error" || attr == "base" {
                        t
                    } else {
                        format!("{} {t}", attr.replace('_', " "))
                    };
                    if let Some(f) = Field::from_param(&attr) {
                        fields.push((f, text.clone()));
                    }
                    parts.push(text);
                }
            }
            capitalise(&parts.join("; "))
        }
        Ok(_) => String::new(),
        // Not a JSON object: a proxy's or Rack::Attack's plain text.
        Err(_) => body.trim().to_string(),
    };
    let message = if message.is_empty() {
        default_message(status)
    } else {
        truncate(&message)
    };
    ApiError {
        kind,
        status: Some(status),
        message,
        fields,
    }
}

/// Upper-cases the first letter. GitLab's attribute names and messages are English, so ASCII
/// is enough, and `char::to_uppercase` would bring Unicode's whole case table into the page.
fn capitalise(s: &str) -> String {
    let mut out = s.to_string();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

fn default_message(status: u16) -> String {
    match status {
        401 => "401 Unauthorized".into(),
        403 => "403 Forbidden".into(),
        404 => "404 Not Found".into(),
        429 => "429 Too Many Requests".into(),
        s => format!("HTTP {s}"),
    }
}

/// Success or the classified error, for calls whose body is not needed (204 on revoke).
pub fn check(status: u16, body: &str) -> Result<(), ApiError> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(classify_error(status, body))
    }
}

/// Decodes a success body into `T`, or classifies the error. A body that does not decode is
/// reported without its content, which may hold a secret.
pub fn decode<T: FromJson>(status: u16, body: &str) -> Result<T, ApiError> {
    check(status, body)?;
    json::from_str(body).map_err(|e| {
        let (line, column) = e.position(body);
        // The status stays: a write answered 2xx was done, even if its answer is unreadable.
        ApiError {
            status: Some(status),
            ..ApiError::unexpected(format!(
                "GitLab's answer could not be read (line {line}, column {column}). Is this address a GitLab instance?"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_set_holds_each_field_once() {
        let all = [
            Field::Name,
            Field::Description,
            Field::Scopes,
            Field::AccessLevel,
            Field::ExpiresAt,
            Field::Username,
            Field::Key,
            Field::CanPush,
        ];
        let mut set = FieldSet::default();
        assert!(all.iter().all(|f| !set.contains(f)));
        for (i, field) in all.into_iter().enumerate() {
            set.insert(field);
            set.insert(field);
            for (j, other) in all.iter().enumerate() {
                assert_eq!(set.contains(other), j <= i, "{field:?} then {other:?}");
            }
        }
    }

    #[test]
    fn grape_validation_errors_map_to_fields() {
        let e = classify_error(400, r#"{"error":"name is missing, scopes is missing"}"#);
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert_eq!(e.field(Field::Name), Some("name is missing"));
        assert_eq!(e.field(Field::Scopes), Some("scopes is missing"));
        let e = classify_error(
            400,
            r#"{"error":"access_level does not have a valid value"}"#,
        );
        assert_eq!(
            e.field(Field::AccessLevel),
            Some("access_level does not have a valid value")
        );
    }

    #[test]
    fn bad_request_messages_lose_their_prefix_and_find_their_field() {
        let e = classify_error(
            400,
            r#"{"message":"400 Bad request - Expiration date must be before 2027-11-22"}"#,
        );
        assert_eq!(e.message, "Expiration date must be before 2027-11-22");
        assert_eq!(
            e.field(Field::ExpiresAt),
            Some("Expiration date must be before 2027-11-22")
        );
        let e = classify_error(
            400,
            r#"{"message":"400 Bad request - Access level of the token contains permissions not held by the creating user"}"#,
        );
        assert!(e.field(Field::AccessLevel).is_some());
        let e = classify_error(
            400,
            r#"{"message":"400 Bad request - User does not have permission to create project access token"}"#,
        );
        assert_eq!(
            e.message,
            "User does not have permission to create project access token"
        );
        assert!(e.fields.is_empty());
        let e = classify_error(400, r#"{"message":"400 Bad request"}"#);
        assert_eq!(e.message, "400 Bad request");
    }

    #[test]
    fn message_objects_and_plain_texts() {
        let e = classify_error(
            400,
            r#"{"message":{"title":["can't be blank"],"key":["is invalid"]}}"#,
        );
        assert_eq!(e.message, "Title can't be blank; key is invalid");
        // Only an ASCII first letter is capitalised; anything else is left as GitLab wrote it.
        let e = classify_error(400, r#"{"message":{"base":["été: ok"]}}"#);
        assert_eq!(e.message, "été: ok");
        let e = classify_error(
            429,
            r#"{"message":{"error":"This endpoint has been requested too many times. Try again later."}}"#,
        );
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert!(e.message.starts_with("This endpoint"));
        let e = classify_error(429, "Retry later\n");
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::RateLimited, "Retry later")
        );
        let e = classify_error(401, r#"{"message":"401 Unauthorized"}"#);
        assert_eq!(e.kind, ErrorKind::Unauthorized);
        assert!(e.summary().contains("expired or revoked"));
        assert!(!e.retryable());
        let e = classify_error(502, "");
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Server, "HTTP 502")
        );
        let e = classify_error(500, &"x".repeat(5000));
        assert!(e.message.chars().count() <= MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn odd_bodies_fall_back_to_the_status() {
        for body in [
            r#"{"message":42}"#,
            r#"{"message":["a"]}"#,
            r#"{"message":null}"#,
            "{}",
            "[]",
            r#"{"error":{"a":1}}"#,
        ] {
            let e = classify_error(404, body);
            assert_eq!(
                (e.kind, e.message.as_str()),
                (ErrorKind::NotFound, "404 Not Found"),
                "{body}"
            );
        }
        let e = classify_error(
            400,
            r#"{"error":null,"message":"400 Bad request - Name is too long"}"#,
        );
        assert_eq!(e.field(Field::Name), Some("Name is too long"));
        let e = classify_error(502, "<html><body>Bad Gateway</body></html>");
        assert_eq!(e.message, "<html><body>Bad Gateway</body></html>");
    }

    #[test]
    fn insufficient_scope_is_its_own_kind() {
        let e = classify_error(
            403,
            r#"{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api read_api"}"#,
        );
        assert_eq!(e.kind, ErrorKind::InsufficientScope);
        assert_eq!(
            e.message,
            "This token lacks the scope this action needs (api or read_api)."
        );
    }

    #[test]
    fn invalid_token_uses_gitlabs_description() {
        let e = classify_error(
            401,
            r#"{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}"#,
        );
        assert_eq!(e.kind, ErrorKind::Unauthorized);
        assert!(e.message.starts_with("Token is expired."), "{}", e.message);
        assert!(e.fields.is_empty());
    }

    #[test]
    fn decode_hides_bodies_it_cannot_read() {
        type T = crate::models::UserRef;
        let err =
            decode::<T>(201, r#"{"token":"glpat-secretsecretsecret12","id":"x"}"#).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unexpected);
        assert_eq!(
            err.message,
            "GitLab's answer could not be read (line 1, column 44). Is this address a GitLab instance?"
        );
        let err = decode::<T>(200, "{\n  \"name\": \"x\"\n}").unwrap_err();
        assert!(
            err.message.contains("(line 3, column 1)"),
            "{}",
            err.message
        );
        assert!(decode::<T>(200, r#"{"id":3,"extra":true}"#).is_ok());
        assert_eq!(
            decode::<T>(404, r#"{"message":"404 Project Not Found"}"#)
                .unwrap_err()
                .kind,
            ErrorKind::NotFound
        );
        assert_eq!(
            decode::<T>(200, "<html>").unwrap_err().kind,
            ErrorKind::Unexpected
        );
    }

    #[test]
    fn every_summary_says_what_to_do_and_keeps_gitlabs_words() {
        let cases = [
            (403, r#"{"message":"403 Forbidden"}"#, "Ask an Owner", false),
            (
                404,
                r#"{"message":"404 Project Not Found"}"#,
                "deleted, renamed or moved",
                false,
            ),
            (400, r#"{"error":"name is missing"}"#, "Correct it", false),
            (
                500,
                r#"{"message":"500 Internal Server Error"}"#,
                "Try again",
                true,
            ),
            (429, "Retry later", "Wait a minute", true),
        ];
        for (status, body, advice, retry) in cases {
            let e = check(status, body).unwrap_err();
            let text = e.summary();
            assert!(text.contains(advice), "{status}: {text}");
            assert!(
                text.contains(&e.message),
                "{status} keeps GitLab's words: {text}"
            );
            assert_eq!(e.retryable(), retry, "{status}");
        }
        assert!(ApiError::network("offline").retryable());
    }
}
