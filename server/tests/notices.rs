//! BOAMP notices become facts of the platform (issue 26), on SQLite and PostgreSQL, against a
//! local publisher serving two pages of the API (`fixtures/boamp`, written in the documented
//! shape with what real exports do wrong): the buyer's call for tenders is proposed for its
//! plan, she confirms, the plan is published with the notice's link; its award moves the plan to
//! "awarded" with the awardee from the directory; the call of a buyer without a plan is listed in
//! "Consultations en cours", where a firm signals its interest; read again, nothing is doubled.

use crate::common;

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

const CN: &str = include_str!("fixtures/eforms/cn_24_open.xml");
const CAN: &str = include_str!("fixtures/eforms/can_24_maximal.xml");

/// The EU's search API on 127.0.0.1: one page of three notices — the official contract notice
/// example (its buyer given the test buyer's SIRET, its folder `dossier-1`), the award notice
/// example (same folder), and one whose XML is not a notice.
async fn ted() -> String {
    use axum::{body::Bytes, extract::Path, routing::post};
    async fn search(body: Bytes) -> impl IntoResponse {
        let q: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let query = q["query"].as_str().unwrap();
        assert!(
            query.contains("buyer-country=FRA") && query.contains("FRK26"),
            "{query}"
        );
        let page = q["page"].as_u64().unwrap();
        let notices = if page == 1 {
            serde_json::json!([
                {"publication-number": "100001-2026", "links": {"xml": {"MUL": "XML/cn"}}},
                {"publication-number": "100002-2026", "links": {"xml": {"MUL": "XML/can"}}},
                {"publication-number": "100003-2026", "links": {"xml": {"MUL": "XML/broken"}}}
            ])
        } else {
            serde_json::json!([])
        };
        axum::Json(serde_json::json!({"notices": notices, "totalNoticeCount": 3}))
    }
    async fn xml(Path(which): Path<String>) -> impl IntoResponse {
        let folder = |x: &str, from: &str| x.replace(from, "dossier-1");
        match which.as_str() {
            "cn" => folder(CN, "31f258b6-5eb2-4875-8997-affa3cdce27c").replace(
                "<cbc:CompanyID>not available</cbc:CompanyID>",
                "<cbc:CompanyID>216 901 231 00011</cbc:CompanyID>",
            ),
            "can" => folder(CAN, "2d2d24a2-df84-449e-8695-fb66ef504a5a"),
            _ => "<html><body>Service indisponible</body></html>".to_string(),
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The search answers with the XML addresses of this server.
    let router = Router::new()
        .route(
            "/v3/notices/search",
            post(move |body: Bytes| async move {
                let answer = search(body).await.into_response();
                let bytes = axum::body::to_bytes(answer.into_body(), usize::MAX)
                    .await
                    .unwrap();
                let text = String::from_utf8(bytes.to_vec())
                    .unwrap()
                    .replace("XML/", &format!("http://{addr}/xml/"));
                ([("content-type", "application/json")], text)
            }),
        )
        .route("/xml/{which}", get(xml));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/v3/notices/search")
}

both_dbs! {
    "notices_ted",
    /// TED: the search read page by page, each notice's eForms XML read; a notice whose XML is
    /// not one rejected with its reason, the others kept; an award sharing its call's procedure
    /// folder moves the plan the call published to "awarded".
    #[tokio::test]
    async fn ted_notices_are_read_and_an_award_follows_its_call_by_folder(backend, url) {
        let app = TestApp::new(&url).await;
        let buyer = app.signup("achats@villeurbanne.example").await;
        let city = org(&app, &buyer, "buyer", "216 901 231 00011", "Ville de Villeurbanne (test)").await;
        verify(&app, city).await;
        let c = city.to_string();
        let form = [
            ("org_id", c.as_str()),
            ("form[title]", "Vérification des installations électriques"),
            ("form[procedure]", "open"),
            ("form[publication]", "T1 2027"),
        ];
        let (status, _, body) = app.post("/api/plans/create", &form, Some(&buyer)).await;
        ok(status, &body);
        let plan = plans::Entity::find().one(&app.db).await.unwrap().unwrap();
        let spec = SourceForm {
            name: "ted-rhone".into(),
            kind: "ted".into(),
            url: ted().await,
            every_hours: "24".into(),
            departments: "69".into(),
            ..Default::default()
        }
        .check()
        .unwrap();
        let source = sources::create(&app.db, &spec).await.unwrap().unwrap();
        let runner = runner();
        let run = sources::run(&app.db, None, &runner, source.id, Trigger::Admin, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.status, "done", "{backend}: {run:?}");
        assert_eq!((run.fetched, run.created, run.rejected), (3, 2, 1), "{run:?}");
        assert!(run.report.contains("100003-2026") && run.report.contains("not an eForms notice"), "{}", run.report);
        let call = notices::Entity::find()
            .filter(notices::Column::NoticeId.eq("100001-2026"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((call.origin.as_str(), call.kind.as_deref()), ("ted", Some("contract")));
        assert!(call.title.starts_with("Term Contract for a Planned Programme"), "{}", call.title);
        assert_eq!(call.buyer_org_id, Some(city));
        assert_eq!(call.deadline.unwrap().to_string(), "2020-04-03 12:00:00");
        assert_eq!(call.url.as_deref(), Some("https://ted.europa.eu/fr/notice/-/detail/100001-2026"));
        let award = notices::Entity::find()
            .filter(notices::Column::NoticeId.eq("100002-2026"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(award.kind.as_deref(), Some("award"));
        assert_ne!(award.awardees, "[]");
        // The buyer confirmed the call for its plan (as on the plan's page): read again, the
        // award of the same folder moves the plan to awarded.
        use sea_orm::{ActiveModelTrait, Set};
        let mut a: notices::ActiveModel = call.into();
        a.plan_id = Set(Some(plan.id));
        a.update(&app.db).await.unwrap();
        let mut p: plans::ActiveModel = plan.clone().into();
        p.status = Set("published".into());
        p.update(&app.db).await.unwrap();
        let again = sources::run(&app.db, None, &runner, source.id, Trigger::Admin, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.created, again.updated), (0, 2), "{again:?}");
        let awarded = plans::Entity::find_by_id(plan.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(awarded.status, "awarded");
    }
}

/// The BOAMP's XML archive fixtures (`fixtures/boamp/archive`, written in the documented shape,
/// see its README), packed as the DILA packs a day's notices.
fn archive() -> Vec<u8> {
    let files: [(&str, &[u8]); 5] = [
        (
            "26-120001.xml",
            include_bytes!("fixtures/boamp/archive/26-120001.xml"),
        ),
        (
            "26-120002.xml",
            include_bytes!("fixtures/boamp/archive/26-120002.xml"),
        ),
        (
            "26-120003.xml",
            include_bytes!("fixtures/boamp/archive/26-120003.xml"),
        ),
        (
            "26-120005.xml",
            include_bytes!("fixtures/boamp/archive/26-120005.xml"),
        ),
        (
            "26-120004-tronque.xml",
            include_bytes!("fixtures/boamp/archive/26-120004-tronque.xml"),
        ),
    ];
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    {
        let mut tar = tar::Builder::new(&mut gz);
        for (name, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, format!("BOAMP_20261203/{name}"), bytes)
                .unwrap();
        }
        tar.finish().unwrap();
    }
    gz.finish().unwrap()
}

/// The archives' server on 127.0.0.1: the archive with ETag `v<version>` (304 when the client
/// has it), the version set by the test; how many full copies it served.
async fn archives(
    version: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    served: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> String {
    use axum::http::{HeaderMap, StatusCode};
    use std::sync::atomic::Ordering;
    let body = archive();
    let router = Router::new().route(
        "/OPENDATA/BOAMP/2026/BOAMP_20261203.taz",
        get(move |headers: HeaderMap| async move {
            let etag = format!("\"v{}\"", version.load(Ordering::SeqCst));
            if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
                return (StatusCode::NOT_MODIFIED, [("etag", etag)], Vec::new());
            }
            served.fetch_add(1, Ordering::SeqCst);
            (StatusCode::OK, [("etag", etag)], body)
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/OPENDATA/BOAMP/2026/BOAMP_20261203.taz")
}

both_dbs! {
    "notices_boamp_xml",
    /// The BOAMP's legacy XML, from a daily archive: the buyer's call (in ISO-8859-1) proposed
    /// for her plan and confirmed, its award moving the plan to "awarded" with the awardee of the
    /// directory; the Paris notice left aside, the cut file rejected with its name; the same
    /// archive not read twice (ETag), a new copy updating and never doubling.
    #[tokio::test]
    async fn boamp_archives_are_read_like_the_api(backend, url) {
        use std::sync::{atomic::{AtomicUsize, Ordering}, Arc};
        let app = TestApp::new(&url).await;
        let buyer = app.signup("achats@villeurbanne.example").await;
        let city = org(&app, &buyer, "buyer", "216 901 231 00011", "Ville de Villeurbanne (test)").await;
        verify(&app, city).await;
        let firm = app.signup("cuisines@exemple.fr").await;
        let caterer = org(&app, &firm, "business", "120 027 016 00027", "Cuisines du Garon (test)").await;
        let c = city.to_string();
        let form = [
            ("org_id", c.as_str()),
            ("form[title]", "Repas bio des écoles (restauration scolaire)"),
            ("form[cpv]", "55523100"),
            ("form[procedure]", "open"),
            ("form[publication]", "T1 2027"),
        ];
        let (status, _, body) = app.post("/api/plans/create", &form, Some(&buyer)).await;
        ok(status, &body);
        let plan = plans::Entity::find().one(&app.db).await.unwrap().unwrap();

        let (version, served) = (Arc::new(AtomicUsize::new(1)), Arc::new(AtomicUsize::new(0)));
        let spec = SourceForm {
            name: "boamp-archives".into(),
            kind: "boamp_xml".into(),
            url: archives(version.clone(), served.clone()).await,
            every_hours: "24".into(),
            departments: "69, 01".into(),
            ..Default::default()
        }
        .check()
        .unwrap();
        let source = sources::create(&app.db, &spec).await.unwrap().unwrap();
        let runner = runner();
        let run = sources::run(&app.db, None, &runner, source.id, Trigger::Admin, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.status, "done", "{backend}: {run:?}");
        assert_eq!((run.fetched, run.created, run.updated, run.rejected), (5, 3, 0, 1), "{run:?}");
        let report: app::domain::sources::RunReport = serde_json::from_str(&run.report).unwrap();
        assert!(report.rejections[0].contains("26-120004-tronque.xml"), "{report:?}");
        let warnings = report.warnings.join("\n");
        assert!(warnings.contains("entité(s) HTML") && warnings.contains("1 avis d'autres départements"), "{warnings}");
        assert!(notices::Entity::find()
            .filter(notices::Column::NoticeId.eq("26-120003"))
            .one(&app.db)
            .await
            .unwrap()
            .is_none());
        let call = notices::Entity::find()
            .filter(notices::Column::NoticeId.eq("26-120001"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((call.origin.as_str(), call.kind.as_deref()), ("boamp", Some("contract")));
        assert_eq!(call.title, "Restauration scolaire : repas bio des écoles", "read from Latin-1");
        assert_eq!(call.buyer_org_id, Some(city));
        assert_eq!(call.proposed_plan_id, Some(plan.id));
        assert!(call.lots.contains("Goûters"), "{}", call.lots);
        assert_eq!(call.deadline.unwrap().to_string(), "2036-02-20 12:00:00");

        let id = call.id.to_string();
        let (status, _, body) = app.post("/api/notices/confirm", &[("id", id.as_str())], Some(&buyer)).await;
        ok(status, &body);
        let published = plans::Entity::find_by_id(plan.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(published.status, "published");
        assert_eq!(
            published.tender_url.as_deref(),
            Some("https://www.boamp.fr/pages/avis/?q=idweb:26-120001")
        );

        // The same archive: the publisher says so, nothing is read.
        let same = sources::run(&app.db, None, &runner, source.id, Trigger::Admin, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((same.status.as_str(), same.fetched), ("unchanged", 0), "{same:?}");
        assert_eq!(served.load(Ordering::SeqCst), 1);
        // A new copy: the same notices updated, none doubled; the award now moves the plan.
        version.store(2, Ordering::SeqCst);
        let again = sources::run(&app.db, None, &runner, source.id, Trigger::Admin, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.status.as_str(), again.created, again.updated), ("done", 0, 3), "{again:?}");
        assert_eq!(notices::Entity::find().count(&app.db).await.unwrap(), 3);
        let awarded = plans::Entity::find_by_id(plan.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(awarded.status, "awarded");
        assert_eq!(awarded.awardee_org_id, Some(caterer));
        // The correction and the award are recorded with the plan, on its page.
        let (_, _, page) = app.get(&format!("/programmation/{}", plan.id), None).await;
        assert!(page.contains("Avis suivants de la procédure"), "{page}");
        assert!(page.contains("Avis rectificatif 26-120005 — publié le 02/12/2026"), "{page}");
        assert!(page.contains("Avis d&#x27;attribution 26-120002") || page.contains("Avis d'attribution 26-120002"), "{page}");
    }
}

both_dbs! {
    "notices_concurrent",
    /// Two sources (the API and the archives, on one instance or two) may store the same notice
    /// at the same moment: one is created, the others update it; no run fails on the unique id.
    #[tokio::test]
    async fn the_same_notice_stored_at_once_is_one_notice(backend, url) {
        let app = TestApp::new(&url).await;
        let notice = app::domain::notices::Notice {
            notice_id: "26-555".into(),
            kind: Some(app::domain::notices::NoticeKind::Contract),
            title: "Nettoyage des gymnases".into(),
            buyer_name: "Commune de Brignais (test)".into(),
            ..Default::default()
        };
        let stores = (0..8).map(|_| app::server::notices::store(&app.db, None, "boamp", &notice));
        let results = futures::future::join_all(stores).await;
        let mut created = 0;
        for r in results {
            let (stored, model) = r.unwrap_or_else(|e| panic!("{backend}: {e}"));
            assert_eq!(model.notice_id, "26-555");
            if stored == app::server::notices::Stored::Created {
                created += 1;
            }
        }
        assert_eq!(created, 1, "{backend}");
        assert_eq!(notices::Entity::find().count(&app.db).await.unwrap(), 1);
    }
}
