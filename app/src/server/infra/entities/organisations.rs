use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `domain::org::OrgKind` as a string.
    pub kind: String,
    #[sea_orm(unique)]
    pub siret: String,
    pub name: String,
    pub naf_code: Option<String>,
    pub commune_insee: Option<String>,
    pub size: Option<String>,
    pub inclusive: Option<String>,
    /// The largest contract it says it can take on (euros excluding VAT).
    pub capacity_eur: Option<i64>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub is_public: bool,
    pub verified_at: Option<ChronoDateTimeUtc>,
    pub verified_by: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::memberships::Entity")]
    Memberships,
}

impl Related<super::memberships::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Memberships.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
