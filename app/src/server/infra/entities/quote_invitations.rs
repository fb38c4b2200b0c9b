use sea_orm::entity::prelude::*;

/// A supplier a quick consultation was sent to (once).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub request_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: i32,
    /// Whether its members were emailed (its offers' alerts on).
    pub emailed: bool,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
