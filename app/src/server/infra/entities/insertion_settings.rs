use sea_orm::entity::prelude::*;

/// The territory's insertion rate and loaded hourly cost: one row, id 1.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "insertion_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// Percent of the labour.
    pub rate: i32,
    /// Euros per hour.
    pub hourly_cost: i32,
    pub updated_at: Option<ChronoDateTimeUtc>,
    pub updated_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
