use sea_orm::entity::prelude::*;

/// A file attached to an application as evidence for one criterion, stored under a name the
/// server chose; `original_name` is only shown.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "label_evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    pub criterion_id: i32,
    #[sea_orm(unique)]
    pub file_name: String,
    pub original_name: String,
    pub content_type: String,
    pub bytes: i32,
    pub uploaded_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
