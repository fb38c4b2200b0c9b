//! The quick consultations' files: the OCDS 1.1 release package of every consultation (open
//! data), and the EGalim panel's CSV (the yearly declaration's shape, for the buyer's members).

use crate::server::auth::Caller;
use crate::server::infra::http::{Refusal, Routes};
use crate::server::state::AppState;
use axum::{
    extract::{Path, Query, RawQuery, State},
    http::{header, StatusCode},
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

/// GET /demandes-de-devis/export.ocds.json[?ouvertes=1]: every consultation as an OCDS 1.1
/// release package (tender, and award once decided; never an answer).
pub async fn quotes_ocds(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, Refusal> {
    use crate::domain::ocds::{package_head, PackageMeta, PACKAGE_TAIL};
    use crate::domain::ocds_quotes::quote_release;
    let query = query.unwrap_or_default();
    let open_only = crate::domain::quote_views::open_only_in(&query);
    let selection = super::exports::Selection {
        open_only,
        ..Default::default()
    };
    let facts = super::exports::facts(&state.db, &state.public_url, selection).await?;
    // A package holds at least one release: an empty list is a 404 that says why.
    if facts.is_empty() {
        return Err(Refusal::new(StatusCode::NOT_FOUND, "quotes.none")
            .back("/demandes-de-devis", "quotes.title"));
    }
    let meta = PackageMeta {
        uri: format!(
            "{}/demandes-de-devis/export.ocds.json{}{}",
            state.public_url.trim_end_matches('/'),
            if open_only { "?" } else { "" },
            if open_only {
                crate::domain::quote_views::OPEN_ONLY
            } else {
                ""
            }
        ),
        published_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        publisher_name: "Passerelle".into(),
        extensions: &[],
    };
    let releases: Vec<String> = facts.iter().map(|q| quote_release(q).to_string()).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"demandes-de-devis.ocds.json\"",
            ),
        ],
        format!(
            "{}{}{PACKAGE_TAIL}",
            package_head(&meta),
            releases.join(",")
        ),
    )
        .into_response())
}

pub fn routes() -> Routes {
    Routes::default()
        .get("/compte/organisations/{id}/egalim.csv", egalim_csv)
        .get("/demandes-de-devis/export.ocds.json", quotes_ocds)
}
