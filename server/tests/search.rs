//! The French full-text index on SQLite and PostgreSQL: stemming and accent folding, ranking,
//! facets, following the outbox (changes, gaps, several instances), and its directory on disk.

use app::domain::contracts::ContractFilters;
use app::server::infra::entities::{contracts, search_outbox};
use app::server::infra::search::SearchIndex;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use std::path::{Path, PathBuf};

async fn db(url: &str) -> DatabaseConnection {
    let db = app::server::infra::db::connect_and_migrate(url)
        .await
        .unwrap();
    app::server::infra::reference::load(&db).await.unwrap();
    db
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("passerelle-search-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn import_json(db: &DatabaseConnection, dir: &Path, name: &str, json: &str) {
    import_into(db, None, dir, name, json).await
}

/// A database holding the three contracts of `CONTRACTS`, and a working directory.
async fn with_contracts(url: &str, name: &str) -> (DatabaseConnection, PathBuf) {
    let db = db(url).await;
    let dir = temp_dir(name);
    import_json(&db, &dir, "lot.json", CONTRACTS).await;
    (db, dir)
}

/// An import that hands its documents to `index` as it commits.
async fn import_into(
    db: &DatabaseConnection,
    index: Option<&SearchIndex>,
    dir: &Path,
    name: &str,
    json: &str,
) {
    let path = dir.join(name);
    std::fs::write(&path, json).unwrap();
    let run = app::server::imports::decp::import_file(db, index, &path, name, None, |_| {})
        .await
        .unwrap();
    assert_eq!(run.status, "done");
}

const CONTRACTS: &str = r#"{"marches": [
  {"id": "A1", "acheteur": {"id": "21690123100011", "nom": "Ville de Lyon"},
   "objet": "Menuiseries extérieures de l'école Jean Macé", "codeCPV": "45421000-4",
   "montant": 120000, "dateNotification": "2021-03-04", "procedure": "Procédure adaptée",
   "lieuExecution": {"code": "69123", "typeCode": "Code commune", "nom": "Lyon"},
   "titulaires": [{"id": "78471226700060", "typeIdentifiant": "SIRET", "denominationSociale": "Atelier Bois du Rhône"}]},
  {"id": "A2", "acheteur": {"id": "21690123100011", "nom": "Ville de Lyon"},
   "objet": "Travaux d'électricité du gymnase", "codeCPV": "45310000-3",
   "montant": 80000, "dateNotification": "2022-06-01", "procedure": "Appel d'offres ouvert",
   "lieuExecution": {"code": "69123", "typeCode": "Code commune", "nom": "Lyon"},
   "titulaires": [{"id": "55203253400646", "typeIdentifiant": "SIRET", "denominationSociale": "Elec Services"}]},
  {"id": "A3", "acheteur": {"id": "21690256900019", "nom": "Commune de Vaulx-en-Velin"},
   "objet": "Maçonnerie et gros oeuvre", "codeCPV": "45262500-6",
   "montant": 300000, "dateNotification": "2022-09-10", "procedure": "Procédure adaptée",
   "lieuExecution": {"code": "69256", "typeCode": "Code commune", "nom": "Vaulx-en-Velin"},
   "titulaires": [{"id": "78471226700060", "typeIdentifiant": "SIRET", "denominationSociale": "Atelier Bois du Rhône (menuiserie)"}]}
]}"#;

fn words(q: &str) -> ContractFilters {
    ContractFilters::from_query(&format!("q={q}"))
}

fn objects(db_rows: &[contracts::Model], ids: &[i32]) -> Vec<String> {
    ids.iter()
        .map(|id| {
            db_rows
                .iter()
                .find(|m| m.id == *id)
                .and_then(|m| m.object.clone())
                .unwrap_or_default()
        })
        .collect()
}

both_dbs! {
    "search_words",
    #[tokio::test]
    async fn french_words_are_found_ranked_and_counted(backend, url) {
        let (db, _dir) = with_contracts(&url, &format!("words-{backend}")).await;
        let index = SearchIndex::in_memory().unwrap();
        assert_eq!(index.sync(&db).await.unwrap(), 3, "{backend}");
        let all = contracts::Entity::find().all(&db).await.unwrap();

        // Singular finds plural, no accents finds accents.
        let hits = index.search_contracts(&words("menuiserie")).unwrap();
        assert_eq!(hits.total, 2, "{backend}");
        // The contract whose object says it comes before the one whose awardee's name says it.
        assert_eq!(
            objects(&all, &hits.ids)[0],
            "Menuiseries extérieures de l'école Jean Macé",
            "{backend}"
        );
        let hits = index.search_contracts(&words("electricite")).unwrap();
        assert_eq!(
            objects(&all, &hits.ids),
            vec!["Travaux d'électricité du gymnase"],
            "{backend}"
        );
        let hits = index.search_contracts(&words("MACONNERIE")).unwrap();
        assert_eq!(hits.total, 1, "{backend}");
        // Every word must match; the buyer's name and the CPV label count.
        assert_eq!(
            index
                .search_contracts(&words("vaulx+maconnerie"))
                .unwrap()
                .total,
            1
        );
        assert_eq!(
            index
                .search_contracts(&words("vaulx+electricite"))
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            index.search_contracts(&words("lyon")).unwrap().total,
            2,
            "{backend}: buyer name"
        );
        assert_eq!(
            index
                .search_contracts(&words("78471226700060"))
                .unwrap()
                .total,
            2,
            "{backend}: an awardee's SIRET"
        );

        // Filters with words, and the facets of what matches.
        let hits = index
            .search_contracts(&ContractFilters::from_query("q=travaux&annee=2022"))
            .unwrap();
        // The electricity works say it in their object, the masonry in their CPV label.
        let mut found = objects(&all, &hits.ids);
        found.sort();
        assert_eq!(
            found,
            vec!["Maçonnerie et gros oeuvre", "Travaux d'électricité du gymnase"],
            "{backend}"
        );
        let hits = index.search_contracts(&ContractFilters::default()).unwrap();
        assert_eq!(hits.total, 3, "{backend}");
        let mut years = hits.years.clone();
        years.sort();
        assert_eq!(
            years,
            vec![("2021".to_string(), 1), ("2022".to_string(), 2)],
            "{backend}"
        );
        assert!(
            hits.procedures
                .iter()
                .any(|(p, n)| p == "adaptee" && *n == 2),
            "{backend}: {:?}",
            hits.procedures
        );
        assert_eq!(hits.departements, vec![("69".to_string(), 3)], "{backend}");
        // Newest first without words; by amount when asked.
        assert_eq!(
            objects(&all, &hits.ids)[0],
            "Maçonnerie et gros oeuvre",
            "{backend}"
        );
        let hits = index
            .search_contracts(&ContractFilters::from_query("tri=montant-asc"))
            .unwrap();
        assert_eq!(
            objects(&all, &hits.ids)[0],
            "Travaux d'électricité du gymnase",
            "{backend}"
        );
        // The export's list: every match, in id order.
        let ids = index.all_contract_ids(&words("menuiserie")).unwrap();
        assert_eq!(ids.len(), 2);
        assert!(ids[0] < ids[1]);
    }
}

both_dbs! {
    "search_direct",
    #[tokio::test]
    async fn an_import_hands_its_documents_to_the_index_of_its_process(backend, url) {
        let db = db(&url).await;
        let dir = temp_dir(&format!("direct-{backend}"));
        let fed = SearchIndex::in_memory().unwrap();
        let follower = SearchIndex::in_memory().unwrap();
        import_into(&db, Some(&fed), &dir, "lot.json", CONTRACTS).await;

        // The follower of the importing process passes over the imported rows without reading
        // them back; another instance reads them; both answer the same.
        assert_eq!(
            fed.sync(&db).await.unwrap(),
            0,
            "{backend}: nothing read back"
        );
        assert_eq!(follower.sync(&db).await.unwrap(), 3, "{backend}");
        assert_eq!(fed.mark().await, follower.mark().await);
        for (q, total) in [
            ("menuiserie", 2),
            ("electricite", 1),
            ("ville lyon", 2),
            ("78471226700060", 2),
            ("lyon", 2),
        ] {
            let (a, b) = (
                fed.search_contracts(&words(q)).unwrap(),
                follower.search_contracts(&words(q)).unwrap(),
            );
            assert_eq!(a.total, total, "{backend}: {q}");
            assert_eq!((a.total, a.ids), (b.total, b.ids), "{backend}: {q}");
        }

        // A re-import through the importing process replaces, never adds.
        let changed = CONTRACTS.replace("Maçonnerie et gros oeuvre", "Charpente et couverture");
        import_into(&db, Some(&fed), &dir, "lot.json", &changed).await;
        assert_eq!(fed.sync(&db).await.unwrap(), 0, "{backend}");
        assert_eq!(fed.num_docs(), 3, "{backend}");
        assert_eq!(fed.search_contracts(&words("oeuvre")).unwrap().total, 0);
        assert_eq!(fed.search_contracts(&words("charpente")).unwrap().total, 1);
    }
}

both_dbs! {
    "search_follow",
    #[tokio::test]
    async fn the_index_follows_changes_gaps_and_several_instances(backend, url) {
        let (db, dir) = with_contracts(&url, &format!("follow-{backend}")).await;
        let first = SearchIndex::in_memory().unwrap();
        let second = SearchIndex::in_memory().unwrap();
        first.sync(&db).await.unwrap();

        // A re-import that changes an object: the old word no longer finds it, the new one does.
        import_json(
            &db,
            &dir,
            "lot.json",
            &CONTRACTS.replace("Maçonnerie et gros oeuvre", "Charpente et couverture"),
        )
        .await;
        assert_eq!(
            first.search_contracts(&words("oeuvre")).unwrap().total,
            1,
            "{backend}: not applied before the follower runs"
        );
        first.sync(&db).await.unwrap();
        assert_eq!(first.search_contracts(&words("oeuvre")).unwrap().total, 0);
        assert_eq!(
            first.search_contracts(&words("charpente")).unwrap().total,
            1
        );
        assert_eq!(first.num_docs(), 3, "{backend}: replaced, not added");

        // Another instance on the same database converges to the same answers.
        second.sync(&db).await.unwrap();
        assert_eq!(
            second.search_contracts(&words("charpente")).unwrap().total,
            1
        );
        assert_eq!(second.mark().await, first.mark().await);

        // An outbox row that commits after a higher one (ids are taken before commit) is
        // still applied: the follower re-reads the gap.
        let a3 = contracts::Entity::find()
            .filter(contracts::Column::SourceId.eq("A3"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let mark = first.mark().await;
        let mut model: contracts::ActiveModel = a3.clone().into();
        model.object = Set(Some("Peinture des façades".into()));
        model.update(&db).await.unwrap();
        let outbox = |id: i64| search_outbox::ActiveModel {
            id: Set(id),
            doc_kind: Set("contract".into()),
            doc_id: Set(a3.id),
            created_at: Set(chrono::Utc::now()),
        };
        outbox(mark + 3).insert(&db).await.unwrap();
        first.sync(&db).await.unwrap();
        assert_eq!(first.search_contracts(&words("peinture")).unwrap().total, 1);
        let mut model: contracts::ActiveModel = a3.clone().into();
        model.object = Set(Some("Plomberie sanitaire".into()));
        model.update(&db).await.unwrap();
        outbox(mark + 1).insert(&db).await.unwrap();
        first.sync(&db).await.unwrap();
        assert_eq!(
            first.search_contracts(&words("plomberie")).unwrap().total,
            1,
            "{backend}: the late row below the mark was applied"
        );
        assert_eq!(first.mark().await, mark + 3, "{backend}");

        // A removed contract leaves the index.
        contracts::Entity::delete_by_id(a3.id)
            .exec(&db)
            .await
            .unwrap();
        outbox(mark + 4).insert(&db).await.unwrap();
        first.sync(&db).await.unwrap();
        assert_eq!(first.num_docs(), 2, "{backend}");
    }
}

both_dbs! {
    "search_disk",
    #[tokio::test]
    async fn the_index_on_disk_keeps_its_mark_and_is_rebuilt_when_needed(backend, url) {
        let (db, dir) = with_contracts(&url, &format!("disk-{backend}")).await;
        let index_dir = dir.join("index");
        {
            let (index, fresh) = SearchIndex::open(&index_dir).unwrap();
            assert!(fresh);
            assert_eq!(index.rebuild(&db, |_| ()).await.unwrap(), 3);
            // A second opener (another process, `passerelle reindex` beside a server) is refused.
            assert!(matches!(
                SearchIndex::open(&index_dir),
                Err(app::server::infra::search::SearchError::Busy)
            ));
        }
        let (index, fresh) = SearchIndex::open(&index_dir).unwrap();
        assert!(!fresh, "{backend}");
        assert_eq!(index.num_docs(), 3);
        assert!(index.mark().await > 0);
        assert!(!index.is_ahead_of(&db).await.unwrap());
        assert_eq!(index.sync(&db).await.unwrap(), 0, "{backend}: nothing new");
        // Against an empty database, the index is ahead: the server rebuilds it.
        if backend == "sqlite" {
            let other = self::db(&url.replace("search_disk", "search_disk_other")).await;
            assert!(index.is_ahead_of(&other).await.unwrap());
        }
    }
}

both_dbs! {
    "search_prune",
    #[tokio::test]
    async fn the_outbox_is_pruned_and_an_index_left_behind_is_rebuilt(backend, url) {
        use sea_orm::PaginatorTrait;
        let (db, dir) = with_contracts(&url, &format!("prune-{backend}")).await;
        let current = SearchIndex::in_memory().unwrap();
        current.sync(&db).await.unwrap();
        let stopped = SearchIndex::in_memory().unwrap(); // an instance that never read the outbox
        let prune = |days: i64| {
            app::server::infra::search::prune_outbox(
                &db,
                chrono::Utc::now() - chrono::TimeDelta::days(days),
            )
        };

        // Rows younger than the retention stay.
        assert_eq!(prune(7).await.unwrap(), 0, "{backend}");
        assert!(!stopped.is_behind_pruning(&db).await.unwrap());
        // Made old, they go; pruning again finds nothing.
        search_outbox::Entity::update_many()
            .col_expr(
                search_outbox::Column::CreatedAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::TimeDelta::days(30)),
            )
            .exec(&db)
            .await
            .unwrap();
        assert!(prune(7).await.unwrap() >= 3, "{backend}");
        assert_eq!(search_outbox::Entity::find().count(&db).await.unwrap(), 0);
        assert_eq!(prune(7).await.unwrap(), 0, "{backend}");

        // The instance that had read everything follows on; the one left behind must rebuild,
        // and then finds every contract.
        assert!(!current.is_behind_pruning(&db).await.unwrap(), "{backend}");
        assert!(
            !current.is_ahead_of(&db).await.unwrap(),
            "{backend}: an emptied outbox is not a foreign database"
        );
        assert!(stopped.is_behind_pruning(&db).await.unwrap(), "{backend}");
        assert_eq!(
            stopped.sync(&db).await.unwrap(),
            0,
            "{backend}: nothing left to follow"
        );
        assert_eq!(stopped.rebuild(&db, |_| ()).await.unwrap(), 3, "{backend}");
        assert!(!stopped.is_behind_pruning(&db).await.unwrap());
        assert_eq!(
            stopped
                .search_contracts(&words("menuiserie"))
                .unwrap()
                .total,
            2
        );

        // Changes after the pruning reach both through the outbox as before.
        import_json(
            &db,
            &dir,
            "lot.json",
            &CONTRACTS.replace("Maçonnerie et gros oeuvre", "Charpente et couverture"),
        )
        .await;
        for index in [&current, &stopped] {
            index.sync(&db).await.unwrap();
            assert_eq!(
                index.search_contracts(&words("charpente")).unwrap().total,
                1
            );
        }
    }
}
