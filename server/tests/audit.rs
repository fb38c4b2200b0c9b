//! The audit trail: rights, verifications, identities, imports and account events are written
//! with who, when and from where; administrators read and filter them; nobody rewrites them.

use crate::common;

use app::server::infra::entities::audit_events;
use axum::http::StatusCode;
use common::TestApp;
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait};
use std::net::IpAddr;

const ADMIN_IP: [u8; 4] = [192, 0, 2, 77];

/// Posts a form as `cookie` from the administrator's address.
async fn post_as(app: &TestApp, path: &str, form: &[(&str, &str)], cookie: &str) {
    let (status, _, body) = app
        .post_from(path, form, IpAddr::from(ADMIN_IP), &[("cookie", cookie)])
        .await;
    common::ok(status, &body);
}

/// The journal (JSON of the server function) as `cookie`, under `query`.
async fn journal(app: &TestApp, query: &str, cookie: &str) -> (StatusCode, serde_json::Value) {
    let q = serde_urlencoded::to_string([("query", query)]).unwrap();
    let (status, _, body) = app
        .get(&format!("/api/admin/journal?{q}"), Some(cookie))
        .await;
    (status, serde_json::from_str(&body).unwrap_or_default())
}

both_dbs! {
    "audit_trail",
    #[tokio::test]
    async fn rights_verifications_and_identities_leave_a_trace(backend, url) {
        let app = TestApp::new(&url).await;
        let admin = app.admin("admin@exemple.fr").await;
        let buyer = app.signup("acheteuse@exemple.fr").await;
        app.signup("analyste@exemple.fr").await;
        let org = common::org(&app, &buyer, "buyer", "216 901 231 00011", "Commune test (fictive)").await;
        post_as(&app, "/api/admin/analyst", &[("email", "analyste@exemple.fr"), ("on", "1")], &admin).await;
        post_as(&app, "/api/admin/verify-org", &[("org_id", &org.to_string())], &admin).await;
        let (status, _, body) = app
            .post(
                "/api/orgs/update",
                &[
                    ("id", &org.to_string()),
                    ("form[kind]", "buyer"),
                    ("form[siret]", "216 901 231 00011"),
                    ("form[name]", "Commune renommée (fictive)"),
                    ("form[commune]", "Villeurbanne"),
                ],
                Some(&buyer),
            )
            .await;
        common::ok(status, &body);

        let (status, j) = journal(&app, "", &admin).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {j}");
        let events = j["events"].as_array().unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(
            actions,
            // The administrator's own second factor, turned on first, is in the trail too.
            ["OrgEdited", "OrgVerified", "AnalystGiven", "OrgCreated", "SecondFactorOn"],
            "{backend}: newest first"
        );
        let verified = &events[1];
        assert!(verified["actor"].as_str().unwrap().contains("admin@exemple.fr"), "{backend}: {verified}");
        assert_eq!(verified["ip"], "192.0.2.77", "{backend}");
        assert!(verified["target"].as_str().unwrap().contains("21690123100011"), "{backend}: {verified}");
        let edited = events[0]["detail"].as_str().unwrap();
        assert!(edited.contains("Commune renommée (fictive)"), "{backend}: {edited}");
        let given = &events[2];
        assert!(given["target"].as_str().unwrap().contains("analyste@exemple.fr"), "{backend}");

        // Filtered by action, and by who did it.
        let (_, j) = journal(&app, "action=org_verified", &admin).await;
        assert_eq!(j["total"], 1, "{backend}");
        let (_, j) = journal(&app, "qui=acheteuse", &admin).await;
        assert_eq!(j["total"], 2, "{backend}: the creation and the edit");
        let (_, j) = journal(&app, "du=2000-01-01&au=2000-01-02", &admin).await;
        assert_eq!(j["total"], 0, "{backend}");
        // The page itself, without JavaScript: the rows are in the HTML.
        let (status, _, page) = app.get("/admin/journal?action=org_verified", Some(&admin)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("192.0.2.77") && page.contains("Organisation vérifiée"), "{backend}");

        // Nobody else reads it.
        let (status, _) = journal(&app, "", &buyer).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend}");
    }
}

both_dbs! {
    "audit_append",
    #[tokio::test]
    async fn the_database_refuses_to_rewrite_the_trail(backend, url) {
        let app = TestApp::new(&url).await;
        let cookie = app.signup("lea@exemple.fr").await;
        common::org(&app, &cookie, "business", "732 829 320 00074", "Atelier (fictif)").await;
        let n = audit_events::Entity::find().count(&app.db).await.unwrap();
        assert_eq!(n, 1, "{backend}: the creation");
        assert!(
            audit_events::Entity::delete_many().exec(&app.db).await.is_err(),
            "{backend}: a DELETE is refused"
        );
        assert!(
            audit_events::Entity::update_many()
                .col_expr(audit_events::Column::Detail, "rien".into())
                .exec(&app.db)
                .await
                .is_err(),
            "{backend}: an UPDATE is refused"
        );
        // Adding stays possible.
        audit_events::Entity::insert(audit_events::ActiveModel {
            at: Set(chrono::Utc::now()),
            action: Set("org_edited".into()),
            target_kind: Set("org".into()),
            detail: Set(String::new()),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .unwrap();
        assert_eq!(audit_events::Entity::find().count(&app.db).await.unwrap(), 2, "{backend}");
    }
}
