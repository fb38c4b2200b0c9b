use sea_orm::entity::prelude::*;

/// A buyer's call to the market for one planned procurement.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sourcing_calls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub title: String,
    pub intro: String,
    /// `CallStatus`.
    pub status: String,
    pub deadline: ChronoDateTimeUtc,
    /// Markdown, as written.
    pub summary: String,
    /// Cleaned HTML, as shown.
    pub summary_html: String,
    pub opened_at: Option<ChronoDateTimeUtc>,
    pub published_at: Option<ChronoDateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
