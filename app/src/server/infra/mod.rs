//! The shared plumbing of the server side: what every capability uses and none owns.
//! Capabilities live beside this folder (`server/<capability>/`); nothing here holds a rule of
//! one capability.

pub mod answers;
pub mod client;
pub mod cpv;
pub mod csv;
pub mod db;
pub mod entities;
pub mod http;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod migrations;
pub mod naf;
pub mod notifications;
pub mod page_cache;
pub mod page_reads;
pub mod passwords;
pub mod pg_copy;
pub mod places;
pub mod redirect;
pub mod reference;
pub mod rich_text;
pub mod search;
pub mod security;
pub mod sessions;
pub mod synonyms;
pub mod xml;
