use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_rejects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub import_id: i32,
    /// Position of the record in the file, from 0.
    pub record_index: i32,
    /// JSON list of issues.
    pub reasons: String,
    /// The record as found (cut at 10 kB).
    pub raw: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
