//! Accounts and organisations over HTTP, on SQLite and PostgreSQL: bad input is refused with the
//! right status and changes nothing; cross-site posts are refused; login is throttled.

use crate::common;

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
            body.contains("validation.unknown_commune_named") && body.contains("validation.unknown_naf"),
            "{body}"
        );
        assert_eq!(count_orgs(&app).await, before);

        // Words that designate several communes or activities: the message lists them.
        let (status, _, body) = app
            .post(
                "/api/orgs/create",
                &[
                    ("form[kind]", "business"),
                    ("form[siret]", "120 027 016 00001"),
                    ("form[name]", "Atelier (fictif)"),
                    ("form[commune]", "saint priest"),
                    ("form[naf_code]", "boulangerie"),
                ],
                Some(&cookie),
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(
            body.contains("validation.commune_homonyms")
                && body.contains("Saint-Priest (69290)")
                && body.contains("validation.naf_did_you_mean")
                && body.contains("(10.71C)"),
            "{body}"
        );
        assert_eq!(count_orgs(&app).await, before);

        // Words only one commune holds, and an activity's label as a chosen suggestion writes it.
        let (status, _, body) = app
            .post(
                "/api/orgs/create",
                &[
                    ("form[kind]", "business"),
                    ("form[siret]", "120 027 016 00001"),
                    ("form[name]", "Atelier (fictif)"),
                    ("form[commune]", "Lyon 3e"),
                    (
                        "form[naf_code]",
                        "Travaux d'installation électrique dans tous locaux (43.21A)",
                    ),
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
        let org = organisations::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!(
            (org.commune_insee.as_deref(), org.naf_code.as_deref()),
            (Some("69383"), Some("43.21A")),
            "{backend}: stored as codes"
        );

        // The suggestions under those fields: the likeliest first, the code beside the name.
        let (status, _, body) = app.get("/api/suggest?kind=commune&q=lyon%203", None).await;
        assert_eq!(status.as_u16(), 200, "{body}");
        let found: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(found[0]["value"], "Lyon 3e Arrondissement (69383)", "{body}");
        assert_eq!(found[0]["note"], "69003 · Métropole de Lyon", "{body}");
        let (_, _, body) = app.get("/api/suggest?kind=naf&q=menuiserie", None).await;
        assert!(body.contains("(43.32A)"), "{body}");
        let (status, _, body) = app.get("/api/suggest?kind=siret&q=lyon", None).await;
        assert_eq!(status.as_u16(), 400, "an unknown vocabulary: {body}");
        let long = "a".repeat(10_000);
        let (status, _, body) = app.get(&format!("/api/suggest?kind=commune&q={long}"), None).await;
        assert_eq!((status.as_u16(), body.as_str()), (200, "[]"), "long words find nothing, quickly");

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
        // Administration needs the second factor: refused until it is on.
        let (status, _, _) = app.get("/api/admin/pending-orgs", Some(&admin)).await;
        assert_eq!(status.as_u16(), 403, "{backend}: an admin without a second factor");
        app.enrol_second_factor(&admin).await;
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

both_dbs! {
    "firm_verify",
    /// A firm is marked "not verified" and cannot write to others nor form a consortium in its
    /// name until a chamber analyst verifies it; an analyst verifies firms only.
    #[tokio::test]
    async fn a_firm_acts_in_its_name_only_once_a_chamber_verified_it(backend, url) {
        let app = TestApp::new(&url).await;
        let owner = app.signup("jeanne@menuiserie.example").await;
        let firm = common::unverified_org(&app, &owner, "business", "732 829 320 00074", "Menuiserie (fictive)").await;
        let buyer = app.signup("achats@commune.example").await;
        let town = common::org(&app, &buyer, "buyer", "216 901 231 00011", "Commune test (fictive)").await;

        let (_, _, profile) = app.get(&format!("/api/orgs/profile?id={firm}"), None).await;
        assert!(profile.contains("\"verified\":false"), "{backend}: {profile}");
        let (_, _, mine) = app.get("/api/orgs/mine", Some(&owner)).await;
        assert!(mine.contains("\"needs_verification\":true"), "{backend}: {mine}");

        let contact = [("org_id", firm.to_string()), ("to", town.to_string()), ("message", "Bonjour, nous fabriquons du mobilier scolaire.".into())];
        let contact: Vec<(&str, &str)> = contact.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, body) = app.post("/api/contacts/request", &contact, Some(&owner)).await;
        assert_eq!(status.as_u16(), 403, "{backend}: {body}");
        assert!(body.contains("Unverified"), "{backend}: {body}");
        let firm_s = firm.to_string();
        let consortium = [("org_id", firm_s.as_str()), ("name", "Groupement test"), ("kind", "conjoint")];
        let (status, _, body) = app.post("/api/consortia/create", &consortium, Some(&owner)).await;
        assert_eq!(status.as_u16(), 403, "{backend}: {body}");

        // Who may verify: not the owner, not an analyst for a buyer; an analyst for a firm.
        let analyst = app.signup("analyste@chambre.example").await;
        app.make_analyst("analyste@chambre.example").await;
        let (status, _, _) = app.get("/api/orgs/verification-queue", Some(&owner)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, queue) = app.get("/api/orgs/verification-queue", Some(&analyst)).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {queue}");
        assert!(queue.contains("Menuiserie (fictive)"), "{backend}: {queue}");
        assert!(!queue.contains("Commune test"), "{backend}: buyers are the administrators': {queue}");
        let (status, _, _) = app.post("/api/orgs/verify", &[("org_id", &town.to_string())], Some(&analyst)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, _) = app.post("/api/orgs/verify", &[("org_id", &firm_s)], Some(&owner)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, body) = app.post("/api/orgs/verify", &[("org_id", &firm_s)], Some(&analyst)).await;
        common::ok(status, &format!("{backend}: {body}"));

        let (_, _, profile) = app.get(&format!("/api/orgs/profile?id={firm}"), None).await;
        assert!(profile.contains("\"verified\":true"), "{backend}: {profile}");
        let (status, _, body) = app.post("/api/contacts/request", &contact, Some(&owner)).await;
        common::ok(status, &format!("{backend}: {body}"));
        let org = organisations::Entity::find_by_id(firm).one(&app.db).await.unwrap().unwrap();
        assert_eq!(org.verified_by, Some(common::user_id(&app, "analyste@chambre.example").await));
    }
}

both_dbs! {
    "firm_claim",
    /// A second claimant of a SIRET is not told "taken" and left there: they ask for a review,
    /// and an analyst who grants it gives them the (unverified) organisation.
    #[tokio::test]
    async fn a_second_claimant_of_a_siret_asks_for_review(backend, url) {
        use app::server::infra::entities::{audit_events, notifications};
        use sea_orm::{ColumnTrait, QueryFilter};
        let app = TestApp::new(&url).await;
        let squatter = app.signup("pas-le-gerant@exemple.fr").await;
        let firm = common::unverified_org(&app, &squatter, "business", "732 829 320 00074", "Menuiserie (fictive)").await;
        let owner = app.signup("gerante@menuiserie.example").await;
        let form = [("form[kind]", "business"), ("form[siret]", "73282932000074"), ("form[name]", "Ma menuiserie")];
        let (status, _, body) = app.post("/api/orgs/create", &form, Some(&owner)).await;
        assert_eq!(status.as_u16(), 422, "{backend}");
        assert!(body.contains("validation.siret_taken"), "{backend}: {body}");

        let claim = [("siret", "732 829 320 00074"), ("message", "Gérante depuis 2019, Kbis à l'appui.")];
        let (status, _, body) = app.post("/api/orgs/claim", &claim, Some(&owner)).await;
        common::ok(status, &format!("{backend}: {body}"));
        let (status, _, body) = app.post("/api/orgs/claim", &claim, Some(&owner)).await;
        assert!(status.as_u16() == 422 && body.contains("claim_pending"), "{backend}: {body}");
        let (status, _, body) = app.post("/api/orgs/claim", &claim, Some(&squatter)).await;
        assert!(status.as_u16() == 422 && body.contains("claim_member"), "{backend}: {body}");
        let (status, _, body) = app.post("/api/orgs/claim", &[("siret", "732 829 320 00074"), ("message", " ")], Some(&owner)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: an empty message: {body}");

        let analyst = app.signup("analyste@chambre.example").await;
        app.make_analyst("analyste@chambre.example").await;
        let (_, _, queue) = app.get("/api/orgs/verification-queue", Some(&analyst)).await;
        let q: serde_json::Value = serde_json::from_str(&queue).unwrap();
        let claim_id = q["claims"][0]["id"].as_i64().expect("a claim waiting").to_string();
        assert_eq!(q["claims"][0]["owners"][0], "pas-le-gerant@exemple.fr", "{backend}");
        let (status, _, body) = app.post("/api/orgs/decide-claim", &[("claim_id", &claim_id), ("grant", "1")], Some(&analyst)).await;
        common::ok(status, &format!("{backend}: {body}"));
        let (status, _, body) = app.post("/api/orgs/decide-claim", &[("claim_id", &claim_id), ("grant", "0")], Some(&analyst)).await;
        assert!(status.as_u16() == 422 && body.contains("claim_decided"), "{backend}: {body}");

        let owner_id = common::user_id(&app, "gerante@menuiserie.example").await;
        let members = memberships::Entity::find()
            .filter(memberships::Column::OrganisationId.eq(firm))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(members.len(), 1, "{backend}: the unproven first claimant lost it");
        assert_eq!((members[0].user_id, members[0].role.as_str()), (owner_id, "owner"));
        let org = organisations::Entity::find_by_id(firm).one(&app.db).await.unwrap().unwrap();
        assert!(org.verified_at.is_some(), "{backend}");
        let told = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(owner_id))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(told, 1, "{backend}");
        for action in ["org_claimed", "claim_granted", "org_verified"] {
            let n = audit_events::Entity::find()
                .filter(audit_events::Column::Action.eq(action))
                .count(&app.db)
                .await
                .unwrap();
            assert_eq!(n, 1, "{backend}: {action}");
        }
    }
}
