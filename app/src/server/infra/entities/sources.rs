use sea_orm::entity::prelude::*;

/// A portal Passerelle fetches on a schedule (migration 35).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// `domain::sources::SourceKind`.
    pub kind: String,
    pub url: String,
    pub every_minutes: i32,
    /// Comma-separated department codes.
    pub departments: String,
    /// Comma-separated SIRETs.
    pub sirets: String,
    pub enabled: bool,
    pub from_config: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub cursor: Option<String>,
    pub next_run_at: ChronoDateTimeUtc,
    pub lease_until: Option<ChronoDateTimeUtc>,
    pub lease_owner: Option<String>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
