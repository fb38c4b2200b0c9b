use sea_orm::entity::prelude::*;

/// A firm looking for partners (co-contractors or subcontractors).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    pub plan_id: Option<i32>,
    pub lot_id: Option<i32>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// `cotraitant` or `sous_traitant`.
    pub role: String,
    /// `conjoint` or `solidaire`.
    pub consortium_kind: String,
    pub capacity: Option<String>,
    /// INSEE code of the commune of intervention.
    pub commune: Option<String>,
    pub radius_km: Option<i32>,
    pub deadline: Date,
    /// `open` or `closed`.
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub words: String,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
