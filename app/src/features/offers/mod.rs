//! The offer catalogue: a business's members manage its offers (`/compte/organisations/{id}/offres`,
//! `/compte/offres/{id}`); everyone searches the published ones (`/catalogue`) and reads them
//! (`/catalogue/{id}`).
pub mod api;
pub mod catalogue;
pub mod editor;
pub mod food;
pub mod manage;
pub mod public;
pub mod suppliers;
