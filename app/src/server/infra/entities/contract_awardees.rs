use sea_orm::entity::prelude::*;
use sea_orm::QueryOrder;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_awardees")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contract_id: i32,
    pub position: i32,
    pub id_type: String,
    pub awardee_id: String,
    pub name: Option<String>,
    /// Its department when the source gives it (`record::Awardee::department`).
    pub department: Option<String>,
    /// False when a modification replaced this awardee.
    pub is_current: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The awardees of these contracts (the current ones only, or all, a modification's replaced
/// ones included), in their published order: the explorer, the exports, the search documents and
/// the importer's merge read them alike.
pub async fn awardees_of(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
    current_only: bool,
) -> Result<HashMap<i32, Vec<Model>>, DbErr> {
    let mut out: HashMap<i32, Vec<Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut query = Entity::find().filter(Column::ContractId.is_in(ids));
    if current_only {
        query = query.filter(Column::IsCurrent.eq(true));
    }
    for a in query.order_by_asc(Column::Position).all(db).await? {
        out.entry(a.contract_id).or_default().push(a);
    }
    Ok(out)
}
