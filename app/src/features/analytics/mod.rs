//! Territory analytics: the dashboards of past contracts (spend, competition, levers, local
//! share, map) with their tables and CSV downloads.
pub mod api;
pub mod charts;
pub mod food;
pub mod pages;
pub mod shortage;
