//! Shared UI pieces: the page layout, form fields, lists, and a page's status and error.
pub mod badge;
pub mod confirm;
pub mod form;
pub mod layout;
pub mod lists;
pub mod live_check;
pub mod notice;
pub mod status;
pub mod toggletip;
