//! Sourcing's files: each meeting's iCalendar file, a person's private calendar feed of their
//! meetings (the secret address is the right: calendar applications send no cookie), and the
//! buyer's CSV exports of a call's answers and a meeting's attendees.

use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::http::{Refusal, Routes};
use crate::server::sourcing::{calls, meetings};
use crate::server::state::AppState;
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};

fn csv_response(name: String, text: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        text,
    )
        .into_response()
}

/// GET /compte/sourcage/appels/{id}/reponses.csv — for the buyer's verified members.
pub async fn answers_csv(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    caller: Caller,
) -> Result<Response, Refusal> {
    caller.user()?;
    let text = calls::csv(&state.db, &caller, id).await?;
    Ok(csv_response(format!("reponses-sourcage-{id}.csv"), text))
}

/// GET /compte/sourcage/reunions/{id}/inscrits.csv — for the buyer's verified members.
pub async fn attendees_csv(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    caller: Caller,
) -> Result<Response, Refusal> {
    caller.user()?;
    let text = meetings::csv(&state.db, &caller, id).await?;
    Ok(csv_response(format!("inscrits-rencontre-{id}.csv"), text))
}

fn event(base: &str, host: &str, item: &meetings::CalendarItem) -> icalendar::Event {
    use icalendar::{Component, EventLike};
    let m = &item.meeting;
    let url = format!("{base}/sourcage/reunions/{}", m.id);
    let (start, end) = item.slot.unwrap_or((m.starts_at, m.ends_at));
    let place = [m.place.clone(), m.online_url.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" — ");
    let mut e = icalendar::Event::new();
    // Times in UTC: exact whatever the clock change between now and the meeting.
    e.uid(&format!("meeting-{}@{host}", m.id))
        .summary(&format!("Sourçage : {}", m.title))
        .description(&format!(
            "{} — {}\n{}\n{url}",
            item.summary.buyer_name, item.summary.plan_title, m.description
        ))
        .starts(start)
        .ends(end)
        .url(&url)
        .timestamp(m.created_at);
    if !place.is_empty() {
        e.location(&place);
    }
    if m.cancelled_at.is_some() {
        e.status(icalendar::EventStatus::Cancelled);
    }
    e.done()
}

fn calendar_response(name: &str, events: Vec<icalendar::Event>, cache: &str) -> Response {
    let mut cal = icalendar::Calendar::new();
    cal.name(name);
    cal.timezone("Europe/Paris");
    for e in events {
        cal.push(e);
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (header::CACHE_CONTROL, cache.to_string()),
        ],
        cal.done().to_string(),
    )
        .into_response()
}

fn base_and_host(state: &AppState) -> (String, String) {
    let base = state.public_url.trim_end_matches('/').to_string();
    let host = base.split("://").nth(1).unwrap_or("passerelle").to_string();
    (base, host)
}

/// GET /sourcage/reunions/{id}/calendrier.ics — public.
pub async fn meeting_ics(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Result<Response, Refusal> {
    let item = meetings::calendar_item(&state.db, id).await?;
    let (base, host) = base_and_host(&state);
    let mut res = calendar_response(
        &format!("Passerelle — {}", item.meeting.title),
        vec![event(&base, &host, &item)],
        "no-cache",
    );
    if let Ok(v) =
        header::HeaderValue::from_str(&format!("attachment; filename=\"rencontre-{id}.ics\""))
    {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// GET /agenda/{token}.ics — the person's confirmed meetings (their slot's time when booked).
pub async fn personal_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, Refusal> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let items = meetings::feed_for_token(&state.db, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let (base, host) = base_and_host(&state);
    let events = items.iter().map(|i| event(&base, &host, i)).collect();
    Ok(calendar_response(
        "Passerelle — mes rencontres",
        events,
        "private, no-store",
    ))
}

/// This capability's plain HTTP routes, mounted by the server's router.
pub fn routes() -> Routes {
    Routes::default()
        .get("/compte/sourcage/appels/{id}/reponses.csv", answers_csv)
        .get("/compte/sourcage/reunions/{id}/inscrits.csv", attendees_csv)
        .get("/sourcage/reunions/{id}/calendrier.ics", meeting_ics)
        .get("/agenda/{file}", personal_feed)
}
