//! Insertion clauses on SQLite and PostgreSQL: Passerelle proposes a lot's or a plan's hours
//! from its estimate and trade (amount × labour share × rate ÷ hourly cost), keeps a buyer's own
//! number, follows the estimate while the hours are its proposal; only the plan's buyer sets a
//! lever, only an administrator changes the sizing figures; the page and the API show them.

use crate::common;

use app::server::infra::entities::{insertion_settings, insertion_trades, plan_lots, plans};
use common::{ok, org, verify, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

struct Site {
    app: TestApp,
    buyer: String,
    other: String,
    firm: String,
    plan: i32,
}

/// A verified city plans school works; another verified buyer and a firm look on.
async fn site(url: &str) -> Site {
    let app = TestApp::new(url).await;
    let buyer = app.signup("achats@ville.example").await;
    let other = app.signup("achats@voisine.example").await;
    let firm = app.signup("gerant@btp.example").await;
    let city = org(&app, &buyer, "buyer", "216 901 231 00011", "Ville").await;
    verify(&app, city).await;
    let neighbour = org(&app, &other, "buyer", "216 901 000 00002", "Voisine").await;
    verify(&app, neighbour).await;
    org(&app, &firm, "business", "120 027 016 00027", "BTP").await;
    let (status, _, body) = app
        .post(
            "/api/plans/create",
            &[
                ("org_id", &city.to_string()),
                ("form[title]", "Rénovation du groupe scolaire"),
                ("form[cpv]", "45000000"),
                ("form[estimate_min]", "800 000"),
                ("form[estimate_max]", "1 200 000"),
                ("form[procedure]", "open"),
                ("form[publication]", "T2 2099"),
                ("form[insertion_kind]", "clause"),
            ],
            Some(&buyer),
        )
        .await;
    ok(status, &body);
    let plan = plans::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    Site {
        app,
        buyer,
        other,
        firm,
        plan,
    }
}

impl Site {
    async fn add_lot(
        &self,
        who: &str,
        title: &str,
        cpv: &str,
        amount: &str,
        lever: &[(&str, &str)],
    ) -> u16 {
        let plan = self.plan.to_string();
        let mut form = vec![
            ("id", plan.as_str()),
            ("title", title),
            ("cpv[]", cpv),
            ("estimate_min", amount),
            ("estimate_max", amount),
        ];
        form.extend_from_slice(lever);
        let (status, _, body) = self.app.post("/api/plans/lot/add", &form, Some(who)).await;
        assert!(status.as_u16() != 500, "{body}");
        status.as_u16()
    }

    async fn lot(&self, title: &str) -> plan_lots::Model {
        plan_lots::Entity::find()
            .filter(plan_lots::Column::Title.eq(title))
            .one(&self.app.db)
            .await
            .unwrap()
            .unwrap()
    }

    async fn set_lot(&self, who: Option<&str>, lot: i32, lever: &[(&str, &str)]) -> (u16, String) {
        let (plan, lot) = (self.plan.to_string(), lot.to_string());
        let mut form = vec![("id", plan.as_str()), ("lot_id", lot.as_str())];
        form.extend_from_slice(lever);
        let (status, _, body) = self.app.post("/api/plans/lot/insertion", &form, who).await;
        (status.as_u16(), body)
    }

    async fn plan_row(&self) -> plans::Model {
        plans::Entity::find_by_id(self.plan)
            .one(&self.app.db)
            .await
            .unwrap()
            .unwrap()
    }
}

fn hours(l: &plan_lots::Model) -> (Option<&str>, Option<i32>, Option<i32>, bool) {
    (
        l.insertion_kind.as_deref(),
        l.insertion_hours,
        l.insertion_weight,
        l.insertion_own,
    )
}

both_dbs! {
    "insertion_sizing",
    /// Proposed hours per trade and rounding; the buyer's number kept; the estimate followed.
    #[tokio::test]
    async fn hours_are_proposed_by_trade_and_a_buyers_number_is_kept(backend, url) {
        let s = site(&url).await;
        // The plan's own clause: building works average 50 %, 1 M€ in the middle of the
        // estimate → 1 000 000 × 50 % × 5 % ÷ 30 = 833.3 → 833 h, proposed.
        let p = s.plan_row().await;
        assert_eq!(
            (p.insertion_kind.as_deref(), p.insertion_hours, p.insertion_own),
            (Some("clause"), Some(833), false),
            "{backend}"
        );

        // A 1.2 M€ masonry lot: 1 000 h exactly; painting (70 %) on 300 000 €: 350 h; food has no
        // known share of labour, so no proposal.
        let clause = [("insertion[kind]", "clause")];
        assert_eq!(s.add_lot(&s.buyer, "Gros œuvre", "45210000", "1 200 000", &clause).await, 200);
        assert_eq!(hours(&s.lot("Gros œuvre").await), (Some("clause"), Some(1_000), None, false), "{backend}");
        assert_eq!(s.add_lot(&s.buyer, "Peinture", "45442100", "300 000", &clause).await, 200);
        assert_eq!(s.lot("Peinture").await.insertion_hours, Some(350), "{backend}");
        assert_eq!(s.add_lot(&s.buyer, "Toiture", "45261000", "90 000", &clause).await, 200);
        // 90 000 × 45 % (roofing) × 5 % ÷ 30 = 67.5 → 68 h: halves round up.
        assert_eq!(s.lot("Toiture").await.insertion_hours, Some(68), "{backend}");
        assert_eq!(s.add_lot(&s.buyer, "Goûters", "15800000", "50 000", &clause).await, 200);
        assert_eq!(hours(&s.lot("Goûters").await), (Some("clause"), None, None, false), "{backend}");
        // No lever: nothing stored.
        assert_eq!(s.add_lot(&s.buyer, "Mobilier", "39160000", "40 000", &[]).await, 200);
        assert_eq!(hours(&s.lot("Mobilier").await), (None, None, None, false), "{backend}");

        // The buyer sets its own number: kept, marked as its own.
        let lot = s.lot("Gros œuvre").await.id;
        let (status, body) = s.set_lot(Some(&s.buyer), lot, &[("insertion[kind]", "both"), ("insertion[hours]", "1 500"), ("insertion[weight]", "10")]).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(hours(&s.lot("Gros œuvre").await), (Some("both"), Some(1_500), Some(10), true), "{backend}");

        // The plan's estimate changes: its proposed hours follow; a typed number stays.
        let edit = |hours: &'static str| {
            let plan = s.plan.to_string();
            let buyer = s.buyer.clone();
            let app = &s.app;
            async move {
                let (status, _, body) = app
                    .post(
                        "/api/plans/update",
                        &[
                            ("id", plan.as_str()),
                            ("form[title]", "Rénovation du groupe scolaire"),
                            ("form[cpv]", "45000000"),
                            ("form[estimate_min]", "1 800 000"),
                            ("form[estimate_max]", "1 800 000"),
                            ("form[procedure]", "open"),
                            ("form[publication]", "T2 2099"),
                            ("form[insertion_kind]", "clause"),
                            ("form[insertion_hours]", hours),
                        ],
                        Some(&buyer),
                    )
                    .await;
                ok(status, &body);
            }
        };
        edit("").await;
        assert_eq!(s.plan_row().await.insertion_hours, Some(1_500), "{backend}: 1.8 M€ × 50 % × 5 % ÷ 30");
        edit("2 000").await;
        let p = s.plan_row().await;
        assert_eq!((p.insertion_hours, p.insertion_own), (Some(2_000), true), "{backend}");

        // The editor's form leaves a proposal blank and shows its formula; the public page and
        // the API say the kind, the hours, the weight and where the hours come from.
        let (status, _, page) = s.app.get(&format!("/programmation/{}", s.plan), None).await;
        assert_eq!(status, 200, "{backend}");
        assert!(page.contains("Clause d'exécution et critère d'attribution (10\u{a0}%) · 1\u{202f}500\u{a0}h"), "{backend}");
        assert!(
            page.contains("heures proposées par Passerelle, 300\u{202f}000\u{a0}€ HT × 70 % de main-d'œuvre (Peinture et vitrerie) × 5 % d'insertion ÷ 30\u{a0}€/h ≈ 350\u{a0}h"),
            "{backend}: the lot's formula"
        );
        let (status, _, body) = s.app.get(&format!("/api/v1/programmation/{}", s.plan), None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["insertion"]["kind"], "clause", "{backend}");
        assert_eq!(v["insertion"]["hours"], 2000, "{backend}");
        assert_eq!(v["insertion"]["hours_source"], "buyer", "{backend}");
        assert_eq!(v["insertion_hours"], 2000, "{backend}");
        let lots = v["lot_details"].as_array().unwrap();
        assert_eq!(lots[0]["insertion"]["weight_pct"], 10, "{backend}");
        assert_eq!(lots[1]["insertion"]["hours_source"], "proposed", "{backend}");
        assert!(lots[4]["insertion"].is_null(), "{backend}");

        // The list's insertion filter finds a plan whose lever is on a lot only.
        let (_, _, list) = s.app.get("/programmation?levier=insertion", None).await;
        assert!(list.contains("Rénovation du groupe scolaire"), "{backend}");
    }
}

both_dbs! {
    "insertion_rights",
    /// Only the plan's buyer sets a lever; bad input changes nothing; only an administrator
    /// changes the sizing figures, which the next proposal uses.
    #[tokio::test]
    async fn only_the_buyer_sets_a_lever_and_only_an_administrator_the_figures(backend, url) {
        let s = site(&url).await;
        assert_eq!(s.add_lot(&s.buyer, "Gros œuvre", "45210000", "1 200 000", &[]).await, 200);
        let lot = s.lot("Gros œuvre").await.id;
        let clause = [("insertion[kind]", "clause")];
        assert_eq!(s.set_lot(Some(&s.other), lot, &clause).await.0, 403, "{backend}");
        assert_eq!(s.set_lot(Some(&s.firm), lot, &clause).await.0, 403, "{backend}");
        assert_eq!(s.set_lot(None, lot, &clause).await.0, 401, "{backend}");
        assert_eq!(s.add_lot(&s.firm, "Intrus", "45210000", "10 000", &clause).await, 403, "{backend}");
        // A lot of another plan, or none: not found.
        assert_eq!(s.set_lot(Some(&s.buyer), lot + 1000, &clause).await.0, 404, "{backend}");
        // Bad input: the field says why, nothing changes.
        for (lever, field) in [
            (vec![("insertion[kind]", "criterion")], "lot{}_insertion_weight"),
            (vec![("insertion[kind]", "clause"), ("insertion[weight]", "10")], "lot{}_insertion_weight"),
            (vec![("insertion[kind]", "clause"), ("insertion[hours]", "-3")], "lot{}_insertion_hours"),
            (vec![("insertion[kind]", "quota")], "lot{}_insertion_kind"),
        ] {
            let (status, body) = s.set_lot(Some(&s.buyer), lot, &lever).await;
            assert_eq!(status, 422, "{backend}: {lever:?}");
            assert!(body.contains(&field.replace("{}", &lot.to_string())), "{backend}: {body}");
            assert_eq!(hours(&s.lot("Gros œuvre").await), (None, None, None, false), "{backend}");
        }
        let bad = [("insertion[kind]", "clause"), ("insertion[hours]", "2 000 000")];
        assert_eq!(s.add_lot(&s.buyer, "Trop", "45210000", "10 000", &bad).await, 422, "{backend}");

        // The sizing figures: administrators alone, every figure bounded.
        let rates = |rate: &'static str| {
            vec![
                ("form[rate]", rate),
                ("form[hourly_cost]", "25"),
                ("form[shares][gros_oeuvre]", "60"),
            ]
        };
        let admin = s.app.admin("admin@passerelle.example").await;
        for who in [Some(&s.buyer), Some(&s.firm), None] {
            let (status, _, _) = s.app.post("/api/admin/insertion/save", &rates("10"), who.map(|c| c.as_str())).await;
            assert!(matches!(status.as_u16(), 401 | 403), "{backend}: {status}");
        }
        let (status, _, _) = s.app.get("/api/admin/insertion", Some(&s.buyer)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, body) = s.app.post("/api/admin/insertion/save", &rates("0"), Some(&admin)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        let mut unknown = rates("10");
        unknown.push(("form[shares][astrologie]", "50"));
        let (status, _, _) = s.app.post("/api/admin/insertion/save", &unknown, Some(&admin)).await;
        assert_eq!(status.as_u16(), 422, "{backend}");
        let settings = insertion_settings::Entity::find_by_id(1).one(&s.app.db).await.unwrap().unwrap();
        assert_eq!((settings.rate, settings.hourly_cost, settings.updated_by), (5, 30, None), "{backend}: unchanged");

        let (status, _, body) = s.app.post("/api/admin/insertion/save", &rates("10"), Some(&admin)).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let trade = insertion_trades::Entity::find_by_id("gros_oeuvre".to_string()).one(&s.app.db).await.unwrap().unwrap();
        assert_eq!(trade.labour_share, 60, "{backend}");
        // The other trades are untouched.
        let first = insertion_trades::Entity::find().order_by_asc(insertion_trades::Column::Position).one(&s.app.db).await.unwrap().unwrap();
        assert_eq!((first.key.as_str(), first.labour_share, first.updated_by), ("peinture", 70, None), "{backend}");
        // Stored hours stay; the next proposal uses the new figures:
        // 1 200 000 × 60 % × 10 % ÷ 25 = 2 880 h.
        let (status, body) = s.set_lot(Some(&s.buyer), lot, &clause).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(s.lot("Gros œuvre").await.insertion_hours, Some(2_880), "{backend}");
        assert_eq!(s.plan_row().await.insertion_hours, Some(833), "{backend}: kept until edited");
        let (status, _, page) = s.app.get("/admin/insertion", Some(&admin)).await;
        assert_eq!(status, 200, "{backend}");
        assert!(page.contains("Travaux de peinture et de vitrerie (4544…)"), "{backend}: CPV scope in words");
    }
}
