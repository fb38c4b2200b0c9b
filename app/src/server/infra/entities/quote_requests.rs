use sea_orm::entity::prelude::*;

/// A buyer's quick consultation (see `domain::quotes`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub buyer_id: i32,
    pub created_by: Option<i32>,
    pub title: String,
    pub details: Option<String>,
    /// Where to deliver.
    pub commune_insee: String,
    pub delivery_from: Date,
    pub delivery_to: Date,
    pub deadline: ChronoDateTimeUtc,
    /// `domain::quotes::Quality`
    pub quality: String,
    /// `domain::quotes::Stage`
    pub stage: String,
    pub created_at: ChronoDateTimeUtc,
    pub closed_at: Option<ChronoDateTimeUtc>,
    pub decided_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
