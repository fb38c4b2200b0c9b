use sea_orm::entity::prelude::*;

/// One product asked for in a quick consultation.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub request_id: i32,
    pub position: i16,
    pub cpv_code: String,
    /// Thousandths of the unit.
    pub quantity_milli: i64,
    /// `domain::food::Unit`
    pub unit: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
