//! The programming's plain HTTP routes: the import of an eForms prior information notice (PIN,
//! XML) into a draft planned procurement — a plain multipart form on the buyer's programming page,
//! so it works without JavaScript; rights are checked before the body is read; a refusal is a
//! small page with its status and the reason — and the downloads: the interested firms (CSV, for
//! the buyer), the filtered programming as OCDS planning releases and as CSV.

use crate::error::AppError;
use crate::server::infra::http::{lang, Refusal, Routes};
use crate::server::{auth::Caller, programming, programming::eforms, state::AppState};
use axum::{
    extract::{Multipart, Path, RawQuery, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

/// Largest notice accepted (the official examples are 10–110 KB).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// A refusal of the import, with the way back to the organisation's programming.
fn refused(e: impl Into<Refusal>, org: i32) -> Refusal {
    e.into().back(
        &format!("/compte/organisations/{org}/programmation#import"),
        "plan.mine",
    )
}

/// POST /compte/organisations/{id}/programmation/import (multipart, field `file`).
pub async fn import(
    State(state): State<AppState>,
    Path(org): Path<i32>,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<Response, Refusal> {
    let refuse = |status: StatusCode, key: &str| refused(Refusal::new(status, key), org);
    caller.user().map_err(|e| refused(e, org))?;
    if caller.require_verified_buyer(org).is_err() {
        return Err(refuse(StatusCode::FORBIDDEN, "plan.verified_only"));
    }
    let too_big = || refuse(StatusCode::PAYLOAD_TOO_LARGE, "plan.import_too_big");
    let unread = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            refuse(StatusCode::BAD_REQUEST, "error.bad_request")
        }
    };
    let mut data = None;
    while let Some(field) = multipart.next_field().await.map_err(unread)? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(unread)?;
            if bytes.len() > MAX_BYTES {
                return Err(too_big());
            }
            data = Some(bytes);
        }
    }
    let data = data
        .filter(|d| !d.is_empty())
        .ok_or_else(|| refuse(StatusCode::BAD_REQUEST, "plan.import_missing"))?;
    // Parsed on a blocking thread, within a time limit: a file is the caller's to shape.
    let parsed = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tokio::task::spawn_blocking(move || eforms::read(&data)),
    )
    .await
    .map_err(|_| {
        tracing::warn!("PIN import: reading took over 10 s, refused");
        refuse(StatusCode::UNPROCESSABLE_ENTITY, "plan.import_too_slow")
    })?
    .map_err(|e| {
        tracing::error!("PIN import: the reading task failed: {e}");
        refuse(StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
    })?;
    let notice = parsed.map_err(|e| {
        tracing::info!("PIN import refused: {e}");
        refuse(StatusCode::UNPROCESSABLE_ENTITY, e.key())
    })?;
    match programming::import_notice(&state.db, &caller, org, &notice).await {
        Ok((id, dropped)) => Ok(Redirect::to(&format!(
            "/compte/achats/{id}?ok=imported&cpv_ignores={dropped}"
        ))
        .into_response()),
        // The first field's message says what to correct in the notice; another field's is
        // about the plan, which the notice's reader cannot correct here.
        Err(AppError::Invalid(v)) if v.first().is_some_and(|f| f.field != "file") => Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "plan.import_invalid",
        )),
        Err(e) => Err(refused(e, org)),
    }
}

/// GET /compte/achats/{id}/interesses.csv: the firms interested in a planned procurement, for
/// the buyer's verified members.
pub async fn plan_interests_csv(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    caller: Caller,
) -> Result<Response, Refusal> {
    use crate::server::programming::interests;
    caller.user()?;
    let rows = interests::for_buyer(&state.db, &caller, id).await?;
    let text = interests::csv(&rows)?;
    Ok((
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
        .into_response())
}

/// GET /programmation/export.ocds.json?<the programming's filters>: the planned procurements
/// as an OCDS 1.1 release package of planning releases (drafts never).
pub async fn plans_ocds(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, Refusal> {
    use crate::domain::ocds::{package_head, PackageMeta, PACKAGE_TAIL};
    use crate::domain::ocds_planning::plan_release;
    use crate::domain::programming::PlanFilters;
    let query = query.unwrap_or_default();
    let facts = crate::server::programming::exports::facts(
        &state.db,
        &PlanFilters::from_query(&query),
        &state.public_url,
    )
    .await?;
    // A package holds at least one release: an empty list is a 404 that says why.
    if facts.is_empty() {
        return Err(Refusal::new(StatusCode::NOT_FOUND, "plan.empty")
            .back("/programmation", "nav.pipeline"));
    }
    let meta = PackageMeta {
        uri: format!(
            "{}/programmation/export.ocds.json{}{query}",
            state.public_url.trim_end_matches('/'),
            if query.is_empty() { "" } else { "?" }
        ),
        published_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        publisher_name: "Passerelle".into(),
        extensions: &crate::domain::ocds_planning::EXTENSIONS,
    };
    let releases: Vec<String> = facts.iter().map(|p| plan_release(p).to_string()).collect();
    let body = format!(
        "{}{}{PACKAGE_TAIL}",
        package_head(&meta),
        releases.join(",")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"programmation.ocds.json\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// GET /programmation/export.csv?<the programming's filters>: the same list as a spreadsheet.
pub async fn plans_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Refusal> {
    use crate::domain::programming::PlanFilters;
    use crate::server::programming::exports as plan_exports;
    let filters = PlanFilters::from_query(query.as_deref().unwrap_or(""));
    let facts = plan_exports::facts(&state.db, &filters, &state.public_url).await?;
    let bytes = plan_exports::csv(&facts, lang(&headers))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"programmation.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// GET /analyses/insertion.csv?tableau=metiers|acheteurs: the territory's insertion by trade or
/// by buyer (public figures, like the page).
pub async fn insertion_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Refusal> {
    let query = query.unwrap_or_default();
    let name = crate::domain::query::first(&crate::domain::query::pairs(&query), "tableau")
        .unwrap_or_default();
    if !crate::domain::insertion_stats::TABLES.contains(&name.as_str()) {
        return Err(AppError::NotFound.into());
    }
    let lang = lang(&headers);
    let stats = programming::hours::territory(&state.db).await?;
    let unknown = crate::i18n::tr(lang, "insertion.stats.unknown_trade");
    let table = stats.table(&name, &unknown).ok_or(AppError::NotFound)?;
    let out = crate::server::infra::csv::table_csv(&table, lang)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"insertion-{name}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

/// The programming's feeds and downloads.
pub fn routes() -> Routes {
    use super::feeds;
    Routes::default()
        .get("/programmation/flux.atom", feeds::atom)
        .get("/programmation/calendrier.ics", feeds::ical)
        .get("/compte/achats/{id}/interesses.csv", plan_interests_csv)
        .get("/programmation/export.ocds.json", plans_ocds)
        .get("/programmation/export.csv", plans_csv)
        .get("/analyses/insertion.csv", insertion_csv)
}

/// The import of a prior information notice, with its own body limit (mounted after the site's
/// 1 MiB limit).
pub fn upload_routes() -> Routes {
    Routes::default().upload(
        "/compte/organisations/{id}/programmation/import",
        import,
        MAX_BYTES + 64 * 1024,
    )
}
