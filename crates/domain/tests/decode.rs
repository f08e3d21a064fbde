//! Recorded GitLab response bodies (secrets scrubbed) decode into the models, including the
//! nulls, unknown fields and odd values real instances send.

use chrono::NaiveDate;
use domain::error::{decode, ErrorKind};
use domain::models::{AccessToken, CreatedToken, Project, TokenStatus, User};
use domain::AccessLevel;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

#[test]
fn project_token_list_tolerates_nulls_and_unknown_fields() {
    let tokens: Vec<AccessToken> =
        decode(200, include_str!("fixtures/project_access_tokens.json")).expect("decodes");
    assert_eq!(tokens.len(), 3);
    let t = &tokens[0];
    assert_eq!(
        (t.id, t.name.as_str(), t.description.as_str()),
        (42, "release bot", "Tags releases")
    );
    assert_eq!(t.access_level, Some(AccessLevel::Maintainer));
    assert_eq!(
        t.status(today()),
        TokenStatus::Active {
            days_left: Some(71)
        }
    );
    assert!(t.last_used_at.is_some());
    assert_eq!(tokens[1].status(today()), TokenStatus::Revoked);
    assert_eq!(tokens[1].description, "");
    let legacy = &tokens[2];
    assert!(legacy.scopes.is_empty());
    assert_eq!(
        legacy.created_at, None,
        "an unreadable date is absent, not an error"
    );
    assert_eq!(legacy.access_level, None, "level 5 is below any token role");
    assert_eq!(
        legacy.status(today()),
        TokenStatus::Active { days_left: None }
    );
}

#[test]
fn created_token_carries_a_redacted_secret() {
    let created =
        CreatedToken::from_json(include_str!("fixtures/project_access_token_created.json"))
            .unwrap();
    assert_eq!(created.meta.id, 58);
    assert_eq!(created.token.expose(), "glpat-SCRUBBEDscrubbed00");
    assert!(!format!("{created:?}").contains("SCRUBBED"));
    assert!(
        CreatedToken::from_json(r#"{"id": 1}"#).is_err(),
        "no secret, no created token"
    );
}

#[test]
fn user_token_self_and_projects_decode() {
    let user: User = decode(200, include_str!("fixtures/user.json")).unwrap();
    assert_eq!(
        (user.id, user.username.as_str(), user.is_admin),
        (1, "maria", false)
    );
    let me: AccessToken = decode(
        200,
        include_str!("fixtures/personal_access_token_self.json"),
    )
    .unwrap();
    assert_eq!(me.scopes, vec!["read_api"]);
    assert_eq!(me.expires_at, NaiveDate::from_ymd_opt(2026, 12, 1));
    let projects: Vec<Project> =
        decode(200, include_str!("fixtures/projects_simple.json")).unwrap();
    assert_eq!(projects[0].path_with_namespace, "demo/web");
    assert_eq!(
        projects[0].http_url_to_repo,
        "https://gitlab.example.com/demo/web.git"
    );
}

#[test]
fn a_list_where_an_object_was_expected_is_a_clear_error() {
    let err = decode::<User>(200, include_str!("fixtures/projects_simple.json")).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unexpected);
}
