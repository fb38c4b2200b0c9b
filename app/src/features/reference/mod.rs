//! Reference vocabularies chosen by words: the CPV picker and filter, and the fields suggesting
//! communes and NAF activities.
pub mod api;
pub mod cpv_picker;
pub mod suggest_field;
