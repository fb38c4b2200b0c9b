//! Pure domain logic: no leptos, no database, no async. Shared by the server and the browser.
pub mod catalogue;
pub mod contracts;
pub mod cpv;
pub mod decp;
pub mod directory;
pub mod eforms;
pub mod geo;
pub mod label;
pub mod ocds;
pub mod offer;
pub mod org;
pub mod programming;
pub mod query;
pub mod siret;
pub mod sourcing;
pub mod validate;
