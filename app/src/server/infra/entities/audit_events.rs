use sea_orm::entity::prelude::*;

/// One event of the audit trail (append-only: the database refuses changes).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: ChronoDateTimeUtc,
    /// Who did it; none for the system (a command-line import).
    pub actor_id: Option<i32>,
    /// From which address.
    pub actor_ip: Option<String>,
    /// `domain::audit::Action`'s stored form.
    pub action: String,
    /// "user", "org", "label_application", "import".
    pub target_kind: String,
    pub target_id: Option<i32>,
    /// What changed, in a few words or a small JSON object (no personal data beyond ids).
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
