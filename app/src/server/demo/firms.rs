//! The demo's organisations: the real buyers (one fictitious officer each) and the fictitious
//! firms of every trade with their offers.

use super::buyers::{AROUND_COMMUNES, BUYERS, METRO_COMMUNES};
use super::trades::{Facts, SURNAMES, TRADES};
use super::{Ctx, Firm, OfferRef, OrgRef};
use crate::domain::food::{Months, Unit, Weekdays};
use crate::domain::offer::{AreaKind, OfferStatus};
use crate::domain::org::OrgKind;
use crate::server::infra::entities::{
    communes, offer_areas, offer_cpv, offer_labels, offers, organisations,
};
use crate::server::infra::{rich_text, search::changed};
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DbErr, EntityTrait};
use std::collections::{HashMap, HashSet};

fn app(e: crate::error::AppError) -> DbErr {
    DbErr::Custom(e.to_string())
}

/// A fictitious SIRET: 999 (never attributed) then the firm's number, Luhn-completed.
fn siret(n: usize) -> String {
    crate::domain::siret::complete_siret(&format!("99901{n:08}"))
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn organisation(
    kind: OrgKind,
    siret: String,
    name: String,
    naf: &str,
    commune: &str,
    description: String,
    verified: Option<chrono::DateTime<chrono::Utc>>,
    public: bool,
) -> organisations::ActiveModel {
    organisations::ActiveModel {
        kind: Set(kind.as_str().into()),
        siret: Set(siret),
        name: Set(name),
        naf_code: Set(Some(naf.into())),
        commune_insee: Set(Some(commune.into())),
        size: Set(None),
        inclusive: Set(None),
        capacity_eur: Set(None),
        website: Set(None),
        description: Set(Some(description)),
        is_public: Set(public),
        verified_at: Set(verified),
        verified_by: Set(None),
        created_by: Set(None),
        created_at: Set(verified.unwrap_or_default()),
        ..Default::default()
    }
}

/// The buyers beyond the core's, verified, each with one fictitious purchasing officer.
pub(super) async fn buyers(ctx: &mut Ctx<'_>) -> Result<usize, DbErr> {
    for b in BUYERS {
        let mut m = organisation(
            OrgKind::Buyer,
            b.siret.into(),
            b.name.into(),
            "84.11Z",
            b.commune,
            format!(
                "Acheteur public réel{} (nom et SIRET des données essentielles de la commande \
                 publique). Ses avis sont publiés sur {}. Les personnes de la démonstration \
                 sont fictives.",
                if b.rural {
                    ", autour de la Métropole"
                } else {
                    " de la Métropole"
                },
                b.profile
            ),
            Some(ctx.now),
            true,
        );
        m.verified_at = Set(b.verified.then_some(ctx.now));
        m.created_at = Set(ctx.now);
        let org = m.insert(ctx.txn).await?;
        changed::organisation(ctx.txn, org.id).await.map_err(app)?;
        let owner = ctx
            .account(
                format!("achats.{}@demo.passerelle.example", b.key.replace('_', "-")),
                format!("Service achats — {} (fictif)", b.name),
                Some(org.id),
            )
            .await?;
        ctx.buyers.insert(
            b.key,
            OrgRef {
                id: org.id,
                name: org.name,
                commune: b.commune.into(),
                owner: Some(owner),
            },
        );
    }
    Ok(BUYERS.len())
}

/// The fictitious firms, trade by trade, placed in the Métropole or around it.
pub(super) async fn firms(ctx: &mut Ctx<'_>) -> Result<usize, DbErr> {
    let names: HashMap<String, String> = communes::Entity::find()
        .all(ctx.txn)
        .await?
        .into_iter()
        .map(|c| (c.insee, c.name))
        .collect();
    let mut taken: HashSet<String> = HashSet::new();
    let mut n = 0;
    for (t, trade) in TRADES.iter().enumerate() {
        for i in 0..trade.firms {
            n += 1;
            let around = ctx.rng.random_bool(trade.around);
            let pool = if around {
                AROUND_COMMUNES
            } else {
                METRO_COMMUNES
            };
            let commune = pool[ctx.rng.random_range(0..pool.len())];
            let place = names.get(commune).cloned().unwrap_or_default();
            let stem = trade.stems[ctx.rng.random_range(0..trade.stems.len())];
            let name = loop {
                let surname = SURNAMES[ctx.rng.random_range(0..SURNAMES.len())];
                let candidate = if ctx.rng.random_bool(0.5) {
                    format!("{stem} {surname} (fictive)")
                } else {
                    format!("{stem} de {place} (fictive)")
                };
                if taken.insert(candidate.clone()) {
                    break candidate;
                }
                // The same name twice: the next draw tries a surname.
                let fallback = format!("{stem} {surname} & fils (fictive)");
                if taken.insert(fallback.clone()) {
                    break fallback;
                }
            };
            let size = trade.sizes[ctx.rng.random_range(0..trade.sizes.len())];
            let (lo, hi) = trade.capacity;
            let capacity = ctx.rng.random_range(lo / 10_000..=hi / 10_000) * 10_000;
            let public = ctx.rng.random_bool(0.9);
            let mut m = organisation(
                OrgKind::Business,
                siret(n),
                name.clone(),
                trade.naf,
                commune,
                format!(
                    "Entreprise fictive de démonstration. {} Installée à {place}.",
                    trade.pitch
                ),
                None,
                public,
            );
            m.size = Set(Some(size.into()));
            m.inclusive = Set(trade.inclusive.map(|family| kind_of(family, i).into()));
            m.capacity_eur = Set(Some(capacity));
            // Firms joined over the last year, the newest first in "new" lists.
            let joined = ctx.now - chrono::Duration::days(ctx.rng.random_range(3..365));
            m.created_at = Set(joined);
            // The chamber verified those that joined more than a fortnight ago, two days after
            // they did; the newest wait in its queue (`/verifications`).
            if ctx.now - joined > chrono::Duration::days(14) {
                m.verified_at = Set(Some(joined + chrono::Duration::days(2)));
                m.verified_by = Set(Some(ctx.person("analyst")));
            }
            let org = m.insert(ctx.txn).await?;
            changed::organisation(ctx.txn, org.id).await.map_err(app)?;
            // One firm in four has a person who signs in (the others are listed only).
            let owner = if n % 4 == 1 {
                let first = [
                    "Julie", "Karim", "Sophie", "Thomas", "Inès", "Paul", "Léa", "Malik",
                ][n % 8];
                Some(
                    ctx.account(
                        format!("entreprise-{n:03}@demo.passerelle.example"),
                        format!("{first} de {name}"),
                        Some(org.id),
                    )
                    .await?,
                )
            } else {
                None
            };
            ctx.firms.push(Firm {
                org: OrgRef {
                    id: org.id,
                    name,
                    commune: commune.into(),
                    owner,
                },
                tpl: t,
                trade: trade.analytics,
                inclusive: trade.inclusive,
            });
        }
    }
    Ok(n)
}

/// The kind of the `i`-th inclusive structure of a trade: the SIAE trade's take each kind in
/// turn (the market gardens of the tour are the ACI), so that the directory shows every kind.
fn kind_of(family: &'static str, i: usize) -> &'static str {
    match family {
        "siae" => ["ei", "etti", "ai", "eiti", "geiq"][i % 5],
        k => k,
    }
}

/// The unit a template's price is given in, as a food offer's unit.
fn demo_unit(unit: &str) -> Option<&'static str> {
    let unit = match unit {
        "kg" => Unit::Kg,
        "pièce" => Unit::Piece,
        "litre" => Unit::Litre,
        "portion" => Unit::Portion,
        _ => return None,
    };
    Some(unit.as_str())
}

/// Two or three offers a firm, written from its trade's templates, with the levers' facts at the
/// trade's rates; most published, a few drafts and archived ones.
pub(super) async fn offers(ctx: &mut Ctx<'_>) -> Result<usize, DbErr> {
    let firms = ctx.firms.clone();
    let mut count = 0;
    for (i, firm) in firms.iter().enumerate() {
        let trade = &TRADES[firm.tpl];
        // The core's firms (the end-to-end tests' accounts) offer all their trade does.
        let core = ctx.core_orgs.values().any(|&id| id == firm.org.id);
        let wanted = if core || i % 2 == 0 { 3 } else { 2 }.min(trade.offers.len());
        let picks = ctx.some(&(0..trade.offers.len()).collect::<Vec<_>>(), wanted);
        for k in picks {
            let tpl = &trade.offers[k];
            let status = match ctx.rng.random_range(0..100) {
                0..=4 => OfferStatus::Draft,
                5..=7 => OfferStatus::Archived,
                _ => OfferStatus::Published,
            };
            let created = ctx.now - chrono::Duration::days(ctx.rng.random_range(1..300));
            let text = format!(
                "{}\n\n*Offre d'une entreprise fictive de démonstration ({}).*",
                tpl.text, firm.org.name
            );
            let mut m = offers::ActiveModel {
                organisation_id: Set(firm.org.id),
                title: Set(tpl.title.into()),
                description_html: Set(rich_text::render(&text)),
                description_source: Set(text),
                kind: Set(tpl.kind.as_str().into()),
                status: Set(status.as_str().into()),
                delivery_radius_km: Set(None),
                production_commune: Set(None),
                price_cents: Set(tpl.price.map(|(_, c)| c)),
                price_unit: Set(tpl.price.map(|(u, _)| u.into())),
                min_order: Set(None),
                intermediaries: Set(None),
                life_years: Set(None),
                repairability_tenths: Set(None),
                spare_parts_years: Set(None),
                recycled_percent: Set(None),
                end_of_life: Set(None),
                carbon_kg: Set(None),
                carbon_method: Set(None),
                carbon_source: Set(None),
                inclusive_production: Set(firm.inclusive.is_some()),
                created_by: Set(firm.org.owner),
                created_at: Set(created),
                updated_at: Set(created),
                published_at: Set((status == OfferStatus::Published).then_some(created)),
                ..Default::default()
            };
            match trade.facts {
                Facts::Food => {
                    // Short circuit: most producers sell direct, some through one intermediary.
                    m.production_commune = Set(Some(firm.org.commune.clone()));
                    m.intermediaries = Set(Some(i16::from(ctx.rng.random_bool(0.2))));
                    m.delivery_radius_km =
                        Set(Some([30, 40, 50, 60, 80][ctx.rng.random_range(0..5)]));
                    // The seasonal calendar, the unit of the price, one to three delivery days.
                    let season = tpl
                        .season
                        .map_or(Months::ALL, |(first, last)| Months::range(first, last));
                    m.season = Set(Some(season.bits()));
                    m.unit = Set(tpl.price.and_then(|(u, _)| demo_unit(u)).map(String::from));
                    let days: Vec<u32> = (0..ctx.rng.random_range(1..=3))
                        .map(|_| ctx.rng.random_range(1..=5))
                        .collect();
                    m.delivery_days = Set(Some(i16::from(Weekdays::of(days).0)));
                    if tpl.price.is_some() {
                        m.min_order = Set(Some(
                            ["20 kg", "50 kg", "10 caisses", "100 pièces", "une tournée"]
                                [ctx.rng.random_range(0..5)]
                            .into(),
                        ));
                    }
                }
                Facts::Durable if ctx.rng.random_bool(0.45) => {
                    m.life_years = Set(Some(ctx.rng.random_range(10..=40)));
                    m.repairability_tenths = Set(Some(ctx.rng.random_range(60..=95)));
                    m.spare_parts_years = Set(Some(ctx.rng.random_range(5..=15)));
                    m.recycled_percent = Set(Some(ctx.rng.random_range(0..=60)));
                    m.end_of_life = Set(Some(
                        "Reprise en fin de vie, démontage et recyclage des matériaux par filière."
                            .into(),
                    ));
                }
                _ => {}
            }
            if ctx.rng.random_bool(0.2) {
                m.carbon_kg = Set(Some(f64::from(ctx.rng.random_range(5..900)) / 10.0));
                m.carbon_method = Set(Some("Base Empreinte (ADEME), par unité vendue".into()));
                m.carbon_source = Set(Some("Calcul de l'entreprise, 2025".into()));
            }
            let offer = m.insert(ctx.txn).await?;
            offer_cpv::Entity::insert_many(tpl.cpv.iter().map(|c| offer_cpv::ActiveModel {
                offer_id: Set(offer.id),
                cpv_code: Set((*c).into()),
            }))
            .exec_without_returning(ctx.txn)
            .await?;
            let labels: Vec<&str> = trade
                .labels
                .iter()
                .filter(|(_, rate)| ctx.rng.random_bool(*rate))
                .map(|(l, _)| *l)
                .collect();
            if !labels.is_empty() {
                offer_labels::Entity::insert_many(labels.iter().map(|l| {
                    offer_labels::ActiveModel {
                        offer_id: Set(offer.id),
                        label: Set((*l).into()),
                    }
                }))
                .exec_without_returning(ctx.txn)
                .await?;
            }
            // Where it is delivered: its department, and the Métropole's for those around it.
            let dept = firm.org.commune.get(..2).unwrap_or("69").to_string();
            let mut areas = vec![dept.clone()];
            if dept != "69" {
                areas.push("69".into());
            }
            offer_areas::Entity::insert_many(areas.into_iter().map(|d| offer_areas::ActiveModel {
                offer_id: Set(offer.id),
                kind: Set(AreaKind::Department.as_str().into()),
                code: Set(d),
            }))
            .exec_without_returning(ctx.txn)
            .await?;
            changed::offer(ctx.txn, offer.id).await.map_err(app)?;
            ctx.offers.push(OfferRef {
                id: offer.id,
                org: firm.org.id,
                published: status == OfferStatus::Published,
            });
            count += 1;
        }
    }
    Ok(count)
}

/// A claim waiting for the chamber: a manager says one of the firms still unverified is hers
/// (its registrant was someone else), so that the reviewers' page shows both queues.
pub(super) async fn claims(ctx: &mut Ctx<'_>) -> Result<(), DbErr> {
    use crate::domain::verification::ClaimStatus;
    use crate::server::infra::entities::org_claims;
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let unverified = organisations::Entity::find()
        .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
        .filter(organisations::Column::VerifiedAt.is_null())
        .order_by_asc(organisations::Column::Id)
        .one(ctx.txn)
        .await?;
    let Some(firm) = unverified else {
        return Ok(());
    };
    let claimant = ctx
        .account(
            "gerante.revendication@demo.passerelle.example".into(),
            "Gaëlle Gérante (fictive)".into(),
            None,
        )
        .await?;
    org_claims::ActiveModel {
        organisation_id: Set(firm.id),
        user_id: Set(claimant),
        message: Set(format!(
            "Je suis la gérante de {} depuis 2019 (fictif). L'organisation a été inscrite par \
             un ancien salarié ; je peux montrer l'extrait Kbis et ma pièce d'identité.",
            firm.name
        )),
        status: Set(ClaimStatus::Pending.as_str().into()),
        created_at: Set(ctx.now - chrono::Duration::days(1)),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    Ok(())
}
