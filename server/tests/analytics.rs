//! The territory's dashboards on a small real DECP sample, on SQLite and PostgreSQL: indicators
//! computed by hand from the 12 rows of `tabular_2024H2_first12.csv` (10 contracts) and compared;
//! the finer views kept for analysts and buyers; the CSV downloads.

use crate::common;

use app::features::analytics::api::AnalyticsView;
use common::{ok, org, TestApp};
use std::path::Path;

async fn import_sample(app: &TestApp) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/decp/tabular_2024H2_first12.csv");
    let run =
        app::server::imports::decp::import_file(&app.db, None, &path, "first12.csv", None, |_| {})
            .await
            .unwrap();
    assert_eq!(run.status, "done");
}

async fn dashboard(app: &TestApp, query: &str, cookie: Option<&str>) -> AnalyticsView {
    let url = format!(
        "/api/analytics/dashboard?query={}",
        percent_encoding::utf8_percent_encode(query, percent_encoding::NON_ALPHANUMERIC)
    );
    let (status, _, body) = app.get(&url, cookie).await;
    ok(status, &body);
    serde_json::from_str(&body).unwrap()
}

fn euros(cents: i64) -> f64 {
    cents as f64 / 100.0
}

both_dbs! {
    "analytics_sample",
    #[tokio::test]
    async fn indicators_match_the_hand_computed_figures_of_a_real_sample(backend, url) {
        let app = TestApp::new(&url).await;
        import_sample(&app).await;
        // The follower builds a snapshot at once, then only when the data moved.
        let follower = app::server::analytics::Analytics::default();
        assert!(
            follower.refresh_if_stale(&app.db).await.unwrap(),
            "{backend}"
        );
        assert!(!follower.refresh_if_stale(&app.db).await.unwrap());
        let v = dashboard(&app, "", None).await;
        let d = &v.dashboard;
        assert_eq!(
            v.contracts, 10,
            "{backend}: 12 rows, two contracts with two awardees"
        );
        assert_eq!(d.total.count, 10);
        // 2025 (notified 2025-01-01): 61 100 + 65 900 + 65 900 + 91 109,96 + 79 000 + 108 091
        // + 990 623,12 = 1 461 724,08 €; 2024: 133 622,01 + 421 879,07 + 343 159,68 = 898 660,76 €.
        let years: Vec<(String, u64, f64)> = d
            .by_year
            .iter()
            .map(|s| (s.key.clone(), s.count, euros(s.amount_cents)))
            .collect();
        assert_eq!(
            years,
            vec![
                ("2024".into(), 3, 898_660.76),
                ("2025".into(), 7, 1_461_724.08)
            ],
            "{backend}"
        );
        assert_eq!(v.years, vec![2024, 2025]);
        // Every CPV is 4521xxxx: building construction.
        assert_eq!(d.by_trade.len(), 1);
        assert_eq!(d.by_trade[0].key, "batiment");
        // Offers 1,1,1,4,2,2,3 | 4,4,2: sorted 1,1,1,2,2,2,3,4,4,4 → median 2, 3 single bids.
        assert_eq!(d.competition_total.with_offers, 10);
        assert_eq!(d.competition_total.median_offers, Some(2.0), "{backend}");
        assert_eq!(d.competition_total.single_bid_pct(), Some(30.0));
        let y2024 = d
            .competition_by_year
            .iter()
            .find(|c| c.key == "2024")
            .unwrap();
        assert_eq!((y2024.median_offers, y2024.single_bid), (Some(4.0), 0));
        // One open tender (Le Marin, 108 091 €), nine adapted procedures.
        let open = d
            .by_procedure
            .iter()
            .find(|p| p.key == "ao_ouvert")
            .unwrap();
        assert_eq!((open.count, euros(open.amount_cents)), (1, 108_091.0));
        let adapted = d.by_procedure.iter().find(|p| p.key == "adaptee").unwrap();
        assert_eq!(adapted.count, 9);
        // 12 awards, none on the platform: placed by the DECP's awardee departments — 73, 74,
        // 74, 63, 63 in the region (61 100 + 65 900 + 65 900 + 79 000 + 990 623,12 =
        // 1 262 523,12 €), 76, 972, 68, 68, 04, 05, 13 elsewhere; none unknown.
        {
            use app::domain::analytics::facts::Zone;
            let zone = |z| d.local.iter().find(|s| s.zone == z).unwrap().clone();
            assert_eq!(zone(Zone::Region).awards, 5, "{backend}");
            assert_eq!(euros(zone(Zone::Region).amount_cents), 1_262_523.12);
            assert_eq!(zone(Zone::Elsewhere).awards, 7);
            assert_eq!(zone(Zone::Unknown).awards, 0);
        }
        // The 2022-format considerations are not in this extract: no base for a share.
        assert_eq!(d.levers_total.social_stated, 0);
        // Not an analyst: no buyer table.
        assert!(!v.finer && d.by_buyer.is_empty());

        // ELEC ET COMPAGNIE (two Fillière contracts of 65 900 €, department 74 in the DECP)
        // joins the platform from Villeurbanne: the platform's commune comes first, its awards
        // are now the Métropole's.
        let cookie = app.signup("gerant@elec.example").await;
        org(
            &app,
            &cookie,
            "business",
            "833 802 648 00026",
            "Elec et Compagnie",
        )
        .await;
        assert!(
            follower.refresh_if_stale(&app.db).await.unwrap(),
            "{backend}: a new organisation moves the stamp"
        );
        app.analytics.invalidate();
        let d = dashboard(&app, "", None).await.dashboard;
        let zone = |z| d.local.iter().find(|s| s.zone == z).unwrap().clone();
        use app::domain::analytics::facts::Zone;
        assert_eq!(zone(Zone::Metropole).awards, 2, "{backend}");
        assert_eq!(euros(zone(Zone::Metropole).amount_cents), 131_800.0);
        assert_eq!(zone(Zone::Region).awards, 3);
        let [metropole, dept, region, unknown] =
            app::domain::analytics::tables::cumulative_local(&d);
        // 131 800 / 2 360 384,84 = 5,58 % (two cents lost splitting two shared amounts);
        // with the region: 1 262 523,12 / 2 360 384,84 = 53,49 %.
        assert!((metropole.unwrap() - 5.584).abs() < 0.01, "{metropole:?}");
        assert_eq!(metropole, dept);
        assert!((region.unwrap() - 53.488).abs() < 0.01, "{region:?}");
        assert_eq!(unknown, Some(0.0));
        let villeurbanne = d.map.iter().find(|a| a.code == "69266").unwrap();
        assert_eq!(villeurbanne.won, 2);

        // Filters from the URL: 2025 only, single bids are 3 of 7.
        let d = dashboard(&app, "de=2025&a=2025", None).await.dashboard;
        assert_eq!(d.total.count, 7);
        assert_eq!(d.competition_total.single_bid, 3);
        let d = dashboard(&app, "procedure=ao_ouvert", None).await.dashboard;
        assert_eq!(d.total.count, 1);
    }
}

both_dbs! {
    "analytics_rights",
    #[tokio::test]
    async fn finer_views_are_for_analysts_and_buyers_and_every_table_downloads(backend, url) {
        let app = TestApp::new(&url).await;
        import_sample(&app).await;
        // A visitor: the buyer filter is ignored, the buyer table is refused.
        let v = dashboard(&app, "acheteur=20006258600157", None).await;
        assert_eq!(
            v.dashboard.total.count, 10,
            "{backend}: the buyer filter is an analyst's"
        );
        assert!(v.dashboard.filters.buyer.is_none());
        let (status, _, _) = app
            .get("/analyses/export.csv?tableau=acheteurs", None)
            .await;
        assert_eq!(status.as_u16(), 401, "{backend}");
        let firm = app.signup("gerant@firm.example").await;
        let (status, _, _) = app
            .get("/analyses/export.csv?tableau=acheteurs", Some(&firm))
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, _) = app.get("/analyses/export.csv?tableau=nimporte", None).await;
        assert_eq!(status.as_u16(), 404);

        // An analyst: Fillière's three contracts (61 100 + 65 900 + 65 900 €).
        let analyst = app.signup("analyste@cci.example").await;
        app.make_analyst("analyste@cci.example").await;
        let v = dashboard(&app, "acheteur=200 062 586 00157", Some(&analyst)).await;
        assert!(v.finer);
        assert_eq!(v.dashboard.total.count, 3, "{backend}");
        assert_eq!(euros(v.dashboard.by_buyer[0].amount_cents), 192_900.0);
        let (status, _, csv) = app
            .get("/analyses/export.csv?tableau=acheteurs", Some(&analyst))
            .await;
        ok(status, &csv);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "SIRET,Acheteur,Marchés,Montant");
        // The largest buyer first: the OPH of 990 623,12 € (whole euros in the file).
        assert_eq!(
            lines[1],
            "77918639400028,OFFICE PUBLIC DE L'HABITAT ET DE L'IMMOBILIER SOCIAL,1,990623"
        );
        assert_eq!(lines.len(), 1 + 8, "8 buyers");

        // Every public table downloads for a visitor, filters applied.
        for name in app::domain::analytics::tables::NAMES
            .iter()
            .filter(|n| **n != "acheteurs")
        {
            let (status, _, csv) = app
                .get(
                    &format!("/analyses/export.csv?tableau={name}&de=2024&a=2024"),
                    None,
                )
                .await;
            ok(status, &csv);
            assert!(csv.starts_with('\u{feff}'), "{name}");
        }
        let (_, _, csv) = app
            .get("/analyses/export.csv?tableau=annees&de=2024&a=2024", None)
            .await;
        assert_eq!(
            csv.trim_start_matches('\u{feff}')
                .lines()
                .collect::<Vec<_>>(),
            vec!["Année,Marchés,Montant", "2024,3,898660"]
        );
        let (_, _, csv) = app
            .get("/analyses/export.csv?tableau=concurrence_annees", None)
            .await;
        assert!(csv.contains("2025,7,7,2.00,42.86"), "{csv}");

        // The page renders on the server, with its summary and charts.
        let (status, _, html) = app.get("/analyses?de=2024&a=2024", None).await;
        ok(status, &html);
        let at = html
            .find("analytics-summary")
            .map(|i| &html[i..(i + 300).min(html.len())]);
        assert!(
            html.contains("3 marchés retenus par ces filtres"),
            "{backend}: {at:?}"
        );
        assert!(html.contains("role=\"img\""));
        assert!(html.contains("data-test=\"buyers-locked\""));
    }
}

/// A verified buyer's procurement to publish next quarter (within the 12 months the shortage
/// reads, whatever the day the tests run), with one joinery lot; its id.
async fn joinery_plan(app: &TestApp) -> i32 {
    use app::server::infra::entities::plan_lots;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let cookie = app.signup("achats@commune.example").await;
    let city = org(
        app,
        &cookie,
        "buyer",
        "216 901 231 00011",
        "Commune (fictive)",
    )
    .await;
    common::verify(app, city).await;
    let caller = app::server::auth::Caller::for_user(
        &app.db,
        common::user_id(app, "achats@commune.example").await,
    )
    .await
    .unwrap();
    let form = app::domain::programming::PlanForm {
        title: "Remplacement des fenêtres de la mairie".into(),
        procedure: "adapted".into(),
        publication: {
            use chrono::Datelike;
            let next = chrono::Utc::now().date_naive() + chrono::Months::new(3);
            format!("T{} {}", next.month0() / 3 + 1, next.year())
        },
        estimate_max: "120000".into(),
        ..Default::default()
    };
    let plan = app::server::programming::create(&app.db, &caller, city, &form)
        .await
        .unwrap();
    plan_lots::ActiveModel {
        plan_id: Set(plan),
        number: Set(1),
        title: Set("Menuiseries extérieures".into()),
        cpv: Set("45421000".into()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    plan
}

both_dbs! {
    "analytics_shortage",
    #[tokio::test]
    async fn the_shortage_view_ranks_trades_with_their_reasons_and_follows_new_supply(backend, url) {
        let app = TestApp::new(&url).await;
        import_sample(&app).await;
        joinery_plan(&app).await;
        let get = |q: &str| {
            let url = format!(
                "/api/analytics/shortage?query={}",
                percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC)
            );
            let app = &app;
            async move {
                let (status, _, body) = app.get(&url, None).await;
                ok(status, &body);
                serde_json::from_str::<app::features::analytics::api::ShortageView>(&body).unwrap()
            }
        };
        let v = get("").await;
        let joinery = app::domain::analytics::trades::index_of("menuiserie").unwrap();
        let j = v
            .tensions
            .iter()
            .find(|t| t.inputs.trade == joinery)
            .unwrap();
        assert_eq!(j.inputs.planned, 1, "{backend}");
        assert_eq!(j.inputs.planned_euros, 120_000);
        assert_eq!(
            j.inputs.uncovered, 1,
            "{backend}: no local joiner on the platform"
        );
        assert_eq!(j.inputs.platform_firms, 0);
        assert!(j.score.is_some(), "an uncovered need is judged");
        assert!(j
            .reasons
            .iter()
            .any(|r| r.key == "analytics.shortage.why_uncovered"));
        // Building construction: 10 contracts over 2024–2025 (the window: the years with data),
        // 5 a year, 3 single bids of 10, no local awardee known.
        let building = app::domain::analytics::trades::index_of("batiment").unwrap();
        let b = v
            .tensions
            .iter()
            .find(|t| t.inputs.trade == building)
            .unwrap();
        assert_eq!(b.inputs.yearly_contracts, 5.0, "{backend}");
        assert_eq!((b.inputs.with_offers, b.inputs.single_bid), (10, 3));
        assert_eq!(v.window, vec![2024, 2025]);
        // The ranking is by score, highest first.
        let scores: Vec<i64> = v
            .tensions
            .iter()
            .map(|t| t.score.map(i64::from).unwrap_or(-1))
            .collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

        // A local joiner publishes an offer: the need is covered, the supply counted.
        let joiner = app.signup("gerant@menuiserie.example").await;
        let firm = org(
            &app,
            &joiner,
            "business",
            "120 027 016 00027",
            "Menuiserie (fictive)",
        )
        .await;
        common::offer(&app, &joiner, firm, "Fenêtres bois", "45421000").await;
        app.analytics.invalidate();
        let v = get("metier=menuiserie").await;
        assert_eq!(v.tensions.len(), 1, "{backend}: one trade kept");
        assert_eq!(v.tensions[0].inputs.uncovered, 0);
        assert_eq!(v.tensions[0].inputs.platform_firms, 1);

        // The CSV of the view, and the page without JavaScript.
        let (status, _, csv) = app
            .get(
                "/analyses/export.csv?tableau=tensions&metier=menuiserie",
                None,
            )
            .await;
        ok(status, &csv);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 2, "{csv}");
        assert!(
            lines[1].starts_with("1,menuiserie,\"Menuiserie, serrurerie, vitrerie\","),
            "{csv}"
        );
        let (status, _, html) = app.get("/analyses/tensions?metier=menuiserie", None).await;
        ok(status, &html);
        assert!(html.contains("data-trade=\"menuiserie\""));
        assert!(
            html.contains("1 entreprise(s) sur Passerelle avec une offre dans ce métier"),
            "{backend}"
        );
    }
}

both_dbs! {
    "analytics_sirene",
    #[tokio::test]
    async fn a_sirene_extract_places_the_awardees_the_platform_does_not_know(backend, url) {
        use app::domain::analytics::facts::Zone;
        let extract = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sirene/StockEtablissement_extrait.csv");
        let app = TestApp::new(&url).await;
        import_sample(&app).await;
        let before = dashboard(&app, "", None).await.dashboard;
        let zone = |d: &app::domain::analytics::dashboard::Dashboard, z| {
            d.local.iter().find(|s| s.zone == z).unwrap().clone()
        };
        assert_eq!(zone(&before, Zone::Metropole).awards, 0, "{backend}");
        assert_eq!(zone(&before, Zone::Elsewhere).awards, 7);

        let report = app::server::imports::sirene::import(&app.db, &extract)
            .await
            .unwrap();
        assert_eq!(
            report,
            app::server::imports::sirene::SireneReport {
                lines: 4,
                kept: 2,
                without_commune: 1,
                invalid: 1
            },
            "{backend}: two awardees kept, one without a disseminated address; the firm that \
             won nothing is left out"
        );
        // DURAND FILS (91 109,96 €, department 76 in the DECP) is placed in Lyon 3e by the
        // extract: the register comes before the DECP's department. ENDG has no commune there:
        // its DECP department (972) stands.
        app.analytics.invalidate();
        let after = dashboard(&app, "", None).await.dashboard;
        assert_eq!(zone(&after, Zone::Metropole).awards, 1, "{backend}");
        assert_eq!(euros(zone(&after, Zone::Metropole).amount_cents), 91_109.96);
        assert_eq!(zone(&after, Zone::Elsewhere).awards, 6);
        let lyon = after.map.iter().find(|a| a.code == "69123").unwrap();
        assert_eq!(lyon.won, 1, "an arrondissement counts with its city");

        // Imported again: the same rows, replaced, not doubled.
        app::server::imports::sirene::import(&app.db, &extract)
            .await
            .unwrap();
        use sea_orm::{EntityTrait, PaginatorTrait};
        let n = app::server::infra::entities::sirene_establishments::Entity::find()
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(n, 2, "{backend}");

        // A file that is not an extract changes nothing and says why.
        let other = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/decp/tabular_2024H2_first12.csv");
        let e = app::server::imports::sirene::import(&app.db, &other)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("codeCommuneEtablissement"), "{e}");
    }
}
