//! `GET /projects` and `GET /projects/:id` (`lib/api/projects.rb`, `ProjectsFinder`).
//!
//! These two endpoints do not `authenticate!`: anonymous callers see public projects. Grape
//! validates their parameters before the endpoint body resolves the caller, so a bad parameter
//! is reported even when the token is bad too.

use std::cmp::Ordering;

use super::{find_project, Ctx, Reply};
use crate::auth::Scopes;
use crate::entities::{self, ProjectView};
use crate::errors::ApiResult;
use crate::pagination::{paginate, PageRequest};
use crate::params::Check;
use crate::state::{access, Project, SimState, User, Visibility};

const ORDER_BY: [&str; 8] = [
    "id",
    "name",
    "path",
    "created_at",
    "updated_at",
    "last_activity_at",
    "similarity",
    "star_count",
];

/// `Project.search`: path, name and description; queries shorter than three characters must
/// match a whole field (`Gitlab::SQL::Pattern`'s minimum for partial matching).
fn matches_search(p: &Project, query: &str) -> bool {
    let q = query.to_lowercase();
    let fields = [
        Some(p.path.as_str()),
        Some(p.name.as_str()),
        p.description.as_deref(),
    ];
    fields.into_iter().flatten().any(|f| {
        let f = f.to_lowercase();
        if q.chars().count() >= 3 {
            f.contains(&q)
        } else {
            f == q
        }
    })
}

fn compare(a: &Project, b: &Project, order_by: &str) -> Ordering {
    match order_by {
        "id" => a.id.cmp(&b.id),
        "name" => a
            .name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.name.cmp(&b.name)),
        "path" => a.path.to_lowercase().cmp(&b.path.to_lowercase()),
        "last_activity_at" | "updated_at" => a.last_activity_at.cmp(&b.last_activity_at),
        // No stars and no search ranking in the sim: these fall back to creation order.
        _ => a.created_at.cmp(&b.created_at),
    }
}

/// Projects the caller can see before any filter (`public_or_visible_to_user`).
fn visible<'a>(state: &'a SimState, user: Option<&User>) -> Vec<&'a Project> {
    state
        .projects
        .iter()
        .filter(|p| state.can_read_project(user, p))
        .collect()
}

pub fn list(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let mut check = Check::new(&ctx.params);
    let order_by = check
        .string_in("order_by", &ORDER_BY)
        .unwrap_or_else(|| "created_at".into());
    let sort = check
        .string_in("sort", &["asc", "desc"])
        .unwrap_or_else(|| "desc".into());
    let archived = check.boolean("archived");
    let visibility = check.string_in("visibility", &["private", "internal", "public"]);
    let search = check.string("search");
    let owned = check.boolean("owned").unwrap_or(false);
    let starred = check.boolean("starred").unwrap_or(false);
    let membership = check.boolean("membership").unwrap_or(false);
    let levels: Vec<i64> = access::VALID.iter().map(|&l| i64::from(l)).collect();
    let min_access_level = check.integer_in("min_access_level", &levels);
    let simple = check.boolean("simple").unwrap_or(false);
    let _statistics = check.boolean("statistics");
    let page = PageRequest::declared(&mut check);
    check.finish()?;

    let caller = ctx.caller(Scopes::Api)?;
    let user = caller.as_ref().map(|c| &c.user);
    let state = &*ctx.state;

    let mut projects: Vec<&Project> = match user {
        // Without a user, any membership-style filter matches nothing (`collection_without_user`).
        None if owned || membership || min_access_level.is_some() => Vec::new(),
        None => visible(state, None),
        Some(u) => {
            let mut found = visible(state, Some(u));
            if owned {
                found.retain(|p| state.effective_level(p, u.id) == Some(access::OWNER));
            } else if let Some(min) = min_access_level {
                found.retain(|p| {
                    state
                        .effective_level(p, u.id)
                        .is_some_and(|l| i64::from(l) >= min)
                });
            } else if membership {
                found.retain(|p| state.effective_level(p, u.id).is_some());
            }
            found
        }
    };
    if starred || archived == Some(true) {
        projects.clear();
    }
    if let Some(v) = visibility.as_deref().and_then(Visibility::parse) {
        projects.retain(|p| p.visibility == v);
    }
    if let Some(q) = search.as_deref().filter(|q| !q.is_empty()) {
        projects.retain(|p| matches_search(p, q));
    }
    projects.sort_by(|a, b| {
        let primary = compare(a, b, &order_by);
        let primary = if sort == "asc" {
            primary
        } else {
            primary.reverse()
        };
        primary.then_with(|| b.id.cmp(&a.id))
    });

    let page = paginate(projects, page, &ctx.link_base(), &ctx.params);
    let view = match (simple, user) {
        (true, _) => ProjectView::Simple,
        (false, None) => ProjectView::Full,
        (false, Some(_)) => ProjectView::WithAccess,
    };
    let body: Vec<_> = page
        .items
        .iter()
        .map(|p| {
            // The list preloads memberships of the project and of its own group only.
            let permissions = match user {
                Some(u) => (
                    state.direct_project_level(p, u.id),
                    state.direct_group_level(p.namespace_id, u.id),
                ),
                None => (None, None),
            };
            entities::project(state, p, ctx.urls, view, user, permissions)
        })
        .collect();
    Ok(Reply::ok(serde_json::Value::Array(body)).with_headers(page.headers))
}

pub fn show(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    let caller = ctx.caller(Scopes::Api)?;
    let state = &*ctx.state;
    let project = find_project(state, caller.as_ref(), id)?;
    let (view, permissions) = match caller.as_ref() {
        // A single project asks `highest_group_member`, which includes ancestor groups.
        Some(c) => (
            ProjectView::WithAccess,
            (
                state.direct_project_level(&project, c.user.id),
                state.highest_group_level(project.namespace_id, c.user.id),
            ),
        ),
        None => (ProjectView::Full, (None, None)),
    };
    Ok(Reply::ok(entities::project(
        state,
        &project,
        ctx.urls,
        view,
        caller.as_ref().map(|c| &c.user),
        permissions,
    )))
}
