//! `GET /compte/mes-donnees.json`: the signed-in person's data as one JSON file (GDPR arts. 15
//! and 20).

use super::export;
use crate::server::auth::Caller;
use crate::server::infra::http::{Refusal, Routes};
use crate::server::state::AppState;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};

pub async fn my_data(State(state): State<AppState>, caller: Caller) -> Result<Response, Refusal> {
    let user = caller.user()?;
    let data = export(&state.db, user.id).await?;
    let body = serde_json::to_string_pretty(&data).map_err(|e| {
        tracing::error!("personal data export: {e}");
        crate::error::AppError::Internal
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"passerelle-mes-donnees.json\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        body,
    )
        .into_response())
}

pub fn routes() -> Routes {
    Routes::default().get("/compte/mes-donnees.json", my_data)
}
