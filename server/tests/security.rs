//! Abuse, tried over HTTP as an attacker would: open redirects, locking an owner out, keeping a
//! stolen session, the transport headers, costly work for free, and the health endpoints.

use crate::common;

use axum::http::{header, StatusCode};
use common::{set_cookie, TestApp};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use std::net::IpAddr;

const RIGHT: &str = "une phrase de passe";
const OWNER_IP: [u8; 4] = [192, 0, 2, 10];
const ATTACKER_IP: [u8; 4] = [203, 0, 113, 66];

/// Logs in from `ip` with these cookies: status, response headers, body.
async fn login_from(
    app: &TestApp,
    email: &str,
    password: &str,
    ip: impl Into<IpAddr>,
    cookies: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let headers: Vec<(&str, &str)> = if cookies.is_empty() {
        vec![]
    } else {
        vec![("cookie", cookies)]
    };
    app.post_from(
        "/api/auth/login",
        &[("email", email), ("password", password)],
        ip.into(),
        &headers,
    )
    .await
}

/// Who `cookie` is signed in as (its email), if anyone.
async fn me(app: &TestApp, cookie: &str) -> Option<String> {
    let (_, _, body) = app.get("/api/auth/me", Some(cookie)).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    v.get("email").and_then(|e| e.as_str()).map(str::to_string)
}

/// A second session of `email`, as from another device.
async fn second_session(app: &TestApp, email: &str) -> String {
    let (status, cookie, body) = app
        .post(
            "/api/auth/login",
            &[("email", email), ("password", RIGHT)],
            None,
        )
        .await;
    assert!(status.is_redirection() || status.is_success(), "{body}");
    cookie.expect("a session")
}

#[tokio::test]
async fn the_language_switch_never_sends_anyone_to_another_site() {
    let app = TestApp::new(&common::database("sqlite", "sec_redirect").await.unwrap()).await;
    for (back, expected) in [
        ("%2F%09%2Fevil.example", "/"),
        ("%2F%0A%2Fevil.example", "/"),
        ("%2F%5Cevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("https%3A%2F%2Fevil.example", "/"),
        ("%2Fmarches%3Fq%3Dvoirie", "/marches?q=voirie"),
    ] {
        let (status, headers, _) = app
            .get_from(&format!("/langue/fr?retour={back}"), OWNER_IP, &[])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            headers.get(header::LOCATION).unwrap().to_str().unwrap(),
            expected,
            "retour={back}"
        );
    }
}

both_dbs! {
    "sec_lockout",
    #[tokio::test]
    async fn nobody_can_lock_the_owner_out(backend, url) {
        let app = TestApp::new(&url).await.with_login_limits(1000, 5);
        app.signup("admin@exemple.fr").await;
        // The attacker fails until held…
        let mut last = StatusCode::OK;
        for _ in 0..8 {
            last = login_from(&app, "admin@exemple.fr", "devine", ATTACKER_IP, "").await.0;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{backend}");
        let (status, _, _) = login_from(&app, "admin@exemple.fr", RIGHT, ATTACKER_IP, "").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{backend}: the failing client is held");
        // …and the owner, elsewhere, signs in with the right password, and keeps a device.
        let (status, headers, body) =
            login_from(&app, "admin@exemple.fr", RIGHT, OWNER_IP, "").await;
        assert!(status.is_redirection() || status.is_success(), "{backend}: {status} {body}");
        let device = set_cookie(&headers, "passerelle_device").expect("a device cookie");
        // Even from the attacker's address (the same office's NAT), the owner's device signs in.
        let (status, _, body) =
            login_from(&app, "admin@exemple.fr", RIGHT, ATTACKER_IP, &device).await;
        assert!(status.is_redirection() || status.is_success(), "{backend}: {status} {body}");
        // A made-up device cookie is no device: the attacker is still held.
        let fake = format!("passerelle_device={}", "ab".repeat(32));
        let (status, _, _) = login_from(&app, "admin@exemple.fr", RIGHT, ATTACKER_IP, &fake).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{backend}");
    }
}

#[tokio::test]
async fn an_ipv6_attacker_is_held_across_its_64() {
    let url = common::database("sqlite", "sec_ipv6").await.unwrap();
    let app = TestApp::new(&url).await.with_login_limits(1000, 3);
    app.signup("lea@exemple.fr").await;
    for i in 1..=4u16 {
        let ip: IpAddr = format!("2001:db8:aa:bb::{i:x}").parse().unwrap();
        login_from(&app, "lea@exemple.fr", "devine", ip, "").await;
    }
    let next: IpAddr = "2001:db8:aa:bb:1234::9".parse().unwrap();
    let (status, _, _) = login_from(&app, "lea@exemple.fr", RIGHT, next, "").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let elsewhere: IpAddr = "2001:db8:aa:cc::1".parse().unwrap();
    let (status, _, _) = login_from(&app, "lea@exemple.fr", RIGHT, elsewhere, "").await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
}

#[tokio::test]
async fn the_proxy_header_names_the_client_only_when_configured() {
    let url = common::database("sqlite", "sec_proxy").await.unwrap();
    // Behind a proxy that writes X-Forwarded-For, two clients of one proxy socket are two.
    let app = TestApp::configured(&url, |c| {
        c.client_ip_header = Some("x-forwarded-for".into())
    })
    .await
    .with_api_limit(2);
    let proxy = [10, 0, 0, 1];
    let call = |xff: &'static str| {
        let app = &app;
        async move {
            app.get_from("/api/v1/marches", proxy, &[("x-forwarded-for", xff)])
                .await
                .0
        }
    };
    assert_eq!(call("198.51.100.1").await, StatusCode::OK);
    assert_eq!(call("198.51.100.1").await, StatusCode::OK);
    assert_eq!(call("198.51.100.1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(call("198.51.100.2").await, StatusCode::OK, "another client");
    // A client prepending a made-up address does not escape: the proxy's entry is last.
    assert_eq!(
        call("1.2.3.4, 198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Without the setting, the header is anyone's to write and is ignored.
    let url = common::database("sqlite", "sec_proxy2").await.unwrap();
    let app = TestApp::new(&url).await.with_api_limit(2);
    for xff in ["198.51.100.1", "198.51.100.2"] {
        app.get_from("/api/v1/marches", proxy, &[("x-forwarded-for", xff)])
            .await;
    }
    let (status, _, _) = app
        .get_from(
            "/api/v1/marches",
            proxy,
            &[("x-forwarded-for", "198.51.100.3")],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_pickers_lookups_cut_what_they_are_sent() {
    // Public and asked by anyone: a huge list of codes or words is cut, never scanned whole.
    let url = common::database("sqlite", "sec_lookup_sizes")
        .await
        .unwrap();
    let app = TestApp::new(&url).await;
    // 200 real codes, as one text separated by commas (as the API may send them).
    let chosen = common::cpv_codes(&app, 200).await;
    assert_eq!(chosen.len(), 200);
    let words = "menuiserie ".repeat(2_000);
    let (status, _, body) = app
        .get(
            &format!(
                "/api/cpv/find?q={}&chosen={}",
                words.replace(' ', "+"),
                chosen.join("%2C")
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found: serde_json::Value = serde_json::from_str(&body).unwrap();
    let kept = found["chosen"].as_array().unwrap().len();
    assert_eq!(kept, 50, "the first 50 chosen codes read, the rest dropped");
    assert!(found["found"].as_array().unwrap().len() <= 15);
    // A filter's depth outside 2–8 is brought back into it.
    for (depth, longest) in [("99", 8), ("0", 2)] {
        let (status, _, body) = app
            .get(&format!("/api/cpv/filter?q=menuiserie&depth={depth}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let found: serde_json::Value = serde_json::from_str(&body).unwrap();
        let codes: Vec<&str> = found["found"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| c.len() <= longest),
            "{codes:?}"
        );
    }
    let (status, _, body) = app
        .get(
            &format!("/api/suggest?kind=commune&q={}", "lyon+".repeat(3_000)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let suggested: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(suggested.as_array().unwrap().len() <= 8);
}

#[tokio::test]
async fn the_pickers_lookups_are_throttled_per_address() {
    // Asked at each keystroke by anyone: a script asking thousands is refused, a person is not,
    // and nothing else counts on their budget.
    let url = common::database("sqlite", "sec_lookups").await.unwrap();
    let app = TestApp::new(&url).await.with_lookup_limit(3);
    let (flood, person) = ([192, 0, 2, 10], [192, 0, 2, 11]);
    for path in [
        "/api/suggest?kind=commune&q=lyon",
        "/api/cpv/find?q=pain",
        "/api/cpv/filter?q=pain&depth=5",
    ] {
        let (status, _, body) = app.get_from(path, flood, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    let (status, headers, body) = app
        .get_from(
            "/api/suggest?kind=commune&q=lyo",
            flood,
            &[("accept-language", "fr")],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(headers.contains_key("retry-after"));
    assert!(
        body.contains("au plus 3 par minute"),
        "a message in French: {body}"
    );
    let (status, _, _) = app.get_from("/api/cpv/find?q=pain", person, &[]).await;
    assert_eq!(status, StatusCode::OK, "another address has its own budget");
    let (status, _, _) = app.get_from("/catalogue", flood, &[]).await;
    assert_eq!(status, StatusCode::OK, "the pages are not counted");
    let (status, _, _) = app.get_from("/api/v1/marches", flood, &[]).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "nor the open data API, which has its own"
    );
}

both_dbs! {
    "sec_pwchange",
    #[tokio::test]
    async fn a_password_change_ends_every_other_session_and_reset_link(backend, url) {
        let app = TestApp::new(&url).await;
        let here = app.signup("lea@exemple.fr").await;
        let stolen = second_session(&app, "lea@exemple.fr").await;
        let user = common::user_id(&app, "lea@exemple.fr").await;
        let token = app::server::auth::create_reset_token(&app.db, user).await.unwrap();
        assert_eq!(me(&app, &stolen).await.as_deref(), Some("lea@exemple.fr"));
        let (status, cookie, body) = app
            .post(
                "/api/auth/change-password",
                &[
                    ("current", RIGHT),
                    ("password", "une autre phrase de passe"),
                    ("password_confirm", "une autre phrase de passe"),
                ],
                Some(&here),
            )
            .await;
        common::ok(status, &format!("{backend}: {body}"));
        let here = cookie.expect("a new session id");
        assert_eq!(me(&app, &here).await.as_deref(), Some("lea@exemple.fr"), "{backend}");
        assert_eq!(me(&app, &stolen).await, None, "{backend}: the other session ended");
        let (status, _, body) = app
            .post(
                "/api/auth/reset",
                &[("token", &token), ("password", "x".repeat(12).as_str()), ("password_confirm", "x".repeat(12).as_str())],
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
        assert!(body.contains("auth.reset_invalid"), "{body}");
    }
}

both_dbs! {
    "sec_reset",
    #[tokio::test]
    async fn a_reset_ends_every_session_and_every_older_link(backend, url) {
        let app = TestApp::new(&url).await;
        let laptop = app.signup("lea@exemple.fr").await;
        let user = common::user_id(&app, "lea@exemple.fr").await;
        let first = app::server::auth::create_reset_token(&app.db, user).await.unwrap();
        let second = app::server::auth::create_reset_token(&app.db, user).await.unwrap();
        let new = "une nouvelle phrase de passe";
        let (status, cookie, body) = app
            .post(
                "/api/auth/reset",
                &[("token", &second), ("password", new), ("password_confirm", new)],
                None,
            )
            .await;
        common::ok(status, &format!("{backend}: {body}"));
        assert_eq!(me(&app, &cookie.unwrap()).await.as_deref(), Some("lea@exemple.fr"));
        assert_eq!(me(&app, &laptop).await, None, "{backend}: the old session ended");
        let (status, _, body) = app
            .post(
                "/api/auth/reset",
                &[("token", &first), ("password", "encore une autre"), ("password_confirm", "encore une autre")],
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
    }
}

both_dbs! {
    "sec_others",
    #[tokio::test]
    async fn signing_out_other_devices_keeps_this_one(backend, url) {
        let app = TestApp::new(&url).await;
        let phone = app.signup("lea@exemple.fr").await;
        let laptop = second_session(&app, "lea@exemple.fr").await;
        let (_, _, body) = app.get("/api/auth/sessions", Some(&laptop)).await;
        assert!(body.starts_with("[2,"), "{backend}: two sessions: {body}");
        let (status, cookie, body) = app.post("/api/auth/sign-out-others", &[], Some(&laptop)).await;
        common::ok(status, &format!("{backend}: {body}"));
        let laptop = cookie.expect("a new session id");
        assert_eq!(me(&app, &laptop).await.as_deref(), Some("lea@exemple.fr"), "{backend}");
        assert_eq!(me(&app, &phone).await, None, "{backend}");
        let (_, _, body) = app.get("/api/auth/sessions", Some(&laptop)).await;
        assert!(body.starts_with("[1,"), "{backend}: {body}");
    }
}

both_dbs! {
    "sec_everywhere",
    #[tokio::test]
    async fn an_admin_signs_an_account_out_everywhere(backend, url) {
        let app = TestApp::new(&url).await;
        let admin = app.admin("admin@exemple.fr").await;
        let a = app.signup("lea@exemple.fr").await;
        let b = second_session(&app, "lea@exemple.fr").await;
        let (status, _, body) = app
            .post("/api/admin/sign-out-account", &[("email", "Lea@Exemple.fr ")], Some(&admin))
            .await;
        common::ok(status, &format!("{backend}: {body}"));
        assert_eq!(me(&app, &a).await, None, "{backend}");
        assert_eq!(me(&app, &b).await, None, "{backend}");
        assert_eq!(me(&app, &admin).await.as_deref(), Some("admin@exemple.fr"));
        // Not an administrator: refused, and nobody is signed out.
        let c = second_session(&app, "lea@exemple.fr").await;
        let (status, _, _) = app
            .post("/api/admin/sign-out-account", &[("email", "admin@exemple.fr")], Some(&c))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend}");
        assert_eq!(me(&app, &admin).await.as_deref(), Some("admin@exemple.fr"));
    }
}

/// Moves the last use of `email`'s sessions `hours` into the past, as if they had been idle.
async fn idle_for(app: &TestApp, email: &str, hours: i64) {
    use app::server::infra::entities::sessions;
    let user = common::user_id(app, email).await;
    for row in sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user))
        .all(&app.db)
        .await
        .unwrap()
    {
        let mut data: serde_json::Value = serde_json::from_str(&row.data).unwrap();
        let seen = data["seen"].as_i64().expect("a session records its use");
        data["seen"] = (seen - hours * 3600).into();
        let mut am: sessions::ActiveModel = row.into();
        am.data = Set(data.to_string());
        am.update(&app.db).await.unwrap();
    }
}

both_dbs! {
    "sec_idle",
    #[tokio::test]
    async fn an_idle_administrator_session_ends_after_two_hours(backend, url) {
        let app = TestApp::new(&url).await;
        app.signup("admin@exemple.fr").await;
        app.make_admin("admin@exemple.fr").await;
        let admin = second_session(&app, "admin@exemple.fr").await;
        let person = app.signup("lea@exemple.fr").await;
        assert!(me(&app, &admin).await.is_some());
        // The row itself expires within the administrators' limit.
        let id = admin.trim_start_matches("passerelle_session=");
        let row = app::server::infra::entities::sessions::Entity::find_by_id(id.to_string())
            .one(&app.db)
            .await
            .unwrap()
            .expect("the admin's session row");
        assert!(
            row.expires_at <= chrono::Utc::now() + chrono::Duration::minutes(121),
            "{backend}: {}",
            row.expires_at
        );
        idle_for(&app, "admin@exemple.fr", 3).await;
        idle_for(&app, "lea@exemple.fr", 3).await;
        assert_eq!(me(&app, &admin).await, None, "{backend}: idle 3 h, the admin is signed out");
        assert!(me(&app, &person).await.is_some(), "{backend}: 3 h is nothing for others");
        idle_for(&app, "lea@exemple.fr", 15 * 24).await;
        assert_eq!(me(&app, &person).await, None, "{backend}: 15 days idle");
    }
}

/// Moves the sign-in of `email`'s sessions `hours` into the past (their use stays recent).
async fn signed_in_ago(app: &TestApp, email: &str, hours: i64) {
    use app::server::infra::entities::sessions;
    let user = common::user_id(app, email).await;
    for row in sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user))
        .all(&app.db)
        .await
        .unwrap()
    {
        let mut data: serde_json::Value = serde_json::from_str(&row.data).unwrap();
        data["since"] = (chrono::Utc::now().timestamp() - hours * 3600).into();
        let mut am: sessions::ActiveModel = row.into();
        am.data = Set(data.to_string());
        am.update(&app.db).await.unwrap();
    }
}

both_dbs! {
    "sec_maxlife",
    #[tokio::test]
    async fn a_session_in_use_still_ends_after_its_longest_life(backend, url) {
        let app = TestApp::new(&url).await;
        let person = app.signup("lea@exemple.fr").await;
        signed_in_ago(&app, "lea@exemple.fr", 29 * 24).await;
        assert!(me(&app, &person).await.is_some(), "{backend}: 29 days");
        signed_in_ago(&app, "lea@exemple.fr", 31 * 24).await;
        assert_eq!(me(&app, &person).await, None, "{backend}: 31 days, sign in again");
        app.signup("admin@exemple.fr").await;
        app.make_admin("admin@exemple.fr").await;
        let admin = second_session(&app, "admin@exemple.fr").await;
        signed_in_ago(&app, "admin@exemple.fr", 13).await;
        assert_eq!(me(&app, &admin).await, None, "{backend}: 13 hours for an administrator");
    }
}

#[tokio::test]
async fn production_sends_hsts_and_secure_cookies_development_does_not() {
    let url = common::database("sqlite", "sec_prod").await.unwrap();
    let app = TestApp::configured(&url, |c| {
        c.env = "production".into();
        c.smtp_url = Some("smtp://127.0.0.1:2".into());
    })
    .await;
    let (status, headers, _) = app.get_from("/connexion", OWNER_IP, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let hsts = headers
        .get(header::STRICT_TRANSPORT_SECURITY)
        .expect("HSTS in production")
        .to_str()
        .unwrap();
    assert!(hsts.contains("max-age=63072000"), "{hsts}");
    app.signup("lea@exemple.fr").await;
    let (_, headers, _) = login_from(&app, "lea@exemple.fr", RIGHT, OWNER_IP, "").await;
    let cookies: Vec<&str> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("__Host-passerelle_session="))
            && cookies
                .iter()
                .any(|c| c.starts_with("__Host-passerelle_device="))
            && cookies
                .iter()
                .all(|c| c.contains("Secure") && c.contains("Path=/")),
        "{cookies:?}"
    );
    let dev = TestApp::new(&common::database("sqlite", "sec_dev").await.unwrap()).await;
    let (_, headers, _) = dev.get_from("/connexion", OWNER_IP, &[]).await;
    assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
}

#[test]
fn production_is_the_default_and_development_is_asked_for() {
    // Leptos.toml and the environment of this test process say nothing of `env`.
    std::env::remove_var("PASSERELLE_ENV");
    let config = server::config::Config::load(None).unwrap();
    assert_eq!(config.env, "production");
    let mut typo = config.clone();
    typo.env = "dev".into();
    assert!(typo.check().is_err(), "an unknown environment is refused");
}

both_dbs! {
    "sec_cheap",
    #[tokio::test]
    async fn made_up_requests_cost_no_password_hash(backend, url) {
        use app::server::infra::passwords::hashes_started;
        let app = TestApp::new(&url).await;
        app.signup("lea@exemple.fr").await;
        let before = hashes_started();
        let (status, _, _) = app
            .post(
                "/api/auth/signup",
                &[
                    ("email", "lea@exemple.fr"),
                    ("display_name", "Quelqu'un"),
                    ("password", RIGHT),
                    ("password_confirm", RIGHT),
                ],
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: taken");
        let (status, _, _) = app
            .post(
                "/api/auth/reset",
                &[("token", &"0".repeat(64)), ("password", RIGHT), ("password_confirm", RIGHT)],
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: unknown token");
        let long = format!("{}@exemple.fr", "a".repeat(5000));
        let (status, _, _) = app
            .post("/api/auth/login", &[("email", &long), ("password", RIGHT)], None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: no such account");
        assert_eq!(hashes_started(), before, "{backend}: not one hash for these");
    }
}

both_dbs! {
    "sec_health",
    #[tokio::test]
    async fn health_and_readiness_answer(backend, url) {
        let app = TestApp::new(&url).await;
        let (status, _, body) = app.get("/health", None).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        assert!(body.contains("\"ok\""), "{body}");
        let (status, _, body) = app.get("/ready", None).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["database"], true);
        // A database that stopped answering: not ready, and nothing of the driver's text.
        app.db.clone().close().await.unwrap();
        let (status, _, body) = app.get("/ready", None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{backend}: {body}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["database"], false);
    }
}

both_dbs! {
    "sec_common",
    #[tokio::test]
    async fn common_passwords_are_refused_saying_why(backend, url) {
        let app = TestApp::new(&url).await;
        let (status, _, body) = app
            .post(
                "/api/auth/signup",
                &[
                    ("email", "lea@exemple.fr"),
                    ("display_name", "Léa"),
                    ("password", "Azertyuiop2024!"),
                    ("password_confirm", "Azertyuiop2024!"),
                ],
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
        assert!(body.contains("validation.password_common"), "{body}");
        assert!(app::server::auth::find_by_email(&app.db, "lea@exemple.fr").await.unwrap().is_none());
        let cookie = app.signup("lea@exemple.fr").await;
        let (status, _, body) = app
            .post(
                "/api/auth/change-password",
                &[("current", RIGHT), ("password", "motdepasse123"), ("password_confirm", "motdepasse123")],
                Some(&cookie),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
        assert!(body.contains("validation.password_common"), "{body}");
        // The message says why, in French first.
        assert!(app::i18n::tr(app::i18n::Lang::Fr, "validation.password_common").contains("plus courants"));
        // Words of the site, of the territory and of the person are refused too (ASVS 6.2.11).
        for (email, name, password) in [
            ("paul@exemple.fr", "Paul", "Passerelle2026!"),
            ("jeanne.dupont@exemple.fr", "Jeanne Dupont", "jeanne-dupont-99"),
        ] {
            let form = [("email", email), ("display_name", name), ("password", password), ("password_confirm", password)];
            let (status, _, body) = app.post("/api/auth/signup", &form, None).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {password}: {body}");
            assert!(body.contains("validation.password_context"), "{password}: {body}");
        }
        let (status, _, body) = app
            .post(
                "/api/auth/change-password",
                &[("current", RIGHT), ("password", "Lea-exemple-2026"), ("password_confirm", "Lea-exemple-2026")],
                Some(&cookie),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
        assert!(body.contains("validation.password_context"), "{body}");
    }
}

both_dbs! {
    "sec_retry",
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn racing_writes_are_tried_again_never_a_500(backend, url) {
        let app = std::sync::Arc::new(TestApp::new(&url).await);
        let owner = app.signup("patronne@exemple.fr").await;
        let org = common::org(&app, &owner, "business", "732 829 320 00074", "Atelier (fictif)").await;
        // Sixteen saves of the same organisation at once: on PostgreSQL (SERIALIZABLE) most
        // race one another.
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let (app, owner) = (app.clone(), owner.clone());
                tokio::spawn(async move {
                    let description = format!("Version {i}");
                    let (status, _, body) = app
                        .post(
                            "/api/orgs/update",
                            &[
                                ("id", &org.to_string()),
                                ("form[kind]", "business"),
                                ("form[siret]", "732 829 320 00074"),
                                ("form[name]", "Atelier (fictif)"),
                                ("form[description]", &description),
                            ],
                            Some(&owner),
                        )
                        .await;
                    (status, body)
                })
            })
            .collect();
        let mut done = 0;
        for t in tasks {
            let (status, body) = t.await.unwrap();
            assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{backend}: {body}");
            if status.is_success() || status.is_redirection() {
                done += 1;
            } else {
                assert_eq!(status, StatusCode::CONFLICT, "{backend}: {body}");
                assert!(body.contains("Conflict"), "{body}");
            }
        }
        assert!(done >= 8, "{backend}: {done} of 16 saved, the others tried again 3 times");
    }
}

/// POSTs a server function's form with a session cookie: status, the redirect asked for (if
/// any), the session cookie set (if any) and the body.
async fn post_seeing(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> (StatusCode, Option<String>, Option<String>, String) {
    let (status, headers, body) = app
        .post_from(path, form, IpAddr::from(OWNER_IP), &[("cookie", cookie)])
        .await;
    let location = headers
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    (
        status,
        location,
        set_cookie(&headers, "passerelle_session"),
        body,
    )
}

/// The code the authenticator app shows now for `secret`.
fn code(secret: &str) -> String {
    app::server::auth::second_factor::current_code(secret).unwrap()
}

both_dbs! {
    "sec_totp_admin",
    #[tokio::test]
    async fn administration_needs_the_second_factor_at_every_sign_in(backend, url) {
        let app = TestApp::new(&url).await;
        let admin = app.signup("admin@exemple.fr").await;
        app.make_admin("admin@exemple.fr").await;
        let (status, _, body) = app.get("/api/admin/pending-orgs", Some(&admin)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend}: no factor yet");
        assert!(body.contains("SecondFactorRequired"), "{backend}: {body}");
        let secret = app.enrol_second_factor(&admin).await;
        let (status, _, _) = app.get("/api/admin/pending-orgs", Some(&admin)).await;
        assert_eq!(status, StatusCode::OK, "{backend}: the enrolling session proved it");

        // Another device: the right password alone signs no one in.
        let (status, location, pending, body) = post_seeing(
            &app,
            "/api/auth/login",
            &[("email", "admin@exemple.fr"), ("password", RIGHT)],
            "",
        )
        .await;
        common::ok(status, &body);
        assert_eq!(location.as_deref(), Some("/connexion/code"), "{backend}");
        let pending = pending.expect("a session waiting for the code");
        assert_eq!(me(&app, &pending).await, None, "{backend}: not signed in yet");
        let (status, _, _) = app.get("/api/admin/pending-orgs", Some(&pending)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{backend}");

        // A wrong code, then the right one.
        let wrong = format!("{:06}", (code(&secret).parse::<u32>().unwrap() + 1) % 1_000_000);
        let (status, _, _, body) =
            post_seeing(&app, "/api/auth/login-code", &[("code", &wrong)], &pending).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
        assert!(body.contains("second_factor.code_wrong"), "{backend}: {body}");
        app.next_code_step("admin@exemple.fr").await;
        let right = code(&secret);
        let (status, location, signed_in, body) =
            post_seeing(&app, "/api/auth/login-code", &[("code", &right)], &pending).await;
        common::ok(status, &body);
        assert_eq!(location.as_deref(), Some("/compte"), "{backend}");
        // From a link (`retour`): the second step keeps where the sign-in was going — a path of
        // this site only, never another site.
        for (next, code_page, landing) in [
            ("/demandes-de-devis/7", "/connexion/code?retour=%2Fdemandes%2Dde%2Ddevis%2F7", "/demandes-de-devis/7"),
            ("//evil.example", "/connexion/code", "/compte"),
        ] {
            let (_, location, pending, _) = post_seeing(
                &app,
                "/api/auth/login",
                &[("email", "admin@exemple.fr"), ("password", RIGHT), ("next", next)],
                "",
            )
            .await;
            assert_eq!(location.as_deref(), Some(code_page), "{backend}");
            app.next_code_step("admin@exemple.fr").await;
            let (status, location, _, body) = post_seeing(
                &app,
                "/api/auth/login-code",
                &[("code", &code(&secret)), ("next", next)],
                &pending.unwrap(),
            )
            .await;
            common::ok(status, &body);
            assert_eq!(location.as_deref(), Some(landing), "{backend}");
        }
        let signed_in = signed_in.expect("a fresh session id");
        assert_ne!(signed_in, pending, "{backend}: no fixation");
        assert_eq!(me(&app, &signed_in).await.as_deref(), Some("admin@exemple.fr"));
        let (status, _, _) = app.get("/api/admin/pending-orgs", Some(&signed_in)).await;
        assert_eq!(status, StatusCode::OK, "{backend}");

        // The same code again, on a third device, within its 30 seconds: refused (replay).
        let (_, _, third, _) = post_seeing(
            &app,
            "/api/auth/login",
            &[("email", "admin@exemple.fr"), ("password", RIGHT)],
            "",
        )
        .await;
        let third = third.unwrap();
        let (status, _, _, body) =
            post_seeing(&app, "/api/auth/login-code", &[("code", &right)], &third).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: a code is good once: {body}");
    }
}

both_dbs! {
    "sec_totp_tries",
    #[tokio::test]
    async fn five_wrong_codes_send_back_to_the_password(backend, url) {
        let app = TestApp::new(&url).await;
        let cookie = app.signup("lea@exemple.fr").await;
        let secret = app.enrol_second_factor(&cookie).await;
        let (_, location, pending, _) = post_seeing(
            &app,
            "/api/auth/login",
            &[("email", "lea@exemple.fr"), ("password", RIGHT)],
            "",
        )
        .await;
        assert_eq!(location.as_deref(), Some("/connexion/code"));
        let pending = pending.unwrap();
        let wrong = format!("{:06}", (code(&secret).parse::<u32>().unwrap() + 7) % 1_000_000);
        for i in 1..=5 {
            let (status, _, _, body) =
                post_seeing(&app, "/api/auth/login-code", &[("code", &wrong)], &pending).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: try {i}");
            let key = if i < 5 { "code_wrong" } else { "start_again" };
            assert!(body.contains(key), "{backend}: try {i}: {body}");
        }
        // Even the right code is too late now: the password again.
        app.next_code_step("lea@exemple.fr").await;
        let (status, _, _, body) =
            post_seeing(&app, "/api/auth/login-code", &[("code", &code(&secret))], &pending).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(body.contains("start_again"), "{backend}: {body}");
        assert_eq!(me(&app, &pending).await, None);
        // Without a pending sign-in, a code alone is nothing.
        let (status, _, _, body) =
            post_seeing(&app, "/api/auth/login-code", &[("code", &code(&secret))], "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
    }
}

both_dbs! {
    "sec_totp_recovery",
    #[tokio::test]
    async fn recovery_codes_sign_in_once_each_and_leave_a_trace(backend, url) {
        use app::server::infra::entities::audit_events;
        let app = TestApp::new(&url).await;
        let cookie = app.signup("lea@exemple.fr").await;
        app.enrol_second_factor(&cookie).await;
        // Shown once, on the page after turning it on.
        let (_, _, body) = app.get("/api/auth/second-factor", Some(&cookie)).await;
        let state: serde_json::Value = serde_json::from_str(&body).unwrap();
        let codes: Vec<String> = state["fresh_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes.len(), 10, "{backend}: {body}");
        assert_eq!(state["recovery_left"], 10);
        let (_, _, body) = app.get("/api/auth/second-factor", Some(&cookie)).await;
        assert!(body.contains("\"fresh_codes\":[]"), "{backend}: shown once: {body}");

        for (attempt, expect_ok) in [(&codes[3], true), (&codes[3], false)] {
            let (_, _, pending, _) = post_seeing(
                &app,
                "/api/auth/login",
                &[("email", "lea@exemple.fr"), ("password", RIGHT)],
                "",
            )
            .await;
            // Typed in lower case, without its dash: still read.
            let typed = attempt.replace('-', "").to_lowercase();
            let (status, location, signed_in, body) =
                post_seeing(&app, "/api/auth/login-code", &[("code", &typed)], &pending.unwrap()).await;
            if expect_ok {
                common::ok(status, &body);
                assert_eq!(location.as_deref(), Some("/compte/double-authentification?secours=9"));
                assert!(me(&app, &signed_in.unwrap()).await.is_some());
            } else {
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: used up");
            }
        }
        let used = audit_events::Entity::find()
            .filter(audit_events::Column::Action.eq("recovery_code_used"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(used, 1, "{backend}");
    }
}

both_dbs! {
    "sec_totp_reset",
    #[tokio::test]
    async fn a_password_reset_still_asks_for_the_code(backend, url) {
        let app = TestApp::new(&url).await;
        let cookie = app.signup("lea@exemple.fr").await;
        app.enrol_second_factor(&cookie).await;
        let user = common::user_id(&app, "lea@exemple.fr").await;
        let token = app::server::auth::create_reset_token(&app.db, user).await.unwrap();
        let new = "une nouvelle phrase de passe";
        let (status, location, pending, body) = post_seeing(
            &app,
            "/api/auth/reset",
            &[("token", &token), ("password", new), ("password_confirm", new)],
            "",
        )
        .await;
        common::ok(status, &body);
        assert_eq!(location.as_deref(), Some("/connexion/code"), "{backend}");
        assert_eq!(me(&app, &pending.unwrap()).await, None, "{backend}: a mailbox is not the factor");
    }
}

both_dbs! {
    "sec_totp_off",
    #[tokio::test]
    async fn the_factor_changes_only_with_the_password_and_a_code(backend, url) {
        let app = TestApp::new(&url).await;
        let earlier = app.signup("lea@exemple.fr").await;
        let cookie = second_session(&app, "lea@exemple.fr").await;
        let secret = app.enrol_second_factor(&cookie).await;
        // A session opened before the factor cannot mint recovery codes that would pass it.
        let (status, _, body) = app
            .post("/api/auth/second-factor/renew", &[("renew_password", RIGHT)], Some(&earlier))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend}: {body}");
        let (status, _, body) = app
            .post("/api/auth/second-factor/renew", &[("renew_password", "faux")], Some(&cookie))
            .await;
        assert!(body.contains("auth.wrong_password"), "{backend}: {status} {body}");
        // Off: the right password with a wrong code changes nothing.
        let wrong = format!("{:06}", (code(&secret).parse::<u32>().unwrap() + 3) % 1_000_000);
        let (status, _, body) = app
            .post(
                "/api/auth/second-factor/disable",
                &[("off_password", RIGHT), ("off_code", &wrong)],
                Some(&cookie),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {body}");
        let user = app::server::auth::find_by_email(&app.db, "lea@exemple.fr").await.unwrap().unwrap();
        assert!(user.totp_secret.is_some(), "{backend}");
        app.next_code_step("lea@exemple.fr").await;
        let (status, _, body) = app
            .post(
                "/api/auth/second-factor/disable",
                &[("off_password", RIGHT), ("off_code", &code(&secret))],
                Some(&cookie),
            )
            .await;
        common::ok(status, &body);
        let user = app::server::auth::find_by_email(&app.db, "lea@exemple.fr").await.unwrap().unwrap();
        assert!(user.totp_secret.is_none(), "{backend}");
        // Signing in is one step again.
        let (_, location, _, _) = post_seeing(
            &app,
            "/api/auth/login",
            &[("email", "lea@exemple.fr"), ("password", RIGHT)],
            "",
        )
        .await;
        assert_eq!(location.as_deref(), Some("/compte"), "{backend}");
    }
}

/// The sign-in page sent from a page that needs an account (a quick consultation's link in an
/// email) goes back there; any other target, another site above all, gives the account page.
#[tokio::test]
async fn signing_in_goes_back_to_a_page_of_this_site_only() {
    let app = TestApp::new(&common::database("sqlite", "sec_login_next").await.unwrap()).await;
    app.signup("fournisseur@exemple.fr").await;
    for (next, expected) in [
        ("/demandes-de-devis/3", "/demandes-de-devis/3"),
        ("//evil.example", "/compte"),
        ("https://evil.example", "/compte"),
        ("/\\evil.example", "/compte"),
        ("/\t/evil.example", "/compte"),
        ("", "/compte"),
    ] {
        let (status, location, _, body) = post_seeing(
            &app,
            "/api/auth/login",
            &[
                ("email", "fournisseur@exemple.fr"),
                ("password", RIGHT),
                ("next", next),
            ],
            "",
        )
        .await;
        common::ok(status, &body);
        assert_eq!(location.as_deref(), Some(expected), "next={next:?}");
    }
}
