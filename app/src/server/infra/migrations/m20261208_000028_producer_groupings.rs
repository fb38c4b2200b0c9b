//! Producers answering a quick consultation together: a consortium may be formed for a
//! consultation, and an answer may be given in the name of such a grouping.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Consortia {
    Table,
    QuoteId,
}

#[derive(DeriveIden)]
enum QuoteAnswers {
    Table,
    ConsortiumId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Consortia::Table)
                    .add_column(integer_null(Consortia::QuoteId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(QuoteAnswers::Table)
                    .add_column(integer_null(QuoteAnswers::ConsortiumId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(QuoteAnswers::Table)
                    .drop_column(QuoteAnswers::ConsortiumId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Consortia::Table)
                    .drop_column(Consortia::QuoteId)
                    .to_owned(),
            )
            .await
    }
}
