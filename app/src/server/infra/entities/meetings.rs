use sea_orm::entity::prelude::*;

/// A sourcing meeting of a planned procurement: seats, or 1:1 slots of `slot_minutes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub title: String,
    pub description: String,
    pub starts_at: ChronoDateTimeUtc,
    pub ends_at: ChronoDateTimeUtc,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub capacity: i32,
    pub slot_minutes: Option<i32>,
    pub registration_deadline: ChronoDateTimeUtc,
    pub cancelled_at: Option<ChronoDateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
