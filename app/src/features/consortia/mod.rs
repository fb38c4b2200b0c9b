//! The consortium workspace: forming a consortium from a proposal or by invitation, answering
//! invitations, roles and shares, stages, and the members' conversation.
pub mod api;
pub mod pages;
