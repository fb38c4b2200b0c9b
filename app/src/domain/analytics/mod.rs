//! Territory analytics: trades read from CPV codes, the compact facts of past contracts, and the
//! dashboards computed from them (spend, competition, levers, local share, map).
pub mod dashboard;
pub mod facts;
pub mod shortage;
pub mod tables;
pub mod trades;

#[cfg(test)]
mod tests;
