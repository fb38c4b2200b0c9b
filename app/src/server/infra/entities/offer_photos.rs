use sea_orm::entity::prelude::*;

/// A photo of an offer: re-encoded on the server, stored under a name the server chose.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub offer_id: i32,
    #[sea_orm(unique)]
    pub file_name: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i32,
    pub alt: String,
    pub position: i32,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
