//! Administration: verifying public buyers and chambers.
pub mod api;
pub mod pages;
