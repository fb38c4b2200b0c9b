use sea_orm::entity::prelude::*;

/// A co-buyer's part of a lot (or of the whole procurement when it has none).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_co_buyer_parts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub co_buyer_id: i32,
    pub lot_id: Option<i32>,
    /// Euros excluding VAT.
    pub amount: i64,
    pub quantity: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
