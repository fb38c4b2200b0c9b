//! A member of a groupement de commandes signs its own contract with the awardee: each member
//! links its own past contract (DECP) to the awarded procurement, as the coordinator does.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum PlanCoBuyers {
    Table,
    ContractId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PlanCoBuyers::Table)
                    .add_column(integer_null(PlanCoBuyers::ContractId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PlanCoBuyers::Table)
                    .drop_column(PlanCoBuyers::ContractId)
                    .to_owned(),
            )
            .await
    }
}
