//! Public pages kept a moment for visitors who are not signed in.
//!
//! Under load, the lists and records are asked again and again by visitors without an account,
//! and each of them gets the very same HTML: once the data answers are kept
//! (`infra::answers`), rendering the page itself is what a request costs (measured: 3 to 4 ms
//! of CPU for the explorer's page). A page rendered for a visitor without a session is kept
//! under its address, its language and the generations of the data it shows (the search
//! index's, the programming's, and the count of writes this instance answered — any form or
//! server function sent to it), and served again until a write moves one of them or [`TTL`]
//! has passed — the bound on how old a page about data written by another instance or a
//! background job (a sourcing call, a partner request) may be. Anyone signed in (a session
//! cookie) always gets a page of their own.
//!
//! Each page carries the nonce of its Content-Security-Policy: a kept page is served with a
//! fresh one, written in place of the old one in the header and the body, so that no two
//! responses share a nonce.
//!
//! One request renders a missing page while the others asking for it wait for that page
//! (measured without: 50 connections rendering `/annuaire` together each time it expired made
//! its p99 480 ms at 9,000 requests/s); once a page's life is over, the others are served the
//! old one (up to [`STALE`]) while one request renders the new one — never after a write moved
//! its key.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::answers::Answers;

/// How long a kept page is served at most.
pub const TTL: Duration = Duration::from_secs(2);
/// How old a page may be served while its successor is being rendered.
const STALE: Duration = Duration::from_secs(10);
/// Pages kept at most (about 30–120 KB each).
const PAGES: usize = 500;
/// A page larger than this is served, not kept.
const MAX_PAGE: usize = 512 * 1024;
/// Renders of distinct pages that may run at once (requests for pages of the same stripe take
/// turns: a flood of distinct addresses renders at most this many pages at a time).
const STRIPES: usize = 64;

/// The addresses whose pages are the same for every visitor without a session.
const PUBLIC: [&str; 7] = [
    "/annuaire",
    "/catalogue",
    "/marches",
    "/programmation",
    "/sourcage",
    "/groupements",
    "/consultations",
];

/// What the middleware needs: the kept pages, the database (the programming's generation), the
/// index (its generation), the session cookie's name.
#[derive(Clone)]
pub struct PageCache {
    pages: Answers,
    db: sea_orm::DatabaseConnection,
    search: super::search::SearchIndex,
    session_cookie: &'static str,
    /// Requests other than GET and HEAD this instance answered: after a write, no page kept
    /// before it is served.
    writes: Arc<AtomicU64>,
    /// One render at a time per stripe of keys.
    renders: Arc<Vec<tokio::sync::Mutex<()>>>,
}

#[derive(Clone)]
struct Kept {
    at: Instant,
    headers: HeaderMap,
    body: Arc<String>,
    nonce: Option<String>,
}

impl PageCache {
    pub fn new(
        db: sea_orm::DatabaseConnection,
        search: super::search::SearchIndex,
        session_cookie: &'static str,
    ) -> PageCache {
        PageCache {
            pages: Answers::new(PAGES),
            db,
            search,
            session_cookie,
            writes: Arc::new(AtomicU64::new(0)),
            renders: Arc::new((0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect()),
        }
    }
}

/// Whether `path` is one of the public pages kept.
pub fn is_public_page(path: &str) -> bool {
    path == "/"
        || PUBLIC.iter().any(|p| {
            path.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// Whether the request carries a session cookie (valid or not: it is not read here).
fn has_session(headers: &HeaderMap, name: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim_start().starts_with(name) && c.trim_start()[name.len()..].starts_with('='))
}

/// The nonce of a Content-Security-Policy value (`'nonce-…'`).
fn nonce_of(csp: &str) -> Option<String> {
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let end = start + csp[start..].find('\'')?;
    Some(csp[start..end].to_string())
}

/// A nonce as leptos makes them: 16 random bytes (here in hex, which CSP accepts).
fn fresh_nonce() -> String {
    use rand::Rng;
    hex::encode(rand::rng().random::<[u8; 16]>())
}

/// Serves a kept page to a visitor without a session, or renders it and keeps it.
pub async fn serve(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let res = next.run(req).await;
        // Counted once answered (the write has committed by then), and only when it was
        // accepted: a flood of refused requests (wrong passwords) does not empty the pages.
        if res.status().is_success() || res.status().is_redirection() {
            cache.writes.fetch_add(1, Ordering::SeqCst);
        }
        return res;
    }
    if req.method() != Method::GET
        || !is_public_page(req.uri().path())
        || has_session(req.headers(), cache.session_cookie)
    {
        return next.run(req).await;
    }
    // Read before the page is rendered: a page is never kept under a count older than its data.
    let writes = cache.writes.load(Ordering::SeqCst);
    let plans = match super::answers::generation(&cache.db, "plans").await {
        Ok(g) => g,
        // The database is not answering: the page will say so itself.
        Err(_) => return next.run(req).await,
    };
    let key = format!(
        "{:?}|{}|{plans}|{writes}|{}",
        crate::i18n::lang_of(req.headers()),
        cache.search.searcher().generation().generation_id(),
        req.uri()
    );
    let stripe = {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let hasher = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
        (hasher.hash_one(&key) as usize) % STRIPES
    };
    let old = cache.pages.get::<Kept>(&key);
    if let Some(kept) = &old {
        if kept.at.elapsed() < TTL {
            return served(kept);
        }
    }
    let _render = match (&old, cache.renders[stripe].try_lock()) {
        (_, Ok(turn)) => turn,
        // Another request renders this stripe: its old page meanwhile, if there is one and
        // not too old (a stripe kept busy by a flood of distinct addresses must not keep a
        // page past a few lives).
        (Some(kept), Err(_)) if kept.at.elapsed() < STALE => return served(kept),
        (_, Err(_)) => {
            let turn = cache.renders[stripe].lock().await;
            // The page the request before rendered, if it was this one.
            if let Some(kept) = cache.pages.get::<Kept>(&key) {
                if kept.at.elapsed() < TTL {
                    return served(&kept);
                }
            }
            turn
        }
    };
    let res = next.run(req).await;
    let keepable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
    if !keepable {
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE * 16).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!("page cache: the page could not be read: {e}");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::empty())
                .unwrap_or_default();
        }
    };
    if bytes.len() <= MAX_PAGE {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let nonce = parts
                .headers
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok())
                .and_then(nonce_of);
            cache.pages.put(
                key,
                Kept {
                    at: Instant::now(),
                    headers: parts.headers.clone(),
                    body: Arc::new(text.to_string()),
                    nonce,
                },
            );
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A kept page with a nonce of its own.
fn served(kept: &Kept) -> Response {
    let (mut headers, body) = renonced(kept);
    headers.remove(header::CONTENT_LENGTH);
    let mut res = Response::new(Body::from(body));
    *res.headers_mut() = headers;
    res
}

/// The kept page's headers and body, its nonce replaced by a fresh one in both.
fn renonced(kept: &Kept) -> (HeaderMap, String) {
    let mut headers = kept.headers.clone();
    let Some(old) = &kept.nonce else {
        return (headers, kept.body.as_str().to_string());
    };
    let new = fresh_nonce();
    if let Some(csp) = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| HeaderValue::from_str(&v.replace(old.as_str(), &new)).ok())
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    (headers, kept.body.replace(old.as_str(), &new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_public_lists_and_records_are_kept() {
        for p in [
            "/",
            "/annuaire",
            "/annuaire/12",
            "/marches",
            "/programmation/3/groupements",
        ] {
            assert!(is_public_page(p), "{p}");
        }
        for p in [
            "/compte",
            "/admin/sources",
            "/annuaires",
            "/api/plans/list",
            "/connexion",
        ] {
            assert!(!is_public_page(p), "{p}");
        }
    }

    #[test]
    fn a_session_cookie_is_seen_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; passerelle_session=abc"),
        );
        assert!(has_session(&h, "passerelle_session"));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; passerelle_sessionx=abc"),
        );
        assert!(!has_session(&h, "passerelle_session"));
        h.remove(header::COOKIE);
        assert!(!has_session(&h, "passerelle_session"));
    }

    #[test]
    fn the_nonce_is_read_from_the_policy_and_made_anew() {
        let csp = "default-src 'self'; script-src 'self' 'nonce-AbC123' 'wasm-unsafe-eval'";
        assert_eq!(nonce_of(csp).as_deref(), Some("AbC123"));
        assert_eq!(nonce_of("default-src 'none'"), None);
        let kept = Kept {
            at: Instant::now(),
            headers: {
                let mut h = HeaderMap::new();
                h.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(csp),
                );
                h
            },
            body: Arc::new(
                r#"<script nonce="AbC123">x</script><style nonce="AbC123"></style>"#.into(),
            ),
            nonce: Some("AbC123".into()),
        };
        let (ha, ba) = renonced(&kept);
        let (hb, _) = renonced(&kept);
        let policy = |h: &HeaderMap| {
            h[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .to_string()
        };
        let (na, nb) = (
            nonce_of(&policy(&ha)).unwrap(),
            nonce_of(&policy(&hb)).unwrap(),
        );
        assert_ne!(na, "AbC123");
        assert_ne!(na, nb, "each response its own nonce");
        assert_eq!(na.len(), 32);
        // The body carries the header's nonce, and nothing of the old one.
        assert_eq!(ba.matches(&format!("nonce=\"{na}\"")).count(), 2);
        assert!(!ba.contains("AbC123"));
    }
}
