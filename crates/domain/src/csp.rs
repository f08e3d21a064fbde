//! The site's Content-Security-Policy, written into `index.html` at build time (a static host
//! such as GitLab Pages cannot send headers, so it travels in a meta tag).

use crate::GitLabUrl;

/// The policy for a page whose inline scripts have the given `sha256-…` hashes (Trunk's loader),
/// talking to `gitlab` when the deployment names one, else to any https origin (and plain http
/// only on this machine, as the sign-in form allows).
pub fn policy(script_hashes: &[String], gitlab: Option<&GitLabUrl>) -> String {
    let scripts: String = script_hashes.iter().map(|h| format!(" '{h}'")).collect();
    let connect = match gitlab {
        // CSP source expressions carry no path: the origin it is. (Browsers reject IPv6
        // literals in source lists, so http://[::1] is left out below.)
        Some(g) => format!("'self' {}", g.origin()),
        None => "'self' https: http://localhost:* http://127.0.0.1:*".to_string(),
    };
    format!(
        "default-src 'none'; script-src 'self'{scripts} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self'; connect-src {connect}; base-uri 'none'; form-action 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_by_default_and_narrowed_to_the_configured_instance() {
        let hashes = vec!["sha256-abc=".to_string()];
        let open = policy(&hashes, None);
        assert_eq!(
            open,
            "default-src 'none'; script-src 'self' 'sha256-abc=' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self'; connect-src 'self' https: http://localhost:* http://127.0.0.1:*; \
             base-uri 'none'; form-action 'none'"
        );
        let gitlab = GitLabUrl::parse("https://gitlab.example.com:8443/sub/").unwrap();
        let narrow = policy(&hashes, Some(&gitlab));
        assert!(
            narrow.contains("connect-src 'self' https://gitlab.example.com:8443;"),
            "{narrow}"
        );
        assert!(!narrow.contains("https:;") && !narrow.contains("unsafe-inline"));
    }
}
