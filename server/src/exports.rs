//! Downloads of filtered lists: `/marches/export.csv?<the explorer's filters>`, streamed in
//! chunks of 1,000 contracts so that a national export never sits in memory.

use app::domain::contracts::ContractFilters;
use app::server::{contracts, infra::state::AppState};
use axum::{
    body::Body,
    extract::{RawQuery, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use futures::StreamExt;

const CHUNK: usize = 1_000;

/// The contracts an export of the explorer's `query` holds, in id order (the same search as the
/// page), or the error page.
fn matching_ids(
    state: &AppState,
    headers: &HeaderMap,
    query: &str,
) -> Result<Vec<i32>, Box<Response>> {
    let filters = ContractFilters::from_query(query);
    state.search.all_contract_ids(&filters).map_err(|e| {
        tracing::error!("contracts export failed: {e}");
        let lang = crate::uploads::lang(headers);
        Box::new(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                app::i18n::tr(lang, "error.internal"),
            )
                .into_response(),
        )
    })
}

pub async fn contracts_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let ids = match matching_ids(&state, &headers, query.as_deref().unwrap_or("")) {
        Ok(ids) => ids,
        Err(res) => return *res,
    };
    let db = state.db.clone();
    // A BOM and the header first, then one chunk at a time.
    let header = format!("\u{feff}{}\n", contracts::CSV_HEADER.join(","));
    let head = futures::stream::once(async move { Ok::<_, std::io::Error>(header) });
    let chunks: Vec<Vec<i32>> = ids.chunks(CHUNK).map(<[i32]>::to_vec).collect();
    let rows = futures::stream::iter(chunks).then(move |chunk| {
        let db = db.clone();
        async move {
            contracts::export_lines(&db, &chunk).await.map_err(|e| {
                // The download ends cut; the log says why (never the browser).
                tracing::error!("contracts export failed: {e}");
                std::io::Error::other("export failed")
            })
        }
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"marches-passes.csv\"",
            ),
        ],
        Body::from_stream(head.chain(rows)),
    )
        .into_response()
}

/// `/marches/export.ocds.json?<filters>`: the same list as an OCDS 1.1 release package, streamed.
pub async fn contracts_ocds(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    use app::domain::ocds::{package_head, PackageMeta, PACKAGE_TAIL};
    let query = query.unwrap_or_default();
    let ids = match matching_ids(&state, &headers, &query) {
        Ok(ids) => ids,
        Err(res) => return *res,
    };
    if ids.is_empty() {
        let lang = crate::uploads::lang(&headers);
        return (
            StatusCode::NOT_FOUND,
            app::i18n::tr(lang, "contracts.empty"),
        )
            .into_response();
    }
    let meta = PackageMeta {
        uri: format!(
            "{}/marches/export.ocds.json{}{query}",
            state.public_url.trim_end_matches('/'),
            if query.is_empty() { "" } else { "?" }
        ),
        published_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        publisher_name: "Passerelle".into(),
    };
    let head = futures::stream::once(futures::future::ready(Ok::<_, std::io::Error>(
        package_head(&meta),
    )));
    let db = state.db.clone();
    let chunks: Vec<Vec<i32>> = ids.chunks(CHUNK).map(<[i32]>::to_vec).collect();
    // Every chunk after the first one written begins with the comma that separates them.
    let started = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let releases = futures::stream::iter(chunks).then(move |chunk| {
        let (db, started) = (db.clone(), started.clone());
        async move {
            match contracts::ocds_releases(&db, &chunk).await {
                Ok(text) if text.is_empty() => Ok(text),
                Ok(text) if started.swap(true, std::sync::atomic::Ordering::Relaxed) => {
                    Ok(format!(",{text}"))
                }
                Ok(text) => Ok(text),
                Err(e) => {
                    tracing::error!("OCDS export failed: {e}");
                    Err(std::io::Error::other("export failed"))
                }
            }
        }
    });
    let tail = futures::stream::once(futures::future::ready(Ok(PACKAGE_TAIL.to_string())));
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"marches-passes.ocds.json\"",
            ),
        ],
        Body::from_stream(head.chain(releases).chain(tail)),
    )
        .into_response()
}

/// GET /compte/achats/{id}/interesses.csv: the firms interested in a planned procurement, for
/// the buyer's verified members.
pub async fn plan_interests_csv(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i32>,
    session: tower_sessions::Session,
    headers: HeaderMap,
) -> Response {
    use app::server::{auth::Caller, auth::USER_ID_KEY, programming::interests};
    let lang = crate::uploads::lang(&headers);
    let refuse = |e: app::error::AppError| {
        (
            StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::FORBIDDEN),
            app::i18n::tr(lang, e.message_key()),
        )
            .into_response()
    };
    let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
    let Some(user_id) = user_id else {
        return refuse(app::error::AppError::Unauthenticated);
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

/// GET /analyses/export.csv?tableau=<name>&<the dashboards' filters>: one table of the
/// dashboards, raw (whole euros, percentages as numbers), with the page's rights (the by-buyer
/// table and the buyer filter are for analysts and buyers).
pub async fn analytics_csv(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    use app::domain::analytics::tables::{self, Cell};
    use app::server::{analytics, auth::Caller, auth::USER_ID_KEY};
    let lang = crate::uploads::lang(&headers);
    let fail = |status: StatusCode, key: &str| (status, app::i18n::tr(lang, key)).into_response();
    let query = query.unwrap_or_default();
    let name = app::domain::query::first(&app::domain::query::pairs(&query), "tableau")
        .unwrap_or_default();
    if !tables::NAMES.contains(&name.as_str()) {
        return fail(StatusCode::NOT_FOUND, "error.not_found");
    }
    let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
    let caller = match user_id {
        Some(id) => match Caller::for_user(&state.db, id).await {
            Ok(c) => c,
            Err(_) => return fail(StatusCode::INTERNAL_SERVER_ERROR, "error.internal"),
        },
        None => Caller::anonymous(),
    };
    let (filters, finer) = analytics::filters_for(&caller, &query);
    if name == "acheteurs" && !finer {
        let status = if user_id.is_some() {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNAUTHORIZED
        };
        let key = if user_id.is_some() {
            "error.forbidden"
        } else {
            "error.unauthenticated"
        };
        return fail(status, key);
    }
    let snapshot = match state.analytics.get(&state.db).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("analytics snapshot failed: {e}");
            return fail(StatusCode::INTERNAL_SERVER_ERROR, "error.internal");
        }
    };
    let english = lang == app::i18n::Lang::En;
    let table = if name == "tensions" {
        let ranked = analytics::tensions(&snapshot, filters.trade.as_deref());
        tables::shortage_table(&ranked, english)
    } else {
        let d = analytics::dashboard(&snapshot, &filters, english, finer);
        match tables::table(&d, &name) {
            Some(t) => t,
            None => return fail(StatusCode::NOT_FOUND, "error.not_found"),
        }
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let head: Vec<String> = table
        .columns
        .iter()
        .map(|c| app::i18n::tr(lang, c))
        .collect();
    let mut ok = w.write_record(&head).is_ok();
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                // A spreadsheet runs a cell that starts with = + - @: such text gets a quote.
                Cell::Text(s) if s.starts_with(['=', '+', '-', '@']) => format!("'{s}"),
                Cell::Text(s) => s.clone(),
                Cell::Key(k) => app::i18n::tr(lang, k),
                Cell::Count(n) => n.to_string(),
                Cell::Euros(c) => (c / 100).to_string(),
                Cell::Percent(p) | Cell::Number(p) => {
                    p.map(|v| format!("{v:.2}")).unwrap_or_default()
                }
            })
            .collect();
        ok &= w.write_record(&cells).is_ok();
    }
    let body = match (ok, w.into_inner()) {
        (true, Ok(bytes)) => bytes,
        _ => return fail(StatusCode::INTERNAL_SERVER_ERROR, "error.internal"),
    };
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(body);
    (
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
        .into_response()
}

/// GET /programmation/export.ocds.json?<the programming's filters>: the planned procurements
/// as an OCDS 1.1 release package of planning releases (drafts never).
pub async fn plans_ocds(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    use app::domain::ocds::{package_head, PackageMeta, PACKAGE_TAIL};
    use app::domain::ocds_planning::plan_release;
    use app::domain::programming::PlanFilters;
    let lang = crate::uploads::lang(&headers);
    let query = query.unwrap_or_default();
    let facts = match app::server::programming::exports::facts(
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
                app::i18n::tr(lang, e.message_key()),
            )
                .into_response()
        }
    };
    // A package holds at least one release: an empty list is a 404 that says why.
    if facts.is_empty() {
        return (StatusCode::NOT_FOUND, app::i18n::tr(lang, "plan.empty")).into_response();
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
    use app::domain::programming::PlanFilters;
    use app::server::programming::exports as plan_exports;
    let lang = crate::uploads::lang(&headers);
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
            app::i18n::tr(lang, e.message_key()),
        )
            .into_response(),
    }
}
