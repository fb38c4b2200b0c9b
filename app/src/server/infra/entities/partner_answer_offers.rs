use sea_orm::entity::prelude::*;

/// An offer a firm points to in its answer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_answer_offers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub answer_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
