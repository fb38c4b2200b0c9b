//! Quick consultations ("demandes de devis", issue 23): a catering buyer asks a few food
//! products of the suppliers that have them in season and deliver there; they answer in one
//! step; the buyer compares and awards all or part.
pub mod api;
pub mod detail;
pub mod egalim;
pub mod form;
pub mod list;
