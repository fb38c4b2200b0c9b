//! Sourcing on SQLite and PostgreSQL: a call's answers stay with the buyer (and each firm's
//! own) until the summary every firm reads; meetings fill their seats or slots then a waiting
//! list, never overbook under 200 concurrent registrations, promote the first waiting firm on a
//! cancellation, remind the day before, and export their calendars in UTC.

use crate::common;
use app::domain::ids::{MeetingId, OrgId, UserId};

use app::server::infra::entities::{
    meeting_registrations, meetings, memberships, notifications, organisations, plan_events, plans,
    sourcing_calls, sourcing_responses, users,
};
use common::{ok, org, user_id, verify, TestApp};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

const XSS: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";

/// A verified buyer with a planned procurement: (buyer cookie, buyer org, plan id).
async fn buyer_with_plan(app: &TestApp) -> (String, i32, i32) {
    let cookie = app.signup("achats@ville.example").await;
    let city = org(
        app,
        &cookie,
        "buyer",
        "216 901 231 00011",
        "Ville de Lyon (fictive)",
    )
    .await;
    verify(app, city).await;
    let caller =
        app::server::auth::Caller::for_user(&app.db, user_id(app, "achats@ville.example").await)
            .await
            .unwrap();
    let form = app::domain::programming::PlanForm {
        title: "Restauration scolaire".into(),
        procedure: "open".into(),
        publication: "T2 2099".into(),
        ..Default::default()
    };
    let plan = app::server::programming::create(&app.db, &caller, city, &form)
        .await
        .unwrap();
    (cookie, city, plan)
}

async fn call_count(app: &TestApp) -> u64 {
    sourcing_calls::Entity::find().count(&app.db).await.unwrap()
}

/// A sourcing call, stage by stage: each test runs the stages before the one it names (their
/// checks included) and then its own.
struct Call {
    app: TestApp,
    buyer: String,
    firm_a: String,
    firm_b: String,
    stranger: String,
    a_s: String,
    b_s: String,
    plan: i32,
    id: String,
    q: Vec<i32>,
}

/// The buyer's verified members draft a call for its plan, with three questions.
async fn drafted_call(backend: &str, url: &str) -> Call {
    let app = TestApp::new(url).await;
    let (buyer, _city, plan) = buyer_with_plan(&app).await;
    let firm_a = app.signup("gerant@traiteur.example").await;
    let firm_b = app.signup("gerante@maraichage.example").await;
    let stranger = app.signup("autre@entreprise.example").await;
    let a = org(
        &app,
        &firm_a,
        "business",
        "120 027 016 00027",
        "Traiteur (fictif)",
    )
    .await;
    let b = org(
        &app,
        &firm_b,
        "business",
        "120 027 016 00035",
        "Maraîchage (fictif)",
    )
    .await;
    org(
        &app,
        &stranger,
        "business",
        "120 027 016 00043",
        "Autre (fictive)",
    )
    .await;
    let (a_s, b_s, plan_s) = (a.to_string(), b.to_string(), plan.to_string());

    // Bad input changes nothing: a day that does not exist, a deadline in the past.
    for (day, time, key) in [
        ("31/02/2099", "12:00", "validation.date"),
        ("2099-03-01", "midi", "validation.time"),
        ("2020-03-01", "12:00", "sourcing.in_the_past"),
    ] {
        let (status, _, body) = app
            .post(
                "/api/sourcing/call/create",
                &[
                    ("plan_id", &plan_s),
                    ("title", "Appel"),
                    ("deadline_day", day),
                    ("deadline_time", time),
                ],
                Some(&buyer),
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend} {day} {time}: {body}");
        assert!(body.contains(key), "{backend}: {body}");
    }
    // Only the buyer's verified members open a call.
    let good = [
        ("plan_id", plan_s.as_str()),
        ("title", "Repas bio en circuit court"),
        ("intro", "Ce que nous cherchons à savoir."),
        ("deadline_day", "2099-03-01"),
        ("deadline_time", "12:00"),
    ];
    let (status, _, _) = app
        .post("/api/sourcing/call/create", &good, Some(&firm_a))
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    assert_eq!(call_count(&app).await, 0, "{backend}");
    let (status, _, body) = app
        .post("/api/sourcing/call/create", &good, Some(&buyer))
        .await;
    ok(status, &body);
    let call = sourcing_calls::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let id = call.id.to_string();
    // 12:00 in Paris in winter is 11:00 UTC.
    assert_eq!(
        call.deadline.to_rfc3339(),
        "2099-03-01T11:00:00+00:00",
        "{backend}"
    );

    // A draft is the buyer's alone.
    let (status, _, _) = app
        .get(&format!("/api/sourcing/call/get?id={id}"), Some(&firm_a))
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}");
    let (status, _, _) = app
        .post(
            "/api/sourcing/call/answer",
            &[("id", &id), ("org_id", &a_s)],
            Some(&firm_a),
        )
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}");

    // Questions: a choice needs two options; then text (required), choice, number.
    let (status, _, body) = app
        .post(
            "/api/sourcing/call/question/add",
            &[
                ("id", &id),
                ("kind", "choice"),
                ("label", "Bio ?"),
                ("choices", "Oui"),
            ],
            Some(&buyer),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(body.contains("sourcing.choices_needed"));
    let (status, _, _) = app
        .post("/api/sourcing/call/open", &[("id", &id)], Some(&buyer))
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: opening without questions");
    for q in [
        vec![
            ("kind", "text"),
            ("label", "Vos délais ?"),
            ("required", "on"),
        ],
        vec![
            ("kind", "choice"),
            ("label", "Produits bio ?"),
            ("choices", "Oui\nNon\nEn partie"),
        ],
        vec![("kind", "number"), ("label", "Repas par jour")],
    ] {
        let mut form = vec![("id", id.as_str())];
        form.extend(q);
        let (status, _, body) = app
            .post("/api/sourcing/call/question/add", &form, Some(&buyer))
            .await;
        ok(status, &body);
    }
    let (status, _, _) = app
        .post(
            "/api/sourcing/call/question/add",
            &[("id", &id), ("kind", "text"), ("label", "Autre ?")],
            Some(&firm_a),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let q: Vec<i32> = app::server::infra::entities::sourcing_questions::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.id)
        .collect();
    Call {
        app,
        buyer,
        firm_a,
        firm_b,
        stranger,
        a_s,
        b_s,
        plan,
        id,
        q,
    }
}

/// The call opens; firms answer for themselves, privately; the buyer reads and downloads them.
/// Returns a text only firm A's answer holds.
async fn answered_call(backend: &str, c: &Call) -> &'static str {
    let app = &c.app;
    let (buyer, firm_a) = (c.buyer.clone(), c.firm_a.clone());
    let (firm_b, stranger) = (c.firm_b.clone(), c.stranger.clone());
    let (a_s, b_s, plan, id, q) = (c.a_s.clone(), c.b_s.clone(), c.plan, c.id.clone(), &c.q);
    let field = |i: usize| format!("answers[q{}]", q[i]);
    // Opening freezes the questions and moves the plan to "in sourcing", dated.
    let (status, _, body) = app
        .post("/api/sourcing/call/open", &[("id", &id)], Some(&buyer))
        .await;
    ok(status, &body);
    let p = plans::Entity::find_by_id(plan)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status, "sourcing", "{backend}");
    assert_eq!(
        plan_events::Entity::find()
            .filter(plan_events::Column::PlanId.eq(plan))
            .filter(plan_events::Column::Status.eq("sourcing"))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    let (status, _, body) = app
        .post(
            "/api/sourcing/call/question/add",
            &[("id", &id), ("kind", "text"), ("label", "Encore ?")],
            Some(&buyer),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
    assert!(body.contains("sourcing.questions_frozen"));

    // Bad answers: one message per question, nothing stored.
    let (f0, f1, f2) = (field(0), field(1), field(2));
    let (status, _, body) = app
        .post(
            "/api/sourcing/call/answer",
            &[
                ("id", &id),
                ("org_id", &a_s),
                (&f1, "Peut-être"),
                (&f2, "beaucoup"),
            ],
            Some(&firm_a),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    for f in [q[0], q[1], q[2]] {
        assert!(body.contains(&format!("q{f}")), "{backend}: {body}");
    }
    assert_eq!(
        sourcing_responses::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    // A firm answers only for itself.
    let (status, _, _) = app
        .post(
            "/api/sourcing/call/answer",
            &[("id", &id), ("org_id", &a_s), (&f0, "Deux semaines")],
            Some(&stranger),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, _) = app
        .post(
            "/api/sourcing/call/answer",
            &[("id", &id), ("org_id", &a_s), (&f0, "x")],
            None,
        )
        .await;
    assert_eq!(status.as_u16(), 401, "{backend}");

    // Firm A answers, then answers again: the second replaces the first.
    for text in ["Trois semaines", "Deux semaines"] {
        let (status, _, body) = app
            .post(
                "/api/sourcing/call/answer",
                &[
                    ("id", &id),
                    ("org_id", &a_s),
                    (&f0, text),
                    (&f1, "Oui"),
                    (&f2, "1 200"),
                ],
                Some(&firm_a),
            )
            .await;
        ok(status, &body);
    }
    let secret = "Notre recette secrète du gratin";
    let (status, _, body) = app
        .post(
            "/api/sourcing/call/answer",
            &[
                ("id", &id),
                ("org_id", &b_s),
                (&f0, secret),
                (&f1, "Oui"),
                (&f2, "300"),
            ],
            Some(&firm_b),
        )
        .await;
    ok(status, &body);
    assert_eq!(
        sourcing_responses::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        2
    );

    // Each firm sees its own answers only; nobody else sees any.
    let (_, _, body) = app
        .get(&format!("/api/sourcing/call/get?id={id}"), Some(&firm_a))
        .await;
    assert!(
        body.contains("Deux semaines") && !body.contains("Trois semaines"),
        "{backend}: {body}"
    );
    assert!(
        !body.contains(secret),
        "{backend}: firm A reads firm B's answer"
    );
    for who in [None, Some(stranger.as_str())] {
        let (status, _, body) = app
            .get(&format!("/api/sourcing/call/get?id={id}"), who)
            .await;
        ok(status, &body);
        assert!(
            !body.contains(secret) && !body.contains("Deux semaines"),
            "{backend}: {body}"
        );
    }
    let (status, _, html) = app.get(&format!("/sourcage/appels/{id}"), None).await;
    assert_eq!(status.as_u16(), 200, "{backend}");
    assert!(html.contains("Repas bio en circuit court") && !html.contains(secret));
    // The buyer reads every answer, and downloads them.
    let (_, _, body) = app
        .get(&format!("/api/sourcing/call/edit?id={id}"), Some(&buyer))
        .await;
    assert!(
        body.contains(secret) && body.contains("Deux semaines"),
        "{backend}"
    );
    let csv_path = format!("/compte/sourcage/appels/{id}/reponses.csv");
    let (status, _, csv) = app.get(&csv_path, Some(&buyer)).await;
    assert_eq!(status.as_u16(), 200, "{backend}");
    assert!(csv.starts_with('\u{feff}') && csv.contains(secret) && csv.contains("Repas par jour"));
    assert!(csv.contains("12002701600027"), "{backend}: {csv}");
    assert_eq!(
        app.get(&csv_path, Some(&firm_a)).await.0.as_u16(),
        403,
        "{backend}"
    );
    assert_eq!(app.get(&csv_path, None).await.0.as_u16(), 401, "{backend}");
    secret
}

/// The buyer publishes the summary, cleaned, with anonymous counts; then the call is final.
async fn summarised_call(backend: &str, c: &Call, secret: &str) {
    let app = &c.app;
    let (buyer, firm_a) = (c.buyer.clone(), c.firm_a.clone());
    let (a_s, id) = (c.a_s.clone(), c.id.clone());
    let f0 = format!("answers[q{}]", c.q[0]);
    // The summary: required, cleaned, published for all with anonymous counts.
    let (status, _, _) = app
        .post(
            "/api/sourcing/call/publish",
            &[("id", &id), ("summary", " ")],
            Some(&buyer),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
    let (status, _, _) = app
        .post(
            "/api/sourcing/call/publish",
            &[("id", &id), ("summary", "x")],
            Some(&firm_a),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let summary = format!("Le marché local sait **livrer en deux semaines**. {XSS}");
    let (status, _, body) = app
        .post(
            "/api/sourcing/call/publish",
            &[("id", &id), ("summary", &summary)],
            Some(&buyer),
        )
        .await;
    ok(status, &body);
    let (_, _, body) = app
        .get(&format!("/api/sourcing/call/get?id={id}"), None)
        .await;
    let view: app::domain::sourcing::CallView = serde_json::from_str(&body).unwrap();
    let html = view.summary_html.unwrap();
    assert!(
        html.contains("<strong>livrer en deux semaines</strong>"),
        "{backend}: {html}"
    );
    assert!(
        !html.contains("<script") && !html.contains("onerror"),
        "{backend}: {html}"
    );
    assert_eq!(view.stats[0].answered, 2);
    assert_eq!(
        view.stats[1].counts,
        vec![
            ("Oui".into(), 2),
            ("Non".into(), 0),
            ("En partie".into(), 0)
        ]
    );
    assert_eq!(
        view.stats[2].spread,
        Some(("300".into(), "750".into(), "1\u{202f}200".into()))
    );
    assert!(
        !body.contains(secret),
        "{backend}: the summary names no firm's text"
    );
    let (_, _, page) = app.get(&format!("/sourcage/appels/{id}"), None).await;
    assert!(page.contains("data-test=\"call-summary\"") && !page.contains("<script>alert"));
    let (_, _, home) = app.get("/sourcage", None).await;
    assert!(
        home.contains("Repas bio en circuit court"),
        "{backend}: listed among summaries"
    );

    // Published is final: no more answers, no more changes.
    let (status, _, body) = app
        .post(
            "/api/sourcing/call/answer",
            &[("id", &id), ("org_id", &a_s), (&f0, "Une semaine")],
            Some(&firm_a),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
    assert!(body.contains("sourcing.call_closed"));
    let (status, _, _) = app
        .post(
            "/api/sourcing/call/update",
            &[
                ("id", &id),
                ("title", "Autre"),
                ("deadline_day", "2099-04-01"),
                ("deadline_time", "12:00"),
            ],
            Some(&buyer),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
}

both_dbs! {
    "sourcing_call_draft",
    #[tokio::test]
    async fn a_call_is_drafted_by_the_buyers_verified_members_alone(backend, url) {
        drafted_call(backend, &url).await;
    }
}

both_dbs! {
    "sourcing_call_answers",
    #[tokio::test]
    async fn each_firms_answers_stay_with_it_and_the_buyer(backend, url) {
        let call = drafted_call(backend, &url).await;
        answered_call(backend, &call).await;
    }
}

both_dbs! {
    "sourcing_call_summary",
    #[tokio::test]
    async fn the_published_summary_is_cleaned_counted_and_final(backend, url) {
        let call = drafted_call(backend, &url).await;
        let secret = answered_call(backend, &call).await;
        summarised_call(backend, &call, secret).await;
    }
}

fn meeting_form(title: &str, day: &str, start: &str, end: &str) -> Vec<(&'static str, String)> {
    vec![
        ("form[title]", title.to_string()),
        ("form[day]", day.to_string()),
        ("form[start]", start.to_string()),
        ("form[end]", end.to_string()),
        ("form[place]", "Hôtel de ville, salle 3".to_string()),
        ("form[online_url]", String::new()),
        ("form[capacity]", "2".to_string()),
        ("form[slot_minutes]", String::new()),
        ("form[deadline_day]", "2099-01-10".to_string()),
        ("form[deadline_time]", "18:00".to_string()),
    ]
}

async fn post_owned(
    app: &TestApp,
    path: &str,
    mut form: Vec<(&'static str, String)>,
    extra: &[(&'static str, &str)],
    cookie: &str,
) -> (u16, String) {
    form.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, body) = app.post(path, &pairs, Some(cookie)).await;
    (status.as_u16(), body)
}

fn set(form: &mut [(&'static str, String)], key: &str, value: &str) {
    for (k, v) in form.iter_mut() {
        if *k == key {
            *v = value.to_string();
        }
    }
}

/// Sourcing meetings, stage by stage: each test runs the stages before the one it names (their checks included) and then its own.
struct Seated {
    app: TestApp,
    buyer: String,
    plan_s: String,
    firms: Vec<(String, String, String)>,
    seats: meetings::Model,
    sid: String,
}

/// The buyer creates a meeting with seats (bad input and non-existent times refused); two firms get seats, the third waits and is told its place.
async fn seated(backend: &str, url: &str) -> Seated {
    let app = TestApp::new(url).await;
    let (buyer, _city, plan) = buyer_with_plan(&app).await;
    let plan_s = plan.to_string();
    let mut firms = vec![];
    for (i, siret) in [
        "120 027 016 00027",
        "120 027 016 00035",
        "120 027 016 00043",
        "120 027 016 00050",
    ]
    .iter()
    .enumerate()
    {
        let email = format!("firme{i}@entreprise.example");
        let cookie = app.signup(&email).await;
        let id = org(
            &app,
            &cookie,
            "business",
            siret,
            &format!("Entreprise {i} (fictive)"),
        )
        .await;
        firms.push((cookie, id.to_string(), email));
    }
    let meetings_count = || async { meetings::Entity::find().count(&app.db).await.unwrap() };

    // Bad input: one message per field, nothing created.
    let mut bad = meeting_form("Rencontre", "2099-01-20", "14:00", "13:00");
    set(&mut bad, "form[deadline_day]", "2099-01-25");
    set(&mut bad, "form[online_url]", "javascript:alert(1)");
    let (status, body) = post_owned(
        &app,
        "/api/sourcing/meeting/create",
        bad,
        &[("plan_id", &plan_s)],
        &buyer,
    )
    .await;
    assert_eq!(status, 422, "{backend}: {body}");
    for key in [
        "sourcing.end_before_start",
        "sourcing.deadline_after_start",
        "validation.url",
    ] {
        assert!(body.contains(key), "{backend}: {key} in {body}");
    }
    // The last Sunday of March 2099 is the 29th: 2:30 does not exist in Paris that night.
    let gap = meeting_form("Rencontre", "2099-03-29", "02:30", "04:00");
    let (status, body) = post_owned(
        &app,
        "/api/sourcing/meeting/create",
        gap,
        &[("plan_id", &plan_s)],
        &buyer,
    )
    .await;
    assert_eq!(status, 422, "{backend}");
    assert!(body.contains("sourcing.time_gap"), "{backend}: {body}");
    let good = meeting_form("Réunion d'information", "2099-01-20", "14:00", "16:00");
    let (status, _) = post_owned(
        &app,
        "/api/sourcing/meeting/create",
        good.clone(),
        &[("plan_id", &plan_s)],
        &firms[0].0,
    )
    .await;
    assert_eq!(status, 403, "{backend}");
    assert_eq!(meetings_count().await, 0, "{backend}");

    // Two seats: two firms confirmed, the third waits.
    let (status, body) = post_owned(
        &app,
        "/api/sourcing/meeting/create",
        good,
        &[("plan_id", &plan_s)],
        &buyer,
    )
    .await;
    assert!(status < 400, "{backend}: {body}");
    let seats = meetings::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seats.starts_at.to_rfc3339(), "2099-01-20T13:00:00+00:00");
    let sid = seats.id.to_string();
    let register = |cookie: String, org: String, meeting: String, slot: &'static str| {
        let app = &app;
        async move {
            let (s, _, body) = app
                .post(
                    "/api/sourcing/meeting/register",
                    &[("id", &meeting), ("org_id", &org), ("slot", slot)],
                    Some(&cookie),
                )
                .await;
            (s.as_u16(), body)
        }
    };
    for f in &firms[..3] {
        let (s, body) = register(f.0.clone(), f.1.clone(), sid.clone(), "").await;
        assert!(s < 400, "{backend}: {body}");
    }
    let statuses: Vec<String> = meeting_registrations::Entity::find()
        .filter(meeting_registrations::Column::MeetingId.eq(seats.id))
        .order_by_asc(meeting_registrations::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, ["confirmed", "confirmed", "waiting"], "{backend}");
    let (s, body) = register(firms[0].0.clone(), firms[0].1.clone(), sid.clone(), "").await;
    assert_eq!(s, 422, "{backend}");
    assert!(body.contains("sourcing.already_registered"));
    // A firm registers only itself.
    let (s, _) = register(firms[3].0.clone(), firms[0].1.clone(), sid.clone(), "").await;
    assert_eq!(s, 403, "{backend}");
    // The waiting firm is told its place; the public page shows the seats.
    let (_, _, body) = app
        .get(
            &format!("/api/sourcing/meeting/get?id={sid}"),
            Some(&firms[2].0),
        )
        .await;
    let v: app::domain::sourcing::MeetingView = serde_json::from_str(&body).unwrap();
    assert_eq!((v.summary.confirmed, v.summary.waiting), (2, 1));
    assert_eq!(v.mine[0].rank, Some(1), "{backend}");
    let (_, _, html) = app.get(&format!("/sourcage/reunions/{sid}"), None).await;
    assert!(html.contains("0 place(s) libre(s) sur 2"), "{backend}");
    Seated {
        app,
        buyer,
        plan_s,
        firms,
        seats,
        sid,
    }
}

/// One-to-one slots held once; a cancellation promotes the first waiting; attendees, iCalendar, the personal feed, reminders, and a meeting cancelled by its buyer.
async fn slotted_and_cancelled(backend: &str, st: &Seated) {
    let app = &st.app;
    let buyer = st.buyer.clone();
    let plan_s = st.plan_s.clone();
    let firms = st.firms.clone();
    let seats = st.seats.clone();
    let sid = st.sid.clone();
    let register = |cookie: String, org: String, meeting: String, slot: &'static str| async move {
        let (s, _, body) = app
            .post(
                "/api/sourcing/meeting/register",
                &[("id", &meeting), ("org_id", &org), ("slot", slot)],
                Some(&cookie),
            )
            .await;
        (s.as_u16(), body)
    };
    // 1:1 slots of 20 minutes from 10:00 to 11:00: three slots.
    let mut slotted = meeting_form("Entretiens individuels", "2099-07-15", "10:00", "11:00");
    set(&mut slotted, "form[capacity]", "");
    set(&mut slotted, "form[slot_minutes]", "20");
    let (status, body) = post_owned(
        app,
        "/api/sourcing/meeting/create",
        slotted,
        &[("plan_id", &plan_s)],
        &buyer,
    )
    .await;
    assert!(status < 400, "{backend}: {body}");
    let m = meetings::Entity::find()
        .filter(meetings::Column::SlotMinutes.is_not_null())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.capacity, 3, "{backend}");
    let mid = m.id.to_string();
    let (s, body) = register(firms[0].0.clone(), firms[0].1.clone(), mid.clone(), "1").await;
    assert!(s < 400, "{backend}: {body}");
    let (s, body) = register(firms[1].0.clone(), firms[1].1.clone(), mid.clone(), "1").await;
    assert_eq!(s, 422, "{backend}: {body}");
    assert!(body.contains("sourcing.slot_taken"));
    let (s, _) = register(firms[1].0.clone(), firms[1].1.clone(), mid.clone(), "7").await;
    assert_eq!(s, 422, "{backend}: no such slot");
    let (s, _) = register(firms[1].0.clone(), firms[1].1.clone(), mid.clone(), "0").await;
    assert!(s < 400, "{backend}");
    let (s, _) = register(firms[2].0.clone(), firms[2].1.clone(), mid.clone(), "").await;
    assert!(s < 400, "{backend}");
    let (s, _) = register(firms[3].0.clone(), firms[3].1.clone(), mid.clone(), "").await;
    assert!(s < 400, "{backend}");
    let regs = meeting_registrations::Entity::find()
        .filter(meeting_registrations::Column::MeetingId.eq(m.id))
        .order_by_asc(meeting_registrations::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let got: Vec<(String, Option<i32>)> = regs.iter().map(|r| (r.status.clone(), r.slot)).collect();
    assert_eq!(
        got,
        [
            ("confirmed".into(), Some(1)),
            ("confirmed".into(), Some(0)),
            ("confirmed".into(), Some(2)),
            ("waiting".into(), None)
        ],
        "{backend}"
    );

    // Cancelling frees the slot for the first firm waiting, which is told.
    let first = regs[0].id.to_string();
    let (status, _, _) = app
        .post(
            "/api/sourcing/meeting/unregister",
            &[("registration_id", &first)],
            Some(&firms[3].0),
        )
        .await;
    assert_eq!(
        status.as_u16(),
        403,
        "{backend}: another firm's registration"
    );
    let (status, _, body) = app
        .post(
            "/api/sourcing/meeting/unregister",
            &[("registration_id", &first)],
            Some(&firms[0].0),
        )
        .await;
    ok(status, &body);
    let promoted = meeting_registrations::Entity::find_by_id(regs[3].id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (promoted.status.as_str(), promoted.slot),
        ("confirmed", Some(1)),
        "{backend}"
    );
    let told = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id(app, &firms[3].2).await))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        told.iter().any(|n| n.title.contains("Place confirmée")),
        "{backend}"
    );

    // The buyer's attendees and their CSV; nobody else's.
    let (status, _, body) = app
        .get(
            &format!("/api/sourcing/meeting/admin?id={mid}"),
            Some(&buyer),
        )
        .await;
    ok(status, &body);
    assert!(body.contains("Entreprise 3 (fictive)"), "{backend}");
    let (status, _, _) = app
        .get(
            &format!("/api/sourcing/meeting/admin?id={mid}"),
            Some(&firms[0].0),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let csv_path = format!("/compte/sourcage/reunions/{mid}/inscrits.csv");
    let (status, _, csv) = app.get(&csv_path, Some(&buyer)).await;
    assert_eq!(status.as_u16(), 200);
    assert!(
        csv.contains("10:20–10:40") && csv.contains("annulée"),
        "{backend}: {csv}"
    );
    assert_eq!(app.get(&csv_path, Some(&firms[1].0)).await.0.as_u16(), 403);

    // iCalendar, in UTC: 10:00 in Paris in July is 08:00 UTC, in January 14:00 is 13:00.
    let (status, _, ics) = app
        .get(&format!("/sourcage/reunions/{mid}/calendrier.ics"), None)
        .await;
    assert_eq!(status.as_u16(), 200);
    assert!(ics.contains("DTSTART:20990715T080000Z"), "{backend}: {ics}");
    let (_, _, ics) = app
        .get(&format!("/sourcage/reunions/{sid}/calendrier.ics"), None)
        .await;
    assert!(ics.contains("DTSTART:20990120T130000Z"), "{backend}: {ics}");
    assert_eq!(
        app.get("/sourcage/reunions/999999/calendrier.ics", None)
            .await
            .0
            .as_u16(),
        404
    );
    // The personal feed: the promoted firm's slot (10:20–10:40 Paris = 08:20–08:40 UTC).
    let (status, _, _) = app
        .post("/api/sourcing/calendar-token", &[], Some(&firms[3].0))
        .await;
    ok(status, "");
    let token = users::Entity::find_by_id(user_id(app, &firms[3].2).await)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .calendar_token
        .unwrap();
    let (status, _, feed) = app.get(&format!("/agenda/{token}.ics"), None).await;
    assert_eq!(status.as_u16(), 200);
    assert!(
        feed.contains("DTSTART:20990715T082000Z") && feed.contains("DTEND:20990715T084000Z"),
        "{backend}: {feed}"
    );
    assert!(
        !feed.contains("20990120"),
        "{backend}: not registered to the seated meeting"
    );
    assert_eq!(
        app.get("/agenda/00000000000000000000000000000000.ics", None)
            .await
            .0
            .as_u16(),
        404
    );
    assert_eq!(
        app.get("/agenda/../../etc/passwd", None).await.0.as_u16(),
        404
    );

    // Reminders: the day before, once each.
    let mailer =
        app::server::infra::mail::Mailer::new(None, "Passerelle <t@passerelle.example>").unwrap();
    let before = m.starts_at - chrono::Duration::hours(12);
    let sent =
        app::server::sourcing::meetings::send_reminders(&app.db, &mailer, "http://x", before)
            .await
            .unwrap();
    assert_eq!(sent, 3, "{backend}: three confirmed slots");
    let again =
        app::server::sourcing::meetings::send_reminders(&app.db, &mailer, "http://x", before)
            .await
            .unwrap();
    assert_eq!(again, 0, "{backend}");
    let seats_early = seats.starts_at - chrono::Duration::hours(30);
    assert_eq!(
        app::server::sourcing::meetings::send_reminders(&app.db, &mailer, "http://x", seats_early)
            .await
            .unwrap(),
        0,
        "{backend}: too early"
    );

    // The buyer cancels a meeting with a reason; registering is then refused.
    let (status, _, _) = app
        .post(
            "/api/sourcing/meeting/cancel",
            &[("id", &sid), ("note", "")],
            Some(&buyer),
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    let (status, _, body) = app
        .post(
            "/api/sourcing/meeting/cancel",
            &[("id", &sid), ("note", "Salle indisponible")],
            Some(&buyer),
        )
        .await;
    ok(status, &body);
    let (s, body) = register(firms[3].0.clone(), firms[3].1.clone(), sid.clone(), "").await;
    assert_eq!(s, 422, "{backend}");
    assert!(body.contains("sourcing.registration_closed"));
    let told = notifications::Entity::find()
        .filter(notifications::Column::Title.contains("annulée"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(told, 3, "{backend}: the two seated and the waiting firm");
}

both_dbs! {
    "meetings_seats",
    #[tokio::test]
    async fn seats_are_confirmed_in_order_then_a_waiting_list(backend, url) {
        seated(backend, &url).await;
    }
}

both_dbs! {
    "meetings_slots",
    #[tokio::test]
    async fn slots_are_held_once_and_a_cancellation_promotes_the_first_waiting(backend, url) {
        let st = seated(backend, &url).await;
        slotted_and_cancelled(backend, &st).await;
    }
}

/// `n` businesses, each with one member: their (user id, organisation id).
async fn many_firms(app: &TestApp, n: usize) -> Vec<(i32, i32)> {
    let now = chrono::Utc::now();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let u = users::ActiveModel {
            email: Set(format!("course{i}@entreprise.example")),
            display_name: Set(format!("Personne {i} (fictive)")),
            password_hash: Set("-".into()),
            is_admin: Set(false),
            is_analyst: Set(false),
            lang: Set("fr".into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let o = organisations::ActiveModel {
            kind: Set("business".into()),
            siret: Set(format!("9{i:013}")),
            name: Set(format!("Entreprise {i} (fictive)")),
            is_public: Set(true),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        memberships::ActiveModel {
            user_id: Set(u.id),
            organisation_id: Set(o.id),
            role: Set("owner".into()),
            status: Set("active".into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        out.push((u.id, o.id));
    }
    out
}

both_dbs! {
    "sourcing_race",
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_hundred_simultaneous_registrations_never_overbook(backend, url) {
        let app = TestApp::new(&url).await;
        let (_, _, plan) = buyer_with_plan(&app).await;
        let caller = app::server::auth::Caller::for_user(
            &app.db,
            user_id(&app, "achats@ville.example").await,
        )
        .await
        .unwrap();
        let firms = many_firms(&app, 200).await;
        for (slotted, capacity) in [(false, 7), (true, 5)] {
            let form = app::domain::sourcing::MeetingForm {
                title: "Rencontre très demandée".into(),
                day: "2099-02-10".into(),
                start: "14:00".into(),
                end: if slotted {
                    "15:40".into()
                } else {
                    "16:00".into()
                },
                place: "Mairie".into(),
                capacity: if slotted {
                    String::new()
                } else {
                    capacity.to_string()
                },
                slot_minutes: if slotted { "20".into() } else { String::new() },
                deadline_day: "2099-02-01".into(),
                deadline_time: "18:00".into(),
                ..Default::default()
            };
            let meeting = app::server::sourcing::meetings::create(&app.db, &caller, plan, &form)
                .await
                .unwrap();
            let tasks: Vec<_> = firms
                .iter()
                .map(|&(user, org)| {
                    let db = app.db.clone();
                    tokio::spawn(async move {
                        app::server::sourcing::meetings::register(
                            &db,
                            UserId(user),
                            MeetingId(meeting),
                            OrgId(org),
                            None,
                        )
                            .await
                    })
                })
                .collect();
            let mut confirmed = 0;
            for t in tasks {
                match t.await.unwrap() {
                    Ok(app::domain::sourcing::RegStatus::Confirmed) => confirmed += 1,
                    Ok(_) => {}
                    Err(e) => panic!("{backend}: a registration failed: {e:?}"),
                }
            }
            assert_eq!(confirmed, capacity, "{backend} slotted={slotted}");
            let rows = meeting_registrations::Entity::find()
                .filter(meeting_registrations::Column::MeetingId.eq(meeting))
                .all(&app.db)
                .await
                .unwrap();
            assert_eq!(
                rows.len(),
                200,
                "{backend}: every firm registered or waiting"
            );
            let held: Vec<&meeting_registrations::Model> =
                rows.iter().filter(|r| r.status == "confirmed").collect();
            assert_eq!(held.len() as i32, capacity, "{backend}");
            if slotted {
                let mut slots: Vec<i32> = held.iter().filter_map(|r| r.slot).collect();
                slots.sort();
                assert_eq!(
                    slots,
                    (0..capacity).collect::<Vec<_>>(),
                    "{backend}: one firm a slot"
                );
            }
        }
    }
}
