//! Redirect URIs as Doorkeeper (`OAuth::Helpers::URIChecker`) judges them.
//!
//! An application registers one or more URIs; a request's `redirect_uri` must be a valid absolute
//! URI without a fragment and match one of them. Matching compares scheme, user info, host, port
//! and path after Ruby's `URI#normalize` (scheme and host lower-cased, an empty HTTP path read as
//! `/`, default ports filled in). The request's own query is ignored unless the registered URI
//! has one, in which case the same `&`-separated pairs must appear in any order. When both URIs
//! name a loopback address (`127.0.0.0/8`, `[::1]`; not `localhost`), ports are ignored, as
//! RFC 8252 asks for native apps.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A parsed absolute URI, normalised the way Ruby's `URI#normalize` does it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    pub scheme: String,
    pub userinfo: Option<String>,
    /// `None` for URIs without an authority (`myapp:/callback`).
    pub host: Option<String>,
    pub port: Option<u16>,
    pub path: String,
    pub query: Option<String>,
    pub fragment: Option<String>,
    /// `scheme:something` without a leading `/` (Ruby's `opaque` part).
    pub opaque: bool,
}

/// Characters Ruby's RFC 3986 parser refuses anywhere in a URI.
fn has_forbidden_char(text: &str) -> bool {
    text.chars().any(|c| {
        !c.is_ascii()
            || c.is_ascii_control()
            || matches!(
                c,
                ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
            )
    })
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

fn hypertext(scheme: &str) -> bool {
    scheme == "http" || scheme == "https"
}

/// Parses an absolute URI; `None` for relative references and text Ruby would not parse.
pub fn parse(text: &str) -> Option<Uri> {
    if has_forbidden_char(text) {
        return None;
    }
    let (scheme, rest) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    let (rest, fragment) = match rest.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment.to_owned())),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query.to_owned())),
        None => (rest, None),
    };
    let mut uri = Uri {
        scheme,
        userinfo: None,
        host: None,
        port: None,
        path: String::new(),
        query,
        fragment,
        opaque: false,
    };
    match rest.strip_prefix("//") {
        Some(after) => {
            let (authority, path) = match after.find('/') {
                Some(i) => (&after[..i], &after[i..]),
                None => (after, ""),
            };
            let host_port = match authority.rsplit_once('@') {
                Some((userinfo, host_port)) => {
                    uri.userinfo = Some(userinfo.to_owned());
                    host_port
                }
                None => authority,
            };
            let (host, port) = if host_port.starts_with('[') {
                let end = host_port.find(']')?;
                let port = host_port[end + 1..].strip_prefix(':');
                if port.is_none() && end + 1 != host_port.len() {
                    return None;
                }
                (&host_port[..=end], port)
            } else {
                match host_port.rsplit_once(':') {
                    Some((host, port)) => (host, Some(port)),
                    None => (host_port, None),
                }
            };
            uri.port = match port {
                Some("") | None => default_port(&uri.scheme),
                Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
                    Some(digits.parse().ok()?)
                }
                Some(_) => return None,
            };
            uri.host = Some(host.to_ascii_lowercase());
            uri.path = path.to_owned();
            if uri.path.is_empty() && hypertext(&uri.scheme) && !host.is_empty() {
                uri.path = "/".into();
            }
        }
        None => {
            uri.opaque = !rest.is_empty() && !rest.starts_with('/');
            uri.path = rest.to_owned();
        }
    }
    Some(uri)
}

/// `URIChecker.valid?`: absolute, a scheme other than `localhost`, a host for HTTP(S), no
/// fragment and not opaque. (The out-of-band `urn:ietf:wg:oauth:2.0:oob` is not supported.)
pub fn valid(text: &str) -> bool {
    parse(text).is_some_and(|uri| {
        uri.scheme != "localhost"
            && !(hypertext(&uri.scheme) && uri.host.as_deref().is_none_or(str::is_empty))
            && uri.fragment.is_none()
            && !uri.opaque
    })
}

fn loopback(uri: &Uri) -> bool {
    let Some(host) = uri.host.as_deref() else {
        return false;
    };
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    }
    host.parse::<Ipv4Addr>()
        .map(IpAddr::V4)
        .is_ok_and(|ip| ip.is_loopback())
}

/// `URIChecker.query_matches?`: the same `&`-separated pairs, in any order.
fn query_matches(query: Option<&str>, registered: &str) -> bool {
    let query = query.unwrap_or("");
    if registered.is_empty() && query.is_empty() {
        return true;
    }
    !query.is_empty() && sorted_pairs(query) == sorted_pairs(registered)
}

fn sorted_pairs(query: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = query.split('&').collect();
    parts.sort_unstable();
    parts
}

/// `URIChecker.matches?`: one request URI against one registered URI.
pub fn matches(request: &str, registered: &str) -> bool {
    let (Some(request), Some(registered)) = (parse(request), parse(registered)) else {
        return false;
    };
    if let Some(registered_query) = registered.query.as_deref() {
        if !query_matches(request.query.as_deref(), registered_query) {
            return false;
        }
    }
    let ignore_ports = loopback(&request) && loopback(&registered);
    request.scheme == registered.scheme
        && request.userinfo == registered.userinfo
        && request.host == registered.host
        && (ignore_ports || request.port == registered.port)
        && request.path == registered.path
        && request.opaque == registered.opaque
}

/// `URIChecker.valid_for_authorization?`: a valid URI matching one of the registered ones.
pub fn valid_for_authorization<'a>(
    request: &str,
    registered: impl IntoIterator<Item = &'a str>,
) -> bool {
    valid(request) && registered.into_iter().any(|r| matches(request, r))
}

/// `Authorization::URIBuilder.uri_with_query`: the URI's own query pairs merged with `params`
/// (later names replace earlier ones, blank values dropped), re-encoded as a form.
pub fn with_query(uri: &str, params: &[(&str, &str)]) -> String {
    let (before_fragment, fragment) = match uri.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (uri, None),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (before_fragment, None),
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut put = |name: &str, value: &str| {
        if let Some(existing) = pairs.iter_mut().find(|(n, _)| n == name) {
            existing.1 = value.to_owned();
        } else {
            pairs.push((name.to_owned(), value.to_owned()));
        }
    };
    if let Some(query) = query {
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            put(&name, &value);
        }
    }
    for (name, value) in params {
        put(name, value);
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs.iter().filter(|(_, v)| !v.trim().is_empty()) {
        serializer.append_pair(name, value);
    }
    let query = serializer.finish();
    let mut out = base.to_owned();
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity() {
        assert!(valid("https://app.example/cb"));
        assert!(valid("http://127.0.0.1:8000/tokenwarden/"));
        assert!(valid("myapp://callback"));
        assert!(valid("myapp:/callback"));
        assert!(!valid("/relative"));
        assert!(!valid("https://app.example/cb#frag"));
        assert!(!valid("https:///no-host"));
        assert!(!valid("localhost:8080/cb"));
        assert!(!valid("urn:ietf:wg:oauth:2.0:oob"));
        assert!(!valid("https://app.example/with space"));
        assert!(!valid("https://app.example:port/"));
    }

    #[test]
    fn matching_normalises_and_ignores_request_query() {
        assert!(matches("HTTPS://App.Example/cb", "https://app.example/cb"));
        assert!(matches(
            "https://app.example:443/cb",
            "https://app.example/cb"
        ));
        assert!(matches("https://app.example", "https://app.example/"));
        assert!(matches(
            "https://app.example/cb?x=1",
            "https://app.example/cb"
        ));
        assert!(!matches(
            "https://app.example/cb/",
            "https://app.example/cb"
        ));
        assert!(!matches("https://app.example/CB", "https://app.example/cb"));
        assert!(!matches("http://app.example/cb", "https://app.example/cb"));
        assert!(!matches(
            "https://app.example:8443/cb",
            "https://app.example/cb"
        ));
    }

    #[test]
    fn registered_query_must_be_present_in_any_order() {
        let registered = "https://app.example/cb?a=1&b=2";
        assert!(matches("https://app.example/cb?b=2&a=1", registered));
        assert!(!matches("https://app.example/cb?a=1", registered));
        assert!(!matches("https://app.example/cb", registered));
    }

    #[test]
    fn loopback_ports_are_ignored_but_not_for_localhost() {
        assert!(matches(
            "http://127.0.0.1:41234/app/",
            "http://127.0.0.1/app/"
        ));
        assert!(matches(
            "http://127.0.0.1:41234/app/",
            "http://127.0.0.1:8000/app/"
        ));
        assert!(matches("http://[::1]:5000/cb", "http://[::1]/cb"));
        assert!(!matches(
            "http://localhost:41234/app/",
            "http://localhost:8000/app/"
        ));
        assert!(!matches(
            "http://127.0.0.1:41234/other/",
            "http://127.0.0.1/app/"
        ));
    }

    #[test]
    fn query_is_merged_and_form_encoded() {
        assert_eq!(
            with_query(
                "https://app.example/cb",
                &[("code", "abc"), ("state", "s 1")]
            ),
            "https://app.example/cb?code=abc&state=s+1"
        );
        assert_eq!(
            with_query(
                "https://app.example/cb?keep=1&state=old",
                &[("code", "abc"), ("state", "")]
            ),
            "https://app.example/cb?keep=1&code=abc"
        );
    }
}
