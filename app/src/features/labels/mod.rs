//! The territorial label: its public pages (referentials and holders), the analysts' pages
//! (referentials, review queue) and the businesses' applications.
pub mod api;
pub mod apply;
pub mod dossier;
pub mod manage;
pub mod public;
