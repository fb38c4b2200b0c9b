//! Administration: verifying public buyers and chambers, the analysts' rights, the accounts'
//! sessions, and the audit trail.
pub mod api;
pub mod journal;
pub mod pages;
