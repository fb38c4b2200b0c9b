//! Sourcing's files: each meeting's iCalendar file, a person's private calendar feed of their
//! meetings (the secret address is the right: calendar applications send no cookie), and the
//! buyer's CSV exports of a call's answers and a meeting's attendees.

use crate::server::auth::{Caller, USER_ID_KEY};
use crate::server::infra::state::AppState;
use crate::server::sourcing::{calls, meetings};
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

fn refuse(lang: crate::i18n::Lang, e: crate::error::AppError) -> Response {
    (
        StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::FORBIDDEN),
        crate::i18n::tr(lang, e.message_key()),
    )
        .into_response()
}

async fn caller(
    state: &AppState,
    session: &tower_sessions::Session,
) -> Result<Caller, crate::error::AppError> {
    let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
    let Some(user_id) = user_id else {
        return Err(crate::error::AppError::Unauthenticated);
    };
    Caller::for_user(&state.db, user_id).await
}

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
    session: tower_sessions::Session,
    headers: HeaderMap,
) -> Response {
    let lang = crate::server::infra::http::lang(&headers);
    let result = match caller(&state, &session).await {
        Ok(c) => calls::csv(&state.db, &c, id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(text) => csv_response(format!("reponses-sourcage-{id}.csv"), text),
        Err(e) => refuse(lang, e),
    }
}

/// GET /compte/sourcage/reunions/{id}/inscrits.csv — for the buyer's verified members.
pub async fn attendees_csv(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    session: tower_sessions::Session,
    headers: HeaderMap,
) -> Response {
    let lang = crate::server::infra::http::lang(&headers);
    let result = match caller(&state, &session).await {
        Ok(c) => meetings::csv(&state.db, &c, id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(text) => csv_response(format!("inscrits-rencontre-{id}.csv"), text),
        Err(e) => refuse(lang, e),
    }
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
    headers: HeaderMap,
) -> Response {
    let lang = crate::server::infra::http::lang(&headers);
    match meetings::calendar_item(&state.db, id).await {
        Ok(item) => {
            let (base, host) = base_and_host(&state);
            let mut res = calendar_response(
                &format!("Passerelle — {}", item.meeting.title),
                vec![event(&base, &host, &item)],
                "no-cache",
            );
            if let Ok(v) = header::HeaderValue::from_str(&format!(
                "attachment; filename=\"rencontre-{id}.ics\""
            )) {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => refuse(lang, e),
    }
}

/// GET /agenda/{token}.ics — the person's confirmed meetings (their slot's time when booked).
pub async fn personal_feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return (StatusCode::NOT_FOUND, "").into_response();
    };
    match meetings::feed_for_token(&state.db, token).await {
        Ok(Some(items)) => {
            let (base, host) = base_and_host(&state);
            let events = items.iter().map(|i| event(&base, &host, i)).collect();
            calendar_response("Passerelle — mes rencontres", events, "private, no-store")
        }
        Ok(None) => (StatusCode::NOT_FOUND, "agenda inconnu / unknown calendar").into_response(),
        Err(e) => refuse(crate::i18n::Lang::Fr, e),
    }
}

/// This capability's plain HTTP routes, mounted by the server's router.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/compte/sourcage/appels/{id}/reponses.csv",
            axum::routing::get(answers_csv),
        )
        .route(
            "/compte/sourcage/reunions/{id}/inscrits.csv",
            axum::routing::get(attendees_csv),
        )
        .route(
            "/sourcage/reunions/{id}/calendrier.ics",
            axum::routing::get(meeting_ics),
        )
        .route("/agenda/{file}", axum::routing::get(personal_feed))
}
