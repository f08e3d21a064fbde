//! The static site listener (`--site`): serves a built app from a sub-path, the way GitLab Pages
//! serves a project site, so the app runs on a different origin from the API and exercises CORS.
//! Like Pages, it sends `file.br` or `file.gz` in place of `file` (with `file`'s type and a
//! `Content-Encoding`) when the browser accepts that encoding and the copy exists, and answers
//! 404 for anything that is not a file under the prefix.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Normalises a `--site-prefix` to `/a/b/` form. Refuses `..` and empty segments.
pub fn normalise_prefix(prefix: &str) -> Result<String, String> {
    let trimmed = prefix.trim_matches('/');
    if trimmed.is_empty() {
        return Ok("/".into());
    }
    if trimmed
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(format!(
            "site prefix {prefix:?} has an empty, '.' or '..' segment"
        ));
    }
    Ok(format!("/{trimmed}/"))
}

fn not_found() -> Response {
    crate::errors::text_response(StatusCode::NOT_FOUND, "404 Not Found\n")
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// True if `relative` (URL-decoded) stays inside the site directory.
fn safe_relative(relative: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(relative)
        .decode_utf8()
        .ok()?;
    let path = Path::new(decoded.as_ref());
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
}

struct Site {
    dir: PathBuf,
    prefix: String,
    files: ServeDir,
}

async fn serve(site: Arc<Site>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let bare_prefix = site.prefix.trim_end_matches('/');
    if !bare_prefix.is_empty() && path == bare_prefix {
        return redirect(&format!("{}{query}", site.prefix));
    }
    let Some(relative) = path.strip_prefix(&site.prefix) else {
        return not_found();
    };
    let Some(relative_path) = safe_relative(relative) else {
        return not_found();
    };
    // A directory without its slash would break relative asset URLs, and ServeDir's own
    // redirect would not know the prefix.
    if !relative.is_empty() && !relative.ends_with('/') && site.dir.join(&relative_path).is_dir() {
        return redirect(&format!("{path}/{query}"));
    }
    let (mut parts, body) = request.into_parts();
    let Ok(uri) = format!("/{relative}{query}").parse::<Uri>() else {
        return not_found();
    };
    parts.uri = uri;
    match site
        .files
        .clone()
        .oneshot(Request::from_parts(parts, body))
        .await
    {
        Ok(response) if response.status() == StatusCode::NOT_FOUND => not_found(),
        Ok(response) => response.map(Body::new),
        Err(_) => not_found(),
    }
}

/// A router serving `dir` under `prefix` (already normalised).
pub fn router(dir: PathBuf, prefix: String) -> Router {
    let site = Arc::new(Site {
        files: ServeDir::new(&dir).precompressed_br().precompressed_gzip(),
        dir,
        prefix,
    });
    Router::new().fallback(move |request: Request| serve(site.clone(), request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(normalise_prefix("/").unwrap(), "/");
        assert_eq!(normalise_prefix("").unwrap(), "/");
        assert_eq!(normalise_prefix("sub/app").unwrap(), "/sub/app/");
        assert_eq!(normalise_prefix("/sub/app/").unwrap(), "/sub/app/");
        assert!(normalise_prefix("/a/../b").is_err());
        assert!(normalise_prefix("/a//b").is_err());
    }

    #[test]
    fn traversal_is_refused() {
        assert!(safe_relative("../etc/passwd").is_none());
        assert!(safe_relative("%2e%2e/x").is_none());
        assert!(safe_relative("assets/app.wasm").is_some());
    }
}
