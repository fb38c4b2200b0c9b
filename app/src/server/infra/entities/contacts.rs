use sea_orm::entity::prelude::*;

/// A request for direct contact from one organisation to another.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub from_org: i32,
    pub to_org: i32,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    /// `pending`, `accepted` or `refused`.
    pub status: String,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub decided_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
