//! Downloads of filtered lists: `/marches/export.csv?<the explorer's filters>`, streamed in
//! chunks of 1,000 contracts so that a national export never sits in memory.

use app::domain::contracts::ContractFilters;
use app::server::{contracts, state::AppState};
use axum::{
    body::Body,
    extract::{RawQuery, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use futures::StreamExt;

const CHUNK: usize = 1_000;

pub async fn contracts_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let filters = ContractFilters::from_query(query.as_deref().unwrap_or(""));
    let ids = match contracts::export_ids(&state.search, &filters) {
        Ok(ids) => ids,
        Err(e) => {
            tracing::error!("contracts export failed: {e}");
            let lang = crate::uploads::lang(&headers);
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                app::i18n::tr(lang, "error.internal"),
            )
                .into_response();
        }
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
