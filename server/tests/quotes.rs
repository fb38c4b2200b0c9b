//! Quick consultations (issue 23) on SQLite and PostgreSQL: a verified buyer asks for products
//! by their words; the suppliers that have the product in season and deliver there are told
//! once; answers are taken until the deadline and stay private between each supplier and the
//! buyer; an award may be split across suppliers, tells every respondent and is public.

use crate::common;

use app::server::infra::entities::{offers, quote_awards, quote_invitations, quote_requests};
use common::TestApp;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Sets an offer's food facts directly: its season, delivery commune or department.
async fn food_facts(app: &TestApp, cookie: &str, id: i32, fields: &[(&str, &str)]) {
    let o = offers::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let id_s = id.to_string();
    let mut form = vec![
        ("id", id_s.as_str()),
        ("form[title]", o.title.as_str()),
        ("form[kind]", "supply"),
        ("form[food]", "1"),
    ];
    form.extend_from_slice(fields);
    let (status, _, body) = app.post("/api/offers/update", &form, Some(cookie)).await;
    common::ok(status, &body);
}

/// Every month ticked: in season all year (the seasons' own rules are unit-tested).
const ALL_YEAR: [(&str, &str); 12] = [
    ("form[months][1]", "on"),
    ("form[months][2]", "on"),
    ("form[months][3]", "on"),
    ("form[months][4]", "on"),
    ("form[months][5]", "on"),
    ("form[months][6]", "on"),
    ("form[months][7]", "on"),
    ("form[months][8]", "on"),
    ("form[months][9]", "on"),
    ("form[months][10]", "on"),
    ("form[months][11]", "on"),
    ("form[months][12]", "on"),
];

fn days_from_now(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

both_dbs! {
    "quotes_flow",
    #[tokio::test]
    async fn a_consultation_reaches_the_matching_suppliers_once_and_is_awarded_in_parts(backend, url) {
        let app = TestApp::new(&url).await;
        let cook = app.signup("cuisine@exemple.fr").await;
        let college = common::org(&app, &cook, "buyer", "120 027 016 00019", "Collège fictif").await;
        common::verify(&app, college).await;
        let gardener_c = app.signup("maraichere@exemple.fr").await;
        let gardener = common::org(&app, &gardener_c, "business", "120 027 016 00027", "Jardins fictifs").await;
        let carrots = common::offer_of_kind(&app, &gardener_c, gardener, "Carottes", "supply", "03221112").await;
        // In season all year here; delivered to Vaulx-en-Velin.
        let mut facts = vec![
            ("form[delivery_communes]", "Vaulx-en-Velin"),
            ("form[quote_alerts]", "on"),
            ("form[labels][ab]", "on"),
        ];
        facts.extend_from_slice(&ALL_YEAR);
        food_facts(&app, &gardener_c, carrots, &facts).await;
        let far_c = app.signup("ain@exemple.fr").await;
        let far = common::org(&app, &far_c, "business", "120 027 016 00035", "Ferme de l'Ain fictive").await;
        let far_carrots = common::offer_of_kind(&app, &far_c, far, "Carottes de l'Ain", "supply", "03221112").await;
        food_facts(&app, &far_c, far_carrots, &[
            ("form[delivery_departments]", "01"),
            ("form[months][3]", "on"),
            ("form[quote_alerts]", "on"),
        ]).await;
        let joiner_c = app.signup("menuisier@exemple.fr").await;
        let joinery = common::org(&app, &joiner_c, "business", "120 027 016 00043", "Menuiserie fictive").await;
        common::offer(&app, &joiner_c, joinery, "Menuiserie", "45421000").await;

        let college_s = college.to_string();
        let (from, to, deadline) = (days_from_now(14), days_from_now(18), days_from_now(7));
        let ask = |cookie: &str| {
            let app = &app;
            let cookie = cookie.to_string();
            let (college_s, from, to, deadline) = (college_s.clone(), from.clone(), to.clone(), deadline.clone());
            async move {
                app.post(
                    "/api/quotes/create",
                    &[
                        ("org_id", college_s.as_str()),
                        ("form[title]", "Carottes pour la cantine"),
                        ("form[commune]", "Vaulx-en-Velin"),
                        ("form[from]", from.as_str()),
                        ("form[to]", to.as_str()),
                        ("form[deadline_day]", deadline.as_str()),
                        ("form[deadline_time]", "12:00"),
                        ("form[quality]", "prefer_organic"),
                        ("form[lines][0][product]", "carottes"),
                        ("form[lines][0][quantity]", "200"),
                        ("form[lines][0][unit]", "kg"),
                    ],
                    Some(&cookie),
                )
                .await
            }
        };
        // A firm cannot send one in the buyer's name.
        let (status, _, _) = ask(&gardener_c).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, body) = ask(&cook).await;
        common::ok(status, &body);
        let request = quote_requests::Entity::find().one(&app.db).await.unwrap().unwrap();
        // Sent to the gardener alone: the farm of the Ain does not deliver there, the joinery
        // does not sell carrots; told once.
        let sent: Vec<i32> = quote_invitations::Entity::find()
            .filter(quote_invitations::Column::RequestId.eq(request.id))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.organisation_id)
            .collect();
        assert_eq!(sent, [gardener], "{backend}");
        assert_eq!(common::notified(&app, "maraichere@exemple.fr").await.len(), 1, "{backend}");
        assert!(common::notified(&app, "ain@exemple.fr").await.is_empty(), "{backend}");
        assert!(common::notified(&app, "menuisier@exemple.fr").await.is_empty(), "{backend}");

        // Answers: the gardener 150 kg at 1,20 €; the Ain farm (not invited, from the public
        // list) 200 kg at 1,10 €.
        let line = app::server::infra::entities::quote_lines::Entity::find()
            .one(&app.db).await.unwrap().unwrap();
        let (id_s, line_s) = (request.id.to_string(), line.id.to_string());
        let (price_f, quantity_f, sign_f) = (
            format!("form[lines][{line_s}][price]"),
            format!("form[lines][{line_s}][quantity]"),
            format!("form[lines][{line_s}][signs][ab]"),
        );
        for (cookie, org, price, quantity) in [(&gardener_c, gardener, "1,20", "150"), (&far_c, far, "1,10", "200")] {
            let org_s = org.to_string();
            let (status, _, body) = app.post("/api/quotes/answer", &[
                ("id", id_s.as_str()), ("org_id", org_s.as_str()),
                (price_f.as_str(), price), (quantity_f.as_str(), quantity), (sign_f.as_str(), "on"),
            ], Some(cookie)).await;
            common::ok(status, &body);
        }
        // The joinery declines.
        let joinery_s = joinery.to_string();
        let (status, _, body) = app.post("/api/quotes/answer", &[
            ("id", id_s.as_str()), ("org_id", joinery_s.as_str()), ("form[decline]", "on"),
        ], Some(&joiner_c)).await;
        common::ok(status, &body);
        // Awarding before the deadline is refused; the buyer closes early, then no answer is
        // taken.
        let (status, _, body) = app.post("/api/quotes/award", &[("id", id_s.as_str()), ("award[1]", "10")], Some(&cook)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        let (status, _, body) = app.post("/api/quotes/close", &[("id", id_s.as_str())], Some(&cook)).await;
        common::ok(status, &body);
        let gardener_s = gardener.to_string();
        let (status, _, body) = app.post("/api/quotes/answer", &[
            ("id", id_s.as_str()), ("org_id", gardener_s.as_str()),
            (price_f.as_str(), "1,00"), (quantity_f.as_str(), "10"),
        ], Some(&gardener_c)).await;
        assert_eq!(status.as_u16(), 422, "{backend}");
        assert!(body.contains("quotes.closed"), "{backend}: {body}");

        // A partial award across both: 120 kg and 80 kg.
        let answers = app::server::infra::entities::quote_answers::Entity::find()
            .all(&app.db).await.unwrap();
        let of = |org: i32| answers.iter().find(|a| a.organisation_id == org).unwrap().id.to_string();
        let (a1, a2) = (format!("award[{}]", of(gardener)), format!("award[{}]", of(far)));
        // A declined answer cannot be awarded.
        let declined = answers.iter().find(|a| a.organisation_id == joinery).unwrap();
        assert_eq!((declined.unit_price_cents, declined.quantity_milli), (None, 0), "{backend}");
        let a3 = format!("award[{}]", declined.id);
        let (status, _, body) = app.post("/api/quotes/award", &[("id", id_s.as_str()), (a3.as_str(), "1")], Some(&cook)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        let (status, _, body) = app.post("/api/quotes/award", &[("id", id_s.as_str()), (a1.as_str(), "150"), (a2.as_str(), "80")], Some(&cook)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: more than asked: {body}");
        let (status, _, body) = app.post("/api/quotes/award", &[("id", id_s.as_str()), (a1.as_str(), "120"), (a2.as_str(), "80")], Some(&cook)).await;
        common::ok(status, &body);
        let mut awards: Vec<(i64, i64, String)> = quote_awards::Entity::find()
            .all(&app.db).await.unwrap().into_iter()
            .map(|a| (a.quantity_milli, a.amount_cents, a.egalim)).collect();
        awards.sort();
        assert_eq!(awards, [(80_000, 8_800, "organic".to_string()), (120_000, 14_400, "organic".to_string())], "{backend}");
        // Every respondent told, the one that declined too.
        assert_eq!(common::notified(&app, "maraichere@exemple.fr").await.len(), 2, "{backend}");
        assert_eq!(common::notified(&app, "ain@exemple.fr").await.len(), 1, "{backend}");
        assert_eq!(common::notified(&app, "menuisier@exemple.fr").await.len(), 1, "{backend}");
        // Deciding twice is refused.
        let (status, _, _) = app.post("/api/quotes/award", &[("id", id_s.as_str()), (a1.as_str(), "10")], Some(&cook)).await;
        assert_eq!(status.as_u16(), 422, "{backend}");

        // The college's EGalim panel counts the 232 € of organic carrots; with 768 € of
        // vegetables bought elsewhere without a sign, 23,2 % of its purchases are organic.
        let panel = |cookie: String| {
            let app = &app;
            async move {
                let (status, _, body) = app.get(&format!("/api/egalim/panel?org_id={college}"), Some(&cookie)).await;
                (status.as_u16(), body)
            }
        };
        let (status, body) = panel(cook.clone()).await;
        assert_eq!(status, 200, "{backend}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["families"]["Fruileg"]["awarded"]["organic_cents"], 23_200, "{backend}: {body}");
        assert_eq!(v["awards"].as_array().unwrap().len(), 2, "{backend}");
        let (status, _) = panel(gardener_c.clone()).await;
        assert_eq!(status, 403, "{backend}: a supplier does not read a buyer's panel");
        let year = app::server::quotes::egalim::this_year().to_string();
        let declare = |total: &'static str, quality: &'static str| {
            let (app, cook, college_s, year) = (&app, cook.clone(), college_s.clone(), year.clone());
            async move {
                app.post("/api/egalim/declare", &[
                    ("org_id", college_s.as_str()), ("form[year]", year.as_str()), ("form[family]", "fruileg"),
                    ("form[total]", total), ("form[quality]", quality), ("form[organic]", ""),
                ], Some(&cook)).await
            }
        };
        let (status, _, body) = declare("768", "800").await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("egalim.quality_over_total"), "{backend}: {body}");
        let (status, _, body) = declare("768", "").await;
        common::ok(status, &body);
        let (status, _, csv) = app.get(&format!("/compte/organisations/{college}/egalim.csv?annee={year}"), Some(&cook)).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {csv}");
        assert!(csv.contains(&format!("{year},fruileg,1000.00,232.00,232.00,23.2,23.2")), "{backend}: {csv}");
        assert!(csv.contains(&format!("{year},total,1000.00,232.00,232.00,23.2,23.2")), "{backend}: {csv}");

        // Plain yoghurt, asked then closed early: nobody offered it.
        let (status, _, body) = app.post("/api/quotes/create", &[
            ("org_id", college_s.as_str()), ("form[title]", "Yaourts"), ("form[commune]", "Vaulx-en-Velin"),
            ("form[from]", from.as_str()), ("form[to]", to.as_str()),
            ("form[deadline_day]", deadline.as_str()), ("form[deadline_time]", "12:00"), ("form[quality]", "any"),
            ("form[lines][0][product]", "yaourt nature"), ("form[lines][0][quantity]", "300"), ("form[lines][0][unit]", "piece"),
        ], Some(&cook)).await;
        common::ok(status, &body);
        let yoghurt = quote_requests::Entity::find()
            .filter(quote_requests::Column::Title.eq("Yaourts"))
            .one(&app.db).await.unwrap().unwrap();
        let (status, _, body) = app.post("/api/quotes/close", &[("id", yoghurt.id.to_string().as_str())], Some(&cook)).await;
        common::ok(status, &body);
        // The chamber's view: the territory's totals, each buyer, the products asked and the one
        // left without an offer. Analysts only.
        let (status, _, body) = app.get("/api/analytics/food", Some(&cook)).await;
        assert_eq!(status.as_u16(), 403, "{backend}: a buyer does not read every buyer's figures: {body}");
        let (status, _, _) = app.get("/api/analytics/food", None).await;
        assert_eq!(status.as_u16(), 401, "{backend}");
        let analyst = app.signup("cci@exemple.fr").await;
        app.make_analyst("cci@exemple.fr").await;
        let (status, _, body) = app.get(&format!("/api/analytics/food?year={year}"), Some(&analyst)).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["families"]["Fruileg"]["awarded"]["organic_cents"], 23_200, "{backend}: {body}");
        assert_eq!(v["families"]["Fruileg"]["declared"]["total_cents"], 76_800, "{backend}: {body}");
        assert_eq!(v["buyers"][0]["name"], "Collège fictif", "{backend}: {body}");
        assert_eq!(v["buyers"][0]["purchases"]["total_cents"], 100_000, "{backend}: {body}");
        let products: Vec<(String, u64, u64, u64)> = v["products"].as_array().unwrap().iter()
            .map(|p| (p["cpv"].as_str().unwrap().to_string(), p["consultations"].as_u64().unwrap(), p["priced"].as_u64().unwrap(), p["unanswered"].as_u64().unwrap()))
            .collect();
        assert!(products.contains(&("03221112".into(), 1, 2, 0)), "{backend}: two priced answers, the decline not counted: {products:?}");
        assert!(products.contains(&("15551310".into(), 1, 0, 1)), "{backend}: {products:?}");
        // …and the food trade's tension reads it.
        let (status, _, body) = app.get("/api/analytics/shortage?query=metier%3Dalimentation", Some(&analyst)).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let inputs = &v["tensions"][0]["inputs"];
        assert_eq!((inputs["quick_asked"].as_u64(), inputs["quick_unanswered"].as_u64()), (Some(1), Some(1)), "{backend}: {body}");
        assert!(v["tensions"][0]["score"].is_u64(), "{backend}: a product nobody offered is judged: {body}");
        let (status, _, page) = app.get(&format!("/analyses/alimentation?annee={year}"), Some(&analyst)).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        assert!(page.contains("Yaourt nature : 1 demande(s) sur 1 sans offre (100 %)"), "{backend}: the least supplied, in words");
    }
}

/// Consultation `id` as the holder of `cookie` reads it.
async fn read(app: &TestApp, id: i32, cookie: Option<&str>) -> serde_json::Value {
    let (status, _, body) = app.get(&format!("/api/quotes/get?id={id}"), cookie).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn answer_orgs(v: &serde_json::Value) -> Vec<i64> {
    let mut orgs: Vec<i64> = v["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["org_id"].as_i64().unwrap())
        .collect();
    orgs.sort();
    orgs
}

both_dbs! {
    "quotes_privacy",
    #[tokio::test]
    async fn answers_stay_between_each_supplier_and_the_buyer(backend, url) {
        let app = TestApp::new(&url).await;
        let cook = app.signup("ehpad@exemple.fr").await;
        let ehpad = common::org(&app, &cook, "buyer", "120 027 016 00019", "EHPAD fictif").await;
        common::verify(&app, ehpad).await;
        let mut suppliers = Vec::new();
        for (email, siret, name) in [
            ("jardins@exemple.fr", "120 027 016 00027", "Jardins fictifs"),
            ("primeurs@exemple.fr", "120 027 016 00035", "Primeurs fictifs"),
        ] {
            let c = app.signup(email).await;
            let org = common::org(&app, &c, "business", siret, name).await;
            let offer = common::offer_of_kind(&app, &c, org, "Carottes", "supply", "03221112").await;
            let mut facts = vec![("form[delivery_communes]", "Villeurbanne"), ("form[quote_alerts]", "on")];
            facts.extend_from_slice(&ALL_YEAR);
            food_facts(&app, &c, offer, &facts).await;
            suppliers.push((c, org));
        }
        let stranger = app.signup("curieux@exemple.fr").await;
        let ehpad_s = ehpad.to_string();
        let (from, to, deadline) = (days_from_now(10), days_from_now(12), days_from_now(5));
        let ask = |product: &'static str| {
            let (app, cook, ehpad_s) = (&app, cook.clone(), ehpad_s.clone());
            let (from, to, deadline) = (from.clone(), to.clone(), deadline.clone());
            async move {
                app.post("/api/quotes/create", &[
                    ("org_id", ehpad_s.as_str()),
                    ("form[title]", "Légumes de la semaine"),
                    ("form[commune]", "Villeurbanne"),
                    ("form[from]", from.as_str()),
                    ("form[to]", to.as_str()),
                    ("form[deadline_day]", deadline.as_str()),
                    ("form[deadline_time]", "10:00"),
                    ("form[lines][0][product]", product),
                    ("form[lines][0][quantity]", "40"),
                    ("form[lines][0][unit]", "kg"),
                ], Some(&cook)).await
            }
        };
        // Products are named by words: unknown words, several products, a service are
        // explained on the product's field and save nothing.
        for (words, key) in [
            ("zorglub", "quotes.product_unknown"),
            ("pommes terre congel", "quotes.product_did_you_mean"),
            ("Services de carottage (76340000)", "quotes.not_food"),
        ] {
            let (status, _, body) = ask(words).await;
            assert_eq!(status.as_u16(), 422, "{backend}: {words}: {body}");
            assert!(body.contains(key) && body.contains("lines.0.product"), "{backend}: {words}: {body}");
        }
        assert!(quote_requests::Entity::find().one(&app.db).await.unwrap().is_none(), "{backend}");
        let (status, _, body) = ask("Carottes (03221112)").await;
        common::ok(status, &body);
        let id = quote_requests::Entity::find().one(&app.db).await.unwrap().unwrap().id;
        let line = app::server::infra::entities::quote_lines::Entity::find()
            .one(&app.db).await.unwrap().unwrap().id;
        let (id_s, price_f, quantity_f) = (
            id.to_string(),
            format!("form[lines][{line}][price]"),
            format!("form[lines][{line}][quantity]"),
        );
        for ((c, org), price) in suppliers.iter().zip(["1,20", "1,35"]) {
            let org_s = org.to_string();
            let (status, _, body) = app.post("/api/quotes/answer", &[
                ("id", id_s.as_str()), ("org_id", org_s.as_str()),
                (price_f.as_str(), price), (quantity_f.as_str(), "40"),
            ], Some(c)).await;
            common::ok(status, &body);
        }
        let ((jardins_c, jardins), (primeurs_c, primeurs)) = (&suppliers[0], &suppliers[1]);
        // The buyer reads both answers and who was told; each supplier its own; a stranger
        // and a visitor none, nor the list of suppliers told.
        let v = read(&app, id, Some(&cook)).await;
        assert_eq!(answer_orgs(&v), [*jardins as i64, *primeurs as i64], "{backend}");
        assert_eq!(v["invited"].as_array().unwrap().len(), 2, "{backend}");
        let v = read(&app, id, Some(jardins_c)).await;
        assert_eq!(answer_orgs(&v), [*jardins as i64], "{backend}");
        assert!(v["invited"].as_array().unwrap().is_empty(), "{backend}");
        let v = read(&app, id, Some(primeurs_c)).await;
        assert_eq!(answer_orgs(&v), [*primeurs as i64], "{backend}");
        for cookie in [Some(stranger.as_str()), None] {
            let v = read(&app, id, cookie).await;
            assert!(answer_orgs(&v).is_empty() && v["invited"].as_array().unwrap().is_empty(), "{backend}");
            assert!(v["awards"].as_array().unwrap().is_empty(), "{backend}");
        }
        // Nobody answers in another's name, nor in a buyer's; a stranger neither closes nor
        // awards.
        let jardins_s = jardins.to_string();
        let (status, _, _) = app.post("/api/quotes/answer", &[
            ("id", id_s.as_str()), ("org_id", jardins_s.as_str()), (price_f.as_str(), "0,10"), (quantity_f.as_str(), "40"),
        ], Some(primeurs_c)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, _) = app.post("/api/quotes/answer", &[
            ("id", id_s.as_str()), ("org_id", ehpad_s.as_str()), ("form[decline]", "on"),
        ], Some(&cook)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        for path in ["/api/quotes/close", "/api/quotes/award"] {
            let (status, _, _) = app.post(path, &[("id", id_s.as_str())], Some(&stranger)).await;
            assert_eq!(status.as_u16(), 403, "{backend}: {path}");
            let (status, _, _) = app.post(path, &[("id", id_s.as_str())], Some(jardins_c)).await;
            assert_eq!(status.as_u16(), 403, "{backend}: {path}");
        }
        // The deadline passes: a late answer is refused in words and changes nothing.
        let r = quote_requests::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
        let mut r: quote_requests::ActiveModel = r.into();
        r.deadline = sea_orm::ActiveValue::Set(chrono::Utc::now() - chrono::Duration::minutes(1));
        sea_orm::ActiveModelTrait::update(r, &app.db).await.unwrap();
        let (status, _, body) = app.post("/api/quotes/answer", &[
            ("id", id_s.as_str()), ("org_id", jardins_s.as_str()), (price_f.as_str(), "0,90"), (quantity_f.as_str(), "40"),
        ], Some(jardins_c)).await;
        assert_eq!(status.as_u16(), 422, "{backend}");
        assert!(body.contains("quotes.too_late"), "{backend}: {body}");
        let kept = app::server::infra::entities::quote_answers::Entity::find()
            .filter(app::server::infra::entities::quote_answers::Column::OrganisationId.eq(*jardins))
            .one(&app.db).await.unwrap().unwrap();
        assert_eq!(kept.unit_price_cents, Some(120), "{backend}");
        // The public list shows the consultation, closed, with its product in words.
        let (status, _, body) = app.get("/api/quotes/list", None).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let list: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list["total"], 1, "{backend}");
        assert_eq!(list["items"][0]["stage"], "Closed", "{backend}");
        assert_eq!(list["items"][0]["products"][0], "Carottes", "{backend}");
        let (_, _, body) = app.get("/api/quotes/list?open=1", None).await;
        let list: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list["total"], 0, "{backend}");
    }
}

both_dbs! {
    "quotes_groupings",
    #[tokio::test]
    async fn producers_answer_together_when_none_alone_has_the_quantity(backend, url) {
        let app = TestApp::new(&url).await;
        let cook = app.signup("cuisine@exemple.fr").await;
        let college = common::org(&app, &cook, "buyer", "120 027 016 00019", "Collège fictif").await;
        common::verify(&app, college).await;
        // Two market gardens that sell carrots delivered to Vaulx-en-Velin, and a third firm.
        let mut farms = Vec::new();
        for (email, siret, name) in [
            ("a@exemple.fr", "120 027 016 00027", "Jardins A fictifs"),
            ("b@exemple.fr", "120 027 016 00035", "Jardins B fictifs"),
        ] {
            let c = app.signup(email).await;
            let org = common::org(&app, &c, "business", siret, name).await;
            let offer = common::offer_of_kind(&app, &c, org, "Carottes", "supply", "03221112").await;
            let mut facts = vec![("form[delivery_communes]", "Vaulx-en-Velin"), ("form[quote_alerts]", "on")];
            facts.extend_from_slice(&ALL_YEAR);
            food_facts(&app, &c, offer, &facts).await;
            farms.push((c, org));
        }
        let [(a_c, a), (b_c, b)] = [farms[0].clone(), farms[1].clone()];
        let other_c = app.signup("c@exemple.fr").await;
        let other = common::org(&app, &other_c, "business", "120 027 016 00043", "Ferme C fictive").await;
        let (from, to, deadline) = (days_from_now(14), days_from_now(18), days_from_now(7));
        let college_s = college.to_string();
        let (status, _, body) = app.post("/api/quotes/create", &[
            ("org_id", college_s.as_str()), ("form[title]", "Carottes pour trois collèges"), ("form[commune]", "Vaulx-en-Velin"),
            ("form[from]", from.as_str()), ("form[to]", to.as_str()),
            ("form[deadline_day]", deadline.as_str()), ("form[deadline_time]", "12:00"), ("form[quality]", "any"),
            ("form[lines][0][product]", "carottes"), ("form[lines][0][quantity]", "600"), ("form[lines][0][unit]", "kg"),
        ], Some(&cook)).await;
        common::ok(status, &body);
        let request = quote_requests::Entity::find().one(&app.db).await.unwrap().unwrap();
        let line = app::server::infra::entities::quote_lines::Entity::find().one(&app.db).await.unwrap().unwrap();
        let (id_s, a_s, b_s) = (request.id.to_string(), a.to_string(), b.to_string());
        let (price_f, quantity_f) = (format!("form[lines][{}][price]", line.id), format!("form[lines][{}][quantity]", line.id));

        // A sees B among the producers the consultation was also sent to.
        let v = read(&app, request.id, Some(&a_c)).await;
        let partners: Vec<i64> = v["partners"].as_array().unwrap().iter().map(|p| p[0].as_i64().unwrap()).collect();
        assert_eq!(partners, [i64::from(b)], "{backend}: {v}");
        // Nobody forms a grouping in another firm's name.
        let (status, _, _) = app.post("/api/quotes/group", &[("id", id_s.as_str()), ("org_id", a_s.as_str())], Some(&other_c)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        // A forms one, inviting B; B is told.
        let invite_b = format!("invite[{b}]");
        let (status, _, body) = app.post("/api/quotes/group", &[("id", id_s.as_str()), ("org_id", a_s.as_str()), (invite_b.as_str(), "on")], Some(&a_c)).await;
        assert!(status.is_redirection() || status.is_success(), "{backend}: {status} {body}");
        let grouping = app::server::infra::entities::consortia::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!((grouping.quote_id, grouping.lead_id), (Some(request.id), a), "{backend}");
        assert!(common::notified(&app, "b@exemple.fr").await.iter().any(|t| t.contains("Répondre ensemble")), "{backend}");
        let g_s = grouping.id.to_string();
        let answer = |cookie: String, org: String, grouping: String| {
            let (app, id_s, price_f, quantity_f) = (&app, id_s.clone(), price_f.clone(), quantity_f.clone());
            async move {
                app.post("/api/quotes/answer", &[
                    ("id", id_s.as_str()), ("org_id", org.as_str()), ("form[grouping]", grouping.as_str()),
                    (price_f.as_str(), "1,10"), (quantity_f.as_str(), "600"),
                ], Some(&cookie)).await
            }
        };
        // Before B accepts, the grouping cannot answer; nothing is written.
        let (status, _, body) = answer(a_c.clone(), a_s.clone(), g_s.clone()).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("quotes.grouping_not_ready"), "{backend}: {body}");
        assert_eq!(app::server::infra::entities::quote_answers::Entity::find().all(&app.db).await.unwrap().len(), 0, "{backend}");
        // B accepts.
        let member = app::server::infra::entities::consortium_members::Entity::find()
            .filter(app::server::infra::entities::consortium_members::Column::OrganisationId.eq(b))
            .one(&app.db).await.unwrap().unwrap();
        let (status, _, body) = app.post("/api/consortia/respond", &[("member_id", member.id.to_string().as_str()), ("decision", "accept")], Some(&b_c)).await;
        assert!(status.is_redirection() || status.is_success(), "{backend}: {status} {body}");
        // Only the lead answers in its name: B (a member) and C (a stranger) cannot.
        let (status, _, body) = answer(b_c.clone(), b_s.clone(), g_s.clone()).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        let (status, _, body) = answer(other_c.clone(), other.to_string(), g_s.clone()).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        let (status, _, body) = answer(a_c.clone(), a_s.clone(), g_s.clone()).await;
        common::ok(status, &body);
        let answers = app::server::infra::entities::quote_answers::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(answers.len(), 1, "{backend}");
        assert_eq!(answers[0].consortium_id, Some(grouping.id), "{backend}");
        // B reads the answer given in its grouping's name; C does not; the buyer sees who is in.
        assert_eq!(answer_orgs(&read(&app, request.id, Some(&b_c)).await), [i64::from(a)], "{backend}");
        assert!(answer_orgs(&read(&app, request.id, Some(&other_c)).await).is_empty(), "{backend}");
        let v = read(&app, request.id, Some(&cook)).await;
        let members: Vec<&str> = v["answers"][0]["grouping"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
        assert_eq!(members, ["Jardins A fictifs", "Jardins B fictifs"], "{backend}: {v}");
        // Awarded: both producers are told they won, and the public award names the grouping.
        let (status, _, body) = app.post("/api/quotes/close", &[("id", id_s.as_str())], Some(&cook)).await;
        common::ok(status, &body);
        let award_f = format!("award[{}]", answers[0].id);
        let (status, _, body) = app.post("/api/quotes/award", &[("id", id_s.as_str()), (award_f.as_str(), "600")], Some(&cook)).await;
        common::ok(status, &body);
        for email in ["a@exemple.fr", "b@exemple.fr"] {
            assert!(common::notified(&app, email).await.iter().any(|t| t.starts_with("Devis retenu")), "{backend}: {email}");
        }
        let v = read(&app, request.id, None).await;
        assert_eq!(v["awards"][0]["grouping"].as_array().map(Vec::len), Some(2), "{backend}: {v}");
        // The open data names both producers as the award's suppliers.
        let (status, _, body) = app.get("/demandes-de-devis/export.ocds.json", None).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        let package: serde_json::Value = serde_json::from_str(&body).unwrap();
        let suppliers: Vec<&str> = package["releases"][0]["awards"][0]["suppliers"].as_array().unwrap().iter()
            .map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(suppliers, ["Jardins A fictifs", "Jardins B fictifs"], "{backend}: {body}");
        // A consultation no longer taking answers gets no new grouping.
        let (status, _, body) = app.post("/api/quotes/group", &[("id", id_s.as_str()), ("org_id", a_s.as_str())], Some(&a_c)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    }
}
