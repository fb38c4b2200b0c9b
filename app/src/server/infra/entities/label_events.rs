use sea_orm::entity::prelude::*;

/// One step of an application: who did what, when, and why when a reason was given.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "label_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    /// Empty for the server's own steps (expiry) or an account since deleted.
    pub actor_id: Option<i32>,
    /// `LabelAction`.
    pub action: String,
    pub note: Option<String>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
