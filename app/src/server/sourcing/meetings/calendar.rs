//! Meetings in calendars: a person's private feed (its secret address is the right), the items
//! of an iCalendar file, and the reminders sent the day before.

use super::*;

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
            crate::server::infra::notifications::notify(
                db,
                uid,
                &format!("Rappel : {} — {when}", m.title),
                &url,
            )
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
