//! The portals' notices on the platform (issue 26): "Consultations en cours" for firms, the
//! notice proposed to a buyer for its plan, confirmed in one click.
pub mod api;
pub mod pages;
