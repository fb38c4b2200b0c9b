//! File uploads that are not server functions: the DECP import (a multipart POST streamed to a
//! temporary file, then imported in the background) and the download of an import's rejects.
//! Plain HTTP, so they work without JavaScript and never hold a large file in memory.

use crate::server::infra::http::{Refusal, Routes};
use crate::server::{auth::Caller, state::AppState};
use axum::{
    extract::{Multipart, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use tokio::io::AsyncWriteExt;

/// Largest DECP file accepted by the upload.
pub const UPLOAD_LIMIT: usize = 2 * 1024 * 1024 * 1024;

/// A refusal of these routes: its message, and the way back to the imports' page.
fn refused(e: impl Into<Refusal>) -> Refusal {
    e.into().back("/admin/imports", "import.title")
}

fn refusal(status: StatusCode, key: &str) -> Refusal {
    refused(Refusal::new(status, key))
}

/// The refusal of an upload that stopped: too large, or cut short.
fn stopped(status: StatusCode) -> Refusal {
    let key = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "import.upload.too_large"
    } else {
        "import.upload.io"
    };
    refusal(status, key)
}

/// POST /admin/imports (multipart, field `fichier`): stores the file, starts the import in the
/// background and sends the browser to the run's page.
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    crate::server::infra::client::ClientIp(ip): crate::server::infra::client::ClientIp,
    mut multipart: Multipart,
) -> Result<Response, Refusal> {
    let admin_id = caller.require_admin().map_err(refused)?.id;
    let dir = std::env::temp_dir().join("passerelle-imports");
    if tokio::fs::create_dir_all(&dir).await.is_err() {
        return Err(refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            "import.upload.io",
        ));
    }
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| stopped(e.status()))?
    {
        if field.name() != Some("fichier") {
            continue;
        }
        let name: String = field
            .file_name()
            .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        if name.trim().is_empty() {
            return Err(refusal(StatusCode::BAD_REQUEST, "import.upload.no_file"));
        }
        // Removed when dropped: on every error below, and once the import has read it.
        let (file, path) = tempfile::Builder::new()
            .prefix("passerelle-import-")
            .suffix(".upload")
            .tempfile_in(&dir)
            .map_err(|e| {
                tracing::error!("could not create an upload file: {e}");
                refusal(StatusCode::INTERNAL_SERVER_ERROR, "import.upload.io")
            })?
            .into_parts();
        // An empty file is still a run: its page says why it failed ("Le fichier est vide").
        save(field, tokio::fs::File::from_std(file))
            .await
            .map_err(stopped)?;
        let size = tokio::fs::metadata(&path)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        let run =
            crate::server::imports::decp::start_from(&state.db, &name, size, Some(admin_id), ip)
                .await
                .map_err(refused)?;
        let (db, search) = (state.db.clone(), state.search.clone());
        let analytics = state.analytics.clone();
        let run_id = run.id;
        tokio::spawn(async move {
            let search = Some(&search);
            if let Err(e) =
                crate::server::imports::decp::execute(&db, search, run_id, &path, &name, |_| {})
                    .await
            {
                tracing::error!("import {run_id} could not be closed: {e}");
            }
            // The dashboards read the new contracts (the old snapshot serves meanwhile).
            if let Err(e) = analytics.rebuild(&db).await {
                tracing::warn!("analytics snapshot rebuild failed: {e}");
            }
            drop(path);
        });
        return Ok(Redirect::to(&format!("/admin/imports/{run_id}")).into_response());
    }
    Err(refusal(StatusCode::BAD_REQUEST, "import.upload.no_file"))
}

/// Streams a multipart field to a file; returns its size.
async fn save(
    mut field: axum::extract::multipart::Field<'_>,
    mut file: tokio::fs::File,
) -> Result<u64, StatusCode> {
    let mut size = 0u64;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                size += chunk.len() as u64;
                file.write_all(&chunk)
                    .await
                    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
            }
            Ok(None) => break,
            Err(e) => return Err(e.status()),
        }
    }
    file.flush()
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(size)
}

/// GET /admin/imports/{id}/rejets.csv
pub async fn rejects(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    caller.require_admin().map_err(refused)?;
    let not_found = || refusal(StatusCode::NOT_FOUND, "error.not_found");
    let id = id.parse::<i32>().map_err(|_| not_found())?;
    crate::server::imports::decp::find_run(&state.db, id)
        .await
        .map_err(refused)?
        .ok_or_else(not_found)?;
    let csv = crate::server::imports::decp::rejects_csv(&state.db, id)
        .await
        .map_err(refused)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"rejets-import-{id}.csv\""),
            ),
        ],
        csv,
    )
        .into_response())
}

/// The download of an import's rejects.
pub fn routes() -> Routes {
    Routes::default().get("/admin/imports/{id}/rejets.csv", rejects)
}

/// The upload of a DECP file: a route of its own, with its own body limit (mounted after the
/// site's 1 MiB limit, which would refuse it otherwise).
pub fn upload_routes() -> Routes {
    Routes::default().upload("/admin/imports", upload, UPLOAD_LIMIT)
}
