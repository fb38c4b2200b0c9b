use sea_orm::entity::prelude::*;

/// A search a user keeps, with its alert: `query` is the list's query string.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_searches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// What it searches: "plans" (the programming).
    pub kind: String,
    pub query: String,
    pub name: String,
    /// "instant" or "weekly".
    pub frequency: String,
    pub created_at: ChronoDateTimeUtc,
    /// Items created after this were not yet sent by a weekly digest.
    pub last_run_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
