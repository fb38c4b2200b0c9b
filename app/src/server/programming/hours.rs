//! Insertion hours worked on an awarded plan: the awardee's members (the organisation the buyer
//! named, or those whose SIRET the linked contract names) or the territory's facilitator record
//! them, the facilitator validates them, everyone sees planned against done, and the buyer and
//! facilitators are told once when the contract is late on its hours.

use super::facilitators::{area_of_buyer, facilitators_of, has_lever, plan_of};
use crate::domain::insertion_hours::{
    is_late, month_input, month_of, month_text, HourKind, HoursEntry, HoursForm, HoursRole,
    HoursView,
};
use crate::domain::insertion_stats::{InsertionStats, StatRow};
use crate::domain::programming::PlanStatus;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    contract_awardees, insertion_hours, organisations, plan_cpv, plan_events, plan_interests,
    plan_lots, plans, users,
};
use crate::server::infra::mail::Mailer;
use crate::server::infra::notifications::tell_all;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Entries of one plan for one month, at most.
pub const MAX_PER_MONTH: u64 = 40;

/// Today in Paris: the month hours may be recorded up to.
pub fn paris_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// The Passerelle organisations that won the plan's linked contract (by SIRET).
async fn awardee_orgs(db: &impl ConnectionTrait, p: &plans::Model) -> Result<Vec<i32>, AppError> {
    let named: Vec<i32> = p.awardee_org_id.into_iter().collect();
    let Some(contract) = p.contract_id else {
        return Ok(named);
    };
    let sirets: Vec<String> = contract_awardees::Entity::find()
        .filter(contract_awardees::Column::ContractId.eq(contract))
        .filter(contract_awardees::Column::IsCurrent.eq(true))
        .filter(contract_awardees::Column::IdType.eq("SIRET"))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.awardee_id)
        .collect();
    if sirets.is_empty() {
        return Ok(named);
    }
    let mut ids = named;
    ids.extend(
        organisations::Entity::find()
            .filter(organisations::Column::Siret.is_in(sirets))
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.id),
    );
    Ok(ids)
}

/// What the caller is to the plan's hours; none for the public.
async fn role_of(
    db: &impl ConnectionTrait,
    caller: &Caller,
    p: &plans::Model,
) -> Result<Option<HoursRole>, AppError> {
    let Some(user) = caller.user.as_ref() else {
        return Ok(None);
    };
    if let Some(area) = &user.facilitator_area {
        if area_of_buyer(db, p.buyer_id).await?.as_ref() == Some(area) {
            return Ok(Some(HoursRole::Facilitator));
        }
    }
    let awardees = awardee_orgs(db, p).await?;
    if awardees
        .iter()
        .any(|id| caller.require_acting_for(*id).is_ok())
    {
        return Ok(Some(HoursRole::Awardee));
    }
    Ok(caller
        .membership(p.buyer_id)
        .is_some()
        .then_some(HoursRole::Buyer))
}

/// The hours the plan's clauses plan: its own and its lots'.
fn planned(p: &plans::Model, lots: &[plan_lots::Model]) -> i64 {
    let own = p
        .insertion_kind
        .as_ref()
        .and(p.insertion_hours)
        .unwrap_or(0) as i64;
    own + lots
        .iter()
        .filter(|l| l.insertion_kind.is_some())
        .filter_map(|l| l.insertion_hours)
        .map(i64::from)
        .sum::<i64>()
}

async fn lots_of(
    db: &impl ConnectionTrait,
    plan_id: i32,
) -> Result<Vec<plan_lots::Model>, AppError> {
    Ok(plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(plan_id))
        .order_by_asc(plan_lots::Column::Number)
        .all(db)
        .await?)
}

/// When the contract started, for the late rule: the plan's start date, else the day it was
/// marked awarded.
async fn started_on(db: &impl ConnectionTrait, p: &plans::Model) -> Result<NaiveDate, AppError> {
    if let Some(d) = p.start_date {
        return Ok(d);
    }
    let awarded = plan_events::Entity::find()
        .filter(plan_events::Column::PlanId.eq(p.id))
        .filter(plan_events::Column::Status.eq(PlanStatus::Awarded.as_str()))
        .order_by_desc(plan_events::Column::Id)
        .one(db)
        .await?;
    Ok(paris_today(
        awarded.map(|e| e.created_at).unwrap_or(p.updated_at),
    ))
}

/// Validated hours of each plan, by type.
async fn validated_by_kind(
    db: &impl ConnectionTrait,
    plan_ids: &[i32],
) -> Result<HashMap<i32, HashMap<String, i64>>, AppError> {
    let rows: Vec<(i32, String, Option<i64>)> = insertion_hours::Entity::find()
        .select_only()
        .column(insertion_hours::Column::PlanId)
        .column(insertion_hours::Column::Kind)
        .column_as(insertion_hours::Column::Hours.sum(), "hours")
        .filter(insertion_hours::Column::PlanId.is_in(plan_ids.to_vec()))
        .filter(insertion_hours::Column::ValidatedAt.is_not_null())
        .group_by(insertion_hours::Column::PlanId)
        .group_by(insertion_hours::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i32, HashMap<String, i64>> = HashMap::new();
    for (plan, kind, hours) in rows {
        *out.entry(plan).or_default().entry(kind).or_default() += hours.unwrap_or(0);
    }
    Ok(out)
}

/// An awarded plan's hours with an insertion lever: totals for everyone, the entries and the
/// form for its parties; none when the plan is not awarded or has no lever.
pub async fn view(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
    now: DateTime<Utc>,
) -> Result<Option<HoursView>, AppError> {
    let p = plan_of(db, plan_id).await?;
    if p.status != PlanStatus::Awarded.as_str() || !has_lever(db, &p).await? {
        return Ok(None);
    }
    let today = paris_today(now);
    let lots = lots_of(db, plan_id).await?;
    let planned = planned(&p, &lots);
    let role = role_of(db, caller, &p).await?;
    let rows = insertion_hours::Entity::find()
        .filter(insertion_hours::Column::PlanId.eq(plan_id))
        .order_by_desc(insertion_hours::Column::Period)
        .order_by_desc(insertion_hours::Column::Id)
        .all(db)
        .await?;
    let done: i64 = rows
        .iter()
        .filter(|r| r.validated_at.is_some())
        .map(|r| r.hours as i64)
        .sum();
    let pending: i64 = rows
        .iter()
        .filter(|r| r.validated_at.is_none())
        .map(|r| r.hours as i64)
        .sum();
    let by_kind = HourKind::ALL
        .into_iter()
        .map(|k| {
            let h = rows
                .iter()
                .filter(|r| r.validated_at.is_some() && r.kind == k.as_str())
                .map(|r| r.hours as i64)
                .sum();
            (k, h)
        })
        .collect();
    let late = is_late(
        planned,
        done,
        started_on(db, &p).await?,
        p.duration_months,
        today,
    );
    let entries = match role {
        None => vec![],
        Some(role) => {
            let people: HashMap<i32, String> = users::Entity::find()
                .filter(
                    users::Column::Id.is_in(
                        rows.iter()
                            .flat_map(|r| [r.recorded_by, r.validated_by])
                            .flatten(),
                    ),
                )
                .all(db)
                .await?
                .into_iter()
                .map(|u| (u.id, u.display_name))
                .collect();
            let titles: HashMap<i32, String> =
                lots.iter().map(|l| (l.id, l.title.clone())).collect();
            let me = caller.user.as_ref().map(|u| u.id);
            rows.into_iter()
                .map(|r| {
                    let validated = r.validated_at.is_some();
                    HoursEntry {
                        id: r.id,
                        period: month_text(r.period),
                        kind: HourKind::parse(&r.kind).unwrap_or(HourKind::Direct),
                        hours: r.hours,
                        lot: r.lot_id.and_then(|l| titles.get(&l).cloned()),
                        recorded_by: r.recorded_by.and_then(|u| people.get(&u).cloned()),
                        recorded_at: crate::domain::sourcing::paris_text(r.recorded_at),
                        validated: r.validated_at.map(|at| {
                            (
                                r.validated_by.and_then(|u| people.get(&u).cloned()),
                                crate::domain::sourcing::paris_text(at),
                            )
                        }),
                        can_validate: role == HoursRole::Facilitator && !validated,
                        can_remove: !validated
                            && (role == HoursRole::Facilitator
                                || (role == HoursRole::Awardee && r.recorded_by == me)),
                    }
                })
                .collect()
        }
    };
    Ok(Some(HoursView {
        planned,
        done,
        pending,
        by_kind,
        late,
        role,
        entries,
        lots: lots
            .into_iter()
            .filter(|l| l.insertion_kind.is_some())
            .map(|l| (l.id, l.title))
            .collect(),
        this_month: month_input(month_of(today)),
        awardees: organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(awardee_orgs(db, &p).await?))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect(),
    }))
}

/// Records hours on an awarded plan with a lever, by the awardee or the territory's
/// facilitator; the facilitators are told when the awardee records.
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
    form: &HoursForm,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let user = caller.user()?;
    let p = plan_of(db, plan_id).await?;
    let role = role_of(db, caller, &p).await?;
    if !matches!(role, Some(HoursRole::Facilitator | HoursRole::Awardee)) {
        return Err(AppError::Forbidden);
    }
    if p.status != PlanStatus::Awarded.as_str() {
        return Err(AppError::field("period", "insertion.hours.not_awarded"));
    }
    if !has_lever(db, &p).await? {
        return Err(AppError::field("hours", "insertion.follow.no_lever"));
    }
    let lots: Vec<i32> = lots_of(db, plan_id)
        .await?
        .into_iter()
        .filter(|l| l.insertion_kind.is_some())
        .map(|l| l.id)
        .collect();
    let input = form.check(paris_today(now), &lots)?;
    // A month has a few entries (a type, a lot each): a flood of them is refused.
    let that_month = insertion_hours::Entity::find()
        .filter(insertion_hours::Column::PlanId.eq(plan_id))
        .filter(insertion_hours::Column::Period.eq(input.period))
        .count(db)
        .await?;
    if that_month >= MAX_PER_MONTH {
        return Err(AppError::field("period", "insertion.hours.too_many"));
    }
    insertion_hours::ActiveModel {
        plan_id: Set(plan_id),
        lot_id: Set(input.lot),
        period: Set(input.period),
        kind: Set(input.kind.as_str().into()),
        hours: Set(input.hours),
        recorded_by: Set(Some(user.id)),
        recorded_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if role == Some(HoursRole::Awardee) {
        if let Some(area) = area_of_buyer(db, p.buyer_id).await? {
            let people = facilitators_of(db, &area).await?;
            let url = format!("/programmation/{plan_id}#heures-insertion");
            tell_all(db, None, &people, &url, |lang| {
                tr(lang, "insertion.hours.notify_recorded").replace("%{title}", &p.title)
            })
            .await;
        }
    }
    Ok(())
}

/// The entry and its plan, if the caller facilitates the plan's territory or (`awardee_too`)
/// recorded it as the awardee.
async fn entry_for(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
    awardee_too: bool,
) -> Result<(insertion_hours::Model, plans::Model), AppError> {
    let user = caller.user()?;
    let entry = insertion_hours::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = plan_of(db, entry.plan_id).await?;
    match role_of(db, caller, &p).await? {
        Some(HoursRole::Facilitator) => Ok((entry, p)),
        Some(HoursRole::Awardee) if awardee_too && entry.recorded_by == Some(user.id) => {
            Ok((entry, p))
        }
        _ => Err(AppError::Forbidden),
    }
}

/// Validates an entry (the territory's facilitator only); validating twice changes nothing.
/// Returns its plan.
pub async fn validate(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let user = caller.user()?;
    let txn = begin_write(db).await?;
    let (entry, p) = entry_for(&txn, caller, id, false).await?;
    if entry.validated_at.is_none() {
        let mut m: insertion_hours::ActiveModel = entry.into();
        m.validated_by = Set(Some(user.id));
        m.validated_at = Set(Some(now));
        m.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(p.id)
}

/// Removes an entry not validated yet: by the facilitator, or by the awardee's member who
/// recorded it (a validated entry stays: 422), once confirmed. Returns its plan.
pub async fn remove(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    confirmed: bool,
) -> Result<i32, AppError> {
    let txn = begin_write(db).await?;
    let (entry, p) = entry_for(&txn, caller, id, true).await?;
    if !confirmed {
        return Err(AppError::field(
            "confirm",
            "insertion.hours.remove_confirm_needed",
        ));
    }
    if entry.validated_at.is_some() {
        return Err(AppError::field("entry", "insertion.hours.validated_stays"));
    }
    insertion_hours::Entity::delete_by_id(entry.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(p.id)
}

/// Tells the buyer's members and the territory's facilitators, once per plan, that an awarded
/// contract is late on its insertion hours (`domain::insertion_hours::is_late`). Two instances
/// running this at once send it once: the plan is claimed before anyone is told. Returns how
/// many plans were told of.
pub async fn late_alerts(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    use sea_orm::sea_query::Expr;
    let today = paris_today(now);
    let candidates = plans::Entity::find()
        .filter(plans::Column::Status.eq(PlanStatus::Awarded.as_str()))
        .filter(plans::Column::InsertionLateSentAt.is_null())
        .filter(super::insertion_lever())
        .all(db)
        .await?;
    let ids: Vec<i32> = candidates.iter().map(|p| p.id).collect();
    let done = validated_by_kind(db, &ids).await?;
    let mut told = 0;
    for p in candidates {
        let lots = lots_of(db, p.id).await?;
        let planned = planned(&p, &lots);
        let done: i64 = done.get(&p.id).map(|k| k.values().sum()).unwrap_or(0);
        if !is_late(
            planned,
            done,
            started_on(db, &p).await?,
            p.duration_months,
            today,
        ) {
            continue;
        }
        let claimed = plans::Entity::update_many()
            .col_expr(plans::Column::InsertionLateSentAt, Expr::value(now))
            .filter(plans::Column::Id.eq(p.id))
            .filter(plans::Column::InsertionLateSentAt.is_null())
            .exec(db)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        let mut people = crate::server::partners::answers::members(db, p.buyer_id).await?;
        if let Some(area) = area_of_buyer(db, p.buyer_id).await? {
            people.extend(facilitators_of(db, &area).await?);
        }
        let url = format!("/programmation/{}#heures-insertion", p.id);
        let progress = crate::domain::insertion_hours::progress_text(done, planned);
        tell_all(db, Some((mailer, public_url)), &people, &url, |lang| {
            tr(lang, "insertion.hours.notify_late")
                .replace("%{title}", &p.title)
                .replace("%{progress}", &progress)
        })
        .await;
        told += 1;
    }
    Ok(told)
}

/// The territory's insertion: the public plans (not drafts, not cancelled) with a lever or
/// reserved, their planned and validated hours, by trade (of their and their lots' CPV codes,
/// as sizing reads them) and by buyer.
pub async fn territory(db: &DatabaseConnection) -> Result<InsertionStats, AppError> {
    let ps = plans::Entity::find()
        .filter(
            plans::Column::Status
                .is_not_in([PlanStatus::Draft.as_str(), PlanStatus::Cancelled.as_str()]),
        )
        .filter(
            Condition::any()
                .add(super::insertion_lever())
                .add(plans::Column::Reserved.is_not_null()),
        )
        .order_by_asc(plans::Column::Id)
        .all(db)
        .await?;
    let mut lots: HashMap<i32, Vec<plan_lots::Model>> = HashMap::new();
    let mut cpv: HashMap<i32, Vec<String>> = HashMap::new();
    let mut done: HashMap<i32, HashMap<String, i64>> = HashMap::new();
    let mut pending = 0i64;
    // In chunks: a national territory has thousands of such plans, SQLite takes 32k parameters.
    for chunk in ps.chunks(1000) {
        let ids: Vec<i32> = chunk.iter().map(|p| p.id).collect();
        for l in plan_lots::Entity::find()
            .filter(plan_lots::Column::PlanId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            cpv.entry(l.plan_id)
                .or_default()
                .extend(l.cpv.split(',').map(|c| c.trim().to_string()));
            lots.entry(l.plan_id).or_default().push(l);
        }
        for c in plan_cpv::Entity::find()
            .filter(plan_cpv::Column::PlanId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            cpv.entry(c.plan_id).or_default().push(c.cpv_code);
        }
        done.extend(validated_by_kind(db, &ids).await?);
        let waiting: Option<i64> = insertion_hours::Entity::find()
            .select_only()
            .column_as(insertion_hours::Column::Hours.sum(), "hours")
            .filter(insertion_hours::Column::PlanId.is_in(ids))
            .filter(insertion_hours::Column::ValidatedAt.is_null())
            .into_tuple()
            .one(db)
            .await?
            .flatten();
        pending += waiting.unwrap_or(0);
    }
    let rates = crate::server::insertion::rates(db).await?;
    let buyers: HashMap<i32, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ps.iter().map(|p| p.buyer_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut stats = InsertionStats::default();
    let mut by_trade: HashMap<String, StatRow> = HashMap::new();
    let mut by_buyer: HashMap<i32, StatRow> = HashMap::new();
    let mut kinds: HashMap<String, i64> = HashMap::new();
    for p in &ps {
        let lots = lots.remove(&p.id).unwrap_or_default();
        let lever = p.insertion_kind.is_some() || lots.iter().any(|l| l.insertion_kind.is_some());
        let reserved = p.reserved.is_some();
        let awarded = p.status == PlanStatus::Awarded.as_str();
        let planned = planned(p, &lots);
        let hours = done.get(&p.id);
        let done: i64 = hours.map(|k| k.values().sum()).unwrap_or(0);
        for (k, h) in hours.into_iter().flatten() {
            *kinds.entry(k.clone()).or_default() += h;
        }
        let trade = cpv
            .get(&p.id)
            .and_then(|c| rates.trade_for(c))
            .map(|t| t.label.clone())
            .unwrap_or_default();
        stats.total.add(lever, reserved, awarded, planned, done);
        by_trade
            .entry(trade.clone())
            .or_insert_with(|| StatRow {
                label: trade,
                ..Default::default()
            })
            .add(lever, reserved, awarded, planned, done);
        by_buyer
            .entry(p.buyer_id)
            .or_insert_with(|| StatRow {
                label: buyers.get(&p.buyer_id).cloned().unwrap_or_default(),
                buyer_id: Some(p.buyer_id),
                ..Default::default()
            })
            .add(lever, reserved, awarded, planned, done);
    }
    stats.pending = pending;
    stats.by_kind = HourKind::ALL
        .into_iter()
        .map(|k| (k, kinds.get(k.as_str()).copied().unwrap_or(0)))
        .collect();
    stats.by_trade = by_trade.into_values().collect();
    stats.by_buyer = by_buyer.into_values().collect();
    stats.sort();
    Ok(stats)
}

/// The awardee the buyer named, if its organisation still exists, and the names to suggest
/// (the firms interested in the procurement).
pub(super) async fn awardee_choices(
    db: &impl ConnectionTrait,
    p: &plans::Model,
) -> Result<(Option<(i32, String)>, Vec<String>), AppError> {
    let current = match p.awardee_org_id {
        Some(id) => organisations::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|o| (o.id, o.name)),
        None => None,
    };
    let interested = plan_interests::Entity::find()
        .filter(plan_interests::Column::PlanId.eq(p.id))
        .all(db)
        .await?;
    let mut names: Vec<String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(interested.iter().map(|i| i.organisation_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.name)
        .collect();
    names.sort();
    names.dedup();
    Ok((current, names))
}

/// The firm a buyer names as awardee: by SIRET, or by its exact name in the directory (case
/// aside) when only one has it.
async fn find_awardee(
    db: &impl ConnectionTrait,
    text: &str,
) -> Result<organisations::Model, AppError> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let field = |key| AppError::field("awardee", key);
    if let Ok(siret) = crate::domain::siret::Siret::parse(text) {
        return organisations::Entity::find()
            .filter(organisations::Column::Siret.eq(siret.as_str()))
            .filter(organisations::Column::Kind.ne(crate::domain::org::OrgKind::Buyer.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| field("plan.awardee_unknown"));
    }
    let name = text.trim().to_lowercase();
    let mut found: Vec<organisations::Model> = organisations::Entity::find()
        .filter(organisations::Column::Kind.ne(crate::domain::org::OrgKind::Buyer.as_str()))
        .filter(Expr::expr(Func::lower(Expr::col(organisations::Column::Name))).eq(name))
        .limit(2)
        .all(db)
        .await?;
    if found.len() > 1 {
        return Err(field("plan.awardee_ambiguous"));
    }
    found.pop().ok_or_else(|| field("plan.awardee_unknown"))
}

/// Names the awardee of an awarded procurement among the organisations ("" forgets it); its
/// members may then record the insertion hours, and are told so when the plan has a lever.
pub async fn set_awardee(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
    text: &str,
) -> Result<(), AppError> {
    let p = super::writable(db, caller, plan_id).await?;
    if p.status != PlanStatus::Awarded.as_str() {
        return Err(AppError::field("awardee", "plan.not_awarded"));
    }
    let org = match text.trim() {
        "" => None,
        t => Some(find_awardee(db, t).await?),
    };
    let id = org.as_ref().map(|o| o.id);
    if p.awardee_org_id == id {
        return Ok(());
    }
    let lever = has_lever(db, &p).await?;
    let title = p.title.clone();
    let mut m: plans::ActiveModel = p.into();
    m.awardee_org_id = Set(id);
    m.updated_at = Set(Utc::now());
    m.update(db).await?;
    if let (Some(org), true) = (org, lever) {
        let people = crate::server::partners::answers::members(db, org.id).await?;
        let url = format!("/programmation/{plan_id}#heures-insertion");
        tell_all(db, None, &people, &url, |lang| {
            tr(lang, "insertion.hours.notify_awardee").replace("%{title}", &title)
        })
        .await;
    }
    Ok(())
}
