//! The offer catalogue on SQLite and PostgreSQL: members write offers, nobody else can; a draft
//! is private, a published offer of a public business is in the catalogue; every text is
//! rendered inert; deletion needs a confirmation.

use crate::common;

use app::server::infra::entities::{offer_areas, offer_cpv, offer_labels, offers, organisations};
use common::{ok, titles, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

const XSS: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";

async fn business(app: &TestApp, cookie: &str, siret: &str, name: &str) -> i32 {
    let (status, _, body) = app
        .post(
            "/api/orgs/create",
            &[
                ("form[kind]", "business"),
                ("form[siret]", siret),
                ("form[name]", name),
                ("form[commune]", "Villeurbanne"),
                ("form[is_public]", "on"),
            ],
            Some(cookie),
        )
        .await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {body}"
    );
    organisations::Entity::find()
        .filter(organisations::Column::Siret.eq(siret.replace(' ', "")))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// An offer, stage by stage: each test runs the stages before the one it names (their checks included) and then its own.
struct Drafted {
    app: TestApp,
    member: String,
    stranger: String,
    offer: offers::Model,
    id: String,
}

/// A member starts and saves a draft (strangers and visitors cannot; bad input changes nothing; every text stays text).
async fn drafted(backend: &str, url: &str) -> Drafted {
    let app = TestApp::new(url).await;
    let member = app.signup("boulangere@exemple.fr").await;
    let stranger = app.signup("voisin@exemple.fr").await;
    let org = business(
        &app,
        &member,
        "120 027 016 00076",
        "Fournil du Parc (fictif)",
    )
    .await;
    let org_s = org.to_string();

    // Start a draft; a stranger and an anonymous caller cannot.
    let create = [
        ("org_id", org_s.as_str()),
        ("title", "Pain bio au levain"),
        ("kind", "supply"),
    ];
    let (status, _, _) = app
        .post("/api/offers/create", &create, Some(&stranger))
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, _) = app.post("/api/offers/create", &create, None).await;
    assert_eq!(status.as_u16(), 401, "{backend}");
    let (status, _, body) = app.post("/api/offers/create", &create, Some(&member)).await;
    ok(status, &body);
    let offer = offers::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(
        (offer.status.as_str(), offer.organisation_id),
        ("draft", org),
        "{backend}"
    );
    let id = offer.id.to_string();

    // Bad input: explained per field, nothing changes.
    let (status, _, body) = app
        .post(
            "/api/offers/update",
            &[
                ("id", id.as_str()),
                ("form[title]", ""),
                ("form[kind]", "supply"),
                ("form[recycled_percent]", "140"),
                ("form[delivery_communes]", "Villeurbanne, Atlantide"),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}: {body}");
    assert!(
        body.contains("recycled_percent") && body.contains("title"),
        "{body}"
    );
    let unchanged = offers::Entity::find_by_id(offer.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.title, "Pain bio au levain", "{backend}");
    let (status, _, body) = app
        .post(
            "/api/offers/update",
            &[
                ("id", id.as_str()),
                ("form[title]", "Pain bio au levain"),
                ("form[kind]", "supply"),
                ("form[delivery_communes]", "Villeurbanne, Atlantide"),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
    assert!(
        body.contains("Atlantide"),
        "{backend}: the unknown commune is named"
    );

    // A full save, with payloads in every text field, the textarea included.
    let title = format!("Pain bio {XSS}");
    let description = format!(
        "Pain **bio** au levain.\n\n- miche\n- baguette\n\n{XSS}\n\n[clic](javascript:alert(1))"
    );
    let end = format!("Compost {XSS}");
    let (status, _, body) = app
        .post(
            "/api/offers/update",
            &[
                ("id", id.as_str()),
                ("form[title]", title.as_str()),
                ("form[kind]", "supply"),
                ("form[description]", description.as_str()),
                // A name shared by several communes is told by its code, as the form
                // shows it back.
                ("form[delivery_communes]", "Saint-Priest (69290); 69029"),
                // Departments by name or number, as people say them.
                ("form[delivery_departments]", "Rhône, 01, ain"),
                ("form[production_commune]", "Vénissieux"),
                ("form[price]", "4,20"),
                ("form[price_unit]", "le kg"),
                ("form[min_order]", "10 kg"),
                ("form[intermediaries]", "0"),
                ("form[end_of_life]", end.as_str()),
                ("form[carbon_kg]", "0,9"),
                ("form[carbon_method]", "ACV simplifiée"),
                ("form[carbon_source]", "Agribalyse 3.1"),
                ("form[labels][ab]", "on"),
                ("form[labels][hve]", "on"),
                ("form[inclusive_production]", "on"),
            ],
            Some(&member),
        )
        .await;
    ok(status, &body);
    let saved = offers::Entity::find_by_id(offer.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.price_cents, Some(420));
    assert_eq!(saved.production_commune.as_deref(), Some("69259"));
    assert!(
        saved.description_html.contains("<strong>bio</strong>"),
        "{backend}"
    );
    assert!(
        !saved.description_html.contains("<script")
            && !saved.description_html.contains("javascript:")
    );
    let areas = offer_areas::Entity::find()
        .filter(offer_areas::Column::OfferId.eq(offer.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(areas, 4, "{backend}: two communes, two departments");
    // The editor shows the communes so that saving them again gives the same.
    let (_, _, edit) = app
        .get(&format!("/api/offers/edit?id={id}"), Some(&member))
        .await;
    assert!(
        edit.contains("Saint-Priest (69290)") && edit.contains("Bron (69029)"),
        "{backend}: {edit}"
    );
    assert!(edit.contains("Ain (01), Rhône (69)"), "{backend}: {edit}");
    // A department's name that names none, or several, is said; nothing changes.
    for (typed, said) in [
        ("Rhône, Atlantide", "Atlantide"),
        ("Rhône 2", "Rhône 2"),
        ("Haute", "Haute-Loire (43)"),
    ] {
        let (status, _, body) = app
            .post(
                "/api/offers/update",
                &[
                    ("id", id.as_str()),
                    ("form[title]", "Pain"),
                    ("form[kind]", "supply"),
                    ("form[delivery_departments]", typed),
                ],
                Some(&member),
            )
            .await;
        assert_eq!(status.as_u16(), 422, "{backend}: {typed}");
        assert!(body.contains(said), "{backend}: {body}");
    }
    let (status, _, _) = app
        .post(
            "/api/offers/update",
            &[
                ("id", id.as_str()),
                ("form[title]", "Pain"),
                ("form[kind]", "supply"),
                ("form[delivery_communes]", "Saint-Priest"),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(
        status.as_u16(),
        422,
        "{backend}: Saint-Priest alone is ambiguous"
    );
    let labels = offer_labels::Entity::find()
        .filter(offer_labels::Column::OfferId.eq(offer.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(labels, 2, "{backend}");
    // The stranger can neither read nor change it.
    let (status, _, _) = app
        .get(&format!("/api/offers/edit?id={id}"), Some(&stranger))
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    let (status, _, _) = app
        .post(
            "/api/offers/update",
            &[
                ("id", id.as_str()),
                ("form[title]", "Volé"),
                ("form[kind]", "supply"),
            ],
            Some(&stranger),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    Drafted {
        app,
        member,
        stranger,
        offer,
        id,
    }
}

/// Only a published offer is in the catalogue; archived it leaves; deleted, everything of it goes.
async fn published_archived_deleted(backend: &str, st: &Drafted) {
    let app = &st.app;
    let member = st.member.clone();
    let stranger = st.stranger.clone();
    let offer = st.offer.clone();
    let id = st.id.clone();
    // A draft is not in the catalogue; it cannot be published without a CPV code.
    let (status, _, _) = app.get(&format!("/catalogue/{id}"), None).await;
    assert_eq!(status.as_u16(), 404, "{backend}: a draft is private");
    let publish = [("id", id.as_str()), ("status", "published")];
    let (status, _, body) = app
        .post("/api/offers/status", &publish, Some(&member))
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
    assert!(body.contains("cpv_needed"), "{body}");
    // The codes are saved as the picker sends them, every ticked box at once.
    let codes = |app: &TestApp| {
        let db = app.db.clone();
        let offer = offer.id;
        async move {
            offer_cpv::Entity::find()
                .filter(offer_cpv::Column::OfferId.eq(offer))
                .order_by_asc(offer_cpv::Column::CpvCode)
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.cpv_code)
                .collect::<Vec<_>>()
        }
    };
    let (status, body) = set_codes(app, &member, &id, &["15612500", "99999999"]).await;
    assert_eq!(status, 422, "{backend}: unknown CPV");
    assert!(body.contains("unknown_cpv"), "{body}");
    assert!(codes(app).await.is_empty(), "{backend}: nothing saved");
    let (status, body) =
        set_codes(app, &member, &id, &["15612500-6", "45421000", "45421000"]).await;
    assert!(status < 400, "{backend}: {body}");
    assert_eq!(codes(app).await, ["15612500", "45421000"], "{backend}");
    // Unticking one and ticking another replaces the set.
    let (status, body) = set_codes(app, &member, &id, &["15612500", "15811100"]).await;
    assert!(status < 400, "{backend}: {body}");
    assert_eq!(codes(app).await, ["15612500", "15811100"], "{backend}");
    // More codes than an offer carries: refused, nothing changed.
    let many = common::cpv_codes(app, 21).await;
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let (status, body) = set_codes(app, &member, &id, &many).await;
    assert_eq!(status, 422, "{backend}: {body}");
    assert!(body.contains("too_many_cpv"), "{body}");
    assert_eq!(codes(app).await, ["15612500", "15811100"], "{backend}");
    // Someone else's offer: refused, nothing changed.
    let (status, _) = set_codes(app, &stranger, &id, &["03000000"]).await;
    assert_eq!(status, 403, "{backend}: a stranger sets no codes");
    assert_eq!(codes(app).await, ["15612500", "15811100"], "{backend}");
    let (status, body) = set_codes(app, &member, &id, &["15612500"]).await;
    assert!(status < 400, "{backend}: {body}");
    let (status, _, body) = app
        .post("/api/offers/status", &publish, Some(&member))
        .await;
    ok(status, &body);
    // Published, it keeps at least one code: unticking the last is refused, nothing changed.
    let (status, body) = set_codes(app, &member, &id, &[]).await;
    assert_eq!(status, 422, "{backend}: {body}");
    assert!(body.contains("cpv_keep_one"), "{body}");
    assert_eq!(codes(app).await, ["15612500"], "{backend}");

    // Published: the page shows the facts, and every text as text.
    let (status, _, page) = app.get(&format!("/catalogue/{id}"), None).await;
    assert_eq!(status.as_u16(), 200, "{backend}: {page}");
    for injected in ["<script>alert", "<img src=x", "href=\"javascript:"] {
        assert!(!page.contains(injected), "{backend}: {injected} injected");
    }
    assert!(
        page.contains("Pain bio &lt;script&gt;"),
        "{backend}: the title kept as text"
    );
    assert!(
        page.contains("<strong>bio</strong>"),
        "{backend}: Markdown rendered"
    );
    assert!(
        page.contains("Agriculture biologique (AB)"),
        "{backend}: label"
    );
    assert!(page.contains("Circuit court"), "{backend}: short chain");
    assert!(page.contains("0,9 kg CO2e"), "{backend}: carbon");
    assert!(page.contains("Agribalyse 3.1"), "{backend}: carbon source");
    assert!(
        page.contains("Vénissieux (69)"),
        "{backend}: place of production"
    );
    assert!(page.contains("15612500"), "{backend}: CPV");

    // Archived: out of the catalogue again.
    let (status, _, body) = app
        .post(
            "/api/offers/status",
            &[("id", id.as_str()), ("status", "archived")],
            Some(&member),
        )
        .await;
    ok(status, &body);
    let (status, _, _) = app.get(&format!("/catalogue/{id}"), None).await;
    assert_eq!(status.as_u16(), 404, "{backend}: archived");

    // Deleting needs the confirmation; then everything of the offer is gone.
    let (status, _, _) = app
        .post("/api/offers/delete", &[("id", id.as_str())], Some(&member))
        .await;
    assert_eq!(status.as_u16(), 422, "{backend}");
    let (status, _, _) = app
        .post(
            "/api/offers/delete",
            &[("id", id.as_str()), ("confirm", "on")],
            Some(&stranger),
        )
        .await;
    assert_eq!(status.as_u16(), 403, "{backend}");
    assert_eq!(offers::Entity::find().count(&app.db).await.unwrap(), 1);
    let (status, _, body) = app
        .post(
            "/api/offers/delete",
            &[("id", id.as_str()), ("confirm", "on")],
            Some(&member),
        )
        .await;
    ok(status, &body);
    assert_eq!(
        offers::Entity::find().count(&app.db).await.unwrap(),
        0,
        "{backend}"
    );
    assert_eq!(offer_cpv::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(
        offer_labels::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    // Who deleted it stays in the audit trail.
    let trace = app::server::infra::entities::audit_events::Entity::find()
        .filter(app::server::infra::entities::audit_events::Column::Action.eq("offer_deleted"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the deletion is audited");
    assert!(
        trace.actor_id.is_some() && trace.detail.contains(&format!("offer {id}")),
        "{backend}: {trace:?}"
    );
    assert_eq!(offer_areas::Entity::find().count(&app.db).await.unwrap(), 0);
}

both_dbs! {
    "offers_drafted",
    #[tokio::test]
    async fn members_write_offers_and_nobody_else_can(backend, url) {
        drafted(backend, &url).await;
    }
}

both_dbs! {
    "offers_published",
    #[tokio::test]
    async fn the_catalogue_shows_only_published_offers_until_archived_or_deleted(backend, url) {
        let st = drafted(backend, &url).await;
        published_archived_deleted(backend, &st).await;
    }
}

both_dbs! {
    "offers_buyers",
    #[tokio::test]
    async fn buyers_have_no_catalogue_and_the_cpv_picker_finds_codes(backend, url) {
        let app = TestApp::new(&url).await;
        let buyer = app.signup("acheteuse@exemple.fr").await;
        let (status, _, body) = app
            .post(
                "/api/orgs/create",
                &[
                    ("form[kind]", "buyer"),
                    ("form[siret]", "21690123100011"),
                    ("form[name]", "Ville de Lyon"),
                ],
                Some(&buyer),
            )
            .await;
        ok(status, &body);
        let org = organisations::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let (status, _, _) = app
            .post(
                "/api/offers/create",
                &[
                    ("org_id", org.id.to_string().as_str()),
                    ("title", "Offre"),
                    ("kind", "supply"),
                ],
                Some(&buyer),
            )
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}: a buyer has no catalogue");

        // The pickers of forms and filters: words find labelled codes; the chosen ones come
        // back with their labels and leave the matches; nonsense finds nothing and says so.
        let (status, _, body) = app.get("/api/cpv/find?q=menuiserie", None).await;
        assert_eq!(status.as_u16(), 200);
        let found: serde_json::Value = serde_json::from_str(&body).unwrap();
        let codes = |v: &serde_json::Value| -> Vec<String> {
            v.as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap().to_string()).collect()
        };
        assert!(codes(&found["found"]).contains(&"45421000".to_string()), "{body}");
        assert!(found["found"].as_array().unwrap().len() <= 15);
        let (_, _, body) = app
            .get("/api/cpv/find?q=menuiserie&chosen[0]=45421000&chosen[1]=99999999", None)
            .await;
        let found: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(codes(&found["chosen"]), ["45421000"], "{body}");
        assert_eq!(found["chosen"][0]["label"], "Travaux de menuiserie");
        assert!(!codes(&found["found"]).contains(&"45421000".to_string()), "{body}");
        // A whole word outranks the beginning of longer ones: "portes" lists doors, not
        // "Structures porteuses"; two words narrow to the joiner's trade.
        let (_, _, body) = app.get("/api/cpv/find?q=portes", None).await;
        assert!(
            body.contains("44221000") && !body.contains("34950000"),
            "{backend}: {body}"
        );
        let (_, _, body) = app.get("/api/cpv/find?q=pose%20de%20portes", None).await;
        assert!(body.contains("45421100"), "{backend}: {body}");
        // No label holds both words: the codes holding most of them, bread first.
        let (_, _, body) = app.get("/api/cpv/find?q=pain%20bio", None).await;
        assert!(body.contains("15811100"), "{backend}: {body}");
        // A trade named by its people's word, which no label holds: its codes first.
        let (_, _, body) = app.get("/api/cpv/find?q=plombier", None).await;
        let found: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(codes(&found["found"])[0], "45330000", "{backend}: {body}");
        let (_, _, body) = app.get("/api/suggest?kind=naf&q=maraicher", None).await;
        assert!(body.starts_with("[{\"value\":\"Culture de légumes"), "{backend}: {body}");
        let (_, _, body) = app.get("/api/cpv/find?q=zzzqqq", None).await;
        assert!(body.contains("\"nothing\":true"), "{body}");

        // The picker: stemmed words, digits.
        let (status, _, body) = app.get("/api/cpv/find?q=menuiseries", None).await;
        assert_eq!(status.as_u16(), 200);
        assert!(body.contains("45421000"), "{backend}: {body}");
        let (_, _, body) = app.get("/api/cpv/find?q=4542", None).await;
        assert!(
            body.contains("45421000") && !body.contains("\"03000000\""),
            "{body}"
        );
    }
}

/// Creates a published offer through the server functions; returns its id.
async fn published(
    app: &TestApp,
    cookie: &str,
    org: i32,
    fields: &[(&str, &str)],
    cpv: &str,
) -> i32 {
    let title = fields.iter().find(|(k, _)| *k == "form[title]").unwrap().1;
    let kind = fields.iter().find(|(k, _)| *k == "form[kind]").unwrap().1;
    let org_s = org.to_string();
    let (status, _, body) = app
        .post(
            "/api/offers/create",
            &[("org_id", org_s.as_str()), ("title", title), ("kind", kind)],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    let id = offers::Entity::find()
        .filter(offers::Column::Title.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let id_s = id.to_string();
    let mut form = vec![("id", id_s.as_str())];
    form.extend_from_slice(fields);
    let (status, _, body) = app.post("/api/offers/update", &form, Some(cookie)).await;
    ok(status, &body);
    let (status, _, body) = app
        .post(
            "/api/offers/cpv/set",
            &[("id", id_s.as_str()), ("cpv[]", cpv)],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    let (status, _, body) = app
        .post(
            "/api/offers/status",
            &[("id", id_s.as_str()), ("status", "published")],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    id
}

/// Saves an offer's CPV codes as its picker sends them (`cpv[]` once a ticked box).
async fn set_codes(app: &TestApp, cookie: &str, id: &str, codes: &[&str]) -> (u16, String) {
    let mut form = vec![("id", id)];
    form.extend(codes.iter().map(|c| ("cpv[]", *c)));
    let (status, _, body) = app.post("/api/offers/cpv/set", &form, Some(cookie)).await;
    (status.as_u16(), body)
}

both_dbs! {
    "offers_catalogue",
    #[tokio::test]
    async fn the_catalogue_finds_published_offers_by_words_facts_and_distance(backend, url) {
        let app = TestApp::new(&url).await;
        let member = app.signup("catalogue@exemple.fr").await;
        let fournil = business(
            &app,
            &member,
            "120 027 016 00076",
            "Fournil du Parc (fictif)",
        )
        .await;
        // An empty catalogue says so, and where firms add offers.
        let (_, _, empty) = app.get("/catalogue", None).await;
        assert!(
            empty.contains("encore publiée au catalogue") && empty.contains("href=\"/compte\""),
            "{backend}"
        );
        let (_, _, none) = app.get("/catalogue?q=zzz", None).await;
        assert!(none.contains("Aucune offre ne correspond"), "{backend}");
        let (status, _, body) = app
            .post(
                "/api/orgs/create",
                &[
                    ("form[kind]", "business"),
                    ("form[siret]", "120 027 016 00084"),
                    ("form[name]", "Jardins de l'Ain (fictifs)"),
                    ("form[commune]", "01053"),
                    ("form[inclusive]", "siae"),
                    ("form[is_public]", "on"),
                ],
                Some(&member),
            )
            .await;
        ok(status, &body);
        let jardins = organisations::Entity::find()
            .filter(organisations::Column::Siret.eq("12002701600084"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .id;
        published(
            &app,
            &member,
            fournil,
            &[
                ("form[title]", "Pains bio au levain"),
                ("form[kind]", "supply"),
                (
                    "form[description]",
                    "Miches et baguettes pour la restauration collective.",
                ),
                ("form[intermediaries]", "0"),
                ("form[labels][ab]", "on"),
            ],
            "15612500",
        )
        .await;
        published(
            &app,
            &member,
            fournil,
            &[
                ("form[title]", "Miel des Monts d'Or"),
                ("form[kind]", "supply"),
                ("form[production_commune]", "Albigny-sur-Saône"),
            ],
            "15831600",
        )
        .await;
        published(
            &app,
            &member,
            jardins,
            &[
                ("form[title]", "Entretien des espaces verts"),
                ("form[kind]", "service"),
                ("form[carbon_kg]", "12"),
                ("form[carbon_method]", "Bilan carbone"),
                ("form[carbon_source]", "Base Empreinte"),
            ],
            "77311000",
        )
        .await;
        // A draft is not in the catalogue.
        let (status, _, body) = app
            .post(
                "/api/offers/create",
                &[
                    ("org_id", fournil.to_string().as_str()),
                    ("title", "Pain de mie"),
                    ("kind", "supply"),
                ],
                Some(&member),
            )
            .await;
        ok(status, &body);
        app.search.sync(&app.db).await.unwrap();
        let get = |query: &'static str| {
            let app = &app;
            async move {
                let (status, _, page) = app.get(&format!("/catalogue{query}"), None).await;
                assert_eq!(status.as_u16(), 200, "{backend} {query}");
                page
            }
        };

        let all = get("").await;
        assert_eq!(titles(&all).len(), 3, "{backend}: {:?}", titles(&all));
        assert!(all.contains("3 offres"), "{backend}");
        assert_eq!(
            titles(&get("?q=pain").await),
            ["Pains bio au levain"],
            "{backend}"
        );
        assert_eq!(
            titles(&get("?q=baguette").await),
            ["Pains bio au levain"],
            "{backend}"
        );
        assert_eq!(
            titles(&get("?circuit_court=1").await),
            ["Pains bio au levain"]
        );
        assert_eq!(titles(&get("?label=ab").await), ["Pains bio au levain"]);
        assert_eq!(
            titles(&get("?carbone=1").await),
            ["Entretien des espaces verts"]
        );
        assert_eq!(
            titles(&get("?inclusif=1").await),
            ["Entretien des espaces verts"]
        );
        assert_eq!(
            titles(&get("?type=service").await),
            ["Entretien des espaces verts"]
        );
        assert_eq!(titles(&get("?cpv=15").await).len(), 2, "{backend}");
        assert_eq!(titles(&get("?cpv=15612").await), ["Pains bio au levain"]);
        assert_eq!(
            titles(&get("?dep=01").await),
            ["Entretien des espaces verts"]
        );
        assert_eq!(titles(&get("?dep=69M").await).len(), 2, "{backend}");
        // Facets name their facts and labels, each a link.
        assert!(
            all.contains("href=\"/catalogue?circuit_court=1\""),
            "{backend}"
        );
        assert!(all.contains("href=\"/catalogue?label=ab\""), "{backend}");
        assert!(all.contains("Agriculture biologique (AB)"), "{backend}");

        // Distance: within 5 km of Villeurbanne, the bread only; by distance from either end.
        assert_eq!(
            titles(&get("?pres_de=69266&km=5").await),
            ["Pains bio au levain"]
        );
        assert_eq!(
            titles(&get("?pres_de=69266&km=30&tri=distance").await),
            ["Pains bio au levain", "Miel des Monts d'Or"],
            "{backend}"
        );
        let from_albigny = get("?pres_de=69003&km=30&tri=distance").await;
        assert_eq!(
            titles(&from_albigny),
            ["Miel des Monts d'Or", "Pains bio au levain"],
            "{backend}"
        );
        assert!(from_albigny.contains(" km"), "{backend}: distances shown");

        // Bad values are ignored.
        assert_eq!(
            titles(&get("?type=x&cpv=1&label=%3Cb%3E&km=abc&page=-1").await).len(),
            3
        );

        // The business goes private: its offers leave the catalogue.
        let (status, _, body) = app
            .post(
                "/api/orgs/update",
                &[
                    ("id", jardins.to_string().as_str()),
                    ("form[kind]", "business"),
                    ("form[siret]", "12002701600084"),
                    ("form[name]", "Jardins de l'Ain (fictifs)"),
                    ("form[commune]", "01053"),
                ],
                Some(&member),
            )
            .await;
        ok(status, &body);
        app.search.sync(&app.db).await.unwrap();
        assert!(titles(&get("?type=service").await).is_empty(), "{backend}");
    }
}

both_dbs! {
    "offers_suppliers",
    #[tokio::test]
    async fn who_can_supply_lists_firms_with_offers_and_firms_that_won_contracts(backend, url) {
        use app::server::infra::entities::{contract_awardees, contracts};
        use std::path::Path;
        // A real awardee of the Métropole's 2019 subset, with contracts in CPV 50711000.
        const AWARDEE: &str = "53870002200154";
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
        let member = app.signup("fournisseurs@exemple.fr").await;
        business(&app, &member, AWARDEE, "Maintenance Rhône (fictif)").await;
        let other = business(
            &app,
            &member,
            "120 027 016 00076",
            "Électricité du Parc (fictive)",
        )
        .await;
        published(
            &app,
            &member,
            other,
            &[
                ("form[title]", "Maintenance électrique des bâtiments"),
                ("form[kind]", "service"),
            ],
            "50711000",
        )
        .await;
        app.search.sync(&app.db).await.unwrap();

        // The contracts the awardee won in the trade, as the database counts them.
        let ids: Vec<i32> = contract_awardees::Entity::find()
            .filter(contract_awardees::Column::AwardeeId.eq(AWARDEE))
            .filter(contract_awardees::Column::IsCurrent.eq(true))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.contract_id)
            .collect();
        let won = contracts::Entity::find()
            .filter(contracts::Column::Id.is_in(ids))
            .filter(contracts::Column::Cpv.starts_with("50711"))
            .count(&app.db)
            .await
            .unwrap();
        assert!(won > 0, "{backend}: the fixture has such contracts");

        let (status, _, page) = app
            .get("/catalogue/fournisseurs?cpv=50711000-2", None)
            .await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        let firms: Vec<&str> = page.split("data-test=\"supplier\"").skip(1).collect();
        assert_eq!(firms.len(), 2, "{backend}: {page}");
        // The firm with an offer first, then the one that won contracts.
        assert!(
            firms[0].contains("Électricité du Parc")
                && firms[0].contains("Maintenance électrique des bâtiments")
        );
        assert!(firms[1].contains("Maintenance Rhône"), "{backend}");
        assert!(
            firms[1].contains(&format!("Marchés publics remportés de ce type : {won}")),
            "{backend}: {}",
            firms[1]
        );
        assert!(
            firms[0].contains("Aucun marché public de ce type"),
            "{backend}"
        );

        // The code as the filter chooses it, by words: a prefix standing for its 8 digits,
        // shown with its label.
        let (status, _, by_prefix) = app.get("/catalogue/fournisseurs?cpv=50711", None).await;
        assert_eq!(status.as_u16(), 200, "{backend}");
        assert_eq!(
            by_prefix.split("data-test=\"supplier\"").count(),
            firms.len() + 1,
            "{backend}"
        );
        assert!(by_prefix.contains("50711000 — "), "{backend}: the code and its label");

        // Not a CPV code: said so, with a 404.
        let (status, _, page) = app.get("/catalogue/fournisseurs?cpv=pain", None).await;
        assert_eq!(status.as_u16(), 404, "{backend}");
        assert!(page.contains("pas un code CPV"), "{backend}");
    }
}

/// A multipart body with a file field `photo` and a text field `alt`.
fn multipart(
    file: &[u8],
    file_name: &str,
    content_type: &str,
    alt: Option<&str>,
) -> (String, Vec<u8>) {
    let boundary = "passerelle-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n");
    if let Some(alt) = alt {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n{alt}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    offer: i32,
    cookie: Option<&str>,
    (content_type, body): (String, Vec<u8>),
) -> (axum::http::StatusCode, String) {
    use axum::http::{header, Request};
    let mut req = Request::post(format!("/compte/offres/{offer}/photos"))
        .header(header::CONTENT_TYPE, content_type);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let (status, _, body) = app
        .send(req.body(axum::body::Body::from(body)).unwrap())
        .await;
    (status, body)
}

fn stored_files(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(app.media_dir.join("offers"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

both_dbs! {
    "offers_photos",
    #[tokio::test]
    async fn photos_are_checked_by_their_content_and_reencoded(backend, url) {
        use app::server::infra::entities::offer_photos;
        let app = TestApp::new(&url).await;
        let member = app.signup("photographe@exemple.fr").await;
        let stranger = app.signup("curieux@exemple.fr").await;
        let org = business(
            &app,
            &member,
            "120 027 016 00076",
            "Fournil du Parc (fictif)",
        )
        .await;
        let offer = published(
            &app,
            &member,
            org,
            &[("form[title]", "Pain au levain"), ("form[kind]", "supply")],
            "15811100",
        )
        .await;

        // A real picture, larger than what is kept, named as an attacker would.
        let mut png = Vec::new();
        image::RgbImage::from_fn(2400, 1200, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        })
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
        let alt = "Miches <script>alert(1)</script> sur une grille";
        let (status, body) = upload(
            &app,
            offer,
            Some(&member),
            multipart(&png, "../../evil.php", "application/x-php", Some(alt)),
        )
        .await;
        assert_eq!(status.as_u16(), 303, "{backend}: {body}");
        let photos = offer_photos::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(photos.len(), 1, "{backend}");
        let p = &photos[0];
        assert_eq!(
            (p.width, p.height),
            (1600, 800),
            "{backend}: shrunk to 1600 px"
        );
        assert!(
            app::server::offers::photos::is_stored_name(&p.file_name),
            "{}",
            p.file_name
        );
        let bytes = std::fs::read(app.media_dir.join("offers").join(&p.file_name)).unwrap();
        assert_eq!(
            &bytes[..3],
            &[0xFF, 0xD8, 0xFF],
            "{backend}: re-encoded as JPEG"
        );
        assert_eq!(stored_files(&app).len(), 1);

        // Served under its name, with the right type; nothing else is.
        let (status, _, _) = app
            .get(&format!("/media/offers/{}", p.file_name), None)
            .await;
        assert_eq!(status.as_u16(), 200);
        let (status, _, _) = app.get("/media/offers/..%2F..%2Fetc%2Fpasswd", None).await;
        assert_eq!(status.as_u16(), 404);
        // The offer page shows it, its description as text.
        let (_, _, page) = app.get(&format!("/catalogue/{offer}"), None).await;
        assert!(
            page.contains(&format!("src=\"/media/offers/{}\"", p.file_name)),
            "{backend}"
        );
        assert!(
            !page.contains("<script>alert(1)"),
            "{backend}: alt injected"
        );

        // Refused, and nothing stored: a text calling itself a JPEG, no description, too
        // heavy, a stranger, nobody.
        let fake = multipart(
            b"GIF89a? no: <?php system($_GET['c']); ?>",
            "photo.jpg",
            "image/jpeg",
            Some("Photo"),
        );
        assert_eq!(
            upload(&app, offer, Some(&member), fake).await.0.as_u16(),
            415,
            "{backend}"
        );
        let no_alt = multipart(&png, "photo.png", "image/png", None);
        assert_eq!(
            upload(&app, offer, Some(&member), no_alt).await.0.as_u16(),
            422,
            "{backend}"
        );
        let heavy = multipart(
            &vec![0u8; 9 * 1024 * 1024],
            "big.jpg",
            "image/jpeg",
            Some("Gros"),
        );
        assert_eq!(
            upload(&app, offer, Some(&member), heavy).await.0.as_u16(),
            413,
            "{backend}"
        );
        let other = multipart(&png, "photo.png", "image/png", Some("Photo"));
        assert_eq!(
            upload(&app, offer, Some(&stranger), other.clone())
                .await
                .0
                .as_u16(),
            403
        );
        assert_eq!(upload(&app, offer, None, other).await.0.as_u16(), 401);
        assert_eq!(
            offer_photos::Entity::find().count(&app.db).await.unwrap(),
            1,
            "{backend}"
        );
        assert_eq!(stored_files(&app).len(), 1, "{backend}");

        // Removing the photo removes its file; deleting the offer removes the others'.
        let id = offer.to_string();
        let photo_id = p.id.to_string();
        let (status, _, _) = app
            .post(
                "/api/offers/photo/delete",
                &[("id", id.as_str()), ("photo_id", photo_id.as_str())],
                Some(&stranger),
            )
            .await;
        assert_eq!(status.as_u16(), 403, "{backend}");
        let (status, _, body) = app
            .post(
                "/api/offers/photo/delete",
                &[("id", id.as_str()), ("photo_id", photo_id.as_str())],
                Some(&member),
            )
            .await;
        ok(status, &body);
        assert!(stored_files(&app).is_empty(), "{backend}: file removed");
        let again = multipart(&png, "photo.png", "image/png", Some("Pain"));
        assert_eq!(
            upload(&app, offer, Some(&member), again).await.0.as_u16(),
            303
        );
        assert_eq!(stored_files(&app).len(), 1);
        let (status, _, body) = app
            .post(
                "/api/offers/delete",
                &[("id", id.as_str()), ("confirm", "on")],
                Some(&member),
            )
            .await;
        ok(status, &body);
        assert!(
            stored_files(&app).is_empty(),
            "{backend}: the offer's files went with it"
        );
        assert_eq!(
            offer_photos::Entity::find().count(&app.db).await.unwrap(),
            0
        );
    }
}
