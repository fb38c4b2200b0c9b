//! The import of an eForms prior information notice (PIN, XML) into a draft planned
//! procurement: a plain multipart form on the buyer's programming page, so it works without
//! JavaScript; rights are checked before the body is read; a refusal is a small page with its
//! status and the reason.

use crate::uploads::{lang, message_page};
use app::i18n::{tr, Lang};
use app::server::{
    auth::Caller, auth::USER_ID_KEY, infra::state::AppState, programming, programming::eforms,
};
use axum::{
    extract::{Multipart, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

/// Largest notice accepted (the official examples are 10–110 KB).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

fn refuse(status: StatusCode, lang: Lang, key: &str, org: i32) -> Response {
    let back = format!("/compte/organisations/{org}/programmation#import");
    message_page(
        status,
        lang,
        &tr(lang, key),
        (&back, &tr(lang, "plan.mine")),
    )
}

/// POST /compte/organisations/{id}/programmation/import (multipart, field `file`).
pub async fn import(
    State(state): State<AppState>,
    Path(org): Path<i32>,
    session: Session,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let lang = lang(&headers);
    let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
    let Some(user_id) = user_id else {
        return refuse(StatusCode::UNAUTHORIZED, lang, "error.unauthenticated", org);
    };
    let caller = match Caller::for_user(&state.db, user_id).await {
        Ok(c) => c,
        Err(e) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                lang,
                e.message_key(),
                org,
            )
        }
    };
    if caller.require_verified_buyer(org).is_err() {
        return refuse(StatusCode::FORBIDDEN, lang, "plan.verified_only", org);
    }
    let mut data = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) if b.len() > MAX_BYTES => {
                    return refuse(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        lang,
                        "plan.import_too_big",
                        org,
                    )
                }
                Ok(b) => data = Some(b),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return refuse(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        lang,
                        "plan.import_too_big",
                        org,
                    )
                }
                Err(_) => return refuse(StatusCode::BAD_REQUEST, lang, "error.bad_request", org),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    lang,
                    "plan.import_too_big",
                    org,
                )
            }
            Err(_) => return refuse(StatusCode::BAD_REQUEST, lang, "error.bad_request", org),
        }
    }
    let Some(data) = data.filter(|d| !d.is_empty()) else {
        return refuse(StatusCode::BAD_REQUEST, lang, "plan.import_missing", org);
    };
    let notice = match eforms::read(&data) {
        Ok(n) => n,
        Err(e) => {
            tracing::info!("PIN import refused: {e}");
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, lang, e.key(), org);
        }
    };
    match programming::import_notice(&state.db, &caller, org, &notice).await {
        Ok((id, dropped)) => Redirect::to(&format!(
            "/compte/achats/{id}?ok=imported&cpv_ignores={dropped}"
        ))
        .into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
            // The first field's message says what to correct in the notice.
            let key = match &e {
                app::error::AppError::Invalid(v) => v
                    .first()
                    .map(|f| {
                        if f.field == "file" {
                            f.key.clone()
                        } else {
                            "plan.import_invalid".into()
                        }
                    })
                    .unwrap_or_else(|| e.message_key().into()),
                other => other.message_key().into(),
            };
            refuse(status, lang, &key, org)
        }
    }
}
