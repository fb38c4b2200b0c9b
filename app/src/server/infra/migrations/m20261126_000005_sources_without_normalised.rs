//! A source keeps its raw record only: the normalised copy was never read, is derived from the raw
//! record by the importer at any time, and doubled what a bulk import writes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ContractSources {
    Table,
    Normalised,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ContractSources::Table)
                    .drop_column(ContractSources::Normalised)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ContractSources::Table)
                    .add_column(text(ContractSources::Normalised).default(""))
                    .to_owned(),
            )
            .await
    }
}
