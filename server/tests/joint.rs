//! Groupements de commandes on SQLite and PostgreSQL: only the plan's verified buyer opens and
//! decides; only other verified buyers join, until the last day; the totals firms read count
//! the coordinator and the accepted parts alone, never a member's note; the members read the
//! sourcing's answers and the firms' interest, nobody else does.

use crate::common;

use app::server::infra::entities::{plan_co_buyer_parts, plan_co_buyers, plan_lots, plans};
use common::{notified, ok, org, unverified_org, user_id, verify, TestApp};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::Value;

const NOTE: &str = "Note interne : budget voté en mars";

struct Territory {
    app: TestApp,
    lyon: String,
    irigny: String,
    vaulx: String,
    unverified: String,
    firm: String,
    irigny_id: i32,
    vaulx_id: i32,
    unverified_id: i32,
    firm_id: i32,
    plan: i32,
    lots: Vec<i32>,
}

/// Lyon (verified) plans school supplies in two lots (30 000 € and 12 000 €); Irigny and
/// Vaulx-en-Velin are verified buyers, another buyer is not verified, a firm is a firm.
async fn territory(url: &str) -> Territory {
    let app = TestApp::new(url).await;
    let lyon = app.signup("achats@lyon.example").await;
    let irigny = app.signup("mairie@irigny.example").await;
    let vaulx = app.signup("achats@vaulx.example").await;
    let unverified = app.signup("mairie@nouvelle.example").await;
    let firm = app.signup("gerant@papeterie.example").await;
    let lyon_id = org(&app, &lyon, "buyer", "216 901 231 00011", "Ville de Lyon").await;
    verify(&app, lyon_id).await;
    let irigny_id = org(&app, &irigny, "buyer", "216 901 000 00002", "Irigny").await;
    verify(&app, irigny_id).await;
    let vaulx_id = org(&app, &vaulx, "buyer", "216 901 000 00010", "Vaulx-en-Velin").await;
    verify(&app, vaulx_id).await;
    let unverified_id = unverified_org(
        &app,
        &unverified,
        "buyer",
        "216 901 000 00028",
        "Commune nouvelle",
    )
    .await;
    let firm_id = org(&app, &firm, "business", "120 027 016 00027", "Papeterie").await;
    let caller =
        app::server::auth::Caller::for_user(&app.db, user_id(&app, "achats@lyon.example").await)
            .await
            .unwrap();
    let form = app::domain::programming::PlanForm {
        title: "Fournitures scolaires".into(),
        procedure: "open".into(),
        publication: "T2 2099".into(),
        ..Default::default()
    };
    let plan = app::server::programming::create(&app.db, &caller, lyon_id, &form)
        .await
        .unwrap();
    for (title, amount) in [("Papeterie", "30000"), ("Cartables", "12000")] {
        app::server::programming::add_lot(
            &app.db,
            &caller,
            plan,
            title,
            "",
            amount,
            amount,
            &Default::default(),
        )
        .await
        .unwrap();
    }
    let lots = plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(plan))
        .order_by_asc(plan_lots::Column::Number)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.id)
        .collect();
    Territory {
        app,
        lyon,
        irigny,
        vaulx,
        unverified,
        firm,
        irigny_id,
        vaulx_id,
        unverified_id,
        firm_id,
        plan,
        lots,
    }
}

impl Territory {
    async fn view(&self, cookie: Option<&str>) -> Value {
        let (status, _, body) = self
            .app
            .get(&format!("/api/plans/joint?plan_id={}", self.plan), cookie)
            .await;
        ok(status, &body);
        serde_json::from_str(&body).unwrap()
    }

    async fn open(&self, cookie: &str, deadline: &str) -> (u16, String) {
        let plan = self.plan.to_string();
        let (status, _, body) = self
            .app
            .post(
                "/api/plans/joint/open",
                &[
                    ("plan_id", plan.as_str()),
                    (
                        "form[convention]",
                        "Chaque membre paie ses commandes ; Lyon mène l'appel d'offres.",
                    ),
                    ("form[deadline]", deadline),
                ],
                Some(cookie),
            )
            .await;
        (status.as_u16(), body)
    }

    /// Asks to join lot 2 with `amount` for `org_id`.
    async fn ask(&self, cookie: Option<&str>, org_id: i32, amount: &str) -> (u16, String) {
        let (plan, org_id) = (self.plan.to_string(), org_id.to_string());
        let key = format!("amount[{}]", self.lots[1]);
        let quantity = format!("quantity[{}]", self.lots[1]);
        let (status, _, body) = self
            .app
            .post(
                "/api/plans/joint/ask",
                &[
                    ("plan_id", plan.as_str()),
                    ("org_id", org_id.as_str()),
                    (key.as_str(), amount),
                    (quantity.as_str(), "300 cartables"),
                    ("communes", "Irigny, Vernaison"),
                    ("contact", "Service achats, 04 00 00 00 00"),
                    ("note", NOTE),
                ],
                cookie,
            )
            .await;
        (status.as_u16(), body)
    }

    async fn decide(&self, cookie: &str, id: i32, decision: &str, reason: &str) -> (u16, String) {
        let id = id.to_string();
        let (status, _, body) = self
            .app
            .post(
                "/api/plans/joint/decide",
                &[
                    ("id", id.as_str()),
                    ("decision", decision),
                    ("reason", reason),
                ],
                Some(cookie),
            )
            .await;
        (status.as_u16(), body)
    }

    async fn withdraw(&self, cookie: &str, id: i32) -> (u16, String) {
        let id = id.to_string();
        let (status, _, body) = self
            .app
            .post(
                "/api/plans/joint/withdraw",
                &[("id", id.as_str())],
                Some(cookie),
            )
            .await;
        (status.as_u16(), body)
    }

    async fn request_of(&self, buyer: i32) -> plan_co_buyers::Model {
        plan_co_buyers::Entity::find()
            .filter(plan_co_buyers::Column::BuyerId.eq(buyer))
            .one(&self.app.db)
            .await
            .unwrap()
            .unwrap()
    }

    async fn rows(&self) -> Vec<(i32, String)> {
        plan_co_buyers::Entity::find()
            .order_by_asc(plan_co_buyers::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.buyer_id, r.status))
            .collect()
    }
}

both_dbs! {
    "joint_rights_totals",
    #[tokio::test]
    async fn buyers_join_a_groupement_by_its_rules_and_firms_read_the_totals(backend, url) {
        let t = territory(&url).await;
        // Not open yet: nobody may ask.
        let (status, _) = t.ask(Some(&t.irigny), t.irigny_id, "12000").await;
        assert_eq!(status, 404, "{backend}");

        // Only the plan's verified buyer opens it; the last day is neither past nor after the
        // expected publication.
        for cookie in [&t.irigny, &t.firm, &t.unverified] {
            assert_eq!(t.open(cookie, "2099-01-15").await.0, 403, "{backend}");
        }
        let (status, body) = t.open(&t.lyon, "2020-01-15").await;
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("joint.deadline_past"), "{body}");
        let (status, body) = t.open(&t.lyon, "2099-12-01").await;
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("joint.deadline_after_publication"), "{body}");
        let p = plans::Entity::find_by_id(t.plan).one(&t.app.db).await.unwrap().unwrap();
        assert_eq!(p.joint_convention, None, "{backend}: a refused opening changes nothing");
        // Vaulx watches for open groupements, Irigny for every new plan: only Vaulx is told
        // when Lyon opens an existing plan.
        for (cookie, query) in [(&t.vaulx, "groupement=ouvert"), (&t.irigny, "")] {
            let (status, _, body) = t
                .app
                .post(
                    "/api/alerts/save",
                    &[("name", "Veille"), ("frequency", "instant"), ("query", query)],
                    Some(cookie),
                )
                .await;
            ok(status, &body);
        }
        let (status, body) = t.open(&t.lyon, "2099-01-15").await;
        ok(axum::http::StatusCode::from_u16(status).unwrap(), &body);
        assert!(
            notified(&t.app, "achats@vaulx.example")
                .await
                .iter()
                .any(|n| n == "Groupement de commandes ouvert : Fournitures scolaires — Ville de Lyon"),
            "{backend}"
        );
        assert!(notified(&t.app, "mairie@irigny.example").await.is_empty(), "{backend}");
        // Changing the convention alerts nobody again.
        assert_eq!(t.open(&t.lyon, "2099-01-20").await.0, 200);
        assert_eq!(notified(&t.app, "achats@vaulx.example").await.len(), 1, "{backend}");

        // Who may ask: not a visitor, a firm, an unverified buyer, the coordinator itself, nor
        // anyone in another buyer's name.
        assert_eq!(t.ask(None, t.irigny_id, "12000").await.0, 401, "{backend}");
        assert_eq!(t.ask(Some(&t.firm), t.firm_id, "12000").await.0, 403, "{backend}");
        assert_eq!(
            t.ask(Some(&t.unverified), t.unverified_id, "12000").await.0,
            403,
            "{backend}"
        );
        assert_eq!(t.ask(Some(&t.vaulx), t.irigny_id, "12000").await.0, 403, "{backend}");
        let lyon_id = p.buyer_id;
        let (status, body) = t.ask(Some(&t.lyon), lyon_id, "12000").await;
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("joint.own_plan"), "{body}");
        // A bad amount: a message, nothing stored.
        let (status, body) = t.ask(Some(&t.irigny), t.irigny_id, "douze mille").await;
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("validation.number"), "{body}");
        assert!(t.rows().await.is_empty(), "{backend}");

        // Irigny asks for lot 2 with 12 000 €; the coordinator's members are told.
        let (status, body) = t.ask(Some(&t.irigny), t.irigny_id, "12 000").await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert!(
            notified(&t.app, "achats@lyon.example")
                .await
                .iter()
                .any(|n| n.contains("Irigny demande à rejoindre")),
            "{backend}"
        );
        let irigny_req = t.request_of(t.irigny_id).await;
        assert_eq!(irigny_req.status, "asked");
        let parts = plan_co_buyer_parts::Entity::find()
            .filter(plan_co_buyer_parts::Column::CoBuyerId.eq(irigny_req.id))
            .all(&t.app.db)
            .await
            .unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!((parts[0].lot_id, parts[0].amount), (Some(t.lots[1]), 12_000));
        // Asked is not counted: the firms read the coordinator alone.
        let public = t.view(None).await;
        assert_eq!(public["totals"]["buyers"], 1, "{backend}");
        assert_eq!(public["totals"]["amount"], 42_000, "{backend}");

        // Only the coordinator decides: not the asker, not another buyer, not a firm.
        for cookie in [&t.irigny, &t.vaulx, &t.firm] {
            assert_eq!(t.decide(cookie, irigny_req.id, "accept", "").await.0, 403, "{backend}");
        }
        let (status, body) = t.decide(&t.lyon, irigny_req.id, "accept", "").await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert!(
            notified(&t.app, "mairie@irigny.example")
                .await
                .iter()
                .any(|n| n.contains("Vous êtes membre")),
            "{backend}"
        );
        // The totals count Irigny's part; the firms never read its note nor its contact.
        let public = t.view(Some(&t.firm)).await;
        assert_eq!(public["totals"]["buyers"], 2, "{backend}");
        assert_eq!(public["totals"]["amount"], 54_000, "{backend}");
        assert_eq!(public["totals"]["lots"][1]["amount"], 24_000, "{backend}");
        assert_eq!(public["totals"]["lots"][1]["buyers"], 2, "{backend}");
        assert_eq!(public["members"][0]["buyer_name"], "Irigny", "{backend}");
        assert_eq!(public["communes"], serde_json::json!(["Irigny", "Vernaison"]));
        let text = public.to_string();
        assert!(!text.contains(NOTE) && !text.contains("04 00 00"), "{backend}: {text}");
        assert_eq!(public["requests"], serde_json::json!([]));
        // The coordinator reads the request whole.
        let coordinator = t.view(Some(&t.lyon)).await;
        assert_eq!(coordinator["requests"][0]["note"], NOTE, "{backend}");
        // The list's page says it to the firms too.
        let (status, _, page) = t.app.get(&format!("/programmation/{}", t.plan), None).await;
        assert_eq!(status.as_u16(), 200);
        assert!(page.contains("2 acheteurs, estimation totale 54"), "{backend}");
        assert!(!page.contains(NOTE), "{backend}");

        // The API says the same.
        let (status, _, api) = t
            .app
            .get(&format!("/api/v1/programmation/{}", t.plan), None)
            .await;
        assert_eq!(status.as_u16(), 200, "{backend}: {api}");
        let api: Value = serde_json::from_str(&api).unwrap();
        assert_eq!(api["joint"]["buyers"], 2, "{backend}");
        assert_eq!(api["joint"]["total_estimate_eur"], 54_000);
        assert_eq!(api["joint"]["members"][0]["parts"][0]["lot"], 2);
        assert_eq!(api["joint"]["members"][0]["parts"][0]["estimate_eur"], 12_000);
        assert!(!api.to_string().contains(NOTE));

        // Vaulx asks; a member cannot accept it; a refusal needs its reason, which Vaulx reads.
        assert_eq!(t.ask(Some(&t.vaulx), t.vaulx_id, "5000").await.0, 200, "{backend}");
        let vaulx_req = t.request_of(t.vaulx_id).await;
        assert_eq!(t.decide(&t.irigny, vaulx_req.id, "accept", "").await.0, 403, "{backend}");
        let (status, body) = t.decide(&t.lyon, vaulx_req.id, "refuse", " ").await;
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("joint.reason_needed"), "{body}");
        assert_eq!(t.request_of(t.vaulx_id).await.status, "asked", "{backend}");
        let (status, _) = t
            .decide(&t.lyon, vaulx_req.id, "refuse", "Hors du périmètre de la convention")
            .await;
        assert_eq!(status, 200, "{backend}");
        let vaulx_view = t.view(Some(&t.vaulx)).await;
        assert_eq!(vaulx_view["mine"][0]["status"], "Refused", "{backend}");
        assert_eq!(
            vaulx_view["mine"][0]["reason"],
            "Hors du périmètre de la convention"
        );
        // Decided once: accepting it now is refused.
        let (status, body) = t.decide(&t.lyon, vaulx_req.id, "accept", "").await;
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("joint.not_pending"), "{body}");

        // Withdrawal: only its own members withdraw a buyer; then the totals drop its part.
        assert_eq!(t.withdraw(&t.vaulx, irigny_req.id).await.0, 403, "{backend}");
        assert_eq!(t.withdraw(&t.lyon, irigny_req.id).await.0, 403, "{backend}");
        let (status, body) = t.withdraw(&t.irigny, irigny_req.id).await;
        assert_eq!(status, 200, "{backend}: {body}");
        let public = t.view(None).await;
        assert_eq!(public["totals"]["buyers"], 1, "{backend}");
        assert_eq!(public["totals"]["amount"], 42_000, "{backend}");
        // Asking again before the last day: asked anew, accepted anew.
        assert_eq!(t.ask(Some(&t.irigny), t.irigny_id, "12000").await.0, 200);
        assert_eq!(t.decide(&t.lyon, irigny_req.id, "accept", "").await.0, 200);

        // After the last day nothing of the members changes, and the message says the day.
        let p = plans::Entity::find_by_id(t.plan).one(&t.app.db).await.unwrap().unwrap();
        let mut m: plans::ActiveModel = p.into();
        let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(2);
        m.joint_deadline = Set(Some(yesterday));
        m.update(&t.app.db).await.unwrap();
        let before = t.rows().await;
        let (status, body) = t.ask(Some(&t.vaulx), t.vaulx_id, "5000").await;
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("joint.deadline_passed"), "{body}");
        assert!(body.contains(&yesterday.format("%d/%m/%Y").to_string()), "{body}");
        let (status, body) = t.withdraw(&t.irigny, irigny_req.id).await;
        assert_eq!(status, 422, "{backend}");
        assert!(body.contains("joint.deadline_passed"), "{body}");
        assert_eq!(t.rows().await, before, "{backend}: nothing changed");
        assert_eq!(t.view(None).await["joinable"], false);
        assert_eq!(
            plan_co_buyer_parts::Entity::find().count(&t.app.db).await.unwrap(),
            2,
            "{backend}"
        );
    }
}

both_dbs! {
    "joint_sourcing",
    #[tokio::test]
    async fn the_members_read_the_sourcing_answers_and_nobody_else(backend, url) {
        let t = territory(&url).await;
        let (status, body) = t.open(&t.lyon, "2099-01-15").await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(t.ask(Some(&t.irigny), t.irigny_id, "12000").await.0, 200);
        assert_eq!(t.ask(Some(&t.vaulx), t.vaulx_id, "8000").await.0, 200);
        let irigny_req = t.request_of(t.irigny_id).await;
        assert_eq!(t.decide(&t.lyon, irigny_req.id, "accept", "").await.0, 200);

        // Lyon runs a call; the firm answers it and signals its interest.
        let plan = t.plan.to_string();
        let (status, _, body) = t
            .app
            .post(
                "/api/sourcing/call/create",
                &[
                    ("plan_id", plan.as_str()),
                    ("title", "Cartables recyclés"),
                    ("deadline_day", "2099-01-01"),
                    ("deadline_time", "12:00"),
                ],
                Some(&t.lyon),
            )
            .await;
        ok(status, &body);
        let call = app::server::infra::entities::sourcing_calls::Entity::find()
            .one(&t.app.db)
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let (status, _, body) = t
            .app
            .post(
                "/api/sourcing/call/question/add",
                &[("id", call.as_str()), ("kind", "text"), ("label", "Vos délais ?")],
                Some(&t.lyon),
            )
            .await;
        ok(status, &body);
        // A member does not run the call.
        let (status, _, _) = t
            .app
            .post("/api/sourcing/call/open", &[("id", call.as_str())], Some(&t.irigny))
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, body) = t
            .app
            .post("/api/sourcing/call/open", &[("id", call.as_str())], Some(&t.lyon))
            .await;
        ok(status, &body);
        let q = app::server::infra::entities::sourcing_questions::Entity::find()
            .one(&t.app.db)
            .await
            .unwrap()
            .unwrap()
            .id;
        let firm = t.firm_id.to_string();
        let field = format!("answers[q{q}]");
        let (status, _, body) = t
            .app
            .post(
                "/api/sourcing/call/answer",
                &[
                    ("id", call.as_str()),
                    ("org_id", firm.as_str()),
                    (field.as_str(), "Six semaines depuis Vénissieux"),
                ],
                Some(&t.firm),
            )
            .await;
        ok(status, &body);
        let (status, _, body) = t
            .app
            .post(
                "/api/plans/interest/add",
                &[("plan_id", plan.as_str()), ("org_id", firm.as_str())],
                Some(&t.firm),
            )
            .await;
        ok(status, &body);

        // The accepted member reads every answer, their CSV, the interested firms.
        let answers = |cookie: Option<String>| {
            let (app, call) = (&t.app, call.clone());
            async move {
                let (status, _, body) = app
                    .get(&format!("/api/sourcing/call/get?id={call}"), cookie.as_deref())
                    .await;
                assert_eq!(status.as_u16(), 200, "{body}");
                body
            }
        };
        assert!(answers(Some(t.irigny.clone())).await.contains("Six semaines depuis"));
        let (status, _, csv) = t
            .app
            .get(&format!("/compte/sourcage/appels/{call}/reponses.csv"), Some(&t.irigny))
            .await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        assert!(csv.contains("Six semaines depuis"), "{backend}");
        let (status, _, body) = t
            .app
            .get(&format!("/api/plans/interests?plan_id={plan}"), Some(&t.irigny))
            .await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        assert!(body.contains("Papeterie"), "{backend}");
        // On the plan's page too, with the groupement.
        assert!(t.view(Some(&t.irigny)).await["interests"].to_string().contains("Papeterie"));
        assert_eq!(t.view(Some(&t.vaulx)).await["interests"], serde_json::json!([]));

        // Nobody else: a buyer that only asked, another firm, a visitor.
        for cookie in [Some(t.vaulx.clone()), Some(t.unverified.clone()), None] {
            assert!(!answers(cookie.clone()).await.contains("Six semaines"), "{backend}");
            let (status, _, _) = t
                .app
                .get(&format!("/compte/sourcage/appels/{call}/reponses.csv"), cookie.as_deref())
                .await;
            assert!(matches!(status.as_u16(), 401 | 403), "{backend}: {status}");
            let (status, _, _) = t
                .app
                .get(&format!("/api/plans/interests?plan_id={plan}"), cookie.as_deref())
                .await;
            assert!(matches!(status.as_u16(), 401 | 403), "{backend}: {status}");
        }
        // A meeting: the member reads its attendees (not cancels it); others do not.
        let mut meeting = vec![
            ("plan_id", plan.clone()),
            ("form[title]", "Réunion d'information".to_string()),
            ("form[day]", "2099-01-20".to_string()),
            ("form[start]", "14:00".to_string()),
            ("form[end]", "16:00".to_string()),
            ("form[place]", "Hôtel de ville".to_string()),
            ("form[online_url]", String::new()),
            ("form[capacity]", "10".to_string()),
            ("form[slot_minutes]", String::new()),
            ("form[deadline_day]", "2099-01-10".to_string()),
            ("form[deadline_time]", "18:00".to_string()),
        ];
        let pairs: Vec<(&str, &str)> = meeting.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, body) = t.app.post("/api/sourcing/meeting/create", &pairs, Some(&t.lyon)).await;
        ok(status, &body);
        meeting.clear();
        let m = app::server::infra::entities::meetings::Entity::find()
            .one(&t.app.db)
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let (_, _, body) = t.app.get(&format!("/api/sourcing/meeting/get?id={m}"), Some(&t.irigny)).await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((v["can_read"].as_bool(), v["can_manage"].as_bool()), (Some(true), Some(false)), "{backend}");
        let (status, _, _) = t.app.get(&format!("/api/sourcing/meeting/admin?id={m}"), Some(&t.irigny)).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        let (status, _, _) = t
            .app
            .post("/api/sourcing/meeting/cancel", &[("id", m.as_str()), ("note", "Annulée")], Some(&t.irigny))
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (_, _, body) = t.app.get(&format!("/api/sourcing/meeting/get?id={m}"), Some(&t.vaulx)).await;
        assert!(body.contains("\"can_read\":false"), "{backend}: {body}");
        let (status, _, _) = t.app.get(&format!("/api/sourcing/meeting/admin?id={m}"), Some(&t.vaulx)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");

        // A member that withdrew reads no more.
        assert_eq!(t.withdraw(&t.irigny, irigny_req.id).await.0, 200);
        assert!(!answers(Some(t.irigny.clone())).await.contains("Six semaines"), "{backend}");
    }
}

both_dbs! {
    "joint_member_contract",
    #[tokio::test]
    async fn once_awarded_each_member_links_its_own_contract_and_nobody_else_does(backend, url) {
        use app::server::infra::entities::contracts;
        let t = territory(&url).await;
        assert_eq!(t.open(&t.lyon, "2099-01-15").await.0, 200, "{backend}");
        assert_eq!(t.ask(Some(&t.irigny), t.irigny_id, "12 000").await.0, 200, "{backend}");
        assert_eq!(t.ask(Some(&t.vaulx), t.vaulx_id, "5 000").await.0, 200, "{backend}");
        let irigny_req = t.request_of(t.irigny_id).await;
        let vaulx_req = t.request_of(t.vaulx_id).await;
        assert_eq!(t.decide(&t.lyon, irigny_req.id, "accept", "").await.0, 200, "{backend}");
        let contract = |uid: &str, siret: &str| contracts::ActiveModel {
            uid: Set(uid.into()),
            kind: Set("marche".into()),
            source_id: Set(uid.into()),
            buyer_siret: Set(siret.into()),
            object: Set(Some(format!("Fournitures scolaires {uid}"))),
            cpv_division: Set(Some("30".into())),
            notified_on: Set(chrono::NaiveDate::from_ymd_opt(2099, 3, 1)),
            amount_cents: Set(Some(1_200_000)),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let irigny_c = contract("I-1", "21690100000002").insert(&t.app.db).await.unwrap().id;
        let vaulx_c = contract("V-1", "21690100000010").insert(&t.app.db).await.unwrap().id;
        let link = |cookie: String, id: i32, contract: String| {
            let app = &t.app;
            async move {
                let id = id.to_string();
                let (status, _, body) = app
                    .post(
                        "/api/plans/joint/contract",
                        &[("id", id.as_str()), ("contract", contract.as_str())],
                        Some(&cookie),
                    )
                    .await;
                (status.as_u16(), body)
            }
        };
        let linked = |id: i32| {
            let db = t.app.db.clone();
            async move {
                plan_co_buyers::Entity::find_by_id(id).one(&db).await.unwrap().unwrap().contract_id
            }
        };

        // Not awarded yet: nothing to link, and nothing offered.
        let (status, body) = link(t.irigny.clone(), irigny_req.id, irigny_c.to_string()).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.contains("plan.not_awarded"), "{body}");
        assert_eq!(t.view(Some(&t.irigny)).await["contracts"], serde_json::json!([]));

        let p = plans::Entity::find_by_id(t.plan).one(&t.app.db).await.unwrap().unwrap();
        let mut m: plans::ActiveModel = p.into();
        m.status = Set("awarded".into());
        m.update(&t.app.db).await.unwrap();

        // The member is offered its own contracts, not another buyer's; others are offered none.
        let v = t.view(Some(&t.irigny)).await;
        let offered = v["contracts"][0]["link"]["candidates"].to_string();
        assert_eq!(v["contracts"][0]["request_id"], irigny_req.id, "{backend}");
        assert!(offered.contains("I-1") && !offered.contains("V-1"), "{backend}: {offered}");
        for cookie in [&t.vaulx, &t.lyon, &t.firm] {
            assert_eq!(t.view(Some(cookie)).await["contracts"], serde_json::json!([]), "{backend}");
        }

        // Refused, changing nothing: a buyer still asking, the coordinator for a member,
        // another buyer's contract, a firm, a visitor, a contract that is no number.
        let (status, body) = link(t.vaulx.clone(), vaulx_req.id, vaulx_c.to_string()).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.contains("joint.not_member"), "{body}");
        let (status, _) = link(t.lyon.clone(), irigny_req.id, irigny_c.to_string()).await;
        assert_eq!(status, 403, "{backend}");
        let (status, _) = link(t.firm.clone(), irigny_req.id, irigny_c.to_string()).await;
        assert_eq!(status, 403, "{backend}");
        let (status, body) = link(t.irigny.clone(), irigny_req.id, vaulx_c.to_string()).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.contains("validation.unknown_choice"), "{body}");
        let (status, _) = link(t.irigny.clone(), irigny_req.id, "1 OR 1=1".into()).await;
        assert_eq!(status, 422, "{backend}");
        let id = irigny_req.id.to_string();
        let (status, _, _) = t
            .app
            .post("/api/plans/joint/contract", &[("id", id.as_str()), ("contract", &irigny_c.to_string())], None)
            .await;
        assert_eq!(status.as_u16(), 401, "{backend}");
        assert_eq!(linked(irigny_req.id).await, None, "{backend}");
        assert_eq!(linked(vaulx_req.id).await, None, "{backend}");

        // The member links its own: everyone reads it beside the member's name.
        let (status, body) = link(t.irigny.clone(), irigny_req.id, irigny_c.to_string()).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(linked(irigny_req.id).await, Some(irigny_c), "{backend}");
        for cookie in [None, Some(t.firm.as_str())] {
            let member = &t.view(cookie).await["members"][0];
            assert_eq!(member["contract"][0], irigny_c, "{backend}");
            assert!(member["contract"][1].as_str().unwrap().contains("Fournitures scolaires I-1"));
        }
        let (status, _, body) = t
            .app
            .get(&format!("/api/v1/programmation/{}", t.plan), None)
            .await;
        ok(status, &body);
        let record: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(record["joint"]["members"][0]["contract_id"], irigny_c, "{backend}");
        // And unlinks it.
        assert_eq!(link(t.irigny.clone(), irigny_req.id, String::new()).await.0, 200);
        assert_eq!(linked(irigny_req.id).await, None, "{backend}");
        assert_eq!(t.view(None).await["members"][0]["contract"], Value::Null);
    }
}

both_dbs! {
    "joint_hints",
    #[tokio::test]
    async fn the_coordinator_is_told_who_bought_the_same_in_the_real_past_contracts(backend, url) {
        let t = territory(&url).await;
        // Real DECP records of the Métropole (2018–2019), Lyon's among them.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/decp/SUBSET_metropole_lyon_lieuExecution.json");
        app::server::imports::decp::import_file(
            &t.app.db,
            None,
            &path,
            "SUBSET_metropole_lyon_lieuExecution.json",
            None,
            |_| {},
        )
        .await
        .unwrap();
        // Sainte-Foy-lès-Lyon is on Passerelle; Lyon's plan is roofing works (CPV 45261000).
        let foy = org(&t.app, &t.irigny, "buyer", "216 902 023 00011", "Sainte-Foy-lès-Lyon").await;
        let p = plans::Entity::find_by_id(t.plan).one(&t.app.db).await.unwrap().unwrap();
        app::server::infra::entities::plan_cpv::ActiveModel {
            plan_id: Set(p.id),
            cpv_code: Set("45261000".into()),
        }
        .insert(&t.app.db)
        .await
        .unwrap();
        assert_eq!(t.open(&t.lyon, "2099-01-15").await.0, 200, "{backend}");
        // The coordinator's alone.
        for cookie in [Some(t.irigny.as_str()), Some(t.firm.as_str()), None] {
            assert_eq!(t.view(cookie).await["hints"], serde_json::json!([]), "{backend}");
        }
        let body = t.view(Some(&t.lyon)).await["hints"].to_string();
        let hints: Value = serde_json::from_str(&body).unwrap();
        let hints = hints.as_array().unwrap();
        // 15 other buyers bought works (division 45) in the file: the ten most frequent, the
        // closest class breaking ties — Chassieu (4, three in 4526), Irigny (4), Sainte-Foy (3).
        assert_eq!(hints.len(), 10, "{backend}");
        let sirets: Vec<&str> = hints.iter().map(|h| h["siret"].as_str().unwrap()).collect();
        assert_eq!(
            sirets[..3],
            ["21690271800016", "21690100900011", "21690202300011"],
            "{backend}: {body}"
        );
        assert!(!sirets.contains(&"21690123100011"), "{backend}: not Lyon itself");
        assert_eq!((hints[0]["contracts"].as_u64(), hints[0]["same_class"].as_u64()), (Some(4), Some(3)));
        assert_eq!(hints[2]["org_id"], foy, "{backend}: linked to its organisation");
        assert_eq!(hints[0]["org_id"], Value::Null);
    }
}

both_dbs! {
    "joint_open_list",
    #[tokio::test]
    async fn a_rural_commune_sees_the_groupements_serving_its_area_first(backend, url) {
        use app::server::infra::entities::organisations;
        let t = territory(&url).await;
        let set_commune = |id: i32, insee: &'static str| {
            let db = t.app.db.clone();
            async move {
                let o = organisations::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
                let mut m: organisations::ActiveModel = o.into();
                m.commune_insee = Set(Some(insee.into()));
                m.update(&db).await.unwrap();
            }
        };
        // Lyon (69123) opens its supplies until mid-January; Vaulx, placed in the Ain for the
        // test, opens its own until March, joined by Irigny, placed in Chabanière (69228).
        let lyon_id = plans::Entity::find_by_id(t.plan).one(&t.app.db).await.unwrap().unwrap().buyer_id;
        set_commune(lyon_id, "69123").await;
        set_commune(t.vaulx_id, "01053").await;
        set_commune(t.irigny_id, "69228").await;
        assert_eq!(t.open(&t.lyon, "2099-01-15").await.0, 200);
        let vaulx_caller = app::server::auth::Caller::for_user(&t.app.db, user_id(&t.app, "achats@vaulx.example").await).await.unwrap();
        let form = app::domain::programming::PlanForm {
            title: "Entretien des espaces verts".into(),
            procedure: "adapted".into(),
            publication: "T2 2099".into(),
            cpv: "77311000".into(),
            estimate_max: "90 000".into(),
            ..Default::default()
        };
        let vaulx_plan = app::server::programming::create(&t.app.db, &vaulx_caller, t.vaulx_id, &form).await.unwrap();
        let other = Territory { plan: vaulx_plan, lots: vec![], ..t };
        assert_eq!(other.open(&other.vaulx, "2099-03-15").await.0, 200);
        let plan = vaulx_plan.to_string();
        let org_id = other.irigny_id.to_string();
        let (status, _, body) = other.app.post(
            "/api/plans/joint/ask",
            &[("plan_id", plan.as_str()), ("org_id", org_id.as_str()), ("amount[all]", "8000"), ("communes", "Chabanière"), ("contact", "Mairie")],
            Some(&other.irigny),
        ).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let r = other.request_of(other.irigny_id).await;
        assert_eq!(other.decide(&other.vaulx, r.id, "accept", "").await.0, 200);

        let list = |cookie: Option<String>, query: &'static str| {
            let app = &other.app;
            async move {
                let (status, _, body) = app
                    .get(&format!("/api/plans/joint/open_list?query={}", urlencode(query)), cookie.as_deref())
                    .await;
                assert_eq!(status.as_u16(), 200, "{body}");
                let v: Value = serde_json::from_str(&body).unwrap();
                v["rows"].as_array().unwrap().iter().map(|r| (r["summary"]["title"].as_str().unwrap().to_string(), r["near"].as_bool().unwrap())).collect::<Vec<_>>()
            }
        };
        // A visitor: by last day.
        assert_eq!(
            list(None, "").await,
            [("Fournitures scolaires".to_string(), false), ("Entretien des espaces verts".to_string(), false)],
            "{backend}"
        );
        // Irigny (Chabanière): the groupement serving its commune first, then its department.
        assert_eq!(
            list(Some(other.irigny.clone()), "").await,
            [("Entretien des espaces verts".to_string(), true), ("Fournitures scolaires".to_string(), true)],
            "{backend}"
        );
        // By CPV words' division.
        assert_eq!(list(None, "cpv=77").await.len(), 1, "{backend}");
        // Past its last day, a groupement leaves the list.
        let p = plans::Entity::find_by_id(vaulx_plan).one(&other.app.db).await.unwrap().unwrap();
        let mut m: plans::ActiveModel = p.into();
        m.joint_deadline = Set(Some(chrono::Utc::now().date_naive() - chrono::Days::new(2)));
        m.update(&other.app.db).await.unwrap();
        assert_eq!(list(Some(other.irigny.clone()), "").await.len(), 1, "{backend}");
    }
}

fn urlencode(s: &str) -> String {
    s.replace('&', "%26").replace('=', "%3D")
}
