//! Importing eForms prior information notices on SQLite and PostgreSQL: only a verified buyer's
//! members import; what is not a PIN is refused with its reason and changes nothing; a PIN
//! becomes a draft (with its parts as lots) that only the buyer sees until it is published,
//! which sends the alerts it matches; the same notice is not imported twice; a draft can be
//! deleted once confirmed.

use crate::common;

use app::server::infra::entities::{notifications, organisations, plan_lots, plans};
use axum::body::Body;
use axum::http::{header, Request};
use common::{ok, org, TestApp};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/eforms/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// POSTs `file` as the form on the programming page does; (status, Location, body).
async fn upload(
    app: &TestApp,
    org: i32,
    file: &[u8],
    cookie: Option<&str>,
) -> (u16, Option<String>, String) {
    let boundary = "----passerelle-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"avis.xml\"\r\nContent-Type: application/xml\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut req = Request::post(format!("/compte/organisations/{org}/programmation/import"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = tower::ServiceExt::oneshot(app.router.clone(), req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    (
        status,
        location,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

async fn plan_count(app: &TestApp) -> u64 {
    plans::Entity::find().count(&app.db).await.unwrap()
}

/// A prior information notice imported, stage by stage: each test runs the stages before the one it names (their checks included) and then its own.
struct Watched {
    app: TestApp,
    buyer: String,
    firm: String,
    city: i32,
    lots_pin: Vec<u8>,
}

/// A firm watches the buyer's programming; rights are checked before anything is read; what is not a PIN is refused with its reason.
async fn watched(backend: &str, url: &str) -> Watched {
    let app = TestApp::new(url).await;
    let buyer = app.signup("achats@ville.example").await;
    let firm = app.signup("gerant@entreprise.example").await;
    let city = org(
        &app,
        &buyer,
        "buyer",
        "216 901 231 00011",
        "Ville de Lyon (fictive)",
    )
    .await;
    let o = organisations::Entity::find_by_id(city)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut am: organisations::ActiveModel = o.into();
    am.verified_at = Set(Some(chrono::Utc::now()));
    am.update(&app.db).await.unwrap();
    org(
        &app,
        &firm,
        "business",
        "120 027 016 00027",
        "Négoce (fictif)",
    )
    .await;
    // The firm watches the programming of this buyer.
    let (status, _, body) = app
        .post(
            "/api/alerts/save",
            &[
                ("name", "Achats de la ville"),
                ("frequency", "instant"),
                ("query", &format!("acheteur={city}")),
            ],
            Some(&firm),
        )
        .await;
    ok(status, &body);
    let lots_pin = fixture("pin-only_24_lots.xml");

    // Rights before anything is read.
    assert_eq!(
        upload(&app, city, &lots_pin, None).await.0,
        401,
        "{backend}"
    );
    assert_eq!(
        upload(&app, city, &lots_pin, Some(&firm)).await.0,
        403,
        "{backend}"
    );
    // What is not a PIN is refused with its reason.
    let (status, _, body) = upload(&app, city, &fixture("cn_24_open.xml"), Some(&buyer)).await;
    assert_eq!(status, 422, "{backend}");
    assert!(
        body.contains("avis de pré-information"),
        "{backend}: {body}"
    );
    let (status, _, body) = upload(&app, city, b"\x89PNG\r\n\x1a\n not xml", Some(&buyer)).await;
    assert_eq!(status, 422, "{backend}: {body}");
    let (status, _, _) = upload(&app, city, b"", Some(&buyer)).await;
    assert_eq!(status, 400, "{backend}");
    assert_eq!(plan_count(&app).await, 0, "{backend}: nothing written");
    Watched {
        app,
        buyer,
        firm,
        city,
        lots_pin,
    }
}

/// A PIN with ten parts becomes a draft with ten lots, the buyer's alone; interest waits for publication; the same notice twice is refused.
async fn imported(backend: &str, st: &Watched) {
    let app = &st.app;
    let buyer = st.buyer.clone();
    let firm = st.firm.clone();
    let city = st.city;
    let lots_pin = st.lots_pin.clone();
    // A PIN with ten parts: a draft with ten lots, allotment planned.
    let (status, location, body) = upload(app, city, &lots_pin, Some(&buyer)).await;
    assert_eq!(status, 303, "{backend}: {body}");
    let location = location.unwrap();
    assert!(location.contains("ok=imported&cpv_ignores="), "{location}");
    let draft = plans::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(draft.status, "draft");
    assert_eq!(
        draft.eforms_notice_id.as_deref(),
        Some("199b243b-4daf-4d7d-ba7c-f37f88102480")
    );
    assert!(draft.allotment);
    assert_eq!(draft.estimate_max, Some(750_000_000));
    assert_eq!(draft.publication_date.to_string(), "2020-06-30");
    assert_eq!(
        location,
        format!(
            "/compte/achats/{}?ok=imported&cpv_ignores={}",
            draft.id,
            location.rsplit('=').next().unwrap()
        )
    );
    let lots = plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(draft.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(lots, 10, "{backend}");
    let id = draft.id.to_string();

    // The draft is the buyer's alone: not listed, not shown, no alert yet.
    let (_, _, list) = app
        .get(&format!("/api/plans/list?query=acheteur%3D{city}"), None)
        .await;
    assert!(!list.contains("Fusion21"), "{backend}: {list}");
    let (_, _, list) = app.get("/api/plans/list?query=etat%3Ddraft", None).await;
    assert!(
        !list.contains("Fusion21"),
        "{backend}: a filter never shows drafts"
    );
    assert_eq!(
        app.get(&format!("/api/plans/get?id={id}"), Some(&firm))
            .await
            .0
            .as_u16(),
        404
    );
    assert_eq!(
        app.get(&format!("/programmation/{id}"), None)
            .await
            .0
            .as_u16(),
        404
    );
    let (status, _, body) = app
        .get(&format!("/api/plans/edit?id={id}"), Some(&buyer))
        .await;
    ok(status, &body);
    assert!(body.contains("Fusion21"), "{backend}");
    assert_eq!(
        notifications::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    // Interest and sourcing wait for the publication.
    let (status, _, _) = app
        .post(
            "/api/sourcing/call/create",
            &[
                ("plan_id", &id),
                ("title", "Appel"),
                ("deadline_day", "2099-01-01"),
                ("deadline_time", "12:00"),
            ],
            Some(&buyer),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");

    // The same notice twice: refused.
    let (status, _, body) = upload(app, city, &lots_pin, Some(&buyer)).await;
    assert_eq!(status, 422, "{backend}");
    assert!(body.contains("déjà importé"), "{backend}: {body}");
    assert_eq!(plan_count(app).await, 1);
}

/// Published, the plan is listed and the matching alert leaves; only drafts are deleted, once confirmed.
async fn published(backend: &str, st: &Watched) {
    let app = &st.app;
    let buyer = st.buyer.clone();
    let firm = st.firm.clone();
    let city = st.city;
    let id = plans::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    // Published: listed, and the alert it matches leaves.
    let (status, _, _) = app
        .post(
            "/api/plans/status",
            &[("id", &id), ("status", "published")],
            Some(&buyer),
        )
        .await;
    assert_eq!(
        status.as_u16(),
        422,
        "{backend}: a draft becomes planned first"
    );
    let (status, _, body) = app
        .post(
            "/api/plans/status",
            &[("id", &id), ("status", "planned")],
            Some(&buyer),
        )
        .await;
    ok(status, &body);
    let (_, _, list) = app
        .get(&format!("/api/plans/list?query=acheteur%3D{city}"), None)
        .await;
    assert!(list.contains("Fusion21"), "{backend}: {list}");
    let told = notifications::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(told.len(), 1, "{backend}");
    assert!(told[0].title.contains("Fusion21"));

    // Deleting: drafts only, once confirmed.
    let (status, location, _) = upload(app, city, &fixture("pin-only_24.xml"), Some(&buyer)).await;
    assert_eq!(status, 303, "{backend}");
    let second = location
        .unwrap()
        .trim_start_matches("/compte/achats/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (status, _, body) = app
        .post("/api/plans/draft/delete", &[("id", &second)], Some(&buyer))
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
    assert!(body.contains("plan.confirm_delete"));
    let (status, _, _) = app
        .post(
            "/api/plans/draft/delete",
            &[("id", &second), ("confirm", "on")],
            Some(&firm),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, body) = app
        .post(
            "/api/plans/draft/delete",
            &[("id", &second), ("confirm", "on")],
            Some(&buyer),
        )
        .await;
    ok(status, &body);
    assert_eq!(plan_count(app).await, 1, "{backend}");
    let traced = app::server::infra::entities::audit_events::Entity::find()
        .filter(app::server::infra::entities::audit_events::Column::Action.eq("plan_deleted"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(traced, 1, "{backend}: the deletion is audited");
    let (status, _, body) = app
        .post(
            "/api/plans/draft/delete",
            &[("id", &id), ("confirm", "on")],
            Some(&buyer),
        )
        .await;
    assert_eq!(
        status.as_u16(),
        422,
        "{backend}: a planned procurement is cancelled, not deleted"
    );
    assert!(body.contains("plan.not_draft"));
    assert_eq!(plan_count(app).await, 1);
}

both_dbs! {
    "pin_refused",
    #[tokio::test]
    async fn rights_come_first_and_what_is_not_a_pin_is_refused(backend, url) {
        watched(backend, &url).await;
    }
}

both_dbs! {
    "pin_draft",
    #[tokio::test]
    async fn a_pin_becomes_a_draft_with_its_lots_the_buyers_alone(backend, url) {
        let st = watched(backend, &url).await;
        imported(backend, &st).await;
    }
}

both_dbs! {
    "pin_published",
    #[tokio::test]
    async fn published_it_is_listed_and_alerts_and_only_drafts_are_deleted(backend, url) {
        let st = watched(backend, &url).await;
        imported(backend, &st).await;
        published(backend, &st).await;
    }
}
