//! `GET /groups` and `GET /groups/:id` (`lib/api/groups.rb`, `GroupsFinder`).
//!
//! Like the project endpoints these do not `authenticate!`: anonymous callers see public groups.

use std::cmp::Ordering;

use serde_json::Value;

use super::{find_group, Ctx, Reply};
use crate::auth::Scopes;
use crate::entities::{self, ProjectView};
use crate::errors::ApiResult;
use crate::pagination::{paginate, PageRequest};
use crate::params::Check;
use crate::state::{access, Group, SimState, User, Visibility};

/// `Gitlab::Access.all_values`: the token levels plus Minimal Access.
const LEVELS: [i64; 7] = [5, 10, 15, 20, 30, 40, 50];

/// `Group.search`: name or path; under three characters a whole value must match.
fn matches_search(g: &Group, query: &str) -> bool {
    let q = query.to_lowercase();
    [g.name.as_str(), g.path.as_str()].into_iter().any(|f| {
        let f = f.to_lowercase();
        if q.chars().count() >= 3 {
            f.contains(&q)
        } else {
            f == q
        }
    })
}

/// `User#authorized_groups`: groups the user belongs to (directly or through an ancestor) and
/// the groups holding projects the user is a member of.
fn authorized(state: &SimState, g: &Group, user: &User) -> bool {
    state.highest_group_level(g.id, user.id).is_some()
        || state
            .projects
            .iter()
            .any(|p| p.namespace_id == g.id && state.direct_project_level(p, user.id).is_some())
}

pub fn list(ctx: &mut Ctx<'_>) -> ApiResult<Reply> {
    let mut check = Check::new(&ctx.params);
    let _statistics = check.boolean("statistics");
    let all_available = check.boolean("all_available");
    let visibility = check.string_in("visibility", &["private", "internal", "public"]);
    let search = check.string("search");
    let owned = check.boolean("owned").unwrap_or(false);
    let order_by = check
        .string_in("order_by", &["name", "path", "id", "similarity"])
        .unwrap_or_else(|| "name".into());
    let sort = check
        .string_in("sort", &["asc", "desc"])
        .unwrap_or_else(|| "asc".into());
    let min_access_level = check.integer_in("min_access_level", &LEVELS);
    let top_level_only = check.boolean("top_level_only").unwrap_or(false);
    let skip_groups = match ctx.params.string_array("skip_groups") {
        Ok(ids) => ids.unwrap_or_default(),
        Err(problem) => {
            check.fail("skip_groups", problem);
            Vec::new()
        }
    };
    let page = PageRequest::declared(&mut check);
    check.finish()?;

    let caller = ctx.caller(Scopes::Api)?;
    let user = caller.as_ref().map(|c| &c.user);
    let state = &*ctx.state;
    // `all_available` defaults to whether the caller can read everything (admins).
    let all_available = all_available.unwrap_or(user.is_some_and(|u| u.admin));

    let mut groups: Vec<&Group> = state
        .groups
        .iter()
        .filter(|g| match user {
            None if owned || min_access_level.is_some() => false,
            None => g.visibility == Visibility::Public,
            Some(u) if owned => state.direct_group_level(g.id, u.id) == Some(access::OWNER),
            Some(u) if min_access_level.is_some() => state
                .highest_group_level(g.id, u.id)
                .is_some_and(|l| Some(i64::from(l)) >= min_access_level),
            Some(u) if u.admin && all_available => true,
            Some(u) => {
                authorized(state, g, u) || (all_available && state.can_read_group(Some(u), g))
            }
        })
        .collect();
    if let Some(v) = visibility.as_deref().and_then(Visibility::parse) {
        groups.retain(|g| g.visibility == v);
    }
    if let Some(q) = search.as_deref().filter(|q| !q.is_empty()) {
        groups.retain(|g| matches_search(g, q));
    }
    if top_level_only {
        groups.retain(|g| g.parent_id.is_none());
    }
    groups.retain(|g| !skip_groups.iter().any(|s| s == &g.id.to_string()));
    groups.sort_by(|a, b| {
        let primary = match order_by.as_str() {
            "path" => a.path.to_lowercase().cmp(&b.path.to_lowercase()),
            "id" => a.id.cmp(&b.id),
            // `similarity` without a search falls back to name.
            _ => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        };
        let primary = if sort == "desc" {
            primary.reverse()
        } else {
            primary
        };
        primary.then(Ordering::Equal).then_with(|| a.id.cmp(&b.id))
    });

    let page = paginate(groups, page, &ctx.link_base(), &ctx.params);
    let body: Vec<Value> = page
        .items
        .iter()
        .map(|g| entities::group(state, g, ctx.urls))
        .collect();
    Ok(Reply::ok(Value::Array(body)).with_headers(page.headers))
}

/// `GET /groups/:id`: `GroupDetail`, which still lists the group's projects by default.
pub fn show(ctx: &mut Ctx<'_>, id: &str) -> ApiResult<Reply> {
    let mut check = Check::new(&ctx.params);
    let with_projects = check.boolean("with_projects").unwrap_or(true);
    check.finish()?;
    let caller = ctx.caller(Scopes::Api)?;
    let user = caller.as_ref().map(|c| &c.user);
    let state = &*ctx.state;
    let group = find_group(state, caller.as_ref(), id)?;
    let mut body = entities::group(state, &group, ctx.urls);
    if let Some(obj) = body.as_object_mut() {
        if with_projects {
            let projects: Vec<Value> = state
                .projects
                .iter()
                .filter(|p| p.namespace_id == group.id && state.can_read_project(user, p))
                .map(|p| {
                    entities::project(state, p, ctx.urls, ProjectView::Full, user, (None, None))
                })
                .collect();
            obj.insert("projects".into(), Value::Array(projects));
            obj.insert("shared_projects".into(), Value::Array(Vec::new()));
        }
        obj.insert("shared_with_groups".into(), Value::Array(Vec::new()));
        obj.insert("runners_token".into(), Value::Null);
        obj.insert(
            "prevent_sharing_groups_outside_hierarchy".into(),
            Value::Bool(false),
        );
    }
    Ok(Reply::ok(body))
}
