//! The demo's programming: planned procurements of the real buyers over the next 18 months, at
//! every stage (planned, in sourcing, published on the buyer's profile, awarded and linked to a
//! real past contract), with lots, levers and estimates, and the firms' interest signals.

use super::Ctx;
use crate::domain::insertion::InsertionKind;
use crate::domain::programming::{PlanStatus, Precision, Procedure, Reserved};
use crate::server::infra::entities::{
    contracts, plan_cpv, plan_events, plan_interests, plan_labels, plan_lots, plans,
};
use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// Levers, as flags.
pub(super) const SHORT: u8 = 1;
pub(super) const LIFE: u8 = 2;
pub(super) const CO2: u8 = 4;
pub(super) const INSERTION: u8 = 8;

pub(super) struct PlanTpl {
    pub buyer: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    pub procedure: Procedure,
    /// Thousands of euros excl. VAT.
    pub estimate: (i64, i64),
    /// Months from today to the publication (negative: in the past).
    pub months: i32,
    pub status: PlanStatus,
    pub cpv: &'static [&'static str],
    pub lots: &'static [(&'static str, &'static str, i64)],
    pub levers: u8,
    pub reserved: Option<Reserved>,
    pub labels: &'static [&'static str],
    pub duration: i32,
}

use PlanStatus::{Awarded, Draft, Planned, Published, Sourcing};
use Procedure::{Adapted, Negotiated, Open, Restricted};

#[allow(clippy::too_many_arguments)]
const fn p(
    buyer: &'static str,
    title: &'static str,
    text: &'static str,
    procedure: Procedure,
    estimate: (i64, i64),
    months: i32,
    status: PlanStatus,
    cpv: &'static [&'static str],
    lots: &'static [(&'static str, &'static str, i64)],
    levers: u8,
) -> PlanTpl {
    PlanTpl {
        buyer,
        title,
        text,
        procedure,
        estimate,
        months,
        status,
        cpv,
        lots,
        levers,
        reserved: None,
        labels: &[],
        duration: 36,
    }
}

pub(super) const PLANS: &[PlanTpl] = &[
    // Ville de Lyon (the demo buyer's own): sourcing, planned and published.
    PlanTpl { labels: &["ab", "hve"], ..p("lyon", "Fourniture de fruits et légumes frais pour les cuisines centrales", "Approvisionnement des deux cuisines centrales (28 000 repas par jour). Allotissement fin par famille de produits et par saison pour ouvrir le marché aux producteurs de la région ; livraisons deux fois par semaine.", Open, (1_200, 1_800), 4, Sourcing, &["03221000", "03222000"], &[("Légumes de saison", "03221000", 700), ("Fruits de saison", "03222000", 500), ("Pommes de terre", "03212100", 200), ("Légumes prêts à cuisiner (légumerie)", "15331100", 300)], SHORT | CO2) },
    PlanTpl { labels: &["qualibat"], ..p("lyon", "Remplacement des menuiseries extérieures de six groupes scolaires", "Remplacement des fenêtres bois et aluminium de six groupes scolaires du 8e et du 9e arrondissement, par tranches pendant les vacances scolaires. Bois local apprécié, analyse en coût global.", Adapted, (900, 1_300), 3, Sourcing, &["45421100"], &[("Groupes scolaires du 8e arrondissement", "45421100", 600), ("Groupes scolaires du 9e arrondissement", "45421100", 500)], LIFE | CO2 | INSERTION) },
    p("lyon", "Mobilier scolaire réparable pour les écoles élémentaires", "Tables, chaises et rangements pour 40 classes par an, avec pièces détachées et réparation sur place. Analyse en coût du cycle de vie.", Adapted, (300, 450), 6, Planned, &["39160000"], &[], LIFE),
    p("lyon", "Nettoyage des bâtiments administratifs en journée", "Nettoyage de 60 000 m² de bureaux, en journée, avec produits écolabellisés. Clause d'insertion dimensionnée avec le facilitateur.", Open, (2_000, 2_600), 7, Planned, &["90919200"], &[("Hôtel de ville et mairies d'arrondissement", "90919200", 1_200), ("Bâtiments techniques", "90911200", 900)], INSERTION),
    PlanTpl { duration: 48, ..p("lyon", "Entretien différencié des parcs de la rive gauche", "Entretien sans produits phytosanitaires de 45 hectares de parcs et squares, fauche tardive, gestion des déchets verts sur place.", Open, (1_500, 2_100), -2, Published, &["77313000"], &[("Parcs du 3e et du 7e arrondissement", "77313000", 900), ("Squares du 8e arrondissement", "77313000", 700)], INSERTION | CO2) },
    PlanTpl { reserved: Some(Reserved::EsatEa), ..p("lyon", "Blanchisserie du linge des crèches municipales", "Collecte, lavage et livraison du linge de 50 crèches. Marché réservé aux ESAT et entreprises adaptées (L2113-12).", Adapted, (200, 280), 9, Planned, &["98310000"], &[], 0) },
    // Métropole de Lyon.
    PlanTpl { duration: 48, ..p("metropole", "Restauration des collèges : denrées bio et locales", "Approvisionnement des collèges en denrées : produits laitiers, viande, pain, légumerie. Lots géographiques pour les producteurs des monts du Lyonnais et de la plaine de l'Ain.", Open, (3_000, 4_500), 8, Planned, &["15511000", "15811100"], &[("Produits laitiers fermiers", "15551300", 900), ("Pain au levain", "15811100", 700), ("Légumerie", "15331100", 800), ("Viande bovine Label Rouge", "15111000", 1_500)], SHORT | CO2) },
    PlanTpl { duration: 48, ..p("metropole", "Fournitures scolaires des collèges et des écoles du territoire", "Papeterie, matériel d'arts plastiques et matériel pédagogique des 80 collèges, ouvert en groupement de commandes aux communes pour leurs écoles : un seul appel d'offres, un accord-cadre par membre.", Open, (300, 420), 6, Planned, &["30192000", "39162100"], &[("Papeterie et fournitures de classe", "30192000", 250), ("Fournitures d'arts plastiques", "37820000", 70), ("Matériel pédagogique", "39162100", 60)], CO2) },
    p("metropole", "Rénovation énergétique des collèges : lot isolation et menuiseries", "Programme pluriannuel de rénovation de douze collèges (décret tertiaire). Travaux en site occupé.", Restricted, (6_000, 9_000), 11, Planned, &["45321000", "45421100"], &[("Isolation par l'extérieur", "45321000", 4_000), ("Menuiseries extérieures", "45421100", 3_000), ("Ventilation", "45331000", 1_500)], LIFE | CO2 | INSERTION),
    p("metropole", "Maîtrise d'œuvre pour la réhabilitation de deux gymnases", "Mission de base avec études thermiques et diagnostic ressources (réemploi).", Adapted, (400, 600), 2, Sourcing, &["71221000"], &[], CO2),
    p("metropole", "Développement de services numériques accessibles pour les usagers", "Applications web conformes au RGAA, code publié sous licence libre.", Adapted, (500, 800), 5, Planned, &["72212000"], &[], 0),
    p("metropole", "Livraisons inter-services en vélo-cargo", "Navettes de courrier et de colis entre les sites de la Métropole, sans émission.", Adapted, (150, 220), 1, Sourcing, &["64121100", "60161000"], &[], CO2 | INSERTION),
    PlanTpl { duration: 24, ..p("lyon", "Éclairage public LED des voies communales", "Remplacement de 4 000 luminaires et télégestion.", Open, (3_500, 4_200), -8, Awarded, &["31527200"], &[], LIFE | CO2) },
    // Grandlyon Habitat.
    p("grandlyon_habitat", "Réhabilitation thermique de 240 logements à Vaulx-en-Velin", "Isolation, menuiseries, ventilation et chaufferie ; clause d'insertion et critère d'attribution sur l'insertion (10 %).", Open, (7_000, 8_500), -3, Published, &["45321000", "45421100"], &[("Isolation et façades", "45321000", 3_500), ("Menuiseries", "45421100", 2_000), ("Chauffage et ventilation", "45331000", 2_500)], LIFE | INSERTION),
    p("grandlyon_habitat", "Entretien des espaces verts des résidences", "Entretien de 80 résidences, par secteurs, avec chantiers d'insertion.", Adapted, (600, 900), 10, Planned, &["77311000"], &[("Secteur est", "77311000", 400), ("Secteur sud", "77311000", 350)], INSERTION),
    // Communes of the Métropole.
    p("vaulx", "Restauration scolaire en liaison froide", "Fourniture de 4 500 repas par jour pour les écoles, avec 50 % de produits durables dont 25 % bio.", Open, (5_000, 6_000), 12, Planned, &["55523100"], &[], SHORT | CO2),
    p("villeurbanne", "Rénovation des sanitaires de huit écoles", "Sanitaires accessibles et économes en eau, travaux pendant les vacances.", Adapted, (450, 650), 2, Sourcing, &["45330000"], &[("Écoles du nord", "45330000", 300), ("Écoles du sud", "45330000", 300)], INSERTION),
    p("villeurbanne", "Impression du magazine municipal", "Dix numéros par an, papier recyclé, encres végétales.", Adapted, (120, 180), 14, Planned, &["79810000"], &[], CO2),
    p("sainte_foy", "Peinture des écoles et des équipements sportifs", "Accord-cadre à bons de commande, peintures écolabellisées.", Adapted, (150, 250), 5, Planned, &["45442110"], &[], 0),
    PlanTpl { duration: 12, ..p("sainte_foy", "Réfection de la toiture de l'église Saint-Luc", "Couverture en tuiles, reprise de charpente et zinguerie.", Adapted, (300, 400), -6, Awarded, &["45261210"], &[], 0) },
    p("caluire", "Remplacement des chaudières par des pompes à chaleur", "Cinq bâtiments communaux ; suivi des consommations sur deux ans.", Adapted, (700, 950), 6, Planned, &["45331000"], &[], LIFE | CO2),
    p("oullins", "Aménagement paysager des cours d'écoles (cours oasis)", "Débitumisation et plantation de quatre cours d'écoles.", Adapted, (500, 700), -1, Published, &["45112710"], &[], CO2 | INSERTION),
    p("chassieu", "Fourniture de pain pour la restauration scolaire", "Pain bio livré chaque matin dans six écoles.", Adapted, (60, 90), 3, Planned, &["15811100"], &[], SHORT),
    p("meyzieu", "Audits énergétiques des bâtiments communaux", "Audits conformes au décret tertiaire pour 25 bâtiments.", Adapted, (80, 120), 4, Planned, &["71314300"], &[], CO2),
    p("decines", "Entretien des installations électriques des bâtiments communaux", "Maintenance préventive et curative, astreinte.", Adapted, (200, 300), 15, Planned, &["50710000"], &[], 0),
    p("ecully", "Nettoyage des écoles et des crèches", "Brouillon : périmètre et allotissement en cours d'étude.", Adapted, (250, 350), 13, Draft, &["90911200"], &[], INSERTION),
    // Around the Métropole: the countryside's buyers.
    p("ouest_rhodanien", "Produits laitiers fermiers pour les cantines du territoire", "Yaourts et fromages blancs des fermes des monts de Tarare pour 14 écoles.", Adapted, (90, 140), 2, Sourcing, &["15551300"], &[], SHORT),
    p("chabaniere", "Rénovation de l'école du village", "Menuiseries, isolation et peinture ; lots accessibles aux artisans.", Adapted, (350, 500), 7, Planned, &["45421100", "45321000"], &[("Menuiseries", "45421100", 180), ("Isolation", "45321000", 160), ("Peinture", "45442110", 80)], INSERTION),
    p("ain", "Denrées locales pour les collèges de l'Ain", "Groupement d'achat des collèges : légumes, fruits, produits laitiers de l'Ain.", Open, (2_000, 2_800), -1, Published, &["03221000", "15511000"], &[("Légumes", "03221000", 900), ("Fruits", "03222000", 600), ("Produits laitiers", "15511000", 900)], SHORT | CO2),
    p("isere", "Entretien des routes départementales : fauchage et élagage", "Fauchage raisonné des accotements et élagage ; lots par territoire.", Negotiated, (1_000, 1_400), 9, Planned, &["77211400"], &[], INSERTION),
    p("pierres_dorees", "Pierre dorée : restauration du bâti communal", "Restauration de murs en pierre dorée et enduits à la chaux.", Adapted, (200, 320), 17, Planned, &["45453000"], &[], LIFE),
    // Awarded with an insertion clause, their hours followed after award (demo/insertion.rs):
    // one on time, one late.
    PlanTpl { duration: 18, ..p("lyon", "Rénovation du gymnase Mermoz", "Désamiantage, isolation, sols sportifs et vestiaires. Clause d'insertion : le titulaire saisit chaque mois les heures réalisées, la Maison de l'emploi les valide.", Open, (1_100, 1_300), -12, Awarded, &["45212200"], &[], INSERTION) },
    PlanTpl { duration: 24, ..p("metropole", "Entretien des berges du Rhône et de la Saône", "Fauche, débroussaillage et ramassage des déchets flottants sur 30 km de berges, avec une clause d'insertion.", Adapted, (700, 900), -14, Awarded, &["77310000"], &[], INSERTION) },
    PlanTpl { duration: 24, ..p("cotiere", "Collecte et recyclage des papiers des services", "Collecte des papiers de bureau par une entreprise adaptée.", Adapted, (40, 70), -9, Awarded, &["90511000"], &[], INSERTION) },
];

/// The first day of the month `months` from `today`.
fn month_from(today: NaiveDate, months: i32) -> NaiveDate {
    let first = today.with_day(1).unwrap_or(today);
    if months >= 0 {
        first.checked_add_months(Months::new(months as u32))
    } else {
        first.checked_sub_months(Months::new(months.unsigned_abs()))
    }
    .unwrap_or(first)
}

/// A plan's stages, in order, up to its own.
fn stages(status: PlanStatus) -> &'static [PlanStatus] {
    match status {
        Draft => &[Draft],
        Planned => &[Planned],
        Sourcing => &[Planned, Sourcing],
        Published => &[Planned, Sourcing, Published],
        _ => &[Planned, Sourcing, Published, Awarded],
    }
}

pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<usize, DbErr> {
    let today = ctx.now.date_naive();
    let rates = crate::server::insertion::rates(ctx.txn)
        .await
        .map_err(|e| DbErr::Custom(format!("insertion rates: {e:?}")))?;
    for (i, t) in PLANS.iter().enumerate() {
        let buyer = ctx.buyers[t.buyer].clone();
        let publication = month_from(today, t.months);
        // Written over the last quarter, buyers interleaved (the home page's "latest" mixes them).
        let created = ctx.now - Duration::days(3 + (i as i64 * 37) % 90);
        // The hours Passerelle proposes from the estimate and the trade, as a buyer who left
        // the field empty gets them; the housing rehabilitation also scores the offers on it.
        let insertion = (t.levers & INSERTION != 0).then(|| {
            let cpv: Vec<String> = t.cpv.iter().map(|c| c.to_string()).collect();
            let hours = rates
                .propose(&cpv, Some(t.estimate.0 * 1000), Some(t.estimate.1 * 1000))
                .map(|s| s.hours as i32);
            let weighted = t.text.contains("critère d'attribution");
            (weighted, hours)
        });
        let contract = if t.status == Awarded {
            // The buyer's past contract of the same trade, or its latest.
            contracts::Entity::find()
                .filter(contracts::Column::BuyerSiret.eq(buyer_siret(t.buyer)))
                .order_by_desc(contracts::Column::NotifiedOn)
                .one(ctx.txn)
                .await?
                .map(|c| c.id)
        } else {
            None
        };
        let status = if t.status == Awarded && contract.is_none() {
            Published
        } else {
            t.status
        };
        let plan = plans::ActiveModel {
            buyer_id: Set(buyer.id),
            title: Set(t.title.into()),
            description: Set(t.text.into()),
            estimate_min: Set(Some(t.estimate.0 * 1000)),
            estimate_max: Set(Some(t.estimate.1 * 1000)),
            procedure: Set(t.procedure.as_str().into()),
            publication_date: Set(publication),
            publication_precision: Set(if t.months.abs() > 6 {
                Precision::Quarter
            } else {
                Precision::Month
            }
            .as_str()
            .into()),
            start_date: Set(Some(month_from(today, t.months + 4))),
            start_precision: Set(Some(Precision::Month.as_str().into())),
            duration_months: Set(Some(t.duration)),
            contact: Set(Some(format!(
                "Service achats — {} (fictif) : achats.{}@demo.passerelle.example",
                buyer.name,
                t.buyer.replace('_', "-")
            ))),
            allotment: Set(!t.lots.is_empty()),
            short_chain: Set(t.levers & SHORT != 0),
            life_cycle: Set(t.levers & LIFE != 0),
            co2: Set(t.levers & CO2 != 0),
            insertion_kind: Set(insertion.map(|(w, _)| {
                if w {
                    InsertionKind::Both
                } else {
                    InsertionKind::Clause
                }
                .as_str()
                .to_string()
            })),
            insertion_hours: Set(insertion.and_then(|(_, h)| h)),
            insertion_weight: Set(insertion.and_then(|(w, _)| w.then_some(10))),
            insertion_own: Set(false),
            reserved: Set(t.reserved.map(|r| r.as_str().into())),
            status: Set(status.as_str().into()),
            tender_url: Set(matches!(status, Published | Awarded).then(|| profile(t.buyer))),
            contract_id: Set(contract),
            created_by: Set(buyer.owner),
            created_at: Set(created),
            updated_at: Set(created),
            eforms_notice_id: Set(None),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
        for code in t.cpv {
            plan_cpv::ActiveModel {
                plan_id: Set(plan.id),
                cpv_code: Set((*code).into()),
            }
            .insert(ctx.txn)
            .await?;
        }
        for label in t.labels {
            plan_labels::ActiveModel {
                plan_id: Set(plan.id),
                label: Set((*label).into()),
            }
            .insert(ctx.txn)
            .await?;
        }
        let mut lots = Vec::new();
        for (n, (title, cpv, k)) in t.lots.iter().enumerate() {
            let lot = plan_lots::ActiveModel {
                plan_id: Set(plan.id),
                number: Set(n as i32 + 1),
                title: Set((*title).into()),
                cpv: Set((*cpv).into()),
                estimate_min: Set(Some(k * 900)),
                estimate_max: Set(Some(k * 1100)),
                ..Default::default()
            }
            .insert(ctx.txn)
            .await?;
            lots.push((lot.id, *cpv));
        }
        let steps = stages(status);
        // Each stage reached between the plan's writing and today.
        let step = (ctx.now - created) / steps.len() as i32;
        for (k, stage) in steps.iter().enumerate() {
            plan_events::ActiveModel {
                plan_id: Set(plan.id),
                actor_id: Set(buyer.owner),
                status: Set(stage.as_str().into()),
                note: Set(None),
                created_at: Set(created + step * k as i32),
                ..Default::default()
            }
            .insert(ctx.txn)
            .await?;
        }
        if matches!(status, Planned | Sourcing | Published) {
            interests(ctx, plan.id, created, t, &lots).await?;
        }
        ctx.plans.push(super::PlanRef {
            id: plan.id,
            buyer: t.buyer,
            title: t.title,
            cpv: t.cpv[0],
            lots,
        });
    }
    Ok(PLANS.len())
}

pub(super) fn buyer_siret(key: &str) -> &'static str {
    super::buyers::BUYERS
        .iter()
        .find(|b| b.key == key)
        .map(|b| b.siret)
        .or_else(|| {
            super::buyers::CORE_BUYERS
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, s)| *s)
        })
        .unwrap_or_default()
}

fn profile(key: &str) -> String {
    super::buyers::BUYERS
        .iter()
        .find(|b| b.key == key)
        .map(|b| b.profile)
        .unwrap_or("https://www.marches-publics.info/")
        .to_string()
}

/// Firms whose trade is the plan's (or a lot's) signal interest, naming their offers; the
/// newest arrive in the last days, so that the buyer has some to read.
async fn interests(
    ctx: &mut Ctx<'_>,
    plan: i32,
    created: chrono::DateTime<chrono::Utc>,
    t: &PlanTpl,
    lots: &[(i32, &'static str)],
) -> Result<(), DbErr> {
    use crate::domain::analytics::trades;
    let targets: Vec<(Option<i32>, &str)> = if lots.is_empty() {
        vec![(None, t.cpv[0])]
    } else {
        lots.iter().map(|(id, cpv)| (Some(*id), *cpv)).collect()
    };
    for (lot, cpv) in targets {
        let trade = trades::all()[trades::of_cpv(cpv)].code;
        let firms = ctx.firms_of(trade);
        let n = ctx.rng.random_range(1..=3);
        for firm in ctx.some(&firms, n) {
            let offers: Vec<String> = ctx
                .offers_of(firm.org.id)
                .iter()
                .take(2)
                .map(|o| o.id.to_string())
                .collect();
            let days = ctx.rng.random_range(0..20);
            plan_interests::ActiveModel {
                plan_id: Set(plan),
                lot_id: Set(lot),
                organisation_id: Set(firm.org.id),
                message: Set(format!(
                    "{} est intéressée : nous pouvons répondre seuls ou en groupement. \
                     (Message fictif de démonstration.)",
                    firm.org.name
                )),
                offers: Set(offers.join(",")),
                created_by: Set(firm.org.owner),
                created_at: Set((ctx.now - Duration::days(days)).max(created)),
                ..Default::default()
            }
            .insert(ctx.txn)
            .await?;
        }
    }
    Ok(())
}
