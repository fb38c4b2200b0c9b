//! The inputs of the shortage indicator, trade by trade, gathered when the snapshot is built:
//! past contracts of the last three years (from the facts), planned procurements of the next
//! 12 months, the platform's firms with published offers, the requirements the matchmaking
//! engine finds no local firm for, and the food products quick consultations asked for (and
//! nobody offered).

use crate::domain::analytics::facts::{Facts, Zone, NO_FIRM, NO_YEAR};
use crate::domain::analytics::shortage::window;
use crate::domain::analytics::shortage::TradeInputs;
use crate::domain::analytics::{dashboard::median_of_counts, trades};
use crate::domain::org::OrgKind;
use crate::domain::programming::PlanStatus;
use crate::server::infra::entities::{
    offer_cpv, offers, organisations, plan_cpv, plan_lots, plans,
};
use chrono::{Months, NaiveDate};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Planned procurements asked to the matchmaking engine at most (the soonest first).
const MAX_PLANS_MATCHED: usize = 200;

pub async fn inputs(
    db: &DatabaseConnection,
    facts: &Facts,
    years: &[u16],
    today: NaiveDate,
) -> Result<Vec<TradeInputs>, DbErr> {
    let n = trades::all().len();
    let mut out: Vec<TradeInputs> = (0..n)
        .map(|trade| TradeInputs {
            trade,
            ..Default::default()
        })
        .collect();
    // Platform firms with a published offer in the trade (public businesses).
    let firms: HashMap<i32, String> = organisations::Entity::find()
        .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
        .filter(organisations::Column::IsPublic.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.siret))
        .collect();
    let published: HashMap<i32, i32> = offers::Entity::find()
        .select_only()
        .column(offers::Column::Id)
        .column(offers::Column::OrganisationId)
        .filter(offers::Column::Status.eq(crate::domain::offer::OfferStatus::Published.as_str()))
        .into_tuple::<(i32, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut platform: Vec<HashSet<&str>> = vec![HashSet::new(); n];
    for (offer, cpv) in offer_cpv::Entity::find()
        .select_only()
        .column(offer_cpv::Column::OfferId)
        .column(offer_cpv::Column::CpvCode)
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
    {
        if let Some(siret) = published.get(&offer).and_then(|org| firms.get(org)) {
            platform[trades::of_cpv(&cpv)].insert(siret.as_str());
        }
    }
    // Past contracts of the window: volume, competition, local awardees.
    let window = window(years, today);
    let mut offers_by_trade = vec![vec![0u64; 256]; n];
    let mut local: Vec<HashSet<u32>> = vec![HashSet::new(); n];
    for c in facts
        .contracts
        .iter()
        .filter(|c| c.year != NO_YEAR && window.contains(&c.year))
    {
        let t = &mut out[c.trade as usize];
        t.yearly_contracts += 1.0;
        t.yearly_cents += c.amount_cents.max(0);
        if c.offers > 0 {
            t.with_offers += 1;
            t.single_bid += u64::from(c.offers == 1);
            offers_by_trade[c.trade as usize][c.offers as usize] += 1;
        }
        let from = c.awardees_from as usize;
        for a in facts
            .awardees
            .get(from..from + c.awardees as usize)
            .unwrap_or(&[])
        {
            if matches!(a.zone, Zone::Metropole | Zone::Rhone | Zone::Dept69) && a.firm != NO_FIRM {
                local[c.trade as usize].insert(a.firm);
            }
        }
    }
    let years_seen = window.len().max(1) as f64;
    for (i, t) in out.iter_mut().enumerate() {
        t.yearly_contracts /= years_seen;
        t.yearly_cents = (t.yearly_cents as f64 / years_seen) as i64;
        t.median_offers = median_of_counts(&offers_by_trade[i]);
        t.platform_firms = platform[i].len() as u64;
        t.local_awardees = local[i]
            .iter()
            .filter(|f| !platform[i].contains(facts.firms[**f as usize].as_str()))
            .count() as u64;
    }
    // Planned procurements of the next 12 months.
    let until = today.checked_add_months(Months::new(12)).unwrap_or(today);
    let upcoming: Vec<plans::Model> = plans::Entity::find()
        .filter(plans::Column::Status.is_in([
            PlanStatus::Planned.as_str(),
            PlanStatus::Sourcing.as_str(),
            PlanStatus::Published.as_str(),
        ]))
        .filter(plans::Column::PublicationDate.gte(today))
        .filter(plans::Column::PublicationDate.lt(until))
        .all(db)
        .await?;
    let ids: Vec<i32> = upcoming.iter().map(|p| p.id).collect();
    let mut codes: HashMap<i32, Vec<String>> = HashMap::new();
    for c in plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        codes.entry(c.plan_id).or_default().push(c.cpv_code);
    }
    for l in plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.is_in(ids))
        .all(db)
        .await?
    {
        codes.entry(l.plan_id).or_default().push(l.cpv);
    }
    for p in &upcoming {
        let of_plan: BTreeSet<usize> = codes
            .get(&p.id)
            .map(|c| c.iter().map(|c| trades::of_cpv(c)).collect())
            .unwrap_or_default();
        for t in of_plan {
            out[t].planned += 1;
            out[t].planned_euros += p.estimate_max.or(p.estimate_min).unwrap_or(0);
        }
    }
    let mut soonest = upcoming;
    soonest.sort_by_key(|p| (p.publication_date, p.id));
    // Food products asked by quick consultations over the last 12 months, and still open.
    let now = chrono::Utc::now();
    let since = now.checked_sub_months(Months::new(12)).unwrap_or(now);
    let until = now.checked_add_months(Months::new(12)).unwrap_or(now);
    for l in crate::server::quotes::territory::asked_lines(db, since, until, now).await? {
        let t = &mut out[trades::of_cpv(&l.cpv)];
        t.quick_asked += 1;
        t.quick_unanswered += u64::from(l.unanswered());
    }
    for p in soonest.iter().take(MAX_PLANS_MATCHED) {
        let uncovered = crate::server::partners::matching::uncovered_cpv(db, p)
            .await
            .map_err(|e| DbErr::Custom(format!("matchmaking of plan {}: {e:?}", p.id)))?;
        for cpv in uncovered {
            out[trades::of_cpv(&cpv)].uncovered += 1;
        }
    }
    Ok(out)
}
