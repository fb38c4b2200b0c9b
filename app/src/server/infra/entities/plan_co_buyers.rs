use sea_orm::entity::prelude::*;

/// A buyer asking to join, or member of, a groupement de commandes (a planned procurement its
/// coordinator opened to other buyers).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_co_buyers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub buyer_id: i32,
    /// `CoBuyerStatus`.
    pub status: String,
    pub contact: String,
    /// INSEE codes, comma-separated.
    pub communes: String,
    /// The member's note to the coordinator: never public.
    pub note: Option<String>,
    /// The coordinator's reason, when refused.
    pub reason: Option<String>,
    pub asked_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    pub decided_at: Option<ChronoDateTimeUtc>,
    /// The member's own contract (DECP) once the procurement is awarded.
    pub contract_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
