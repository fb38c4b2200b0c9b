use sea_orm::entity::prelude::*;

/// The part of an answer the buyer awarded, with its amount and EGalim category.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_awards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub answer_id: i32,
    pub quantity_milli: i64,
    pub amount_cents: i64,
    /// none, quality, organic
    pub egalim: String,
    pub awarded_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
