//! Insertion (issue 25), facilitators: the territory an administrator gives an account to
//! follow (an area code of `domain::geo::area_code`: a department, 69M or 69D), and the notes
//! facilitators and buyers write on a plan's insertion lever.

use sea_orm_migration::{prelude::*, schema::*};

use super::fk;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    /// The area the account facilitates insertion in; null: not a facilitator.
    FacilitatorArea,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PlanInsertionNotes {
    Table,
    Id,
    PlanId,
    UserId,
    Body,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::FacilitatorArea, 8))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanInsertionNotes::Table)
                    .col(pk_auto(PlanInsertionNotes::Id))
                    .col(integer(PlanInsertionNotes::PlanId))
                    .col(integer_null(PlanInsertionNotes::UserId))
                    .col(text(PlanInsertionNotes::Body))
                    .col(timestamp_with_time_zone(PlanInsertionNotes::CreatedAt))
                    .foreign_key(&mut fk(
                        (PlanInsertionNotes::Table, PlanInsertionNotes::PlanId),
                        (Plans::Table, Plans::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    // A note outlives its author's account, unsigned.
                    .foreign_key(&mut fk(
                        (PlanInsertionNotes::Table, PlanInsertionNotes::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_insertion_notes_plan")
                    .table(PlanInsertionNotes::Table)
                    .col(PlanInsertionNotes::PlanId)
                    .col(PlanInsertionNotes::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PlanInsertionNotes::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::FacilitatorArea)
                    .to_owned(),
            )
            .await
    }
}
