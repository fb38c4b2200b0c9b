//! The demo territory: every capability has content, each demo account finds its waiting
//! work, seeding is deterministic, done once, and refused into a database of someone else's.

use crate::common;

use app::server::demo::{self, DemoError, Options};
use app::server::infra::entities::{
    consortia, contracts, cpv_codes, label_applications, label_schemes, meetings, offer_cpv,
    organisations, partner_requests, plan_lots, plans, quote_invitations, sourcing_calls, users,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::BTreeSet;

async fn fresh(url: &str) -> DatabaseConnection {
    let db = app::server::infra::db::connect_and_migrate(url)
        .await
        .unwrap();
    app::server::infra::reference::load(&db).await.unwrap();
    db
}

async fn count_where<E>(db: &DatabaseConnection, f: sea_orm::Condition) -> u64
where
    E: EntityTrait,
    E::Model: Sync,
{
    E::find().filter(f).count(db).await.unwrap()
}

/// What the demo wrote, in a form two runs can compare (ids and dates left out).
async fn fingerprint(db: &DatabaseConnection) -> Vec<String> {
    let mut out: Vec<String> = organisations::Entity::find()
        .order_by_asc(organisations::Column::Siret)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| {
            format!(
                "{} {} {:?} {:?} {}",
                o.siret, o.name, o.commune_insee, o.capacity_eur, o.is_public
            )
        })
        .collect();
    let orgs: std::collections::HashMap<i32, String> = organisations::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.id, o.siret))
        .collect();
    let mut offers: Vec<String> = app::server::infra::entities::offers::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| {
            format!(
                "{} {} {} {:?} {:?}",
                orgs[&o.organisation_id], o.title, o.status, o.carbon_kg, o.life_years
            )
        })
        .collect();
    offers.sort();
    out.extend(offers);
    out
}

both_dbs! {
    "demo_all",
    /// Every capability has content at the counts, every code a label, and a second
    /// seeding writes nothing.
    #[tokio::test]
    async fn the_demo_puts_every_capability_to_work_once(backend, url) {
        let db = fresh(&url).await;
        let report = demo::seed(&db, Options::default()).await.unwrap();
        assert!(!report.already, "{backend}");
        assert!(report.offers >= 300 && report.plans >= 25, "{backend}: {report:?}");
        assert_eq!(
            report.contracts,
            vec![
                ("decp_metropole_lyon_2019.json".to_string(), 218),
                ("decp_tabular_2024_demo_buyers.csv".to_string(), 344)
            ],
            "{backend}"
        );
        use sea_orm::Condition as C;
        let businesses = count_where::<organisations::Entity>(&db, C::all().add(organisations::Column::Kind.eq("business"))).await;
        assert!(businesses >= 150, "{backend}: {businesses} businesses");
        let buyers = organisations::Entity::find().filter(organisations::Column::Kind.eq("buyer")).all(&db).await.unwrap();
        let waiting: Vec<&str> = buyers.iter().filter(|b| b.verified_at.is_none()).map(|b| b.name.as_str()).collect();
        assert_eq!(waiting, vec!["Commune d'Irigny"], "{backend}: one buyer waits");
        let rural = buyers.iter().filter(|b| b.commune_insee.as_deref().is_some_and(|c| !c.starts_with("69") || ["69243", "69228", "69009", "69010", "69208"].contains(&c))).count();
        assert!(buyers.len() >= 15 && rural >= 4, "{backend}: {} buyers, {rural} around", buyers.len());
        // Plans at every stage, with lots; the awarded ones link to a real past contract.
        for status in ["planned", "sourcing", "published", "awarded", "draft"] {
            assert!(count_where::<plans::Entity>(&db, C::all().add(plans::Column::Status.eq(status))).await > 0, "{backend}: {status}");
        }
        for p in plans::Entity::find().filter(plans::Column::Status.eq("awarded")).all(&db).await.unwrap() {
            let c = contracts::Entity::find_by_id(p.contract_id.expect("linked")).one(&db).await.unwrap().unwrap();
            let buyer = organisations::Entity::find_by_id(p.buyer_id).one(&db).await.unwrap().unwrap();
            assert_eq!(c.buyer_siret, buyer.siret, "{backend}: {}", p.title);
        }
        for p in plans::Entity::find().filter(plans::Column::Status.eq("published")).all(&db).await.unwrap() {
            assert!(p.tender_url.as_deref().is_some_and(|u| u.starts_with("https://")), "{backend}: {}", p.title);
        }
        assert!(plan_lots::Entity::find().count(&db).await.unwrap() >= 20, "{backend}");
        // Insertion hours: the gymnasium's awardee recorded, the facilitator validated, on time;
        // the riverbanks' contract is late, and the hourly job says so once.
        let now = chrono::Utc::now();
        let anonymous_caller = app::server::auth::Caller::anonymous();
        let gym = plans::Entity::find().filter(plans::Column::Title.eq("Rénovation du gymnase Mermoz")).one(&db).await.unwrap().expect("the gymnasium");
        let h = app::server::programming::hours::view(&db, &anonymous_caller, gym.id, now).await.unwrap().expect("hours");
        assert_eq!((h.done, h.pending, h.late), (600, 80, false), "{backend}: {h:?}");
        assert!(h.planned > 600, "{backend}: {h:?}");
        assert_eq!(h.awardees.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(), ["Menuiserie des Monts (fictive)"], "{backend}");
        let mailer = app::server::infra::mail::Mailer::new(None, "Passerelle <t@passerelle.example>").unwrap();
        let late = app::server::programming::hours::late_alerts(&db, &mailer, "https://passerelle.example", now).await.unwrap();
        assert_eq!(late, 1, "{backend}: the riverbanks only");
        let stats = app::server::programming::hours::territory(&db).await.unwrap();
        assert_eq!(stats.total.done, 640, "{backend}");
        // Portal notices: the Ville de Lyon's call proposed for its furniture plan; four live
        // calls of buyers without a plan; the territory's BOAMP source declared, disabled.
        use app::server::infra::entities::{notices, sources};
        let furniture = plans::Entity::find().filter(plans::Column::Title.eq("Mobilier scolaire réparable pour les écoles élémentaires")).one(&db).await.unwrap().expect("the furniture plan");
        let call = notices::Entity::find().filter(notices::Column::NoticeId.eq("DEMO-26-0001")).one(&db).await.unwrap().expect("Lyon's call");
        assert_eq!((call.proposed_plan_id, call.buyer_org_id), (Some(furniture.id), Some(furniture.buyer_id)), "{backend}");
        let live = app::server::notices::calls::list(&db, &anonymous_caller, 1).await.unwrap();
        assert_eq!(live.total, 5, "{backend}: Lyon's call is live too until confirmed");
        let source = sources::Entity::find().one(&db).await.unwrap().expect("the BOAMP source");
        assert!(!source.enabled && source.kind == "boamp", "{backend}");
        // Sourcing, partners, consortia, the label.
        assert_eq!(count_where::<sourcing_calls::Entity>(&db, C::all().add(sourcing_calls::Column::Status.eq("open"))).await, 4, "{backend}");
        assert_eq!(count_where::<sourcing_calls::Entity>(&db, C::all().add(sourcing_calls::Column::Status.eq("published"))).await, 2, "{backend}");
        assert_eq!(meetings::Entity::find().count(&db).await.unwrap(), 4, "{backend}");
        assert!(partner_requests::Entity::find().count(&db).await.unwrap() >= 6, "{backend}");
        // Two consortia for tenders, one producers' grouping answering the apples' consultation.
        assert_eq!(consortia::Entity::find().count(&db).await.unwrap(), 3, "{backend}");
        let grouping = consortia::Entity::find().filter(consortia::Column::QuoteId.is_not_null()).one(&db).await.unwrap().expect("a producers' grouping");
        let grouped = app::server::infra::entities::quote_answers::Entity::find()
            .filter(app::server::infra::entities::quote_answers::Column::ConsortiumId.eq(grouping.id))
            .one(&db).await.unwrap().expect("its answer");
        assert_eq!(grouped.organisation_id, grouping.lead_id, "{backend}");
        // Groupements de commandes: the Métropole's school supplies open, two communes in and a
        // third asking; Lyon's fruit and vegetables formed, its last day past; Lyon's LED
        // lighting awarded, Sainte-Foy's own contract linked.
        let anonymous = app::server::auth::Caller::anonymous();
        let opened = plans::Entity::find().filter(plans::Column::JointConvention.is_not_null()).all(&db).await.unwrap();
        assert_eq!(opened.len(), 3, "{backend}");
        for p in &opened {
            let j = app::server::programming::joint::view(&db, &anonymous, p.id).await.unwrap();
            if p.title.starts_with("Fournitures scolaires") {
                assert!(j.joinable, "{backend}");
                assert_eq!((j.totals.buyers, j.members.len()), (3, 2), "{backend}");
                assert_eq!(j.communes, ["Chabanière", "Saint-Germain-Nuelles"], "{backend}");
                let coordinator = app::server::auth::Caller::for_user(&db, p.created_by.unwrap()).await.unwrap();
                let j = app::server::programming::joint::view(&db, &coordinator, p.id).await.unwrap();
                assert_eq!(j.requests.iter().filter(|r| r.status == app::domain::joint::CoBuyerStatus::Asked).count(), 1, "{backend}");
            } else if p.title.starts_with("Éclairage public LED") {
                assert_eq!(p.status, "awarded", "{backend}");
                let linked: Vec<&str> = j.members.iter().filter(|m| m.contract.is_some()).map(|m| m.buyer_name.as_str()).collect();
                assert_eq!((j.members.len(), linked.len()), (2, 1), "{backend}");
                assert!(linked[0].contains("Sainte-Foy"), "{backend}: {linked:?}");
            } else {
                assert_eq!(p.status, "sourcing", "{backend}: {}", p.title);
                assert!(!j.joinable, "{backend}");
                assert_eq!(j.totals.buyers, 3, "{backend}");
            }
        }
        let schemes: BTreeSet<String> = label_schemes::Entity::find().all(&db).await.unwrap().into_iter().map(|s| s.status).collect();
        assert_eq!(schemes, BTreeSet::from(["draft".to_string(), "open".to_string()]), "{backend}");
        let states: BTreeSet<String> = label_applications::Entity::find().all(&db).await.unwrap().into_iter().map(|a| a.status).collect();
        for s in ["draft", "submitted", "changes_requested", "granted", "refused", "withdrawn", "expired"] {
            assert!(states.contains(s), "{backend}: no application {s}");
        }
        // Quick consultations: open ones the tour's gardens were sent (the farm of the Dombes,
        // delivering the Ain only, never), one waiting for its award, awarded ones with amounts.
        let gardens = organisations::Entity::find().filter(organisations::Column::Name.eq("Les Jardins du Val (fictifs)")).one(&db).await.unwrap().unwrap().id;
        let dombes = organisations::Entity::find().filter(organisations::Column::Name.eq("Ferme des Dombes (fictive)")).one(&db).await.unwrap().unwrap().id;
        let caller = app::server::auth::Caller::anonymous();
        let list = app::server::quotes::view::list(&db, &caller, 1, false).await.unwrap();
        let stages: BTreeSet<String> = list.items.iter().map(|q| format!("{:?}", q.stage)).collect();
        // (A past one nobody could answer in its season is given up: the seasons follow the
        // seeding day.)
        for stage in ["Open", "Closed", "Awarded"] {
            assert!(stages.contains(stage), "{backend}: no consultation {stage}: {stages:?}");
        }
        let tour = list.items.iter().find(|q| q.title == "Légumes de saison pour les cantines de Vaulx-en-Velin").expect("the tour's consultation");
        let sent: Vec<i32> = quote_invitations::Entity::find().filter(quote_invitations::Column::RequestId.eq(tour.id)).all(&db).await.unwrap().into_iter().map(|i| i.organisation_id).collect();
        assert!(sent.contains(&gardens) && !sent.contains(&dombes) && sent.len() >= 5, "{backend}: {sent:?}");
        let awarded: Vec<_> = list.items.iter().filter(|q| q.stage == app::domain::quotes::Stage::Awarded).collect();
        assert!(awarded.len() >= 2, "{backend}");
        for q in awarded {
            assert!(q.awarded_cents.unwrap_or(0) > 0, "{backend}: {} awarded for nothing", q.title);
        }
        // The chamber's food view: three catering buyers with a year of purchases, Lyon
        // meeting both EGalim targets, the products asked with the yoghurts nobody offered.
        let analyst = users::Entity::find().filter(users::Column::Email.eq("analyste@demo.passerelle.example")).one(&db).await.unwrap().unwrap();
        let analyst = app::server::auth::Caller::for_user(&db, analyst.id).await.unwrap();
        let food = app::server::quotes::territory::territory(&db, &analyst, None).await.unwrap();
        assert!(food.buyers.len() >= 3, "{backend}: {:?}", food.buyers);
        let lyon = food.buyers.iter().find(|b| b.name.starts_with("Ville de Lyon")).expect("Lyon's purchases");
        assert!(lyon.purchases.meets_targets(), "{backend}: {lyon:?}");
        assert!(food.buyers_meeting() < food.buyers.len(), "{backend}: some buyers are short of the targets");
        assert!(food.products.len() >= 3, "{backend}: {:?}", food.products);
        assert!(food.least_answered().iter().any(|p| p.label == "Lentilles"), "{backend}: {:?}", food.products);
        // Every code the demo uses has its label (the pages show it beside the code).
        let mut codes: BTreeSet<String> = offer_cpv::Entity::find().all(&db).await.unwrap().into_iter().map(|c| c.cpv_code).collect();
        codes.extend(plan_lots::Entity::find().all(&db).await.unwrap().into_iter().map(|l| l.cpv));
        for code in codes {
            assert!(cpv_codes::Entity::find_by_id(code.clone()).one(&db).await.unwrap().is_some(), "{backend}: CPV {code} unknown");
        }
        // Every fictitious firm and person says so.
        for o in organisations::Entity::find().filter(organisations::Column::Kind.eq("business")).all(&db).await.unwrap() {
            assert!(o.name.contains("(fictive)") || o.name.contains("(fictifs)"), "{backend}: {}", o.name);
        }
        for u in users::Entity::find().all(&db).await.unwrap() {
            assert!(u.display_name.contains("fictif") || u.display_name.contains("(fictive)"), "{backend}: {}", u.display_name);
        }

        let again = demo::seed(&db, Options::default()).await.unwrap();
        assert!(again.already, "{backend}");
        assert!(again.contracts.is_empty() && again.offers == 0, "{backend}");
    }
}

both_dbs! {
    "demo_same",
    /// The same seed gives the same territory.
    #[tokio::test]
    async fn the_demo_is_the_same_on_every_run(backend, url) {
        let first = fresh(&url).await;
        demo::seed(&first, Options::default()).await.unwrap();
        let second_url = common::database(backend, "demo_same2").await.unwrap();
        let second = fresh(&second_url).await;
        demo::seed(&second, Options::default()).await.unwrap();
        assert_eq!(fingerprint(&first).await, fingerprint(&second).await, "{backend}");
    }
}

both_dbs! {
    "demo_refused",
    /// Into a database holding someone else's organisation, seeding is refused and writes
    /// nothing — unless the operator says so.
    #[tokio::test]
    async fn the_demo_is_refused_into_a_database_of_someone_else_s(backend, url) {
        let app = common::TestApp::new(&url).await;
        let cookie = app.signup("vraie@example.org").await;
        common::org(&app, &cookie, "business", "732 829 320 00074", "Une vraie entreprise").await;
        let orgs = organisations::Entity::find().count(&app.db).await.unwrap();
        let people = users::Entity::find().count(&app.db).await.unwrap();
        match demo::seed(&app.db, Options::default()).await {
            Err(DemoError::NotEmpty { count, example }) => {
                assert_eq!((count, example.as_str()), (1, "Une vraie entreprise"), "{backend}");
            }
            other => panic!("{backend}: {other:?}"),
        }
        assert_eq!(organisations::Entity::find().count(&app.db).await.unwrap(), orgs, "{backend}");
        assert_eq!(users::Entity::find().count(&app.db).await.unwrap(), people, "{backend}");
        assert_eq!(contracts::Entity::find().count(&app.db).await.unwrap(), 0, "{backend}");
        let message = demo::seed(&app.db, Options::default()).await.unwrap_err().to_string();
        assert!(message.contains("--into-existing") && message.contains("nothing was written"), "{backend}: {message}");

        let report = demo::seed(&app.db, Options { into_existing: true }).await.unwrap();
        assert!(!report.already && report.offers >= 300, "{backend}");
    }
}

both_dbs! {
    "demo_work",
    /// Each demo account signs in to its own waiting work; a visitor sees the territory.
    #[tokio::test]
    async fn each_demo_account_lands_on_its_work(backend, url) {
        use app::server::auth::Caller;
        let db = fresh(&url).await;
        demo::seed(&db, Options::default()).await.unwrap();
        let analytics = app::server::analytics::Analytics::default();
        let cache = app::server::home::Cache::default();
        let home_of = |email: &'static str| {
            let (db, analytics, cache) = (db.clone(), analytics.clone(), cache.clone());
            async move {
                let caller = match email {
                    "" => Caller::anonymous(),
                    e => {
                        let u = users::Entity::find().filter(users::Column::Email.eq(e)).one(&db).await.unwrap().unwrap();
                        Caller::for_user(&db, u.id).await.unwrap()
                    }
                };
                app::server::home::home(&db, &cache, &analytics, &caller, app::i18n::Lang::Fr).await.unwrap()
            }
        };
        // Before the dashboards' snapshot is first built (a minute at 2M contracts), the home
        // page answers at once, without the local share; then with it.
        let early = home_of("").await;
        assert_eq!(early.public.figures.local_share, None, "{backend}");
        analytics.get(&db).await.unwrap();
        let visitor = home_of("").await;
        let f = &visitor.public.figures;
        assert!(f.businesses >= 130 && f.offers >= 300 && f.plans >= 25 && f.contracts >= 300, "{backend}: {f:?}");
        let share = f.local_share.expect("a local share");
        assert!(share > 20.0 && share < 90.0, "{backend}: {share}");
        assert_eq!(visitor.public.meetings.len(), 4, "{backend}");
        assert_eq!(visitor.public.plans.len(), 5, "{backend}");
        assert_eq!(visitor.public.offers.len(), 5, "{backend}");
        assert!(visitor.todos.is_empty() && visitor.name.is_none(), "{backend}");

        let titles = |h: &app::domain::home::Home| h.todos.iter().map(|t| t.title.clone()).collect::<Vec<_>>().join("\n");
        let buyer = titles(&home_of("acheteuse@demo.passerelle.example").await);
        assert!(buyer.contains("réponse(s) à lire : Questionnaire aux entreprises : Remplacement des menuiseries"), "{backend}: {buyer}");
        assert!(buyer.contains("signal(aux) d'intérêt récent(s)"), "{backend}: {buyer}");
        let joiner = titles(&home_of("menuisier@demo.passerelle.example").await);
        assert!(joiner.contains("Invitation à rejoindre le groupement « Groupement Écoles du 8e (fictif) »"), "{backend}: {joiner}");
        assert!(joiner.contains("Rencontre réservée : Rendez-vous individuels : Remplacement des menuiseries"), "{backend}: {joiner}");
        assert!(joiner.contains("Alerte"), "{backend}: {joiner}");
        let gardener = titles(&home_of("maraichere@demo.passerelle.example").await);
        assert!(gardener.contains("demande de label vous est renvoyée"), "{backend}: {gardener}");
        let analyst = titles(&home_of("analyste@demo.passerelle.example").await);
        assert!(analyst.contains("3 demande(s) de label à instruire"), "{backend}: {analyst}");
        let admin = titles(&home_of("admin@demo.passerelle.example").await);
        assert!(admin.contains("1 organisation(s) à vérifier"), "{backend}: {admin}");

        // The full 1:1 meeting has a waiting list behind its six slots.
        let m = meetings::Entity::find().filter(meetings::Column::SlotMinutes.is_not_null()).order_by_asc(meetings::Column::Id).one(&db).await.unwrap().unwrap();
        let regs = app::server::infra::entities::meeting_registrations::Entity::find()
            .filter(app::server::infra::entities::meeting_registrations::Column::MeetingId.eq(m.id))
            .all(&db).await.unwrap();
        let confirmed = regs.iter().filter(|r| r.status == "confirmed").count();
        let waiting = regs.iter().filter(|r| r.status == "waiting").count();
        assert_eq!((confirmed, waiting), (6, 2), "{backend}");
    }
}
