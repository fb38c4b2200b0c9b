//! Evidence of label applications over plain HTTP (a multipart form works without JavaScript):
//! the upload, which reads the type from the bytes (PDF, JPEG or PNG only), caps the size and
//! stores the file under a name the server draws; and the download, for the applying business's
//! members and the analysts only, always as an attachment that the browser does not interpret.

use crate::domain::ids::{ApplicationId, CriterionId, UserId};
use crate::server::infra::http::{Refusal, Routes};
use crate::server::labels::{self, StoredEvidence};
use crate::server::{auth::Caller, state::AppState};
use axum::{
    body::Body,
    extract::{Multipart, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

/// Largest file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// A refusal of the upload, with the way back to the application's criteria.
fn refused(e: impl Into<Refusal>, id: i32) -> Refusal {
    e.into().back(
        &format!("/labels/dossiers/{id}#criteria"),
        "label.dossier_title",
    )
}

/// The type of a file, from its first bytes: (extension, content type).
pub fn sniff(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if data.starts_with(b"%PDF-") {
        Some(("pdf", "application/pdf"))
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else {
        None
    }
}

/// The name a file came with, kept for display only: its last path segment, without control
/// characters, at most 200 characters.
fn display_name(raw: Option<&str>, ext: &str) -> String {
    let base = raw
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_string();
    if clean.is_empty() {
        format!("piece.{ext}")
    } else {
        clean
    }
}

fn random_name(ext: &str) -> String {
    use rand::Rng;
    let n: u128 = rand::rng().random();
    format!("{n:032x}.{ext}")
}

/// POST /labels/dossiers/{id}/pieces (multipart: `criterion`, its id; `file`).
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<Response, Refusal> {
    let refuse = |status: StatusCode, key: &str| refused(Refusal::new(status, key), id);
    let user_id = caller.user().map_err(|e| refused(e, id))?.id;
    // Rights and status before the body is read.
    labels::may_attach(&state.db, UserId(user_id), ApplicationId(id), None)
        .await
        .map_err(|e| refused(e, id))?;
    let too_big = || refuse(StatusCode::PAYLOAD_TOO_LARGE, "label.file_too_big");
    let unread = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            refuse(StatusCode::BAD_REQUEST, "error.bad_request")
        }
    };
    let (mut data, mut criterion, mut original) = (None, None, None);
    while let Some(field) = multipart.next_field().await.map_err(unread)? {
        match field.name() {
            Some("file") => {
                original = field.file_name().map(str::to_string);
                let bytes = field.bytes().await.map_err(unread)?;
                if bytes.len() > MAX_BYTES {
                    return Err(too_big());
                }
                data = Some(bytes);
            }
            Some("criterion") => {
                criterion = field
                    .text()
                    .await
                    .ok()
                    .and_then(|t| t.trim().parse::<i32>().ok())
            }
            _ => {}
        }
    }
    let criterion =
        criterion.ok_or_else(|| refuse(StatusCode::BAD_REQUEST, "error.bad_request"))?;
    // The criterion must be one of the application's.
    labels::may_attach(
        &state.db,
        UserId(user_id),
        ApplicationId(id),
        Some(CriterionId(criterion)),
    )
    .await
    .map_err(|e| refused(e, id))?;
    let data = data
        .filter(|d| !d.is_empty())
        .ok_or_else(|| refuse(StatusCode::BAD_REQUEST, "label.file_missing"))?;
    let (ext, content_type) = sniff(&data)
        .ok_or_else(|| refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "label.file_type"))?;
    let name = random_name(ext);
    let folder = labels::folder(&state.media_dir);
    let written = tokio::fs::create_dir_all(&folder).await.is_ok()
        && tokio::fs::write(folder.join(&name), &data).await.is_ok();
    if !written {
        return Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, "error.internal"));
    }
    let original = display_name(original.as_deref(), ext);
    let recorded = labels::attach(
        &state.db,
        UserId(user_id),
        ApplicationId(id),
        CriterionId(criterion),
        StoredEvidence {
            file_name: &name,
            original_name: &original,
            content_type,
            bytes: data.len(),
        },
    )
    .await;
    if let Err(e) = recorded {
        // The file has no row: it goes.
        labels::remove_files(&state.media_dir, [name.as_str()]);
        return Err(refused(e, id));
    }
    Ok(Redirect::to(&format!("/labels/dossiers/{id}?ok=file#criteria")).into_response())
}

/// GET /labels/pieces/{name}: a stored file, for whoever may read its application.
pub async fn download(
    State(state): State<AppState>,
    Path(name): Path<String>,
    caller: Caller,
) -> Result<Response, Refusal> {
    if !labels::is_stored_name(&name) {
        return Err(crate::error::AppError::NotFound.into());
    }
    let user_id = caller.user()?.id;
    let (original, content_type) = labels::readable_evidence(&state.db, user_id, &name).await?;
    let bytes = tokio::fs::read(labels::folder(&state.media_dir).join(&name))
        .await
        .map_err(|_| crate::error::AppError::NotFound)?;
    // RFC 6266: an ASCII fallback and the UTF-8 name, percent-encoded.
    let ascii: String = original
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded =
        percent_encoding::utf8_percent_encode(&original, percent_encoding::NON_ALPHANUMERIC);
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// The download of a piece of evidence (for the dossier's members and the label's managers).
pub fn routes() -> Routes {
    Routes::default().get("/labels/pieces/{name}", download)
}

/// The upload of a piece of evidence, with its own body limit (mounted after the site's 1 MiB
/// limit).
pub fn upload_routes() -> Routes {
    Routes::default().upload(
        "/labels/dossiers/{id}/pieces",
        upload,
        MAX_BYTES + 256 * 1024,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(("pdf", "application/pdf")));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(("jpg", "image/jpeg"))
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(("png", "image/png")));
        assert_eq!(sniff(b"<?php echo 1; ?>"), None);
        assert_eq!(sniff(b"<html><script>"), None);
    }

    #[test]
    fn shown_names_lose_their_paths() {
        assert_eq!(display_name(Some("../../etc/passwd"), "pdf"), "passwd");
        assert_eq!(
            display_name(Some("C:\\Users\\a\\Kbis.pdf"), "pdf"),
            "Kbis.pdf"
        );
        assert_eq!(display_name(None, "png"), "piece.png");
        assert_eq!(display_name(Some("a\u{0}b.pdf"), "pdf"), "ab.pdf");
    }
}
