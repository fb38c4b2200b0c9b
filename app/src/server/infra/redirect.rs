//! Redirects after a server function.

/// Redirects (after a server function) to `url` — a page with its query — made unique: with
/// JavaScript, the router does not reload a page whose URL did not change, so a second change of
/// the same kind (another lot, another CPV code) would leave the first one's page on screen.
pub fn redirect_fresh(url: &str) {
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (url, String::new()),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    let stamp = chrono::Utc::now().timestamp_micros() % 1_000_000_000;
    leptos_axum::redirect(&format!("{path}{sep}v={stamp}{fragment}"));
}
