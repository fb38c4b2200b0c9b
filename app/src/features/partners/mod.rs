//! Partner requests and matchmaking: the board (`/groupements`), a request's page with its
//! answers and proposed partners, the request form, and the proposals for a planned procurement.
pub mod api;
pub mod board;
pub mod detail;
pub mod form;
pub mod proposals;
