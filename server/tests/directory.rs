//! The directory's public profiles on SQLite and PostgreSQL: shown only for organisations that
//! chose to be public, with the public contracts they won (from the imported DECP), text rendered
//! inert.

mod common;

use app::server::entities::{contract_awardees, organisations};
use common::{backends, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::path::Path;

/// A real awardee of the Métropole's 2019 subset.
const SIRET: &str = "53870002200154";

async fn create_org(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> i32 {
    let (status, _, body) = app.post("/api/orgs/create", fields, Some(cookie)).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {body}"
    );
    let siret = fields
        .iter()
        .find(|(k, _)| *k == "form[siret]")
        .map(|(_, v)| v.replace(' ', ""))
        .unwrap();
    organisations::Entity::find()
        .filter(organisations::Column::Siret.eq(siret))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn public_profiles_show_identity_and_contracts_won_and_nothing_of_private_ones() {
    for (backend, url) in backends("directory_profile").await {
        let app = TestApp::new(&url).await;
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/decp/SUBSET_metropole_lyon_lieuExecution.json");
        let run =
            app::server::decp::import_file(&app.db, None, &fixture, "subset.json", None, |_| {})
                .await
                .unwrap();
        assert_eq!(run.status, "done", "{backend}");

        let cookie = app.signup("spie@exemple.fr").await;
        let public = create_org(
            &app,
            &cookie,
            &[
                ("form[kind]", "business"),
                ("form[siret]", SIRET),
                (
                    "form[name]",
                    "Maintenance Rhône </title><script>alert(2)</script><b>(fictif)</b>",
                ),
                ("form[commune]", "Villeurbanne"),
                ("form[naf_code]", "43.21a"),
                ("form[size]", "medium"),
                ("form[website]", "https://maintenance.example"),
                (
                    "form[description]",
                    "Électricité et CVC.<script>alert('x')</script><img src=x onerror=alert(1)>",
                ),
                ("form[is_public]", "on"),
            ],
        )
        .await;
        let private = create_org(
            &app,
            &cookie,
            &[
                ("form[kind]", "business"),
                ("form[siret]", "120 027 016 00001"),
                ("form[name]", "Atelier discret (fictif)"),
            ],
        )
        .await;

        let (status, _, page) = app.get(&format!("/annuaire/{public}"), None).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {page}");
        assert!(
            page.contains("43.21A — Travaux d&#x27;installation électrique")
                || page.contains("43.21A — Travaux d'installation électrique"),
            "{backend}: NAF label"
        );
        assert!(page.contains("Villeurbanne (69)"), "{backend}: commune");
        assert!(page.contains("Moyenne entreprise"), "{backend}: size");
        assert!(
            page.contains(r#"href="https://maintenance.example""#),
            "{backend}"
        );
        // Every text field is shown as text, never as markup: the body, and the page's
        // <title> (leptos_meta wrote it unescaped; the name below broke out of it).
        for injected in [
            "<script>alert",
            "<img src=x",
            "<b>(fictif)</b>",
            "</title><script>",
        ] {
            assert!(!page.contains(injected), "{backend}: {injected} injected");
        }
        assert!(page.contains("&lt;script&gt;"), "{backend}: text kept");

        // The contracts won: the same count as the database's, for this SIRET.
        let won = contract_awardees::Entity::find()
            .filter(contract_awardees::Column::AwardeeId.eq(SIRET))
            .filter(contract_awardees::Column::IsCurrent.eq(true))
            .count(&app.db)
            .await
            .unwrap();
        assert!(
            won > 0,
            "{backend}: the fixture has contracts won by {SIRET}"
        );
        let figures = page
            .split("data-test=\"org-won\"")
            .nth(1)
            .unwrap_or_default();
        assert!(
            figures.contains(&format!("<dd>{won}<")),
            "{backend}: {figures}"
        );
        assert!(
            page.contains(&format!("href=\"/titulaires/{SIRET}\"")),
            "{backend}"
        );

        // A private organisation, an unknown id and a malformed one are not found; the API says
        // the same.
        for path in [
            format!("/annuaire/{private}"),
            "/annuaire/999999".to_string(),
            "/annuaire/abc".to_string(),
        ] {
            let (status, _, page) = app.get(&path, None).await;
            assert_eq!(status.as_u16(), 404, "{backend} {path}");
            assert!(!page.contains("Atelier discret"), "{backend} {path}");
        }
        let (status, _, body) = app
            .get(&format!("/api/orgs/profile?id={private}"), None)
            .await;
        assert_eq!(status.as_u16(), 404, "{backend}: {body}");
        assert!(!body.contains("Atelier discret"), "{backend}");
    }
}
