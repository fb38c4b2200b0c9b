//! Facilitators of insertion on SQLite and PostgreSQL: only an administrator gives an account
//! a territory; the facilitator lists the plans with a lever of that territory (not another's),
//! is told when one moves stage, writes notes the buyer is told of; nobody else reads or
//! writes them; blank or too long notes are refused and change nothing.

use crate::common;

use app::server::infra::entities::{audit_events, plan_insertion_notes, plans, users};
use common::{notified, ok, org, user_id, verify, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

async fn create_plan(app: &TestApp, buyer: &str, org_id: i32, title: &str, lever: bool) -> i32 {
    let org_id = org_id.to_string();
    let mut form = vec![
        ("org_id", org_id.as_str()),
        ("form[title]", title),
        ("form[cpv]", "45000000"),
        ("form[estimate_min]", "1 200 000"),
        ("form[procedure]", "open"),
        ("form[publication]", "T2 2099"),
    ];
    if lever {
        form.push(("form[insertion_kind]", "clause"));
    }
    let (status, _, body) = app.post("/api/plans/create", &form, Some(buyer)).await;
    ok(status, &body);
    plans::Entity::find()
        .filter(plans::Column::Title.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

both_dbs! {
    "insertion_facilitators",
    /// The facilitator's role, list, stage notices and notes, with every refusal.
    #[tokio::test]
    async fn a_facilitator_follows_the_plans_of_their_territory_and_only_theirs(backend, url) {
        let app = TestApp::new(&url).await;
        let buyer = app.signup("achats@villeurbanne.example").await;
        let firm = app.signup("gerant@btp.example").await;
        let plie = app.signup("plie@mde.example").await;
        let ain = app.signup("ain@mde.example").await;
        let admin = app.admin("admin@passerelle.example").await;
        // Villeurbanne: the Métropole (69M).
        let city = org(&app, &buyer, "buyer", "216 901 231 00011", "Ville").await;
        verify(&app, city).await;
        org(&app, &firm, "business", "120 027 016 00027", "BTP").await;
        let plan = create_plan(&app, &buyer, city, "Rénovation du gymnase", true).await;
        let bare = create_plan(&app, &buyer, city, "Fournitures de bureau", false).await;

        // Only an administrator gives the role, and only a known area.
        let give = |email: &'static str, area: &'static str| vec![("email", email), ("area", area)];
        for who in [Some(&buyer), Some(&plie), None] {
            let (status, _, _) = app.post("/api/admin/facilitator", &give("plie@mde.example", "69M"), who.map(|c| c.as_str())).await;
            assert!(matches!(status.as_u16(), 401 | 403), "{backend}: {status}");
        }
        let (status, _, body) = app.post("/api/admin/facilitator", &give("plie@mde.example", "99X"), Some(&admin)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        let (status, _, body) = app.post("/api/admin/facilitator", &give("personne@nulle.part", "69M"), Some(&admin)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        let plie_id = user_id(&app, "plie@mde.example").await;
        let row = users::Entity::find_by_id(plie_id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(row.facilitator_area, None, "{backend}: refused, unchanged");
        let (status, _, _) = app.get("/api/insertion/followed", Some(&plie)).await;
        assert_eq!(status.as_u16(), 403, "{backend}: not a facilitator yet");

        for (email, area) in [("plie@mde.example", "69M"), ("ain@mde.example", "01")] {
            let (status, _, body) = app.post("/api/admin/facilitator", &give(email, area), Some(&admin)).await;
            assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        }
        let given = audit_events::Entity::find()
            .filter(audit_events::Column::Action.eq("facilitator_given"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(given, 2, "{backend}: in the journal");
        let (_, _, body) = app.get("/api/admin/facilitators", Some(&admin)).await;
        assert!(body.contains("Métropole de Lyon") && body.contains("Ain (01)"), "{backend}: {body}");

        // The Métropole's facilitator lists the plan with a lever, not the bare one; Ain's does not.
        let (status, _, body) = app.get("/api/insertion/followed", Some(&plie)).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let list: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list["total"], 1, "{backend}: {body}");
        assert_eq!(list["rows"][0][0]["title"], "Rénovation du gymnase", "{backend}");
        assert_eq!(list["area"], "Métropole de Lyon", "{backend}");
        let (_, _, body) = app.get("/api/insertion/followed", Some(&ain)).await;
        let list: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list["total"], 0, "{backend}: another territory");

        // A stage change tells the territory's facilitator, not another's, not for a bare plan.
        for id in [plan, bare] {
            let id = id.to_string();
            let (status, _, body) = app.post("/api/plans/status", &[("id", id.as_str()), ("status", "sourcing")], Some(&buyer)).await;
            assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        }
        assert_eq!(notified(&app, "plie@mde.example").await, ["« Rénovation du gymnase » passe à l'étape : En sourçage — Ville"], "{backend}");
        assert!(notified(&app, "ain@mde.example").await.is_empty(), "{backend}");

        // Notes: the facilitator and the buyer; nobody else; never blank or too long.
        let p = plan.to_string();
        let note = |body: &'static str| vec![("plan_id", p.clone()), ("body", body.to_string())];
        let post = |form: Vec<(&'static str, String)>, who: Option<String>| {
            let app = &app;
            async move {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post("/api/insertion/note", &form, who.as_deref()).await
            }
        };
        for who in [Some(ain.clone()), Some(firm.clone())] {
            let (status, _, _) = post(note("Je peux aider"), who).await;
            assert_eq!(status.as_u16(), 403, "{backend}");
        }
        let (status, _, _) = post(note("Je peux aider"), None).await;
        assert_eq!(status.as_u16(), 401, "{backend}");
        let (status, _, _) = post(note("   "), Some(plie.clone())).await;
        assert_eq!(status.as_u16(), 422, "{backend}");
        let long = vec![("plan_id", p.clone()), ("body", "x".repeat(2001))];
        let (status, _, _) = post(long, Some(plie.clone())).await;
        assert_eq!(status.as_u16(), 422, "{backend}");
        let notes = plan_insertion_notes::Entity::find().count(&app.db).await.unwrap();
        assert_eq!(notes, 0, "{backend}: nothing stored");

        let (status, _, body) = post(note("Taux de 7 % possible : gros œuvre à 50 % de main-d'œuvre."), Some(plie.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        assert!(notified(&app, "achats@villeurbanne.example").await.iter().any(|t| t == "Nouvelle note sur l'insertion de « Rénovation du gymnase »"), "{backend}");
        let (status, _, _) = post(note("Entendu, nous retenons 7 %."), Some(buyer.clone())).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        assert_eq!(notified(&app, "plie@mde.example").await.len(), 2, "{backend}: told of the buyer's answer");

        // Who reads them: the buyer and the facilitator; nothing for the others.
        let path = format!("/api/insertion/follow?plan_id={plan}");
        for who in [&plie, &buyer] {
            let (_, _, body) = app.get(&path, Some(who)).await;
            let f: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(f["notes"].as_array().map(Vec::len), Some(2), "{backend}: {body}");
            assert_eq!(f["notes"][0]["by_facilitator"], true, "{backend}");
            assert_eq!(f["notes"][1]["by_facilitator"], false, "{backend}");
        }
        for who in [Some(ain.as_str()), Some(firm.as_str()), None] {
            let (status, _, body) = app.get(&path, who).await;
            assert_eq!((status.as_u16(), body.as_str()), (200, "null"), "{backend}");
        }
        let (status, _, page) = app.get(&format!("/programmation/{plan}"), Some(&plie)).await;
        assert_eq!(status, 200, "{backend}");
        assert!(page.contains("Taux de 7 % possible"), "{backend}: the page shows the notes");
        let (_, _, page) = app.get(&format!("/programmation/{plan}"), Some(&firm)).await;
        assert!(!page.contains("Taux de 7 % possible"), "{backend}: not to a firm");

        // A plan without a lever has no follow-up to write in.
        let b = bare.to_string();
        let (status, _, body) = app.post("/api/insertion/note", &[("plan_id", b.as_str()), ("body", "Une clause ?")], Some(&buyer)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");

        // The role taken back: the list is refused again.
        let (status, _, _) = app.post("/api/admin/facilitator", &give("plie@mde.example", ""), Some(&admin)).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        let (status, _, _) = app.get("/api/insertion/followed", Some(&plie)).await;
        assert_eq!(status.as_u16(), 403, "{backend}");
    }
}

/// A verified firm of `commune` with an inclusive `kind` (none: an ordinary firm) and one
/// published offer under `cpv`; its id.
async fn firm(
    app: &TestApp,
    cookie: &str,
    siret: &str,
    name: &str,
    commune: &str,
    kind: Option<&str>,
    cpv: &str,
) -> i32 {
    use app::server::infra::entities::organisations;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let id = org(app, cookie, "business", siret, name).await;
    let o = organisations::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut o: organisations::ActiveModel = o.into();
    o.inclusive = Set(kind.map(String::from));
    o.commune_insee = Set(Some(commune.into()));
    o.update(&app.db).await.unwrap();
    common::offer(app, cookie, id, &format!("Offre de {name}"), cpv).await;
    id
}

both_dbs! {
    "insertion_inclusive_partners",
    /// A plan's inclusive structures: of its territory and trade only, and only with a lever.
    #[tokio::test]
    async fn a_plan_lists_the_inclusive_structures_of_its_territory_and_trade(backend, url) {
        let app = TestApp::new(&url).await;
        let buyer = app.signup("achats@villeurbanne.example").await;
        let owner = app.signup("gerant@structures.example").await;
        let city = org(&app, &buyer, "buyer", "216 901 231 00011", "Ville").await;
        verify(&app, city).await;
        let plan = create_plan(&app, &buyer, city, "Rénovation du gymnase", true).await;
        let bare = create_plan(&app, &buyer, city, "Fournitures de bureau", false).await;
        // Works (45) in the Métropole: an ETTI and a GEIQ; not the Ain's EI, not the cleaning
        // ESAT, not an ordinary firm.
        firm(&app, &owner, "120 027 016 00035", "ETTI Intérim Solidaire", "69266", Some("etti"), "45262500").await;
        firm(&app, &owner, "120 027 016 00043", "GEIQ BTP Rhône", "69123", Some("geiq"), "45421100").await;
        firm(&app, &owner, "120 027 016 00050", "EI de l'Ain", "01053", Some("ei"), "45262500").await;
        firm(&app, &owner, "120 027 016 00068", "ESAT Propreté", "69266", Some("esat"), "90911200").await;
        firm(&app, &owner, "120 027 016 00076", "Maçonnerie Classique", "69266", None, "45262500").await;

        let (status, _, body) = app.get(&format!("/api/insertion/partners?plan_id={plan}"), None).await;
        assert_eq!(status.as_u16(), 200, "{backend}: {body}");
        let p: Value = serde_json::from_str(&body).unwrap();
        let names: Vec<&str> = p["rows"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["ETTI Intérim Solidaire", "GEIQ BTP Rhône"], "{backend}");
        assert_eq!(p["rows"][0]["kind"], "etti", "{backend}");
        assert_eq!(p["rows"][0]["siret"], "12002701600035", "{backend}");
        assert_eq!(p["directory"], "/annuaire?inclusif=any&dep=69M&cpv=45", "{backend}");

        // Without a lever, nothing is proposed.
        let (_, _, body) = app.get(&format!("/api/insertion/partners?plan_id={bare}"), None).await;
        let p: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((p["lever"].as_bool(), p["rows"].as_array().map(Vec::len)), (Some(false), Some(0)), "{backend}");

        // The page says them, with the way to invite one into a consortium by its SIRET.
        let (_, _, page) = app.get(&format!("/programmation/{plan}"), None).await;
        assert!(page.contains("GEIQ BTP Rhône"), "{backend}");
        assert!(page.contains("/compte/groupements?inviter=12002701600035"), "{backend}");
        let (_, _, page) = app.get(&format!("/programmation/{bare}"), None).await;
        assert!(!page.contains("inclusive-partners"), "{backend}");
    }
}
