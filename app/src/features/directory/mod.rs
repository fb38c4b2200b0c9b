//! The directory's search (`/annuaire`): words and facets over the public organisations, as a
//! list and as a map of the Métropole. The profile page of one organisation is in `orgs`.
pub mod api;
pub mod map;
pub mod pages;
