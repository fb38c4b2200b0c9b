//! Security layers of the HTTP server: refusal of cross-site mutations, the status of
//! server-function errors, security headers, panics answered as a bare 500.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Whether a state-changing request comes from another site: `Sec-Fetch-Site` (sent by every
/// current browser) must be same-origin or none; without it, `Origin`, when present, must name
/// this host.
pub fn is_cross_site(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        return origin == "null" || origin_host != host;
    }
    false
}

/// Refuses cross-site state-changing requests with 403 and an `AppError::CrossSite` body.
pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if is_cross_site(req.method(), req.headers()) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        let body = serde_json::to_string(&app::error::AppError::CrossSite).unwrap_or_default();
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    next.run(req).await
}

/// server_fn answers every error with 500 and a `serverfnerror` header; give it the status of
/// the `AppError` it carries (422 for bad input, 401, 403, 404, 429…).
pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    // Refused access is a security event (ASVS 16.3.2), whichever route refused it.
    if matches!(
        res.status(),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ) {
        tracing::info!(path, status = res.status().as_u16(), "access refused");
    }
    if !res.headers().contains_key("serverfnerror")
        || res.status() != StatusCode::INTERNAL_SERVER_ERROR
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, 1 << 20).await {
        Ok(b) => b,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if let Some(status) = app::server::infra::security::status_of_error_body(&bytes)
        .and_then(|s| StatusCode::from_u16(s).ok())
    {
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            tracing::info!(path, status = status.as_u16(), "access refused");
        }
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// How the site is reached: over HTTPS (everywhere but development), it tells browsers to
/// come back over HTTPS only.
#[derive(Clone, Copy)]
pub struct Transport {
    pub hsts: bool,
}

/// Two years, subdomains included: the value hstspreload.org asks for.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Headers every response carries; HTML pages get their own CSP (with the nonce) from the app.
pub async fn security_headers(
    axum::extract::State(transport): axum::extract::State<Transport>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if transport.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    res
}

/// The answer to a panic: 500, no details (they go to the log).
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(non-string panic)");
    tracing::error!("panic while handling a request: {detail}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Erreur — Passerelle</title></head>\
         <body><h1>Une erreur interne est survenue</h1><p>Réessayez dans un instant. \
         <span lang=\"en\">An internal error occurred; please try again.</span></p><p><a href=\"/\">Passerelle</a></p></body></html>",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn reads_are_never_cross_site() {
        assert!(!is_cross_site(
            &Method::GET,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
    }

    #[test]
    fn posts_from_other_sites_are() {
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-site")])
        ));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-origin")])
        ));
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ])
        ));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ])
        ));
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("origin", "null"), ("host", "127.0.0.1:3000")])
        ));
        // A non-browser client without either header (curl, the test suite) is let through:
        // it carries no ambient cookie of a victim.
        assert!(!is_cross_site(&Method::POST, &headers(&[])));
    }
}
