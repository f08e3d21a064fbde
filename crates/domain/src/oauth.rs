//! "Sign in with GitLab": OAuth 2.0's authorization code flow with PKCE (RFC 7636) for a page
//! with no secret of its own (a GitLab application registered as non-confidential).
//!
//! Everything here is pure: the page brings the randomness (Web Crypto) and the clock, sends
//! the requests and keeps the round trip's record in `sessionStorage` only until it returns.

use crate::json::{self, Loose, ObjectWriter, Reader};
use crate::secret::Secret;
use base64ct::{Base64UrlUnpadded, Encoding};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

/// What the sign-in may do: everything, or look only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// `api`: list, create, rotate and revoke.
    Full,
    /// `read_api`: list only.
    ReadOnly,
}

impl Access {
    pub fn scope(self) -> &'static str {
        match self {
            Access::Full => "api",
            Access::ReadOnly => "read_api",
        }
    }

    fn from_scope(scope: &str) -> Access {
        if scope.split(' ').any(|s| s == "api") {
            Access::Full
        } else {
            Access::ReadOnly
        }
    }
}

/// Refresh this long before GitLab's two-hour expiry, so a request never leaves with a token
/// about to die on the way.
pub const REFRESH_MARGIN_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Characters RFC 3986 lets through a query value unescaped.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(value: &str) -> percent_encoding::PercentEncode<'_> {
    utf8_percent_encode(value, QUERY)
}

/// A code verifier from 32 random bytes: 43 characters of RFC 7636's unreserved set.
pub fn verifier(random: &[u8; 32]) -> String {
    Base64UrlUnpadded::encode_string(random)
}

/// The `state` value from 16 random bytes.
pub fn state(random: &[u8; 16]) -> String {
    Base64UrlUnpadded::encode_string(random)
}

/// The S256 challenge: base64url (no padding) of the verifier's SHA-256.
pub fn challenge(verifier: &str) -> String {
    Base64UrlUnpadded::encode_string(&Sha256::digest(verifier.as_bytes()))
}

/// The redirect URI: the page's own address without query or fragment, as registered in
/// GitLab (a Pages sub-path included).
pub fn redirect_uri(origin: &str, pathname: &str) -> String {
    let path = if pathname.is_empty() { "/" } else { pathname };
    format!("{}{path}", origin.trim_end_matches('/'))
}

/// The record kept across the redirect to GitLab and back.
#[derive(Clone, PartialEq)]
pub struct Pending {
    pub state: String,
    pub verifier: String,
    pub gitlab: String,
    pub client_id: String,
    pub redirect_uri: String,
    /// Where the page was (its `#/…` route), to come back to.
    pub return_to: String,
    /// Whether the session may be kept in this tab's storage afterwards.
    pub keep: bool,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending([REDACTED])")
    }
}

impl Pending {
    /// GitLab's authorize address for this round trip.
    pub fn authorize_url(&self, access: Access) -> String {
        format!(
            "{}/oauth/authorize?client_id={}&redirect_uri={}&response_type=code&state={}&scope={}&code_challenge={}&code_challenge_method=S256",
            self.gitlab,
            encode(&self.client_id),
            encode(&self.redirect_uri),
            encode(&self.state),
            access.scope(),
            challenge(&self.verifier),
        )
    }

    pub fn to_json(&self) -> String {
        let mut w = ObjectWriter::with_capacity(256);
        w.string("state", &self.state);
        w.string("verifier", &self.verifier);
        w.string("gitlab", &self.gitlab);
        w.string("client_id", &self.client_id);
        w.string("redirect_uri", &self.redirect_uri);
        w.string("return_to", &self.return_to);
        w.literal("keep", &self.keep);
        w.finish()
    }

    pub fn from_json(text: &str) -> Option<Pending> {
        let mut p = Pending {
            state: String::new(),
            verifier: String::new(),
            gitlab: String::new(),
            client_id: String::new(),
            redirect_uri: String::new(),
            return_to: String::new(),
            keep: false,
        };
        let mut r = Reader::new(text);
        r.object(&mut |r, key| {
            match key {
                "keep" => p.keep = r.bool()?,
                _ => {
                    let slot = match key {
                        "state" => &mut p.state,
                        "verifier" => &mut p.verifier,
                        "gitlab" => &mut p.gitlab,
                        "client_id" => &mut p.client_id,
                        "redirect_uri" => &mut p.redirect_uri,
                        "return_to" => &mut p.return_to,
                        _ => return r.skip(),
                    };
                    *slot = r.string()?;
                }
            }
            Ok(())
        })
        .ok()?;
        r.end().ok()?;
        (!p.state.is_empty() && !p.verifier.is_empty()).then_some(p)
    }
}

/// What came back in the page's query string.
#[derive(Clone, Debug, PartialEq)]
pub enum Callback {
    /// Not a return from GitLab.
    None,
    Code {
        code: String,
        state: String,
    },
    Refused {
        error: String,
        description: String,
    },
}

/// Reads `search` (`?code=…&state=…` or `?error=…`).
pub fn callback(search: &str) -> Callback {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = String::new();
    for pair in search.trim_start_matches('?').split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = form_decode(v);
        match k {
            "code" => code = Some(v),
            "state" => state = Some(v),
            "error" => error = Some(v),
            "error_description" => description = v,
            _ => {}
        }
    }
    match (error, code, state) {
        (Some(error), _, _) => Callback::Refused { error, description },
        (None, Some(code), Some(state)) => Callback::Code { code, state },
        // A code without state (or the reverse) is not one of ours.
        (None, Some(_), None) | (None, None, Some(_)) => Callback::Refused {
            error: "invalid_request".into(),
            description: String::new(),
        },
        _ => Callback::None,
    }
}

fn form_decode(v: &str) -> String {
    let spaced = v.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// The sentence the page shows when GitLab sends the user back without a code.
pub fn refusal_message(error: &str, description: &str) -> String {
    let why = match error {
        "access_denied" => return "GitLab sign-in was cancelled: the request was denied. Try again, or sign in with a personal access token.".into(),
        "invalid_scope" => "the application is not allowed the scope asked for (api or read_api): add it to the application in GitLab",
        "unauthorized_client" | "invalid_client" => "GitLab does not know this site's application: check oauth_client_id in config.json",
        "invalid_request" => "the answer from GitLab was incomplete",
        _ => "GitLab refused the request",
    };
    let said = description.trim();
    let said: String = said.chars().filter(|c| !c.is_control()).take(300).collect();
    if said.is_empty() {
        format!("GitLab sign-in failed: {why}.")
    } else {
        format!("GitLab sign-in failed: {why}. GitLab said: \u{201c}{said}\u{201d}")
    }
}

/// The error `/oauth/token` answered (`error` and `error_description`, Doorkeeper's shape),
/// for messages; empty when the body is something else.
pub fn token_error(body: &str) -> (String, String) {
    let mut error = String::new();
    let mut description = String::new();
    let mut r = Reader::new(body);
    let _ = r.object(&mut |r, key| {
        let slot = match key {
            "error" => &mut error,
            "error_description" => &mut description,
            _ => return r.skip(),
        };
        if let Loose::Str(s) = r.loose()? {
            *slot = s;
        }
        Ok(())
    });
    (error, description)
}

/// The form body exchanging a code for tokens (`POST /oauth/token`).
pub fn code_exchange_body(pending: &Pending, code: &str) -> String {
    format!(
        "grant_type=authorization_code&client_id={}&code={}&redirect_uri={}&code_verifier={}",
        encode(&pending.client_id),
        encode(code),
        encode(&pending.redirect_uri),
        encode(&pending.verifier),
    )
}

/// The form body trading a refresh token for a new pair; GitLab revokes the old pair.
pub fn refresh_body(client_id: &str, redirect_uri: &str, refresh: &str) -> String {
    format!(
        "grant_type=refresh_token&client_id={}&refresh_token={}&redirect_uri={}",
        encode(client_id),
        encode(refresh),
        encode(redirect_uri),
    )
}

/// The form body revoking a token (`POST /oauth/revoke`).
pub fn revoke_body(client_id: &str, token: &str) -> String {
    format!("client_id={}&token={}", encode(client_id), encode(token))
}

/// `/oauth/token`'s answer.
#[derive(Debug)]
pub struct Tokens {
    pub access: Secret,
    pub refresh: Option<Secret>,
    /// Seconds from now; GitLab's are always 7200.
    pub expires_in: u64,
    pub access_level: Access,
    pub scope: String,
}

impl Tokens {
    pub fn from_json(text: &str) -> Result<Tokens, json::Error> {
        let mut access = None;
        let mut refresh = None;
        let mut expires_in = 7200;
        let mut scope = String::new();
        let mut r = Reader::new(text);
        r.object(&mut |r, key| {
            match key {
                "access_token" => access = Some(Secret::new(r.string()?)),
                "refresh_token" => {
                    if let Loose::Str(s) = r.loose()? {
                        refresh = Some(Secret::new(s));
                    }
                }
                "expires_in" => {
                    if let Loose::Int(n) = r.loose()? {
                        expires_in = u64::try_from(n).unwrap_or(0);
                    }
                }
                "scope" => {
                    scope = match r.loose()? {
                        Loose::Str(s) => s,
                        list @ Loose::List(_) => list.into_texts().join(" "),
                        _ => String::new(),
                    }
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        r.end()?;
        let access = access.ok_or_else(|| r.fail())?;
        Ok(Tokens {
            access,
            refresh,
            expires_in,
            access_level: Access::from_scope(&scope),
            scope,
        })
    }
}

/// When a token received at `now_ms` with `expires_in` seconds dies (milliseconds since the
/// epoch, the page's clock).
pub fn expires_at(now_ms: f64, expires_in: u64) -> f64 {
    now_ms + expires_in as f64 * 1000.0
}

/// Whether a token dying at `expires_at_ms` must be refreshed before the next request.
pub fn refresh_due(now_ms: f64, expires_at_ms: f64) -> bool {
    now_ms + REFRESH_MARGIN_MS >= expires_at_ms
}

/// How long until the refresh is due, for a timer (0 when it already is).
pub fn refresh_in_ms(now_ms: f64, expires_at_ms: f64) -> f64 {
    (expires_at_ms - REFRESH_MARGIN_MS - now_ms).max(0.0)
}

/// A session kept in this tab's `sessionStorage` when the user opted in ("stay signed in in
/// this tab"): enough to sign in again after a reload, nothing more.
#[derive(Debug)]
pub struct Kept {
    pub gitlab: String,
    pub credential: KeptCredential,
}

#[derive(Debug)]
pub enum KeptCredential {
    Pat(Secret),
    OAuth {
        access: Secret,
        refresh: Option<Secret>,
        expires_at_ms: u64,
        client_id: String,
        redirect_uri: String,
        scope: String,
    },
}

impl Kept {
    /// The stored text. It holds the secret: the caller wipes it once stored.
    pub fn to_json(&self) -> String {
        let mut w = ObjectWriter::with_capacity(512);
        w.string("gitlab", &self.gitlab);
        match &self.credential {
            KeptCredential::Pat(token) => w.string("pat", token.expose()),
            KeptCredential::OAuth {
                access,
                refresh,
                expires_at_ms,
                client_id,
                redirect_uri,
                scope,
            } => {
                w.string("access", access.expose());
                if let Some(r) = refresh {
                    w.string("refresh", r.expose());
                }
                w.literal("expires_at_ms", expires_at_ms);
                w.string("client_id", client_id);
                w.string("redirect_uri", redirect_uri);
                w.string("scope", scope);
            }
        }
        w.finish()
    }

    /// None for anything but a whole record: a damaged one just means signing in again.
    pub fn from_json(text: &str) -> Option<Kept> {
        let mut gitlab = None;
        let mut pat = None;
        let mut access = None;
        let mut refresh = None;
        let mut expires_at_ms = None;
        let mut texts: [String; 3] = Default::default();
        let mut r = Reader::new(text);
        r.object(&mut |r, key| {
            match key {
                "gitlab" => gitlab = Some(r.string()?),
                "pat" => pat = Some(Secret::new(r.string()?)),
                "access" => access = Some(Secret::new(r.string()?)),
                "refresh" => refresh = Some(Secret::new(r.string()?)),
                "expires_at_ms" => expires_at_ms = Some(r.u64()?),
                "client_id" => texts[0] = r.string()?,
                "redirect_uri" => texts[1] = r.string()?,
                "scope" => texts[2] = r.string()?,
                _ => r.skip()?,
            }
            Ok(())
        })
        .ok()?;
        r.end().ok()?;
        let [client_id, redirect_uri, scope] = texts;
        let credential = match (pat, access) {
            (Some(pat), None) => KeptCredential::Pat(pat),
            (None, Some(access)) if !client_id.is_empty() => KeptCredential::OAuth {
                access,
                refresh,
                expires_at_ms: expires_at_ms?,
                client_id,
                redirect_uri,
                scope,
            },
            _ => return None,
        };
        Some(Kept {
            gitlab: gitlab?,
            credential,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_of_rfc_7636s_example() {
        // RFC 7636, Appendix B.
        let random: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let v = verifier(&random);
        assert_eq!(v, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(challenge(&v), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn verifier_and_state_use_only_unreserved_characters() {
        let v = verifier(&[0xff; 32]);
        assert_eq!(v.len(), 43);
        let s = state(&[0xfb; 16]);
        assert!(s.len() >= 22);
        for c in v.chars().chain(s.chars()) {
            assert!(c.is_ascii_alphanumeric() || "-._~".contains(c), "{c}");
        }
    }

    fn pending() -> Pending {
        Pending {
            state: "st4te".into(),
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
            gitlab: "https://gitlab.example.com".into(),
            client_id: "abc123".into(),
            redirect_uri: redirect_uri("https://team.gitlab.io", "/tokenwarden/"),
            return_to: "#/projects/7/project-access-tokens".into(),
            keep: true,
        }
    }

    #[test]
    fn authorize_url_carries_every_parameter_encoded() {
        let url = pending().authorize_url(Access::Full);
        assert_eq!(
            url,
            "https://gitlab.example.com/oauth/authorize?client_id=abc123\
             &redirect_uri=https%3A%2F%2Fteam.gitlab.io%2Ftokenwarden%2F&response_type=code\
             &state=st4te&scope=api&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256"
        );
        assert!(pending()
            .authorize_url(Access::ReadOnly)
            .contains("&scope=read_api&"));
    }

    #[test]
    fn redirect_uri_is_the_page_without_query_or_fragment() {
        assert_eq!(
            redirect_uri("http://127.0.0.1:8080", "/"),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            redirect_uri("https://a.example", "/sub/"),
            "https://a.example/sub/"
        );
        assert_eq!(redirect_uri("https://a.example", ""), "https://a.example/");
    }

    #[test]
    fn pending_survives_storage_and_hides_in_debug() {
        let p = pending();
        let back = Pending::from_json(&p.to_json()).unwrap();
        assert_eq!(back, p);
        assert!(!format!("{p:?}").contains("dBjf"));
        assert_eq!(Pending::from_json("{}"), None);
        assert_eq!(Pending::from_json("not json"), None);
        assert_eq!(Pending::from_json(r#"{"state":"x","verifier":5}"#), None);
    }

    #[test]
    fn state_is_read_from_the_callback() {
        assert_eq!(callback(""), Callback::None);
        assert_eq!(callback("?page=2"), Callback::None);
        assert_eq!(
            callback("?code=abc%2Bd&state=s+1"),
            Callback::Code {
                code: "abc+d".into(),
                state: "s 1".into()
            }
        );
        assert_eq!(
            callback("?error=access_denied&error_description=The+user+denied&state=s"),
            Callback::Refused {
                error: "access_denied".into(),
                description: "The user denied".into()
            }
        );
        assert!(matches!(callback("?code=abc"), Callback::Refused { .. }));
    }

    #[test]
    fn refusals_read_as_sentences_without_control_characters() {
        let m = refusal_message("access_denied", "");
        assert!(m.contains("cancelled"), "{m}");
        let m = refusal_message("invalid_scope", "bad\u{7}scope");
        assert!(
            m.contains("api or read_api") && m.contains("badscope"),
            "{m}"
        );
    }

    #[test]
    fn form_bodies_encode_every_value() {
        let p = pending();
        assert_eq!(
            code_exchange_body(&p, "c&d=e"),
            "grant_type=authorization_code&client_id=abc123&code=c%26d%3De\
             &redirect_uri=https%3A%2F%2Fteam.gitlab.io%2Ftokenwarden%2F\
             &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        assert_eq!(
            refresh_body("id", "https://a/", "r+t"),
            "grant_type=refresh_token&client_id=id&refresh_token=r%2Bt&redirect_uri=https%3A%2F%2Fa%2F"
        );
        assert_eq!(revoke_body("id", "t/k"), "client_id=id&token=t%2Fk");
    }

    #[test]
    fn reads_gitlabs_token_answer() {
        let t = Tokens::from_json(
            r#"{"access_token":"de6780bc","token_type":"Bearer","expires_in":7200,"refresh_token":"8257e65c","scope":"api","created_at":1607635748}"#,
        )
        .unwrap();
        assert_eq!(t.access.expose(), "de6780bc");
        assert_eq!(t.refresh.as_ref().unwrap().expose(), "8257e65c");
        assert_eq!((t.expires_in, t.access_level), (7200, Access::Full));
        let t = Tokens::from_json(r#"{"access_token":"x","scope":"read_api read_user"}"#).unwrap();
        assert_eq!(
            (t.access_level, t.refresh.is_none()),
            (Access::ReadOnly, true)
        );
        assert!(Tokens::from_json(r#"{"token_type":"Bearer"}"#).is_err());
        assert!(!format!("{t:?}").contains("\"x\""));
    }

    #[test]
    fn refresh_happens_before_the_two_hour_expiry() {
        let now = 1_000_000.0;
        let dies = expires_at(now, 7200);
        assert_eq!(dies, now + 7_200_000.0);
        assert!(!refresh_due(now, dies));
        assert!(!refresh_due(dies - REFRESH_MARGIN_MS - 1.0, dies));
        assert!(refresh_due(dies - REFRESH_MARGIN_MS, dies));
        assert!(refresh_due(dies + 1.0, dies));
        assert_eq!(refresh_in_ms(now, dies), 7_200_000.0 - REFRESH_MARGIN_MS);
        assert_eq!(refresh_in_ms(dies, dies), 0.0);
    }
    #[test]
    fn a_kept_session_round_trips_and_damage_means_none() {
        let kept = Kept {
            gitlab: "https://gitlab.example.com".into(),
            credential: KeptCredential::OAuth {
                access: Secret::new("s3cr3t-acc".into()),
                refresh: Some(Secret::new("ref".into())),
                expires_at_ms: 1_800_000_000_000,
                client_id: "abc".into(),
                redirect_uri: "https://a/".into(),
                scope: "api".into(),
            },
        };
        let text = kept.to_json();
        let back = Kept::from_json(&text).unwrap();
        assert_eq!(back.to_json(), text);
        assert!(!format!("{back:?}").contains("s3cr3t"));
        let pat = Kept {
            gitlab: "https://g".into(),
            credential: KeptCredential::Pat(Secret::new("glpat-x".into())),
        };
        let back = Kept::from_json(&pat.to_json()).unwrap();
        assert!(matches!(back.credential, KeptCredential::Pat(ref t) if t.expose() == "glpat-x"));
        for damaged in [
            "",
            "{}",
            r#"{"gitlab":"https://g"}"#,
            r#"{"gitlab":"https://g","pat":"a","access":"b","client_id":"c","expires_at_ms":1}"#,
            r#"{"gitlab":"https://g","access":"b","client_id":"c"}"#,
            r#"{"pat":"a"}"#,
        ] {
            assert!(Kept::from_json(damaged).is_none(), "{damaged}");
        }
    }
    #[test]
    fn token_errors_are_read_from_doorkeepers_body() {
        assert_eq!(
            token_error(
                r#"{"error":"invalid_grant","error_description":"The provided authorization grant is invalid."}"#
            ),
            (
                "invalid_grant".into(),
                "The provided authorization grant is invalid.".into()
            )
        );
        assert_eq!(token_error("<html>"), (String::new(), String::new()));
    }
}
