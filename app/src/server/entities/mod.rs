//! sea-orm entities, one file a table. They stay on the server: pages get DTOs from `domain`
//! or the feature's `api` module.
pub mod communes;
pub mod contract_awardees;
pub mod contract_modifications;
pub mod contract_sources;
pub mod contracts;
pub mod cpv_codes;
pub mod import_rejects;
pub mod imports;
pub mod memberships;
pub mod naf_codes;
pub mod offer_areas;
pub mod offer_cpv;
pub mod offer_labels;
pub mod offer_photos;
pub mod offers;
pub mod organisations;
pub mod password_resets;
pub mod search_outbox;
pub mod search_outbox_state;
pub mod sessions;
pub mod users;
