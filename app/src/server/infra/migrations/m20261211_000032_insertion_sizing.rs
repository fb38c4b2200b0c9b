//! Insertion (issue 25), first part: the kind of lever of a planned procurement and of each lot
//! (execution clause, award criterion with its weight), their hours — the buyer's own number or
//! Passerelle's proposal — and the figures the proposal is sized with (labour share by trade,
//! insertion rate, loaded hourly cost), which administrators edit.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Plans {
    Table,
    InsertionHours,
    /// clause, criterion, both; null: no insertion lever.
    InsertionKind,
    /// Percent of the award criteria.
    InsertionWeight,
    /// The hours are the buyer's number, not the proposal.
    InsertionOwn,
}

#[derive(DeriveIden)]
enum PlanLots {
    Table,
    PlanId,
    InsertionKind,
    InsertionHours,
    InsertionWeight,
    InsertionOwn,
}

#[derive(DeriveIden)]
enum InsertionTrades {
    Table,
    Key,
    Label,
    /// Leading digits of CPV codes, space-separated.
    CpvPrefixes,
    /// Percent of the amount that is labour.
    LabourShare,
    /// Printed by a published source (else the team's estimate).
    Published,
    Position,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum InsertionSettings {
    Table,
    Id,
    /// Percent of the labour reserved for insertion.
    Rate,
    /// Euros per hour, loaded.
    HourlyCost,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for col in [
            string_null(Plans::InsertionKind),
            integer_null(Plans::InsertionWeight),
            boolean(Plans::InsertionOwn).default(false).to_owned(),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(Plans::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        for col in [
            string_null(PlanLots::InsertionKind),
            integer_null(PlanLots::InsertionHours),
            integer_null(PlanLots::InsertionWeight),
            boolean(PlanLots::InsertionOwn).default(false).to_owned(),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(PlanLots::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        // The list's insertion filter asks which plans have a lot with a lever.
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_lots_insertion")
                    .table(PlanLots::Table)
                    .col(PlanLots::InsertionKind)
                    .col(PlanLots::PlanId)
                    .to_owned(),
            )
            .await?;
        // Hours typed before there were kinds were an execution clause, and the buyer's own.
        manager
            .exec_stmt(
                Query::update()
                    .table(Plans::Table)
                    .values([
                        (Plans::InsertionKind, "clause".into()),
                        (Plans::InsertionOwn, true.into()),
                    ])
                    .and_where(Expr::col(Plans::InsertionHours).is_not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InsertionTrades::Table)
                    .col(string(InsertionTrades::Key).primary_key())
                    .col(string(InsertionTrades::Label))
                    .col(string(InsertionTrades::CpvPrefixes))
                    .col(integer(InsertionTrades::LabourShare))
                    .col(boolean(InsertionTrades::Published))
                    .col(integer(InsertionTrades::Position))
                    .col(timestamp_with_time_zone_null(InsertionTrades::UpdatedAt))
                    .col(integer_null(InsertionTrades::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InsertionSettings::Table)
                    .col(integer(InsertionSettings::Id).primary_key())
                    .col(integer(InsertionSettings::Rate))
                    .col(integer(InsertionSettings::HourlyCost))
                    .col(timestamp_with_time_zone_null(InsertionSettings::UpdatedAt))
                    .col(integer_null(InsertionSettings::UpdatedBy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_plan_lots_insertion")
                    .table(PlanLots::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(InsertionSettings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InsertionTrades::Table).to_owned())
            .await?;
        for col in [
            PlanLots::InsertionKind,
            PlanLots::InsertionHours,
            PlanLots::InsertionWeight,
            PlanLots::InsertionOwn,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PlanLots::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        for col in [
            Plans::InsertionKind,
            Plans::InsertionWeight,
            Plans::InsertionOwn,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Plans::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
