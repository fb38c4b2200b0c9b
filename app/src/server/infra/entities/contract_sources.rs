use sea_orm::entity::prelude::*;

/// What one source said of a contract: the raw record, its normalised form and the warnings.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contract_id: i32,
    pub source: String,
    pub format: String,
    pub import_id: Option<i32>,
    pub raw: String,
    pub warnings: String,
    pub imported_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
