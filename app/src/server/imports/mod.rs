//! Imports of open data: DECP files of past contracts (every format) and SIRENE extracts.

pub mod decp;
pub mod http;
pub mod sirene;
