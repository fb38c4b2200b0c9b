//! DECP (données essentielles de la commande publique): the published records of past
//! contracts, normalised across formats (2019, 2022; JSON, XML, tabular CSV).
pub mod record;
pub mod run;
pub mod tabular;
pub mod values;
pub mod vocab;

pub use record::{normalise, Awardee, Contract, Issue, Modification, Outcome, Place, Reference};
pub use vocab::{ContractKind, Nature, Procedure};
