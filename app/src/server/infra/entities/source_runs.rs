use sea_orm::entity::prelude::*;

/// One run of a source, with its report (migration 35).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "source_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub source_id: i32,
    /// `schedule`, `admin` or `cli`.
    pub trigger: String,
    pub started_by: Option<i32>,
    pub started_at: ChronoDateTimeUtc,
    pub finished_at: Option<ChronoDateTimeUtc>,
    /// `domain::sources::RunStatus`.
    pub status: String,
    pub attempts: i32,
    pub bytes: i64,
    pub fetched: i32,
    pub created: i32,
    pub updated: i32,
    pub rejected: i32,
    pub error: Option<String>,
    pub error_detail: Option<String>,
    /// JSON `domain::sources::RunReport`.
    pub report: String,
    pub import_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
