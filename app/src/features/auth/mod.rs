//! Accounts: sign up, log in and out, passwords, the second factor, the current user.
pub mod api;
pub mod pages;
pub mod second_factor;
pub mod second_factor_pages;
