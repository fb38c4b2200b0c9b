//! An awardee's department as the consolidated tabular DECP gives it: the local-share dashboard
//! places at department level the awardees whose SIRET is neither on the platform nor in a
//! SIRENE extract.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ContractAwardees {
    Table,
    Department,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ContractAwardees::Table)
                    .add_column(string_len_null(ContractAwardees::Department, 3))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ContractAwardees::Table)
                    .drop_column(ContractAwardees::Department)
                    .to_owned(),
            )
            .await
    }
}
