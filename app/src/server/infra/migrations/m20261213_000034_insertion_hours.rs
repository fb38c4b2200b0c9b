//! Insertion (issue 25), hours worked: what an awardee (or the territory's facilitator) records
//! a month at a time, by type of hours, and the facilitator validates; and the day a plan's
//! late-hours alert went out, so that it goes once.

use sea_orm_migration::{prelude::*, schema::*};

use super::fk;

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    /// When the buyer and the facilitators were told the hours are late; null: not yet.
    InsertionLateSentAt,
    /// The awardee the buyer named among Passerelle's organisations (the DECP contract comes
    /// months later, the hours start at once).
    AwardeeOrgId,
}

#[derive(DeriveIden)]
enum PlanLots {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InsertionHours {
    Table,
    Id,
    PlanId,
    LotId,
    /// The first day of the month worked.
    Period,
    /// `domain::insertion_hours::HourKind`.
    Kind,
    Hours,
    RecordedBy,
    RecordedAt,
    ValidatedBy,
    ValidatedAt,
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
                    .add_column(timestamp_with_time_zone_null(Plans::InsertionLateSentAt))
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per statement and no foreign key to an existing table: an
        // organisation deleted later is read as no awardee.
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .add_column(integer_null(Plans::AwardeeOrgId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InsertionHours::Table)
                    .col(pk_auto(InsertionHours::Id))
                    .col(integer(InsertionHours::PlanId))
                    .col(integer_null(InsertionHours::LotId))
                    .col(date(InsertionHours::Period))
                    .col(string_len(InsertionHours::Kind, 16))
                    .col(integer(InsertionHours::Hours))
                    .col(integer_null(InsertionHours::RecordedBy))
                    .col(timestamp_with_time_zone(InsertionHours::RecordedAt))
                    .col(integer_null(InsertionHours::ValidatedBy))
                    .col(timestamp_with_time_zone_null(InsertionHours::ValidatedAt))
                    .foreign_key(&mut fk(
                        (InsertionHours::Table, InsertionHours::PlanId),
                        (Plans::Table, Plans::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    // A lot removed later leaves its hours on the plan.
                    .foreign_key(&mut fk(
                        (InsertionHours::Table, InsertionHours::LotId),
                        (PlanLots::Table, PlanLots::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    // Hours outlive the accounts that recorded or validated them.
                    .foreign_key(&mut fk(
                        (InsertionHours::Table, InsertionHours::RecordedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (InsertionHours::Table, InsertionHours::ValidatedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_insertion_hours_plan")
                    .table(InsertionHours::Table)
                    .col(InsertionHours::PlanId)
                    .col(InsertionHours::Period)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InsertionHours::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .drop_column(Plans::InsertionLateSentAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .drop_column(Plans::AwardeeOrgId)
                    .to_owned(),
            )
            .await
    }
}
