use sea_orm::entity::prelude::*;

/// A firm's answer to a partner request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub request_id: i32,
    pub organisation_id: i32,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    /// `pending`, `accepted` or `declined`.
    pub status: String,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub decided_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
