//! The programming of purchases on SQLite and PostgreSQL: only a verified buyer's members write
//! it; bad input changes nothing; the public list filters by buyer, CPV, quarter, amount, lever
//! and stage; stages move forward only, each dated; texts are inert.

use crate::common;

use app::server::infra::entities::{
    organisations, plan_cpv, plan_events, plan_labels, plan_lots, plans,
};
use common::{ok, org, verify, TestApp};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

const XSS: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";

/// A buyer's programming, stage by stage: each test runs the stages before the one it names (their checks included) and then its own.
struct Written {
    app: TestApp,
    buyer: String,
    unverified: String,
    firm: String,
    city: i32,
    other: i32,
    city_s: String,
    id: String,
}

/// Only a verified buyer's members write its programming; bad input changes nothing; a new plan alerts the firms whose searches match, instantly or weekly.
async fn written(backend: &str, url: &str) -> Written {
    let app = TestApp::new(url).await;
    let buyer = app.signup("achats@ville.example").await;
    let unverified = app.signup("achats@autre-ville.example").await;
    let firm = app.signup("gerant@entreprise.example").await;
    let city = org(
        &app,
        &buyer,
        "buyer",
        "216 901 231 00011",
        "Ville de Lyon (fictive)",
    )
    .await;
    verify(&app, city).await;
    let other = org(
        &app,
        &unverified,
        "buyer",
        "120 027 016 00019",
        "Autre ville (fictive)",
    )
    .await;
    org(
        &app,
        &firm,
        "business",
        "120 027 016 00027",
        "Traiteur (fictif)",
    )
    .await;
    let city_s = city.to_string();
    let other_s = other.to_string();

    let form = |org: &str| {
        vec![
            ("org_id", org.to_string()),
            ("form[title]", format!("Restauration scolaire {XSS}")),
            ("form[description]", XSS.to_string()),
            ("form[cpv]", "55523100, 15800000-6".to_string()),
            ("form[estimate_min]", "200 000".to_string()),
            ("form[estimate_max]", "350000".to_string()),
            ("form[procedure]", "open".to_string()),
            ("form[publication]", "T2 2027".to_string()),
            ("form[start]", "09/2027".to_string()),
            ("form[duration_months]", "48".to_string()),
            ("form[short_chain]", "on".to_string()),
            ("form[insertion_hours]", "1 500".to_string()),
            ("form[labels][ab]", "on".to_string()),
        ]
    };
    let refs =
        |v: &[(&'static str, String)]| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let post = |path: &'static str, v: Vec<(&'static str, String)>, who: Option<String>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post(path, &pairs, who.as_deref()).await
        }
    };

    // Only a verified buyer's members write its programming.
    let (status, _, _) = post(
        "/api/plans/create",
        refs(&form(&city_s)),
        Some(firm.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, _) = post(
        "/api/plans/create",
        refs(&form(&other_s)),
        Some(unverified.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 403, "{backend}: not verified");
    let (status, _, _) = post("/api/plans/create", refs(&form(&city_s)), None).await;
    assert_eq!(status.as_u16(), 401, "{backend}");

    // Bad input: one message per field, nothing written.
    let mut bad = form(&city_s);
    for (k, v) in bad.iter_mut() {
        match *k {
            "form[cpv]" => *v = "99999999".into(),
            "form[estimate_min]" => *v = "900000".into(),
            "form[publication]" => *v = "bientôt".into(),
            _ => {}
        }
    }
    let (status, _, body) = post("/api/plans/create", bad, Some(buyer.clone())).await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(
        body.contains("estimate_max") && body.contains("publication"),
        "{body}"
    );
    let mut unknown = form(&city_s);
    unknown[3].1 = "99999999".into();
    let (status, _, body) = post("/api/plans/create", unknown, Some(buyer.clone())).await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("validation.unknown_cpv"), "{body}");
    assert_eq!(
        plans::Entity::find().count(&app.db).await.unwrap(),
        0,
        "{backend}"
    );

    // A firm keeps searches with alerts: instant ones that will and will not match, a
    // weekly one.
    for (query, name, frequency) in [
        (
            "levier=insertion&cpv=55",
            "Cantines avec insertion",
            "instant",
        ),
        ("levier=co2", "Carbone", "instant"),
        (
            "cpv=55&page=3&vue=calendrier",
            "Restauration, chaque semaine",
            "weekly",
        ),
    ] {
        let (status, _, body) = app
            .post(
                "/api/alerts/save",
                &[("query", query), ("name", name), ("frequency", frequency)],
                Some(&firm),
            )
            .await;
        ok(status, &body);
    }
    let (status, _, body) = app
        .post(
            "/api/alerts/save",
            &[("query", ""), ("name", "x"), ("frequency", "hourly")],
            Some(&firm),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    let (_, _, mine) = app.get("/api/alerts/mine", Some(&firm)).await;
    assert!(
        mine.contains("/programmation?cpv=55\""),
        "{backend}: stored canonical, without page or view: {mine}"
    );

    let (status, _, body) = post("/api/plans/create", form(&city_s), Some(buyer.clone())).await;
    ok(status, &body);
    let plan = plans::Entity::find().one(&app.db).await.unwrap().unwrap();
    // One notification for the firm (its matching instant search), none for the others.
    let (_, _, mine) = app.get("/api/alerts/mine", Some(&firm)).await;
    assert!(
        mine.contains("Achat prévu : Restauration scolaire") && mine.contains("\"unread\":1"),
        "{backend}: {mine}"
    );
    let (_, _, theirs) = app.get("/api/alerts/mine", Some(&buyer)).await;
    assert!(theirs.contains("\"unread\":0"), "{backend}: {theirs}");
    // Someone else's search cannot be deleted.
    let saved = app::server::infra::entities::saved_searches::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let (status, _, _) = app
        .post(
            "/api/alerts/remove",
            &[("id", &saved.id.to_string())],
            Some(&buyer),
        )
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}");
    // The weekly digest, a week later, covers the new procurement once.
    let mailer =
        app::server::infra::mail::Mailer::new(None, "Passerelle <test@passerelle.example>")
            .unwrap();
    let later = chrono::Utc::now() + chrono::Duration::days(8);
    assert_eq!(
        app::server::alerts::weekly_digests(&app.db, &mailer, "http://x", later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::server::alerts::weekly_digests(&app.db, &mailer, "http://x", later)
            .await
            .unwrap(),
        0
    );
    let (status, _, _) = app.post("/api/alerts/read", &[], Some(&firm)).await;
    assert!(status.is_redirection() || status.is_success());
    let (_, _, mine) = app.get("/api/alerts/mine", Some(&firm)).await;
    assert!(
        mine.contains("\"unread\":0") && mine.contains("nouvel(s) achat(s)"),
        "{backend}: {mine}"
    );
    assert_eq!(
        (
            plan.status.as_str(),
            plan.estimate_min,
            plan.insertion_hours
        ),
        ("planned", Some(200_000), Some(1500)),
        "{backend}"
    );
    assert_eq!(plan.publication_date.to_string(), "2027-04-01");
    assert_eq!(plan_cpv::Entity::find().count(&app.db).await.unwrap(), 2);
    assert_eq!(plan_labels::Entity::find().count(&app.db).await.unwrap(), 1);
    let id = plan.id.to_string();
    Written {
        app,
        buyer,
        unverified,
        firm,
        city,
        other,
        city_s,
        id,
    }
}

/// Lots, the public list and its filters, feeds, the buyer's profile, firms' interest, and the stages to award.
async fn published(backend: &str, st: &Written) {
    let app = &st.app;
    let buyer = st.buyer.clone();
    let unverified = st.unverified.clone();
    let firm = st.firm.clone();
    let city = st.city;
    let other = st.other;
    let city_s = st.city_s.clone();
    let id = st.id.clone();
    let form = |org: &str| {
        vec![
            ("org_id", org.to_string()),
            ("form[title]", format!("Restauration scolaire {XSS}")),
            ("form[description]", XSS.to_string()),
            ("form[cpv]", "55523100, 15800000-6".to_string()),
            ("form[estimate_min]", "200 000".to_string()),
            ("form[estimate_max]", "350000".to_string()),
            ("form[procedure]", "open".to_string()),
            ("form[publication]", "T2 2027".to_string()),
            ("form[start]", "09/2027".to_string()),
            ("form[duration_months]", "48".to_string()),
            ("form[short_chain]", "on".to_string()),
            ("form[insertion_hours]", "1 500".to_string()),
            ("form[labels][ab]", "on".to_string()),
        ]
    };
    let post = |path: &'static str, v: Vec<(&'static str, String)>, who: Option<String>| async move {
        let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post(path, &pairs, who.as_deref()).await
    };
    // Lots.
    let lot = |title: &str, cpv: &str, lo: &str, hi: &str| {
        vec![
            ("id", id.clone()),
            ("title", title.to_string()),
            ("cpv", cpv.to_string()),
            ("estimate_min", lo.to_string()),
            ("estimate_max", hi.to_string()),
        ]
    };
    let (status, _, body) = post(
        "/api/plans/lot/add",
        lot("Repas", "pain", "", ""),
        Some(buyer.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    let (status, _, body) = post(
        "/api/plans/lot/add",
        lot("Repas", "", "9", "1"),
        Some(buyer.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("lot_estimate_max"), "{body}");
    let (status, _, _) = post(
        "/api/plans/lot/add",
        lot("Repas", "", "", ""),
        Some(firm.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    // A typed list (the API's way) and the picker's ticked boxes (`cpv[]` once a code).
    let (status, _, body) = post(
        "/api/plans/lot/add",
        lot("Repas des écoles", "55523100", "100000", "150000"),
        Some(buyer.clone()),
    )
    .await;
    ok(status, &body);
    let mut ticked = lot("Fruits et légumes bio", "", "100000", "150000");
    ticked.retain(|(k, _)| *k != "cpv");
    ticked.push(("cpv[]", "03221000".to_string()));
    ticked.push(("cpv[]", "03222000".to_string()));
    let (status, _, body) = post("/api/plans/lot/add", ticked, Some(buyer.clone())).await;
    ok(status, &body);
    let lots = plan_lots::Entity::find()
        .order_by_asc(plan_lots::Column::Number)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(lots.iter().map(|l| l.number).collect::<Vec<_>>(), [1, 2]);
    assert!(
        lots[1].cpv.contains("03221000") && lots[1].cpv.contains("03222000"),
        "{backend}: both ticked codes kept: {}",
        lots[1].cpv
    );

    // The public list and its filters.
    let found = |q: &'static str| {
        let app = &app;
        async move {
            let (status, _, page) = app.get(&format!("/programmation{q}"), None).await;
            assert_eq!(status.as_u16(), 200);
            page.contains("data-test=\"plan-row\"")
        }
    };
    assert!(found("").await, "{backend}");
    for q in [
        "?levier=insertion",
        "?levier=short_chain",
        "?levier=labels",
        "?trimestre=2027-T2",
        "?montant=221k-5m",
        "?cpv=55",
        "?etat=planned",
    ] {
        assert!(found(q).await, "{backend}: {q}");
    }
    for q in [
        "?levier=co2",
        "?levier=reserved",
        "?trimestre=2027-T3",
        "?montant=lt40k",
        "?cpv=45",
        "?etat=published",
    ] {
        assert!(!found(q).await, "{backend}: {q}");
    }
    let (_, _, page) = app
        .get(&format!("/programmation?acheteur={other}"), None)
        .await;
    assert!(!page.contains("data-test=\"plan-row\""), "{backend}");
    let (_, _, page) = app.get("/programmation?vue=calendrier", None).await;
    assert!(
        page.contains("2027 T2"),
        "{backend}: the timeline's quarter"
    );
    assert!(
        !page.contains("<script>alert") && !page.contains("<img src=x"),
        "{backend}"
    );
    let (_, _, page) = app.get(&format!("/programmation/{id}"), None).await;
    assert!(
        page.contains("Fruits et légumes bio") && page.contains("/programmation/guide#insertion")
    );
    assert!(
        !page.contains("<script>alert") && !page.contains("<img src=x"),
        "{backend}"
    );

    // Feeds of any selection: Atom (texts escaped) and iCal (the whole quarter).
    let (status, _, atom) = app
        .get("/programmation/flux.atom?levier=insertion", None)
        .await;
    assert_eq!(status.as_u16(), 200, "{backend}");
    assert!(
        atom.contains("<entry>") && atom.contains("Restauration scolaire"),
        "{atom}"
    );
    assert!(!atom.contains("<script>"), "{backend}: escaped in the feed");
    let (_, _, atom) = app.get("/programmation/flux.atom?levier=co2", None).await;
    assert!(!atom.contains("<entry>"), "{backend}");
    let (status, _, ics) = app.get("/programmation/calendrier.ics?cpv=55", None).await;
    assert_eq!(status.as_u16(), 200, "{backend}");
    assert!(ics.contains("BEGIN:VEVENT"), "{ics}");
    assert!(
        ics.contains("DTSTART;VALUE=DATE:20270401") && ics.contains("DTEND;VALUE=DATE:20270701"),
        "{ics}"
    );

    // The buyer's public profile shows what it plans.
    let (_, _, page) = app.get(&format!("/annuaire/{city}"), None).await;
    assert!(
        page.contains("data-test=\"org-plans\"") && page.contains("Restauration scolaire"),
        "{backend}"
    );

    // Firms signal their interest (a business's members only, once per lot); the buyer sees
    // them and downloads them.
    let firm_org = organisations::Entity::find()
        .filter(organisations::Column::Kind.eq("business"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let lot2 = lots[1].id.to_string();
    let interest = |lot: &str| {
        vec![
            ("plan_id", id.clone()),
            ("org_id", firm_org.clone()),
            ("lot", lot.to_string()),
            (
                "message",
                "=HYPERLINK(\"http://x\") Nous livrons 800 repas par jour.".to_string(),
            ),
        ]
    };
    let (status, _, _) = post(
        "/api/plans/interest/add",
        interest(&lot2),
        Some(unverified.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, body) = post(
        "/api/plans/interest/add",
        interest(&lot2),
        Some(firm.clone()),
    )
    .await;
    ok(status, &body);
    let (status, _, body) = post(
        "/api/plans/interest/add",
        interest(&lot2),
        Some(firm.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("plan.interest_exists"), "{body}");
    let (status, _, _) = app
        .get(&format!("/api/plans/interests?plan_id={id}"), Some(&firm))
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, body) = app
        .get(&format!("/api/plans/interests?plan_id={id}"), Some(&buyer))
        .await;
    assert_eq!(status.as_u16(), 200, "{backend}");
    assert!(
        body.contains("Traiteur (fictif)") && body.contains("800 repas"),
        "{body}"
    );
    let (status, _, csv) = app
        .get(&format!("/compte/achats/{id}/interesses.csv"), Some(&buyer))
        .await;
    assert_eq!(status.as_u16(), 200, "{backend}");
    assert!(
        csv.starts_with('\u{feff}') && csv.contains("Traiteur (fictif)"),
        "{csv}"
    );
    assert!(
        csv.contains("'=HYPERLINK") && csv.contains("2 — Fruits et légumes bio"),
        "{csv}"
    );
    let (status, _, _) = app
        .get(&format!("/compte/achats/{id}/interesses.csv"), Some(&firm))
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, _) = app
        .get(&format!("/compte/achats/{id}/interesses.csv"), None)
        .await;
    assert_eq!(status.as_u16(), 401, "{backend}");

    // Stages: published needs the tender's address (http or https), then awarded; each dated.
    let status_form = |s: &str, url: &str, note: &str| {
        vec![
            ("id", id.clone()),
            ("status", s.to_string()),
            ("tender_url", url.to_string()),
            ("note", note.to_string()),
        ]
    };
    let (status, _, _) = post(
        "/api/plans/status",
        status_form("published", "https://marches.example/123", ""),
        Some(firm.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, body) = post(
        "/api/plans/status",
        status_form("published", "", ""),
        Some(buyer.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    let (status, _, body) = post(
        "/api/plans/status",
        status_form("published", "javascript:alert(1)", ""),
        Some(buyer.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    let (status, _, body) = post(
        "/api/plans/status",
        status_form("awarded", "", ""),
        Some(buyer.clone()),
    )
    .await;
    assert_eq!(
        status.as_u16(),
        422,
        "{backend}: planned cannot jump to awarded: {body}"
    );
    let (status, _, body) = post(
        "/api/plans/status",
        status_form("published", "https://marches.example/123", ""),
        Some(buyer.clone()),
    )
    .await;
    ok(status, &body);
    // Published: the description no longer changes.
    let (status, _, body) = post(
        "/api/plans/update",
        {
            let mut f = form(&city_s);
            f[0] = ("id", id.clone());
            f
        },
        Some(buyer.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("plan.not_editable"), "{body}");
    let (status, _, body) = post(
        "/api/plans/status",
        status_form("awarded", "", ""),
        Some(buyer.clone()),
    )
    .await;
    ok(status, &body);
    let (status, _, _) = post(
        "/api/plans/status",
        status_form("cancelled", "", "Trop tard"),
        Some(buyer.clone()),
    )
    .await;
    assert_eq!(status.as_u16(), 422, "{backend}: awarded is final");
    let events: Vec<String> = plan_events::Entity::find()
        .order_by_asc(plan_events::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(events, ["planned", "published", "awarded"], "{backend}");
    let (_, _, page) = app.get(&format!("/programmation/{id}"), None).await;
    assert!(
        page.contains("https://marches.example/123"),
        "{backend}: the tender's link"
    );
    // Awarded: no more interest.
    let (status, _, body) = post("/api/plans/interest/add", interest(""), Some(firm.clone())).await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("plan.interest_closed"), "{body}");
    // Awarded leaves the default list (what is still to come), stays findable by stage.
    assert!(!found("").await, "{backend}");
    assert!(found("?etat=awarded").await, "{backend}");
}

both_dbs! {
    "programming_written",
    #[tokio::test]
    async fn verified_buyers_write_their_programming_and_matching_searches_are_alerted(backend, url) {
        written(backend, &url).await;
    }
}

both_dbs! {
    "programming_published",
    #[tokio::test]
    async fn everyone_filters_the_programming_and_firms_follow_a_plan_to_its_award(backend, url) {
        let st = written(backend, &url).await;
        published(backend, &st).await;
    }
}

both_dbs! {
    "programming_award",
    #[tokio::test]
    async fn an_awarded_procurement_links_to_its_contract_once_imported(backend, url) {
        use app::server::infra::entities::contracts;
        let app = TestApp::new(&url).await;
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
        verify(&app, city).await;
        org(
            &app,
            &firm,
            "business",
            "120 027 016 00027",
            "Traiteur (fictif)",
        )
        .await;
        let caller = app::server::auth::Caller::for_user(
            &app.db,
            app::server::auth::find_by_email(&app.db, "achats@ville.example")
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap();
        let form = app::domain::programming::PlanForm {
            title: "Restauration scolaire".into(),
            cpv: "55523100".into(),
            procedure: "open".into(),
            publication: "T2 2026".into(),
            ..Default::default()
        };
        let plan = app::server::programming::create(&app.db, &caller, city, &form)
            .await
            .unwrap();
        let id = plan.to_string();
        let contract = |uid: &str, siret: &str, division: &str, on: &str| contracts::ActiveModel {
            uid: Set(uid.into()),
            kind: Set("marche".into()),
            source_id: Set(uid.into()),
            buyer_siret: Set(siret.into()),
            object: Set(Some(format!("Marché {uid}"))),
            cpv_division: Set(Some(division.into())),
            notified_on: Set(chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").ok()),
            amount_cents: Set(Some(30_000_000)),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let ours = contract("A-1", "21690123100011", "55", "2026-09-01")
            .insert(&app.db)
            .await
            .unwrap();
        let other_trade = contract("A-2", "21690123100011", "45", "2026-10-01")
            .insert(&app.db)
            .await
            .unwrap();
        let too_old = contract("A-0", "21690123100011", "55", "2020-01-01")
            .insert(&app.db)
            .await
            .unwrap();
        let theirs = contract("B-1", "12002701600019", "55", "2026-09-01")
            .insert(&app.db)
            .await
            .unwrap();

        // Not awarded yet: nothing to link.
        let (status, _, body) = app
            .post(
                "/api/plans/contract",
                &[("id", &id), ("contract", &ours.id.to_string())],
                Some(&buyer),
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("plan.not_awarded"));
        for (status, extra) in [
            ("published", Some("https://marches.example/avis/1")),
            ("awarded", None),
        ] {
            let mut f = vec![("id", id.as_str()), ("status", status)];
            if let Some(u) = extra {
                f.push(("tender_url", u));
            }
            let (s, _, body) = app.post("/api/plans/status", &f, Some(&buyer)).await;
            ok(s, &body);
        }

        // The buyer's own contracts since a year before the publication, its trade first.
        let (status, _, body) = app
            .get(&format!("/api/plans/award?id={id}"), Some(&buyer))
            .await;
        ok(status, &body);
        let link: app::domain::programming::AwardLink = serde_json::from_str(&body).unwrap();
        let ids: Vec<i32> = link.candidates.iter().map(|(i, _)| *i).collect();
        assert_eq!(ids, [ours.id, other_trade.id], "{backend}: {body}");
        assert!(!ids.contains(&too_old.id) && !ids.contains(&theirs.id));
        assert_eq!(
            app.get(&format!("/api/plans/award?id={id}"), Some(&firm))
                .await
                .0
                .as_u16(),
            403
        );

        // Another buyer's contract is refused; its own is linked and shown to everyone.
        let (status, _, _) = app
            .post(
                "/api/plans/contract",
                &[("id", &id), ("contract", &theirs.id.to_string())],
                Some(&buyer),
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}");
        let (status, _, _) = app
            .post(
                "/api/plans/contract",
                &[("id", &id), ("contract", &ours.id.to_string())],
                Some(&firm),
            )
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, body) = app
            .post(
                "/api/plans/contract",
                &[("id", &id), ("contract", &ours.id.to_string())],
                Some(&buyer),
            )
            .await;
        ok(status, &body);
        let p = plans::Entity::find_by_id(plan)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.contract_id, Some(ours.id), "{backend}");
        let (_, _, html) = app.get(&format!("/programmation/{id}"), None).await;
        assert!(
            html.contains(&format!("href=\"/marches/{}\"", ours.id)),
            "{backend}"
        );
        // Unlinked again.
        let (status, _, _) = app
            .post(
                "/api/plans/contract",
                &[("id", &id), ("contract", "")],
                Some(&buyer),
            )
            .await;
        ok(status, "");
        let p = plans::Entity::find_by_id(plan)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.contract_id, None, "{backend}");
    }
}

both_dbs! {
    "programming_buyers",
    #[tokio::test]
    async fn the_buyer_filter_offers_the_most_active_buyers_and_the_one_chosen(backend, url) {
        let app = TestApp::new(&url).await;
        let now = chrono::Utc::now();
        let mut ids = vec![];
        // Buyer i plans i + 1 procurements.
        for i in 0..45 {
            let o = organisations::ActiveModel {
                kind: Set("buyer".into()),
                siret: Set(format!("7{i:013}")),
                name: Set(format!("Commune {i:02} (fictive)")),
                is_public: Set(true),
                verified_at: Set(Some(now)),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
            for n in 0..=i {
                common::plan_row(o.id, &format!("Achat {n}"))
                .insert(&app.db)
                .await
                .unwrap();
            }
            ids.push(o.id);
        }
        let page = |q: String| {
            let app = &app;
            async move {
                let (status, _, body) = app
                    .get(
                        &format!("/api/plans/list?query={}", q.replace('=', "%3D")),
                        None,
                    )
                    .await;
                ok(status, &body);
                serde_json::from_str::<app::domain::programming::PlanPage>(&body).unwrap()
            }
        };
        let p = page(String::new()).await;
        assert_eq!(p.buyers_total, 45, "{backend}");
        assert_eq!(p.buyers.len(), app::domain::programming::BUYERS_SHOWN);
        // The 40 most active (5 to 44), by name, with their counts.
        assert_eq!(p.buyers[0].1, "Commune 05 (fictive)");
        assert_eq!(p.buyers[0].2, 6);
        assert!(!p.buyers.iter().any(|b| b.0 == ids[0]));
        // The buyer chosen is offered even when it is not among them.
        let p = page(format!("acheteur={}", ids[0])).await;
        assert_eq!(p.total, 1, "{backend}");
        assert!(
            p.buyers.iter().any(|b| b.0 == ids[0] && b.2 == 1),
            "{backend}"
        );
        let (_, _, html) = app.get("/programmation", None).await;
        assert!(
            html.contains("Les 40 acheteurs qui prévoient le plus d")
                && html.contains("Commune 44 (fictive) (45)"),
            "{backend}"
        );
        assert!(!html.contains("Commune 00 (fictive) (1)"), "{backend}");
    }
}
