//! The OCDS 1.1 release-package export, on SQLite and PostgreSQL: the State's DECP→OCDS mapping
//! tests (imported through the real importer, exported through HTTP), and every package checked
//! by a JSON Schema validator against the official OCDS 1.1.5 release-package schema.

mod common;

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
            let run = app::server::decp::import_file(&app.db, None, &source, case, None, |_| {})
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

#[tokio::test]
async fn real_contracts_export_as_a_valid_package_of_any_filtered_list() {
    let validator = validator();
    for (backend, url) in backends("ocds_real").await {
        let app = common::TestApp::new(&url).await;
        let source = fixtures().join("decp/SUBSET_metropole_lyon_lieuExecution.json");
        app::server::decp::import_file(&app.db, None, &source, "lyon.json", None, |_| {})
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
        let contracts = app::server::entities::contracts::Entity::find()
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
