use sea_orm::entity::prelude::*;

/// Food purchases a buyer declares from its other channels, for its EGalim panel.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "egalim_declared")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub buyer_id: i32,
    pub year: i16,
    /// A product family (`domain::egalim::Family`).
    pub family: String,
    pub total_cents: i64,
    pub quality_cents: i64,
    pub organic_cents: i64,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
