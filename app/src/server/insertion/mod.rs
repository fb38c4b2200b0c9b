//! Insertion on the server: the sizing figures (labour share by trade, rate, hourly cost) read
//! for every proposal and edited by administrators, and the hours a plan or a lot stores — the
//! buyer's own number, or the proposal of the moment.

use crate::domain::insertion::{
    InsertionInput, Rates, RatesAdmin, RatesForm, Sizing, Trade, DEFAULT_HOURLY_COST, DEFAULT_RATE,
};
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{insertion_settings, insertion_trades, users};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryOrder,
};

/// The figures proposals are sized with today.
pub async fn rates(db: &impl ConnectionTrait) -> Result<Rates, AppError> {
    let trades = insertion_trades::Entity::find()
        .order_by_asc(insertion_trades::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|t| Trade {
            cpv_prefixes: t
                .cpv_prefixes
                .split_whitespace()
                .map(String::from)
                .collect(),
            key: t.key,
            label: t.label,
            labour_share: t.labour_share,
            published: t.published,
        })
        .collect();
    let settings = insertion_settings::Entity::find_by_id(1).one(db).await?;
    Ok(Rates {
        trades,
        rate: settings.as_ref().map_or(DEFAULT_RATE, |s| s.rate),
        hourly_cost: settings.map_or(DEFAULT_HOURLY_COST, |s| s.hourly_cost),
    })
}

/// What Passerelle proposes for these CPV codes and this estimate.
pub async fn propose(
    db: &impl ConnectionTrait,
    cpv: &[String],
    min: Option<i64>,
    max: Option<i64>,
) -> Result<Option<Sizing>, AppError> {
    Ok(rates(db).await?.propose(cpv, min, max))
}

/// The hours to store for this input, and whether they are the buyer's own.
pub async fn planned(
    db: &impl ConnectionTrait,
    input: &InsertionInput,
    cpv: &[String],
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(Option<i32>, bool), AppError> {
    if input.kind.is_none() || input.hours.is_some() {
        return Ok(input.planned(None));
    }
    let proposal = propose(db, cpv, min, max).await?;
    Ok(input.planned(proposal.as_ref()))
}

/// The figures with who changed them last, for administrators.
pub async fn admin_view(db: &DatabaseConnection, caller: &Caller) -> Result<RatesAdmin, AppError> {
    caller.require_admin()?;
    let settings = insertion_settings::Entity::find_by_id(1).one(db).await?;
    let updated = match settings
        .as_ref()
        .and_then(|s| s.updated_at.zip(s.updated_by))
    {
        Some((at, by)) => {
            let name = users::Entity::find_by_id(by)
                .one(db)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default();
            Some(format!("{} — {name}", at.format("%d/%m/%Y")))
        }
        None => None,
    };
    let rates = rates(db).await?;
    // A prefix read as the CPV code it starts ("4544" is 45440000, painting and glazing).
    let scopes = rates
        .trades
        .iter()
        .map(|t| {
            t.cpv_prefixes
                .iter()
                .map(|p| {
                    let code = format!("{p:0<8}");
                    match crate::server::infra::cpv::label_of(&code) {
                        Some(l) => format!("{l} ({p}…)"),
                        None => format!("{p}…"),
                    }
                })
                .collect::<Vec<_>>()
                .join(" ; ")
        })
        .collect();
    Ok(RatesAdmin {
        rates,
        scopes,
        updated,
    })
}

/// Saves the rate, the hourly cost and every trade's share, all or nothing. Plans keep the
/// hours they stored; their next save proposes with the new figures.
pub async fn save(
    db: &DatabaseConnection,
    caller: &Caller,
    form: &RatesForm,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let txn = begin_write(db).await?;
    let trades = insertion_trades::Entity::find().all(&txn).await?;
    let keys: Vec<String> = trades.iter().map(|t| t.key.clone()).collect();
    let checked = form.check(&keys)?;
    let now = Utc::now();
    for t in trades {
        let share = checked.shares.get(&t.key).copied();
        if let Some(share) = share.filter(|s| *s != t.labour_share) {
            let mut m: insertion_trades::ActiveModel = t.into();
            m.labour_share = Set(share);
            m.updated_at = Set(Some(now));
            m.updated_by = Set(Some(admin.id));
            m.update(&txn).await?;
        }
    }
    insertion_settings::Entity::delete_by_id(1)
        .exec(&txn)
        .await?;
    insertion_settings::ActiveModel {
        id: Set(1),
        rate: Set(checked.rate),
        hourly_cost: Set(checked.hourly_cost),
        updated_at: Set(Some(now)),
        updated_by: Set(Some(admin.id)),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}
