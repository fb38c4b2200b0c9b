//! The contracts explorer's downloads: `/marches/export.csv?<the explorer's filters>` and the
//! same list as OCDS, streamed in chunks of 1,000 contracts so that a national export never sits
//! in memory.

use crate::domain::contracts::ContractFilters;
use crate::error::AppError;
use crate::server::{
    contracts,
    infra::http::{Refusal, Routes},
    state::AppState,
};
use axum::{
    body::Body,
    extract::{RawQuery, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use futures::StreamExt;

const CHUNK: usize = 1_000;

/// The contracts an export of the explorer's `query` holds, in id order (the same search as the
/// page).
fn matching_ids(state: &AppState, query: &str) -> Result<Vec<i32>, AppError> {
    let filters = ContractFilters::from_query(query);
    state.search.all_contract_ids(&filters).map_err(|e| {
        tracing::error!("contracts export failed: {e}");
        AppError::Internal
    })
}

/// `/marches/export.csv?<filters>`: the explorer's list as a spreadsheet, streamed.
pub async fn contracts_csv(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, Refusal> {
    let ids = matching_ids(&state, query.as_deref().unwrap_or(""))?;
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
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"marches-passes.csv\"",
            ),
        ],
        Body::from_stream(head.chain(rows)),
    )
        .into_response())
}

/// `/marches/export.ocds.json?<filters>`: the same list as an OCDS 1.1 release package, streamed.
pub async fn contracts_ocds(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, Refusal> {
    use crate::domain::ocds::{package_head, PackageMeta, PACKAGE_TAIL};
    let query = query.unwrap_or_default();
    let ids = matching_ids(&state, &query)?;
    if ids.is_empty() {
        return Err(Refusal::new(StatusCode::NOT_FOUND, "contracts.empty")
            .back("/marches", "nav.contracts"));
    }
    let meta = PackageMeta {
        uri: format!(
            "{}/marches/export.ocds.json{}{query}",
            state.public_url.trim_end_matches('/'),
            if query.is_empty() { "" } else { "?" }
        ),
        published_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        publisher_name: "Passerelle".into(),
        extensions: &[],
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
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"marches-passes.ocds.json\"",
            ),
        ],
        Body::from_stream(head.chain(releases).chain(tail)),
    )
        .into_response())
}

/// This capability's plain HTTP routes, mounted by the server's router.
pub fn routes() -> Routes {
    Routes::default()
        .get("/marches/export.csv", contracts_csv)
        .get("/marches/export.ocds.json", contracts_ocds)
}
