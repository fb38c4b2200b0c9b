//! Accounts and organisations over HTTP, on SQLite and PostgreSQL: bad input is refused with the
//! right status and changes nothing; cross-site posts are refused; login is throttled.

mod common;

use app::server::infra::entities::{memberships, organisations, users};
use common::TestApp;
use sea_orm::{EntityTrait, PaginatorTrait};

async fn count_users(app: &TestApp) -> u64 {
    users::Entity::find().count(&app.db).await.unwrap()
}

async fn count_orgs(app: &TestApp) -> u64 {
    organisations::Entity::find().count(&app.db).await.unwrap()
}

both_dbs! {
    "signup",
    #[tokio::test]
    async fn signup_refuses_bad_input_and_duplicates(backend, url) {
        let app = TestApp::new(&url).await;
        let before = count_users(&app).await;
        let (status, cookie, body) = app
            .post(
                "/api/auth/signup",
                &[
                    ("email", "marie@exemple"),
                    ("display_name", " "),
                    ("password", "court"),
                    ("password_confirm", "autre"),
                ],
                None,
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(cookie.is_none() || !body.is_empty());
        for key in [
            "validation.email",
            "validation.required",
            "validation.password_short",
            "validation.password_mismatch",
        ] {
            assert!(body.contains(key), "{backend}: {key} missing in {body}");
        }
        assert_eq!(
            count_users(&app).await,
            before,
            "{backend}: nothing created"
        );

        app.signup("marie@exemple.fr").await;
        let (status, _, body) = app
            .post(
                "/api/auth/signup",
                &[
                    ("email", "MARIE@exemple.fr"),
                    ("display_name", "Marie"),
                    ("password", "une phrase de passe"),
                    ("password_confirm", "une phrase de passe"),
                ],
                None,
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}");
        assert!(body.contains("validation.email_taken"), "{backend}: {body}");
        assert_eq!(count_users(&app).await, before + 1);
    }
}

both_dbs! {
    "login",
    #[tokio::test]
    async fn login_logout_and_session_rotation(backend, url) {
        let app = TestApp::new(&url).await;
        let signup_cookie = app.signup("paul@exemple.fr").await;
        let (_, _, me) = app.get("/api/auth/me", Some(&signup_cookie)).await;
        assert!(me.contains("paul@exemple.fr"), "{backend}: {me}");

        let (status, _, body) = app
            .post(
                "/api/auth/login",
                &[
                    ("email", "paul@exemple.fr"),
                    ("password", "mauvais mot de passe"),
                ],
                None,
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}");
        assert!(body.contains("auth.bad_credentials"));

        let (status, cookie, _) = app
            .post(
                "/api/auth/login",
                &[
                    ("email", "Paul@Exemple.fr"),
                    ("password", "une phrase de passe"),
                ],
                Some(&signup_cookie),
            )
            .await;
        assert!(status.is_success() || status.is_redirection());
        let cookie = cookie.expect("a session cookie");
        assert_ne!(
            cookie, signup_cookie,
            "{backend}: login gives a new session id"
        );

        let (_, _, _) = app.post("/api/auth/logout", &[], Some(&cookie)).await;
        let (_, _, me) = app.get("/api/auth/me", Some(&cookie)).await;
        assert_eq!(
            me.trim(),
            "null",
            "{backend}: the session ended on the server"
        );
    }
}

both_dbs! {
    "throttle",
    #[tokio::test]
    async fn login_is_throttled_per_account(backend, url) {
        let app = TestApp::new(&url).await.with_login_limits(1000, 3);
        app.signup("lea@exemple.fr").await;
        let mut statuses = vec![];
        for _ in 0..5 {
            let (status, _, _) = app
                .post(
                    "/api/auth/login",
                    &[
                        ("email", "lea@exemple.fr"),
                        ("password", "mauvais mot de passe"),
                    ],
                    None,
                )
                .await;
            statuses.push(status.as_u16());
        }
        assert_eq!(statuses, vec![422, 422, 422, 429, 429], "{backend}");
        // Even the right password waits.
        let (status, _, body) = app
            .post(
                "/api/auth/login",
                &[
                    ("email", "lea@exemple.fr"),
                    ("password", "une phrase de passe"),
                ],
                None,
            )
            .await;
        assert_eq!(status.as_u16(), 429, "{backend}");
        assert!(body.contains("TooManyRequests"));
    }
}

both_dbs! {
    "orgs",
    #[tokio::test]
    async fn organisations_validate_siret_and_make_the_creator_owner(backend, url) {
        let app = TestApp::new(&url).await;
        let cookie = app.signup("artisan@exemple.fr").await;
        let before = count_orgs(&app).await;
        let (status, _, body) = app
            .post(
                "/api/orgs/create",
                &[
                    ("form[kind]", "business"),
                    ("form[siret]", "123 456 789 00010"),
                    ("form[name]", "Atelier (fictif)"),
                ],
                Some(&cookie),
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("validation.siret_checksum"), "{body}");
        assert_eq!(count_orgs(&app).await, before, "{backend}: nothing created");

        let (status, _, body) = app
            .post(
                "/api/orgs/create",
                &[
                    ("form[kind]", "business"),
                    ("form[siret]", "120 027 016 00001"),
                    ("form[name]", "Atelier (fictif)"),
                    ("form[commune]", "Nulle-Part-sur-Rien"),
                    ("form[naf_code]", "99.99Z"),
                ],
                Some(&cookie),
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(
            body.contains("validation.unknown_commune") && body.contains("validation.unknown_naf"),
            "{body}"
        );
        assert_eq!(count_orgs(&app).await, before);

        let (status, _, body) = app
            .post(
                "/api/orgs/create",
                &[
                    ("form[kind]", "business"),
                    ("form[siret]", "120 027 016 00001"),
                    ("form[name]", "Atelier (fictif)"),
                    ("form[commune]", "Villeurbanne"),
                    ("form[naf_code]", "43.21a"),
                    ("form[is_public]", "on"),
                ],
                Some(&cookie),
            )
            .await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{backend}: {status} {body}"
        );
        assert_eq!(count_orgs(&app).await, before + 1);
        let (_, _, mine) = app.get("/api/orgs/mine", Some(&cookie)).await;
        assert!(
            mine.contains("12002701600001") && mine.contains("\"Owner\""),
            "{backend}: {mine}"
        );
        assert_eq!(memberships::Entity::find().count(&app.db).await.unwrap(), 1);

        // The same SIRET twice is refused.
        let (status, _, body) = app
            .post(
                "/api/orgs/create",
                &[
                    ("form[kind]", "business"),
                    ("form[siret]", "12002701600001"),
                    ("form[name]", "Doublon"),
                ],
                Some(&cookie),
            )
            .await;
        assert_eq!(status.as_u16(), 422);
        assert!(body.contains("validation.siret_taken"));
    }
}

both_dbs! {
    "buyers",
    #[tokio::test]
    async fn buyers_act_only_once_verified_and_join_requests_need_an_owner(backend, url) {
        let app = TestApp::new(&url).await;
        let cookie = app.signup("acheteur@exemple.fr").await;
        let (status, _, _) = app
            .post(
                "/api/orgs/create",
                &[
                    ("form[kind]", "buyer"),
                    ("form[siret]", "21690123100011"),
                    ("form[name]", "Ville de Lyon"),
                ],
                Some(&cookie),
            )
            .await;
        assert!(status.is_redirection() || status.is_success(), "{backend}");
        let user = app::server::auth::find_by_email(&app.db, "acheteur@exemple.fr")
            .await
            .unwrap()
            .unwrap();
        let caller = app::server::auth::Caller::for_user(&app.db, user.id)
            .await
            .unwrap();
        let org_id = caller.orgs[0].1.id;
        assert_eq!(
            caller.require_verified_buyer(org_id).unwrap_err(),
            app::error::AppError::Forbidden
        );

        let admin = app.signup("admin@exemple.fr").await;
        let (status, _, _) = app
            .post(
                "/api/admin/verify-org",
                &[("org_id", &org_id.to_string())],
                Some(&admin),
            )
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}: a non-admin cannot verify");
        app::server::demo::create_admin(
            &app.db,
            "admin@exemple.fr",
            "Admin",
            "une phrase de passe".into(),
        )
        .await
        .unwrap();
        let (_, _, pending) = app.get("/api/admin/pending-orgs", Some(&admin)).await;
        assert!(pending.contains("21690123100011"), "{backend}: {pending}");
        let (status, _, body) = app
            .post(
                "/api/admin/verify-org",
                &[("org_id", &org_id.to_string())],
                Some(&admin),
            )
            .await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{backend}: {status} {body}"
        );
        let caller = app::server::auth::Caller::for_user(&app.db, user.id)
            .await
            .unwrap();
        assert!(caller.require_verified_buyer(org_id).is_ok());

        // A colleague asks to join; only an owner decides.
        let colleague = app.signup("collegue@exemple.fr").await;
        let (status, _, body) = app
            .post(
                "/api/orgs/join",
                &[("siret", "216 901 231 00011")],
                Some(&colleague),
            )
            .await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{backend}: {body}"
        );
        let (_, _, requests) = app.get("/api/orgs/pending-members", Some(&cookie)).await;
        assert!(requests.contains("collegue@exemple.fr"), "{requests}");
        let m = memberships::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.status == "pending")
            .unwrap();
        let (status, _, _) = app
            .post(
                "/api/orgs/decide-member",
                &[("membership_id", &m.id.to_string()), ("accept", "true")],
                Some(&colleague),
            )
            .await;
        assert_eq!(
            status.as_u16(),
            403,
            "{backend}: the requester cannot accept itself"
        );
        let (status, _, _) = app
            .post(
                "/api/orgs/decide-member",
                &[("membership_id", &m.id.to_string()), ("accept", "true")],
                Some(&cookie),
            )
            .await;
        assert!(status.is_success() || status.is_redirection());
        let (_, _, mine) = app.get("/api/orgs/mine", Some(&colleague)).await;
        assert!(mine.contains("\"pending\":false"), "{backend}: {mine}");
    }
}

both_dbs! {
    "csrf",
    #[tokio::test]
    async fn cross_site_posts_are_refused_and_change_nothing(backend, url) {
        use axum::body::Body;
        use axum::http::{header, Request};
        let app = TestApp::new(&url).await;
        let before = count_users(&app).await;
        let form = "email=eve%40exemple.fr&display_name=Eve&password=une+phrase+de+passe&password_confirm=une+phrase+de+passe";
        for (k, v) in [
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://malveillant.example"),
        ] {
            let req = Request::post("/api/auth/signup")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "127.0.0.1:3000")
                .header(k, v)
                .body(Body::from(form))
                .unwrap();
            let (status, _, body) = app.send(req).await;
            assert_eq!(status.as_u16(), 403, "{backend} {k}");
            assert!(body.contains("CrossSite"));
        }
        assert_eq!(count_users(&app).await, before, "{backend}");
        // Mutating server functions are never GET.
        let (status, _, _) = app.get("/api/auth/signup?email=a%40b.fr", None).await;
        assert_eq!(status.as_u16(), 405, "{backend}");
    }
}

both_dbs! {
    "reset",
    #[tokio::test]
    async fn password_reset_tokens_are_single_use(backend, url) {
        let app = TestApp::new(&url).await;
        app.signup("zoe@exemple.fr").await;
        let user = app::server::auth::find_by_email(&app.db, "zoe@exemple.fr")
            .await
            .unwrap()
            .unwrap();
        let token = app::server::auth::create_reset_token(&app.db, user.id)
            .await
            .unwrap();
        let form = [
            ("token", token.as_str()),
            ("password", "nouvelle phrase de passe"),
            ("password_confirm", "nouvelle phrase de passe"),
        ];
        let (status, _, body) = app.post("/api/auth/reset", &form, None).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{backend}: {body}"
        );
        let (status, _, body) = app.post("/api/auth/reset", &form, None).await;
        assert_eq!(status.as_u16(), 422, "{backend}: a used token is refused");
        assert!(body.contains("auth.reset_invalid"));
        let (status, _, _) = app
            .post(
                "/api/auth/login",
                &[
                    ("email", "zoe@exemple.fr"),
                    ("password", "nouvelle phrase de passe"),
                ],
                None,
            )
            .await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{backend}: the new password works"
        );
    }
}
