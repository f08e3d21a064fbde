//! `GET /{projects,groups}/:id/members/all/:user_id` (`lib/api/members.rb`): a user's effective
//! role, counting memberships inherited from the group hierarchy.

use super::{find_resource, Ctx, Reply};
use crate::entities;
use crate::errors::{ApiError, ApiResult};
use crate::params::{Check, Params};
use crate::state::ResourceKind;

pub fn show_all(
    ctx: &mut Ctx<'_>,
    kind: ResourceKind,
    id: &str,
    user_id: &str,
) -> ApiResult<Reply> {
    let caller = ctx.signed_in()?;
    // `requires :user_id, type: Integer` is checked before the endpoint looks anything up.
    let mut route_params = Params::default();
    route_params.insert("user_id", serde_json::Value::String(user_id.to_owned()));
    let mut check = Check::new(&route_params);
    let wanted = check.integer("user_id");
    check.finish()?;

    let state = &*ctx.state;
    let resource = find_resource(state, Some(&caller), kind, id)?;
    // `members.find_by!(user_id:)` raises RecordNotFound, which the API renders in lower case.
    let user = wanted
        .and_then(|id| u64::try_from(id).ok())
        .and_then(|id| state.user(id))
        .ok_or(ApiError::RecordNotFound)?;
    let level = state
        .resource_level(resource, user.id)
        .ok_or(ApiError::RecordNotFound)?;
    Ok(Reply::ok(entities::member(user, level, ctx.urls)))
}
