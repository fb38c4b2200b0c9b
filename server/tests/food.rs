//! Local food for public catering (issue 23) on SQLite and PostgreSQL: a food offer says the
//! months it is available in, its unit, its delivery days and its signs of quality; its page and
//! its farm's profile show the season; the catalogue finds food by month, by commune delivered
//! and by what it counts for under EGalim.

use crate::common;

use app::domain::food::{Months, Weekdays};
use app::server::infra::entities::{offer_labels, offers, organisations};
use common::{ok, titles, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// A public business of the member's, in `commune`; its id.
async fn business(app: &TestApp, cookie: &str, siret: &str, name: &str, commune: &str) -> i32 {
    let (status, _, body) = app
        .post(
            "/api/orgs/create",
            &[
                ("form[kind]", "business"),
                ("form[siret]", siret),
                ("form[name]", name),
                ("form[commune]", commune),
                ("form[is_public]", "on"),
            ],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    organisations::Entity::find()
        .filter(organisations::Column::Siret.eq(siret.replace(' ', "")))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A draft offer with its CPV code; its id.
async fn offer(app: &TestApp, cookie: &str, org: i32, title: &str, cpv: &str) -> i32 {
    let org_s = org.to_string();
    let (status, _, body) = app
        .post(
            "/api/offers/create",
            &[
                ("org_id", org_s.as_str()),
                ("title", title),
                ("kind", "supply"),
            ],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    let id = offers::Entity::find()
        .filter(offers::Column::Title.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let id_s = id.to_string();
    let (status, _, body) = app
        .post(
            "/api/offers/cpv/set",
            &[("id", id_s.as_str()), ("cpv[]", cpv)],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    id
}

async fn publish(app: &TestApp, cookie: &str, id: i32) {
    let id_s = id.to_string();
    let (status, _, body) = app
        .post(
            "/api/offers/status",
            &[("id", id_s.as_str()), ("status", "published")],
            Some(cookie),
        )
        .await;
    ok(status, &body);
}

/// Whether the input with this id is ticked in the page.
fn ticked(page: &str, id: &str) -> bool {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no input {id}"));
    let start = page[..at].rfind('<').unwrap();
    let end = at + page[at..].find('>').unwrap();
    page[start..end].contains(" checked")
}

both_dbs! {
    "food_offers",
    #[tokio::test]
    async fn a_food_offer_says_its_season_delivery_and_signs_and_is_found_by_them(backend, url) {
        let app = TestApp::new(&url).await;
        let farmer = app.signup("maraichere@exemple.fr").await;
        let stranger = app.signup("voisin@exemple.fr").await;
        let farm = business(&app, &farmer, "120 027 016 00076", "Jardins du Val (fictifs)", "Villeurbanne").await;
        let carrots = offer(&app, &farmer, farm, "Carottes des sables", "03221112").await;
        let joinery = offer(&app, &farmer, farm, "Tables de cantine", "39121200").await;
        let id = carrots.to_string();

        // The editor of a food offer holds the food part, every month ticked until said;
        // another offer's editor has none.
        let (_, _, editor) = app.get(&format!("/compte/offres/{id}"), Some(&farmer)).await;
        assert!(editor.contains("data-test=\"food-fields\""), "{backend}");
        assert!((1..=12).all(|m| ticked(&editor, &format!("f-months-{m}"))), "{backend}");
        assert!(ticked(&editor, "f-quote_alerts"), "{backend}: alerts on by default");
        let (_, _, other) = app.get(&format!("/compte/offres/{joinery}"), Some(&farmer)).await;
        assert!(!other.contains("data-test=\"food-fields\""), "{backend}");

        let base = [
            ("id", id.as_str()),
            ("form[title]", "Carottes des sables"),
            ("form[kind]", "supply"),
            ("form[delivery_communes]", "Vaulx-en-Velin"),
            ("form[price]", "1,20"),
            ("form[food]", "1"),
        ];
        let save = |extra: Vec<(&'static str, &'static str)>, who: &'static str| {
            let app = &app;
            let cookie = if who == "farmer" { farmer.clone() } else { stranger.clone() };
            let mut form: Vec<(&str, &str)> = base.to_vec();
            form.extend(extra);
            let form: Vec<(String, String)> =
                form.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            async move {
                let pairs: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                app.post("/api/offers/update", &pairs, Some(&cookie)).await
            }
        };
        let winter = vec![
            ("form[months][11]", "on"),
            ("form[months][12]", "on"),
            ("form[months][1]", "on"),
            ("form[months][2]", "on"),
            ("form[unit]", "kg"),
            ("form[days][2]", "on"),
            ("form[days][5]", "on"),
            ("form[labels][ab]", "on"),
            ("form[labels][fermier]", "on"),
        ];

        // Bad input is explained per field and changes nothing: no month, a thirteenth month,
        // an unknown unit, an unknown sign.
        for (bad, field) in [
            (vec![("form[unit]", "kg")], "months"),
            (vec![("form[months][13]", "on")], "months"),
            (vec![("form[months][3]", "on"), ("form[unit]", "tonne")], "unit"),
            (vec![("form[months][3]", "on"), ("form[days][8]", "on")], "days"),
            (vec![("form[months][3]", "on"), ("form[labels][bio_maison]", "on")], "labels"),
        ] {
            let (status, _, body) = save(bad, "farmer").await;
            assert_eq!(status.as_u16(), 422, "{backend} {field}: {body}");
            assert!(body.contains(&format!("\"{field}\"")), "{backend}: {body}");
        }
        let unchanged = offers::Entity::find_by_id(carrots).one(&app.db).await.unwrap().unwrap();
        assert_eq!((unchanged.season, unchanged.unit.clone()), (None, None), "{backend}");
        assert!(unchanged.quote_alerts, "{backend}");

        // A stranger cannot save it.
        let (status, _, _) = save(winter.clone(), "stranger").await;
        assert_eq!(status.as_u16(), 403, "{backend}");

        // Saved: November to February, by the kilo, Tuesdays and Fridays, organic and farm-made,
        // alerts turned off (the box left unticked).
        let (status, _, body) = save(winter.clone(), "farmer").await;
        ok(status, &body);
        let saved = offers::Entity::find_by_id(carrots).one(&app.db).await.unwrap().unwrap();
        assert_eq!(saved.season, Some(Months::range(11, 2).bits()), "{backend}");
        assert_eq!(saved.unit.as_deref(), Some("kg"));
        assert_eq!(saved.delivery_days, Some(i16::from(Weekdays::of([2, 5]).0)));
        assert!(!saved.quote_alerts, "{backend}");
        // A radius counts from a placed commune: from the farm's Villeurbanne, yes; from a
        // production commune whose position Passerelle does not know, refused in words, and
        // nothing changes.
        let mut radius = winter.clone();
        radius.push(("form[delivery_radius_km]", "30"));
        let (status, _, body) = save(radius.clone(), "farmer").await;
        ok(status, &body);
        radius.push(("form[production_commune]", "Villars-les-Dombes"));
        let (status, _, body) = save(radius, "farmer").await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("offer.radius_unplaced") && body.contains("\"delivery_radius_km\""), "{backend}: {body}");
        let kept = offers::Entity::find_by_id(carrots).one(&app.db).await.unwrap().unwrap();
        assert_eq!((kept.delivery_radius_km, kept.production_commune), (Some(30), None), "{backend}");
        let (status, _, body) = save(winter.clone(), "farmer").await;
        ok(status, &body);
        let mut labels: Vec<String> = offer_labels::Entity::find()
            .filter(offer_labels::Column::OfferId.eq(carrots))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.label)
            .collect();
        labels.sort();
        assert_eq!(labels, ["ab", "fermier"], "{backend}");
        // The editor opens on what was saved.
        let (_, _, editor) = app.get(&format!("/compte/offres/{id}"), Some(&farmer)).await;
        assert!(ticked(&editor, "f-months-12") && !ticked(&editor, "f-months-6"), "{backend}");
        assert!(ticked(&editor, "f-days-5") && !ticked(&editor, "f-days-1"));
        assert!(ticked(&editor, "f-labels-fermier") && !ticked(&editor, "f-quote_alerts"));

        // A save without the food part (a form of another shape) leaves the food facts alone.
        let (status, _, body) = app
            .post(
                "/api/offers/update",
                &[
                    ("id", id.as_str()),
                    ("form[title]", "Carottes des sables"),
                    ("form[kind]", "supply"),
                    ("form[delivery_communes]", "Vaulx-en-Velin"),
                    ("form[price]", "1,20"),
                    ("form[labels][ab]", "on"),
                ],
                Some(&farmer),
            )
            .await;
        ok(status, &body);
        let kept = offers::Entity::find_by_id(carrots).one(&app.db).await.unwrap().unwrap();
        assert_eq!(kept.season, saved.season, "{backend}");
        assert_eq!(kept.unit.as_deref(), Some("kg"), "{backend}");

        // A second farm in the Ain delivers only to its department, all year.
        let ain = business(&app, &farmer, "120 027 016 00084", "Ferme de la Dombes (fictive)", "01053").await;
        let potatoes = offer(&app, &farmer, ain, "Pommes de terre de la Dombes", "03212100").await;
        let p = potatoes.to_string();
        let (status, _, body) = app
            .post(
                "/api/offers/update",
                &[
                    ("id", p.as_str()),
                    ("form[title]", "Pommes de terre de la Dombes"),
                    ("form[kind]", "supply"),
                    ("form[delivery_departments]", "01"),
                    ("form[food]", "1"),
                    ("form[months][1]", "on"), ("form[months][2]", "on"), ("form[months][3]", "on"),
                    ("form[months][4]", "on"), ("form[months][5]", "on"), ("form[months][6]", "on"),
                    ("form[months][7]", "on"), ("form[months][8]", "on"), ("form[months][9]", "on"),
                    ("form[months][10]", "on"), ("form[months][11]", "on"), ("form[months][12]", "on"),
                    ("form[labels][label_rouge]", "on"),
                ],
                Some(&farmer),
            )
            .await;
        ok(status, &body);
        for o in [carrots, joinery, potatoes] {
            publish(&app, &farmer, o).await;
        }
        app.search.sync(&app.db).await.unwrap();

        // The offer's page says the season in words, the unit and what it counts for.
        let (_, _, page) = app.get(&format!("/catalogue/{id}"), None).await;
        assert!(page.contains("Disponible de novembre à février"), "{backend}");
        assert!(page.contains("Compte comme produit biologique"), "{backend}");
        assert!(page.contains("mardi, vendredi"), "{backend}");
        assert!(page.contains("1,20\u{a0}€ / kg"), "{backend}");
        let (_, _, table) = app.get(&format!("/catalogue/{joinery}"), None).await;
        assert!(!table.contains("data-test=\"offer-food\""), "{backend}: not food");
        // The farm's profile shows its seasonal calendar.
        let (_, _, profile) = app.get(&format!("/annuaire/{farm}"), None).await;
        assert!(profile.contains("data-test=\"org-seasons\""), "{backend}");
        assert!(profile.contains("de novembre à février"), "{backend}");

        // The catalogue finds food by month (a season across the new year), by commune
        // delivered, by what it counts for.
        let get = |query: &'static str| {
            let app = &app;
            async move {
                let (status, _, page) = app.get(&format!("/catalogue{query}"), None).await;
                assert_eq!(status.as_u16(), 200, "{query}");
                let mut t = titles(&page);
                t.sort();
                t
            }
        };
        assert_eq!(get("?mois=1").await, ["Carottes des sables", "Pommes de terre de la Dombes"], "{backend}");
        assert_eq!(get("?mois=6").await, ["Pommes de terre de la Dombes"], "{backend}");
        assert_eq!(get("?livre_a=69256").await, ["Carottes des sables"], "{backend}");
        assert_eq!(get("?livre_a=01053").await, ["Pommes de terre de la Dombes"], "{backend}");
        assert_eq!(get("?egalim=bio").await, ["Carottes des sables"], "{backend}");
        assert_eq!(get("?egalim=qualite").await, ["Carottes des sables", "Pommes de terre de la Dombes"], "{backend}");
        assert_eq!(get("?mois=6&egalim=bio").await, Vec::<String>::new(), "{backend}");
        // Facets count them: the months in the year's order, the EGalim categories.
        let (_, _, all) = app.get("/catalogue", None).await;
        assert!(all.contains("href=\"/catalogue?mois=1\""), "{backend}");
        assert!(all.contains("href=\"/catalogue?egalim=bio\""), "{backend}");
        let jan = all.find("?mois=1\"").unwrap();
        let dec = all.find("?mois=12\"").unwrap();
        assert!(jan < dec, "{backend}: months in order");
    }
}
