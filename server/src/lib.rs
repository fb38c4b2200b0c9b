//! The Passerelle server: configuration, the HTTP router with its security layers, and the
//! command-line subcommands. Thin: the application lives in the `app` crate.
pub mod cli;
pub mod config;
pub mod security;
#[cfg(feature = "bench-tools")]
pub mod tools;
pub mod web;
