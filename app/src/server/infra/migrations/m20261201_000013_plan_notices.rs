//! The eForms notice a planned procurement was imported from (a prior information notice):
//! the same notice imported twice by a buyer is refused rather than duplicated.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Plans {
    Table,
    BuyerId,
    EformsNoticeId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .add_column(string_len_null(Plans::EformsNoticeId, 100))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plans_notice")
                    .table(Plans::Table)
                    .col(Plans::BuyerId)
                    .col(Plans::EformsNoticeId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_plans_notice")
                    .table(Plans::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .drop_column(Plans::EformsNoticeId)
                    .to_owned(),
            )
            .await
    }
}
