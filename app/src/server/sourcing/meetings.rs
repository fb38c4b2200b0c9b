//! Sourcing meetings: seats or 1:1 slots, a registration deadline and a waiting list. A
//! registration locks its meeting's row, so concurrent registrations queue and none overbooks
//! (and a unique index holds each slot to one firm whatever happens); a cancellation gives the
//! freed seat or slot to the first firm waiting, which is told by email. Reminders leave the
//! day before; each meeting has its iCalendar file and each person a private feed.

use super::{before_tender, csv_of, managed_plan, manages, mark_sourcing, plan_names, plan_of};
use crate::domain::sourcing::{
    paris_hm, paris_text, place, registration_open, reminder_due, slots, MeetingAdmin, MeetingForm,
    MeetingSummary, MeetingView, MyMeetings, Placement, RegStatus, RegistrationView,
};
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::db::{begin_locking, begin_write};
use crate::server::infra::entities::{meeting_registrations, meetings, organisations, users};
use crate::server::infra::mail::Mailer;
use crate::server::offers::member_business;
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

/// The registrations of a meeting that hold a seat or wait, in order.
async fn active(
    db: &impl ConnectionTrait,
    meeting_id: i32,
) -> Result<Vec<meeting_registrations::Model>, AppError> {
    meeting_registrations::Entity::find()
        .filter(meeting_registrations::Column::MeetingId.eq(meeting_id))
        .filter(meeting_registrations::Column::Status.ne(RegStatus::Cancelled.as_str()))
        .order_by_asc(meeting_registrations::Column::Id)
        .all(db)
        .await
        .map_err(AppError::from)
}

/// A member of the business `org_id` registers it (in `slot`, when the meeting has slots and
/// one is chosen): confirmed while a seat is free, else on the waiting list.
pub async fn register(
    db: &DatabaseConnection,
    user_id: i32,
    meeting_id: i32,
    org_id: i32,
    slot: Option<i32>,
) -> Result<RegStatus, AppError> {
    let txn = begin_locking(db).await?;
    member_business(&txn, user_id, org_id).await?;
    // The lock: registrations to this meeting wait here for each other.
    let m = meetings::Entity::find_by_id(meeting_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    if !registration_open(m.registration_deadline, m.cancelled_at.is_some(), now) {
        return Err(AppError::field("org_id", "sourcing.registration_closed"));
    }
    let regs = active(&txn, meeting_id).await?;
    if regs.iter().any(|r| r.organisation_id == org_id) {
        return Err(AppError::field("org_id", "sourcing.already_registered"));
    }
    let taken: Vec<Option<i32>> = regs
        .iter()
        .filter(|r| r.status == RegStatus::Confirmed.as_str())
        .map(|r| r.slot)
        .collect();
    let (status, slot) = match place(m.capacity, m.slot_minutes.is_some(), &taken, slot) {
        Placement::Confirmed(s) => (RegStatus::Confirmed, s),
        Placement::Waiting => (RegStatus::Waiting, None),
        Placement::SlotTaken => return Err(AppError::field("slot", "sourcing.slot_taken")),
        Placement::NoSuchSlot => return Err(AppError::field("slot", "validation.unknown_choice")),
    };
    meeting_registrations::ActiveModel {
        meeting_id: Set(meeting_id),
        organisation_id: Set(org_id),
        user_id: Set(Some(user_id)),
        status: Set(status.as_str().into()),
        slot: Set(slot),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(status)
}

/// Someone promoted from the waiting list, to tell.
pub struct Promoted {
    pub user_id: i32,
    pub email: String,
    pub meeting: String,
    pub when: String,
    pub url: String,
}

/// A member of the registered business cancels its registration; a freed seat (or slot) goes
/// to the first firm waiting. Returns the meeting's id and who was promoted.
pub async fn cancel(
    db: &DatabaseConnection,
    user_id: i32,
    registration_id: i32,
) -> Result<(i32, Option<Promoted>), AppError> {
    let txn = begin_locking(db).await?;
    let r = meeting_registrations::Entity::find_by_id(registration_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    member_business(&txn, user_id, r.organisation_id).await?;
    let m = meetings::Entity::find_by_id(r.meeting_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.status == RegStatus::Cancelled.as_str() {
        return Ok((m.id, None));
    }
    let freed = r.status == RegStatus::Confirmed.as_str();
    let slot = r.slot;
    let now = Utc::now();
    let mut am: meeting_registrations::ActiveModel = r.into();
    am.status = Set(RegStatus::Cancelled.as_str().into());
    am.slot = Set(None);
    am.updated_at = Set(now);
    am.update(&txn).await?;
    let mut promoted = None;
    // Seats freed before the meeting starts go to the waiting list.
    if freed && m.cancelled_at.is_none() && m.starts_at > now {
        let next = meeting_registrations::Entity::find()
            .filter(meeting_registrations::Column::MeetingId.eq(m.id))
            .filter(meeting_registrations::Column::Status.eq(RegStatus::Waiting.as_str()))
            .order_by_asc(meeting_registrations::Column::Id)
            .one(&txn)
            .await?;
        if let Some(n) = next {
            let who = n.user_id;
            let mut am: meeting_registrations::ActiveModel = n.into();
            am.status = Set(RegStatus::Confirmed.as_str().into());
            am.slot = Set(slot);
            am.updated_at = Set(now);
            am.update(&txn).await?;
            if let Some(uid) = who {
                if let Some(u) = users::Entity::find_by_id(uid).one(&txn).await? {
                    let when = match slot.and_then(|s| slot_text(&m, s)) {
                        Some(s) => format!("{} ({s})", paris_text(m.starts_at)),
                        None => paris_text(m.starts_at),
                    };
                    promoted = Some(Promoted {
                        user_id: uid,
                        email: u.email,
                        meeting: m.title.clone(),
                        when,
                        url: format!("/sourcage/reunions/{}", m.id),
                    });
                }
            }
        }
    }
    txn.commit().await?;
    Ok((m.id, promoted))
}

/// Tells the person promoted from the waiting list: a notification, and an email (logged when
/// it cannot leave).
pub async fn tell_promoted(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    p: Promoted,
) {
    let title = format!("Place confirmée : {} — {}", p.meeting, p.when);
    if let Err(e) = crate::server::alerts::notify(db, p.user_id, &title, &p.url).await {
        tracing::warn!("promotion notification failed: {e}");
    }
    let body = format!(
        "Bonjour,\n\nUne place s'est libérée : l'inscription de votre entreprise à la rencontre « {} » du {} est confirmée.\n\n{}{}\n\nSi vous ne pouvez plus venir, annulez pour libérer la place.\n",
        p.meeting,
        p.when,
        public_url.trim_end_matches('/'),
        p.url
    );
    if let Err(e) = mailer
        .send(
            &p.email,
            &format!("Passerelle — place confirmée : {}", p.meeting),
            body,
        )
        .await
    {
        tracing::warn!("promotion email to user {} not sent: {e}", p.user_id);
    }
}

/// The buyer cancels a meeting (with a reason); every registered person is told.
pub async fn cancel_meeting(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    caller: &Caller,
    id: i32,
    note: &str,
) -> Result<(), AppError> {
    let txn = begin_locking(db).await?;
    let m = meetings::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    managed_plan(&txn, caller, m.plan_id).await?;
    if m.cancelled_at.is_some() {
        return Err(AppError::field("note", "sourcing.meeting_cancelled"));
    }
    let mut c = crate::domain::validate::Checker::new();
    let note = c.required("note", note, 2000);
    c.finish()?;
    let regs = active(&txn, id).await?;
    let mut am: meetings::ActiveModel = m.clone().into();
    am.cancelled_at = Set(Some(Utc::now()));
    am.update(&txn).await?;
    txn.commit().await?;
    let people: Vec<i32> = regs.iter().filter_map(|r| r.user_id).collect();
    let emails: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(people.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let url = format!("/sourcage/reunions/{id}");
    let title = format!(
        "Rencontre annulée : {} — {}",
        m.title,
        paris_text(m.starts_at)
    );
    for p in &people {
        crate::server::alerts::notify(db, *p, &title, &url).await?;
    }
    let body = format!(
        "Bonjour,\n\nLa rencontre « {} » du {} est annulée par l'acheteur.\nMotif : {note}\n\n{}{url}\n",
        m.title,
        paris_text(m.starts_at),
        public_url.trim_end_matches('/')
    );
    let mailer = mailer.clone();
    let subject = format!("Passerelle — rencontre annulée : {}", m.title);
    tokio::spawn(async move {
        for to in emails.values() {
            if let Err(e) = mailer.send(to, &subject, body.clone()).await {
                tracing::warn!("cancellation email not sent: {e}");
            }
        }
    });
    Ok(())
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
        .filter(|(_, o)| o.kind == "business")
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
    Ok(MeetingView {
        summary,
        description,
        online_url,
        slots: slot_list,
        orgs,
        mine,
        signed_in: caller.user.is_some(),
        can_manage: manages(caller, &plan),
    })
}

/// A meeting for its buyer: every registration, confirmed then waiting, then cancelled.
pub async fn for_buyer(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<MeetingAdmin, AppError> {
    caller.user()?;
    let m = meeting_of(db, id).await?;
    managed_plan(db, caller, m.plan_id).await?;
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

/// Gives the person a new calendar feed address (the old one stops working).
pub async fn new_calendar_token(db: &DatabaseConnection, user_id: i32) -> Result<(), AppError> {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let u = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let mut am: users::ActiveModel = u.into();
    am.calendar_token = Set(Some(hex::encode(bytes)));
    am.update(db).await?;
    Ok(())
}

/// The meetings of the person whose feed token this is; `None` for an unknown token.
pub async fn feed_for_token(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<Vec<CalendarItem>>, AppError> {
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(u) = users::Entity::find()
        .filter(users::Column::CalendarToken.eq(token))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let rows = of_person(db, u.id).await?;
    let mut out = Vec::new();
    for (m, r) in rows {
        // The waiting list holds no seat: only confirmed registrations are in the calendar.
        if r.status != RegStatus::Confirmed.as_str() {
            continue;
        }
        let slot = r.slot.and_then(|s| slot_span(&m, s));
        if let Some(summary) = summaries(db, vec![m.clone()]).await?.pop() {
            out.push(CalendarItem {
                meeting: m,
                summary,
                slot,
            });
        }
    }
    Ok(Some(out))
}

/// One meeting, for its public iCalendar file.
pub async fn calendar_item(db: &DatabaseConnection, id: i32) -> Result<CalendarItem, AppError> {
    let m = meeting_of(db, id).await?;
    let summary = summaries(db, vec![m.clone()])
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    Ok(CalendarItem {
        meeting: m,
        summary,
        slot: None,
    })
}

/// Sends the reminders due at `now`: each confirmed registration of a meeting starting within
/// 24 hours, once (marked in the same step). Returns how many were sent.
pub async fn send_reminders(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let soon = meetings::Entity::find()
        .filter(meetings::Column::StartsAt.gt(now))
        .filter(meetings::Column::StartsAt.lte(now + Duration::hours(24)))
        .filter(meetings::Column::CancelledAt.is_null())
        .all(db)
        .await?;
    let base = public_url.trim_end_matches('/');
    let mut sent = 0;
    for m in soon.into_iter().filter(|m| reminder_due(m.starts_at, now)) {
        let due = meeting_registrations::Entity::find()
            .filter(meeting_registrations::Column::MeetingId.eq(m.id))
            .filter(meeting_registrations::Column::Status.eq(RegStatus::Confirmed.as_str()))
            .filter(meeting_registrations::Column::RemindedAt.is_null())
            .all(db)
            .await?;
        for r in due {
            // Marked first: a reminder is never sent twice, even if the mail server fails.
            let claimed = meeting_registrations::Entity::update_many()
                .col_expr(
                    meeting_registrations::Column::RemindedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(meeting_registrations::Column::Id.eq(r.id))
                .filter(meeting_registrations::Column::RemindedAt.is_null())
                .exec(db)
                .await?;
            if claimed.rows_affected == 0 {
                continue;
            }
            let Some(uid) = r.user_id else { continue };
            let Some(u) = users::Entity::find_by_id(uid).one(db).await? else {
                continue;
            };
            let when = match r.slot.and_then(|s| slot_text(&m, s)) {
                Some(s) => format!("{} (votre créneau : {s})", paris_text(m.starts_at)),
                None => format!("{}–{}", paris_text(m.starts_at), paris_hm(m.ends_at)),
            };
            let place = [m.place.clone(), m.online_url.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" — ");
            let url = format!("/sourcage/reunions/{}", m.id);
            crate::server::alerts::notify(db, uid, &format!("Rappel : {} — {when}", m.title), &url)
                .await?;
            let body = format!(
                "Bonjour,\n\nRappel : votre entreprise est inscrite à la rencontre « {} », demain.\n\nQuand : {when} (heure de Paris)\nOù : {place}\n\n{base}{url}\n\nSi vous ne pouvez plus venir, annulez pour libérer la place.\n",
                m.title
            );
            match mailer
                .send(
                    &u.email,
                    &format!("Passerelle — rappel : {}", m.title),
                    body,
                )
                .await
            {
                Ok(()) => sent += 1,
                Err(e) => tracing::warn!("reminder to user {uid} not sent: {e}"),
            }
        }
    }
    Ok(sent)
}
