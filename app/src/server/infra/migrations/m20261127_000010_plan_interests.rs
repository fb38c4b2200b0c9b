//! Firms' interest in a planned procurement (or one of its lots): a short message and the offers
//! that fit, which the buyer sees.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PlanLots {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PlanInterests {
    Table,
    Id,
    PlanId,
    LotId,
    OrganisationId,
    Message,
    Offers,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PlanInterests::Table)
                    .col(pk_auto(PlanInterests::Id))
                    .col(integer(PlanInterests::PlanId))
                    .col(integer_null(PlanInterests::LotId))
                    .col(integer(PlanInterests::OrganisationId))
                    .col(text(PlanInterests::Message).default(""))
                    // Ids of the firm's offers that fit, comma-separated (a few; shown, never
                    // searched).
                    .col(string_len(PlanInterests::Offers, 300).default(""))
                    .col(integer_null(PlanInterests::CreatedBy))
                    .col(timestamp_with_time_zone(PlanInterests::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanInterests::Table, PlanInterests::PlanId)
                            .to(Plans::Table, Plans::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanInterests::Table, PlanInterests::LotId)
                            .to(PlanLots::Table, PlanLots::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanInterests::Table, PlanInterests::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanInterests::Table, PlanInterests::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_interests_plan")
                    .table(PlanInterests::Table)
                    .col(PlanInterests::PlanId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PlanInterests::Table).to_owned())
            .await
    }
}
