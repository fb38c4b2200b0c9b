use sea_orm::entity::prelude::*;

/// A notice of a tender portal (migration 36).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub source_id: Option<i32>,
    /// `boamp` or `ted`.
    pub origin: String,
    pub notice_id: String,
    /// `domain::notices::NoticeKind`.
    pub kind: Option<String>,
    pub buyer_name: String,
    pub buyer_siret: Option<String>,
    pub buyer_org_id: Option<i32>,
    pub title: String,
    /// Comma-separated CPV codes.
    pub cpv: String,
    /// Comma-separated departments.
    pub departments: String,
    pub published_on: Option<Date>,
    /// On a clock in Paris.
    pub deadline: Option<DateTime>,
    pub url: Option<String>,
    /// JSON `[NoticeLot]`.
    pub lots: String,
    /// JSON `[NoticeAwardee]`.
    pub awardees: String,
    pub follows: Option<String>,
    pub plan_id: Option<i32>,
    pub proposed_plan_id: Option<i32>,
    pub dismissed: bool,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
