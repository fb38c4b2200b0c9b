//! Insertion hours worked, on SQLite and PostgreSQL: after award only the awardee's members and
//! the territory's facilitator record hours, only the facilitator validates them; no negative
//! hours, no month to come; planned against done for everyone, the entries for the parties;
//! a contract late on its hours is told of once, however many instances look.

use crate::common;

use app::server::infra::entities::{contract_awardees, contracts, insertion_hours, plans, users};
use common::{notified, ok, org, user_id, verify, TestApp};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::Value;

/// A Villeurbanne (69M) procurement of 1.2 M€ of works with an insertion clause, awarded, and
/// linked to a contract won by `awardee_siret`; its id.
async fn awarded_plan(
    app: &TestApp,
    buyer: &str,
    city: i32,
    title: &str,
    awardee_siret: &str,
) -> i32 {
    let c = city.to_string();
    let form = [
        ("org_id", c.as_str()),
        ("form[title]", title),
        ("form[cpv]", "45000000"),
        ("form[estimate_min]", "1 200 000"),
        ("form[procedure]", "open"),
        ("form[publication]", "T1 2026"),
        ("form[duration_months]", "12"),
        ("form[insertion_kind]", "clause"),
    ];
    let (status, _, body) = app.post("/api/plans/create", &form, Some(buyer)).await;
    ok(status, &body);
    let id = plans::Entity::find()
        .filter(plans::Column::Title.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let p = id.to_string();
    for (status, url) in [
        ("published", "https://marches.example/avis/1"),
        ("awarded", ""),
    ] {
        let (s, _, body) = app
            .post(
                "/api/plans/status",
                &[("id", p.as_str()), ("status", status), ("tender_url", url)],
                Some(buyer),
            )
            .await;
        ok(s, &body);
    }
    let contract = contracts::ActiveModel {
        uid: Set(format!("C-{id}")),
        kind: Set("marche".into()),
        source_id: Set(format!("C-{id}")),
        buyer_siret: Set("21690123100011".into()),
        object: Set(Some(title.into())),
        cpv_division: Set(Some("45".into())),
        notified_on: Set(Some(chrono::Utc::now().date_naive())),
        amount_cents: Set(Some(120_000_000)),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    contract_awardees::ActiveModel {
        contract_id: Set(contract.id),
        position: Set(0),
        id_type: Set("SIRET".into()),
        awardee_id: Set(awardee_siret.into()),
        name: Set(Some("BTP".into())),
        is_current: Set(true),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let cid = contract.id.to_string();
    let (s, _, body) = app
        .post(
            "/api/plans/contract",
            &[("id", p.as_str()), ("contract", cid.as_str())],
            Some(buyer),
        )
        .await;
    ok(s, &body);
    id
}

async fn facilitate(app: &TestApp, email: &str, area: &str) {
    let id = user_id(app, email).await;
    let u = users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut u: users::ActiveModel = u.into();
    u.facilitator_area = Set(Some(area.into()));
    u.update(&app.db).await.unwrap();
}

fn month(offset: i32) -> String {
    let today = app::server::programming::hours::paris_today(chrono::Utc::now());
    let first = app::domain::insertion_hours::month_of(today);
    let d = if offset >= 0 {
        first.checked_add_months(chrono::Months::new(offset as u32))
    } else {
        first.checked_sub_months(chrono::Months::new((-offset) as u32))
    };
    app::domain::insertion_hours::month_input(d.unwrap())
}

async fn entries(app: &TestApp) -> u64 {
    insertion_hours::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

both_dbs! {
    "insertion_hours_rights",
    /// Who records, validates and removes hours, with every refusal, and what each one sees.
    #[tokio::test]
    async fn the_awardee_records_and_the_facilitator_validates_and_nobody_else(backend, url) {
        let app = TestApp::new(&url).await;
        let buyer = app.signup("achats@villeurbanne.example").await;
        let awardee = app.signup("gerant@btp.example").await;
        let stranger = app.signup("gerant@autre.example").await;
        let plie = app.signup("plie@mde.example").await;
        let ain = app.signup("ain@mde.example").await;
        let city = org(&app, &buyer, "buyer", "216 901 231 00011", "Villeurbanne").await;
        verify(&app, city).await;
        org(&app, &awardee, "business", "120 027 016 00027", "BTP").await;
        org(&app, &stranger, "business", "120 027 016 00035", "Autre BTP").await;
        facilitate(&app, "plie@mde.example", "69M").await;
        facilitate(&app, "ain@mde.example", "01").await;
        let plan = awarded_plan(&app, &buyer, city, "Rénovation du gymnase", "12002701600027").await;
        let p = plan.to_string();
        let record = |period: String, kind: &'static str, hours: &'static str| {
            vec![("plan_id", p.clone()), ("period", period), ("kind", kind.to_string()), ("hours", hours.to_string())]
        };
        let post = |path: &'static str, form: Vec<(&'static str, String)>, who: Option<String>| {
            let app = &app;
            async move {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post(path, &form, who.as_deref()).await
            }
        };

        // Only the awardee and the territory's facilitator record.
        for who in [&buyer, &stranger, &ain] {
            let (status, _, body) = post("/api/insertion/hours/record", record(month(-1), "siae", "600"), Some(who.clone())).await;
            assert_eq!(status.as_u16(), 403, "{backend}: {body}");
        }
        let (status, _, _) = post("/api/insertion/hours/record", record(month(-1), "siae", "600"), None).await;
        assert_eq!(status.as_u16(), 401, "{backend}");
        // No negative hours, no month to come, no unknown type: refused, nothing stored.
        for (period, kind, hours, key) in [
            (month(-1), "siae", "-600", "insertion.hours.negative"),
            (month(1), "siae", "600", "insertion.hours.future_period"),
            (month(-1), "benevolat", "600", "validation.unknown_choice"),
            ("hier".to_string(), "siae", "600", "insertion.hours.bad_period"),
        ] {
            let (status, _, body) = post("/api/insertion/hours/record", record(period, kind, hours), Some(awardee.clone())).await;
            assert_eq!(status.as_u16(), 422, "{backend}: {body}");
            assert!(body.contains(key), "{backend}: {body}");
        }
        assert_eq!(entries(&app).await, 0, "{backend}: nothing stored");

        // The awardee records 600 h subcontracted to an SIAE; the facilitator is told.
        let (status, _, body) = post("/api/insertion/hours/record", record(month(-1), "siae", "600"), Some(awardee.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let to_validate = "Heures d'insertion à valider sur « Rénovation du gymnase »";
        assert!(notified(&app, "plie@mde.example").await.iter().any(|t| t == to_validate), "{backend}");
        assert!(notified(&app, "ain@mde.example").await.is_empty(), "{backend}");
        let (_, _, body) = app.get("/api/insertion/followed", Some(&plie)).await;
        let followed: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(followed["rows"][0][2], 1, "{backend}: one entry to validate: {followed}");
        let (_, _, home) = app.get("/", Some(&plie)).await;
        assert!(home.contains("1 saisie(s) d&#x27;heures d&#x27;insertion à valider") || home.contains("1 saisie(s) d'heures d'insertion à valider"), "{backend}: the home page's to-do");

        // Everyone sees planned and done; only the parties see the entries.
        let path = format!("/api/insertion/hours?plan_id={plan}");
        let view = |who: Option<String>| {
            let (app, path) = (&app, path.clone());
            async move {
                let (status, _, body) = app.get(&path, who.as_deref()).await;
                ok(status, &body);
                serde_json::from_str::<Value>(&body).unwrap()
            }
        };
        let public = view(None).await;
        assert_eq!((public["planned"].as_i64(), public["done"].as_i64(), public["pending"].as_i64()), (Some(1000), Some(0), Some(600)), "{backend}: {public}");
        assert_eq!(public["entries"].as_array().map(Vec::len), Some(0), "{backend}");
        assert_eq!(public["role"], Value::Null, "{backend}");
        for (who, role) in [(&buyer, "Buyer"), (&awardee, "Awardee"), (&plie, "Facilitator")] {
            let v = view(Some(who.clone())).await;
            assert_eq!(v["role"], role, "{backend}");
            assert_eq!(v["entries"].as_array().map(Vec::len), Some(1), "{backend}: {v}");
            assert_eq!(v["entries"][0]["can_validate"], role == "Facilitator", "{backend}: {role}");
        }
        let id = insertion_hours::Entity::find().one(&app.db).await.unwrap().unwrap().id.to_string();

        // Only the facilitator validates; twice changes nothing.
        for who in [&awardee, &buyer, &ain] {
            let (status, _, _) = post("/api/insertion/hours/validate", vec![("id", id.clone())], Some(who.clone())).await;
            assert_eq!(status.as_u16(), 403, "{backend}");
        }
        for _ in 0..2 {
            let (status, _, body) = post("/api/insertion/hours/validate", vec![("id", id.clone())], Some(plie.clone())).await;
            assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        }
        let v = view(None).await;
        assert_eq!((v["done"].as_i64(), v["pending"].as_i64()), (Some(600), Some(0)), "{backend}: {v}");
        assert_eq!(v["by_kind"][2], serde_json::json!(["Siae", 600]), "{backend}: {v}");
        let (status, _, page) = app.get(&format!("/programmation/{plan}"), None).await;
        assert_eq!(status, 200, "{backend}");
        assert!(page.contains("600 / 1\u{202f}000\u{a0}h"), "{backend}: the page shows planned against done");

        // The territory's figures count the validated hours, by trade and by buyer, with CSV.
        let (_, _, body) = app.get("/api/insertion/stats", None).await;
        let stats: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((stats["total"]["planned"].as_i64(), stats["total"]["done"].as_i64()), (Some(1000), Some(600)), "{backend}: {stats}");
        assert_eq!(stats["by_buyer"][0]["label"], "Villeurbanne", "{backend}");
        let (status, _, page) = app.get("/analyses/insertion", None).await;
        assert_eq!(status, 200, "{backend}");
        assert!(page.contains("600 / 1\u{202f}000\u{a0}h"), "{backend}: the analysis shows the hours");
        let (status, _, csv) = app.get("/analyses/insertion.csv?tableau=acheteurs", None).await;
        assert_eq!(status, 200, "{backend}");
        assert!(csv.lines().any(|l| l.starts_with("Villeurbanne,1,0,1,1000,600,60.00")), "{backend}: {csv}");
        let (status, _, _) = app.get("/analyses/insertion.csv?tableau=communes", None).await;
        assert_eq!(status, 404, "{backend}");

        // The open data: the API's record has the hours, the OCDS release the clause.
        let (status, _, body) = app.get(&format!("/api/v1/programmation/{plan}"), None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        let api: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(api["insertion_progress"]["validated"], 600, "{backend}: {api}");
        assert_eq!(api["insertion_progress"]["by_type"]["siae"], 600, "{backend}");
        let (status, _, body) = app.get("/programmation/export.ocds.json?etat=awarded", None).await;
        assert_eq!(status, 200, "{backend}");
        let package: Value = serde_json::from_str(&body).unwrap();
        let terms = &package["releases"][0]["tender"]["contractTerms"]["performanceTerms"];
        assert_eq!(terms, "Clause sociale d'insertion : 1000 heures de travail réservées à des personnes éloignées de l'emploi.", "{backend}");

        // A validated entry stays; an unvalidated one goes once confirmed, by who recorded it.
        let (status, _, body) = post("/api/insertion/hours/remove", vec![("id", id.clone()), ("confirm", "on".into())], Some(plie.clone())).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("insertion.hours.validated_stays"), "{backend}: {body}");
        let (status, _, _) = post("/api/insertion/hours/record", record(month(0), "direct", "35"), Some(awardee.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}: the current month is accepted");
        let second = insertion_hours::Entity::find()
            .filter(insertion_hours::Column::Hours.eq(35))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        for who in [&stranger, &buyer] {
            let (status, _, _) = post("/api/insertion/hours/remove", vec![("id", second.clone()), ("confirm", "on".into())], Some(who.clone())).await;
            assert_eq!(status.as_u16(), 403, "{backend}");
        }
        let (status, _, body) = post("/api/insertion/hours/remove", vec![("id", second.clone())], Some(awardee.clone())).await;
        assert_eq!(status.as_u16(), 422, "{backend}: not confirmed: {body}");
        assert_eq!(entries(&app).await, 2, "{backend}");
        let (status, _, body) = post("/api/insertion/hours/remove", vec![("id", second), ("confirm", "on".into())], Some(awardee.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        assert_eq!(entries(&app).await, 1, "{backend}");
        let (status, _, _) = post("/api/insertion/hours/validate", vec![("id", "999999".into())], Some(plie.clone())).await;
        assert_eq!(status.as_u16(), 404, "{backend}");

        // The buyer names another awardee by its name in the directory (before the DECP has
        // it): its members record; an unknown name is refused; a firm cannot name one.
        let name = |text: &'static str| vec![("id", p.clone()), ("awardee", text.to_string())];
        let (status, _, _) = post("/api/plans/awardee", name("autre btp"), Some(stranger.clone())).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, body) = post("/api/plans/awardee", name("BTP inconnu"), Some(buyer.clone())).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("plan.awardee_unknown"), "{backend}: {body}");
        let (status, _, body) = post("/api/plans/awardee", name("autre btp"), Some(buyer.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let told = "Vous êtes titulaire de « Rénovation du gymnase » : saisissez chaque mois les heures d'insertion réalisées";
        assert!(notified(&app, "gerant@autre.example").await.iter().any(|t| t == told), "{backend}");
        let (status, _, body) = post("/api/insertion/hours/record", record(month(0), "training", "70"), Some(stranger.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let (status, _, _) = post("/api/plans/awardee", name("120 027 016 00035"), Some(buyer.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}: by SIRET too");
        let (status, _, _) = post("/api/plans/awardee", name(""), Some(buyer.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        let (status, _, _) = post("/api/insertion/hours/record", record(month(0), "training", "70"), Some(stranger.clone())).await;
        assert_eq!(status.as_u16(), 403, "{backend}: forgotten, refused again");

        // A flood of entries for one month stops at 40.
        let period = app::domain::insertion_hours::parse_month(&month(-3)).unwrap();
        for _ in 0..39 {
            insertion_hours::ActiveModel {
                plan_id: Set(plan),
                period: Set(period),
                kind: Set("direct".into()),
                hours: Set(1),
                recorded_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
        let (status, _, _) = post("/api/insertion/hours/record", record(month(-3), "direct", "1"), Some(plie.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}: the 40th");
        let (status, _, body) = post("/api/insertion/hours/record", record(month(-3), "direct", "1"), Some(plie.clone())).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("insertion.hours.too_many"), "{backend}: {body}");
    }
}

both_dbs! {
    "insertion_hours_late",
    /// The late-hours alert: to the buyer and the facilitator, once, not for a contract on time.
    #[tokio::test]
    async fn a_contract_late_on_its_hours_is_told_of_once(backend, url) {
        let app = TestApp::new(&url).await;
        let buyer = app.signup("achats@villeurbanne.example").await;
        let awardee = app.signup("gerant@btp.example").await;
        app.signup("plie@mde.example").await;
        let city = org(&app, &buyer, "buyer", "216 901 231 00011", "Villeurbanne").await;
        verify(&app, city).await;
        org(&app, &awardee, "business", "120 027 016 00027", "BTP").await;
        facilitate(&app, "plie@mde.example", "69M").await;
        let late = awarded_plan(&app, &buyer, city, "Voirie du centre", "12002701600027").await;
        let on_time = awarded_plan(&app, &buyer, city, "Groupe scolaire", "12002701600027").await;
        // Both started eight months ago: 1 000 h over 12 months, 666 h expected by now.
        let today = app::server::programming::hours::paris_today(chrono::Utc::now());
        for id in [late, on_time] {
            let p = plans::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
            let mut p: plans::ActiveModel = p.into();
            p.start_date = Set(today.checked_sub_months(chrono::Months::new(8)));
            p.update(&app.db).await.unwrap();
        }
        let plie_id = user_id(&app, "plie@mde.example").await;
        for (plan, hours) in [(late, 300), (on_time, 400)] {
            insertion_hours::ActiveModel {
                plan_id: Set(plan),
                period: Set(app::domain::insertion_hours::month_of(today)),
                kind: Set("direct".into()),
                hours: Set(hours),
                recorded_at: Set(chrono::Utc::now()),
                validated_by: Set(Some(plie_id)),
                validated_at: Set(Some(chrono::Utc::now())),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
        // Pending hours do not count: 500 h waiting on the late one.
        insertion_hours::ActiveModel {
            plan_id: Set(late),
            period: Set(app::domain::insertion_hours::month_of(today)),
            kind: Set("siae".into()),
            hours: Set(500),
            recorded_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();

        let mailer = app::server::infra::mail::Mailer::new(None, "Passerelle <t@passerelle.example>").unwrap();
        let now = chrono::Utc::now();
        let hours = app::server::programming::hours::late_alerts;
        // Two instances at once: one of them tells.
        let (a, b) = tokio::join!(
            hours(&app.db, &mailer, "https://passerelle.example", now),
            hours(&app.db, &mailer, "https://passerelle.example", now)
        );
        assert_eq!(a.unwrap() + b.unwrap(), 1, "{backend}: the late plan only, once");
        assert_eq!(hours(&app.db, &mailer, "https://passerelle.example", now).await.unwrap(), 0, "{backend}: not twice");
        let told = "Heures d'insertion en retard sur « Voirie du centre » : 300 / 1\u{202f}000\u{a0}h validées";
        let late_ones = |email: &'static str| {
            let app = &app;
            async move {
                let all = notified(app, email).await;
                all.into_iter().filter(|t| t.contains("en retard")).collect::<Vec<_>>()
            }
        };
        for email in ["achats@villeurbanne.example", "plie@mde.example"] {
            assert_eq!(late_ones(email).await, [told], "{backend}: {email}");
        }
        assert!(late_ones("gerant@btp.example").await.is_empty(), "{backend}");
        let sent = plans::Entity::find_by_id(late).one(&app.db).await.unwrap().unwrap();
        assert!(sent.insertion_late_sent_at.is_some(), "{backend}");
        let (_, _, body) = app.get(&format!("/api/insertion/hours?plan_id={late}"), None).await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["late"], true, "{backend}: {v}");
        let (_, _, body) = app.get(&format!("/api/insertion/hours?plan_id={on_time}"), None).await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["late"], false, "{backend}: {v}");
    }
}
