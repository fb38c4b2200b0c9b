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
pub mod auth;
pub mod consortia;
pub mod contacts;
pub mod contracts;
pub mod demo;
pub mod directory;
pub mod imports;
pub mod labels;
pub mod offers;
pub mod orgs;
pub mod partners;
pub mod programming;
pub mod sourcing;
pub mod state;
