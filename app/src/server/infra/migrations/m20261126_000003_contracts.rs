//! Past contracts (DECP): contracts, their awardees and modifications, what each source said,
//! import runs with their rejects, and the search outbox that the index follows.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Contracts {
    Table,
    Id,
    Uid,
    Kind,
    SourceId,
    BuyerSiret,
    BuyerName,
    Object,
    Cpv,
    CpvDivision,
    Procedure,
    Nature,
    PlaceKind,
    PlaceCode,
    PlaceName,
    PlaceCommune,
    PlaceDepartement,
    DurationMonths,
    AmountCents,
    FinalDurationMonths,
    FinalAmountCents,
    NotifiedOn,
    PublishedOn,
    Year,
    PriceForm,
    OffersReceived,
    Social,
    Environmental,
    Consortium,
    SubcontractingDeclared,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ContractAwardees {
    Table,
    Id,
    ContractId,
    Position,
    IdType,
    AwardeeId,
    Name,
    IsCurrent,
}

#[derive(DeriveIden)]
enum ContractModifications {
    Table,
    Id,
    ContractId,
    Position,
    Object,
    SignedOn,
    PublishedOn,
    DurationMonths,
    AmountCents,
    Awardees,
}

#[derive(DeriveIden)]
enum ContractSources {
    Table,
    Id,
    ContractId,
    Source,
    Format,
    ImportId,
    Raw,
    Normalised,
    Warnings,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Imports {
    Table,
    Id,
    FileName,
    Format,
    Status,
    BytesTotal,
    BytesRead,
    Records,
    Accepted,
    Warned,
    Rejected,
    Report,
    Error,
    StartedBy,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum ImportRejects {
    Table,
    Id,
    ImportId,
    RecordIndex,
    Reasons,
    Raw,
}

#[derive(DeriveIden)]
enum SearchOutbox {
    Table,
    Id,
    DocKind,
    DocId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Contracts::Table)
                    .col(pk_auto(Contracts::Id))
                    .col(string_len_uniq(Contracts::Uid, 240))
                    .col(string_len(Contracts::Kind, 12))
                    .col(string_len(Contracts::SourceId, 200))
                    .col(string_len(Contracts::BuyerSiret, 14))
                    .col(string_len_null(Contracts::BuyerName, 300))
                    .col(text_null(Contracts::Object))
                    .col(string_len_null(Contracts::Cpv, 8))
                    .col(string_len_null(Contracts::CpvDivision, 2))
                    .col(string_len_null(Contracts::Procedure, 32))
                    .col(string_len_null(Contracts::Nature, 24))
                    .col(string_len_null(Contracts::PlaceKind, 16))
                    .col(string_len_null(Contracts::PlaceCode, 16))
                    .col(string_len_null(Contracts::PlaceName, 300))
                    .col(string_len_null(Contracts::PlaceCommune, 5))
                    .col(string_len_null(Contracts::PlaceDepartement, 3))
                    .col(integer_null(Contracts::DurationMonths))
                    .col(big_integer_null(Contracts::AmountCents))
                    .col(integer_null(Contracts::FinalDurationMonths))
                    .col(big_integer_null(Contracts::FinalAmountCents))
                    .col(date_null(Contracts::NotifiedOn))
                    .col(date_null(Contracts::PublishedOn))
                    .col(integer_null(Contracts::Year))
                    .col(string_len_null(Contracts::PriceForm, 100))
                    .col(integer_null(Contracts::OffersReceived))
                    // Codes joined by commas ("clause,critere"): portable and easy to filter.
                    .col(string_len_null(Contracts::Social, 64))
                    .col(string_len_null(Contracts::Environmental, 64))
                    .col(string_len_null(Contracts::Consortium, 12))
                    .col(boolean_null(Contracts::SubcontractingDeclared))
                    .col(timestamp_with_time_zone(Contracts::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_contracts_buyer", Contracts::BuyerSiret),
            ("idx_contracts_year", Contracts::Year),
            ("idx_contracts_cpv_division", Contracts::CpvDivision),
            ("idx_contracts_departement", Contracts::PlaceDepartement),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Contracts::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ContractAwardees::Table)
                    .col(pk_auto(ContractAwardees::Id))
                    .col(integer(ContractAwardees::ContractId))
                    .col(integer(ContractAwardees::Position))
                    .col(string_len(ContractAwardees::IdType, 16))
                    .col(string_len(ContractAwardees::AwardeeId, 64))
                    .col(string_len_null(ContractAwardees::Name, 300))
                    // false: replaced by a modification.
                    .col(boolean(ContractAwardees::IsCurrent).default(true))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ContractAwardees::Table, ContractAwardees::ContractId)
                            .to(Contracts::Table, Contracts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_contract_awardees")
                    .table(ContractAwardees::Table)
                    .col(ContractAwardees::ContractId)
                    .col(ContractAwardees::IdType)
                    .col(ContractAwardees::AwardeeId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contract_awardees_awardee")
                    .table(ContractAwardees::Table)
                    .col(ContractAwardees::AwardeeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContractModifications::Table)
                    .col(pk_auto(ContractModifications::Id))
                    .col(integer(ContractModifications::ContractId))
                    .col(integer(ContractModifications::Position))
                    .col(text_null(ContractModifications::Object))
                    .col(date_null(ContractModifications::SignedOn))
                    .col(date_null(ContractModifications::PublishedOn))
                    .col(integer_null(ContractModifications::DurationMonths))
                    .col(big_integer_null(ContractModifications::AmountCents))
                    // JSON list of the awardees it sets, empty when unchanged.
                    .col(text(ContractModifications::Awardees))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ContractModifications::Table,
                                ContractModifications::ContractId,
                            )
                            .to(Contracts::Table, Contracts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contract_modifications_contract")
                    .table(ContractModifications::Table)
                    .col(ContractModifications::ContractId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Imports::Table)
                    .col(pk_auto(Imports::Id))
                    .col(string_len(Imports::FileName, 300))
                    .col(string_len_null(Imports::Format, 24))
                    // running, done, failed
                    .col(string_len(Imports::Status, 8))
                    .col(big_integer(Imports::BytesTotal).default(0))
                    .col(big_integer(Imports::BytesRead).default(0))
                    .col(integer(Imports::Records).default(0))
                    .col(integer(Imports::Accepted).default(0))
                    .col(integer(Imports::Warned).default(0))
                    .col(integer(Imports::Rejected).default(0))
                    // JSON: counts per reason.
                    .col(text(Imports::Report))
                    .col(text_null(Imports::Error))
                    .col(integer_null(Imports::StartedBy))
                    .col(timestamp_with_time_zone(Imports::StartedAt))
                    .col(timestamp_with_time_zone_null(Imports::FinishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContractSources::Table)
                    .col(pk_auto(ContractSources::Id))
                    .col(integer(ContractSources::ContractId))
                    .col(string_len(ContractSources::Source, 200))
                    .col(string_len(ContractSources::Format, 24))
                    .col(integer_null(ContractSources::ImportId))
                    .col(text(ContractSources::Raw))
                    .col(text(ContractSources::Normalised))
                    .col(text(ContractSources::Warnings))
                    .col(timestamp_with_time_zone(ContractSources::ImportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ContractSources::Table, ContractSources::ContractId)
                            .to(Contracts::Table, Contracts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ContractSources::Table, ContractSources::ImportId)
                            .to(Imports::Table, Imports::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_contract_sources")
                    .table(ContractSources::Table)
                    .col(ContractSources::ContractId)
                    .col(ContractSources::Source)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportRejects::Table)
                    .col(pk_auto(ImportRejects::Id))
                    .col(integer(ImportRejects::ImportId))
                    .col(integer(ImportRejects::RecordIndex))
                    .col(text(ImportRejects::Reasons))
                    .col(text(ImportRejects::Raw))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ImportRejects::Table, ImportRejects::ImportId)
                            .to(Imports::Table, Imports::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_import_rejects")
                    .table(ImportRejects::Table)
                    .col(ImportRejects::ImportId)
                    .col(ImportRejects::RecordIndex)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SearchOutbox::Table)
                    .col(big_pk_auto(SearchOutbox::Id))
                    // "contract" now; "organisation", "offer" later.
                    .col(string_len(SearchOutbox::DocKind, 16))
                    .col(integer(SearchOutbox::DocId))
                    .col(timestamp_with_time_zone(SearchOutbox::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            SearchOutbox::Table.into_iden(),
            ImportRejects::Table.into_iden(),
            ContractSources::Table.into_iden(),
            Imports::Table.into_iden(),
            ContractModifications::Table.into_iden(),
            ContractAwardees::Table.into_iden(),
            Contracts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
