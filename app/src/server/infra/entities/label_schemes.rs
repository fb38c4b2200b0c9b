use sea_orm::entity::prelude::*;

/// A referential of the territorial label: what a holder must show, and for how long it holds it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "label_schemes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    pub description: String,
    /// org, offer or any (`LabelTarget`).
    pub target: String,
    pub validity_months: i32,
    /// draft, open or closed (`SchemeStatus`).
    pub status: String,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
