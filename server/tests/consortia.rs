//! Consortia on SQLite and PostgreSQL: a firm forms one and invites two; they accept; it is
//! formed only then; members talk, each told by a notification; a firm outside learns nothing —
//! every server function answers it 404 (or 401 signed out) and changes nothing.

use crate::common;

use app::server::infra::entities::{consortia, consortium_members, consortium_messages};
use common::{notified, ok, org, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// A consortium, stage by stage: each test runs the stages before the one it names (their checks included) and then its own.
struct Invited {
    app: TestApp,
    lead: String,
    a_c: String,
    b_c: String,
    s_c: String,
    s: i32,
    c: consortia::Model,
    id_s: String,
    member_a: String,
    member_b: String,
}

/// A firm starts a consortium and invites two; refusals change nothing; what waits is not formed; outsiders learn nothing.
async fn invited(backend: &str, url: &str) -> Invited {
    let app = TestApp::new(url).await;
    let lead = app.signup("gerant@menuiserie.example").await;
    let a_c = app.signup("gerante@plomberie.example").await;
    let b_c = app.signup("gerant@peinture.example").await;
    let s_c = app.signup("curieux@ailleurs.example").await;
    let l = org(
        &app,
        &lead,
        "business",
        "120 027 016 00027",
        "Menuiserie (fictive)",
    )
    .await;
    let a = org(
        &app,
        &a_c,
        "business",
        "120 027 016 00035",
        "Plomberie (fictive)",
    )
    .await;
    let b = org(
        &app,
        &b_c,
        "business",
        "120 027 016 00043",
        "Peinture (fictive)",
    )
    .await;
    let s = org(
        &app,
        &s_c,
        "business",
        "120 027 016 00050",
        "Curieux (fictif)",
    )
    .await;
    let l_s = l.to_string();
    let (inv_a, inv_b) = (format!("invite[{a}]"), format!("invite[{b}]"));
    let count = || async { consortia::Entity::find().count(&app.db).await.unwrap() };

    // Refused: a nameless consortium, one for a firm the caller is not in, a visitor.
    let (status, _, body) = app
        .post(
            "/api/consortia/create",
            &[("org_id", &l_s), ("name", ""), ("kind", "conjoint")],
            Some(&lead),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("validation.required"),
        "{backend}: {body}"
    );
    let form = [
        ("org_id", l_s.as_str()),
        ("name", "Rénovation école"),
        ("kind", "conjoint"),
        (&inv_a, "on"),
        (&inv_b, "on"),
    ];
    let (status, _, _) = app.post("/api/consortia/create", &form, Some(&s_c)).await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, _) = app.post("/api/consortia/create", &form, None).await;
    assert_eq!(status.as_u16(), 401, "{backend}");
    assert_eq!(count().await, 0, "{backend}");

    let (status, _, body) = app.post("/api/consortia/create", &form, Some(&lead)).await;
    ok(status, &body);
    let c = consortia::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((c.lead_id, c.status.as_str()), (l, "forming"));
    let id_s = c.id.to_string();
    let members = consortium_members::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let status_of = |members: &[consortium_members::Model], org: i32| {
        members
            .iter()
            .find(|m| m.organisation_id == org)
            .map(|m| (m.role.clone(), m.status.clone()))
    };
    assert_eq!(
        status_of(&members, l),
        Some(("mandataire".into(), "accepted".into()))
    );
    assert_eq!(
        status_of(&members, a),
        Some(("cotraitant".into(), "invited".into()))
    );
    assert!(
        notified(&app, "gerante@plomberie.example")
            .await
            .iter()
            .any(|t| t.contains("Invitation au groupement")),
        "{backend}"
    );
    let member_a = members
        .iter()
        .find(|m| m.organisation_id == a)
        .unwrap()
        .id
        .to_string();
    let member_b = members
        .iter()
        .find(|m| m.organisation_id == b)
        .unwrap()
        .id
        .to_string();

    // Sent from a plan's inclusive structures: the lead's list says to choose, and the chosen
    // consortium's invitation form comes with the structure's SIRET; a SIRET that is not one
    // is ignored.
    let (_, _, page) = app
        .get("/compte/groupements?inviter=12002701600035", Some(&lead))
        .await;
    assert!(
        page.contains("data-test=\"choose-consortium\""),
        "{backend}"
    );
    assert!(
        page.contains(&format!(
            "/compte/groupements/{id_s}?inviter=12002701600035#invite-h"
        )),
        "{backend}"
    );
    let (_, _, page) = app
        .get(
            &format!("/compte/groupements/{id_s}?inviter=12002701600035"),
            Some(&lead),
        )
        .await;
    assert!(page.contains("value=\"12002701600035\""), "{backend}");
    let (_, _, page) = app
        .get(
            &format!("/compte/groupements/{id_s}?inviter=%22%3E%3Cscript%3E"),
            Some(&lead),
        )
        .await;
    assert!(!page.contains("\"><script>"), "{backend}: not written back");

    // Not formed while invitations wait.
    let (status, _, body) = app
        .post(
            "/api/consortia/stage",
            &[("id", &id_s), ("stage", "formed")],
            Some(&lead),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("consortium.stage_too_few"),
        "{backend}: {body}"
    );

    // The lead writes; an invited firm sees who is in, not the conversation.
    let (status, _, body) = app
        .post(
            "/api/consortia/post",
            &[
                ("id", &id_s),
                ("body", "Prix du lot 1 : 48 000 € HT, confidentiel."),
            ],
            Some(&lead),
        )
        .await;
    ok(status, &body);
    let (status, _, body) = app
        .get(&format!("/api/consortia/get?id={id_s}"), Some(&a_c))
        .await;
    ok(status, &body);
    assert!(
        body.contains("Menuiserie (fictive)") && !body.contains("48 000"),
        "{backend}: {body}"
    );
    let (status, _, _) = app
        .post(
            "/api/consortia/post",
            &[("id", &id_s), ("body", "Bonjour")],
            Some(&a_c),
        )
        .await;
    assert_eq!(
        status.as_u16(),
        403,
        "{backend}: an invited firm does not write yet"
    );

    // A firm outside: every function answers 404, signed out 401; nothing changes.
    let messages_before = consortium_messages::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "/api/consortia/invite",
            vec![
                ("id", &id_s),
                ("siret", "12002701600050"),
                ("role", "cotraitant"),
            ],
        ),
        (
            "/api/consortia/respond",
            vec![("member_id", &member_a), ("decision", "accept")],
        ),
        (
            "/api/consortia/stage",
            vec![("id", &id_s), ("stage", "formed")],
        ),
        (
            "/api/consortia/share",
            vec![
                ("member_id", &member_a),
                ("role", "sous_traitant"),
                ("share", "tout"),
            ],
        ),
        (
            "/api/consortia/post",
            vec![("id", &id_s), ("body", "Je lis ?")],
        ),
    ];
    for (path, args) in &calls {
        let (status, _, body) = app.post(path, args, Some(&s_c)).await;
        assert_eq!(
            status.as_u16(),
            404,
            "{backend} {path} as a stranger: {body}"
        );
        let (status, _, _) = app.post(path, args, None).await;
        assert_eq!(status.as_u16(), 401, "{backend} {path} signed out");
    }
    let (status, _, body) = app
        .get(&format!("/api/consortia/get?id={id_s}"), Some(&s_c))
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}: {body}");
    assert!(!body.contains("Rénovation école") && !body.contains("48 000"));
    let (_, _, body) = app.get("/api/consortia/mine", Some(&s_c)).await;
    assert!(!body.contains("Rénovation école"), "{backend}: {body}");
    let (status, _, _) = app
        .get(&format!("/api/consortia/get?id={id_s}"), None)
        .await;
    assert_eq!(status.as_u16(), 401, "{backend}");
    assert_eq!(
        consortium_messages::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        messages_before
    );
    assert_eq!(
        status_of(
            &consortium_members::Entity::find()
                .all(&app.db)
                .await
                .unwrap(),
            a
        ),
        Some(("cotraitant".into(), "invited".into()))
    );
    Invited {
        app,
        lead,
        a_c,
        b_c,
        s_c,
        s,
        c,
        id_s,
        member_a,
        member_b,
    }
}

/// Each invited firm answers its own invitation; the lead sets stages and shares; the consortium is formed.
async fn formed(backend: &str, st: &Invited) {
    let app = &st.app;
    let lead = st.lead.clone();
    let a_c = st.a_c.clone();
    let b_c = st.b_c.clone();
    let c = st.c.clone();
    let id_s = st.id_s.clone();
    let member_a = st.member_a.clone();
    let member_b = st.member_b.clone();
    // A firm answers only its own invitation.
    let (status, _, _) = app
        .post(
            "/api/consortia/respond",
            &[("member_id", &member_b), ("decision", "accept")],
            Some(&a_c),
        )
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}");
    for (cookie, member) in [(&a_c, &member_a), (&b_c, &member_b)] {
        let (status, _, body) = app
            .post(
                "/api/consortia/respond",
                &[("member_id", member), ("decision", "accept")],
                Some(cookie),
            )
            .await;
        ok(status, &body);
    }
    let (status, _, body) = app
        .post(
            "/api/consortia/respond",
            &[("member_id", &member_a), ("decision", "decline")],
            Some(&a_c),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("consortium.already_answered"),
        "{backend}: {body}"
    );
    assert!(
        notified(app, "gerant@menuiserie.example")
            .await
            .iter()
            .any(|t| t.contains("Invitation acceptée")),
        "{backend}"
    );

    // Only the lead sets stages and shares; then the consortium is formed.
    let (status, _, _) = app
        .post(
            "/api/consortia/stage",
            &[("id", &id_s), ("stage", "formed")],
            Some(&a_c),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, body) = app
        .post(
            "/api/consortia/share",
            &[("member_id", &member_a), ("role", "mandataire")],
            Some(&lead),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("consortium.one_lead"),
        "{backend}: {body}"
    );
    let (status, _, body) = app
        .post(
            "/api/consortia/share",
            &[
                ("member_id", &member_a),
                ("role", "cotraitant"),
                ("share", "Lot 2 — plomberie"),
            ],
            Some(&lead),
        )
        .await;
    ok(status, &body);
    let (status, _, body) = app
        .post(
            "/api/consortia/stage",
            &[("id", &id_s), ("stage", "won")],
            Some(&lead),
        )
        .await;
    assert!(
        status.as_u16() == 422 && body.contains("consortium.stage_not_next"),
        "{backend}: {body}"
    );
    let (status, _, body) = app
        .post(
            "/api/consortia/stage",
            &[("id", &id_s), ("stage", "formed")],
            Some(&lead),
        )
        .await;
    ok(status, &body);
    assert_eq!(
        consortia::Entity::find_by_id(c.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .status,
        "formed"
    );
}

/// Members talk and are told; a firm is invited by its SIRET, declines, and is out again.
async fn talked_and_widened(backend: &str, st: &Invited) {
    let app = &st.app;
    let lead = st.lead.clone();
    let a_c = st.a_c.clone();
    let b_c = st.b_c.clone();
    let s_c = st.s_c.clone();
    let s = st.s;
    let id_s = st.id_s.clone();
    // Members talk; the others are told; they all read it, the stranger still nothing.
    let (status, _, body) = app
        .post(
            "/api/consortia/post",
            &[
                ("id", &id_s),
                ("body", "Plomberie : d'accord pour le lot 2."),
            ],
            Some(&a_c),
        )
        .await;
    ok(status, &body);
    assert!(
        notified(app, "gerant@peinture.example")
            .await
            .iter()
            .any(|t| t.contains("Nouveau message de Plomberie (fictive)")),
        "{backend}"
    );
    let (_, _, body) = app
        .get(&format!("/api/consortia/get?id={id_s}"), Some(&b_c))
        .await;
    assert!(
        body.contains("48 000")
            && body.contains("d'accord pour le lot 2")
            && body.contains("Lot 2 — plomberie"),
        "{backend}: {body}"
    );
    let (status, _, _) = app
        .get(&format!("/api/consortia/get?id={id_s}"), Some(&s_c))
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}");

    // Inviting by SIRET: a bad one, an unknown one, then the stranger, who declines and is
    // out again.
    for (siret, key) in [
        ("123", "consortium.siret_shape"),
        ("12002701600068", "consortium.unknown_firm"),
        ("120 027 016 00035", "consortium.already_member"),
    ] {
        let (status, _, body) = app
            .post(
                "/api/consortia/invite",
                &[("id", &id_s), ("siret", siret), ("role", "cotraitant")],
                Some(&lead),
            )
            .await;
        assert!(
            status.as_u16() == 422 && body.contains(key),
            "{backend} {siret}: {body}"
        );
    }
    let (status, _, body) = app
        .post(
            "/api/consortia/invite",
            &[
                ("id", &id_s),
                ("siret", "120 027 016 00050"),
                ("role", "sous_traitant"),
                ("share", "Nettoyage"),
            ],
            Some(&lead),
        )
        .await;
    ok(status, &body);
    let (_, _, body) = app
        .get(&format!("/api/consortia/get?id={id_s}"), Some(&s_c))
        .await;
    assert!(
        body.contains("Rénovation école") && !body.contains("48 000"),
        "{backend}: invited, it reads who is in, not the conversation"
    );
    let member_s = consortium_members::Entity::find()
        .filter(consortium_members::Column::OrganisationId.eq(s))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let (status, _, body) = app
        .post(
            "/api/consortia/respond",
            &[("member_id", &member_s), ("decision", "decline")],
            Some(&s_c),
        )
        .await;
    ok(status, &body);
    let (status, _, _) = app
        .get(&format!("/api/consortia/get?id={id_s}"), Some(&s_c))
        .await;
    assert_eq!(status.as_u16(), 404, "{backend}: declined, it is out");
    let (_, _, body) = app.get("/api/consortia/mine", Some(&a_c)).await;
    assert!(
        body.contains("Rénovation école") && body.contains("\"Formed\""),
        "{backend}: {body}"
    );
}

both_dbs! {
    "consortia_invited",
    #[tokio::test]
    async fn a_firm_invites_two_and_outsiders_learn_nothing(backend, url) {
        invited(backend, &url).await;
    }
}

both_dbs! {
    "consortia_formed",
    #[tokio::test]
    async fn the_invited_answer_and_the_lead_forms_the_consortium(backend, url) {
        let st = invited(backend, &url).await;
        formed(backend, &st).await;
    }
}

both_dbs! {
    "consortia_talk",
    #[tokio::test]
    async fn members_talk_privately_and_invite_by_siret(backend, url) {
        let st = invited(backend, &url).await;
        formed(backend, &st).await;
        talked_and_widened(backend, &st).await;
    }
}
