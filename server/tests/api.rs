//! The open data API on SQLite and PostgreSQL, as a program uses it: lists with the site's
//! filters and pages, records, public fields only, strict parameters (a typo is a 400 naming
//! it, in the caller's language), 404s, the rate limit per address, and the OpenAPI document
//! that describes exactly what the API accepts.

use crate::common;

use app::server::infra::entities::plans;
use common::{offer, org, user_id, verify, TestApp};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::Value;
use std::path::Path;

const IP: [u8; 4] = [192, 0, 2, 10];

async fn import_sample(app: &TestApp) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/decp/tabular_2024H2_first12.csv");
    let run =
        app::server::imports::decp::import_file(&app.db, None, &path, "first12.csv", None, |_| {})
            .await
            .unwrap();
    assert_eq!(run.status, "done");
    app.search.sync(&app.db).await.unwrap();
}

/// GET as a program: status and parsed JSON.
async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let (status, headers, body) = app.get_from(path, IP, &[]).await;
    assert_eq!(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
        "application/json; charset=utf-8",
        "{path}: {body}"
    );
    assert_eq!(
        headers.get("access-control-allow-origin").unwrap(),
        "*",
        "{path}: open data is readable from any site"
    );
    (status.as_u16(), serde_json::from_str(&body).unwrap())
}

/// A verified buyer with one planned procurement (a contact given) and one draft; (plan, draft).
async fn buyer_with_plans(app: &TestApp) -> (i32, i32) {
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
    let mut ids = vec![];
    for title in ["Réfection des toitures des écoles", "Brouillon non relu"] {
        let form = app::domain::programming::PlanForm {
            title: title.into(),
            procedure: "open".into(),
            publication: "T2 2099".into(),
            cpv: "45261000".into(),
            estimate_min: "400 000".into(),
            estimate_max: "600 000".into(),
            contact: "Mme Durand, durand@ville.example".into(),
            ..Default::default()
        };
        ids.push(
            app::server::programming::create(&app.db, &caller, city, &form)
                .await
                .unwrap(),
        );
    }
    let draft = plans::Entity::find_by_id(ids[1])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut draft: plans::ActiveModel = draft.into();
    draft.status = Set("draft".into());
    draft.update(&app.db).await.unwrap();
    (ids[0], ids[1])
}

both_dbs! {
    "api_lists",
    #[tokio::test]
    async fn lists_and_records_with_the_sites_filters_and_public_fields_only(backend, url) {
        let app = TestApp::new(&url).await;
        import_sample(&app).await;

        // Contracts: the explorer's list, newest first, with its envelope.
        let (status, v) = get(&app, "/api/v1/marches").await;
        assert_eq!(status, 200, "{backend}: {v}");
        assert_eq!(v["total"], 10, "{backend}");
        assert_eq!(
            (v["page"].as_u64(), v["pages"].as_u64()),
            (Some(1), Some(1))
        );
        assert_eq!(v["per_page"], 25);
        assert!(v["next"].is_null() && v["prev"].is_null());
        assert_eq!(v["data"].as_array().unwrap().len(), 10);
        // The explorer's year filter: 3 contracts notified in 2024.
        let (_, v) = get(&app, "/api/v1/marches?annee=2024").await;
        assert_eq!(v["total"], 3, "{backend}");
        let (_, v) = get(&app, "/api/v1/marches?procedure=ao_ouvert").await;
        assert_eq!(v["total"], 1);
        let item = &v["data"][0];
        assert!(item["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/marches/{}", item["id"])));
        // Its record: the amount in euros, the awardees with their SIRET.
        let (status, c) = get(&app, &format!("/api/v1/marches/{}", item["id"])).await;
        assert_eq!(status, 200, "{c}");
        assert_eq!(c["procedure"], "ao_ouvert");
        assert_eq!(c["buyer"]["id_type"], "SIRET");
        assert!(c["amount_eur"].as_f64().unwrap() > 0.0);
        assert!(!c["awardees"].as_array().unwrap().is_empty());
        assert!(
            c.get("sources").is_none(),
            "the raw records stay on the site's page"
        );
        // Page 2 of a one-page list is not a page.
        let (status, e) = get(&app, "/api/v1/marches?page=2").await;
        assert_eq!(status, 404);
        assert_eq!(e["error"]["code"], "not_found");
        assert_eq!(e["error"]["parameter"], "page");

        // The programming: the planned procurement, not the draft, and never its contact.
        let (plan, draft) = buyer_with_plans(&app).await;
        let (status, v) = get(&app, "/api/v1/programmation").await;
        assert_eq!(status, 200, "{backend}: {v}");
        assert_eq!(v["total"], 1, "{backend}: drafts are their buyer's alone");
        let p = &v["data"][0];
        assert_eq!(p["id"], plan);
        assert_eq!(p["status"], "planned");
        assert_eq!(p["publication_date"], "2099-04-01");
        assert_eq!(p["publication_precision"], "quarter");
        assert_eq!(
            (
                p["estimate_min_eur"].as_i64(),
                p["estimate_max_eur"].as_i64()
            ),
            (Some(400_000), Some(600_000))
        );
        let (status, r) = get(&app, &format!("/api/v1/programmation/{plan}")).await;
        assert_eq!(status, 200);
        assert_eq!(r["procedure"], "open");
        assert_eq!(r["cpv"][0], "45261000");
        let text = r.to_string();
        assert!(!text.contains("durand@"), "no contact in open data: {text}");
        let (status, _) = get(&app, &format!("/api/v1/programmation/{draft}")).await;
        assert_eq!(status, 404, "{backend}: a draft is not found");

        // The directory and the catalogue: public organisations and published offers.
        let cookie = app.signup("gerant@toits.example").await;
        let firm = org(
            &app,
            &cookie,
            "business",
            "833 802 648 00026",
            "Toits du Rhône",
        )
        .await;
        offer(
            &app,
            &cookie,
            firm,
            "Couverture zinc et ardoise",
            "45261000",
        )
        .await;
        app.search.sync(&app.db).await.unwrap();
        let (status, v) = get(&app, "/api/v1/annuaire?type=business").await;
        assert_eq!(status, 200, "{backend}: {v}");
        assert_eq!(v["total"], 1, "{backend}: {v}");
        assert_eq!(v["data"][0]["name"], "Toits du Rhône");
        assert_eq!(v["data"][0]["commune"], "Villeurbanne");
        let (_, o) = get(&app, &format!("/api/v1/annuaire/{firm}")).await;
        assert_eq!(o["siret"], "83380264800026");
        assert_eq!(o["offers"][0]["title"], "Couverture zinc et ardoise");
        let text = o.to_string();
        assert!(!text.contains("gerant@"), "no member's address: {text}");
        let (status, v) = get(&app, "/api/v1/catalogue?cpv=45").await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["total"], 1, "{backend}: {v}");
        let offer_id = v["data"][0]["id"].clone();
        let (status, o) = get(&app, &format!("/api/v1/catalogue/{offer_id}")).await;
        assert_eq!(status, 200);
        assert_eq!(o["organisation_id"], firm);
        assert_eq!(o["cpv"][0], "45261000");

        // Missing records and ids that are not ids: 404, in JSON.
        for path in [
            "/api/v1/marches/999999",
            "/api/v1/marches/abc",
            "/api/v1/annuaire/0",
            "/api/v1/catalogue/-3",
            "/api/v1/programmation/999999",
        ] {
            let (status, e) = get(&app, path).await;
            assert_eq!(status, 404, "{backend} {path}");
            assert_eq!(e["error"]["code"], "not_found");
        }
    }
}

#[tokio::test]
async fn a_typo_is_a_400_that_names_the_parameter_in_the_callers_language() {
    let app = TestApp::new("sqlite::memory:").await;
    for (path, code, parameter) in [
        ("/api/v1/marches?anne=2024", "unknown_parameter", "anne"),
        ("/api/v1/marches?annee=deux-mille", "invalid_value", "annee"),
        (
            "/api/v1/marches?procedure=au-hasard",
            "invalid_value",
            "procedure",
        ),
        ("/api/v1/marches?q=a&q=b", "repeated_parameter", "q"),
        ("/api/v1/marches?page=0", "invalid_value", "page"),
        ("/api/v1/marches?tri=n-importe", "invalid_value", "tri"),
        ("/api/v1/programmation?etat=draft", "invalid_value", "etat"),
        (
            "/api/v1/programmation?vue=calendrier",
            "unknown_parameter",
            "vue",
        ),
        ("/api/v1/annuaire?type=ogre", "invalid_value", "type"),
        ("/api/v1/annuaire?pres_de=6926", "invalid_value", "pres_de"),
        // Values in the document's canonical form only: not trimmed, not spaced, not empty.
        ("/api/v1/annuaire?cpv=4%205", "invalid_value", "cpv"),
        ("/api/v1/marches?annee=%202024", "invalid_value", "annee"),
        ("/api/v1/marches?q=&annee=", "invalid_value", "annee"),
        ("/api/v1/marches?dep=069", "invalid_value", "dep"),
        (
            "/api/v1/catalogue?km=7&pres_de=69266",
            "invalid_value",
            "km",
        ),
    ] {
        let (status, e) = get(&app, path).await;
        assert_eq!(status, 400, "{path}: {e}");
        assert_eq!(e["error"]["code"], code, "{path}");
        assert_eq!(e["error"]["parameter"], parameter, "{path}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(parameter), "{path}: {message}");
    }
    // French by default, English when asked.
    let (_, _, body) = app.get_from("/api/v1/marches?anne=2024", IP, &[]).await;
    assert!(body.contains("Paramètre inconnu"), "{body}");
    let (_, _, body) = app
        .get_from(
            "/api/v1/marches?anne=2024",
            IP,
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
    assert!(body.contains("Unknown parameter"), "{body}");
    // Valid defaults and empty words are no error; a commune without a radius is 10 km around
    // it, a radius without its commune filters nothing.
    for path in [
        "/api/v1/marches?tri=recent",
        "/api/v1/marches?q=",
        "/api/v1/marches?q=%20toit%20",
        "/api/v1/annuaire?pres_de=69266",
        "/api/v1/annuaire?km=5",
        "/api/v1/annuaire?tri=nom",
        "/api/v1/catalogue?pres_de=69266&km=10",
        "/api/v1/programmation?etat=awarded",
    ] {
        let (status, e) = get(&app, path).await;
        assert_eq!(status, 200, "{path}: {e}");
    }
}

#[tokio::test]
async fn each_address_has_its_budget_of_requests() {
    let app = TestApp::new("sqlite::memory:").await.with_api_limit(3);
    for _ in 0..3 {
        let (status, _, _) = app.get_from("/api/v1/programmation", IP, &[]).await;
        assert_eq!(status.as_u16(), 200);
    }
    let (status, headers, body) = app.get_from("/api/v1/programmation", IP, &[]).await;
    assert_eq!(status.as_u16(), 429, "{body}");
    let wait: u64 = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=20).contains(&wait), "{wait}");
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["error"]["code"], "too_many_requests");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("au plus 3 par minute"),
        "the message gives the budget: {e}"
    );
    // Another address is not held; the site's pages are not counted.
    let (status, _, _) = app
        .get_from("/api/v1/programmation", [192, 0, 2, 11], &[])
        .await;
    assert_eq!(status.as_u16(), 200);
    let (status, _, _) = app.get_from("/programmation", IP, &[]).await;
    assert_eq!(status.as_u16(), 200);
}

/// The query keys a list's filters write when every filter is set.
fn keys(query: &str) -> Vec<String> {
    let mut k: Vec<String> = app::domain::query::pairs(query)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    k.sort();
    k
}

#[tokio::test]
async fn the_openapi_document_describes_what_the_api_accepts() {
    use app::domain::{catalogue, contracts, directory, programming};
    // Every value of every list is tried below: more than a minute's budget of one address.
    let app = TestApp::new("sqlite::memory:")
        .await
        .with_api_limit(100_000);
    let (status, doc) = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"][0]["url"], "http://127.0.0.1");
    let paths = doc["paths"].as_object().unwrap();
    let mut names: Vec<&String> = paths.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "/api/v1/annuaire",
            "/api/v1/annuaire/{id}",
            "/api/v1/catalogue",
            "/api/v1/catalogue/{id}",
            "/api/v1/demandes-de-devis",
            "/api/v1/demandes-de-devis/{id}",
            "/api/v1/marches",
            "/api/v1/marches/{id}",
            "/api/v1/programmation",
            "/api/v1/programmation/{id}",
        ]
    );
    // Every list documents exactly the filters the site reads (all set, then written back),
    // and its page: the document cannot drift from the parser.
    let documented = |path: &str| {
        let mut k: Vec<String> = paths[path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        k.sort();
        k
    };
    let with_page = |q: String| keys(&format!("{q}&page=2"));
    let c = contracts::ContractFilters {
        q: Some("toit".into()),
        year: Some(2024),
        cpv: Some("45".into()),
        procedure: Some("adaptee".into()),
        nature: Some("marche".into()),
        min: Some(1),
        max: Some(2),
        buyer: Some("21690123100011".into()),
        awardee: Some("x".into()),
        dep: Some("69".into()),
        commune: Some("69266".into()),
        max_offers: Some(1),
        social: true,
        env: true,
        sort: contracts::Sort::AmountAsc,
        page: 1,
    };
    assert_eq!(documented("/api/v1/marches"), with_page(c.to_query(1)));
    let p = programming::PlanFilters {
        buyer: Some("1".into()),
        cpv: Some("45".into()),
        quarter: Some("2027-T2".into()),
        amount: Some("lt40k".into()),
        lever: Some("co2".into()),
        status: Some("planned".into()),
        joint: true,
        timeline: false,
        page: 1,
    };
    assert_eq!(
        documented("/api/v1/programmation"),
        with_page(p.to_query(1))
    );
    let d = directory::DirectoryFilters::from_query(
        "q=a&type=business&naf=43&cpv=45&label=rge&label_territorial=1&avec_offres=1&taille=micro&inclusif=any&dep=69M&commune=69266&pres_de=69266&km=10&tri=recent",
    );
    assert_eq!(documented("/api/v1/annuaire"), with_page(d.to_query(1)));
    let o = catalogue::CatalogueFilters::from_query(
        "q=a&type=works&cpv=45&label=rge&label_territorial=1&circuit_court=1&cycle_de_vie=1&carbone=1&inclusif=1&dep=69&pres_de=69266&km=10&mois=3&egalim=bio&livre_a=69256&tri=distance",
    );
    assert_eq!(documented("/api/v1/catalogue"), with_page(o.to_query(1)));
    assert_eq!(
        documented("/api/v1/demandes-de-devis"),
        ["ouvertes", "page"]
    );
    // Every operation has its own id (clients name their functions after it), and each list
    // links to the record of its elements.
    let mut ids: Vec<&str> = paths
        .values()
        .map(|item| item["get"]["operationId"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), paths.len(), "{ids:?}");
    for (path, item) in paths.iter().filter(|(p, _)| !p.ends_with("{id}")) {
        let link = &item["get"]["responses"]["200"]["links"]["fiche"];
        let target = link["operationId"].as_str().unwrap();
        let record = paths[&format!("{path}/{{id}}")]["get"]["operationId"]
            .as_str()
            .unwrap();
        assert_eq!(target, record, "{path}");
        assert_eq!(link["parameters"]["id"], "$response.body#/data/0/id");
    }
    // Each value a list's parameter enumerates, and the bounds of its numbers, are accepted:
    // what the document says is valid is valid.
    for (path, item) in paths.iter().filter(|(p, _)| !p.ends_with("{id}")) {
        for param in item["get"]["parameters"].as_array().unwrap() {
            let name = param["name"].as_str().unwrap();
            let schema = &param["schema"];
            let mut values: Vec<String> = schema["enum"]
                .as_array()
                .map(|vs| {
                    vs.iter()
                        .map(|v| v.to_string().trim_matches('"').to_string())
                        .collect()
                })
                .unwrap_or_default();
            for bound in ["minimum", "maximum"] {
                if let Some(n) = schema[bound].as_i64() {
                    values.push(n.to_string());
                }
            }
            for value in values {
                let url = format!("{path}?{name}={}", urlencode(&value));
                let (status, e) = get(&app, &url).await;
                // A page past the last is a 404 the document states; anything else is a 200.
                let expected = if name == "page" && value != "1" {
                    404
                } else {
                    200
                };
                assert_eq!(status, expected, "{url}: {e}");
            }
        }
    }
    // Each answer's schema is in the document.
    for schema in [
        "ContractItem",
        "ContractRecord",
        "PlanItem",
        "PlanRecord",
        "OrgItem",
        "OrgRecord",
        "OfferItem",
        "OfferRecord",
        "QuoteItem",
        "ApiError",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
    // The open data page lists the same endpoints.
    let (status, _, page) = app.get("/donnees", None).await;
    assert_eq!(status.as_u16(), 200);
    for path in names {
        let shown = path.replace(['{', '}'], "");
        assert!(
            page.contains(path.as_str()) || page.contains(&shown),
            "{path} on /donnees"
        );
    }
}

/// A query value as a client encodes it.
fn urlencode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}
