//! The programming of purchases: planned procurements of public buyers, their CPV codes, lots,
//! labels asked, and the dated record of their stages.

use super::m20261126_000001_reference::CpvCodes;
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
enum Contracts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    BuyerId,
    Title,
    Description,
    EstimateMin,
    EstimateMax,
    Procedure,
    PublicationDate,
    PublicationPrecision,
    StartDate,
    StartPrecision,
    DurationMonths,
    Contact,
    Allotment,
    ShortChain,
    LifeCycle,
    Co2,
    InsertionHours,
    Reserved,
    Status,
    TenderUrl,
    ContractId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanCpv {
    Table,
    PlanId,
    CpvCode,
}

#[derive(DeriveIden)]
enum PlanLabels {
    Table,
    PlanId,
    Label,
}

#[derive(DeriveIden)]
enum PlanLots {
    Table,
    Id,
    PlanId,
    Number,
    Title,
    Cpv,
    EstimateMin,
    EstimateMax,
}

#[derive(DeriveIden)]
enum PlanEvents {
    Table,
    Id,
    PlanId,
    ActorId,
    Status,
    Note,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to_plan(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Plans::Table, Plans::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn to_user(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Plans::Table)
                    .col(pk_auto(Plans::Id))
                    .col(integer(Plans::BuyerId))
                    .col(string_len(Plans::Title, 200))
                    .col(text(Plans::Description).default(""))
                    .col(big_integer_null(Plans::EstimateMin))
                    .col(big_integer_null(Plans::EstimateMax))
                    .col(string_len(Plans::Procedure, 16))
                    .col(date(Plans::PublicationDate))
                    .col(string_len(Plans::PublicationPrecision, 8))
                    .col(date_null(Plans::StartDate))
                    .col(string_len_null(Plans::StartPrecision, 8))
                    .col(integer_null(Plans::DurationMonths))
                    .col(string_len_null(Plans::Contact, 300))
                    .col(boolean(Plans::Allotment).default(false))
                    .col(boolean(Plans::ShortChain).default(false))
                    .col(boolean(Plans::LifeCycle).default(false))
                    .col(boolean(Plans::Co2).default(false))
                    .col(integer_null(Plans::InsertionHours))
                    .col(string_len_null(Plans::Reserved, 8))
                    .col(string_len(Plans::Status, 12).default("planned"))
                    .col(string_len_null(Plans::TenderUrl, 500))
                    .col(integer_null(Plans::ContractId))
                    .col(integer_null(Plans::CreatedBy))
                    .col(timestamp_with_time_zone(Plans::CreatedAt))
                    .col(timestamp_with_time_zone(Plans::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Plans::Table, Plans::BuyerId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Plans::Table, Plans::ContractId)
                            .to(Contracts::Table, Contracts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(&mut to_user(Plans::Table, Plans::CreatedBy))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_plans_buyer", Plans::BuyerId),
            ("idx_plans_status", Plans::Status),
            ("idx_plans_publication", Plans::PublicationDate),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Plans::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PlanCpv::Table)
                    .col(integer(PlanCpv::PlanId))
                    .col(string_len(PlanCpv::CpvCode, 8))
                    .primary_key(Index::create().col(PlanCpv::PlanId).col(PlanCpv::CpvCode))
                    .foreign_key(&mut to_plan(PlanCpv::Table, PlanCpv::PlanId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanCpv::Table, PlanCpv::CpvCode)
                            .to(CpvCodes::Table, CpvCodes::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_cpv_code")
                    .table(PlanCpv::Table)
                    .col(PlanCpv::CpvCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanLabels::Table)
                    .col(integer(PlanLabels::PlanId))
                    .col(string_len(PlanLabels::Label, 32))
                    .primary_key(
                        Index::create()
                            .col(PlanLabels::PlanId)
                            .col(PlanLabels::Label),
                    )
                    .foreign_key(&mut to_plan(PlanLabels::Table, PlanLabels::PlanId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanLots::Table)
                    .col(pk_auto(PlanLots::Id))
                    .col(integer(PlanLots::PlanId))
                    .col(integer(PlanLots::Number))
                    .col(string_len(PlanLots::Title, 200))
                    // The lot's CPV codes, comma-separated (a lot has a few; they are shown,
                    // never searched apart from the procurement's own).
                    .col(string_len(PlanLots::Cpv, 200).default(""))
                    .col(big_integer_null(PlanLots::EstimateMin))
                    .col(big_integer_null(PlanLots::EstimateMax))
                    .foreign_key(&mut to_plan(PlanLots::Table, PlanLots::PlanId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanEvents::Table)
                    .col(pk_auto(PlanEvents::Id))
                    .col(integer(PlanEvents::PlanId))
                    .col(integer_null(PlanEvents::ActorId))
                    .col(string_len(PlanEvents::Status, 12))
                    .col(text_null(PlanEvents::Note))
                    .col(timestamp_with_time_zone(PlanEvents::CreatedAt))
                    .foreign_key(&mut to_plan(PlanEvents::Table, PlanEvents::PlanId))
                    .foreign_key(&mut to_user(PlanEvents::Table, PlanEvents::ActorId))
                    .to_owned(),
            )
            .await?;
        for (name, table, col) in [
            (
                "idx_plan_lots_plan",
                PlanLots::Table.into_iden(),
                PlanLots::PlanId.into_iden(),
            ),
            (
                "idx_plan_events_plan",
                PlanEvents::Table.into_iden(),
                PlanEvents::PlanId.into_iden(),
            ),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PlanEvents::Table.into_iden(),
            PlanLots::Table.into_iden(),
            PlanLabels::Table.into_iden(),
            PlanCpv::Table.into_iden(),
            Plans::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
