use sea_orm::entity::prelude::*;

/// One import run of a DECP file.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub file_name: String,
    pub format: Option<String>,
    /// running, done, failed
    pub status: String,
    pub bytes_total: i64,
    pub bytes_read: i64,
    pub records: i32,
    pub accepted: i32,
    pub warned: i32,
    pub rejected: i32,
    /// JSON object: reason key → count.
    pub report: String,
    /// Why the run failed: the i18n key of its reason (`domain::decp::run::RunFailure`).
    pub error: Option<String>,
    /// What the file said at the failure, as found.
    pub error_detail: Option<String>,
    pub started_by: Option<i32>,
    pub started_at: ChronoDateTimeUtc,
    pub finished_at: Option<ChronoDateTimeUtc>,
    /// Set at the start and by every committed batch.
    pub heartbeat_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
