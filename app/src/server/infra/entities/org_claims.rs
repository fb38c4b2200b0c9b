use sea_orm::entity::prelude::*;

/// Someone's claim that an organisation already registered under a SIRET is theirs, waiting for
/// a chamber analyst's or an administrator's decision.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    pub user_id: i32,
    /// Why they say it is theirs (their role, the documents they can show).
    pub message: String,
    /// pending, granted or refused (`domain::org::ClaimStatus`).
    pub status: String,
    pub created_at: ChronoDateTimeUtc,
    pub decided_by: Option<i32>,
    pub decided_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisations::Entity",
        from = "Column::OrganisationId",
        to = "super::organisations::Column::Id"
    )]
    Organisation,
}

impl Related<super::organisations::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
