//! HTTP security that needs the application: the Content-Security-Policy with the hydration
//! nonce of each page, and the HTTP status of server-function errors.

use crate::error::AppError;
use axum::http::{header, HeaderValue};
use leptos::prelude::*;

/// Gives the page a fresh nonce (used by leptos' hydration scripts) and sends the matching CSP.
/// Styles: the stylesheet, and the page's own empty `<style>` elements that stand for thaw's
/// (they carry the nonce: thaw fills its theme's one in the browser) — no 'unsafe-inline'.
pub fn provide_csp_nonce() {
    leptos::nonce::provide_nonce();
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let Some(res) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, v);
    }
}

/// The status a server-function error response should carry, read from its JSON body
/// (server_fn answers every error with 500; `AppError::status_code` knows better).
pub fn status_of_error_body(body: &[u8]) -> Option<u16> {
    serde_json::from_slice::<AppError>(body)
        .ok()
        .map(|e| e.status_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_give_their_status() {
        let body =
            serde_json::to_vec(&AppError::field("siret", "validation.siret_checksum")).unwrap();
        assert_eq!(status_of_error_body(&body), Some(422));
        assert_eq!(status_of_error_body(b"not json"), None);
    }
}
