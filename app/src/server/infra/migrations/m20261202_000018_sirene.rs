//! Establishments read from an INSEE SIRENE extract: where an awardee that is not on the platform
//! is located (the local-share dashboard's third source, after the platform's organisations).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SireneEstablishments {
    Table,
    Siret,
    CommuneInsee,
    ImportedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SireneEstablishments::Table)
                    .col(string_len(SireneEstablishments::Siret, 14).primary_key())
                    .col(string_len_null(SireneEstablishments::CommuneInsee, 5))
                    .col(timestamp_with_time_zone(SireneEstablishments::ImportedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SireneEstablishments::Table).to_owned())
            .await
    }
}
