//! The administration of the portals Passerelle fetches by itself (issue 26): the sources, their
//! runs and reports, "run now", adding and disabling a source.
pub mod api;
pub mod pages;
