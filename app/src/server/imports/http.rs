//! File uploads that are not server functions: the DECP import (a multipart POST streamed to a
//! temporary file, then imported in the background) and the download of an import's rejects.
//! Plain HTTP, so they work without JavaScript and never hold a large file in memory.

use crate::i18n::{tr, Lang};
use crate::server::infra::http::{lang, message_page};
use crate::server::{auth::Caller, auth::USER_ID_KEY, infra::state::AppState};
use axum::{
    extract::{Multipart, Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use tokio::io::AsyncWriteExt;
use tower_sessions::Session;

/// Largest DECP file accepted by the upload.
pub const UPLOAD_LIMIT: usize = 2 * 1024 * 1024 * 1024;

fn error_page(status: StatusCode, lang: Lang, key: &str) -> Response {
    message_page(
        status,
        lang,
        &tr(lang, key),
        ("/admin/imports", &tr(lang, "import.title")),
    )
}

/// The signed-in administrator, or the response to send instead.
async fn admin(state: &AppState, session: &Session, lang: Lang) -> Result<i32, Response> {
    let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
    let Some(user_id) = user_id else {
        return Err(error_page(
            StatusCode::UNAUTHORIZED,
            lang,
            "error.unauthenticated",
        ));
    };
    let caller = Caller::for_user(&state.db, user_id)
        .await
        .map_err(|_| error_page(StatusCode::INTERNAL_SERVER_ERROR, lang, "error.internal"))?;
    match caller.require_admin() {
        Ok(u) => Ok(u.id),
        Err(e) => Err(error_page(
            StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::FORBIDDEN),
            lang,
            e.message_key(),
        )),
    }
}

/// POST /admin/imports (multipart, field `fichier`): stores the file, starts the import in the
/// background and sends the browser to the run's page.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let lang = lang(&headers);
    let admin_id = match admin(&state, &session, lang).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    let dir = std::env::temp_dir().join("passerelle-imports");
    if tokio::fs::create_dir_all(&dir).await.is_err() {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, lang, "import.upload.io");
    }
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let status = e.status();
                let key = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    "import.upload.too_large"
                } else {
                    "import.upload.io"
                };
                return error_page(status, lang, key);
            }
        };
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
            return error_page(StatusCode::BAD_REQUEST, lang, "import.upload.no_file");
        }
        // Removed when dropped: on every error below, and once the import has read it.
        let (file, path) = match tempfile::Builder::new()
            .prefix("passerelle-import-")
            .suffix(".upload")
            .tempfile_in(&dir)
        {
            Ok(t) => t.into_parts(),
            Err(e) => {
                tracing::error!("could not create an upload file: {e}");
                return error_page(StatusCode::INTERNAL_SERVER_ERROR, lang, "import.upload.io");
            }
        };
        // An empty file is still a run: its page says why it failed ("Le fichier est vide").
        match save(field, tokio::fs::File::from_std(file)).await {
            Ok(_) => {}
            Err(status) => {
                let key = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    "import.upload.too_large"
                } else {
                    "import.upload.io"
                };
                return error_page(status, lang, key);
            }
        }
        let size = tokio::fs::metadata(&path)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        let run = match crate::server::imports::decp::start(&state.db, &name, size, Some(admin_id))
            .await
        {
            Ok(run) => run,
            Err(e) => {
                tracing::error!("could not record an import: {e}");
                return error_page(StatusCode::INTERNAL_SERVER_ERROR, lang, "error.internal");
            }
        };
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
        return Redirect::to(&format!("/admin/imports/{run_id}")).into_response();
    }
    error_page(StatusCode::BAD_REQUEST, lang, "import.upload.no_file")
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
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let lang = lang(&headers);
    if let Err(res) = admin(&state, &session, lang).await {
        return res;
    }
    let Ok(id) = id.parse::<i32>() else {
        return error_page(StatusCode::NOT_FOUND, lang, "error.not_found");
    };
    match crate::server::imports::decp::find_run(&state.db, id).await {
        Ok(Some(_)) => {}
        Ok(None) => return error_page(StatusCode::NOT_FOUND, lang, "error.not_found"),
        Err(e) => {
            tracing::error!("import {id}: {e}");
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, lang, "error.internal");
        }
    }
    match crate::server::imports::decp::rejects_csv(&state.db, id).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"rejets-import-{id}.csv\""),
                ),
            ],
            csv,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("rejects of import {id}: {e}");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, lang, "error.internal")
        }
    }
}

/// The download of an import's rejects.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/admin/imports/{id}/rejets.csv",
        axum::routing::get(rejects),
    )
}

/// The upload of a DECP file: a route of its own, with its own body limit (mounted after the
/// site's 1 MiB limit, which would refuse it otherwise).
pub fn upload_routes() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/admin/imports",
        axum::routing::post(upload).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
    )
}
