//! The EGalim panel's CSV: the yearly declaration's shape, for the buyer's members.

use crate::server::auth::Caller;
use crate::server::infra::http::{Refusal, Routes};
use crate::server::state::AppState;
use axum::{
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Response},
};

#[derive(serde::Deserialize)]
pub struct YearQuery {
    annee: Option<i32>,
}

/// GET /compte/organisations/{id}/egalim.csv?annee=YYYY
pub async fn egalim_csv(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Query<YearQuery>,
    caller: Caller,
) -> Result<Response, Refusal> {
    let panel = super::egalim::panel(&state.db, &caller, id, q.annee).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"egalim-{}-{id}.csv\"", panel.year),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        panel.csv(),
    )
        .into_response())
}

pub fn routes() -> Routes {
    Routes::default().get("/compte/organisations/{id}/egalim.csv", egalim_csv)
}
