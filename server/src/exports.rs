//! Downloads of filtered lists: `/marches/export.csv?<the explorer's filters>`, streamed in
//! chunks of 1,000 contracts so that a national export never sits in memory.

use app::domain::contracts::ContractFilters;
use app::server::{contracts, state::AppState};
use axum::{
    body::Body,
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
};

const CHUNK: u64 = 1_000;

pub async fn contracts_csv(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let filters = ContractFilters::from_query(query.as_deref().unwrap_or(""));
    let db = state.db.clone();
    // A BOM and the header first, then one chunk at a time.
    let header = format!("\u{feff}{}\n", contracts::CSV_HEADER.join(","));
    let head = futures::stream::once(async move { Ok::<_, std::io::Error>(header) });
    let rows = futures::stream::unfold(Some(0), move |after| {
        let (db, filters) = (db.clone(), filters.clone());
        async move {
            let after = after?;
            match contracts::export_chunk(&db, &filters, after, CHUNK).await {
                Ok(Some((lines, last))) => Some((Ok(lines), Some(last))),
                Ok(None) => None,
                Err(e) => {
                    // The download ends cut; the log says why (never the browser).
                    tracing::error!("contracts export failed: {e}");
                    Some((Err(std::io::Error::other("export failed")), None))
                }
            }
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
        Body::from_stream(futures::StreamExt::chain(head, rows)),
    )
        .into_response()
}
