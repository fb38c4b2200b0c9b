use sea_orm::entity::prelude::*;

/// A past contract (DECP), merged across the sources that published it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contracts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Buyer SIRET + published id.
    #[sea_orm(unique)]
    pub uid: String,
    pub kind: String,
    pub source_id: String,
    pub buyer_siret: String,
    pub buyer_name: Option<String>,
    pub object: Option<String>,
    pub cpv: Option<String>,
    pub cpv_division: Option<String>,
    pub procedure: Option<String>,
    pub nature: Option<String>,
    pub place_kind: Option<String>,
    pub place_code: Option<String>,
    pub place_name: Option<String>,
    pub place_commune: Option<String>,
    pub place_departement: Option<String>,
    pub duration_months: Option<i32>,
    pub amount_cents: Option<i64>,
    pub final_duration_months: Option<i32>,
    pub final_amount_cents: Option<i64>,
    pub notified_on: Option<Date>,
    pub published_on: Option<Date>,
    pub year: Option<i32>,
    pub price_form: Option<String>,
    pub offers_received: Option<i32>,
    pub social: Option<String>,
    pub environmental: Option<String>,
    pub consortium: Option<String>,
    pub subcontracting_declared: Option<bool>,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
