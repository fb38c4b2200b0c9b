//! Reference vocabularies chosen by words: the CPV picker (communes and NAF to follow).
pub mod api;
pub mod cpv_picker;
