//! The programming of purchases: the public list and timeline, a planned procurement's page,
//! the guide to the levers, and the buyers' pages to write their programming.
pub mod api;
pub mod detail;
pub mod editor;
pub mod guide;
pub mod interest;
pub mod joint;
pub mod joint_api;
pub mod joint_list;
pub mod list;
pub mod manage;
pub mod planned_field;
