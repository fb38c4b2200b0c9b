//! Server-only code, never compiled into the WASM client. Shaped like `features/`: one folder a
//! capability (its queries, one file a use case where it grows, its plain HTTP handlers), and
//! `infra/` for the shared plumbing every capability uses (database, entities, migrations,
//! sessions, mail, passwords, limits, rich text, reference data, places, notifications, search
//! index); `state` composes them with the capabilities' own state for every request.
//! docs/architecture.md maps the layout.
pub mod infra;

pub mod alerts;
pub mod analytics;
pub mod api;
pub mod audit;
pub mod auth;
pub mod consortia;
pub mod contacts;
pub mod contracts;
pub mod demo;
pub mod directory;
pub mod home;
pub mod imports;
pub mod insertion;
pub mod labels;
pub mod notices;
pub mod offers;
pub mod orgs;
pub mod partners;
pub mod privacy;
pub mod programming;
pub mod quotes;
pub mod sources;
pub mod sourcing;
pub mod state;

/// Every capability's plain routes (downloads, feeds, files), mounted under the site's 1 MiB
/// body limit.
pub fn plain_routes() -> infra::http::Routes {
    contracts::http::routes()
        .merge(analytics::http::routes())
        .merge(imports::http::routes())
        .merge(offers::http::routes())
        .merge(labels::http::routes())
        .merge(programming::http::routes())
        .merge(sourcing::http::routes())
        .merge(quotes::http::routes())
        .merge(privacy::http::routes())
}

/// Every capability's uploads, each with its own body limit (mounted after the site's).
pub fn upload_routes() -> infra::http::Routes {
    imports::http::upload_routes()
        .merge(offers::http::upload_routes())
        .merge(programming::http::upload_routes())
        .merge(labels::http::upload_routes())
}
