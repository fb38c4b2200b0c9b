use sea_orm::entity::prelude::*;

/// An establishment of an imported SIRENE extract (only those that won a contract are kept).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sirene_establishments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub siret: String,
    pub commune_insee: Option<String>,
    pub imported_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
