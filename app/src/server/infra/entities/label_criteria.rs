use sea_orm::entity::prelude::*;

/// A criterion of a referential: a question, and the evidence to attach when one is asked.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "label_criteria")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub scheme_id: i32,
    pub position: i32,
    pub question: String,
    pub evidence: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
