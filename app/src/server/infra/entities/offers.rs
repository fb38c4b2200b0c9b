use sea_orm::entity::prelude::*;

/// An offer of a business's catalogue (see `domain::offer` for what each field means).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "offers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    pub title: String,
    /// The description as its author wrote it (Markdown).
    pub description_source: String,
    /// The description rendered and cleaned on the server: the only HTML ever shown.
    pub description_html: String,
    /// supply, service, works
    pub kind: String,
    /// draft, published, archived
    pub status: String,
    pub delivery_radius_km: Option<i32>,
    pub production_commune: Option<String>,
    pub price_cents: Option<i64>,
    pub price_unit: Option<String>,
    pub min_order: Option<String>,
    pub intermediaries: Option<i16>,
    pub life_years: Option<i16>,
    pub repairability_tenths: Option<i16>,
    pub spare_parts_years: Option<i16>,
    pub recycled_percent: Option<i16>,
    pub end_of_life: Option<String>,
    pub carbon_kg: Option<f64>,
    pub carbon_method: Option<String>,
    pub carbon_source: Option<String>,
    pub inclusive_production: bool,
    /// Food offers (see `domain::food`): the months' bits, null when never said (all year).
    pub season: Option<i32>,
    /// `domain::food::Unit`
    pub unit: Option<String>,
    /// The delivery days' bits (Monday bit 0).
    pub delivery_days: Option<i16>,
    /// Whether its business receives the quick consultations for it by email.
    pub quote_alerts: bool,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    pub published_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
