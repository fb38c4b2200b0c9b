//! The territorial label on SQLite and PostgreSQL: analysts write referentials, businesses apply
//! with answers and evidence, analysts decide; every step is checked for rights and state and
//! recorded; a granted label shows as a badge and a search facet until it is withdrawn or
//! expires.

use crate::common;

use app::server::infra::entities::{
    label_applications, label_events, label_evidence, label_schemes,
};
use axum::http::{header, Request, StatusCode};
use common::{offer_of_kind, ok, org, TestApp};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

const XSS: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";

async fn business(app: &TestApp, cookie: &str, siret: &str, name: &str) -> i32 {
    org(app, cookie, "business", siret, name).await
}

/// A form of owned values, as `TestApp::post` takes it.
fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A multipart body: the criterion's id and a file.
fn evidence(criterion: i32, file: &[u8], file_name: &str) -> (String, Vec<u8>) {
    let boundary = "passerelle-label-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"criterion\"\r\n\r\n{criterion}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    application: i32,
    cookie: Option<&str>,
    (content_type, body): (String, Vec<u8>),
) -> (StatusCode, String) {
    let mut req = Request::post(format!("/labels/dossiers/{application}/pieces"))
        .header(header::CONTENT_TYPE, content_type);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let (status, _, body) = app
        .send(req.body(axum::body::Body::from(body)).unwrap())
        .await;
    (status, body)
}

/// GETs a file: its status and Content-Disposition.
async fn download(app: &TestApp, url: &str, cookie: &str) -> (u16, String) {
    use tower::ServiceExt;
    let req = Request::get(url)
        .header(header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let disposition = res
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (res.status().as_u16(), disposition)
}

async fn status_of(app: &TestApp, id: i32) -> String {
    label_applications::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .status
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// The label's scenario, stage by stage: each test runs the stages before the one it names
/// (their checks included) and then its own.
struct Referential {
    app: TestApp,
    analyst: String,
    member: String,
    stranger: String,
    org: i32,
    offer: i32,
    sid: String,
    c1: i32,
    c2: i32,
}

/// An application sent for review, with its file of evidence.
struct Sent {
    aid: i32,
    aid_s: String,
    offer_s: String,
    file: label_evidence::Model,
    for_offer: Vec<(&'static str, String)>,
}

/// An analyst writes a referential for offers and opens it with two criteria.
async fn opened_referential(backend: &str, url: &str) -> Referential {
    let app = TestApp::new(url).await;
    let analyst = app.signup("analyste@cma-lyon.example").await;
    app.make_analyst("analyste@cma-lyon.example").await;
    let member = app.signup("maraicher@exemple.fr").await;
    let stranger = app.signup("voisin@exemple.fr").await;
    let org = business(
        &app,
        &member,
        "120 027 016 00076",
        "Jardins du Rhône (fictif)",
    )
    .await;
    let offer = offer_of_kind(
        &app,
        &member,
        org,
        "Paniers de légumes",
        "supply",
        "15612500",
    )
    .await;

    // Referential: analysts only; bad input explained; nothing written.
    let scheme_form = [
        ("form[name]", "Produit en Lyonnais"),
        ("form[description]", XSS),
        ("form[target]", "offer"),
        ("form[validity_months]", "24"),
    ];
    let (status, _, _) = app
        .post("/api/labels/scheme/create", &scheme_form, Some(&member))
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, _) = app
        .post("/api/labels/scheme/create", &scheme_form, None)
        .await;
    assert_eq!(status.as_u16(), 401, "{backend}");
    let (status, _, body) = app
        .post(
            "/api/labels/scheme/create",
            &[
                ("form[name]", " "),
                ("form[target]", "planet"),
                ("form[validity_months]", "0"),
            ],
            Some(&analyst),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(
        body.contains("validity_months") && body.contains("target"),
        "{body}"
    );
    assert_eq!(
        label_schemes::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    let (status, _, body) = app
        .post("/api/labels/scheme/create", &scheme_form, Some(&analyst))
        .await;
    ok(status, &body);
    let scheme = label_schemes::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let sid = scheme.id.to_string();
    assert_eq!(scheme.status, "draft");
    // A second one with the same name is refused.
    let (status, _, body) = app
        .post("/api/labels/scheme/create", &scheme_form, Some(&analyst))
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("label.name_taken"), "{body}");

    // A draft is not public; it cannot open without a criterion.
    let (status, _, _) = app.get(&format!("/labels/{sid}"), None).await;
    assert_eq!(status.as_u16(), 404, "{backend}");
    let (status, _, body) = app
        .post(
            "/api/labels/scheme/status",
            &[("id", &sid), ("status", "open")],
            Some(&analyst),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
    assert!(body.contains("label.needs_criteria"), "{body}");
    for (question, evidence) in [
        (
            "Où sont cultivés les légumes ? ".to_string() + XSS,
            "Attestation de la MSA",
        ),
        (
            "Combien d'intermédiaires jusqu'à l'acheteur ?".to_string(),
            "",
        ),
    ] {
        let (status, _, body) = app
            .post(
                "/api/labels/criterion/add",
                &[
                    ("id", &sid),
                    ("question", &question),
                    ("evidence", evidence),
                ],
                Some(&analyst),
            )
            .await;
        ok(status, &body);
    }
    let (status, _, body) = app
        .post(
            "/api/labels/scheme/status",
            &[("id", &sid), ("status", "open")],
            Some(&analyst),
        )
        .await;
    ok(status, &body);
    // Open: the criteria are frozen, and the page is public with its text inert.
    let (status, _, body) = app
        .post(
            "/api/labels/criterion/add",
            &[
                ("id", &sid),
                ("question", "Une de plus ?"),
                ("evidence", ""),
            ],
            Some(&analyst),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    let (status, _, page) = app.get(&format!("/labels/{sid}"), None).await;
    assert_eq!(status.as_u16(), 200, "{backend}");
    assert!(page.contains("Produit en Lyonnais") && page.contains("Attestation de la MSA"));
    assert!(
        !page.contains("<script>alert") && !page.contains("<img src=x"),
        "{backend}"
    );
    let criteria = app::server::infra::entities::label_criteria::Entity::find()
        .order_by_asc(app::server::infra::entities::label_criteria::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    let (c1, c2) = (criteria[0].id, criteria[1].id);
    Referential {
        app,
        analyst,
        member,
        stranger,
        org,
        offer,
        sid,
        c1,
        c2,
    }
}

/// A member applies for the offer, answers, attaches the evidence and sends the application.
async fn sent_application(backend: &str, s: &Referential) -> Sent {
    let app = &s.app;
    let (analyst, member, stranger) = (s.analyst.clone(), s.member.clone(), s.stranger.clone());
    let (org, offer, c1, c2, sid) = (s.org, s.offer, s.c1, s.c2, s.sid.clone());
    // Applying: a member, for an offer (the referential labels offers), once.
    let org_s = org.to_string();
    let offer_s = offer.to_string();
    let apply = |holder: &'static str| {
        [
            ("org_id", org_s.clone()),
            ("scheme_id", sid.clone()),
            ("holder", holder.to_string()),
        ]
    };
    let form =
        |a: &[(&'static str, String)]| a.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let for_org = form(&apply("org"));
    let (status, _, body) = app
        .post("/api/labels/apply", &as_refs(&for_org), Some(&member))
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("label.for_offer_only"), "{body}");
    let mut for_offer = form(&apply("org"));
    for_offer[2].1 = offer_s.clone();
    let (status, _, _) = app
        .post("/api/labels/apply", &as_refs(&for_offer), Some(&stranger))
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, body) = app
        .post("/api/labels/apply", &as_refs(&for_offer), Some(&member))
        .await;
    ok(status, &body);
    let (status, _, body) = app
        .post("/api/labels/apply", &as_refs(&for_offer), Some(&member))
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("label.already_applied"), "{body}");
    let application = label_applications::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (application.status.as_str(), application.offer_id),
        ("draft", Some(offer))
    );
    let aid = application.id;
    let aid_s = aid.to_string();

    // Nothing is sent before every criterion is answered and the evidence attached.
    let (status, _, body) = app
        .post("/api/labels/submit", &[("id", &aid_s)], Some(&member))
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(
        body.contains(&format!("answer-{c1}")) && body.contains(&format!("file-{c1}")),
        "{body}"
    );
    assert_eq!(status_of(app, aid).await, "draft");
    let k1 = format!("answers[{c1}]");
    let k2 = format!("answers[{c2}]");
    let answers = [
        ("id", aid_s.as_str()),
        (k1.as_str(), XSS),
        (k2.as_str(), "Aucun : vente directe"),
    ];
    for who in [&stranger, &analyst] {
        let (status, _, _) = app.post("/api/labels/answers", &answers, Some(who)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
    }
    let (status, _, body) = app
        .post("/api/labels/answers", &answers, Some(&member))
        .await;
    ok(status, &body);
    // An answer to a criterion of another referential is a bad request.
    let (status, _, _) = app
        .post(
            "/api/labels/answers",
            &[("id", aid_s.as_str()), ("answers[999999]", "x")],
            Some(&member),
        )
        .await;
    assert_eq!(status.as_u16(), 400, "{backend}");

    // Evidence: known by its content, for members only; the stored name is the server's.
    let (status, _) = upload(
        app,
        aid,
        Some(&member),
        evidence(c1, b"<?php system($_GET['c']); ?>", "kbis.pdf"),
    )
    .await;
    assert_eq!(status.as_u16(), 415, "{backend}");
    let (status, _) = upload(app, aid, Some(&stranger), evidence(c1, PDF, "a.pdf")).await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _) = upload(app, aid, None, evidence(c1, PDF, "a.pdf")).await;
    assert_eq!(status.as_u16(), 401, "{backend}");
    let (status, body) = upload(
        app,
        aid,
        Some(&member),
        evidence(c1, PDF, "../../Attestation MSA.pdf"),
    )
    .await;
    assert!(status.is_redirection(), "{backend}: {status} {body}");
    let file = label_evidence::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file.original_name, "Attestation MSA.pdf");
    assert!(
        app::server::labels::is_stored_name(&file.file_name),
        "{}",
        file.file_name
    );
    let url = format!("/labels/pieces/{}", file.file_name);
    let (status, disposition) = download(app, &url, &member).await;
    assert_eq!(status, 200, "{backend}");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(app.get(&url, Some(&stranger)).await.0.as_u16(), 404);
    assert_eq!(app.get(&url, None).await.0.as_u16(), 401);
    assert_eq!(app.get(&url, Some(&analyst)).await.0.as_u16(), 200);
    assert_eq!(
        app.get("/labels/pieces/..%2F..%2Fetc%2Fpasswd", Some(&member))
            .await
            .0
            .as_u16(),
        404
    );

    // Sent: frozen for the business until an analyst sends it back.
    let (status, _, body) = app
        .post("/api/labels/submit", &[("id", &aid_s)], Some(&member))
        .await;
    ok(status, &body);
    assert_eq!(status_of(app, aid).await, "submitted");
    let (status, _, body) = app
        .post("/api/labels/answers", &answers, Some(&member))
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("label.step_not_allowed"), "{body}");
    Sent {
        aid,
        aid_s,
        offer_s,
        file,
        for_offer,
    }
}

/// Analysts decide; the badge shows, then goes when withdrawn or expired; the offer's deletion
/// takes the applications and files.
async fn decided(backend: &str, s: &Referential, d: Sent) {
    let app = &s.app;
    let (analyst, member, stranger) = (s.analyst.clone(), s.member.clone(), s.stranger.clone());
    let (org, offer, sid) = (s.org, s.offer, s.sid.clone());
    let Sent {
        aid,
        aid_s,
        offer_s,
        file,
        for_offer,
    } = d;
    // Decisions: analysts only, never on their own business, with a reason when against.
    let decide = |action: &'static str, reason: &'static str| {
        vec![
            ("id", aid_s.clone()),
            ("action", action.to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let (status, _, _) = app
        .post(
            "/api/labels/decide",
            &as_refs(&decide("granted", "")),
            Some(&member),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, body) = app
        .post(
            "/api/labels/decide",
            &as_refs(&decide("refused", " ")),
            Some(&analyst),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert_eq!(status_of(app, aid).await, "submitted");
    let insider = app.signup("analyste-membre@exemple.fr").await;
    app.make_analyst("analyste-membre@exemple.fr").await;
    let insider_id = app::server::auth::find_by_email(&app.db, "analyste-membre@exemple.fr")
        .await
        .unwrap()
        .unwrap()
        .id;
    app::server::infra::entities::memberships::ActiveModel {
        user_id: Set(insider_id),
        organisation_id: Set(org),
        role: Set("member".into()),
        status: Set("active".into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let (status, _, _) = app
        .post(
            "/api/labels/decide",
            &as_refs(&decide("granted", "")),
            Some(&insider),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, body) = app
        .post(
            "/api/labels/decide",
            &as_refs(&decide(
                "changes_requested",
                "L'attestation doit dater de moins d'un an.",
            )),
            Some(&analyst),
        )
        .await;
    ok(status, &body);
    assert_eq!(status_of(app, aid).await, "changes_requested");
    let (status, _, dossier) = app
        .get(&format!("/api/labels/dossier?id={aid}"), Some(&member))
        .await;
    assert_eq!(status.as_u16(), 200, "{backend}");
    assert!(dossier.contains("moins d'un an"), "{dossier}");
    // Strangers do not even learn that it exists.
    let (status, _, _) = app
        .get(&format!("/api/labels/dossier?id={aid}"), Some(&stranger))
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}");
    let (status, _, body) = app
        .post("/api/labels/submit", &[("id", &aid_s)], Some(&member))
        .await;
    ok(status, &body);
    let (status, _, body) = app
        .post(
            "/api/labels/decide",
            &as_refs(&decide("granted", "")),
            Some(&analyst),
        )
        .await;
    ok(status, &body);
    let granted = label_applications::Entity::find_by_id(aid)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(granted.status, "granted");
    let months = granted.expires_at.unwrap() - granted.granted_at.unwrap();
    assert!((720..=732).contains(&months.num_days()), "{months:?}");

    // The badge shows on the offer, the profile and the catalogue; the facets find it.
    let (_, _, page) = app.get(&format!("/catalogue/{offer}"), None).await;
    assert!(
        page.contains("badge--territorial") && page.contains("Produit en Lyonnais"),
        "{backend}"
    );
    let (_, _, page) = app.get(&format!("/annuaire/{org}"), None).await;
    assert!(page.contains("badge--territorial"), "{backend}");
    app.search.sync(&app.db).await.unwrap();
    let (_, _, page) = app
        .get(&format!("/catalogue?label_territorial={sid}"), None)
        .await;
    assert!(page.contains("Paniers de légumes"), "{backend}");
    let (_, _, page) = app
        .get(&format!("/annuaire?label_territorial={sid}"), None)
        .await;
    assert!(page.contains("Jardins du Rhône"), "{backend}");
    assert!(
        page.contains("badge--territorial"),
        "{backend}: the firm shows its offer's label"
    );
    let (_, _, page) = app
        .get(&format!("/catalogue?label_territorial={sid}"), None)
        .await;
    assert!(
        page.contains("badge--territorial"),
        "{backend}: the row shows the badge"
    );
    let (_, _, page) = app.get("/annuaire?avec_offres=1", None).await;
    assert!(page.contains("Jardins du Rhône"), "{backend}");
    let (_, _, page) = app.get(&format!("/labels/{sid}"), None).await;
    assert!(
        page.contains("Paniers de légumes"),
        "{backend}: holders listed"
    );
    let (_, _, page) = app.get("/catalogue/fournisseurs?cpv=15612500", None).await;
    assert!(
        page.contains("badge--territorial"),
        "{backend}: who can supply this?"
    );
    // The answers, as the analyst reads them: text, never markup.
    let (status, _, page) = app
        .get(&format!("/labels/dossiers/{aid}"), Some(&analyst))
        .await;
    assert_eq!(status.as_u16(), 200, "{backend}");
    assert!(page.contains("Aucun : vente directe"), "{backend}");
    assert!(
        !page.contains("<script>alert") && !page.contains("<img src=x"),
        "{backend}"
    );

    // Withdrawn by an analyst (with a reason): the badge and the facet go.
    let (status, _, _) = app
        .post(
            "/api/labels/decide",
            &as_refs(&decide("withdrawn", "")),
            Some(&analyst),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
    let (status, _, body) = app
        .post(
            "/api/labels/decide",
            &as_refs(&decide(
                "withdrawn",
                "Production déplacée hors du territoire.",
            )),
            Some(&analyst),
        )
        .await;
    ok(status, &body);
    let (_, _, page) = app.get(&format!("/catalogue/{offer}"), None).await;
    assert!(!page.contains("badge--territorial"), "{backend}");
    app.search.sync(&app.db).await.unwrap();
    let (_, _, page) = app
        .get(&format!("/catalogue?label_territorial={sid}"), None)
        .await;
    assert!(!page.contains("Paniers de légumes"), "{backend}");

    // Every step is recorded, in order, with who did it.
    let events: Vec<(String, Option<i32>)> = label_events::Entity::find()
        .filter(label_events::Column::ApplicationId.eq(aid))
        .order_by_asc(label_events::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.actor_id))
        .collect();
    let actions: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "created",
            "answered",
            "evidence_added",
            "submitted",
            "changes_requested",
            "submitted",
            "granted",
            "withdrawn"
        ],
        "{backend}"
    );
    assert!(events.iter().all(|e| e.1.is_some()), "{backend}");

    // Expiry: a label granted again, then past its end, is marked expired by the sweep.
    let (status, _, body) = app
        .post("/api/labels/apply", &as_refs(&for_offer), Some(&member))
        .await;
    ok(status, &body);
    let again = label_applications::Entity::find()
        .filter(label_applications::Column::Status.eq("draft"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut a: label_applications::ActiveModel = again.clone().into();
    a.status = Set("granted".into());
    a.granted_at = Set(Some(chrono::Utc::now() - chrono::Duration::days(800)));
    a.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::hours(1)));
    a.update(&app.db).await.unwrap();
    let (_, _, page) = app.get(&format!("/catalogue/{offer}"), None).await;
    assert!(
        !page.contains("badge--territorial"),
        "{backend}: past its end, no badge"
    );
    assert_eq!(app::server::labels::expire_due(&app.db).await.unwrap(), 1);
    assert_eq!(status_of(app, again.id).await, "expired");
    assert_eq!(app::server::labels::expire_due(&app.db).await.unwrap(), 0);

    // Deleting the offer takes its applications and their files with it.
    let stored = app.media_dir.join("evidence").join(&file.file_name);
    assert!(stored.exists(), "{backend}");
    let (status, _, body) = app
        .post(
            "/api/offers/delete",
            &[("id", offer_s.as_str()), ("confirm", "on")],
            Some(&member),
        )
        .await;
    ok(status, &body);
    assert_eq!(
        label_applications::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        label_evidence::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    assert!(!stored.exists(), "{backend}");
}

both_dbs! {
    "labels_referential",
    #[tokio::test]
    async fn analysts_write_a_referential_that_opens_with_its_criteria_frozen(backend, url) {
        opened_referential(backend, &url).await;
    }
}

both_dbs! {
    "labels_application",
    #[tokio::test]
    async fn a_member_applies_answers_attaches_evidence_and_sends(backend, url) {
        let referential = opened_referential(backend, &url).await;
        sent_application(backend, &referential).await;
    }
}

both_dbs! {
    "labels_decisions",
    #[tokio::test]
    async fn analysts_decide_and_the_badge_lives_until_withdrawn_or_expired(backend, url) {
        let referential = opened_referential(backend, &url).await;
        let sent = sent_application(backend, &referential).await;
        decided(backend, &referential, sent).await;
    }
}
