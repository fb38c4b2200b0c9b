//! Accounts: sign up, log in and out, passwords, the current user.
pub mod api;
pub mod pages;
