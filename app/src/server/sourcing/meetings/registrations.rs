//! Registering for a sourcing meeting: a seat or a slot held under the meeting's row lock (no
//! overbooking), cancellation that promotes the waiting list and tells the promoted by email, and
//! a meeting cancelled by its buyer.

use super::*;
use crate::domain::ids::{MeetingId, OrgId, RegistrationId, UserId};

/// The registrations of a meeting that hold a seat or wait, in order.
pub(super) async fn active(
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

/// A member of the business `org` registers it (in `slot`, the slot's number, when the meeting
/// has slots and one is chosen): confirmed while a seat is free, else on the waiting list.
pub async fn register(
    db: &DatabaseConnection,
    user: UserId,
    meeting: MeetingId,
    org: OrgId,
    slot: Option<i32>,
) -> Result<RegStatus, AppError> {
    let (user_id, meeting_id, org_id) = (user.get(), meeting.get(), org.get());
    let txn = begin_locking(db).await?;
    member_business(&txn, user, org).await?;
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
    user_id: UserId,
    registration_id: RegistrationId,
) -> Result<(i32, Option<Promoted>), AppError> {
    let (user_id, registration_id) = (user_id.get(), registration_id.get());
    let txn = begin_locking(db).await?;
    let r = meeting_registrations::Entity::find_by_id(registration_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    member_business(&txn, UserId(user_id), OrgId(r.organisation_id)).await?;
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
    if let Err(e) = crate::server::infra::notifications::notify(db, p.user_id, &title, &p.url).await
    {
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
        crate::server::infra::notifications::notify(db, *p, &title, &url).await?;
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
