//! The territory's food purchases for the chamber: every buyer's EGalim figures of a year
//! together, and the products the quick consultations asked for with how often nobody answered
//! (also read by the shortage indicator of the food trades). Analysts and admins only: the
//! figures of each buyer are shown.

use super::egalim::this_year;
use crate::domain::egalim::{family_of, Family, FamilyLine, FIRST_YEAR};
use crate::domain::food_demand::{demand, AskedLine, BuyerYear, Territory};
use crate::domain::quotes::{egalim_from_code, Purchases, Stage};
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::entities::{
    egalim_declared, quote_answers, quote_awards, quote_lines, quote_requests,
};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The instant a year starts in Paris.
fn year_start(year: i32) -> DateTime<Utc> {
    let day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    Paris
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The product lines of the consultations whose deadline falls in `[from, to)`, with their
/// priced answers; finished when over at `now`.
pub async fn asked_lines(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<AskedLine>, DbErr> {
    let requests: HashMap<i32, quote_requests::Model> = quote_requests::Entity::find()
        .filter(quote_requests::Column::Deadline.gte(from))
        .filter(quote_requests::Column::Deadline.lt(to))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let lines = quote_lines::Entity::find()
        .filter(quote_lines::Column::RequestId.is_in(requests.keys().copied()))
        .all(db)
        .await?;
    let mut priced: HashMap<i32, u32> = HashMap::new();
    for line_id in quote_answers::Entity::find()
        .select_only()
        .column(quote_answers::Column::LineId)
        .filter(quote_answers::Column::LineId.is_in(lines.iter().map(|l| l.id)))
        .filter(quote_answers::Column::UnitPriceCents.is_not_null())
        .into_tuple::<i32>()
        .all(db)
        .await?
    {
        *priced.entry(line_id).or_default() += 1;
    }
    Ok(lines
        .into_iter()
        .filter_map(|l| {
            let r = requests.get(&l.request_id)?;
            let finished = r.deadline <= now || Stage::parse(&r.stage) != Some(Stage::Open);
            Some(AskedLine {
                priced: priced.get(&l.id).copied().unwrap_or(0),
                cpv: l.cpv_code,
                request_id: r.id,
                buyer_id: r.buyer_id,
                finished,
            })
        })
        .collect())
}

/// The territory's figures of `year` (this year when none or out of range).
pub async fn territory(
    db: &impl ConnectionTrait,
    caller: &Caller,
    year: Option<i32>,
) -> Result<Territory, AppError> {
    caller.require_analyst()?;
    let now_year = this_year();
    let year = year
        .filter(|y| (FIRST_YEAR..=now_year + 1).contains(y))
        .unwrap_or(now_year);
    let (from, to) = (year_start(year), year_start(year + 1));
    // The years that have something, for the year links.
    let mut years: BTreeSet<i32> = BTreeSet::from([now_year, year]);
    for at in quote_awards::Entity::find()
        .select_only()
        .column(quote_awards::Column::AwardedAt)
        .into_tuple::<DateTime<Utc>>()
        .all(db)
        .await?
    {
        years.insert(at.with_timezone(&Paris).year());
    }
    for y in egalim_declared::Entity::find()
        .select_only()
        .column(egalim_declared::Column::Year)
        .distinct()
        .into_tuple::<i16>()
        .all(db)
        .await?
    {
        years.insert(i32::from(y));
    }
    years.retain(|y| *y >= FIRST_YEAR);
    // The awards of the year, with their answer, line and consultation.
    let awards = quote_awards::Entity::find()
        .filter(quote_awards::Column::AwardedAt.gte(from))
        .filter(quote_awards::Column::AwardedAt.lt(to))
        .all(db)
        .await?;
    let answers: HashMap<i32, quote_answers::Model> = quote_answers::Entity::find()
        .filter(quote_answers::Column::Id.is_in(awards.iter().map(|w| w.answer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let lines: HashMap<i32, quote_lines::Model> = quote_lines::Entity::find()
        .filter(quote_lines::Column::Id.is_in(answers.values().map(|a| a.line_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let buyer_of: HashMap<i32, i32> = quote_requests::Entity::find()
        .select_only()
        .column(quote_requests::Column::Id)
        .column(quote_requests::Column::BuyerId)
        .filter(quote_requests::Column::Id.is_in(lines.values().map(|l| l.request_id)))
        .into_tuple::<(i32, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut families: BTreeMap<Family, FamilyLine> = BTreeMap::new();
    let mut by_buyer: HashMap<i32, Purchases> = HashMap::new();
    for w in &awards {
        let Some(l) = answers
            .get(&w.answer_id)
            .and_then(|a| lines.get(&a.line_id))
        else {
            continue;
        };
        let Some(buyer) = buyer_of.get(&l.request_id) else {
            continue;
        };
        let egalim = egalim_from_code(&w.egalim);
        families
            .entry(family_of(&l.cpv_code))
            .or_default()
            .awarded
            .add(w.amount_cents, egalim);
        by_buyer
            .entry(*buyer)
            .or_default()
            .add(w.amount_cents, egalim);
    }
    for d in egalim_declared::Entity::find()
        .filter(egalim_declared::Column::Year.eq(year as i16))
        .all(db)
        .await?
    {
        let Some(family) = Family::parse(&d.family) else {
            continue;
        };
        for p in [
            &mut families.entry(family).or_default().declared,
            by_buyer.entry(d.buyer_id).or_default(),
        ] {
            p.add_amounts(d.total_cents, d.quality_cents, d.organic_cents);
        }
    }
    let names = super::view::names(db, by_buyer.keys().copied()).await?;
    let mut buyers: Vec<BuyerYear> = by_buyer
        .into_iter()
        .map(|(id, purchases)| BuyerYear {
            buyer_id: id,
            name: names.get(&id).map(|o| o.name.clone()).unwrap_or_default(),
            purchases,
        })
        .collect();
    buyers.sort_by(|a, b| a.name.cmp(&b.name).then(a.buyer_id.cmp(&b.buyer_id)));
    let mut products = demand(&asked_lines(db, from, to, Utc::now()).await?);
    for p in &mut products {
        p.label = crate::server::infra::cpv::label_of(&p.cpv)
            .unwrap_or(&p.cpv)
            .to_string();
    }
    Ok(Territory {
        year,
        years: years.into_iter().rev().collect(),
        families,
        buyers,
        products,
    })
}
