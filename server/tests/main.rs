//! The server's integration tests, one module a feature: the real router on a real database
//! (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the real binary where a test needs
//! a process. One test binary rather than one a file: each of the forty links the whole
//! application (≈ 640 MB with its debug lines), which cost 25 GB of disk and forty links a
//! build (docs/decisions.md, "One integration test binary").

#[macro_use]
mod common;

mod accounts;
mod analytics;
mod answers;
mod api;
mod audit;
mod authz;
mod consortia;
mod contacts;
mod csv_exports;
mod database;
mod decp;
mod demo;
mod directory;
mod facilitators;
mod food;
mod insertion;
mod insertion_hours;
mod instances;
mod interrupt;
mod joint;
mod labels;
mod notices;
mod ocds;
mod offers;
mod page_cache;
mod pages;
mod partners;
mod pin_import;
mod privacy;
mod programming;
mod queries;
mod quotes;
mod search;
mod search_alerts;
mod security;
mod sources;
mod sourcing;
