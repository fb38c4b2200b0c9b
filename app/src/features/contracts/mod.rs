//! The contracts explorer: past contracts (DECP) searched, filtered and read one by one.
//! Public: anyone may read the open data.
pub mod api;
pub mod pages;
