//! Sourcing (sourçage): calls to the market and meetings of a planned procurement — the
//! public pages (`public`), the buyer's board and editors (`buyer`), a person's meetings
//! (`mine`).
pub mod api;
pub mod buyer;
pub mod mine;
pub mod public;
