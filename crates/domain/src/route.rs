//! Where the page is. Routes live in the URL fragment (`…/tokenwarden/#/projects/42`), so deep
//! links work from any sub-path of a static host (GitLab Pages) with no server rewrite rules.

use crate::request::{encode_component, ProjectRef};
use percent_encoding::percent_decode_str;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The projects you can manage tokens in; also the home page.
    Projects,
    /// One project's access tokens, by id or full path.
    ProjectTokens(ProjectRef),
    NotFound,
}

impl Route {
    /// Reads `location.hash` (`#/projects/42`, `#/projects/group%2Fapp`, `` or `#/`).
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.strip_prefix('#').unwrap_or(hash);
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] | ["projects"] => Route::Projects,
            ["projects", id] => percent_decode_str(id)
                .decode_utf8()
                .ok()
                .and_then(|id| ProjectRef::parse(&id))
                .map_or(Route::NotFound, Route::ProjectTokens),
            _ => Route::NotFound,
        }
    }

    /// The `href` of a link to this route.
    pub fn href(&self) -> String {
        match self {
            Route::Projects => "#/projects".into(),
            Route::ProjectTokens(ProjectRef::Id(id)) => format!("#/projects/{id}"),
            Route::ProjectTokens(ProjectRef::Path(p)) => {
                format!("#/projects/{}", encode_component(p))
            }
            Route::NotFound => "#/not-found".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fragments() {
        let cases = [
            ("", Route::Projects),
            ("#", Route::Projects),
            ("#/", Route::Projects),
            ("#/projects", Route::Projects),
            ("#/projects/", Route::Projects),
            ("#/projects/42", Route::ProjectTokens(ProjectRef::Id(42))),
            (
                "#/projects/42?tab=inactive",
                Route::ProjectTokens(ProjectRef::Id(42)),
            ),
            (
                "#/projects/group%2Fsub%2Fapp",
                Route::ProjectTokens(ProjectRef::Path("group/sub/app".into())),
            ),
            ("#/projects/42/extra", Route::NotFound),
            ("#/settings", Route::NotFound),
            ("#/projects/%FF", Route::NotFound),
        ];
        for (hash, want) in cases {
            assert_eq!(Route::from_hash(hash), want, "{hash}");
        }
    }

    #[test]
    fn links_round_trip() {
        for r in [
            Route::Projects,
            Route::ProjectTokens(ProjectRef::Id(7)),
            Route::ProjectTokens(ProjectRef::Path("a b/c?d".into())),
        ] {
            assert_eq!(Route::from_hash(&r.href()), r, "{}", r.href());
        }
    }
}
