//! Sourcing meetings: seats or 1:1 slots, a registration deadline and a waiting list. A
//! registration locks its meeting's row, so concurrent registrations queue and none overbooks
//! (and a unique index holds each slot to one firm whatever happens); a cancellation gives the
//! freed seat or slot to the first firm waiting, which is told by email. Reminders leave the
//! day before; each meeting has its iCalendar file and each person a private feed.

mod registrations;
pub use registrations::*;
mod calendar;
pub use calendar::*;

use super::{
    before_tender, csv_of, managed_plan, manages, mark_sourcing, plan_names, plan_of, read_plan,
};
use crate::domain::org::OrgKind;
use crate::domain::sourcing::{
    paris_hm, paris_text, place, registration_open, reminder_due, slots, MeetingAdmin, MeetingForm,
    MeetingSummary, MeetingView, MyMeetings, Placement, RegStatus, RegistrationView,
};
use crate::error::AppError;
use crate::server::auth::member_business;
use crate::server::auth::Caller;
use crate::server::infra::db::{begin_locking, begin_write};
use crate::server::infra::entities::{meeting_registrations, meetings, organisations, users};
use crate::server::infra::mail::Mailer;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// A meeting as the iCalendar feeds need it.
pub struct CalendarItem {
    pub meeting: meetings::Model,
    pub summary: MeetingSummary,
    /// The person's slot: (start, end).
    pub slot: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

async fn meeting_of(db: &impl ConnectionTrait, id: i32) -> Result<meetings::Model, AppError> {
    meetings::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The start and end of a slot of this meeting.
fn slot_span(m: &meetings::Model, slot: i32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let minutes = m.slot_minutes?;
    let start = *slots(m.starts_at, m.ends_at, minutes).get(slot as usize)?;
    Some((start, start + Duration::minutes(minutes as i64)))
}

fn slot_text(m: &meetings::Model, slot: i32) -> Option<String> {
    slot_span(m, slot).map(|(s, e)| format!("{}–{}", paris_hm(s), paris_hm(e)))
}

/// A new meeting for the plan; its id. The plan, if only planned, is now in sourcing.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
    form: &MeetingForm,
) -> Result<i32, AppError> {
    let user = caller.user()?.id;
    let txn = begin_write(db).await?;
    let plan = managed_plan(&txn, caller, plan_id).await?;
    before_tender(&plan, "title")?;
    let now = Utc::now();
    // The form shares the procurement's editor with its fields: its inputs are `m_<field>`.
    let m = form.check(now).map_err(|e| e.prefixed("m_"))?;
    let id = meetings::ActiveModel {
        plan_id: Set(plan_id),
        title: Set(m.title),
        description: Set(m.description),
        starts_at: Set(m.starts_at),
        ends_at: Set(m.ends_at),
        place: Set(m.place),
        online_url: Set(m.online_url),
        capacity: Set(m.capacity),
        slot_minutes: Set(m.slot_minutes),
        registration_deadline: Set(m.deadline),
        created_by: Set(Some(user)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?
    .id;
    mark_sourcing(&txn, &plan, user).await?;
    txn.commit().await?;
    Ok(id)
}

/// Meetings as listed.
async fn summaries(
    db: &impl ConnectionTrait,
    rows: Vec<meetings::Model>,
) -> Result<Vec<MeetingSummary>, AppError> {
    let names = plan_names(db, rows.iter().map(|m| m.plan_id)).await?;
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let counts: Vec<(i32, String, i64)> = meeting_registrations::Entity::find()
        .select_only()
        .column(meeting_registrations::Column::MeetingId)
        .column(meeting_registrations::Column::Status)
        .column_as(meeting_registrations::Column::Id.count(), "n")
        .filter(meeting_registrations::Column::MeetingId.is_in(ids))
        .group_by(meeting_registrations::Column::MeetingId)
        .group_by(meeting_registrations::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let count = |id: i32, s: RegStatus| {
        counts
            .iter()
            .find(|(m, st, _)| *m == id && st == s.as_str())
            .map(|(_, _, n)| *n as i32)
            .unwrap_or(0)
    };
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|m| {
            let (plan_title, buyer_id, buyer_name) =
                names.get(&m.plan_id).cloned().unwrap_or_default();
            MeetingSummary {
                id: m.id,
                title: m.title.clone(),
                plan_id: m.plan_id,
                plan_title,
                buyer_id,
                buyer_name,
                starts: paris_text(m.starts_at),
                ends: paris_hm(m.ends_at),
                place: m.place.clone(),
                online: m.online_url.is_some(),
                capacity: m.capacity,
                confirmed: count(m.id, RegStatus::Confirmed),
                waiting: count(m.id, RegStatus::Waiting),
                slot_minutes: m.slot_minutes,
                deadline: paris_text(m.registration_deadline),
                open_now: registration_open(m.registration_deadline, m.cancelled_at.is_some(), now),
                cancelled: m.cancelled_at.is_some(),
            }
        })
        .collect())
}

/// Meetings to come (of these plans, when given), the soonest first.
pub async fn upcoming(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    plans: Option<&[i32]>,
) -> Result<Vec<MeetingSummary>, AppError> {
    let mut q = meetings::Entity::find()
        .filter(meetings::Column::EndsAt.gt(now))
        .filter(meetings::Column::CancelledAt.is_null());
    if let Some(p) = plans {
        q = q.filter(meetings::Column::PlanId.is_in(p.to_vec()));
    }
    let rows = q
        .order_by_asc(meetings::Column::StartsAt)
        .limit(50)
        .all(db)
        .await?;
    summaries(db, rows).await
}

/// Every meeting of these plans, the latest first.
pub async fn of_plans(
    db: &DatabaseConnection,
    plan_ids: &[i32],
) -> Result<Vec<MeetingSummary>, AppError> {
    let rows = meetings::Entity::find()
        .filter(meetings::Column::PlanId.is_in(plan_ids.to_vec()))
        .order_by_desc(meetings::Column::StartsAt)
        .all(db)
        .await?;
    summaries(db, rows).await
}

/// Registrations as shown, with each waiting one's place in the queue.
async fn registration_views(
    db: &impl ConnectionTrait,
    m: &meetings::Model,
    rows: Vec<meeting_registrations::Model>,
) -> Result<Vec<RegistrationView>, AppError> {
    let orgs: HashMap<i32, organisations::Model> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(rows.iter().map(|r| r.organisation_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let people: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().filter_map(|r| r.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let queue: Vec<i32> = active(db, m.id)
        .await?
        .into_iter()
        .filter(|r| r.status == RegStatus::Waiting.as_str())
        .map(|r| r.id)
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let o = orgs.get(&r.organisation_id)?;
            let status = RegStatus::parse(&r.status)?;
            Some(RegistrationView {
                id: r.id,
                org_id: o.id,
                org_name: o.name.clone(),
                siret: o.siret.clone(),
                person: r
                    .user_id
                    .and_then(|u| people.get(&u).cloned())
                    .unwrap_or_default(),
                status,
                slot: r.slot.and_then(|s| slot_text(m, s).map(|t| (s, t))),
                rank: queue.iter().position(|q| *q == r.id).map(|p| p + 1),
                on: paris_text(r.created_at),
            })
        })
        .collect())
}

/// A meeting for whoever reads it, with the caller's firms' registrations.
pub async fn view(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<MeetingView, AppError> {
    let m = meeting_of(db, id).await?;
    let plan = plan_of(db, m.plan_id).await?;
    let regs = active(db, id).await?;
    let orgs: Vec<(i32, String)> = caller
        .orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Business.as_str())
        .map(|(_, o)| (o.id, o.name.clone()))
        .collect();
    let mine_rows: Vec<meeting_registrations::Model> = regs
        .iter()
        .filter(|r| orgs.iter().any(|(o, _)| *o == r.organisation_id))
        .cloned()
        .collect();
    let taken: Vec<i32> = regs
        .iter()
        .filter(|r| r.status == RegStatus::Confirmed.as_str())
        .filter_map(|r| r.slot)
        .collect();
    let slot_list = match m.slot_minutes {
        Some(minutes) => slots(m.starts_at, m.ends_at, minutes)
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let i = i as i32;
                let text = format!(
                    "{}–{}",
                    paris_hm(s),
                    paris_hm(s + Duration::minutes(minutes as i64))
                );
                (i, text, !taken.contains(&i))
            })
            .collect(),
        None => vec![],
    };
    let mine = registration_views(db, &m, mine_rows).await?;
    let description = m.description.clone();
    let online_url = m.online_url.clone();
    let summary = summaries(db, vec![m])
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    let can_manage = manages(caller, &plan);
    let can_read = can_manage
        || (caller.user.is_some()
            && crate::server::programming::joint::reads(db, caller, &plan).await?);
    Ok(MeetingView {
        summary,
        description,
        online_url,
        slots: slot_list,
        orgs,
        mine,
        signed_in: caller.user.is_some(),
        can_manage,
        can_read,
    })
}

/// A meeting for its buyers (the coordinator and the members of its groupement de commandes):
/// every registration, confirmed then waiting, then cancelled.
pub async fn for_buyer(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<MeetingAdmin, AppError> {
    caller.user()?;
    let m = meeting_of(db, id).await?;
    read_plan(db, caller, m.plan_id).await?;
    let rows = meeting_registrations::Entity::find()
        .filter(meeting_registrations::Column::MeetingId.eq(id))
        .order_by_asc(meeting_registrations::Column::Id)
        .all(db)
        .await?;
    let mut registrations = registration_views(db, &m, rows).await?;
    let order = |s: RegStatus| match s {
        RegStatus::Confirmed => 0,
        RegStatus::Waiting => 1,
        RegStatus::Cancelled => 2,
    };
    registrations.sort_by_key(|r| (order(r.status), r.slot.as_ref().map(|s| s.0), r.id));
    Ok(MeetingAdmin {
        meeting: view(db, caller, id).await?,
        registrations,
    })
}

/// The attendees as CSV.
pub async fn csv(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<String, AppError> {
    let a = for_buyer(db, caller, id).await?;
    let rows: Vec<Vec<String>> = a
        .registrations
        .into_iter()
        .map(|r| {
            vec![
                r.siret,
                r.org_name,
                r.person,
                match r.status {
                    RegStatus::Confirmed => "inscrite".into(),
                    RegStatus::Waiting => format!("liste d'attente ({})", r.rank.unwrap_or(0)),
                    RegStatus::Cancelled => "annulée".into(),
                },
                r.slot.map(|s| s.1).unwrap_or_default(),
                r.on,
            ]
        })
        .collect();
    csv_of(
        &[
            "siret",
            "entreprise",
            "personne",
            "statut",
            "creneau",
            "inscrite_le",
        ],
        &rows,
    )
}

/// The meetings of the firms a person is a member of (not cancelled registrations), soonest
/// first, for `/compte/reunions` and the person's calendar feed.
async fn of_person(
    db: &DatabaseConnection,
    user_id: i32,
) -> Result<Vec<(meetings::Model, meeting_registrations::Model)>, AppError> {
    let caller = Caller::for_user(db, user_id).await?;
    let orgs: Vec<i32> = caller.orgs.iter().map(|(_, o)| o.id).collect();
    let regs = meeting_registrations::Entity::find()
        .filter(meeting_registrations::Column::OrganisationId.is_in(orgs))
        .filter(meeting_registrations::Column::Status.ne(RegStatus::Cancelled.as_str()))
        .all(db)
        .await?;
    let meetings: HashMap<i32, meetings::Model> = meetings::Entity::find()
        .filter(meetings::Column::Id.is_in(regs.iter().map(|r| r.meeting_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut out: Vec<_> = regs
        .into_iter()
        .filter_map(|r| meetings.get(&r.meeting_id).cloned().map(|m| (m, r)))
        .collect();
    out.sort_by_key(|(m, r)| (m.starts_at, r.id));
    Ok(out)
}

/// `/compte/reunions`: a person's meetings, and the address of their calendar feed.
pub async fn mine(
    db: &DatabaseConnection,
    user_id: i32,
    public_url: &str,
) -> Result<MyMeetings, AppError> {
    let rows = of_person(db, user_id).await?;
    let mut items = Vec::new();
    for (m, r) in rows {
        let reg = registration_views(db, &m, vec![r]).await?.pop();
        let summary = summaries(db, vec![m]).await?.pop();
        if let (Some(s), Some(r)) = (summary, reg) {
            items.push((s, r));
        }
    }
    let token = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .and_then(|u| u.calendar_token);
    Ok(MyMeetings {
        items,
        feed_url: token.map(|t| format!("{}/agenda/{t}.ics", public_url.trim_end_matches('/'))),
    })
}
