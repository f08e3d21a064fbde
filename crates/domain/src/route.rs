//! Where the page is. Routes live in the URL fragment (`…/tokenwarden/#/projects/42`), so deep
//! links work from any sub-path of a static host (GitLab Pages) with no server rewrite rules.

use crate::kind::{Kind, Owner, OwnerType};
use crate::request::{encode_component, ProjectRef};
use percent_encoding::percent_decode_str;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The projects you can manage tokens in; also the home page.
    Projects(ListQuery),
    /// The groups you can manage tokens in.
    Groups(ListQuery),
    /// One owner's credentials of one kind: a project's deploy keys, your personal tokens.
    Credentials {
        owner: Owner,
        kind: Kind,
    },
    /// "What is this token?": name a pasted token and look it up.
    Check,
    /// Every credential the user administers, across projects, groups and kinds.
    Inventory,
    NotFound,
}

/// A list's search and page, kept in the fragment (`#/projects?search=api&page=3`) so Back and
/// reload return to the same page of results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    pub search: String,
    /// 1-based; 0 is never produced.
    pub page: u32,
}

/// Longer searches are cut: nobody types them, and they would only make long URLs.
const MAX_SEARCH_CHARS: usize = 200;
const MAX_PAGE: u32 = 100_000;

impl ListQuery {
    pub fn new(search: &str, page: u32) -> Self {
        ListQuery {
            search: search.trim().chars().take(MAX_SEARCH_CHARS).collect(),
            page: page.clamp(1, MAX_PAGE),
        }
    }

    fn parse(query: &str) -> Self {
        let mut search = String::new();
        let mut page = 1;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = value.replace('+', " ");
            let value = percent_decode_str(&value).decode_utf8_lossy();
            match key {
                "search" => search = value.into_owned(),
                "page" => {
                    page = value
                        .parse::<u64>()
                        .map_or(1, |p| p.min(u64::from(MAX_PAGE)) as u32)
                }
                _ => {}
            }
        }
        ListQuery::new(&search, page)
    }

    fn suffix(&self) -> String {
        let mut parts = Vec::new();
        if !self.search.is_empty() {
            parts.push(format!("search={}", encode_component(&self.search)));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

fn decode_ref(segment: &str) -> Option<ProjectRef> {
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .and_then(|s| ProjectRef::parse(&s))
}

fn ref_segment(r: &ProjectRef) -> String {
    match r {
        ProjectRef::Id(id) => id.to_string(),
        ProjectRef::Path(p) => encode_component(p),
    }
}

impl Route {
    /// The projects list, first page, no search.
    pub fn projects() -> Route {
        Route::Projects(ListQuery::new("", 1))
    }

    pub fn groups() -> Route {
        Route::Groups(ListQuery::new("", 1))
    }

    /// A project's page, on its first tab (access tokens).
    pub fn project(r: ProjectRef) -> Route {
        Route::Credentials {
            owner: Owner::Project(r),
            kind: Kind::ProjectAccessToken,
        }
    }

    pub fn group(r: ProjectRef) -> Route {
        Route::Credentials {
            owner: Owner::Group(r),
            kind: Kind::GroupAccessToken,
        }
    }

    /// Reads `location.hash` (`#/projects/42`, `#/groups/demo/deploy_tokens`, `` or `#/`).
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let owned = |owner: Option<Owner>, tab: Option<&str>| -> Route {
            let Some(owner) = owner else {
                return Route::NotFound;
            };
            let kind = match tab {
                None => owner.kinds().first().copied(),
                Some(tab) => Kind::from_segment(owner.owner_type(), tab),
            };
            kind.map_or(Route::NotFound, |kind| Route::Credentials { owner, kind })
        };
        match segments.as_slice() {
            [] | ["projects"] => Route::Projects(ListQuery::parse(query)),
            ["groups"] => Route::Groups(ListQuery::parse(query)),
            ["projects", id] => owned(decode_ref(id).map(Owner::Project), None),
            ["projects", id, tab] => owned(decode_ref(id).map(Owner::Project), Some(tab)),
            ["groups", id] => owned(decode_ref(id).map(Owner::Group), None),
            ["groups", id, tab] => owned(decode_ref(id).map(Owner::Group), Some(tab)),
            ["tokens"] => owned(Some(Owner::Me), None),
            ["check"] => Route::Check,
            ["inventory"] => Route::Inventory,
            ["users", id, "tokens"] => owned(id.parse().ok().map(Owner::User), None),
            ["admin"] => owned(Some(Owner::Instance), None),
            ["admin", tab] => owned(Some(Owner::Instance), Some(tab)),
            _ => Route::NotFound,
        }
    }

    /// The `href` of a link to this route.
    pub fn href(&self) -> String {
        match self {
            Route::Projects(q) => format!("#/projects{}", q.suffix()),
            Route::Groups(q) => format!("#/groups{}", q.suffix()),
            Route::Credentials { owner, kind } => {
                let first = owner.kinds().first() == Some(kind);
                let tab = if first {
                    String::new()
                } else {
                    format!("/{}", kind.spec().segment)
                };
                match owner {
                    Owner::Project(r) => format!("#/projects/{}{tab}", ref_segment(r)),
                    Owner::Group(r) => format!("#/groups/{}{tab}", ref_segment(r)),
                    Owner::Me => "#/tokens".into(),
                    Owner::User(id) => format!("#/users/{id}/tokens"),
                    Owner::Instance => format!("#/admin{tab}"),
                }
            }
            Route::Check => "#/check".into(),
            Route::Inventory => "#/inventory".into(),
            Route::NotFound => "#/not-found".into(),
        }
    }

    /// Which top-level section the route belongs to, for the navigation's current marker.
    pub fn section(&self) -> Option<OwnerType> {
        match self {
            Route::Projects(_) => Some(OwnerType::Project),
            Route::Groups(_) => Some(OwnerType::Group),
            Route::Credentials { owner, .. } => Some(owner.owner_type()),
            Route::Check | Route::Inventory | Route::NotFound => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(owner: Owner, kind: Kind) -> Route {
        Route::Credentials { owner, kind }
    }

    #[test]
    fn parses_fragments() {
        let p42 = || Owner::Project(ProjectRef::Id(42));
        let cases = [
            ("", Route::projects()),
            ("#", Route::projects()),
            ("#/", Route::projects()),
            ("#/projects", Route::projects()),
            ("#/projects/", Route::projects()),
            (
                "#/projects?search=api%20v2&page=3",
                Route::Projects(ListQuery::new("api v2", 3)),
            ),
            (
                "#/groups?page=0&search=&x=1",
                Route::Groups(ListQuery::new("", 1)),
            ),
            (
                "#/projects?page=99999999999&search=%FF",
                Route::Projects(ListQuery::new("\u{fffd}", 100_000)),
            ),
            ("#/projects/42", creds(p42(), Kind::ProjectAccessToken)),
            (
                "#/projects/42?tab=inactive",
                creds(p42(), Kind::ProjectAccessToken),
            ),
            (
                "#/projects/42/deploy_tokens",
                creds(p42(), Kind::ProjectDeployToken),
            ),
            ("#/projects/42/deploy_keys", creds(p42(), Kind::DeployKey)),
            ("#/projects/42/triggers", creds(p42(), Kind::TriggerToken)),
            (
                "#/projects/group%2Fsub%2Fapp",
                Route::project(ProjectRef::Path("group/sub/app".into())),
            ),
            ("#/groups", Route::groups()),
            (
                "#/groups/10",
                creds(Owner::Group(ProjectRef::Id(10)), Kind::GroupAccessToken),
            ),
            (
                "#/groups/demo/deploy_tokens",
                creds(
                    Owner::Group(ProjectRef::Path("demo".into())),
                    Kind::GroupDeployToken,
                ),
            ),
            ("#/tokens", creds(Owner::Me, Kind::PersonalAccessToken)),
            (
                "#/users/3/tokens",
                creds(Owner::User(3), Kind::PersonalAccessToken),
            ),
            ("#/groups/10/deploy_keys", Route::NotFound),
            ("#/projects/42/extra", Route::NotFound),
            ("#/projects/42/deploy_tokens/x", Route::NotFound),
            ("#/users/x/tokens", Route::NotFound),
            ("#/settings", Route::NotFound),
            ("#/check", Route::Check),
            ("#/admin", creds(Owner::Instance, Kind::PersonalAccessToken)),
            (
                "#/admin/deploy_tokens",
                creds(Owner::Instance, Kind::ProjectDeployToken),
            ),
            ("#/admin/deploy_keys", Route::NotFound),
            ("#/check/x", Route::NotFound),
            ("#/inventory", Route::Inventory),
            ("#/inventory/x", Route::NotFound),
            ("#/projects/%FF", Route::NotFound),
            // Never a request path a browser would resolve elsewhere.
            ("#/projects/..", Route::NotFound),
            ("#/projects/%2e%2e", Route::NotFound),
            ("#/groups/%2E/deploy_tokens", Route::NotFound),
            ("#/projects/a%2F..%2Fb", Route::NotFound),
        ];
        for (hash, want) in cases {
            assert_eq!(Route::from_hash(hash), want, "{hash}");
        }
    }

    #[test]
    fn links_round_trip() {
        let mut routes = vec![
            Route::projects(),
            Route::groups(),
            Route::Check,
            Route::Projects(ListQuery::new("a&b=c #?/é", 2)),
            Route::Groups(ListQuery::new("x", 7)),
        ];
        for owner in [
            Owner::Project(ProjectRef::Id(7)),
            Owner::Project(ProjectRef::Path("a b/c?d".into())),
            Owner::Group(ProjectRef::Path("top/sub".into())),
            Owner::Me,
            Owner::User(9),
            Owner::Instance,
        ] {
            for kind in owner.kinds() {
                routes.push(creds(owner.clone(), *kind));
            }
        }
        for r in routes {
            assert_eq!(Route::from_hash(&r.href()), r, "{}", r.href());
        }
        assert_eq!(Route::project(ProjectRef::Id(7)).href(), "#/projects/7");
        assert_eq!(Route::projects().href(), "#/projects");
        assert_eq!(
            Route::Groups(ListQuery::new(" web ", 2)).href(),
            "#/groups?search=web&page=2"
        );
        let long = "x".repeat(5000);
        match Route::from_hash(&format!("#/projects?search={long}")) {
            Route::Projects(q) => assert_eq!(q.search.len(), 200),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            creds(Owner::Project(ProjectRef::Id(7)), Kind::TriggerToken).href(),
            "#/projects/7/triggers"
        );
    }
}
