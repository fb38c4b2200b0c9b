//! BOAMP notices become facts of the platform (issue 26), on SQLite and PostgreSQL, against a
//! local publisher serving two pages of the API (`fixtures/boamp`, written in the documented
//! shape with what real exports do wrong): the buyer's call for tenders is proposed for its
//! plan, she confirms, the plan is published with the notice's link; its award moves the plan to
//! "awarded" with the awardee from the directory; the call of a buyer without a plan is listed in
//! "Consultations en cours", where a firm signals its interest; read again, nothing is doubled.

mod common;

use app::domain::sources::{SourceForm, Trigger};
use app::server::infra::entities::{notice_interests, notices, plans, source_runs};
use app::server::sources::{self, fetch::Limits, Runner};
use axum::{extract::Query, response::IntoResponse, routing::get, Router};
use common::{notified, ok, org, verify, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashMap;
use std::time::Duration;

const PAGE1: &str = include_str!("fixtures/boamp/records_page1.json");
const PAGE2: &str = include_str!("fixtures/boamp/records_page2.json");
const BUYER_SIRET: &str = "21690123100011";

/// The API on 127.0.0.1: the page at `offset` (0, then 2).
async fn boamp() -> String {
    async fn records(Query(q): Query<HashMap<String, String>>) -> impl IntoResponse {
        assert!(q["where"].starts_with("dateparution >= date'"), "{q:?}");
        let body = match q.get("offset").map(String::as_str) {
            Some("0") => PAGE1,
            Some("2") => PAGE2,
            _ => r#"{"total_count": 3, "results": []}"#,
        };
        ([("content-type", "application/json; charset=utf-8")], body)
    }
    let router = Router::new().route(
        "/api/explore/v2.1/catalog/datasets/boamp/records",
        get(records),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/api/explore/v2.1/catalog/datasets/boamp/records")
}

fn runner() -> Runner {
    Runner::new(
        Limits {
            read: Duration::from_secs(5),
            total: Duration::from_secs(10),
            backoff_ms: 10,
            ..Default::default()
        },
        "http://127.0.0.1",
        std::env::temp_dir().join(format!("passerelle-test-notices-{}", std::process::id())),
    )
}

both_dbs! {
    "notices_boamp",
    /// The issue's scenario on the server, end to end.
    #[tokio::test]
    async fn boamp_notices_publish_and_award_plans_and_list_live_calls(backend, url) {
        let app = TestApp::new(&url).await;
        let buyer = app.signup("achats@villeurbanne.example").await;
        let city = org(&app, &buyer, "buyer", "216 901 231 00011", "Ville de Villeurbanne (test)").await;
        verify(&app, city).await;
        let firm = app.signup("toits@exemple.fr").await;
        let roofer = org(&app, &firm, "business", "120 027 016 00027", "Toitures du Rhône (test)").await;
        let other = app.signup("curieux@exemple.fr").await;
        // Instant alerts of the programming: roofing works (CPV 45) hears of the new live call;
        // school catering (CPV 15) does not.
        for (query, cookie) in [("cpv=45", &other), ("cpv=15", &firm)] {
            let (status, _, body) = app
                .post(
                    "/api/alerts/save",
                    &[("name", "Veille"), ("frequency", "instant"), ("query", query)],
                    Some(cookie),
                )
                .await;
            ok(status, &body);
        }
        let c = city.to_string();
        let form = [
            ("org_id", c.as_str()),
            ("form[title]", "Réfection des toitures des écoles"),
            ("form[cpv]", "45261000"),
            ("form[estimate_min]", "300 000"),
            ("form[procedure]", "open"),
            ("form[publication]", "T1 2027"),
            ("form[duration_months]", "6"),
        ];
        let (status, _, body) = app.post("/api/plans/create", &form, Some(&buyer)).await;
        ok(status, &body);
        let plan = plans::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!(plan.status, "planned");

        let spec = SourceForm {
            name: "boamp-rhone".into(),
            kind: "boamp".into(),
            url: boamp().await,
            every_hours: "6".into(),
            departments: "69".into(),
            ..Default::default()
        }
        .check()
        .unwrap();
        let source = sources::create(&app.db, &spec).await.unwrap().unwrap();
        let mailer = app::server::infra::mail::Mailer::new(None, "Passerelle <t@passerelle.example>").unwrap();
        let runner = runner().with_mail(mailer, "http://127.0.0.1");
        let run = sources::run(&app.db, None, &runner, source.id, Trigger::Admin, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.status, "done", "{backend}: {run:?}");
        assert_eq!((run.fetched, run.created, run.updated, run.rejected), (3, 3, 0, 0));
        assert_eq!(run.attempts, 1);
        let report: app::domain::sources::RunReport = serde_json::from_str(&run.report).unwrap();
        let warnings = report.warnings.join("\n");
        assert!(warnings.contains("NaN") && warnings.contains("identifiant dérivé"), "{warnings}");
        let cursor = app::server::infra::entities::sources::Entity::find_by_id(source.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .cursor;
        assert_eq!(cursor.as_deref(), Some("2026-12-05"));

        // The call of the buyer is linked to it by its SIRET and proposed for its plan.
        let call = notices::Entity::find()
            .filter(notices::Column::NoticeId.eq("26-101842"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(call.buyer_siret.as_deref(), Some(BUYER_SIRET));
        assert_eq!(call.buyer_org_id, Some(city));
        assert_eq!(call.proposed_plan_id, Some(plan.id));
        let calls_told = |titles: Vec<String>| -> Vec<String> {
            titles.into_iter().filter(|t| t.starts_with("Consultation en cours")).collect()
        };
        let told = calls_told(notified(&app, "curieux@exemple.fr").await);
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0].starts_with("Consultation en cours : Réfection des toitures"), "{told:?}");
        assert!(calls_told(notified(&app, "toits@exemple.fr").await).is_empty());
        assert!(call.lots.contains("Zinguerie"));
        // The award came before the plan was linked: nothing changed yet.
        let still = plans::Entity::find_by_id(plan.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(still.status, "planned");

        // Only the buyer's members see the proposal and may confirm it.
        let (_, _, page) = app.get(&format!("/programmation/{}", plan.id), Some(&buyer)).await;
        assert!(page.contains("Cet avis publie-t-il cet achat"), "{page}");
        let (_, _, page) = app.get(&format!("/programmation/{}", plan.id), Some(&other)).await;
        assert!(!page.contains("Cet avis publie-t-il cet achat"));
        let id = call.id.to_string();
        let (status, _, _) = app.post("/api/notices/confirm", &[("id", id.as_str())], Some(&other)).await;
        assert_eq!(status.as_u16(), 403);
        let (status, _, _) = app.post("/api/notices/confirm", &[("id", id.as_str())], None).await;
        assert_eq!(status.as_u16(), 401);
        let (status, _, body) = app.post("/api/notices/confirm", &[("id", id.as_str())], Some(&buyer)).await;
        ok(status, &body);
        let published = plans::Entity::find_by_id(plan.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(published.status, "published");
        assert_eq!(
            published.tender_url.as_deref(),
            Some("https://www.boamp.fr/pages/avis/?q=idweb:26-101842")
        );
        let (_, _, page) = app.get(&format!("/programmation/{}", plan.id), None).await;
        assert!(page.contains("Avis de publication") && page.contains("15/01/2036 13:00"), "{page}");
        // Confirmed once: a second time finds nothing to confirm.
        let (status, _, _) = app.post("/api/notices/confirm", &[("id", id.as_str())], Some(&buyer)).await;
        assert_eq!(status.as_u16(), 404);

        // The call of the buyer without a plan is a live consultation; the linked one is not.
        let (status, _, page) = app.get("/consultations", None).await;
        assert_eq!(status.as_u16(), 200);
        assert!(page.contains("Fourniture de denrées alimentaires biologiques"), "{page}");
        assert!(!page.contains("Réfection des toitures du groupe scolaire"));
        assert!(page.contains("01/02/2036 13:00"));
        let live = notices::Entity::find()
            .filter(notices::Column::NoticeId.starts_with("boamp-"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let (l, r) = (live.id.to_string(), roofer.to_string());
        let signal = [("id", l.as_str()), ("org_id", r.as_str()), ("on", "1")];
        // Only the firm's members signal its interest; twice is once.
        let (status, _, _) = app.post("/api/notices/interest", &signal, Some(&other)).await;
        assert_eq!(status.as_u16(), 403);
        for _ in 0..2 {
            let (status, _, body) = app.post("/api/notices/interest", &signal, Some(&firm)).await;
            ok(status, &body);
        }
        assert_eq!(notice_interests::Entity::find().count(&app.db).await.unwrap(), 1);
        let (_, _, page) = app.get("/consultations", Some(&firm)).await;
        assert!(page.contains("1 entreprise(s) intéressée(s)") && page.contains("Retirer mon intérêt"), "{page}");

        // Read again: the same notices updated, none doubled; the award now moves the plan.
        let again = sources::run(&app.db, None, &runner, source.id, Trigger::Admin, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.created, again.updated), (0, 3), "{again:?}");
        assert_eq!(notices::Entity::find().count(&app.db).await.unwrap(), 3);
        // Read again, no new alert.
        assert_eq!(calls_told(notified(&app, "curieux@exemple.fr").await).len(), 1);
        let awarded = plans::Entity::find_by_id(plan.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(awarded.status, "awarded");
        assert_eq!(awarded.awardee_org_id, Some(roofer));
        assert_eq!(source_runs::Entity::find().count(&app.db).await.unwrap(), 2);
    }
}
