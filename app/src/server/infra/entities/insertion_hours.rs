use sea_orm::entity::prelude::*;

/// Hours of insertion worked on an awarded plan in one month, of one type.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "insertion_hours")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    /// The lot they were worked on; none: the plan as a whole (or a lot since removed).
    pub lot_id: Option<i32>,
    /// The first day of the month worked.
    pub period: Date,
    /// `domain::insertion_hours::HourKind`.
    pub kind: String,
    pub hours: i32,
    pub recorded_by: Option<i32>,
    pub recorded_at: ChronoDateTimeUtc,
    /// The facilitator who validated them; none: waiting.
    pub validated_by: Option<i32>,
    pub validated_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
