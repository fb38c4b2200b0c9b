//! Pure domain logic: no leptos, no database, no async. Shared by the server and the browser.
/// The stored form of states and roles (the text their column holds): `as_str` and `parse`,
/// derived from strum's `IntoStaticStr` and `EnumString` on the enum.
macro_rules! stored_form {
    ($($name:ident),* $(,)?) => {$(
        impl $name {
            /// Its stored and written form.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// The value of a stored or written form (none for any other text).
            pub fn parse(s: &str) -> Option<$name> {
                s.parse().ok()
            }
        }
    )*};
}
pub(crate) use stored_form;

pub mod analytics;
pub mod api;
pub mod audit;
pub mod boamp;
pub mod boamp_legacy;
pub mod catalogue;
pub mod consortia;
pub mod contacts;
pub mod contracts;
pub mod cpv;
pub mod decp;
pub mod directory;
pub mod eforms;
pub mod egalim;
pub mod facilitation;
pub mod food;
pub mod food_demand;
pub mod geo;
pub mod home;
pub mod ids;
pub mod insertion;
pub mod insertion_hours;
pub mod insertion_stats;
pub mod joint;
pub mod label;
pub mod matchmaking;
pub mod notice_match;
pub mod notices;
pub mod ocds;
pub mod ocds_planning;
pub mod ocds_quotes;
pub mod offer;
pub mod org;
pub mod partners;
pub mod programming;
pub mod query;
pub mod quote_views;
pub mod quotes;
pub mod second_factor;
pub mod security;
pub mod sirene;
pub mod siret;
pub mod sources;
pub mod sourcing;
pub mod suggest;
pub mod validate;
pub mod verification;
