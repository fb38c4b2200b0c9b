//! Personal data rights: download my data, delete my account, leave an organisation, and the
//! retention of what is kept no longer.

use crate::common;

use app::server::infra::entities::{
    consortium_messages, memberships, notifications, offers, organisations, password_resets, users,
};
use axum::http::StatusCode;
use common::TestApp;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

const JOINER: &str = "menuisier@demo.passerelle.example";

async fn demo_login(app: &TestApp, email: &str) -> String {
    let (status, cookie, body) = app
        .post(
            "/api/auth/login",
            &[
                ("email", email),
                ("password", app::server::demo::DEMO_PASSWORD),
            ],
            None,
        )
        .await;
    common::ok(status, &body);
    cookie.unwrap()
}

both_dbs! {
    "privacy_export",
    #[tokio::test]
    async fn my_data_is_one_archive_of_everything_about_me(backend, url) {
        let app = TestApp::new(&url).await;
        app::server::demo::seed(&app.db, Default::default()).await.unwrap();
        let (status, _, _) = app.get("/compte/mes-donnees.json", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{backend}");
        let cookie = demo_login(&app, JOINER).await;
        let (status, _, body) = app.get("/compte/mes-donnees.json", Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["account"]["email"], JOINER);
        for section in ["memberships", "meeting_registrations", "saved_searches", "notifications", "devices"] {
            assert!(
                !v[section].as_array().unwrap().is_empty(),
                "{backend}: {section} holds the joiner's: {}",
                v[section]
            );
        }
        let user = common::user_id(&app, JOINER).await;
        let hash = users::Entity::find_by_id(user).one(&app.db).await.unwrap().unwrap().password_hash;
        assert!(!body.contains(&hash) && !body.contains("password_hash") && !body.contains("token_hash"), "{backend}: no secret");
        // Nobody else's: another account's memberships are not in it.
        assert!(!body.contains("acheteuse@demo"), "{backend}");

        // A claim on a firm is the claimant's data: in her archive, erased with her account.
        let claimant = "gerante.revendication@demo.passerelle.example";
        let cookie = demo_login(&app, claimant).await;
        let (_, _, body) = app.get("/compte/mes-donnees.json", Some(&cookie)).await;
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let claims = v["organisation_claims"].as_array().unwrap();
        assert_eq!(claims.len(), 1, "{backend}: {body}");
        assert!(claims[0]["message"].as_str().unwrap().contains("Kbis"), "{backend}");
        let (status, _, body) = app
            .post(
                "/api/privacy/delete-account",
                &[("delete_password", app::server::demo::DEMO_PASSWORD), ("confirm", "oui")],
                Some(&cookie),
            )
            .await;
        common::ok(status, &format!("{backend}: {body}"));
        let left = app::server::infra::entities::org_claims::Entity::find()
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(left, 0, "{backend}: the claim went with the account");
    }
}

both_dbs! {
    "privacy_delete",
    #[tokio::test]
    async fn deleting_my_account_erases_me_and_keeps_the_rest_coherent(backend, url) {
        let app = TestApp::new(&url).await;
        app::server::demo::seed(&app.db, Default::default()).await.unwrap();
        let user = common::user_id(&app, JOINER).await;
        let cookie = demo_login(&app, JOINER).await;
        let messages = consortium_messages::Entity::find().count(&app.db).await.unwrap();
        let offers_before = offers::Entity::find().count(&app.db).await.unwrap();
        // A wrong password, or no confirmation: refused, nothing changes.
        for form in [
            vec![("delete_password", "pas le bon"), ("confirm", "oui")],
            vec![("delete_password", app::server::demo::DEMO_PASSWORD)],
        ] {
            let (status, _, body) = app.post("/api/privacy/delete-account", &form, Some(&cookie)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
        }
        assert!(app::server::auth::find_by_email(&app.db, JOINER).await.unwrap().is_some());

        let (status, _, body) = app
            .post(
                "/api/privacy/delete-account",
                &[("delete_password", app::server::demo::DEMO_PASSWORD), ("confirm", "oui")],
                Some(&cookie),
            )
            .await;
        common::ok(status, &body);
        let row = users::Entity::find_by_id(user).one(&app.db).await.unwrap().unwrap();
        assert_eq!(row.display_name, "Compte supprimé", "{backend}");
        assert!(!row.email.contains("menuisier"), "{backend}: {}", row.email);
        assert_eq!(
            memberships::Entity::find().filter(memberships::Column::UserId.eq(user)).count(&app.db).await.unwrap(),
            0
        );
        // The session is over, and no one signs in as the erased account.
        let (_, _, me) = app.get("/api/auth/me", Some(&cookie)).await;
        assert_eq!(me.trim(), "null", "{backend}");
        let (status, _, _) = app
            .post("/api/auth/login", &[("email", JOINER), ("password", app::server::demo::DEMO_PASSWORD)], None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        // Other people's conversations and the organisation's offers stay.
        assert_eq!(consortium_messages::Entity::find().count(&app.db).await.unwrap(), messages, "{backend}");
        assert_eq!(offers::Entity::find().count(&app.db).await.unwrap(), offers_before, "{backend}");
        // The consortium the joiner wrote in still reads, signed by the erased account.
        let other = demo_login(&app, "acheteuse@demo.passerelle.example").await;
        let (status, _, _) = app.get("/compte", Some(&other)).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
    }
}

both_dbs! {
    "privacy_leave",
    #[tokio::test]
    async fn the_last_owner_cannot_leave_members_without_an_owner(backend, url) {
        let app = TestApp::new(&url).await;
        let owner = app.signup("patronne@exemple.fr").await;
        let org = common::org(&app, &owner, "business", "732 829 320 00074", "Atelier (fictif)").await;
        let colleague = app.signup("collegue@exemple.fr").await;
        let (status, _, body) = app.post("/api/orgs/join", &[("siret", "732 829 320 00074")], Some(&colleague)).await;
        common::ok(status, &body);
        let m = memberships::Entity::find()
            .filter(memberships::Column::UserId.eq(common::user_id(&app, "collegue@exemple.fr").await))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let (status, _, body) = app
            .post("/api/orgs/decide-member", &[("membership_id", &m.id.to_string()), ("accept", "true")], Some(&owner))
            .await;
        common::ok(status, &body);

        let org_s = org.to_string();
        let (status, _, body) = app.post("/api/privacy/leave", &[("org_id", &org_s)], Some(&owner)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
        assert!(body.contains("privacy.last_owner") && body.contains("Atelier (fictif)"), "{body}");
        let (status, _, body) = app
            .post(
                "/api/privacy/delete-account",
                &[("delete_password", "une phrase de passe"), ("confirm", "oui")],
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
        assert!(body.contains("privacy.last_owner"), "{body}");

        // The colleague leaves; then the owner, alone, may.
        let (status, _, body) = app.post("/api/privacy/leave", &[("org_id", &org_s)], Some(&colleague)).await;
        common::ok(status, &body);
        let (status, _, body) = app.post("/api/privacy/leave", &[("org_id", &org_s)], Some(&owner)).await;
        common::ok(status, &body);
        assert_eq!(
            memberships::Entity::find().filter(memberships::Column::OrganisationId.eq(org)).count(&app.db).await.unwrap(),
            0
        );
        assert!(organisations::Entity::find_by_id(org).one(&app.db).await.unwrap().is_some(), "{backend}: the organisation stays");
        // Leaving what one is not in: not found.
        let (status, _, _) = app.post("/api/privacy/leave", &[("org_id", &org_s)], Some(&owner)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend}");
    }
}

both_dbs! {
    "privacy_retention",
    #[tokio::test]
    async fn the_retention_job_deletes_what_is_kept_no_longer(backend, url) {
        use chrono::Duration;
        let app = TestApp::new(&url).await;
        app.signup("ancien@exemple.fr").await;
        app.signup("recent@exemple.fr").await;
        let member = app.signup("membre@exemple.fr").await;
        common::org(&app, &member, "business", "732 829 320 00074", "Atelier (fictif)").await;
        let now = chrono::Utc::now();
        let three_years = now - Duration::days(3 * 365);
        for email in ["ancien@exemple.fr", "membre@exemple.fr"] {
            let u = users::Entity::find_by_id(common::user_id(&app, email).await).one(&app.db).await.unwrap().unwrap();
            let mut am: users::ActiveModel = u.into();
            am.created_at = Set(three_years);
            am.last_login_at = Set(Some(three_years));
            am.update(&app.db).await.unwrap();
        }
        let someone = common::user_id(&app, "recent@exemple.fr").await;
        for (age, read) in [(400, false), (200, true), (200, false), (10, true)] {
            notifications::ActiveModel {
                user_id: Set(someone),
                title: Set(format!("{age} {read}")),
                url: Set("/".into()),
                created_at: Set(now - Duration::days(age)),
                read_at: Set(read.then_some(now)),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
        app::server::auth::create_reset_token(&app.db, someone).await.unwrap();
        password_resets::Entity::update_many()
            .col_expr(password_resets::Column::ExpiresAt, (now - Duration::days(2)).into())
            .exec(&app.db)
            .await
            .unwrap();

        let swept = app::server::privacy::sweep(&app.db, now).await.unwrap();
        assert_eq!(
            (swept.notifications, swept.reset_links, swept.idle_accounts),
            (2, 1, 1),
            "{backend}: {swept:?}"
        );
        let left: Vec<String> = notifications::Entity::find().all(&app.db).await.unwrap().into_iter().map(|n| n.title).collect();
        assert_eq!(left.len(), 2, "{backend}: {left:?}");
        assert!(app::server::auth::find_by_email(&app.db, "ancien@exemple.fr").await.unwrap().is_none(), "{backend}: erased");
        assert!(app::server::auth::find_by_email(&app.db, "membre@exemple.fr").await.unwrap().is_some(), "{backend}: a member stays");
        assert!(app::server::auth::find_by_email(&app.db, "recent@exemple.fr").await.unwrap().is_some());
        // Run again: nothing more.
        assert_eq!(app::server::privacy::sweep(&app.db, now).await.unwrap(), Default::default());
    }
}
