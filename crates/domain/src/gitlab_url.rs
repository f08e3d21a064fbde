//! The GitLab instance address the user types on the connect form.

use std::fmt;

/// A validated GitLab base URL, without trailing slash (`https://gitlab.example.com[/prefix]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitLabUrl {
    base: String,
    host: String,
}

const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

impl GitLabUrl {
    /// Accepts what people paste: a bare host (https assumed), a trailing slash, or the API URL.
    /// Plain http is refused except on this machine, where no one can read the token in transit.
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        if input.is_empty() {
            return Err("Enter the address of your GitLab instance.".into());
        }
        let (scheme, rest) = match input.split_once("://") {
            Some((s, r)) => (s.to_ascii_lowercase(), r),
            None => ("https".to_string(), input),
        };
        if scheme != "https" && scheme != "http" {
            return Err("The address must start with https://".into());
        }
        if rest.contains(['?', '#']) {
            return Err("Enter the address without ? or # parts.".into());
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(
                "Leave credentials out of the address; the token goes in its own field.".into(),
            );
        }
        let (host, port) = split_port(authority)?;
        if !valid_host(host) {
            return Err(format!("\u{201c}{host}\u{201d} is not a valid host name."));
        }
        let host = host.to_ascii_lowercase();
        if scheme == "http" && !LOOPBACK_HOSTS.contains(&host.as_str()) {
            return Err(
                "Use https://: plain http would send your token unencrypted (allowed only for localhost)."
                    .into(),
            );
        }
        let mut path = path.trim_end_matches('/');
        path = path
            .strip_suffix("/api/v4")
            .unwrap_or(path)
            .trim_end_matches('/');
        if path.contains(char::is_whitespace) {
            return Err("The address must not contain spaces.".into());
        }
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        Ok(GitLabUrl {
            base: format!("{scheme}://{host}{port}{path}"),
            host,
        })
    }

    /// The instance root, e.g. for clone URLs and links to GitLab pages.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// `scheme://host[:port]`, to compare with the page's own origin.
    pub fn origin(&self) -> &str {
        let after_scheme = self.base.find("://").map_or(0, |i| i + 3);
        match self.base[after_scheme..].find('/') {
            Some(i) => &self.base[..after_scheme + i],
            None => &self.base,
        }
    }

    /// Refuses the address this page itself is served from: people paste the address bar.
    pub fn not_this_site(self, page_origin: &str) -> Result<Self, String> {
        if self
            .origin()
            .eq_ignore_ascii_case(page_origin.trim_end_matches('/'))
        {
            return Err("That is tokenwarden's own address. Enter your GitLab's address, for example https://gitlab.com.".into());
        }
        Ok(self)
    }

    /// `https://host/api/v4`, the root of every REST call.
    pub fn api_root(&self) -> String {
        format!("{}/api/v4", self.base)
    }
}

impl fmt::Display for GitLabUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

fn split_port(authority: &str) -> Result<(&str, Option<u16>), String> {
    // IPv6 literals carry colons inside brackets; only a colon after `]` starts a port.
    let colon = if authority.starts_with('[') {
        authority
            .find(']')
            .and_then(|end| authority[end..].find(':').map(|i| end + i))
    } else {
        authority.rfind(':')
    };
    match colon {
        None => Ok((authority, None)),
        Some(i) => {
            let port = &authority[i + 1..];
            match port.parse::<u16>() {
                Ok(p) if p > 0 => Ok((&authority[..i], Some(p))),
                _ => Err(format!("\u{201c}{port}\u{201d} is not a valid port.")),
            }
        }
    }
}

fn valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_common_inputs() {
        let cases = [
            ("https://gitlab.com", "https://gitlab.com"),
            ("gitlab.example.com/", "https://gitlab.example.com"),
            (
                "HTTPS://GitLab.Example.com/gitlab/",
                "https://gitlab.example.com/gitlab",
            ),
            (
                "https://gitlab.example.com/api/v4/",
                "https://gitlab.example.com",
            ),
            ("http://localhost:3000", "http://localhost:3000"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("http://[::1]:3000", "http://[::1]:3000"),
            (
                "https://gitlab.example.com:8443",
                "https://gitlab.example.com:8443",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                GitLabUrl::parse(input).map(|u| u.base().to_string()),
                Ok(want.into()),
                "{input}"
            );
        }
        assert_eq!(
            GitLabUrl::parse("https://x.io/").unwrap().api_root(),
            "https://x.io/api/v4"
        );
    }

    #[test]
    fn rejects_unsafe_or_malformed_addresses() {
        let cases = [
            ("", "Enter"),
            ("http://gitlab.example.com", "https"),
            ("ftp://gitlab.example.com", "https"),
            ("https://user:glpat-x@gitlab.com", "credentials"),
            ("https://gitlab.com/?private_token=x", "?"),
            ("https://gitlab.com:99999", "port"),
            ("https://gitlab.com:", "port"),
            ("https://gitlab..com", "host"),
            ("https://git lab.com", "host"),
            ("https://-bad.com", "host"),
        ];
        for (input, needle) in cases {
            let err = GitLabUrl::parse(input).unwrap_err();
            assert!(err.contains(needle), "{input}: {err}");
        }
    }

    #[test]
    fn refuses_the_pages_own_origin() {
        let at = |u: &str| GitLabUrl::parse(u).unwrap();
        assert_eq!(
            at("https://gitlab.example.com/sub").origin(),
            "https://gitlab.example.com"
        );
        assert_eq!(
            at("http://127.0.0.1:8080").origin(),
            "http://127.0.0.1:8080"
        );
        assert!(at("https://tools.example.com/tokenwarden/")
            .not_this_site("https://tools.example.com")
            .unwrap_err()
            .contains("tokenwarden's own address"));
        assert!(at("https://gitlab.example.com")
            .not_this_site("https://tools.example.com")
            .is_ok());
        // Another port is another origin: the sim's API beside the site.
        assert!(at("http://127.0.0.1:8081")
            .not_this_site("http://127.0.0.1:8080")
            .is_ok());
    }
}
