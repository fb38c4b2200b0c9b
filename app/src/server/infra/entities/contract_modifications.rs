use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_modifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contract_id: i32,
    pub position: i32,
    pub object: Option<String>,
    pub signed_on: Option<Date>,
    pub published_on: Option<Date>,
    pub duration_months: Option<i32>,
    pub amount_cents: Option<i64>,
    /// JSON list of the awardees it sets; `[]` when unchanged.
    pub awardees: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
