//! Organisations: the account page, creating and joining an organisation, and the public
//! profile of the directory.
pub mod api;
pub mod edit;
pub mod pages;
pub mod profile;
pub mod verification;
