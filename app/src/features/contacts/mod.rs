//! Direct contact between organisations: asking from a directory profile, the list of one's
//! contacts, and the conversation of two organisations in contact.
pub mod api;
pub mod pages;
