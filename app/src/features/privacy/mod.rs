//! Personal data: the privacy page, "download my data", "delete my account", "leave an
//! organisation".
pub mod api;
pub mod pages;
