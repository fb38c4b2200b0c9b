//! DECP import on SQLite and PostgreSQL: real files of every format, re-imports without
//! duplicates, two sources merged, bad files ending with a clear error.

use crate::common;

use app::server::infra::entities::{
    contract_awardees, contract_sources, contracts, import_rejects, imports,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/decp")
        .join(name)
}

async fn db(url: &str) -> DatabaseConnection {
    let db = app::server::infra::db::connect_and_migrate(url)
        .await
        .unwrap();
    app::server::infra::reference::load(&db).await.unwrap();
    db
}

async fn import(db: &DatabaseConnection, path: &Path) -> imports::Model {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    app::server::imports::decp::import_file(db, None, path, &name, None, |_| {})
        .await
        .unwrap()
}

async fn count_contracts(db: &DatabaseConnection) -> u64 {
    contracts::Entity::find().count(db).await.unwrap()
}

both_dbs! {
    "decp_formats",
    #[tokio::test]
    async fn real_files_of_every_format_import_and_reimport_without_duplicates(backend, url) {
        let db = db(&url).await;
        let files = [
            ("SUBSET_metropole_lyon_lieuExecution.json", "json-2019"),
            ("e-marchespublics.json", "json-2019"),
            ("v2_marches_avec_modifications.json", "json-2022"),
            ("v2_concessions_avec_modifications.json", "json-2022"),
            ("v2_Marche.xml", "xml"),
            ("v1_mar-avec-modifications.xml", "xml"),
            ("v1_cc-avec-modifications.xml", "xml"),
            ("tabular_2024H2_first300.csv", "csv"),
        ];
        let mut first_counts = Vec::new();
        for (file, format) in files {
            let run = import(&db, &fixture(file)).await;
            assert_eq!(run.status, "done", "{backend} {file}: {:?}", run.error);
            assert_eq!(run.format.as_deref(), Some(format), "{backend} {file}");
            assert!(run.records > 0, "{backend} {file}");
            assert_eq!(run.records, run.accepted + run.rejected, "{backend} {file}");
            first_counts.push(count_contracts(&db).await);
        }
        // The real 2019 subset: 218 records of the Métropole, all identifiable.
        let subset = import(&db, &fixture("SUBSET_metropole_lyon_lieuExecution.json")).await;
        assert_eq!((subset.records, subset.rejected), (218, 0), "{backend}");
        // Re-importing everything changes no count.
        let before = count_contracts(&db).await;
        for (file, _) in files {
            import(&db, &fixture(file)).await;
        }
        assert_eq!(
            count_contracts(&db).await,
            before,
            "{backend}: re-import duplicated contracts"
        );

        // The tabular CSV: 300 rows, one per contract × awardee, fewer contracts than rows.
        let csv_contracts = contracts::Entity::find()
            .filter(contracts::Column::CpvDivision.eq("45"))
            .filter(contracts::Column::Year.gte(2024))
            .count(&db)
            .await
            .unwrap();
        assert!(
            csv_contracts > 0 && csv_contracts < 300,
            "{backend}: {csv_contracts}"
        );

        // A 2022 contract with its modifications applied in order.
        let c = contracts::Entity::find()
            .filter(contracts::Column::Uid.eq("21750001630066TEST2022"))
            .one(&db)
            .await
            .unwrap()
            .expect("TEST2022 imported");
        assert_eq!(c.amount_cents, Some(57_500_000), "{backend}");
        assert_eq!(c.final_amount_cents, Some(12_345_787), "{backend}");
        assert_eq!(c.offers_received, Some(4));
        assert_eq!(c.social.as_deref(), Some("clause,critere"));
        assert_eq!(c.nature.as_deref(), Some("accord_cadre"));
    }
}

both_dbs! {
    "decp_merge",
    #[tokio::test]
    async fn the_same_contract_from_two_sources_is_merged(backend, url) {
        let db = db(&url).await;
        let dir = std::env::temp_dir().join(format!(
            "passerelle-decp-merge-{backend}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("profil-a.json");
        let b = dir.join("profil-b.json");
        std::fs::write(&a, r#"{"marches": [{"id": "M1", "acheteur": {"id": "21690123100011", "nom": "Ville de Lyon"},
            "objet": "Entretien des espaces verts", "montant": 50000, "dateNotification": "2019-05-02",
            "titulaires": [{"id": "78471226700060", "typeIdentifiant": "SIRET"}]}]}"#).unwrap();
        // The second source adds the CPV and the offers, and says nothing of the amount.
        std::fs::write(&b, r#"{"marches": {"marche": [{"id": "M1", "acheteur": {"id": "21690123100011"},
            "codeCPV": "77313000-7", "offresRecues": 3,
            "titulaires": [{"titulaire": {"id": "78471226700060", "typeIdentifiant": "SIRET"}}]}]}}"#).unwrap();
        import(&db, &a).await;
        import(&db, &b).await;
        let all = contracts::Entity::find().all(&db).await.unwrap();
        assert_eq!(all.len(), 1, "{backend}");
        let c = &all[0];
        assert_eq!(
            c.amount_cents,
            Some(5_000_000),
            "{backend}: a missing value erased a known one"
        );
        assert_eq!(c.cpv.as_deref(), Some("77313000"));
        assert_eq!(c.offers_received, Some(3));
        assert_eq!(c.buyer_name.as_deref(), Some("Ville de Lyon"));
        let sources = contract_sources::Entity::find().all(&db).await.unwrap();
        let mut names: Vec<_> = sources.iter().map(|s| s.source.as_str()).collect();
        names.sort();
        assert_eq!(names, ["profil-a.json", "profil-b.json"], "{backend}");
        assert_eq!(
            contract_awardees::Entity::find().count(&db).await.unwrap(),
            1,
            "{backend}"
        );
    }
}

both_dbs! {
    "decp_bad",
    #[tokio::test]
    async fn bad_files_end_with_a_clear_error_and_keep_committed_batches(backend, url) {
        let db = db(&url).await;
        let dir = std::env::temp_dir().join(format!(
            "passerelle-decp-bad-{backend}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("vide.json", Vec::new(), "import.error.empty"),
            (
                "binaire.json",
                vec![0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 2, 3],
                "import.error.binary",
            ),
            (
                "texte.txt",
                b"bonjour".to_vec(),
                "import.error.unknown_format",
            ),
            (
                "autre.json",
                br#"{"contrats": []}"#.to_vec(),
                "import.error.no_records",
            ),
            (
                "chaine.json",
                format!("\"{}\"", "x".repeat(10 * 1024 * 1024)).into_bytes(),
                "import.error.unknown_format",
            ),
            (
                "tronque.xml",
                b"<marches><marche><id>1</id>".to_vec(),
                "import.error.xml",
            ),
        ];
        for (name, bytes, key) in cases {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            let run = import(&db, &path).await;
            assert_eq!(run.status, "failed", "{backend} {name}");
            assert_eq!(run.error.as_deref(), Some(key), "{backend} {name}");
        }
        assert_eq!(count_contracts(&db).await, 0, "{backend}");

        // A file cut after 1,200 records: the full batches before the cut are kept, and a
        // re-run of the complete file completes it without duplicates.
        let mut records = Vec::new();
        for i in 0..1500 {
            records.push(format!(
                r#"{{"id": "T{i}", "acheteur": {{"id": "21690123100011"}}, "montant": {i}, "dateNotification": "2020-01-01"}}"#
            ));
        }
        let full = format!(r#"{{"marches": [{}]}}"#, records.join(","));
        let cut_at = full.find(r#""id": "T1200""#).unwrap();
        let truncated = dir.join("tronque.json");
        std::fs::write(&truncated, &full[..cut_at]).unwrap();
        let run = import(&db, &truncated).await;
        assert_eq!(run.status, "failed", "{backend}");
        assert_eq!(run.error.as_deref(), Some("import.error.json"), "{backend}");
        // What the reader found is kept beside the reason, for the run's page.
        assert!(
            run.error_detail.as_deref().is_some_and(|d| !d.is_empty()),
            "{backend}: {:?}",
            run.error_detail
        );
        assert_eq!(count_contracts(&db).await, 1200, "{backend}");
        let complete = dir.join("complet.json");
        std::fs::write(&complete, &full).unwrap();
        let run = import(&db, &complete).await;
        assert_eq!(run.status, "done", "{backend}");
        assert_eq!(count_contracts(&db).await, 1500, "{backend}");
    }
}

both_dbs! {
    "decp_rejects",
    #[tokio::test]
    async fn rejects_say_why_and_where(backend, url) {
        let db = db(&url).await;
        let dir = std::env::temp_dir().join(format!(
            "passerelle-decp-rej-{backend}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rejets.json");
        std::fs::write(&path, r#"{"marches": [
            {"id": "OK1", "acheteur": {"id": "21690123100011"}, "montant": "12 000,50", "dateNotification": "2021-02-03"},
            {"id": "SANS-ACHETEUR", "montant": 10},
            {"acheteur": {"id": "123"}},
            "pas un objet"
        ]}"#).unwrap();
        let run = import(&db, &path).await;
        assert_eq!(
            (run.records, run.accepted, run.rejected),
            (4, 1, 3),
            "{backend}"
        );
        let rejects = import_rejects::Entity::find()
            .filter(import_rejects::Column::ImportId.eq(run.id))
            .all(&db)
            .await
            .unwrap();
        let mut indexes: Vec<i32> = rejects.iter().map(|r| r.record_index).collect();
        indexes.sort();
        assert_eq!(indexes, [1, 2, 3], "{backend}");
        assert!(rejects
            .iter()
            .any(|r| r.reasons.contains("decp.problem.buyer_missing")
                && r.reasons.contains("acheteur.id")));
        assert!(
            run.report.contains("rejected:decp.problem.buyer_not_siret"),
            "{}",
            run.report
        );
        let ok = contracts::Entity::find().one(&db).await.unwrap().unwrap();
        assert_eq!(ok.amount_cents, Some(1_200_050));
        let text = app::server::imports::decp::report::render_text(&run);
        assert!(text.contains("identifiant de l'acheteur absent"), "{text}");
    }
}

both_dbs! {
    "decp_upload",
    /// The admin upload: only administrators, the file streamed and imported in the background,
    /// the run's page and the rejects CSV.
    #[tokio::test]
    async fn admins_upload_a_file_and_download_its_rejects(backend, url) {
        use axum::body::Body;
        use axum::http::Request;
        use tower::ServiceExt;
        let app = common::TestApp::new(&url).await;
        let boundary = "----passerelle-test";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"C:\\\\dossier\\\\rejets.json\"\r\nContent-Type: application/json\r\n\r\n{}\r\n--{boundary}--\r\n",
            r#"{"marches": [{"id": "OK1", "acheteur": {"id": "21690123100011"}}, {"id": "SANS-ACHETEUR"}]}"#
        );
        let post = |cookie: Option<String>| {
            let mut req = Request::post("/admin/imports")
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("origin", "http://127.0.0.1")
                .header("sec-fetch-site", "same-origin");
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            req.body(Body::from(body.clone())).unwrap()
        };
        // Anonymous: 401, nothing imported.
        let res = app.router.clone().oneshot(post(None)).await.unwrap();
        assert_eq!(res.status().as_u16(), 401, "{backend}");
        // A signed-in non-admin: 403.
        let user = app.signup("curieux@exemple.fr").await;
        let res = app
            .router
            .clone()
            .oneshot(post(Some(user.clone())))
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 403, "{backend}");
        assert_eq!(
            imports::Entity::find().count(&app.db).await.unwrap(),
            0,
            "{backend}"
        );

        let admin = app.admin("admin-import@exemple.fr").await;
        let res = app
            .router
            .clone()
            .oneshot(post(Some(admin.clone())))
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "{backend}");
        let location = res.headers()["location"].to_str().unwrap().to_string();
        let id: i32 = location.rsplit('/').next().unwrap().parse().unwrap();
        // The import runs in the background: wait for it to end.
        let mut run = None;
        for _ in 0..100 {
            let r = imports::Entity::find_by_id(id)
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            if r.status != "running" {
                run = Some(r);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let run = run.expect("import finished");
        assert_eq!(
            run.file_name, "rejets.json",
            "{backend}: the client's path is dropped"
        );
        assert_eq!(
            (run.status.as_str(), run.accepted, run.rejected),
            ("done", 1, 1),
            "{backend}"
        );

        let (status, _, page) = app.get(&location, Some(&admin)).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        assert!(
            page.contains("identifiant de l&#x27;acheteur absent")
                || page.contains("identifiant de l'acheteur absent"),
            "{backend}"
        );
        let req = Request::get(format!("{location}/rejets.csv"))
            .header("cookie", &admin)
            .body(Body::empty())
            .unwrap();
        let res = app.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{backend}");
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment"));
        let csv = String::from_utf8(
            http_body_util::BodyExt::collect(res.into_body())
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        )
        .unwrap();
        assert!(
            csv.contains("SANS-ACHETEUR") && csv.contains("acheteur.id"),
            "{backend}: {csv}"
        );
        let (status, _, _) = app
            .get(&format!("{location}/rejets.csv"), Some(&user))
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, _) = app.get("/admin/imports/999999", Some(&admin)).await;
        assert_eq!(status.as_u16(), 404, "{backend}");
    }
}

both_dbs! {
    "decp_explorer",
    /// The explorer over imported contracts: filters from the URL, pages, the contract page.
    #[tokio::test]
    async fn the_explorer_filters_pages_and_shows_a_contract(backend, url) {
        let app = common::TestApp::new(&url).await;
        import(
            &app.db,
            &fixture("SUBSET_metropole_lyon_lieuExecution.json"),
        )
        .await;
        app.search.sync(&app.db).await.unwrap();
        // 218 records, some of them the same contract published twice: 155 contracts (distinct
        // buyer and id, counted in the file itself).
        let total = count_contracts(&app.db).await;
        assert_eq!(total, 155, "{backend}");
        let count_text = format!("{total} marchés");

        let (status, _, page) = app.get("/marches", None).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        assert!(page.contains(&count_text), "{backend}");
        assert_eq!(
            page.matches("data-test=\"contract-row\"").count(),
            25,
            "{backend}: one page of 25"
        );
        assert!(page.contains("rel=\"next\""));

        // The same filters through the server function a hydrated page calls.
        let lyon = contracts::Entity::find()
            .filter(contracts::Column::BuyerSiret.eq("21690123100011"))
            .count(&app.db)
            .await
            .unwrap();
        let (status, _, body) = app
            .get(
                "/api/contracts/search?query=acheteur%3D21690123100011",
                None,
            )
            .await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["page"]["total"], lyon, "{backend}");

        // Text and department together, sorted by amount: every row matches, in order.
        let (_, _, body) = app
            .get(
                "/api/contracts/search?query=q%3Dtravaux%26dep%3D69%26tri%3Dmontant-desc",
                None,
            )
            .await;
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        let rows = json["page"]["rows"].as_array().unwrap();
        assert!(
            !rows.is_empty(),
            "{backend}: the Lyon subset has works contracts"
        );
        let matching = json["page"]["total"].as_u64().unwrap();
        assert!(matching < total, "{backend}");
        for r in rows {
            let text = format!(
                "{} {} {} {}",
                r["object"], r["buyer_name"], r["awardees"], r["cpv_label"]
            )
            .to_lowercase();
            assert!(text.contains("travaux"), "{backend}: {text}");
        }
        let amounts: Vec<i64> = rows
            .iter()
            .map(|r| r["amount_cents"].as_i64().unwrap_or(-1))
            .collect();
        assert!(
            amounts.windows(2).all(|w| w[0] >= w[1]),
            "{backend}: {amounts:?}"
        );
        let (_, _, page) = app
            .get("/marches?q=travaux&dep=69&tri=montant-desc", None)
            .await;
        assert!(page.contains(&format!("{matching} marché")), "{backend}");
        let (_, _, page) = app.get("/marches?annee=1900&cpv=x&page=-3", None).await;
        assert!(
            page.contains(&count_text),
            "{backend}: impossible filters are ignored"
        );
        let (_, _, page) = app.get("/marches?q=zzzzintrouvable", None).await;
        assert!(page.contains("Aucun marché ne correspond"), "{backend}");

        let one = contracts::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let (status, _, page) = app.get(&format!("/marches/{}", one.id), None).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        assert!(page.contains(&one.source_id), "{backend}");
        assert!(
            page.contains("Sources (enregistrements tels que publiés)"),
            "{backend}"
        );
        let (status, _, _) = app.get("/marches/999999", None).await;
        assert_eq!(status.as_u16(), 404, "{backend}");
        let (status, _, _) = app.get("/marches/pas-un-nombre", None).await;
        assert_eq!(status.as_u16(), 404, "{backend}");

        // The CSV export of a filtered list: a header, then one line per contract.
        let (status, _, csv) = app
            .get("/marches/export.csv?acheteur=21690123100011", None)
            .await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "uid");
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len() as u64, lyon, "{backend}");
        assert!(rows.iter().all(|r| &r[3] == "21690123100011"), "{backend}");
        let (_, _, everything) = app.get("/marches/export.csv", None).await;
        assert_eq!(everything.lines().count() as u64, total + 1, "{backend}");

        // The buyer's page: totals, by year, by CPV division, its awardees.
        let (status, _, page) = app.get("/acheteurs/21690123100011", None).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        let (_, _, body) = app
            .get("/api/contracts/buyer?siret=21690123100011", None)
            .await;
        let stats: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(stats["contracts"], lyon, "{backend}");
        let by_year: i64 = stats["by_year"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["contracts"].as_i64().unwrap())
            .sum();
        assert_eq!(by_year as u64, lyon, "{backend}");
        assert!(!stats["top"].as_array().unwrap().is_empty(), "{backend}");
        assert!(
            page.contains("Par division CPV") && page.contains("Principaux titulaires"),
            "{backend}"
        );
        // One of its awardees has a page listing the buyer among its own.
        let awardee = stats["top"][0]["key"].as_str().unwrap().to_string();
        let (status, _, page) = app.get(&format!("/titulaires/{awardee}"), None).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        assert!(page.contains("/acheteurs/21690123100011"), "{backend}");
        let (status, _, _) = app.get("/acheteurs/00000000000000", None).await;
        assert_eq!(status.as_u16(), 404, "{backend}");
    }
}

both_dbs! {
    "decp_stale",
    /// A run whose process died (no batch for a long while) is shown as interrupted, not running.
    #[tokio::test]
    async fn a_run_whose_process_died_is_closed_as_interrupted(backend, url) {
        use sea_orm::{ActiveModelTrait, Set};
        let db = db(&url).await;
        let dead = app::server::imports::decp::start(&db, "mort.json", 1000, None)
            .await
            .unwrap();
        let alive = app::server::imports::decp::start(&db, "vivant.json", 1000, None)
            .await
            .unwrap();
        let mut old: imports::ActiveModel = dead.clone().into();
        old.heartbeat_at = Set(Some(chrono::Utc::now() - chrono::TimeDelta::hours(1)));
        old.update(&db).await.unwrap();
        let run = app::server::imports::decp::find_run(&db, dead.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.status, "failed", "{backend}");
        assert_eq!(
            run.error,
            Some(app::domain::decp::run::RunFailure::Interrupted),
            "{backend}"
        );
        let run = app::server::imports::decp::find_run(&db, alive.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.status, "running", "{backend}");
    }
}

both_dbs! {
    "decp_concurrent",
    #[tokio::test]
    async fn concurrent_imports_of_one_file_all_end_done_without_duplicates(backend, url) {
        let db = db(&url).await;
        let file = fixture("SUBSET_metropole_lyon_lieuExecution.json");
        // Four imports of the same 218 contracts at once: on PostgreSQL their SERIALIZABLE
        // batches conflict, and the losers write theirs again.
        let runs = futures::future::join_all((0..4).map(|_| import(&db, &file))).await;
        for run in &runs {
            assert_eq!(run.status, "done", "{backend}: {:?}", run.error);
            assert_eq!((run.records, run.accepted), (218, 218), "{backend}");
        }
        // A contract is a buyer and an id: the file repeats some (218 records, fewer contracts).
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let records = json["marches"].as_array().unwrap();
        let uid = |m: &serde_json::Value| format!("{}{}", m["acheteur"]["id"], m["id"]);
        let uids: std::collections::HashSet<String> = records.iter().map(uid).collect();
        assert_eq!(uids.len(), 155);
        // Each contract keeps one row per source that published it.
        let said: std::collections::HashSet<(String, String)> = records
            .iter()
            .map(|m| (uid(m), m["source"].to_string()))
            .collect();
        assert_eq!(count_contracts(&db).await, uids.len() as u64, "{backend}");
        assert_eq!(
            contract_sources::Entity::find().count(&db).await.unwrap(),
            said.len() as u64,
            "{backend}: one row per contract and source"
        );
    }
}

/// The files the writers are compared on: every format, a merge of two sources, rejects, and
/// all of it imported again (the second time, every record meets a stored contract).
fn writer_test_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let merge_a = dir.join("profil-a.json");
    std::fs::write(
        &merge_a,
        r#"{"marches": [{"id": "M1", "acheteur": {"id": "21690123100011", "nom": "Ville de Lyon"},
        "objet": "Entretien des espaces verts", "montant": 50000, "dateNotification": "2019-05-02",
        "titulaires": [{"id": "78471226700060", "typeIdentifiant": "SIRET"}]},
        {"id": "SANS-ACHETEUR", "montant": 10}, "pas un objet"]}"#,
    )
    .unwrap();
    let merge_b = dir.join("profil-b.json");
    std::fs::write(
        &merge_b,
        r#"{"marches": {"marche": [{"id": "M1", "acheteur": {"id": "21690123100011"},
        "codeCPV": "77313000-7", "offresRecues": 3,
        "titulaires": [{"titulaire": {"id": "78471226700060", "typeIdentifiant": "SIRET"}},
                       {"titulaire": {"id": "35600000000048", "typeIdentifiant": "SIRET"}}]}]}}"#,
    )
    .unwrap();
    // Backslashes (`\1` would be an octal escape, `\N` a NULL in COPY's text format if left
    // unescaped), tabs and newlines (collapsed by the normalisation) and accents.
    let escapes = dir.join("echappements.json");
    std::fs::write(
        &escapes,
        r#"{"marches": [{"id": "T\\1", "acheteur": {"id": "21690123100011", "nom": "Ville\tde Lyon"},
        "objet": "Ligne 1\nLigne 2\r\n\tretrait \\N « fin »", "montant": 1200,
        "dateNotification": "2023-01-05",
        "titulaires": [{"id": "78471226700060", "typeIdentifiant": "SIRET", "denominationSociale": "A\\B"}]}]}"#,
    )
    .unwrap();
    let files: Vec<PathBuf> = [
        "SUBSET_metropole_lyon_lieuExecution.json",
        "e-marchespublics.json",
        "v2_marches_avec_modifications.json",
        "v2_concessions_avec_modifications.json",
        "v2_Marche.xml",
        "v1_mar-avec-modifications.xml",
        "v1_cc-avec-modifications.xml",
        "tabular_2024H2_first300.csv",
    ]
    .iter()
    .map(|f| fixture(f))
    .chain([merge_a, merge_b, escapes])
    .collect();
    files.iter().chain(files.iter()).cloned().collect()
}

/// Every row an import writes, read back through sea-orm (timestamps of the run set aside).
#[derive(Debug, PartialEq)]
struct Written {
    contracts: Vec<contracts::Model>,
    awardees: Vec<contract_awardees::Model>,
    modifications: Vec<app::server::infra::entities::contract_modifications::Model>,
    sources: Vec<contract_sources::Model>,
    rejects: Vec<import_rejects::Model>,
    outbox: Vec<(String, i32)>,
    runs: Vec<RunTotals>,
}

/// An import run's records, accepted, warned, rejected, bytes read and report.
type RunTotals = (i32, i32, i32, i32, i64, String);

/// Imports `files` in turn through `writer`, then reads back what they wrote.
async fn written_by(
    db: &DatabaseConnection,
    writer: app::server::imports::decp::store::Writer,
    files: &[PathBuf],
) -> Written {
    use app::server::infra::entities::{contract_modifications, search_outbox};
    use sea_orm::QueryOrder;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let run = app::server::imports::decp::start(db, &name, 0, None)
            .await
            .unwrap();
        let run = app::server::imports::decp::execute_via(
            db,
            Some(writer.clone()),
            None,
            run.id,
            path,
            &name,
            |_| {},
        )
        .await
        .unwrap();
        assert_eq!(run.status, "done", "{name}: {:?}", run.error);
    }
    let mut contracts = contracts::Entity::find()
        .order_by_asc(contracts::Column::Id)
        .all(db)
        .await
        .unwrap();
    for c in &mut contracts {
        assert!(c.updated_at > chrono::Utc::now() - chrono::TimeDelta::hours(1));
        c.updated_at = chrono::DateTime::UNIX_EPOCH;
    }
    let mut sources = contract_sources::Entity::find()
        .order_by_asc(contract_sources::Column::Id)
        .all(db)
        .await
        .unwrap();
    for s in &mut sources {
        s.imported_at = chrono::DateTime::UNIX_EPOCH;
    }
    let written = Written {
        contracts,
        awardees: contract_awardees::Entity::find()
            .order_by_asc(contract_awardees::Column::Id)
            .all(db)
            .await
            .unwrap(),
        modifications: contract_modifications::Entity::find()
            .order_by_asc(contract_modifications::Column::Id)
            .all(db)
            .await
            .unwrap(),
        sources,
        rejects: import_rejects::Entity::find()
            .order_by_asc(import_rejects::Column::Id)
            .all(db)
            .await
            .unwrap(),
        outbox: search_outbox::Entity::find()
            .order_by_asc(search_outbox::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|o| (o.doc_kind, o.doc_id))
            .collect(),
        runs: imports::Entity::find()
            .order_by_asc(imports::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    r.records,
                    r.accepted,
                    r.warned,
                    r.rejected,
                    r.bytes_read,
                    r.report,
                )
            })
            .collect(),
    };
    assert!(
        written.contracts.len() > 500
            && !written.modifications.is_empty()
            && written.rejects.len() >= 4,
        "{} contracts, {} modifications, {} rejects",
        written.contracts.len(),
        written.modifications.len(),
        written.rejects.len()
    );
    written
}

/// Asserts two imports wrote the same rows, table by table (a readable failure).
fn assert_same(orm: &Written, bulk: &Written) {
    assert_eq!(orm.contracts, bulk.contracts, "contracts differ");
    assert_eq!(orm.awardees, bulk.awardees, "awardees differ");
    assert_eq!(
        orm.modifications, bulk.modifications,
        "modifications differ"
    );
    assert_eq!(orm.sources, bulk.sources, "sources differ");
    assert_eq!(orm.rejects, bulk.rejects, "rejects differ");
    assert_eq!(orm.outbox, bulk.outbox, "outbox differs");
    assert_eq!(orm.runs, bulk.runs, "import totals differ");
}

/// A SQLite file is written through its own connection with prepared statements, an in-memory
/// one through sea-orm: the same files must leave the same rows either way, read back through
/// sea-orm.
#[tokio::test]
async fn the_sqlite_bulk_writer_writes_what_the_orm_writer_writes() {
    use app::server::imports::decp::store::Writer;
    let dir = std::env::temp_dir().join(format!("passerelle-decp-writers-{}", std::process::id()));
    let files = writer_test_files(&dir);
    let mut dumps = Vec::new();
    for bulk in [false, true] {
        let url = format!("sqlite://{}/writers-{bulk}.db?mode=rwc", dir.display());
        let db = db(&url).await;
        let writer = Writer::for_database(&db).unwrap();
        assert!(
            matches!(writer, Writer::Sqlite(_)),
            "a SQLite file gets the bulk writer"
        );
        let writer = if bulk {
            writer
        } else {
            Writer::Orm(db.clone())
        };
        dumps.push(written_by(&db, writer, &files).await);
    }
    assert_same(&dumps[0], &dumps[1]);
}

/// PostgreSQL is written with COPY into staging tables and set-based upserts: the same files
/// must leave the same rows as sea-orm's multi-row statements.
#[tokio::test]
async fn the_postgres_copy_writer_writes_what_the_orm_writer_writes() {
    use app::server::imports::decp::store::Writer;
    let dir =
        std::env::temp_dir().join(format!("passerelle-decp-pg-writers-{}", std::process::id()));
    let files = writer_test_files(&dir);
    let mut dumps = Vec::new();
    for (key, copy) in [("decp_w_orm", false), ("decp_w_copy", true)] {
        let Some(url) = common::database("postgres", key).await else {
            eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): not run");
            return;
        };
        let db = db(&url).await;
        let writer = Writer::for_database(&db).unwrap();
        assert!(
            matches!(writer, Writer::Postgres(_)),
            "PostgreSQL gets the COPY writer"
        );
        let writer = if copy {
            writer
        } else {
            Writer::Orm(db.clone())
        };
        dumps.push(written_by(&db, writer, &files).await);
    }
    assert_same(&dumps[0], &dumps[1]);
    // The escaped values came back as the normalisation left them.
    let tricky = dumps[1]
        .contracts
        .iter()
        .find(|c| c.uid.ends_with("T\\1"))
        .expect("the contract with escapes is stored");
    assert_eq!(
        tricky.object.as_deref(),
        Some("Ligne 1 Ligne 2 retrait \\N « fin »")
    );
}
