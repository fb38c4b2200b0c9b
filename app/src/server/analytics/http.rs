//! The dashboards' download: one table as CSV.

use crate::error::AppError;
use crate::server::{
    auth::Caller,
    infra::http::{Refusal, Routes},
    state::AppState,
};
use axum::{
    extract::{RawQuery, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
};

/// GET /analyses/export.csv?tableau=<name>&<the dashboards' filters>: one table of the
/// dashboards, raw (whole euros, percentages as numbers), with the page's rights (the by-buyer
/// table and the buyer filter are for analysts and buyers).
pub async fn analytics_csv(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Refusal> {
    use crate::domain::analytics::tables;
    use crate::server::analytics;
    let lang = crate::server::infra::http::lang(&headers);
    let query = query.unwrap_or_default();
    let name = crate::domain::query::first(&crate::domain::query::pairs(&query), "tableau")
        .unwrap_or_default();
    if !tables::NAMES.contains(&name.as_str()) {
        return Err(AppError::NotFound.into());
    }
    let (filters, finer) = analytics::filters_for(&caller, &query);
    if name == "acheteurs" && !finer {
        caller.user()?;
        return Err(AppError::Forbidden.into());
    }
    let snapshot = state.analytics.get(&state.db).await.map_err(|e| {
        tracing::error!("analytics snapshot failed: {e}");
        AppError::Internal
    })?;
    let english = lang == crate::i18n::Lang::En;
    let table = if name == "tensions" {
        let ranked = analytics::tensions(&snapshot, filters.trade.as_deref());
        tables::shortage_table(&ranked, english)
    } else {
        let d = analytics::dashboard(&snapshot, &filters, english, finer);
        match tables::table(&d, &name) {
            Some(t) => t,
            None => return Err(AppError::NotFound.into()),
        }
    };
    let out = crate::server::infra::csv::table_csv(&table, lang)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"analyses-{name}.csv\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        out,
    )
        .into_response())
}

/// This capability's plain HTTP routes, mounted by the server's router.
pub fn routes() -> Routes {
    Routes::default().get("/analyses/export.csv", analytics_csv)
}
