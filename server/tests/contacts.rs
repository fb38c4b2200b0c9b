//! Direct contact on SQLite and PostgreSQL: a firm asks another from its profile; the other
//! accepts or refuses; once accepted both write and are told; a refusal stays; no third party
//! reads anything (404), and nobody writes before acceptance.

use crate::common;

use app::server::infra::entities::{contact_messages, contacts};
use common::{notified, ok, org, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// A contact between two organisations, stage by stage: each test runs the stages before the one it names (their checks included) and then its own.
struct Asked {
    app: TestApp,
    a_c: String,
    b_c: String,
    s_c: String,
    s: i32,
    b_s: String,
    s_s: String,
    id_s: String,
}

/// A firm asks another for contact (bad requests refused, nothing written); asking again, or back, leads to the same contact.
async fn asked(backend: &str, url: &str) -> Asked {
    let app = TestApp::new(url).await;
    let a_c = app.signup("gerant@menuiserie.example").await;
    let b_c = app.signup("gerante@plomberie.example").await;
    let s_c = app.signup("curieux@ailleurs.example").await;
    let a = org(
        &app,
        &a_c,
        "business",
        "120 027 016 00027",
        "Menuiserie (fictive)",
    )
    .await;
    let b = org(
        &app,
        &b_c,
        "business",
        "120 027 016 00035",
        "Plomberie (fictive)",
    )
    .await;
    let s = org(
        &app,
        &s_c,
        "business",
        "120 027 016 00043",
        "Curieux (fictif)",
    )
    .await;
    let (a_s, b_s, s_s) = (a.to_string(), b.to_string(), s.to_string());

    // Refused: an empty message, oneself, for an organisation one is not in, signed out.
    let (status, _, body) = app
        .post(
            "/api/contacts/request",
            &[("org_id", &a_s), ("to", &b_s), ("message", "")],
            Some(&a_c),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("validation.required"),
        "{backend}: {body}"
    );
    let (status, _, body) = app
        .post(
            "/api/contacts/request",
            &[("org_id", &a_s), ("to", &a_s), ("message", "Moi")],
            Some(&a_c),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("contact.self"),
        "{backend}: {body}"
    );
    let (status, _, _) = app
        .post(
            "/api/contacts/request",
            &[("org_id", &b_s), ("to", &s_s), ("message", "Usurpé")],
            Some(&a_c),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, _) = app
        .post(
            "/api/contacts/request",
            &[("org_id", &a_s), ("to", "999999"), ("message", "Personne")],
            Some(&a_c),
        )
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}");
    let (status, _, _) = app
        .post(
            "/api/contacts/request",
            &[("org_id", &a_s), ("to", &b_s), ("message", "x")],
            None,
        )
        .await;
    assert_eq!(status.as_u16(), 401, "{backend}");
    assert_eq!(contacts::Entity::find().count(&app.db).await.unwrap(), 0);

    let (status, _, body) = app
        .post(
            "/api/contacts/request",
            &[
                ("org_id", &a_s),
                ("to", &b_s),
                ("message", "Bonjour, un lot de plomberie nous manque."),
            ],
            Some(&a_c),
        )
        .await;
    ok(status, &body);
    let c = contacts::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let id_s = c.id.to_string();
    assert!(
        notified(&app, "gerante@plomberie.example")
            .await
            .iter()
            .any(|t| t.contains("Demande de contact de Menuiserie")),
        "{backend}"
    );
    // Asked twice, or back the other way: the existing contact is the way.
    let (status, _, body) = app
        .post(
            "/api/contacts/request",
            &[("org_id", &b_s), ("to", &a_s), ("message", "Et nous ?")],
            Some(&b_c),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("contact.exists"),
        "{backend}: {body}"
    );
    Asked {
        app,
        a_c,
        b_c,
        s_c,
        s,
        b_s,
        s_s,
        id_s,
    }
}

/// Only the asked side accepts; then both write; a third party sees nothing.
async fn accepted(backend: &str, st: &Asked) {
    let app = &st.app;
    let a_c = st.a_c.clone();
    let b_c = st.b_c.clone();
    let s_c = st.s_c.clone();
    let id_s = st.id_s.clone();
    // Nobody writes before acceptance; only the asked side decides; a third party sees nothing.
    let (status, _, body) = app
        .post(
            "/api/contacts/post",
            &[("id", &id_s), ("body", "Alors ?")],
            Some(&a_c),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("contact.not_accepted"),
        "{backend}: {body}"
    );
    let (status, _, _) = app
        .post(
            "/api/contacts/decide",
            &[("id", &id_s), ("decision", "accept")],
            Some(&a_c),
        )
        .await;
    assert_eq!(
        status.as_u16(),
        403,
        "{backend}: the asking side does not accept for the other"
    );
    for (path, args) in [
        (
            "/api/contacts/decide",
            vec![("id", id_s.as_str()), ("decision", "accept")],
        ),
        (
            "/api/contacts/post",
            vec![("id", id_s.as_str()), ("body", "Je lis ?")],
        ),
    ] {
        let (status, _, _) = app.post(path, &args, Some(&s_c)).await;
        assert_eq!(status.as_u16(), 404, "{backend} {path}");
    }
    let (status, _, body) = app
        .get(&format!("/api/contacts/get?id={id_s}"), Some(&s_c))
        .await;
    assert!(
        status.as_u16() == 404 && !body.contains("plomberie nous manque"),
        "{backend}"
    );
    let (_, _, body) = app.get("/api/contacts/mine", Some(&s_c)).await;
    assert!(!body.contains("Menuiserie"), "{backend}: {body}");

    let (status, _, body) = app
        .post(
            "/api/contacts/decide",
            &[("id", &id_s), ("decision", "accept")],
            Some(&b_c),
        )
        .await;
    ok(status, &body);
    let (status, _, body) = app
        .post(
            "/api/contacts/decide",
            &[("id", &id_s), ("decision", "refuse")],
            Some(&b_c),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("contact.already_decided"),
        "{backend}: {body}"
    );
    assert!(
        notified(app, "gerant@menuiserie.example")
            .await
            .iter()
            .any(|t| t.contains("a accepté votre demande")),
        "{backend}"
    );
    for (cookie, text) in [
        (&a_c, "Rendez-vous mardi ?"),
        (&b_c, "Mardi 9 h, d'accord."),
    ] {
        let (status, _, body) = app
            .post(
                "/api/contacts/post",
                &[("id", &id_s), ("body", text)],
                Some(cookie),
            )
            .await;
        ok(status, &body);
    }
    assert!(
        notified(app, "gerante@plomberie.example")
            .await
            .iter()
            .any(|t| t.contains("Nouveau message de Menuiserie")),
        "{backend}"
    );
    let (_, _, body) = app
        .get(&format!("/api/contacts/get?id={id_s}"), Some(&b_c))
        .await;
    assert!(
        body.contains("Rendez-vous mardi") && body.contains("Mardi 9 h"),
        "{backend}: {body}"
    );
    assert_eq!(
        contact_messages::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        2
    );
}

/// A firm refuses a contact and is not asked again.
async fn refused(backend: &str, st: &Asked) {
    let app = &st.app;
    let b_c = st.b_c.clone();
    let s_c = st.s_c.clone();
    let s = st.s;
    let b_s = st.b_s.clone();
    let s_s = st.s_s.clone();
    // A firm may refuse contact; it is not asked again.
    let (status, _, body) = app
        .post(
            "/api/contacts/request",
            &[("org_id", &s_s), ("to", &b_s), ("message", "Vendez-vous ?")],
            Some(&s_c),
        )
        .await;
    ok(status, &body);
    let refused = contacts::Entity::find()
        .filter(contacts::Column::FromOrg.eq(s))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let (status, _, body) = app
        .post(
            "/api/contacts/decide",
            &[("id", &refused.id.to_string()), ("decision", "refuse")],
            Some(&b_c),
        )
        .await;
    ok(status, &body);
    let (status, _, body) = app
        .post(
            "/api/contacts/request",
            &[
                ("org_id", &s_s),
                ("to", &b_s),
                ("message", "Et maintenant ?"),
            ],
            Some(&s_c),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("contact.refused"),
        "{backend}: {body}"
    );
    let (status, _, body) = app
        .post(
            "/api/contacts/post",
            &[("id", &refused.id.to_string()), ("body", "Encore")],
            Some(&s_c),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("contact.not_accepted"),
        "{backend}: {body}"
    );
}

both_dbs! {
    "contacts_asked",
    #[tokio::test]
    async fn a_contact_is_asked_once_between_two_organisations(backend, url) {
        asked(backend, &url).await;
    }
}

both_dbs! {
    "contacts_accepted",
    #[tokio::test]
    async fn the_asked_side_accepts_and_the_talk_stays_between_the_two(backend, url) {
        let st = asked(backend, &url).await;
        accepted(backend, &st).await;
    }
}

both_dbs! {
    "contacts_refused",
    #[tokio::test]
    async fn a_refused_contact_is_not_asked_again(backend, url) {
        let st = asked(backend, &url).await;
        accepted(backend, &st).await;
        refused(backend, &st).await;
    }
}
