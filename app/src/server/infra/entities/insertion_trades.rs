use sea_orm::entity::prelude::*;

/// A trade's share of labour, from which insertion hours are proposed (`domain::insertion`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "insertion_trades")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub label: String,
    /// Leading digits of CPV codes, space-separated.
    pub cpv_prefixes: String,
    /// Percent.
    pub labour_share: i32,
    pub published: bool,
    pub position: i32,
    pub updated_at: Option<ChronoDateTimeUtc>,
    pub updated_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
