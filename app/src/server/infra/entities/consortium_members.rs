use sea_orm::entity::prelude::*;

/// A firm in a consortium, from its invitation on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consortium_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub consortium_id: i32,
    pub organisation_id: i32,
    /// `mandataire`, `cotraitant` or `sous_traitant`.
    pub role: String,
    /// `invited`, `accepted`, `declined`.
    pub status: String,
    /// Which lot or requirement it takes, in words.
    pub share: String,
    pub invited_by: Option<i32>,
    pub invited_at: ChronoDateTimeUtc,
    pub answered_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
