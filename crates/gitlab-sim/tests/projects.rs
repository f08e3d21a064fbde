//! `GET /projects`, `GET /projects/:id` and `GET /projects/:id/members/all/:user_id`.

mod common;

use common::*;
use serde_json::{json, Value};

/// The common fixture plus 25 public projects in a `bulk` group, for paging.
fn bulk_fixture() -> Value {
    let mut f = fixture();
    f["groups"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": 13, "path": "bulk", "name": "Bulk", "parent_id": null}));
    let projects = f["projects"].as_array_mut().unwrap();
    for i in 0..25u64 {
        projects.push(json!({
            "id": 200 + i, "path": format!("p{i:02}"), "name": format!("Bulk {i:02}"),
            "namespace_id": 13, "visibility": "public"
        }));
    }
    f
}

#[test]
fn anonymous_sees_public_projects_only() {
    let sim = start();
    let r = sim.get("/api/v4/projects").send();
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(ids(&body), vec![102]);
    assert!(body[0].get("permissions").is_none());
    assert_eq!(body[0]["visibility"], "public");
}

#[test]
fn user_sees_public_internal_and_member_projects() {
    let sim = start();
    let dev = sim.get("/api/v4/projects").token(DEV).send().json();
    assert_eq!(ids(&dev), vec![102, 101, 100], "created_at desc by default");
    let outsider = sim.get("/api/v4/projects").token(OUTSIDER).send().json();
    assert_eq!(ids(&outsider), vec![102, 101]);
    let admin = sim.get("/api/v4/projects").token(ROOT).send().json();
    assert_eq!(ids(&admin), vec![103, 102, 101, 100]);
}

#[test]
fn membership_and_min_access_level_use_inherited_roles() {
    let sim = start();
    let mine = sim
        .get("/api/v4/projects?membership=true")
        .token(MAINT)
        .send()
        .json();
    assert_eq!(ids(&mine), vec![100]);
    // maint is a direct Reporter but a Maintainer through group `top/sub`.
    let manage = sim
        .get("/api/v4/projects?min_access_level=40&membership=true&simple=true&per_page=100")
        .token(MAINT)
        .send()
        .json();
    assert_eq!(ids(&manage), vec![100]);
    let owner = sim
        .get("/api/v4/projects?min_access_level=50")
        .token(OWNER)
        .send()
        .json();
    assert_eq!(
        ids(&owner),
        vec![101, 100],
        "owner of top owns its subgroup's projects"
    );
    let none = sim
        .get("/api/v4/projects?min_access_level=40")
        .token(DEV)
        .send()
        .json();
    assert_eq!(ids(&none), Vec::<u64>::new());
    sim.get("/api/v4/projects?min_access_level=45")
        .token(DEV)
        .send()
        .expect(
            400,
            json!({"error": "min_access_level does not have a valid value"}),
        );
    let anonymous = sim.get("/api/v4/projects?membership=true").send().json();
    assert_eq!(ids(&anonymous), Vec::<u64>::new());
}

#[test]
fn search_matches_name_path_and_description_case_insensitively() {
    let sim = start();
    let r = sim
        .get("/api/v4/projects?search=APPLIC")
        .token(ROOT)
        .send()
        .json();
    assert_eq!(ids(&r), vec![100], "description match");
    let r = sim
        .get("/api/v4/projects?search=secr")
        .token(ROOT)
        .send()
        .json();
    assert_eq!(ids(&r), vec![103]);
    // Below three characters GitLab only matches whole values.
    let r = sim
        .get("/api/v4/projects?search=ap")
        .token(ROOT)
        .send()
        .json();
    assert_eq!(ids(&r), Vec::<u64>::new());
}

#[test]
fn ordering_options() {
    let sim = start();
    let by_id = sim
        .get("/api/v4/projects?order_by=id&sort=asc")
        .token(ROOT)
        .send()
        .json();
    assert_eq!(ids(&by_id), vec![100, 101, 102, 103]);
    let by_name = sim
        .get("/api/v4/projects?order_by=name&sort=asc")
        .token(ROOT)
        .send()
        .json();
    assert_eq!(names(&by_name), vec!["App", "Pub", "Secret", "Site"]);
    sim.get("/api/v4/projects?order_by=stars").send().expect(
        400,
        json!({"error": "order_by does not have a valid value"}),
    );
    sim.get("/api/v4/projects?sort=up&simple=maybe")
        .send()
        .expect(
            400,
            json!({"error": "sort does not have a valid value, simple is invalid"}),
        );
}

#[test]
fn simple_and_full_entities() {
    let sim = start();
    let simple = sim
        .get("/api/v4/projects?simple=true")
        .token(DEV)
        .send()
        .json();
    let app = simple
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == 100)
        .unwrap();
    assert!(app.get("permissions").is_none());
    assert!(app.get("visibility").is_none());
    assert_eq!(app["path_with_namespace"], "top/sub/app");
    assert_eq!(app["name_with_namespace"], "Top / Sub / App");
    assert_eq!(app["web_url"], format!("{}/top/sub/app", sim.base_url));
    assert_eq!(
        app["http_url_to_repo"],
        format!("{}/top/sub/app.git", sim.base_url)
    );
    assert_eq!(
        app["namespace"],
        json!({"id": 11, "name": "Sub", "path": "sub", "kind": "group", "full_path": "top/sub",
               "parent_id": 10, "avatar_url": null,
               "web_url": format!("{}/groups/top/sub", sim.base_url)})
    );
    let full = sim.get("/api/v4/projects").token(DEV).send().json();
    let app = full
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == 100)
        .unwrap();
    assert_eq!(app["visibility"], "private");
    assert_eq!(
        app["permissions"],
        json!({"project_access": {"access_level": 30, "notification_level": 3},
               "group_access": null})
    );
}

#[test]
fn permissions_are_direct_in_lists_and_include_ancestors_for_one_project() {
    let sim = start();
    // owner is a member of `top` only; the app lives in `top/sub`.
    let list = sim
        .get("/api/v4/projects?membership=true")
        .token(OWNER)
        .send()
        .json();
    let app = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == 100)
        .unwrap();
    assert_eq!(
        app["permissions"],
        json!({"project_access": null, "group_access": null})
    );
    let one = sim.get("/api/v4/projects/100").token(OWNER).send().json();
    assert_eq!(
        one["permissions"]["group_access"],
        json!({"access_level": 50, "notification_level": 3})
    );
}

#[test]
fn pagination_headers_and_links_preserve_parameters() {
    let sim = start_with(&bulk_fixture());
    let r = sim
        .get("/api/v4/projects?search=bulk&order_by=id&sort=asc&per_page=10&page=2")
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(ids(&r.json()), (210..220).collect::<Vec<_>>());
    assert_eq!(r.header("x-page"), Some("2"));
    assert_eq!(r.header("x-per-page"), Some("10"));
    assert_eq!(r.header("x-next-page"), Some("3"));
    assert_eq!(r.header("x-prev-page"), Some("1"));
    assert_eq!(r.header("x-total"), Some("25"));
    assert_eq!(r.header("x-total-pages"), Some("3"));
    let base = format!("{}/api/v4/projects", sim.base_url);
    let q = |page: u32| format!("{base}?order_by=id&page={page}&per_page=10&search=bulk&sort=asc");
    assert_eq!(
        r.header("link").unwrap(),
        format!(
            "<{}>; rel=\"prev\", <{}>; rel=\"next\", <{}>; rel=\"first\", <{}>; rel=\"last\"",
            q(1),
            q(3),
            q(1),
            q(3)
        )
    );
    let last = sim
        .get("/api/v4/projects?search=bulk&per_page=10&page=3")
        .send();
    assert_eq!(ids(&last.json()).len(), 5);
    assert_eq!(last.header("x-next-page"), Some(""));
    let beyond = sim
        .get("/api/v4/projects?search=bulk&per_page=10&page=9")
        .send();
    assert_eq!(beyond.json(), json!([]));
    assert_eq!(beyond.header("x-prev-page"), Some(""));
}

#[test]
fn per_page_defaults_clamps_and_refuses_zero() {
    let sim = start_with(&bulk_fixture());
    let default = sim.get("/api/v4/projects").send();
    assert_eq!(ids(&default.json()).len(), 20);
    assert_eq!(default.header("x-per-page"), Some("20"));
    let big = sim.get("/api/v4/projects?per_page=500").send();
    assert_eq!(big.header("x-per-page"), Some("100"));
    assert_eq!(ids(&big.json()).len(), 26);
    sim.get("/api/v4/projects?per_page=0")
        .send()
        .expect(400, json!({"error": "per_page has a value not allowed"}));
    sim.get("/api/v4/projects?per_page=ten")
        .send()
        .expect(400, json!({"error": "per_page is invalid"}));
    sim.get("/api/v4/projects?page=x")
        .send()
        .expect(400, json!({"error": "page is invalid"}));
}

#[test]
fn project_by_id_or_encoded_path() {
    let sim = start();
    let by_id = sim.get("/api/v4/projects/100").token(DEV).send();
    assert_eq!(by_id.status, 200);
    let by_path = sim
        .get("/api/v4/projects/top%2Fsub%2Fapp")
        .token(DEV)
        .send();
    assert_eq!(by_path.status, 200);
    assert_eq!(by_path.json()["id"], 100);
    let mixed_case = sim
        .get("/api/v4/projects/Top%2FSub%2FApp")
        .token(DEV)
        .send();
    assert_eq!(mixed_case.json()["id"], 100);
    // An unencoded path is a different (unknown) route.
    sim.get("/api/v4/projects/top/sub/app")
        .token(DEV)
        .send()
        .expect(404, json!({"error": "404 Not Found"}));
}

#[test]
fn invisible_or_unknown_project_is_not_found() {
    let sim = start();
    let not_found = json!({"message": "404 Project Not Found"});
    sim.get("/api/v4/projects/103")
        .token(DEV)
        .send()
        .expect(404, not_found.clone());
    sim.get("/api/v4/projects/100")
        .send()
        .expect(404, not_found.clone());
    sim.get("/api/v4/projects/9999")
        .token(ROOT)
        .send()
        .expect(404, not_found.clone());
    sim.get("/api/v4/projects/nope%2Fnope")
        .token(ROOT)
        .send()
        .expect(404, not_found);
    assert_eq!(
        sim.get("/api/v4/projects/103").token(ROOT).send().status,
        200
    );
    assert_eq!(
        sim.get("/api/v4/projects/101")
            .token(OUTSIDER)
            .send()
            .status,
        200
    );
}

#[test]
fn effective_membership_comes_from_ancestor_groups() {
    let sim = start();
    // owner: Owner of `top`, the app's grandparent group; no direct membership.
    let owner = sim
        .get("/api/v4/projects/100/members/all/2")
        .token(DEV)
        .send();
    assert_eq!(owner.status, 200);
    assert_eq!(owner.json()["access_level"], 50);
    assert_eq!(owner.json()["username"], "owner");
    // maint: direct Reporter, inherited Maintainer: the higher wins.
    let maint = sim
        .get("/api/v4/projects/100/members/all/3")
        .token(DEV)
        .send()
        .json();
    assert_eq!(maint["access_level"], 40);
    let dev = sim
        .get("/api/v4/projects/top%2Fsub%2Fapp/members/all/4")
        .token(DEV)
        .send()
        .json();
    assert_eq!(dev["access_level"], 30);
}

#[test]
fn membership_lookup_errors() {
    let sim = start();
    sim.get("/api/v4/projects/100/members/all/6")
        .token(DEV)
        .send()
        .expect(404, json!({"message": "404 Not found"}));
    // Admins are not members by being admins.
    sim.get("/api/v4/projects/100/members/all/1")
        .token(ROOT)
        .send()
        .expect(404, json!({"message": "404 Not found"}));
    sim.get("/api/v4/projects/100/members/all/dev")
        .token(DEV)
        .send()
        .expect(400, json!({"error": "user_id is invalid"}));
    sim.get("/api/v4/projects/100/members/all/4")
        .send()
        .expect(401, json!({"message": "401 Unauthorized"}));
}

#[test]
fn registry_fields_without_a_registry() {
    let sim = start();
    let p = sim.get("/api/v4/projects/100").token(DEV).send().json();
    // The registry's address exists only while the instance runs one; the project feature does
    // not depend on it.
    assert!(p.get("container_registry_image_prefix").is_none(), "{p}");
    assert_eq!(p["container_registry_enabled"], true);
    assert_eq!(p["container_registry_access_level"], "enabled");
}

#[test]
fn registry_fields_with_a_registry() {
    let mut f = fixture();
    f["registry_host"] = json!("Registry.Example.com:5050");
    f["projects"][0]["path"] = json!("App");
    f["projects"][1]["container_registry_access_level"] = json!("disabled");
    f["projects"][2]["container_registry_access_level"] = json!("private");
    f["projects"][2]["members"] = json!([
        {"user_id": 6, "access_level": 10},
        {"user_id": 4, "access_level": 20}
    ]);
    let sim = start_with(&f);
    let app = sim.get("/api/v4/projects/100").token(DEV).send().json();
    // The host as configured, the project's full path lower-cased.
    assert_eq!(
        app["container_registry_image_prefix"],
        "Registry.Example.com:5050/top/sub/app"
    );
    let site = sim.get("/api/v4/projects/101").token(DEV).send().json();
    assert_eq!(
        site["container_registry_image_prefix"],
        "Registry.Example.com:5050/top/site"
    );
    assert_eq!(site["container_registry_enabled"], false);
    assert_eq!(site["container_registry_access_level"], "disabled");

    // A private registry is for members from Reporter up, and for admins.
    let enabled_for = |token: Option<&str>| {
        let mut req = sim.get("/api/v4/projects/102");
        if let Some(token) = token {
            req = req.token(token);
        }
        let body = req.send().json();
        assert_eq!(body["container_registry_access_level"], "private");
        body["container_registry_enabled"].as_bool().unwrap()
    };
    assert!(!enabled_for(None));
    assert!(!enabled_for(Some(OUTSIDER)), "a Guest");
    assert!(!enabled_for(Some(MAINT)), "not a member");
    assert!(enabled_for(Some(DEV)), "a Reporter");
    assert!(enabled_for(Some(ROOT)));

    // Lists carry the same fields, except the simple view.
    let list = sim.get("/api/v4/projects").token(DEV).send().json();
    let prefixes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["container_registry_image_prefix"].as_str().unwrap())
        .collect();
    assert_eq!(
        prefixes,
        vec![
            "Registry.Example.com:5050/other/pub",
            "Registry.Example.com:5050/top/site",
            "Registry.Example.com:5050/top/sub/app"
        ]
    );
    let simple = sim
        .get("/api/v4/projects?simple=true")
        .token(DEV)
        .send()
        .json();
    assert!(simple[0].get("container_registry_image_prefix").is_none());
    assert!(simple[0].get("container_registry_access_level").is_none());
    // So do a group's projects.
    let group = sim.get("/api/v4/groups/12").send().json();
    assert_eq!(
        group["projects"][0]["container_registry_image_prefix"],
        "Registry.Example.com:5050/other/pub"
    );
    assert_eq!(group["projects"][0]["container_registry_enabled"], false);
}

#[test]
fn demo_projects_have_registry_addresses() {
    let sim = start_demo();
    let web = sim
        .get("/api/v4/projects/demo%2Fweb")
        .token("glpat-demo-root-admin-0001")
        .send();
    assert_eq!(
        web.json()["container_registry_image_prefix"],
        "registry.localhost:5050/demo/web"
    );
    let docs = sim.get("/api/v4/projects/demo%2Fdocs").send().json();
    assert_eq!(docs["container_registry_access_level"], "disabled");
    let api = sim
        .get("/api/v4/projects/demo%2Fplatform%2Fapi")
        .token("glpat-demo-root-admin-0001")
        .send()
        .json();
    assert_eq!(api["name_with_namespace"], "Demo / Platform / API");
}
