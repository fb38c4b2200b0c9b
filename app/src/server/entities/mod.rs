//! sea-orm entities, one file a table. They stay on the server: pages get DTOs from `domain`
//! or the feature's `api` module.
pub mod communes;
pub mod cpv_codes;
pub mod memberships;
pub mod naf_codes;
pub mod organisations;
pub mod password_resets;
pub mod sessions;
pub mod users;
