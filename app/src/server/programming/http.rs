//! The programming's plain HTTP routes: the import of an eForms prior information notice (PIN,
//! XML) into a draft planned procurement — a plain multipart form on the buyer's programming page,
//! so it works without JavaScript; rights are checked before the body is read; a refusal is a
//! small page with its status and the reason — and the downloads: the interested firms (CSV, for
//! the buyer), the filtered programming as OCDS planning releases and as CSV.

use crate::i18n::{tr, Lang};
use crate::server::infra::http::{lang, message_page};
use crate::server::{
    auth::Caller, auth::USER_ID_KEY, infra::state::AppState, programming, programming::eforms,
};
use axum::{
    extract::{Multipart, Path, RawQuery, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

/// Largest notice accepted (the official examples are 10–110 KB).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

fn refuse(status: StatusCode, lang: Lang, key: &str, org: i32) -> Response {
    let back = format!("/compte/organisations/{org}/programmation#import");
    message_page(
        status,
        lang,
        &tr(lang, key),
        (&back, &tr(lang, "plan.mine")),
    )
}

/// POST /compte/organisations/{id}/programmation/import (multipart, field `file`).
pub async fn import(
    State(state): State<AppState>,
    Path(org): Path<i32>,
    session: Session,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let lang = lang(&headers);
    let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
    let Some(user_id) = user_id else {
        return refuse(StatusCode::UNAUTHORIZED, lang, "error.unauthenticated", org);
    };
    let caller = match Caller::for_user(&state.db, user_id).await {
        Ok(c) => c,
        Err(e) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                lang,
                e.message_key(),
                org,
            )
        }
    };
    if caller.require_verified_buyer(org).is_err() {
        return refuse(StatusCode::FORBIDDEN, lang, "plan.verified_only", org);
    }
    let mut data = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) if b.len() > MAX_BYTES => {
                    return refuse(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        lang,
                        "plan.import_too_big",
                        org,
                    )
                }
                Ok(b) => data = Some(b),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return refuse(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        lang,
                        "plan.import_too_big",
                        org,
                    )
                }
                Err(_) => return refuse(StatusCode::BAD_REQUEST, lang, "error.bad_request", org),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    lang,
                    "plan.import_too_big",
                    org,
                )
            }
            Err(_) => return refuse(StatusCode::BAD_REQUEST, lang, "error.bad_request", org),
        }
    }
    let Some(data) = data.filter(|d| !d.is_empty()) else {
        return refuse(StatusCode::BAD_REQUEST, lang, "plan.import_missing", org);
    };
    let notice = match eforms::read(&data) {
        Ok(n) => n,
        Err(e) => {
            tracing::info!("PIN import refused: {e}");
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, lang, e.key(), org);
        }
    };
    match programming::import_notice(&state.db, &caller, org, &notice).await {
        Ok((id, dropped)) => Redirect::to(&format!(
            "/compte/achats/{id}?ok=imported&cpv_ignores={dropped}"
        ))
        .into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
            // The first field's message says what to correct in the notice.
            let key = match &e {
                crate::error::AppError::Invalid(v) => v
                    .first()
                    .map(|f| {
                        if f.field == "file" {
                            f.key.clone()
                        } else {
                            "plan.import_invalid".into()
                        }
                    })
                    .unwrap_or_else(|| e.message_key().into()),
                other => other.message_key().into(),
            };
            refuse(status, lang, &key, org)
        }
    }
}
/// GET /compte/achats/{id}/interesses.csv: the firms interested in a planned procurement, for
/// the buyer's verified members.
pub async fn plan_interests_csv(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i32>,
    session: tower_sessions::Session,
    headers: HeaderMap,
) -> Response {
    use crate::server::{auth::Caller, auth::USER_ID_KEY, programming::interests};
    let lang = crate::server::infra::http::lang(&headers);
    let refuse = |e: crate::error::AppError| {
        (
            StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::FORBIDDEN),
            crate::i18n::tr(lang, e.message_key()),
        )
            .into_response()
    };
    let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
    let Some(user_id) = user_id else {
        return refuse(crate::error::AppError::Unauthenticated);
    };
    let caller = match Caller::for_user(&state.db, user_id).await {
        Ok(c) => c,
        Err(e) => return refuse(e),
    };
    let rows = match interests::for_buyer(&state.db, &caller, id).await {
        Ok(rows) => rows,
        Err(e) => return refuse(e),
    };
    match interests::csv(&rows) {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"interesses-achat-{id}.csv\""),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            text,
        )
            .into_response(),
        Err(e) => refuse(e),
    }
}

/// GET /programmation/export.ocds.json?<the programming's filters>: the planned procurements
/// as an OCDS 1.1 release package of planning releases (drafts never).
pub async fn plans_ocds(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    use crate::domain::ocds::{package_head, PackageMeta, PACKAGE_TAIL};
    use crate::domain::ocds_planning::plan_release;
    use crate::domain::programming::PlanFilters;
    let lang = crate::server::infra::http::lang(&headers);
    let query = query.unwrap_or_default();
    let facts = match crate::server::programming::exports::facts(
        &state.db,
        &PlanFilters::from_query(&query),
        &state.public_url,
    )
    .await
    {
        Ok(f) => f,
        Err(e) => {
            return (
                StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                crate::i18n::tr(lang, e.message_key()),
            )
                .into_response()
        }
    };
    // A package holds at least one release: an empty list is a 404 that says why.
    if facts.is_empty() {
        return (StatusCode::NOT_FOUND, crate::i18n::tr(lang, "plan.empty")).into_response();
    }
    let meta = PackageMeta {
        uri: format!(
            "{}/programmation/export.ocds.json{}{query}",
            state.public_url.trim_end_matches('/'),
            if query.is_empty() { "" } else { "?" }
        ),
        published_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        publisher_name: "Passerelle".into(),
    };
    let releases: Vec<String> = facts.iter().map(|p| plan_release(p).to_string()).collect();
    let body = format!(
        "{}{}{PACKAGE_TAIL}",
        package_head(&meta),
        releases.join(",")
    );
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"programmation.ocds.json\"",
            ),
        ],
        body,
    )
        .into_response()
}

/// GET /programmation/export.csv?<the programming's filters>: the same list as a spreadsheet.
pub async fn plans_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    use crate::domain::programming::PlanFilters;
    use crate::server::programming::exports as plan_exports;
    let lang = crate::server::infra::http::lang(&headers);
    let filters = PlanFilters::from_query(query.as_deref().unwrap_or(""));
    let body = match plan_exports::facts(&state.db, &filters, &state.public_url).await {
        Ok(facts) => plan_exports::csv(&facts, lang),
        Err(e) => Err(e),
    };
    match body {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"programmation.csv\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => (
            StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            crate::i18n::tr(lang, e.message_key()),
        )
            .into_response(),
    }
}

/// The programming's feeds and downloads.
pub fn routes() -> axum::Router<AppState> {
    use super::feeds;
    use axum::routing::get;
    axum::Router::new()
        .route("/programmation/flux.atom", get(feeds::atom))
        .route("/programmation/calendrier.ics", get(feeds::ical))
        .route(
            "/compte/achats/{id}/interesses.csv",
            get(plan_interests_csv),
        )
        .route("/programmation/export.ocds.json", get(plans_ocds))
        .route("/programmation/export.csv", get(plans_csv))
}

/// The import of a prior information notice, with its own body limit (mounted after the site's
/// 1 MiB limit).
pub fn upload_routes() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/compte/organisations/{id}/programmation/import",
        axum::routing::post(import)
            .layer(axum::extract::DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
    )
}
