use sea_orm::entity::prelude::*;

/// A firm's interest in a planned procurement, or in one of its lots.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_interests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub lot_id: Option<i32>,
    pub organisation_id: i32,
    pub message: String,
    /// Offer ids, comma-separated.
    pub offers: String,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
