//! Organisations: the account page, creating and joining an organisation.
pub mod api;
pub mod pages;
