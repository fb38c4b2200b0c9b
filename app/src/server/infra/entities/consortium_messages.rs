use sea_orm::entity::prelude::*;

/// A message in a consortium's conversation, from one of its member firms.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consortium_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub consortium_id: i32,
    pub organisation_id: i32,
    pub user_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
