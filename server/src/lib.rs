//! The Passerelle server: configuration, the HTTP router with its security layers, and the
//! command-line subcommands. Thin: the application lives in the `app` crate.
pub mod bench;
pub mod bench_analytics;
pub mod bench_match;
pub mod cli;
pub mod config;
pub mod evidence;
pub mod exports;
pub mod feeds;
pub mod generate;
pub mod generate_catalogue;
pub mod generate_plans;
pub mod photos;
pub mod pin;
pub mod security;
pub mod sourcing;
pub mod uploads;
pub mod web;
