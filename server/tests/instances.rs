//! Two `passerelle serve` processes on one PostgreSQL database (issue 27): what a person does on
//! one is seen on the other — the session (signed in on one, known to the other; signed out on
//! one, gone from both), a new organisation in the other's search within 2 seconds (each
//! instance follows the database's outbox into its own index), a new planned procurement in
//! the other's programming at once (its list answers are kept per database generation). Each
//! instance starts with an empty index folder: it builds it from the database.
//! PostgreSQL only (two processes on one SQLite file are not a supported deployment); without
//! TEST_DATABASE_URL it says so and passes, unless PASSERELLE_REQUIRE_PG is set.

use crate::common;

use sea_orm::{ActiveModelTrait, ActiveValue::Set, Database};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `passerelle serve`, stopped when dropped.
struct Instance {
    child: Child,
    base: String,
    log: std::path::PathBuf,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(url: &str, dir: &std::path::Path, name: &str) -> Instance {
    let port = free_port();
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let log = folder.join("log");
    let child = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .arg("serve")
        // No Leptos.toml nor passerelle.toml there: the environment is the whole configuration.
        .current_dir(&folder)
        .env("DATABASE_URL", url)
        .env("PASSERELLE_ADDR", format!("127.0.0.1:{port}"))
        .env("PASSERELLE_ENV", "development")
        .env("PASSERELLE_SEARCH_DIR", folder.join("search"))
        .env("PASSERELLE_MEDIA_DIR", folder.join("media"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("passerelle serve");
    let instance = Instance {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(r) = client.get(format!("{}/ready", instance.base)).send().await {
            if r.status().is_success() {
                return instance;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{name} not ready: {}",
            std::fs::read_to_string(&instance.log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A form posted to a server function as a browser without JavaScript would; the status, the
/// session cookie set (name=value), the body.
async fn post(
    client: &reqwest::Client,
    at: &Instance,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> (u16, Option<String>, String) {
    let mut req = client
        .post(format!("{}{path}", at.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(serde_urlencoded::to_string(form).unwrap());
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().await.unwrap();
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("passerelle_session="))
        .and_then(|v| v.split(';').next())
        .map(String::from);
    (r.status().as_u16(), cookie, r.text().await.unwrap())
}

async fn get(client: &reqwest::Client, at: &Instance, path: &str, cookie: Option<&str>) -> String {
    let mut req = client.get(format!("{}{path}", at.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.text().await.unwrap()
}

#[tokio::test]
async fn two_instances_on_one_database_act_as_one_site() {
    let Some(url) = common::database("postgres", "instances").await else {
        eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): not run");
        return;
    };
    let dir = std::env::temp_dir().join(format!("passerelle-instances-{}", std::process::id()));
    let (a, b) = tokio::join!(start(&url, &dir, "a"), start(&url, &dir, "b"));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Signed up on A, known on B.
    let (status, cookie, body) = post(
        &client,
        &a,
        "/api/auth/signup",
        &[
            ("email", "achats@commune.example"),
            ("display_name", "Acheteuse de test (fictive)"),
            ("password", "une phrase de passe"),
            ("password_confirm", "une phrase de passe"),
        ],
        None,
    )
    .await;
    assert!(status < 400, "{status} {body}");
    let cookie = cookie.expect("a session");
    let me = get(&client, &b, "/api/auth/me", Some(&cookie)).await;
    assert!(me.contains("achats@commune.example"), "{me}");

    // An organisation created on A: in B's directory search within 2 seconds.
    let written = Instant::now();
    let (status, _, body) = post(
        &client,
        &a,
        "/api/orgs/create",
        &[
            ("form[kind]", "buyer"),
            ("form[siret]", "216 901 231 00011"),
            ("form[name]", "Commune de Quincieux-Passerelle (fictive)"),
            ("form[commune]", "Villeurbanne"),
            ("form[is_public]", "on"),
        ],
        Some(&cookie),
    )
    .await;
    assert!(status < 400, "{status} {body}");
    loop {
        let page = get(&client, &b, "/annuaire?q=Quincieux-Passerelle", None).await;
        if page.contains("Commune de Quincieux-Passerelle (fictive)") {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_secs(2),
            "not in B's search after 2 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen = written.elapsed();
    eprintln!("seen in the other instance's search after {seen:?}");

    // B's programming read (its answer kept), then a plan written: B's next read shows it.
    let before = get(&client, &b, "/programmation", None).await;
    assert!(!before.contains("Restauration scolaire bio (fictive)"));
    let db = Database::connect(url.as_str()).await.unwrap();
    let buyer = {
        use app::server::infra::entities::organisations;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        organisations::Entity::find()
            .filter(organisations::Column::Siret.eq("21690123100011"))
            .one(&db)
            .await
            .unwrap()
            .expect("the organisation")
            .id
    };
    let mut row = common::plan_row(buyer, "Restauration scolaire bio (fictive)");
    row.short_chain = Set(true);
    row.insert(&db).await.unwrap();
    for at in [&b, &a] {
        let page = get(&client, at, "/programmation", None).await;
        assert!(
            page.contains("Restauration scolaire bio (fictive)"),
            "{}",
            at.base
        );
    }

    // Signed out on B: the session is gone on A too (a copied cookie is worth nothing).
    let (status, _, body) = post(&client, &b, "/api/auth/logout", &[], Some(&cookie)).await;
    assert!(status < 400, "{status} {body}");
    let me = get(&client, &a, "/api/auth/me", Some(&cookie)).await;
    assert_eq!(me.trim(), "null", "{me}");
    drop((a, b));
    let _ = std::fs::remove_dir_all(&dir);
}
