//! The Passerelle server: configuration, the HTTP router with its security layers, and the
//! command-line subcommands. Thin: the application lives in the `app` crate.
pub mod cli;
pub mod config;
pub mod retry;
pub mod security;
// The generators' own tests run with every `cargo test`, the feature or not.
#[cfg(any(test, feature = "bench-tools"))]
pub mod tools;
pub mod web;
