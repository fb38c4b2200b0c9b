//! The OCDS 1.1 release-package export, on SQLite and PostgreSQL: the State's DECP→OCDS mapping
//! tests (imported through the real importer, exported through HTTP), and every package checked
//! by a JSON Schema validator against the official OCDS 1.1.5 release-package schema.

use crate::common;

use common::backends;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The release-package schema refers to the release schema by URL: served from the local copy.
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str() {
            "https://standard.open-contracting.org/schema/1__1__5/release-schema.json" => {
                Ok(read_json(&fixtures().join("ocds/release-schema.json")))
            }
            other => Err(format!("no network: {other}").into()),
        }
    }
}

fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_retriever(LocalSchemas)
        .should_validate_formats(true)
        .build(&read_json(
            &fixtures().join("ocds/release-package-schema.json"),
        ))
        .unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, package: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(package)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

async fn export(app: &common::TestApp, query: &str) -> Value {
    app.search.sync(&app.db).await.unwrap();
    let (status, _, body) = app
        .get(&format!("/marches/export.ocds.json{query}"), None)
        .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Dates are compared by their day: the source's time zone is not kept by the import.
fn normalise(mut v: Value) -> Value {
    match &mut v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if k == "date" {
                    if let Value::String(s) = x {
                        *s = s[..10].to_string();
                    }
                } else {
                    *x = normalise(x.take());
                }
            }
        }
        Value::Array(list) => {
            for x in list.iter_mut() {
                *x = normalise(x.take());
            }
        }
        _ => {}
    }
    v
}

#[tokio::test]
async fn the_reference_mapping_tests_pass_and_validate() {
    let validator = validator();
    // The reference's own expected packages are valid: the validator and its schemas work.
    for entry in std::fs::read_dir(fixtures().join("ocds/decp2ocds/expected")).unwrap() {
        let path = entry.unwrap().path();
        let package = read_json(&path);
        // Two of them hold no release at all (not implemented there): a package needs one.
        if package.get("releases").is_some() {
            assert_valid(&validator, &package, &path.display().to_string());
        }
    }
    // And it refuses a broken package.
    let mut broken = read_json(&fixtures().join("ocds/decp2ocds/expected/001_marche_simple.json"));
    broken["releases"][0]["tag"] = serde_json::json!(["pas-un-tag"]);
    assert!(!validator.is_valid(&broken));

    let cases = [
        "001_marche_simple",
        "001b_duplicate_supplier",
        "002_modification_montant",
        "002a_modifification_sans_donnees_modifiees",
        "003_pas_de_num_sequence_dans_id",
        "005_marche_meme_siret_acheteur_titulaire",
    ];
    for case in cases {
        let source = fixtures().join(format!("ocds/decp2ocds/source/{case}.json"));
        let expected = read_json(&fixtures().join(format!("ocds/decp2ocds/expected/{case}.json")));
        for (backend, url) in backends(&format!("ocds_{}", &case[..4])).await {
            let app = common::TestApp::new(&url).await;
            let run =
                app::server::imports::decp::import_file(&app.db, None, &source, case, None, |_| {})
                    .await
                    .unwrap();
            assert_eq!(run.accepted, 1, "{case} {backend}");
            let package = export(&app, "").await;
            assert_valid(&validator, &package, &format!("{case} {backend}"));
            assert_eq!(package["version"], "1.1");
            let ours = package["releases"].as_array().unwrap();
            match expected["releases"].as_array() {
                Some(theirs) => {
                    assert_eq!(
                        normalise(Value::Array(ours.clone())),
                        normalise(Value::Array(theirs.clone())),
                        "{case} {backend}"
                    );
                }
                // The reference had not implemented modifications: the contract as awarded,
                // then one release per modification with the new value.
                None => {
                    let modifications = read_json(&source)["marches"][0]["modifications"]
                        .as_array()
                        .unwrap()
                        .len();
                    assert_eq!(ours.len(), 1 + modifications, "{case} {backend}");
                    assert!(ours[0]["id"].as_str().unwrap().ends_with("-00"));
                    assert_eq!(ours[1]["tag"][0], "contractAmendment");
                    assert!(ours[1]["id"].as_str().unwrap().ends_with("-01"));
                    if case == "002_modification_montant" {
                        assert_eq!(ours[0]["contracts"][0]["value"]["amount"], 80000);
                        assert_eq!(ours[1]["contracts"][0]["value"]["amount"], 100000);
                    }
                }
            }
        }
    }
}

both_dbs! {
    "ocds_real",
    #[tokio::test]
    async fn real_contracts_export_as_a_valid_package_of_any_filtered_list(backend, url) {
        let validator = validator();
        let app = common::TestApp::new(&url).await;
        let source = fixtures().join("decp/SUBSET_metropole_lyon_lieuExecution.json");
        app::server::imports::decp::import_file(&app.db, None, &source, "lyon.json", None, |_| {})
            .await
            .unwrap();
        let package = export(&app, "").await;
        assert_valid(&validator, &package, backend);
        let releases = package["releases"].as_array().unwrap();
        let ocids: std::collections::BTreeSet<&str> = releases
            .iter()
            .map(|r| r["ocid"].as_str().unwrap())
            .collect();
        use sea_orm::{EntityTrait, PaginatorTrait};
        let contracts = app::server::infra::entities::contracts::Entity::find()
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(
            ocids.len() as u64,
            contracts,
            "{backend}: one ocid per contract"
        );
        assert!(ocids.iter().all(|o| o.starts_with("ocds-78apv2-")));

        // A filtered list: the same contracts as the explorer shows.
        let (_, _, body) = app
            .get("/api/contracts/search?query=q%3Dtravaux", None)
            .await;
        let total = serde_json::from_str::<Value>(&body).unwrap()["page"]["total"]
            .as_u64()
            .unwrap();
        let package = export(&app, "?q=travaux").await;
        assert_valid(&validator, &package, backend);
        let ocids: std::collections::BTreeSet<&str> = package["releases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ocid"].as_str().unwrap())
            .collect();
        assert_eq!(ocids.len() as u64, total, "{backend}");
        // A package holds at least one release: an empty list is a 404 that says why.
        let (status, _, body) = app
            .get("/marches/export.ocds.json?q=zzzzintrouvable", None)
            .await;
        assert_eq!(status.as_u16(), 404, "{backend}");
        assert!(body.contains("Aucun marché ne correspond"), "{body}");
    }
}

/// A verified buyer's two procurements: one planned with a lot, one whose tender is published;
/// (planned, published).
async fn programming(app: &common::TestApp) -> (i32, i32) {
    use app::server::infra::entities::{plan_lots, plans};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let cookie = app.signup("achats@ville.example").await;
    let city = common::org(
        app,
        &cookie,
        "buyer",
        "216 901 231 00011",
        "Ville (fictive)",
    )
    .await;
    common::verify(app, city).await;
    let caller = app::server::auth::Caller::for_user(
        &app.db,
        common::user_id(app, "achats@ville.example").await,
    )
    .await
    .unwrap();
    let mut ids = vec![];
    for (title, procedure, publication) in [
        ("Réfection des toitures des écoles", "open", "T2 2099"),
        ("Entretien des espaces verts", "adapted", "03/2099"),
    ] {
        let form = app::domain::programming::PlanForm {
            title: title.into(),
            description: "Trois sites, en activité.".into(),
            procedure: procedure.into(),
            publication: publication.into(),
            cpv: "45261000".into(),
            estimate_min: "400 000".into(),
            estimate_max: "600 000".into(),
            duration_months: "24".into(),
            contact: "Mme Durand, durand@ville.example".into(),
            ..Default::default()
        };
        ids.push(
            app::server::programming::create(&app.db, &caller, city, &form)
                .await
                .unwrap(),
        );
    }
    plan_lots::ActiveModel {
        plan_id: Set(ids[0]),
        number: Set(1),
        title: Set("Zinguerie".into()),
        cpv: Set("45261310".into()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let p = plans::Entity::find_by_id(ids[1])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut p: plans::ActiveModel = p.into();
    p.status = Set("published".into());
    p.tender_url = Set(Some("https://marches.example/avis/77".into()));
    p.update(&app.db).await.unwrap();
    (ids[0], ids[1])
}

both_dbs! {
    "ocds_plans",
    #[tokio::test]
    async fn planned_procurements_export_as_valid_planning_releases_and_csv(backend, url) {
        let validator = validator();
        let app = common::TestApp::new(&url).await;
        let (planned, published) = programming(&app).await;
        let (status, _, body) = app.get("/programmation/export.ocds.json", None).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let package: Value = serde_json::from_str(&body).unwrap();
        assert_valid(&validator, &package, backend);
        let releases = package["releases"].as_array().unwrap();
        assert_eq!(releases.len(), 2, "{backend}");
        // By expected publication: March 2099 before the second quarter.
        let (first, second) = (&releases[0], &releases[1]);
        assert_eq!(
            first["ocid"],
            format!("ocds-passerelle-programmation-{published}")
        );
        assert_eq!(first["tag"][0], "tender");
        assert_eq!(first["tender"]["status"], "active");
        assert_eq!(
            first["tender"]["documents"][1]["url"],
            "https://marches.example/avis/77"
        );
        assert_eq!(
            first["planning"]["milestones"][0]["dueDate"],
            "2099-03-31T00:00:00Z"
        );
        assert_eq!(
            second["ocid"],
            format!("ocds-passerelle-programmation-{planned}")
        );
        assert_eq!(second["tag"][0], "planning");
        assert_eq!(second["tender"]["status"], "planned");
        assert_eq!(second["tender"]["procurementMethod"], "open");
        assert_eq!(second["tender"]["minValue"]["amount"], 400_000);
        assert_eq!(second["tender"]["value"]["amount"], 600_000);
        assert_eq!(second["tender"]["contractPeriod"]["durationInDays"], 732);
        assert_eq!(
            second["tender"]["items"][1]["description"],
            "Lot 1 : Zinguerie"
        );
        assert_eq!(second["buyer"]["id"], "FR-RCS-21690123100011-buyer");
        assert!(
            !body.contains("durand@"),
            "{backend}: no contact in open data"
        );
        // The programming's filters: the planned one only; none cancelled is a 404.
        let (_, _, body) = app
            .get("/programmation/export.ocds.json?etat=planned", None)
            .await;
        let package: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(package["releases"].as_array().unwrap().len(), 1);
        let (status, _, _) = app
            .get("/programmation/export.ocds.json?etat=cancelled", None)
            .await;
        assert_eq!(status.as_u16(), 404, "{backend}");

        // The same list as a spreadsheet.
        let (status, _, csv) = app.get("/programmation/export.csv", None).await;
        assert_eq!(status.as_u16(), 200);
        let csv = csv.trim_start_matches('\u{feff}');
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        assert_eq!(reader.headers().unwrap().get(1), Some("Intitulé"));
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2, "{backend}");
        assert_eq!(rows[1].get(1), Some("Réfection des toitures des écoles"));
        assert_eq!(rows[1].get(5), Some("T2 2099"));
        assert_eq!(rows[1].get(8), Some("600000"));
        assert!(!csv.contains("durand@"));
    }
}

both_dbs! {
    "ocds_joint",
    #[tokio::test]
    async fn a_groupement_names_every_buyer_with_its_share_and_stays_valid(backend, url) {
        use app::server::infra::entities::{plan_co_buyer_parts, plan_co_buyers, plan_lots, plans};
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let validator = validator();
        let app = common::TestApp::new(&url).await;
        let (planned, _) = programming(&app).await;
        let mut p: plans::ActiveModel = plans::Entity::find_by_id(planned)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
        p.joint_convention = Set(Some("Chacun paie sa part.".into()));
        p.joint_deadline = Set(chrono::NaiveDate::from_ymd_opt(2099, 1, 31));
        p.update(&app.db).await.unwrap();
        let lot = plan_lots::Entity::find()
            .filter(plan_lots::Column::PlanId.eq(planned))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .id;
        // Two communes joined (lot 1), a third only asked: the release names the two.
        let mut members = vec![];
        for (email, siret, name, status, amount) in [
            ("mairie@irigny.example", "216 901 000 00002", "Irigny", "accepted", 12_000),
            ("mairie@vernaison.example", "216 901 000 00010", "Vernaison", "accepted", 8_000),
            ("mairie@charly.example", "216 901 000 00028", "Charly", "asked", 5_000),
        ] {
            let cookie = app.signup(email).await;
            let id = common::org(&app, &cookie, "buyer", siret, name).await;
            common::verify(&app, id).await;
            let now = chrono::Utc::now();
            let row = plan_co_buyers::ActiveModel {
                plan_id: Set(planned),
                buyer_id: Set(id),
                status: Set(status.into()),
                contact: Set(format!("Secrétariat, {email}")),
                communes: Set("69100".into()),
                note: Set(Some("Budget voté".into())),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
            plan_co_buyer_parts::ActiveModel {
                co_buyer_id: Set(row.id),
                lot_id: Set(Some(lot)),
                amount: Set(amount),
                quantity: Set(String::new()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
            members.push(siret.replace(' ', ""));
        }
        let (status, _, body) = app.get("/programmation/export.ocds.json?etat=planned", None).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let package: Value = serde_json::from_str(&body).unwrap();
        assert_valid(&validator, &package, backend);
        let release = &package["releases"][0];
        let parties = release["parties"].as_array().unwrap();
        assert_eq!(parties.len(), 3, "{backend}: the coordinator and two members");
        assert_eq!(parties[0]["roles"], serde_json::json!(["buyer", "procuringEntity"]));
        assert_eq!(parties[0]["details"]["jointProcurement"]["role"], "coordinator");
        assert_eq!(
            parties[0]["details"]["jointProcurement"]["estimatedShare"]["amount"],
            600_000
        );
        assert_eq!(parties[1]["identifier"]["id"], members[0].as_str());
        assert_eq!(parties[1]["roles"], serde_json::json!(["buyer"]));
        assert_eq!(
            parties[1]["details"]["jointProcurement"]["estimatedShare"]["amount"],
            12_000
        );
        assert_eq!(parties[1]["details"]["jointProcurement"]["lots"], serde_json::json!(["1"]));
        assert_eq!(parties[2]["name"], "Vernaison");
        assert!(!body.contains("Charly") && !body.contains("Budget voté") && !body.contains("mairie@"));
        // The spreadsheet names the members too.
        let (_, _, csv) = app.get("/programmation/export.csv?etat=planned", None).await;
        assert!(
            csv.contains("Irigny (21690100000002) 12000 ; Vernaison (21690100000010) 8000"),
            "{backend}: {csv}"
        );
    }
}

both_dbs! {
    "ocds_quotes",
    #[tokio::test]
    async fn quick_consultations_are_open_data_without_their_answers(backend, url) {
        let validator = validator();
        let app = common::TestApp::new(&url).await;
        app::server::demo::seed(&app.db, Default::default()).await.unwrap();
        // Every consultation, as a valid package: tender always, award once decided.
        let (status, _, body) = app.get("/demandes-de-devis/export.ocds.json", None).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let package: Value = serde_json::from_str(&body).unwrap();
        assert_valid(&validator, &package, backend);
        let releases = package["releases"].as_array().unwrap();
        use sea_orm::{EntityTrait, PaginatorTrait};
        let count = app::server::infra::entities::quote_requests::Entity::find().count(&app.db).await.unwrap();
        assert_eq!(releases.len() as u64, count, "{backend}");
        let awarded: Vec<&Value> = releases.iter().filter(|r| r["tender"]["status"] == "complete").collect();
        assert!(!awarded.is_empty(), "{backend}");
        for r in &awarded {
            assert_eq!(r["tag"], serde_json::json!(["tender", "award"]), "{backend}");
            let awards = r["awards"].as_array().unwrap();
            assert!(awards.iter().all(|a| a["value"]["amount"].as_f64().unwrap() > 0.0), "{backend}");
        }
        for r in releases.iter().filter(|r| r["tender"]["status"] == "active") {
            assert!(r.get("awards").is_none(), "{backend}: an undecided one shows no award");
        }
        // Only the parts awarded appear, never the other answers: as many award items as
        // parts awarded, fewer than the answers given.
        let items: usize = awarded.iter().flat_map(|r| r["awards"].as_array().unwrap()).map(|a| a["items"].as_array().unwrap().len()).sum();
        let parts = app::server::infra::entities::quote_awards::Entity::find().count(&app.db).await.unwrap();
        let answers = app::server::infra::entities::quote_answers::Entity::find().count(&app.db).await.unwrap();
        assert_eq!(items as u64, parts, "{backend}");
        assert!(answers > parts, "{backend}: the demo has answers not awarded");
        // The open ones only.
        let (_, _, body) = app.get("/demandes-de-devis/export.ocds.json?ouvertes=1", None).await;
        let open: Value = serde_json::from_str(&body).unwrap();
        assert_valid(&validator, &open, backend);
        assert!(open["releases"].as_array().unwrap().iter().all(|r| r["tender"]["status"] == "active"), "{backend}");

        // The API: pages, the open ones, one record with its awards; a typo is a 400.
        let (status, _, body) = app.get("/api/v1/demandes-de-devis", None).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let list: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list["total"].as_u64(), Some(count), "{backend}");
        assert!(!body.contains("comment") && !body.contains("declined"), "{backend}: no answer in the API");
        let decided = list["data"].as_array().unwrap().iter().find(|q| q["status"] == "awarded").unwrap();
        let (status, _, body) = app.get(&format!("/api/v1/demandes-de-devis/{}", decided["id"]), None).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        let one: Value = serde_json::from_str(&body).unwrap();
        assert!(!one["awards"].as_array().unwrap().is_empty(), "{backend}");
        assert_eq!(one["products"][0]["label"].as_str().map(|s| !s.is_empty()), Some(true), "{backend}");
        let (status, _, _) = app.get("/api/v1/demandes-de-devis?ouverte=1", None).await;
        assert_eq!(status.as_u16(), 400, "{backend}");
        let (status, _, _) = app.get("/api/v1/demandes-de-devis/999999", None).await;
        assert_eq!(status.as_u16(), 404, "{backend}");
    }
}
