//! Saved searches with their alerts, and the notification centre (`/compte/alertes`).
pub mod api;
pub mod pages;
