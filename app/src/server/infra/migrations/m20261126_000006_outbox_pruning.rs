//! How far the search outbox has been pruned: an index whose mark is below it missed rows that no
//! longer exist, and is rebuilt instead of followed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchOutboxState {
    Table,
    Id,
    PrunedUpTo,
    PrunedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SearchOutboxState::Table)
                    .col(integer(SearchOutboxState::Id).primary_key())
                    .col(big_integer(SearchOutboxState::PrunedUpTo))
                    .col(timestamp_with_time_zone(SearchOutboxState::PrunedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SearchOutboxState::Table).to_owned())
            .await
    }
}
