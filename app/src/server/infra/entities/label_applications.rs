use sea_orm::entity::prelude::*;

/// A business's application for a label, for itself (`offer_id` empty) or for one of its offers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "label_applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub scheme_id: i32,
    pub organisation_id: i32,
    pub offer_id: Option<i32>,
    /// `ApplicationStatus`.
    pub status: String,
    /// The reason of the last decision that needs one (changes asked, refusal, withdrawal).
    pub reason: Option<String>,
    pub submitted_at: Option<ChronoDateTimeUtc>,
    pub decided_at: Option<ChronoDateTimeUtc>,
    pub decided_by: Option<i32>,
    pub granted_at: Option<ChronoDateTimeUtc>,
    pub expires_at: Option<ChronoDateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
