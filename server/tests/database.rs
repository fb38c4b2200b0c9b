//! The data layer on SQLite and PostgreSQL: migrations, reference data, concurrent writes.

use crate::common;

use app::server::infra::entities::{communes, cpv_codes, naf_codes, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

both_dbs! {
    "reference",
    #[tokio::test]
    async fn reference_data_loads_once_and_completely(backend, url) {
        // A database with nothing in it, not the tests' ready-made copy.
        drop(url);
        let Some(url) = common::empty_database(backend, "reference_empty").await else { return };
        let db = app::server::infra::db::connect_and_migrate(&url)
            .await
            .unwrap();
        let first = app::server::infra::reference::load(&db).await.unwrap();
        assert_eq!(
            (first.cpv, first.naf, first.communes, first.insertion_trades),
            (9_454, 732, 35_015, 18),
            "{backend}"
        );
        // Migrations and the loader are idempotent.
        let db = app::server::infra::db::connect_and_migrate(&url)
            .await
            .unwrap();
        assert_eq!(
            app::server::infra::reference::load(&db).await.unwrap(),
            Default::default(),
            "{backend}"
        );
        assert_eq!(cpv_codes::Entity::find().count(&db).await.unwrap(), 9_454);
        assert_eq!(naf_codes::Entity::find().count(&db).await.unwrap(), 732);
        assert_eq!(communes::Entity::find().count(&db).await.unwrap(), 35_015);
        // The 58 communes of the Métropole de Lyon and the 9 arrondissements of Lyon.
        let metro = communes::Entity::find()
            .filter(communes::Column::InMetropole.eq(true))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(metro, 67, "{backend}");
        let villeurbanne = communes::Entity::find_by_id("69266".to_string())
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(villeurbanne.name, "Villeurbanne");
        assert!(villeurbanne.in_metropole && villeurbanne.lat.is_some());
        let works = cpv_codes::Entity::find_by_id("45210000".to_string())
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                works.check_digit.as_str(),
                works.parent_code.as_deref(),
                works.level
            ),
            ("2", Some("45200000"), 3)
        );
        let elec = naf_codes::Entity::find_by_id("43.21A".to_string())
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(elec.division_code, "43");
    }
}

both_dbs! {
    "concurrency",
    /// 200 concurrent read-then-write transactions (begin_write): on SQLite (IMMEDIATE) none fails
    /// and the count is exact; on PostgreSQL (SERIALIZABLE) a racing transaction may fail, but no
    /// committed increment is ever lost.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_read_then_write_transactions_all_commit(backend, url) {
        let db = app::server::infra::db::connect_and_migrate(&url)
            .await
            .unwrap();
        users::ActiveModel {
            email: Set("compteur@exemple.fr".into()),
            display_name: Set("0".into()),
            password_hash: Set("x".into()),
            is_admin: Set(false),
            is_analyst: Set(false),
            lang: Set("fr".into()),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    let txn = app::server::infra::db::begin_write(&db).await?;
                    let u = users::Entity::find()
                        .filter(users::Column::Email.eq("compteur@exemple.fr"))
                        .one(&txn)
                        .await?
                        .unwrap();
                    let n: i64 = u.display_name.parse().unwrap();
                    let mut am: users::ActiveModel = u.into();
                    am.display_name = Set((n + 1).to_string());
                    am.update(&txn).await?;
                    sea_orm::TransactionSession::commit(txn).await
                })
            })
            .collect();
        let mut failed = 0;
        for t in tasks {
            if t.await.unwrap().is_err() {
                failed += 1;
            }
        }
        let u = users::Entity::find()
            .filter(users::Column::Email.eq("compteur@exemple.fr"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        if backend == "sqlite" {
            assert_eq!(failed, 0, "sqlite: no transaction may fail");
            assert_eq!(u.display_name, "200");
        } else {
            assert!(failed < 200, "{backend}: some transactions commit");
            assert_eq!(
                u.display_name.parse::<i64>().unwrap(),
                200 - failed as i64,
                "{backend}"
            );
        }
    }
}

both_dbs! {
    "failure_migration",
    /// Import runs that failed before the failure had two columns ("key|detail" in one) read as
    /// they did after the migration splits them, and read back joined after it is undone.
    #[tokio::test]
    async fn failed_import_runs_keep_their_reason_across_the_failure_migration(backend, url) {
        use app::server::infra::entities::imports;
        use app::server::infra::migrations::Migrator;
        use sea_orm::sea_query::{Alias, Expr, Query};
        use sea_orm::ConnectionTrait;
        use sea_orm_migration::MigratorTrait;
        // A database with nothing in it: the migrations are run here one by one.
        drop(url);
        let Some(url) = common::empty_database(backend, "failure_empty").await else { return };
        let db = app::server::infra::db::connect(&url).await.unwrap();
        // Every migration before the failure's split, whatever came after it.
        let before = Migrator::migrations()
            .iter()
            .position(|m| m.name() == "m20261205_000020_import_failure")
            .expect("the migration is listed") as u32;
        Migrator::up(&db, Some(before)).await.unwrap();
        let joined = [
            "import.error.xml|ligne 3 : balise <marche> non fermée",
            "import.error.interrupted|",
        ];
        for (i, error) in joined.iter().enumerate() {
            db.execute(
                &Query::insert()
                    .into_table(Alias::new("imports"))
                    .columns(
                        [
                            "file_name",
                            "status",
                            "bytes_total",
                            "bytes_read",
                            "records",
                            "accepted",
                            "warned",
                            "rejected",
                            "report",
                            "error",
                            "started_at",
                        ]
                        .map(Alias::new),
                    )
                    .values_panic([
                        format!("f{i}.xml").into(),
                        "failed".into(),
                        10.into(),
                        10.into(),
                        0.into(),
                        0.into(),
                        0.into(),
                        0.into(),
                        "{}".into(),
                        (*error).into(),
                        Expr::current_timestamp(),
                    ])
                    .to_owned(),
            )
            .await
            .unwrap();
        }
        Migrator::up(&db, None).await.unwrap();
        let runs = imports::Entity::find().all(&db).await.unwrap();
        let stored: Vec<(Option<String>, Option<String>)> = runs
            .iter()
            .map(|r| (r.error.clone(), r.error_detail.clone()))
            .collect();
        assert_eq!(
            stored,
            vec![
                (
                    Some("import.error.xml".into()),
                    Some("ligne 3 : balise <marche> non fermée".into())
                ),
                (Some("import.error.interrupted".into()), None),
            ],
            "{backend}"
        );
        let run = app::server::imports::decp::find_run(&db, runs[0].id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            run.error,
            Some(app::domain::decp::run::RunFailure::Read {
                key: "import.error.xml".into(),
                detail: "ligne 3 : balise <marche> non fermée".into()
            }),
            "{backend}"
        );
        // Down to just before the split (the migrations after it first).
        let after = Migrator::migrations().len() as u32 - before;
        Migrator::down(&db, Some(after)).await.unwrap();
        let back = db
            .query_all(
                &Query::select()
                    .column(Alias::new("error"))
                    .from(Alias::new("imports"))
                    .order_by(Alias::new("id"), sea_orm::Order::Asc)
                    .to_owned(),
            )
            .await
            .unwrap();
        let back: Vec<String> = back
            .iter()
            .map(|row| row.try_get("", "error").unwrap())
            .collect();
        assert_eq!(back, joined, "{backend}");
    }
}

/// Instances started together on an empty PostgreSQL database: each start migrates or finds the
/// work done, none fails (they take turns under an advisory lock). PostgreSQL only: several
/// processes on one SQLite file are not a supported deployment (`docs/deployment.md`).
#[tokio::test]
async fn instances_starting_together_migrate_once() {
    let Some(url) = common::empty_database("postgres", "migrate_empty").await else {
        eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): not run");
        return;
    };
    let starts = (0..4).map(|_| app::server::infra::db::connect_and_migrate(&url));
    for started in futures::future::join_all(starts).await {
        started.unwrap_or_else(|e| panic!("{e}"));
    }
    let db = app::server::infra::db::connect(&url).await.unwrap();
    assert_eq!(
        app::server::infra::answers::generation(&db, "plans")
            .await
            .unwrap(),
        0
    );
}

both_dbs! {
    "job_turns",
    #[tokio::test]
    /// Instances asking for the hourly jobs' turn at once: one gets it, the others wait for the
    /// next turn; a turn over is free again.
    async fn one_instance_a_turn_runs_the_hourly_jobs(backend, url) {
        use app::server::infra::jobs::claim;
        use std::time::Duration;
        let db = app::server::infra::db::connect(&url).await.unwrap();
        let hour = Duration::from_secs(3300);
        let asks = ["a", "b", "c", "d"].map(|holder| claim(&db, "hourly", holder, hour));
        let won: Vec<bool> = futures::future::join_all(asks)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "{backend}: {won:?}");
        assert!(!claim(&db, "hourly", "e", hour).await.unwrap(), "{backend}");
        // A job nobody declared is nobody's.
        assert!(!claim(&db, "unknown", "a", hour).await.unwrap(), "{backend}");
        // The turn ended (held for no time): the next asker gets it.
        let db2 = app::server::infra::db::connect(&url).await.unwrap();
        sea_orm::ConnectionTrait::execute_unprepared(
            &db2,
            "UPDATE job_leases SET until_epoch = 0 WHERE name = 'hourly'",
        )
        .await
        .unwrap();
        assert!(claim(&db, "hourly", "e", hour).await.unwrap(), "{backend}");
    }
}
