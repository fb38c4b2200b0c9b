use sea_orm::entity::prelude::*;

/// A consortium being formed (groupement momentané d'entreprises).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consortia")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// `conjoint` or `solidaire`.
    pub kind: String,
    /// `forming`, `formed`, `submitted`, `won`, `lost`.
    pub status: String,
    pub plan_id: Option<i32>,
    pub request_id: Option<i32>,
    /// A producers' grouping answering this quick consultation.
    pub quote_id: Option<i32>,
    /// The mandataire.
    pub lead_id: i32,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
