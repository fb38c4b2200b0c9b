//! Direct contact between two organisations: one asks, with a first message; the other accepts
//! (a conversation opens between them) or refuses (and is not asked again by the same one).

use serde::{Deserialize, Serialize};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum ContactStatus {
    Pending,
    Accepted,
    Refused,
}

impl ContactStatus {
    pub fn label_key(self) -> String {
        format!("contact.status.{}", self.as_str())
    }
}

/// Why a new contact request is refused, given an earlier one between the same two
/// organisations (in either direction): a pending or accepted one is already the way to talk;
/// a refused one stays refused (the other side said no).
pub fn blocked_by(existing: Option<ContactStatus>) -> Option<&'static str> {
    match existing {
        None => None,
        Some(ContactStatus::Refused) => Some("contact.refused"),
        Some(_) => Some("contact.exists"),
    }
}

pub const MAX_MESSAGE: usize = 4000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSummary {
    pub id: i32,
    /// The other organisation (id, name).
    pub other: (i32, String),
    /// The caller's organisation in it.
    pub mine: String,
    pub status: ContactStatus,
    /// The caller's side asked.
    pub outgoing: bool,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMessageView {
    pub org_name: String,
    pub author: String,
    pub body: String,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactView {
    pub id: i32,
    pub from: (i32, String),
    pub to: (i32, String),
    pub status: ContactStatus,
    /// The first message, with the request.
    pub message: String,
    pub messages: Vec<ContactMessageView>,
    /// The caller is on the receiving side (may accept or refuse while pending).
    pub receiving: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_stays_and_an_open_contact_is_not_asked_twice() {
        assert_eq!(blocked_by(None), None);
        assert_eq!(
            blocked_by(Some(ContactStatus::Refused)),
            Some("contact.refused")
        );
        assert_eq!(
            blocked_by(Some(ContactStatus::Pending)),
            Some("contact.exists")
        );
        assert_eq!(
            blocked_by(Some(ContactStatus::Accepted)),
            Some("contact.exists")
        );
    }
}

crate::domain::stored_form!(ContactStatus);
