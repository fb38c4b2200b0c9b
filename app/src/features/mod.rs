//! One folder a feature: its server functions (`api`), pages and components.
pub mod admin;
pub mod alerts;
pub mod analytics;
pub mod auth;
pub mod consortia;
pub mod contacts;
pub mod contracts;
pub mod directory;
pub mod home;
pub mod imports;
pub mod labels;
pub mod offers;
pub mod orgs;
pub mod partners;
pub mod placeholder;
pub mod programming;
pub mod sourcing;
