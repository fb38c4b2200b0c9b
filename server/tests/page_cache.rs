//! Public pages kept for visitors without a session (issue 27, `infra::page_cache`), on SQLite
//! and PostgreSQL: a page read again is served without rendering, with a nonce of its own; a
//! write — through this instance, or of plans in the database by anyone — and the end of the
//! page's short life make it rendered anew; a signed-in person and another language are never
//! served someone else's page.

use crate::common;

use common::TestApp;
use sea_orm::ActiveModelTrait;
use std::sync::atomic::Ordering;

/// The page, its Content-Security-Policy nonce and the statements it cost.
async fn read(app: &TestApp, path: &str, cookie: Option<&str>) -> (String, String, usize) {
    let before = app.queries.load(Ordering::SeqCst);
    let req = axum::http::Request::get(path);
    let req = match cookie {
        Some(c) => req.header("cookie", c),
        None => req,
    };
    let res = tower::ServiceExt::oneshot(
        app.router.clone(),
        req.body(axum::body::Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let start = csp.find("'nonce-").expect("a nonce") + 7;
    let nonce = csp[start..start + csp[start..].find('\'').unwrap()].to_string();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let n = app.queries.load(Ordering::SeqCst) - before;
    (String::from_utf8(body.to_vec()).unwrap(), nonce, n)
}

both_dbs! {
    "page_cache",
    #[tokio::test]
    async fn a_public_page_is_kept_for_visitors_until_a_write(backend, url) {
        let app = TestApp::new(&url).await;
        let buyer = common::buyer_row(&app.db, "Ville de Lyon (fictive)").await;
        let plan = |title: &str| common::plan_row(buyer.id, title);
        plan("Mobilier scolaire (fictif)").insert(&app.db).await.unwrap();

        let (first, nonce1, rendered) = read(&app, "/programmation", None).await;
        assert!(first.contains("Mobilier scolaire (fictif)"), "{backend}");
        assert!(rendered > 1, "{backend}: the first read renders");
        let (again, nonce2, kept) = read(&app, "/programmation", None).await;
        assert!(kept <= 1, "{backend}: kept, yet {kept} statements");
        // The same page, each with its own nonce, in its header and its scripts alike.
        assert_ne!(nonce1, nonce2);
        assert!(again.contains(&format!("nonce=\"{nonce2}\"")), "{backend}");
        assert!(!again.contains(&nonce1), "{backend}");
        assert_eq!(again.replace(&nonce2, &nonce1), first);

        // Someone signed in gets a page of their own, rendered.
        let firm = app.signup("gerant@entreprise.example").await;
        let (_, _, n) = read(&app, "/programmation", Some(&firm)).await;
        let (_, _, n2) = read(&app, "/programmation", Some(&firm)).await;
        assert!(n > 1 && n2 > 1, "{backend}: {n}, {n2}");

        // The sign-up was a write through this instance: the next visitor's page is rendered.
        let (_, _, n) = read(&app, "/programmation", None).await;
        assert!(n > 1, "{backend}: rendered after a write, {n}");
        let (_, _, n) = read(&app, "/programmation", None).await;
        assert!(n <= 1, "{backend}");
        // A refused request (a wrong password) is no write: the page stays kept.
        let (status, _, _) = app
            .post(
                "/api/auth/login",
                &[("email", "gerant@entreprise.example"), ("password", "pas la bonne phrase")],
                None,
            )
            .await;
        assert!(status.is_client_error(), "{backend}: {status}");
        let (_, _, n) = read(&app, "/programmation", None).await;
        assert!(n <= 1, "{backend}: {n}");

        // A plan written straight into the database (an import, another instance): seen.
        plan("Restauration scolaire bio (fictive)").insert(&app.db).await.unwrap();
        let (page, _, _) = read(&app, "/programmation", None).await;
        assert!(page.contains("Restauration scolaire bio (fictive)"), "{backend}");

        // Another language is another page.
        let (en, _, n) = read(&app, "/programmation", Some("lang=en")).await;
        assert!(en.contains("lang=\"en\""), "{backend}");
        assert!(n > 1, "{backend}");
        let (fr, _, _) = read(&app, "/programmation", None).await;
        assert!(fr.contains("lang=\"fr\""), "{backend}");

        // A kept page lives a short while: then rendered anew.
        tokio::time::sleep(app::server::infra::page_cache::TTL).await;
        let (_, _, n) = read(&app, "/programmation", None).await;
        assert!(n > 1, "{backend}: rendered once its life is over, {n}");
    }
}

/// Every page of the site is either kept for visitors or named here with why it is not: a page
/// added is decided on, never kept by accident (a kept page must read the same for every visitor
/// without a session) nor left out unseen.
#[tokio::test]
async fn every_page_is_kept_for_visitors_or_named_as_not_kept() {
    use app::server::infra::page_cache::is_public_page;
    // Sign-in steps: a form of one person's sign-in, a reset token in the address.
    let sign_in = [
        "/connexion",
        "/connexion/code",
        "/inscription",
        "/mot-de-passe-oublie",
        "/reinitialiser",
    ];
    // A signed-in person's pages: without a session, a short invitation to sign in.
    let signed_in_prefixes = [
        "/compte",
        "/admin",
        "/verifications",
        "/labels/gestion",
        "/labels/instruction",
        "/labels/dossiers/",
        "/demandes-de-devis/nouvelle",
    ];
    // Public, rendered each time: static texts, short lists, or record pages whose cost was not
    // among the ones measured at national scale (docs/benchmarks.md).
    let rendered = [
        "/accessibilite",
        "/confidentialite",
        "/labels",
        "/labels/:id",
        "/acheteurs/:siret",
        "/titulaires/:id",
        "/demandes-de-devis",
        "/demandes-de-devis/:id",
        "/analyses",
        "/analyses/tensions",
        "/analyses/alimentation",
        "/analyses/insertion",
        "/donnees",
        "/*any",
    ];
    let mut kept = vec![];
    for route in leptos_axum::generate_route_list(app::App) {
        // axum's `{id}` and leptos' `:id` alike, as a visitor's address would have it.
        let pattern = route
            .path()
            .replace("{*", "*")
            .replace('{', ":")
            .replace('}', "");
        let address = pattern
            .split('/')
            .map(|s| {
                if s.starts_with(':') || s.starts_with('*') {
                    "1"
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let not_kept = sign_in.contains(&pattern.as_str())
            || rendered.contains(&pattern.as_str())
            || signed_in_prefixes.iter().any(|p| pattern.starts_with(p));
        assert_ne!(
            is_public_page(&address),
            not_kept,
            "{pattern}: kept for visitors and named as not kept, or neither"
        );
        if !not_kept {
            kept.push(pattern);
        }
    }
    // The lists measured (docs/benchmarks.md) are among the kept.
    for page in ["/", "/annuaire", "/catalogue", "/marches", "/programmation"] {
        assert!(kept.iter().any(|k| k == page), "{page} not kept: {kept:?}");
    }
}
