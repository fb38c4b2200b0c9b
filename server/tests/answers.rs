//! The programming's list answers kept per data generation (issue 27), on SQLite and
//! PostgreSQL: a second read of a list does not scan the plans again, and any write that
//! changes what the list shows — a plan, its codes, a buyer's name; from a form, an import or
//! plain SQL; on this instance or another one on the same database — is seen by the next read.

use crate::common;

use app::domain::programming::PlanPage;
use app::server::infra::entities::{organisations, plan_cpv, plans};
use common::{ok, TestApp};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

/// The list `query` as `app` answers it, with the statements that answer cost.
async fn list(app: &TestApp, query: &str) -> (PlanPage, Vec<String>) {
    *app.statements.lock().unwrap() = Some(Vec::new());
    let (status, _, body) = app
        .get(
            &format!("/api/plans/list?query={}", query.replace('=', "%3D")),
            None,
        )
        .await;
    let statements = app.statements.lock().unwrap().take().unwrap_or_default();
    ok(status, &body);
    (serde_json::from_str(&body).unwrap(), statements)
}

/// Whether these statements scanned the plans for a count (not the generation's own count of
/// its change rows).
fn counted(statements: &[String]) -> bool {
    statements
        .iter()
        .any(|s| s.to_uppercase().contains("COUNT(") && !s.contains("data_changes"))
}

async fn plan(app: &TestApp, buyer: i32, title: &str) -> i32 {
    common::plan_row(buyer, title)
        .insert(&app.db)
        .await
        .unwrap()
        .id
}

both_dbs! {
    "list_answers",
    #[tokio::test]
    async fn a_list_is_answered_once_per_generation_and_every_write_is_seen(backend, url) {
        // Two instances on one database, each with its own memory.
        let one = TestApp::new(&url).await;
        let two = TestApp::new(&url).await;
        let buyer = common::buyer_row(&one.db, "Ville de Lyon (fictive)").await;
        let first = plan(&one, buyer.id, "Mobilier scolaire").await;

        let (page, statements) = list(&two, "").await;
        assert_eq!(page.total, 1, "{backend}");
        assert!(counted(&statements), "{backend}: the first read counts");
        let (page, statements) = list(&two, "").await;
        assert_eq!(page.total, 1, "{backend}");
        assert_eq!(page.rows[0].title, "Mobilier scolaire");
        assert!(
            !counted(&statements),
            "{backend}: the second read is answered from memory: {statements:#?}"
        );

        // A plan written by the other instance, in plain SQL: seen at once.
        let second = plan(&one, buyer.id, "Nettoyage des écoles").await;
        let (page, statements) = list(&two, "").await;
        assert_eq!(page.total, 2, "{backend}");
        assert!(counted(&statements), "{backend}");
        assert_eq!(
            page.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![first, second]
        );

        // Its CPV code: the filter by division finds it.
        let (page, _) = list(&two, "cpv=90").await;
        assert_eq!(page.total, 0, "{backend}");
        plan_cpv::ActiveModel {
            plan_id: Set(second),
            cpv_code: Set("90911200".into()),
        }
        .insert(&one.db)
        .await
        .unwrap();
        let (page, _) = list(&two, "cpv=90").await;
        assert_eq!(page.total, 1, "{backend}");
        assert_eq!(page.rows[0].id, second);

        // The buyer renamed: the buyer filter says its new name.
        let (page, _) = list(&two, "").await;
        assert_eq!(page.buyers[0].1, "Ville de Lyon (fictive)");
        let mut renamed: organisations::ActiveModel = buyer.clone().into();
        renamed.name = Set("Métropole de Lyon (fictive)".into());
        renamed.update(&one.db).await.unwrap();
        let (page, statements) = list(&two, "").await;
        assert_eq!(page.buyers[0].1, "Métropole de Lyon (fictive)", "{backend}");
        assert!(counted(&statements), "{backend}");

        // Another column of an organisation changes nothing the list shows: still kept.
        let mut described: organisations::ActiveModel = buyer.into();
        described.description = Set(Some("Les achats de la ville.".into()));
        described.update(&one.db).await.unwrap();
        let (_, statements) = list(&two, "").await;
        assert!(!counted(&statements), "{backend}: {statements:#?}");

        // The hourly fold of PostgreSQL's change rows keeps the generation as it is: nothing
        // read again.
        let g = app::server::infra::answers::generation(&one.db, "plans").await.unwrap();
        app::server::infra::answers::fold_changes(&one.db).await.unwrap();
        assert_eq!(
            app::server::infra::answers::generation(&one.db, "plans").await.unwrap(),
            g,
            "{backend}"
        );
        let (_, statements) = list(&two, "").await;
        assert!(!counted(&statements), "{backend}");

        // A plan withdrawn (deleted), through the first instance: gone from the second's list.
        plans::Entity::delete_by_id(first).exec(&one.db).await.unwrap();
        let (page, _) = list(&two, "").await;
        assert_eq!(page.total, 1, "{backend}");
        assert_eq!(page.rows[0].id, second);
        // And the first instance, which had never read the list, agrees.
        let (page, _) = list(&one, "").await;
        assert_eq!(page.total, 1, "{backend}");
    }
}
