use sea_orm::entity::prelude::*;

/// A question of a sourcing call.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sourcing_questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub call_id: i32,
    pub position: i32,
    /// `QuestionKind`.
    pub kind: String,
    pub label: String,
    /// One option a line.
    pub choices: String,
    pub required: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
