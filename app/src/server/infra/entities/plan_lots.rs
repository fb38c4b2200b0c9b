use sea_orm::entity::prelude::*;

/// A lot of a planned procurement.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_lots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub number: i32,
    pub title: String,
    /// CPV codes, comma-separated.
    pub cpv: String,
    pub estimate_min: Option<i64>,
    pub estimate_max: Option<i64>,
    /// `InsertionKind`; null: no insertion lever.
    pub insertion_kind: Option<String>,
    pub insertion_hours: Option<i32>,
    pub insertion_weight: Option<i32>,
    /// `insertion_hours` is the buyer's number, not Passerelle's proposal.
    pub insertion_own: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
