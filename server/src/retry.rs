//! Retries a server-function call that PostgreSQL refused for racing another transaction
//! (SERIALIZABLE writes, see `infra::db::begin_write`): the whole request runs again, a few
//! times, after a short random pause, before the caller is told to try again (409). Only
//! server-function calls (POST /api/…, bodies of at most 1 MiB, buffered) are replayed; their
//! transactions are all-or-nothing, so a refused attempt changed nothing.

use axum::{
    body::Body,
    extract::Request,
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::time::Duration;

/// Attempts in all, the first included.
pub const ATTEMPTS: usize = 4;

pub async fn serialization_conflicts(req: Request, next: Next) -> Response {
    let replayable = req.method() == Method::POST && req.uri().path().starts_with("/api/");
    if !replayable {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::web::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let mut attempt = 1;
    loop {
        let mut req = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        *req.extensions_mut() = parts.extensions.clone();
        let res = next.clone().run(req).await;
        if res.status() != StatusCode::CONFLICT || attempt >= ATTEMPTS {
            return res;
        }
        // 5–40 ms, growing: the racing transaction commits meanwhile.
        let jitter = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos() as u64);
        let pause = 5 * attempt as u64 + jitter % (10 * attempt as u64);
        tracing::info!(path = %parts.uri.path(), attempt, "serialization conflict: tried again");
        tokio::time::sleep(Duration::from_millis(pause)).await;
        attempt += 1;
    }
}
