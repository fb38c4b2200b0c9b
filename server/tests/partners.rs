//! Partner requests on SQLite and PostgreSQL: bad input changes nothing; the board finds open
//! requests by words and facets; the poster alone reads every answer and the proposed partners
//! (with their reasons), each other firm only its own answer; accepting tells the firm; a closed
//! request leaves the board and takes no answer; a saved board search alerts on a new request;
//! a planned procurement's lots get whole consortia, and a need no firm covers is named.

use crate::common;

use app::server::infra::entities::{
    notifications, offer_labels, partner_answers, partner_requests, plan_lots,
};
use common::{offer, ok, org, user_id, verify, TestApp};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// A verified buyer's planned procurement in Villeurbanne with three lots (joinery, plumbing,
/// roofing) and RGE asked; its id.
async fn plan_with_lots(app: &TestApp) -> i32 {
    let cookie = app.signup("achats@ville.example").await;
    let city = org(
        app,
        &cookie,
        "buyer",
        "216 901 231 00011",
        "Ville (fictive)",
    )
    .await;
    verify(app, city).await;
    let caller =
        app::server::auth::Caller::for_user(&app.db, user_id(app, "achats@ville.example").await)
            .await
            .unwrap();
    let form = app::domain::programming::PlanForm {
        title: "Rénovation du groupe scolaire Jean-Macé".into(),
        procedure: "open".into(),
        publication: "T2 2099".into(),
        labels: [("rge".to_string(), "on".to_string())].into(),
        ..Default::default()
    };
    let plan = app::server::programming::create(&app.db, &caller, city, &form)
        .await
        .unwrap();
    for (n, title, cpv) in [
        (1, "Menuiseries", "45421000"),
        (2, "Plomberie", "45330000"),
        (3, "Couverture", "45261000"),
    ] {
        plan_lots::ActiveModel {
            plan_id: Set(plan),
            number: Set(n),
            title: Set(title.into()),
            cpv: Set(cpv.into()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    plan
}

fn form(plan: &str, lot: &str, deadline: &str, cpv: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "form[title]",
            "Plombier et peintre pour la rénovation de l'école".into(),
        ),
        (
            "form[description]",
            "Nous menons les menuiseries ; il nous faut la plomberie et la peinture.".into(),
        ),
        ("form[cpv]", cpv.into()),
        ("form[labels][rge]", "on".into()),
        ("form[role]", "cotraitant".into()),
        ("form[kind]", "conjoint".into()),
        ("form[commune]", "Villeurbanne".into()),
        ("form[deadline]", deadline.into()),
        ("form[plan_id]", plan.into()),
        ("form[lot_id]", lot.into()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A partner request, stage by stage: each test runs the stages before the one it names (their checks included) and then its own.
struct Posted {
    app: TestApp,
    poster: String,
    plumber: String,
    painter: String,
    other: String,
    b: i32,
    c: i32,
    d: i32,
    id_s: String,
    p_s: String,
    plumbing: i32,
    painting: i32,
}

/// A firm posts a request (bad input changes nothing); the board finds it; its proposals are the poster's.
async fn posted(backend: &str, url: &str) -> Posted {
    let app = TestApp::new(url).await;
    let plan = plan_with_lots(&app).await;
    let plan_s = plan.to_string();
    let lots: Vec<plan_lots::Model> = plan_lots::Entity::find()
        .order_by_asc(plan_lots::Column::Number)
        .all(&app.db)
        .await
        .unwrap();
    let lot1 = lots[0].id.to_string();
    // The poster (joinery), a plumber, a painter holding RGE, a firm with nothing fitting.
    let poster = app.signup("gerant@menuiserie.example").await;
    let plumber = app.signup("gerante@plomberie.example").await;
    let painter = app.signup("gerant@peinture.example").await;
    let other = app.signup("autre@traiteur.example").await;
    let p = org(
        &app,
        &poster,
        "business",
        "120 027 016 00027",
        "Menuiserie Rhône (fictive)",
    )
    .await;
    let b = org(
        &app,
        &plumber,
        "business",
        "120 027 016 00035",
        "Plomberie du Parc (fictive)",
    )
    .await;
    let c = org(
        &app,
        &painter,
        "business",
        "120 027 016 00043",
        "Peintures Villeurbanne (fictive)",
    )
    .await;
    let d = org(
        &app,
        &other,
        "business",
        "120 027 016 00050",
        "Traiteur (fictif)",
    )
    .await;
    offer(&app, &poster, p, "Menuiseries bois", "45421000").await;
    let plumbing = offer(&app, &plumber, b, "Plomberie sanitaire", "45330000").await;
    let painting = offer(&app, &painter, c, "Peinture intérieure", "45442100").await;
    offer_labels::ActiveModel {
        offer_id: Set(painting),
        label: Set("rge".into()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    offer(&app, &other, d, "Repas", "55520000").await;
    let p_s = p.to_string();
    let today = chrono::Utc::now().date_naive();
    let soon = (today + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let good = form(&plan_s, &lot1, &soon, "45330000, 45442100");

    // Bad input changes nothing, with one message each.
    let count = || async {
        partner_requests::Entity::find()
            .count(&app.db)
            .await
            .unwrap()
    };
    let yesterday = (today - chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let other_lot = "999999".to_string();
    for (bad, key) in [
        (
            form(&plan_s, &lot1, &yesterday, "45330000"),
            "partners.deadline_past",
        ),
        (
            form(&plan_s, &lot1, &soon, "45330001"),
            "validation.unknown_cpv",
        ),
        (
            form(&plan_s, &other_lot, &soon, "45330000"),
            "validation.unknown_choice",
        ),
        (
            form(&plan_s, &lot1, &soon, "pas un code"),
            "validation.unknown_cpv",
        ),
    ] {
        let mut args = refs(&bad);
        args.push(("org_id", &p_s));
        let (status, _, body) = app.post("/api/partners/create", &args, Some(&poster)).await;
        assert_eq!(status.as_u16(), 422, "{backend} {key}: {body}");
        assert!(body.contains(key), "{backend}: {body}");
    }
    let mut args = refs(&good);
    args.push(("org_id", &p_s));
    let (status, _, _) = app.post("/api/partners/create", &args, None).await;
    assert_eq!(status.as_u16(), 401, "{backend}");
    let (status, _, _) = app
        .post("/api/partners/create", &args, Some(&plumber))
        .await;
    assert_eq!(
        status.as_u16(),
        403,
        "{backend}: only the firm's members post for it"
    );
    assert_eq!(count().await, 0, "{backend}");

    let (status, _, body) = app.post("/api/partners/create", &args, Some(&poster)).await;
    ok(status, &body);
    let r = partner_requests::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.organisation_id, r.plan_id, r.status.as_str()),
        (p, Some(plan), "open")
    );
    let id_s = r.id.to_string();

    // The board finds it by a word of its title (stemmed, accents folded) and by facets.
    for (query, found) in [
        ("", true),
        ("q=plomberie", true),
        ("q=RENOVATION", true),
        ("q=boulangerie", false),
        ("role=cotraitant&cpv=45", true),
        ("role=sous_traitant", false),
        ("label=rge&avec_achat=oui", true),
        ("dep=69", true),
        ("dep=01", false),
    ] {
        let q = serde_urlencoded::to_string([("query", query)]).unwrap();
        let (status, _, body) = app.get(&format!("/api/partners/board?{q}"), None).await;
        ok(status, &body);
        assert_eq!(
            body.contains("Plombier et peintre"),
            found,
            "{backend} {query}: {body}"
        );
    }

    // Proposals are the poster's: the plumber brings lot plumbing, the painter painting and
    // RGE; together they cover everything. Another firm gets a 404, a visitor a 401.
    let (status, _, body) = app
        .get(&format!("/api/partners/proposals?id={id_s}"), Some(&poster))
        .await;
    ok(status, &body);
    let v: app::domain::partners::ProposalsView = serde_json::from_str(&body).unwrap();
    let partner_ids: Vec<i32> = v.partners.iter().map(|x| x.member.id).collect();
    assert_eq!(
        partner_ids,
        vec![c, b],
        "{backend}: the painter brings two needs, the plumber one"
    );
    assert!(!partner_ids.contains(&d) && !partner_ids.contains(&p));
    let best = &v.consortia[0];
    let mut members: Vec<i32> = best.members.iter().map(|m| m.id).collect();
    members.sort();
    assert_eq!(members, vec![b, c], "{backend}");
    assert!(best.missing.is_empty() && v.uncovered.is_empty());
    let rge = v
        .needs
        .iter()
        .position(|n| n.label.as_deref() == Some("rge"))
        .unwrap();
    let cover = best.covers.iter().find(|x| x.need == rge).unwrap();
    assert_eq!(cover.firm_id, c);
    assert!(
        cover.km.is_some(),
        "{backend}: both in Villeurbanne, the distance is known"
    );
    let (status, _, _) = app
        .get(
            &format!("/api/partners/proposals?id={id_s}"),
            Some(&plumber),
        )
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}");
    let (status, _, _) = app
        .get(&format!("/api/partners/proposals?id={id_s}"), None)
        .await;
    assert_eq!(status.as_u16(), 401, "{backend}");
    Posted {
        app,
        poster,
        plumber,
        painter,
        other,
        b,
        c,
        d,
        id_s,
        p_s,
        plumbing,
        painting,
    }
}

/// Firms answer with their own offers; the poster is told; each reads only what is theirs.
async fn answered(backend: &str, st: &Posted) {
    let app = &st.app;
    let poster = st.poster.clone();
    let plumber = st.plumber.clone();
    let painter = st.painter.clone();
    let other = st.other.clone();
    let b = st.b;
    let d = st.d;
    let id_s = st.id_s.clone();
    let p_s = st.p_s.clone();
    let plumbing = st.plumbing;
    let painting = st.painting;
    // Answers: not to one's own request, not with another firm's offer.
    let (b_s, d_s) = (b.to_string(), d.to_string());
    let plumbing_key = format!("form[offers][{plumbing}]");
    let painting_key = format!("form[offers][{painting}]");
    let (status, _, body) = app
        .post(
            "/api/partners/answer",
            &[
                ("id", &id_s),
                ("org_id", &p_s),
                ("form[message]", "Moi-même"),
            ],
            Some(&poster),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("partners.own_request"),
        "{backend}: {body}"
    );
    let (status, _, body) = app
        .post(
            "/api/partners/answer",
            &[
                ("id", &id_s),
                ("org_id", &b_s),
                ("form[message]", "Nous"),
                (&painting_key, "on"),
            ],
            Some(&plumber),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    let (status, _, body) = app
        .post(
            "/api/partners/answer",
            &[("id", &id_s), ("org_id", &b_s), ("form[message]", "")],
            Some(&plumber),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("validation.required"),
        "{backend}: {body}"
    );
    let (status, _, _) = app
        .post(
            "/api/partners/answer",
            &[("id", &id_s), ("org_id", &b_s), ("form[message]", "Nous")],
            Some(&other),
        )
        .await;
    assert_eq!(
        status.as_u16(),
        403,
        "{backend}: answering for a firm one is not in"
    );
    assert_eq!(
        partner_answers::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );

    let (status, _, body) = app
        .post(
            "/api/partners/answer",
            &[
                ("id", &id_s),
                ("org_id", &b_s),
                (
                    "form[message]",
                    "Plomberie du Parc : trois plombiers, RGE en cours.",
                ),
                (&plumbing_key, "on"),
            ],
            Some(&plumber),
        )
        .await;
    ok(status, &body);
    let (status, _, body) = app
        .post(
            "/api/partners/answer",
            &[
                ("id", &id_s),
                ("org_id", &d_s),
                ("form[message]", "Nous livrons les repas du chantier."),
            ],
            Some(&other),
        )
        .await;
    ok(status, &body);
    // The poster's member is told of each answer.
    let poster_user = user_id(app, "gerant@menuiserie.example").await;
    let told = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(poster_user))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(told, 2, "{backend}");

    // Who reads what: the poster both answers; the plumber its own; the painter and a
    // visitor none — and nothing of the others' messages anywhere in the page data.
    let read = |cookie: Option<String>| {
        let app = &app;
        let id_s = id_s.clone();
        async move {
            let (status, _, body) = app
                .get(&format!("/api/partners/get?id={id_s}"), cookie.as_deref())
                .await;
            ok(status, &body);
            body
        }
    };
    let body = read(Some(poster.clone())).await;
    assert!(
        body.contains("trois plombiers") && body.contains("repas du chantier"),
        "{backend}"
    );
    let body = read(Some(plumber.clone())).await;
    assert!(
        body.contains("trois plombiers") && !body.contains("repas du chantier"),
        "{backend}"
    );
    for cookie in [Some(painter.clone()), None] {
        let body = read(cookie).await;
        assert!(
            !body.contains("trois plombiers") && !body.contains("repas du chantier"),
            "{backend}: {body}"
        );
        assert!(
            !body.contains("Traiteur (fictif)"),
            "{backend}: who answered stays private"
        );
    }
}

/// The poster decides the answers and closes the request; nobody else can.
async fn decided_and_closed(backend: &str, st: &Posted) {
    let app = &st.app;
    let poster = st.poster.clone();
    let plumber = st.plumber.clone();
    let painter = st.painter.clone();
    let b = st.b;
    let id_s = st.id_s.clone();
    let c_s = st.c.to_string();
    // Deciding is the poster's: to anyone else the answer does not exist.
    let answer = partner_answers::Entity::find()
        .filter(partner_answers::Column::OrganisationId.eq(b))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let a_s = answer.id.to_string();
    let (status, _, _) = app
        .post(
            "/api/partners/decide",
            &[("answer_id", &a_s), ("decision", "accept")],
            Some(&plumber),
        )
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}");
    let (status, _, body) = app
        .post(
            "/api/partners/decide",
            &[("answer_id", &a_s), ("decision", "peut-être")],
            Some(&poster),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    let (status, _, body) = app
        .post(
            "/api/partners/decide",
            &[("answer_id", &a_s), ("decision", "accept")],
            Some(&poster),
        )
        .await;
    ok(status, &body);
    let answer = partner_answers::Entity::find_by_id(answer.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answer.status, "accepted", "{backend}");
    let plumber_user = user_id(app, "gerante@plomberie.example").await;
    let told = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(plumber_user))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        told.iter().any(|n| n.title.contains("acceptée")),
        "{backend}: {told:?}"
    );

    // Closing: off the board, no more answers; only the poster closes.
    let (status, _, _) = app
        .post(
            "/api/partners/open",
            &[("id", &id_s), ("open", "non")],
            Some(&plumber),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, body) = app
        .post(
            "/api/partners/open",
            &[("id", &id_s), ("open", "non")],
            Some(&poster),
        )
        .await;
    ok(status, &body);
    let (_, _, body) = app.get("/api/partners/board?query=", None).await;
    assert!(!body.contains("Plombier et peintre"), "{backend}: {body}");
    let (status, _, body) = app
        .post(
            "/api/partners/answer",
            &[
                ("id", &id_s),
                ("org_id", &c_s),
                ("form[message]", "Trop tard ?"),
            ],
            Some(&painter),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("partners.closed"),
        "{backend}: {body}"
    );
    let (status, _, _) = app.get("/api/partners/get?id=999999", None).await;
    assert_eq!(status.as_u16(), 404, "{backend}");
}

both_dbs! {
    "partners_posted",
    #[tokio::test]
    async fn a_request_is_posted_found_on_the_board_and_proposes_partners(backend, url) {
        posted(backend, &url).await;
    }
}

both_dbs! {
    "partners_answered",
    #[tokio::test]
    async fn answers_are_told_to_the_poster_and_private_to_each_firm(backend, url) {
        let st = posted(backend, &url).await;
        answered(backend, &st).await;
    }
}

both_dbs! {
    "partners_decided",
    #[tokio::test]
    async fn only_the_poster_decides_and_closes(backend, url) {
        let st = posted(backend, &url).await;
        answered(backend, &st).await;
        decided_and_closed(backend, &st).await;
    }
}

both_dbs! {
    "partners_alerts",
    #[tokio::test]
    async fn a_saved_board_search_alerts_on_a_new_request(backend, url) {
        let app = TestApp::new(&url).await;
        let watcher = app.signup("veille@plomberie.example").await;
        let (status, _, body) = app
            .post(
                "/api/alerts/save",
                &[
                    ("name", "Plomberie"),
                    ("frequency", "instant"),
                    ("kind", "partners"),
                    ("query", "q=plomberie"),
                ],
                Some(&watcher),
            )
            .await;
        ok(status, &body);
        let poster = app.signup("gerant@menuiserie.example").await;
        let p = org(
            &app,
            &poster,
            "business",
            "120 027 016 00027",
            "Menuiserie (fictive)",
        )
        .await;
        let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(30))
            .format("%Y-%m-%d")
            .to_string();
        let p_s = p.to_string();
        for (title, cpv) in [
            ("Travaux de plomberie à partager", "45330000"),
            ("Nettoyage de chantier", "90910000"),
        ] {
            let (status, _, body) = app
                .post(
                    "/api/partners/create",
                    &[
                        ("org_id", &p_s),
                        ("form[title]", title),
                        ("form[cpv]", cpv),
                        ("form[role]", "sous_traitant"),
                        ("form[kind]", "conjoint"),
                        ("form[deadline]", &soon),
                    ],
                    Some(&poster),
                )
                .await;
            ok(status, &body);
        }
        let mailer =
            app::server::infra::mail::Mailer::new(None, "Passerelle <t@passerelle.example>")
                .unwrap();
        let later = chrono::Utc::now() + chrono::Duration::seconds(1);
        let told =
            app::server::alerts::search_digests(&app.db, &app.search, &mailer, "http://x", later)
                .await
                .unwrap();
        assert_eq!(told, 1, "{backend}");
        let watcher_id = user_id(&app, "veille@plomberie.example").await;
        let n = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(watcher_id))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(n.len(), 1, "{backend}");
        assert!(
            n[0].title.contains("1 nouvelle(s) recherche(s)")
                && n[0].url.starts_with("/groupements"),
            "{backend}: {:?}",
            n[0]
        );
        // Run again: nothing new, nothing told.
        let told = app::server::alerts::search_digests(
            &app.db,
            &app.search,
            &mailer,
            "http://x",
            later + chrono::Duration::seconds(1),
        )
        .await
        .unwrap();
        assert_eq!(told, 0, "{backend}");
    }
}

both_dbs! {
    "partners_plan",
    #[tokio::test]
    async fn a_planned_procurement_gets_whole_consortia_and_its_uncovered_lot_named(backend, url) {
        let app = TestApp::new(&url).await;
        let plan = plan_with_lots(&app).await;
        let joiner = app.signup("gerant@menuiserie.example").await;
        let plumber = app.signup("gerante@plomberie.example").await;
        let j = org(
            &app,
            &joiner,
            "business",
            "120 027 016 00027",
            "Menuiserie (fictive)",
        )
        .await;
        let b = org(
            &app,
            &plumber,
            "business",
            "120 027 016 00035",
            "Plomberie (fictive)",
        )
        .await;
        let joinery = offer(&app, &joiner, j, "Fenêtres bois", "45421000").await;
        offer_labels::ActiveModel {
            offer_id: Set(joinery),
            label: Set("rge".into()),
        }
        .insert(&app.db)
        .await
        .unwrap();
        offer(&app, &plumber, b, "Plomberie", "45330000").await;
        // The plumbing lot is estimated at 500 000 €; the plumber declares 100 000 € at most
        // (typed as people do), which the proposal says.
        {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            let lot = plan_lots::Entity::find()
                .filter(plan_lots::Column::PlanId.eq(plan))
                .filter(plan_lots::Column::Number.eq(2))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            let mut lot: plan_lots::ActiveModel = lot.into();
            lot.estimate_max = Set(Some(500_000));
            lot.update(&app.db).await.unwrap();
        }
        let id = b.to_string();
        let (status, _, body) = app
            .post(
                "/api/orgs/update",
                &[
                    ("id", id.as_str()),
                    ("form[kind]", "business"),
                    ("form[siret]", "12002701600035"),
                    ("form[name]", "Plomberie (fictive)"),
                    ("form[capacity]", "100 000"),
                    ("form[is_public]", "on"),
                ],
                Some(&plumber),
            )
            .await;
        ok(status, &body);
        let (status, _, body) = app
            .post(
                "/api/orgs/update",
                &[
                    ("id", id.as_str()),
                    ("form[kind]", "business"),
                    ("form[siret]", "12002701600035"),
                    ("form[name]", "Plomberie (fictive)"),
                    ("form[capacity]", "cent mille"),
                ],
                Some(&plumber),
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        let (_, _, profile) = app.get(&format!("/annuaire/{b}"), None).await;
        assert!(
            profile.contains("Marchés jusqu'à 100\u{202f}000\u{a0}€")
                || profile.contains("Marchés jusqu&#x27;à 100\u{202f}000"),
            "{backend}: the declared capacity is on the profile"
        );
        let (status, _, body) = app
            .get(&format!("/api/partners/plan?plan_id={plan}"), None)
            .await;
        ok(status, &body);
        let v: app::domain::partners::ProposalsView = serde_json::from_str(&body).unwrap();
        let roofing = v
            .needs
            .iter()
            .position(|n| n.cpv.as_deref() == Some("45261000"))
            .unwrap();
        assert_eq!(v.uncovered, vec![roofing], "{backend}: nobody does roofing");
        let mut members: Vec<i32> = v.consortia[0].members.iter().map(|m| m.id).collect();
        members.sort();
        assert_eq!(members, vec![j, b], "{backend}");
        let plumbing = v
            .needs
            .iter()
            .position(|n| n.cpv.as_deref() == Some("45330000"))
            .unwrap();
        let cover = v.consortia[0]
            .covers
            .iter()
            .find(|c| c.need == plumbing)
            .unwrap();
        assert!(cover.capacity_short, "{backend}: 100 000 € < 500 000 €");
        assert!(
            v.consortia[0]
                .covers
                .iter()
                .filter(|c| c.capacity_short)
                .count()
                == 1,
            "{backend}: the joiner declared nothing"
        );
        // Around the joiner: the plumber completes it. Only the joiner's members may ask so.
        let (status, _, body) = app
            .get(
                &format!("/api/partners/plan?plan_id={plan}&firm={j}"),
                Some(&joiner),
            )
            .await;
        ok(status, &body);
        let v: app::domain::partners::ProposalsView = serde_json::from_str(&body).unwrap();
        assert_eq!(v.partners[0].member.id, b, "{backend}");
        assert!(v
            .consortia
            .iter()
            .all(|c| c.members.iter().any(|m| m.id == j)));
        let (status, _, _) = app
            .get(
                &format!("/api/partners/plan?plan_id={plan}&firm={j}"),
                Some(&plumber),
            )
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, _) = app.get("/api/partners/plan?plan_id=999999", None).await;
        assert_eq!(status.as_u16(), 404, "{backend}");
    }
}
