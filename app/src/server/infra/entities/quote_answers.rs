use sea_orm::entity::prelude::*;

/// A supplier's answer on one product; private to it and the buyer.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub line_id: i32,
    pub organisation_id: i32,
    pub user_id: Option<i32>,
    /// None: declined.
    pub unit_price_cents: Option<i64>,
    pub quantity_milli: i64,
    /// Sign codes, comma-separated.
    pub signs: String,
    pub comment: Option<String>,
    /// Given in the name of this producers' grouping (its lead answers).
    pub consortium_id: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
