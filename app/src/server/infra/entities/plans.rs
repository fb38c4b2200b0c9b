use sea_orm::entity::prelude::*;

/// A planned procurement of a public buyer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub buyer_id: i32,
    pub title: String,
    pub description: String,
    /// Euros, excluding VAT.
    pub estimate_min: Option<i64>,
    pub estimate_max: Option<i64>,
    /// `Procedure`.
    pub procedure: String,
    /// First day of the expected publication's period, known to `publication_precision`.
    pub publication_date: Date,
    pub publication_precision: String,
    pub start_date: Option<Date>,
    pub start_precision: Option<String>,
    pub duration_months: Option<i32>,
    pub contact: Option<String>,
    pub allotment: bool,
    pub short_chain: bool,
    pub life_cycle: bool,
    pub co2: bool,
    pub insertion_hours: Option<i32>,
    /// `InsertionKind`; null: no insertion lever.
    pub insertion_kind: Option<String>,
    /// Percent, for an award criterion.
    pub insertion_weight: Option<i32>,
    /// `insertion_hours` is the buyer's number, not Passerelle's proposal.
    pub insertion_own: bool,
    /// `Reserved`.
    pub reserved: Option<String>,
    /// `PlanStatus`.
    pub status: String,
    pub tender_url: Option<String>,
    pub contract_id: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    /// The eForms prior information notice it was imported from.
    pub eforms_notice_id: Option<String>,
    /// Open to other buyers as a groupement de commandes: what the convention will say.
    pub joint_convention: Option<String>,
    /// The last day (Paris) another buyer may join or withdraw.
    pub joint_deadline: Option<Date>,
    /// When the buyer and the facilitators were told the insertion hours are late.
    pub insertion_late_sent_at: Option<ChronoDateTimeUtc>,
    /// The awardee the buyer named among the organisations (no foreign key: a deleted one is
    /// read as none).
    pub awardee_org_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
