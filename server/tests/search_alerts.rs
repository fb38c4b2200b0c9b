//! Saved searches of the catalogue and the directory on SQLite and PostgreSQL: each runs with
//! the list's own search, newest first; what was published (or created) since its last run is
//! news — one notification (and one email) per search with news, never twice; weekly searches
//! wait for their week.

use crate::common;
use app::domain::ids::{OrgId, UserId};

use app::server::infra::entities::{notifications, offer_cpv, offers, saved_searches};
use common::{ok, org, TestApp};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

async fn publish(app: &TestApp, user: i32, org: i32, title: &str, cpv: &str) -> i32 {
    let id = app::server::offers::create(&app.db, UserId(user), OrgId(org), title, "supply")
        .await
        .unwrap();
    offer_cpv::ActiveModel {
        offer_id: Set(id),
        cpv_code: Set(cpv.into()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let o = offers::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut am: offers::ActiveModel = o.into();
    am.status = Set("published".into());
    am.published_at = Set(Some(chrono::Utc::now()));
    am.update(&app.db).await.unwrap();
    id
}

both_dbs! {
    "search_alerts",
    #[tokio::test]
    async fn catalogue_and_directory_alerts_tell_what_is_new_once(backend, url) {
        let app = TestApp::new(&url).await;
        let watcher = app.signup("veille@acheteur.example").await;
        for (kind, query, name, frequency) in [
            ("offers", "q=pain&cpv=15", "Pain bio", "instant"),
            ("offers", "q=pain", "Pain, chaque semaine", "weekly"),
            ("orgs", "q=boulangerie", "Boulangeries", "instant"),
            ("plans", "levier=insertion", "Insertion", "instant"),
        ] {
            let (status, _, body) = app
                .post(
                    "/api/alerts/save",
                    &[
                        ("kind", kind),
                        ("query", query),
                        ("name", name),
                        ("frequency", frequency),
                    ],
                    Some(&watcher),
                )
                .await;
            ok(status, &body);
        }
        let (status, _, body) = app
            .post(
                "/api/alerts/save",
                &[
                    ("kind", "contracts"),
                    ("query", ""),
                    ("name", "x"),
                    ("frequency", "instant"),
                ],
                Some(&watcher),
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}: unknown kind: {body}");
        let stored = saved_searches::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(stored.len(), 4);
        assert!(stored
            .iter()
            .any(|s| s.kind == "offers" && s.query == "q=pain&cpv=15"));

        let baker = app.signup("gerant@boulangerie.example").await;
        let baker_id = app::server::auth::find_by_email(&app.db, "gerant@boulangerie.example")
            .await
            .unwrap()
            .unwrap()
            .id;
        let bakery = org(
            &app,
            &baker,
            "business",
            "120 027 016 00027",
            "Boulangerie du Rhône (fictive)",
        )
        .await;
        publish(&app, baker_id, bakery, "Pain de campagne bio", "15811100").await;
        publish(&app, baker_id, bakery, "Tables en chêne", "39121100").await;
        app.search.rebuild(&app.db, |_| ()).await.unwrap();

        let mailer =
            app::server::infra::mail::Mailer::new(None, "Passerelle <t@passerelle.example>")
                .unwrap();
        let now = chrono::Utc::now() + chrono::Duration::seconds(1);
        let run = |at| {
            let (app, mailer) = (&app, &mailer);
            async move {
                app::server::alerts::search_digests(&app.db, &app.search, mailer, "http://x", at)
                    .await
                    .unwrap()
            }
        };
        // The instant catalogue and directory searches have news; the weekly one waits.
        assert_eq!(run(now).await, 2, "{backend}");
        let told = notifications::Entity::find().all(&app.db).await.unwrap();
        let titles: Vec<&str> = told.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(told.len(), 2, "{backend}: {titles:?}");
        assert!(
            titles
                .iter()
                .any(|t| t.contains("1 nouvelle(s) offre(s)") && t.contains("Pain bio")),
            "{titles:?}"
        );
        assert!(
            titles
                .iter()
                .any(|t| t.contains("entreprise(s)") && t.contains("Boulangeries")),
            "{titles:?}"
        );
        let offer_note = told.iter().find(|n| n.title.contains("Pain bio")).unwrap();
        assert_eq!(offer_note.url, "/catalogue?q=pain&cpv=15");
        // Nothing new since: nothing told again.
        assert_eq!(run(now + chrono::Duration::hours(1)).await, 0, "{backend}");
        // A week later the weekly search tells its week.
        assert_eq!(run(now + chrono::Duration::days(8)).await, 1, "{backend}");
        let weekly = notifications::Entity::find()
            .filter(notifications::Column::Title.contains("chaque semaine"))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(weekly.len(), 1, "{backend}");
        // The alerts page links each search to its list.
        let (_, _, body) = app.get("/api/alerts/mine", Some(&watcher)).await;
        assert!(
            body.contains("/annuaire?q=boulangerie")
                && body.contains("/programmation?levier=insertion"),
            "{body}"
        );
    }
}
