//! `GET /groups`, `GET /groups/:id`, group effective membership and `GET /users/:id`.

mod common;

use common::*;
use serde_json::json;

fn group_paths(body: &serde_json::Value) -> Vec<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|g| g["full_path"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn members_see_their_groups_sorted_by_name() {
    let sim = start();
    let r = sim.get("/api/v4/groups").token(OWNER).send();
    assert_eq!(r.status, 200, "{}", r.body);
    // Owner of `top` reaches `top/sub` through it.
    assert_eq!(group_paths(&r.json()), vec!["top/sub", "top"]);
    assert_eq!(r.header("x-total"), Some("2"));
    let r = sim.get("/api/v4/groups").token(MAINT).send();
    assert_eq!(group_paths(&r.json()), vec!["top/sub"]);
    // An outsider is a member of nothing; all_available adds what they may see.
    let r = sim.get("/api/v4/groups").token(OUTSIDER).send();
    assert_eq!(ids(&r.json()), Vec::<u64>::new());
    let r = sim
        .get("/api/v4/groups?all_available=true")
        .token(OUTSIDER)
        .send();
    assert_eq!(group_paths(&r.json()), vec!["other", "top"]);
}

#[test]
fn admins_see_all_and_anonymous_sees_public() {
    let sim = start();
    let r = sim.get("/api/v4/groups?order_by=id").token(ROOT).send();
    assert_eq!(ids(&r.json()), vec![10, 11, 12]);
    let r = sim.get("/api/v4/groups").send();
    assert_eq!(group_paths(&r.json()), vec!["other"]);
    assert_eq!(r.json()[0]["visibility"], "public");
}

#[test]
fn min_access_level_uses_the_effective_role() {
    let sim = start();
    let r = sim
        .get("/api/v4/groups?min_access_level=50")
        .token(OWNER)
        .send();
    assert_eq!(ids(&r.json()), vec![11, 10]);
    let r = sim
        .get("/api/v4/groups?min_access_level=50")
        .token(MAINT)
        .send();
    assert_eq!(ids(&r.json()), Vec::<u64>::new());
    let r = sim
        .get("/api/v4/groups?min_access_level=40")
        .token(MAINT)
        .send();
    assert_eq!(ids(&r.json()), vec![11]);
    sim.get("/api/v4/groups?min_access_level=45")
        .token(MAINT)
        .send()
        .expect(
            400,
            json!({"error": "min_access_level does not have a valid value"}),
        );
    // `owned` is direct Owner membership only.
    let r = sim.get("/api/v4/groups?owned=true").token(OWNER).send();
    assert_eq!(ids(&r.json()), vec![10]);
}

#[test]
fn search_sort_and_pagination() {
    let sim = start();
    let r = sim.get("/api/v4/groups?search=su").token(ROOT).send();
    assert_eq!(
        ids(&r.json()),
        Vec::<u64>::new(),
        "two letters match whole names only"
    );
    let r = sim.get("/api/v4/groups?search=SUB").token(ROOT).send();
    assert_eq!(ids(&r.json()), vec![11]);
    let r = sim
        .get("/api/v4/groups?order_by=path&sort=desc&per_page=2")
        .token(ROOT)
        .send();
    assert_eq!(group_paths(&r.json()), vec!["top", "top/sub"]);
    assert_eq!(r.header("x-next-page"), Some("2"));
    assert_eq!(r.header("x-total-pages"), Some("2"));
    let base = format!("{}/api/v4/groups", sim.base_url);
    assert_eq!(
        r.header("link"),
        Some(
            format!(
                "<{base}?order_by=path&page=2&per_page=2&sort=desc>; rel=\"next\", \
                 <{base}?order_by=path&page=1&per_page=2&sort=desc>; rel=\"first\", \
                 <{base}?order_by=path&page=2&per_page=2&sort=desc>; rel=\"last\""
            )
            .as_str()
        )
    );
    sim.get("/api/v4/groups?order_by=created_at")
        .token(ROOT)
        .send()
        .expect(
            400,
            json!({"error": "order_by does not have a valid value"}),
        );
}

#[test]
fn single_group_by_id_or_path() {
    let sim = start();
    let r = sim.get("/api/v4/groups/top%2Fsub").token(MAINT).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["id"], 11);
    assert_eq!(body["full_path"], "top/sub");
    assert_eq!(body["full_name"], "Top / Sub");
    assert_eq!(body["parent_id"], 10);
    assert_eq!(body["visibility"], "private");
    assert_eq!(body["projects"][0]["path_with_namespace"], "top/sub/app");
    let not_found = json!({"message": "404 Group Not Found"});
    sim.get("/api/v4/groups/11")
        .token(OUTSIDER)
        .send()
        .expect(404, not_found.clone());
    sim.get("/api/v4/groups/999")
        .token(ROOT)
        .send()
        .expect(404, not_found.clone());
    sim.get("/api/v4/groups/11").send().expect(404, not_found);
    // A member of a project inside a private group may see the group.
    assert_eq!(sim.get("/api/v4/groups/11").token(DEV).send().status, 200);
}

#[test]
fn group_membership_includes_ancestors() {
    let sim = start();
    let r = sim
        .get("/api/v4/groups/11/members/all/2")
        .token(MAINT)
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["access_level"], 50);
    assert_eq!(r.json()["username"], "owner");
    sim.get("/api/v4/groups/10/members/all/3")
        .token(MAINT)
        .send()
        .expect(404, json!({"message": "404 Not found"}));
    sim.get("/api/v4/groups/10/members/all/abc")
        .token(MAINT)
        .send()
        .expect(400, json!({"error": "user_id is invalid"}));
}

#[test]
fn users_by_id_including_bots() {
    let sim = start();
    let r = sim.get("/api/v4/users/3").token(DEV).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["username"], "maint");
    assert_eq!(body["name"], "Mark Maintainer");
    assert_eq!(body["state"], "active");
    assert_eq!(body["bot"], false);
    assert!(body.get("email").is_none(), "private fields stay private");
    // Bot 7 holds the first access token of project 100.
    let bot = sim.get("/api/v4/users/7").token(DEV).send().json();
    assert!(bot["username"]
        .as_str()
        .unwrap()
        .starts_with("project_100_bot_"));
    assert_eq!(bot["bot"], true);
    sim.get("/api/v4/users/999")
        .token(DEV)
        .send()
        .expect(404, json!({"message": "404 User Not Found"}));
    // A read_user token is enough.
    assert_eq!(
        sim.get("/api/v4/users/3")
            .token(READ_USER_ONLY)
            .send()
            .status,
        200
    );
}
