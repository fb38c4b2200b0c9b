//! Shared UI pieces: the page layout, form fields, notices.
pub mod form;
pub mod layout;
pub mod lists;
