//! A buyer's EGalim panel: its quick consultations' awards of a year (Paris time), by product
//! family and EGalim category, with the amounts it declares from its other channels; the
//! declaration's CSV. Read by the buyer's members; declared by its verified members.

use crate::domain::egalim::{family_of, AwardLine, Declared, DeclaredForm, FamilyLine, Panel};
use crate::domain::org::OrgKind;
use crate::domain::quotes::egalim_from_code;
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    egalim_declared, organisations, quote_answers, quote_awards, quote_lines, quote_requests,
};
use chrono::{Datelike, Utc};
use chrono_tz::Europe::Paris;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The year it is in Paris.
pub fn this_year() -> i32 {
    Utc::now().with_timezone(&Paris).year()
}

/// The caller must be a member of buyer `org_id`.
fn buyer_member(caller: &Caller, org_id: i32) -> Result<organisations::Model, AppError> {
    caller.user()?;
    match caller.membership(org_id) {
        Some((_, o)) if o.kind == OrgKind::Buyer.as_str() => Ok(o.clone()),
        _ => Err(AppError::Forbidden),
    }
}

/// Buyer `org_id`'s panel for `year` (this year when none).
pub async fn panel(
    db: &impl ConnectionTrait,
    caller: &Caller,
    org_id: i32,
    year: Option<i32>,
) -> Result<Panel, AppError> {
    let buyer = buyer_member(caller, org_id)?;
    let now_year = this_year();
    let year = year
        .filter(|y| (crate::domain::egalim::FIRST_YEAR..=now_year + 1).contains(y))
        .unwrap_or(now_year);
    let requests: HashMap<i32, quote_requests::Model> = quote_requests::Entity::find()
        .filter(quote_requests::Column::BuyerId.eq(org_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let lines: HashMap<i32, quote_lines::Model> = quote_lines::Entity::find()
        .filter(quote_lines::Column::RequestId.is_in(requests.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let answers: HashMap<i32, quote_answers::Model> = quote_answers::Entity::find()
        .filter(quote_answers::Column::LineId.is_in(lines.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let awards = quote_awards::Entity::find()
        .filter(quote_awards::Column::AnswerId.is_in(answers.keys().copied()))
        .all(db)
        .await?;
    let suppliers = super::view::names(db, answers.values().map(|a| a.organisation_id)).await?;
    let declared = egalim_declared::Entity::find()
        .filter(egalim_declared::Column::BuyerId.eq(org_id))
        .all(db)
        .await?;
    let mut years: BTreeSet<i32> = BTreeSet::from([now_year, year]);
    years.extend(declared.iter().map(|d| i32::from(d.year)));
    let mut families: BTreeMap<_, FamilyLine> = BTreeMap::new();
    let mut counted = Vec::new();
    for w in awards {
        let on = w.awarded_at.with_timezone(&Paris).year();
        years.insert(on);
        if on != year {
            continue;
        }
        let Some(a) = answers.get(&w.answer_id) else {
            continue;
        };
        let Some(l) = lines.get(&a.line_id) else {
            continue;
        };
        let egalim = egalim_from_code(&w.egalim);
        families
            .entry(family_of(&l.cpv_code))
            .or_default()
            .awarded
            .add(w.amount_cents, egalim);
        counted.push(AwardLine {
            quote_id: l.request_id,
            title: requests
                .get(&l.request_id)
                .map(|r| r.title.clone())
                .unwrap_or_default(),
            product: crate::server::infra::cpv::label_of(&l.cpv_code)
                .unwrap_or(&l.cpv_code)
                .to_string(),
            supplier: suppliers
                .get(&a.organisation_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            amount_cents: w.amount_cents,
            egalim,
        });
    }
    for d in declared.iter().filter(|d| i32::from(d.year) == year) {
        let Some(family) = crate::domain::egalim::Family::parse(&d.family) else {
            continue;
        };
        families.entry(family).or_default().declared.add_amounts(
            d.total_cents,
            d.quality_cents,
            d.organic_cents,
        );
    }
    counted.sort_by(|a, b| a.title.cmp(&b.title).then(a.supplier.cmp(&b.supplier)));
    Ok(Panel {
        buyer_id: org_id,
        buyer_name: buyer.name,
        year,
        years: years.into_iter().rev().collect(),
        families,
        awards: counted,
    })
}

/// A verified member of buyer `org_id` declares its amounts of a year and family from its other
/// channels (again: replaced). Returns the year.
pub async fn declare(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
    form: &DeclaredForm,
) -> Result<i32, AppError> {
    caller.require_verified_buyer(org_id)?;
    let Declared {
        year,
        family,
        purchases,
    } = form.check(this_year())?;
    let txn = begin_write(db).await?;
    let existing = egalim_declared::Entity::find()
        .filter(egalim_declared::Column::BuyerId.eq(org_id))
        .filter(egalim_declared::Column::Year.eq(year))
        .filter(egalim_declared::Column::Family.eq(family.as_str()))
        .one(&txn)
        .await?;
    let mut row: egalim_declared::ActiveModel = match existing {
        Some(r) => r.into(),
        None => egalim_declared::ActiveModel {
            buyer_id: Set(org_id),
            year: Set(year),
            family: Set(family.as_str().into()),
            ..Default::default()
        },
    };
    row.total_cents = Set(purchases.total_cents);
    row.quality_cents = Set(purchases.quality_cents);
    row.organic_cents = Set(purchases.organic_cents);
    row.updated_at = Set(Utc::now());
    row.save(&txn).await?;
    txn.commit().await?;
    Ok(i32::from(year))
}
