//! The directory's public profiles on SQLite and PostgreSQL: shown only for organisations that
//! chose to be public, with the public contracts they won (from the imported DECP), text rendered
//! inert.

use crate::common;

use app::server::infra::entities::{contract_awardees, organisations};
use common::TestApp;
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

both_dbs! {
    "directory_profile",
    #[tokio::test]
    async fn public_profiles_show_identity_and_contracts_won_and_nothing_of_private_ones(backend, url) {
        let app = TestApp::new(&url).await;
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/decp/SUBSET_metropole_lyon_lieuExecution.json");
        let run = app::server::imports::decp::import_file(
            &app.db,
            None,
            &fixture,
            "subset.json",
            None,
            |_| {},
        )
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
        assert!(
            page.contains("class=\"minimap\"")
                && page.contains("Villeurbanne — sa commune sur la carte"),
            "{backend}: the commune on a small map"
        );
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

        // The explorer's awardee page leads to the profile; not to a private one's.
        let (_, _, awardee) = app.get(&format!("/titulaires/{SIRET}"), None).await;
        assert!(
            awardee.contains(&format!("href=\"/annuaire/{public}\"")),
            "{backend}: awardee page links to the profile"
        );
        assert!(
            !awardee.contains(&format!("/annuaire/{private}")),
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

both_dbs! {
    "directory_edit",
    /// Only an active owner edits an organisation; the SIRET and kind never change through the form;
    /// bad input changes nothing.
    #[tokio::test]
    async fn owners_edit_their_organisation_and_nobody_else_can(backend, url) {
        use app::server::infra::entities::memberships;
        let app = TestApp::new(&url).await;
        let owner = app.signup("gerante@exemple.fr").await;
        let id = create_org(
            &app,
            &owner,
            &[
                ("form[kind]", "business"),
                ("form[siret]", "120 027 016 00050"),
                ("form[name]", "Traiteur des Monts (fictif)"),
                ("form[commune]", "Villeurbanne"),
                ("form[is_public]", "on"),
            ],
        )
        .await;
        let stored = || async {
            organisations::Entity::find_by_id(id)
                .one(&app.db)
                .await
                .unwrap()
                .unwrap()
        };
        let before = stored().await;
        let id_text = id.to_string();
        let change = |name: &'static str| {
            vec![
                ("id", id_text.clone()),
                ("form[kind]", "buyer".to_string()),
                ("form[siret]", "21690123100011".to_string()),
                ("form[name]", name.to_string()),
                ("form[commune]", "69259".to_string()),
                ("form[size]", "micro".to_string()),
                (
                    "form[description]",
                    "Repas bio <em>locaux</em>.".to_string(),
                ),
            ]
        };
        let post = |fields: Vec<(&'static str, String)>, cookie: Option<String>| {
            let app = &app;
            async move {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post("/api/orgs/update", &fields, cookie.as_deref())
                    .await
            }
        };

        // Anonymous, a stranger, and a member who is not an owner: refused, nothing changed.
        let (status, _, _) = post(change("Anonyme"), None).await;
        assert_eq!(status.as_u16(), 401, "{backend}");
        let stranger = app.signup("voisin@exemple.fr").await;
        let (status, _, _) = post(change("Étranger"), Some(stranger.clone())).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, body) = app
            .get(&format!("/api/orgs/edit?id={id}"), Some(&stranger))
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}: {body}");
        assert!(!body.contains("Traiteur"), "{backend}");
        let member = app.signup("commis@exemple.fr").await;
        app.post(
            "/api/orgs/join",
            &[("siret", "12002701600050")],
            Some(&member),
        )
        .await;
        let request = memberships::Entity::find()
            .filter(memberships::Column::Status.eq("pending"))
            .one(&app.db)
            .await
            .unwrap()
            .expect("join request");
        let (status, _, _) = app
            .post(
                "/api/orgs/decide-member",
                &[
                    ("membership_id", request.id.to_string().as_str()),
                    ("accept", "true"),
                ],
                Some(&owner),
            )
            .await;
        assert!(status.is_success() || status.is_redirection(), "{backend}");
        let (status, _, _) = post(change("Commis"), Some(member)).await;
        assert_eq!(status.as_u16(), 403, "{backend}: a member is not an owner");
        assert_eq!(
            stored().await,
            before,
            "{backend}: refused edits changed nothing"
        );

        // Bad input: the faulty field said, nothing changed (the form's own checks, then the
        // ones against the reference lists).
        let mut bad = change("Traiteur des Monts (fictif)");
        bad.push(("form[website]", "pas une adresse".into()));
        let (status, _, body) = post(bad, Some(owner.clone())).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("validation.url"), "{body}");
        let mut bad = change("Traiteur des Monts (fictif)");
        bad.retain(|(k, _)| *k != "form[commune]");
        bad.push(("form[commune]", "Nulle-Part-sur-Rien".into()));
        let (status, _, body) = post(bad, Some(owner.clone())).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        assert!(body.contains("validation.unknown_commune"), "{body}");
        assert_eq!(
            stored().await,
            before,
            "{backend}: bad input changed nothing"
        );

        // The owner's form opens with the stored values.
        let (status, _, page) = app
            .get(&format!("/compte/organisations/{id}"), Some(&owner))
            .await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        assert!(
            page.contains(r#"value="Traiteur des Monts (fictif)""#),
            "{backend}"
        );
        assert!(
            page.contains(r#"value="Villeurbanne (69266)""#),
            "{backend}: commune"
        );

        // The owner's change lands; the SIRET and kind sent along are ignored; unticking
        // "public" takes the profile out of the directory.
        let (status, _, body) = post(
            change("Traiteur des Monts d'Or (fictif)"),
            Some(owner.clone()),
        )
        .await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{backend}: {status} {body}"
        );
        // The edit form shows the commune by name, with the code that tells homonyms apart.
        let (_, _, edit) = app
            .get(&format!("/api/orgs/edit?id={id}"), Some(&owner))
            .await;
        assert!(edit.contains("Vénissieux (69259)"), "{backend}: {edit}");
        let after = stored().await;
        assert_eq!(after.name, "Traiteur des Monts d'Or (fictif)", "{backend}");
        assert_eq!(after.commune_insee.as_deref(), Some("69259"), "{backend}");
        assert_eq!(after.size.as_deref(), Some("micro"), "{backend}");
        assert_eq!(
            after.description.as_deref(),
            Some("Repas bio <em>locaux</em>.")
        );
        assert_eq!(
            (after.siret.as_str(), after.kind.as_str()),
            ("12002701600050", "business")
        );
        assert!(!after.is_public, "{backend}");
        let (status, _, _) = app.get(&format!("/annuaire/{id}"), None).await;
        assert_eq!(status.as_u16(), 404, "{backend}: no longer public");
    }
}

both_dbs! {
    "directory_index",
    /// Public organisations are documents of the search index, followed through the outbox like the
    /// contracts; private ones have none; the contracts' searches see contracts only.
    #[tokio::test]
    async fn the_index_follows_the_directory_and_keeps_kinds_apart(backend, url) {
        use app::domain::contracts::ContractFilters;
        let app = TestApp::new(&url).await;
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/decp/SUBSET_metropole_lyon_lieuExecution.json");
        app::server::imports::decp::import_file(
            &app.db,
            None,
            &fixture,
            "subset.json",
            None,
            |_| {},
        )
        .await
        .unwrap();
        let owner = app.signup("menuisiere@exemple.fr").await;
        let public = create_org(
            &app,
            &owner,
            &[
                ("form[kind]", "business"),
                ("form[siret]", "120 027 016 00076"),
                ("form[name]", "Atelier Bois Clair (fictif)"),
                ("form[commune]", "Villeurbanne"),
                (
                    "form[description]",
                    "Menuiseries sur mesure, escaliers en chêne.",
                ),
                ("form[is_public]", "on"),
            ],
        )
        .await;
        let private = create_org(
            &app,
            &owner,
            &[
                ("form[kind]", "business"),
                ("form[siret]", "120 027 016 00084"),
                ("form[name]", "Menuiserie Discrète (fictive)"),
            ],
        )
        .await;
        app.search.sync(&app.db).await.unwrap();

        // French stemming and accent folding, as for contracts; the private one is not found.
        assert_eq!(
            app.search.search_orgs("menuiserie", 10).unwrap(),
            [public],
            "{backend}"
        );
        assert_eq!(
            app.search.search_orgs("chene escalier", 10).unwrap(),
            [public]
        );
        assert_eq!(
            app.search.search_orgs("villeurbanne", 10).unwrap(),
            [public]
        );
        assert!(app.search.search_orgs("plomberie", 10).unwrap().is_empty());

        // The explorer counts contracts only.
        let contracts = app::server::infra::entities::contracts::Entity::find()
            .count(&app.db)
            .await
            .unwrap();
        let all = app
            .search
            .search_contracts(&ContractFilters::default())
            .unwrap();
        assert_eq!(
            all.total, contracts,
            "{backend}: organisations counted as contracts"
        );

        // An edit is followed: private, then public again under another name.
        let edit = |name: &'static str, public_flag: bool| {
            let app = &app;
            let owner = owner.clone();
            async move {
                let id = public.to_string();
                let mut fields = vec![
                    ("id", id.as_str()),
                    ("form[kind]", "business"),
                    ("form[siret]", "12002701600076"),
                    ("form[name]", name),
                    ("form[commune]", "69266"),
                    (
                        "form[description]",
                        "Menuiseries sur mesure, escaliers en chêne.",
                    ),
                ];
                if public_flag {
                    fields.push(("form[is_public]", "on"));
                }
                let (status, _, body) = app.post("/api/orgs/update", &fields, Some(&owner)).await;
                assert!(
                    status.is_success() || status.is_redirection(),
                    "{status} {body}"
                );
                app.search.sync(&app.db).await.unwrap();
            }
        };
        edit("Atelier Bois Clair (fictif)", false).await;
        assert!(
            app.search.search_orgs("menuiserie", 10).unwrap().is_empty(),
            "{backend}"
        );
        edit("Ébénisterie Bois Clair (fictive)", true).await;
        assert_eq!(app.search.search_orgs("ebenisterie", 10).unwrap(), [public]);

        // A rebuild from the database gives the same answers.
        app.search.rebuild(&app.db, |_| ()).await.unwrap();
        assert_eq!(app.search.search_orgs("menuiserie", 10).unwrap(), [public]);
        assert!(!app
            .search
            .search_orgs("discrete", 10)
            .unwrap()
            .contains(&private));
    }
}

/// The rows of a directory page, in order: the names of the result links.
fn row_names(page: &str) -> Vec<String> {
    page.split("data-test=\"org-row\"")
        .skip(1)
        .filter_map(|row| {
            let link = row.split("<a href=\"/annuaire/").nth(1)?;
            let name = link.split_once('>')?.1.split("</a>").next()?;
            Some(name.replace("<!>", "").replace("&#x27;", "'"))
        })
        .collect()
}

/// The directory's search, stage by stage: each test runs the stages before the one it names (their checks included) and then its own.
struct Listed {
    app: TestApp,
    bois: i32,
    esat: i32,
    ferme: i32,
    ain: i32,
}

/// Everything public by name, the private one nowhere; words stemmed and without accents; facets; Lyon with its arrondissements; a distance from a commune.
async fn listed(backend: &str, url: &str) -> Listed {
    let app = TestApp::new(url).await;
    let owner = app.signup("annuaire@exemple.fr").await;
    let org = |siret: &'static str,
               name: &'static str,
               commune: &'static str,
               naf: &'static str,
               extra: &'static [(&'static str, &'static str)]| {
        let app = &app;
        let owner = owner.clone();
        async move {
            let mut fields = vec![
                ("form[kind]", "business"),
                ("form[siret]", siret),
                ("form[name]", name),
                ("form[commune]", commune),
                ("form[naf_code]", naf),
                ("form[is_public]", "on"),
            ];
            fields.extend_from_slice(extra);
            create_org(app, &owner, &fields).await
        }
    };
    let bois = org(
        "120 027 016 00076",
        "Atelier Bois Clair (fictif)",
        "69266",
        "16.23Z",
        &[
            ("form[size]", "micro"),
            (
                "form[description]",
                "Menuiseries sur mesure, escaliers en chêne.",
            ),
        ],
    )
    .await;
    let esat = org(
        "120 027 016 00084",
        "ESAT du Parc (fictif)",
        "69383",
        "81.21Z",
        &[
            ("form[inclusive]", "esat"),
            (
                "form[description]",
                "Nettoyage de locaux et entretien d'espaces verts.",
            ),
        ],
    )
    .await;
    let ferme = org(
        "120 027 016 00092",
        "Ferme des Monts <script>alert(1)</script>(fictive)",
        "Albigny-sur-Saône (69003)",
        "01.13Z",
        &[("form[description]", "Légumes bio en circuit court.")],
    )
    .await;
    let ain = org(
        "120 027 016 00100",
        "Menuiserie de l'Ain (fictive)",
        "01053",
        "16.23Z",
        // An entreprise d'insertion: one kind of SIAE.
        &[("form[size]", "small"), ("form[inclusive]", "ei")],
    )
    .await;
    let private = create_org(
        &app,
        &owner,
        &[
            ("form[kind]", "business"),
            ("form[siret]", "120 027 016 00118"),
            ("form[name]", "Menuiserie Discrète (fictive)"),
            ("form[commune]", "69266"),
        ],
    )
    .await;
    app.search.sync(&app.db).await.unwrap();
    let get = |query: &'static str| {
        let app = &app;
        async move {
            let (status, _, page) = app.get(&format!("/annuaire{query}"), None).await;
            assert_eq!(status.as_u16(), 200, "{backend} {query}");
            page
        }
    };

    // Everything public, by name; the private one nowhere; the name shown as text.
    let all = get("").await;
    let names = row_names(&all);
    assert_eq!(names.len(), 4, "{backend}: {names:?}");
    assert_eq!(names[0], "Atelier Bois Clair (fictif)", "{backend}");
    assert_eq!(names[3], "Menuiserie de l'Ain (fictive)", "{backend}");
    assert!(!all.contains("Discrète") && !all.contains(&format!("/annuaire/{private}\"")));
    assert!(
        !all.contains("<script>alert(1)"),
        "{backend}: name injected"
    );
    assert!(all.contains("4 organisations"), "{backend}");

    // Words, stemmed and without accents; with an area.
    let found = row_names(&get("?q=menuiseries").await);
    assert_eq!(found.len(), 2, "{backend}: {found:?}");
    let found = row_names(&get("?q=menuiserie&dep=69M").await);
    assert_eq!(found, ["Atelier Bois Clair (fictif)"], "{backend}");
    let found = row_names(&get("?q=legume").await);
    assert_eq!(found.len(), 1, "{backend}: {found:?}");
    assert!(found[0].starts_with("Ferme des Monts"), "{backend}");

    // Facets: inclusive structures, NAF division, department outside the Métropole.
    let mut any = row_names(&get("?inclusif=any").await);
    any.sort();
    assert_eq!(
        any,
        ["ESAT du Parc (fictif)", "Menuiserie de l'Ain (fictive)"]
    );
    // Every kind of SIAE, not the ESAT; a kind alone.
    assert_eq!(
        row_names(&get("?inclusif=iae").await),
        ["Menuiserie de l'Ain (fictive)"]
    );
    assert_eq!(
        row_names(&get("?inclusif=ei").await),
        ["Menuiserie de l'Ain (fictive)"]
    );
    assert!(row_names(&get("?inclusif=etti").await).is_empty());
    assert_eq!(
        row_names(&get("?inclusif=esat").await),
        ["ESAT du Parc (fictif)"]
    );
    assert!(row_names(&get("?inclusif=ea").await).is_empty());
    assert_eq!(row_names(&get("?naf=16").await).len(), 2, "{backend}");
    assert_eq!(
        row_names(&get("?dep=01").await),
        ["Menuiserie de l'Ain (fictive)"],
        "{backend}"
    );
    assert_eq!(row_names(&get("?taille=micro").await).len(), 1, "{backend}");
    // Lyon counts with its arrondissements.
    assert_eq!(
        row_names(&get("?commune=69123").await),
        ["ESAT du Parc (fictif)"],
        "{backend}"
    );

    // Within 5 km of Villeurbanne: Villeurbanne and Lyon 3e; not Albigny (13 km), not the
    // Ain.
    let near = row_names(&get("?pres_de=69266&km=5").await);
    assert_eq!(
        near,
        ["Atelier Bois Clair (fictif)", "ESAT du Parc (fictif)"],
        "{backend}"
    );
    let wide = row_names(&get("?pres_de=69266&km=20").await);
    assert_eq!(wide.len(), 3, "{backend}: {wide:?}");
    Listed {
        app,
        bois,
        esat,
        ferme,
        ain,
    }
}

/// Facets with their counts, each a link adding its filter; the map links the communes with results.
async fn faceted_and_mapped(backend: &str, st: &Listed) {
    let app = &st.app;
    let get = |query: &'static str| async move {
        let (status, _, page) = app.get(&format!("/annuaire{query}"), None).await;
        assert_eq!(status.as_u16(), 200, "{backend} {query}");
        page
    };
    let all = get("").await;
    // Facets with counts, labelled, each a link that adds its filter.
    assert!(all.contains("Ain (01)"), "{backend}: area facet");
    assert!(all.contains("Métropole de Lyon"), "{backend}");
    assert!(
        all.contains("href=\"/annuaire?naf=16\""),
        "{backend}: NAF facet link"
    );
    assert!(
        all.contains("href=\"/annuaire?inclusif=esat\""),
        "{backend}"
    );
    assert!(
        all.contains("Entreprise d'insertion (EI)"),
        "{backend}: a kind of SIAE in words"
    );

    // The map: a commune with results is a link narrowing to it, labelled with its
    // count; one without results is not a link; the Ain beside the map.
    assert!(
        all.contains(
            "href=\"/annuaire?commune=69266\" aria-label=\"Villeurbanne : 1 organisation\""
        ),
        "{backend}: map link"
    );
    assert!(
        !all.contains("href=\"/annuaire?commune=69029\""),
        "{backend}: Bron has none"
    );
    assert!(
        all.contains("href=\"/annuaire?dep=01\""),
        "{backend}: Ain beside the map"
    );
    let circle = get("?pres_de=69266&km=5").await;
    assert!(
        circle.contains("class=\"dmap__radius\""),
        "{backend}: distance circle"
    );
}

/// Bad values are ignored; an unknown position says why; pages of 20 by name, the last page past the end, newest first.
async fn paged(backend: &str, st: &Listed) {
    use app::domain::org::{OrgInput, OrgKind};
    let app = &st.app;
    let bois = st.bois;
    let esat = st.esat;
    let ferme = st.ferme;
    let ain = st.ain;
    let get = |query: &'static str| async move {
        let (status, _, page) = app.get(&format!("/annuaire{query}"), None).await;
        assert_eq!(status.as_u16(), 200, "{backend} {query}");
        page
    };
    // Bad values are ignored: the whole directory, never an error.
    let bad = get("?type=pirate&km=abc&pres_de=%3Cscript%3E&naf=x&page=-4&tri=%22").await;
    assert_eq!(row_names(&bad).len(), 4, "{backend}");
    // A distance from a commune whose position is unknown finds nothing, and says why.
    let unknown = get("?pres_de=01053&km=10").await;
    assert!(row_names(&unknown).is_empty(), "{backend}");
    assert!(unknown.contains("position de cette commune"), "{backend}");

    // Pages of 20, by name; the last page holds the rest.
    let user = app::server::infra::entities::users::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    for i in 0..18 {
        let siret = app::domain::siret::complete_siret(&format!("3000000000{i:03}"))
            .unwrap()
            .as_str()
            .to_string();
        let input = OrgInput {
            kind: OrgKind::Business,
            siret,
            name: format!("Zinguerie {i:02} (fictive)"),
            naf_code: None,
            commune: None,
            size: None,
            inclusive: None,
            capacity_eur: None,
            website: None,
            description: None,
            is_public: true,
        };
        app::server::orgs::create(&app.db, user.id, &input)
            .await
            .unwrap();
    }
    app.search.sync(&app.db).await.unwrap();
    let first = get("").await;
    assert_eq!(row_names(&first).len(), 20, "{backend}");
    assert!(
        first.contains("href=\"/annuaire?page=2\""),
        "{backend}: next page"
    );
    let second = row_names(&get("?page=2").await);
    assert_eq!(
        second,
        ["Zinguerie 16 (fictive)", "Zinguerie 17 (fictive)"],
        "{backend}"
    );
    // A page past the end shows the last one.
    assert_eq!(row_names(&get("?page=99").await), second, "{backend}");
    // Newest first.
    let newest = row_names(&get("?tri=recent").await);
    assert_eq!(newest[0], "Zinguerie 17 (fictive)", "{backend}");
    let _ = (bois, esat, ferme, ain);
}

both_dbs! {
    "directory_search",
    #[tokio::test]
    async fn the_directory_finds_organisations_by_words_facets_and_distance(backend, url) {
        listed(backend, &url).await;
    }
}

both_dbs! {
    "directory_facets",
    #[tokio::test]
    async fn facets_and_the_map_link_to_narrower_lists(backend, url) {
        let st = listed(backend, &url).await;
        faceted_and_mapped(backend, &st).await;
    }
}

both_dbs! {
    "directory_pages",
    #[tokio::test]
    async fn bad_values_are_ignored_and_pages_hold_twenty(backend, url) {
        let st = listed(backend, &url).await;
        faceted_and_mapped(backend, &st).await;
        paged(backend, &st).await;
    }
}
