//! Reference tables: CPV codes, NAF sub-classes, communes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum CpvCodes {
    Table,
    /// The 8 digits, without the check digit.
    Code,
    CheckDigit,
    LabelFr,
    ParentCode,
    /// 1 (division, XX000000) to 5 (most precise).
    Level,
}

#[derive(DeriveIden)]
pub enum NafCodes {
    Table,
    /// e.g. "43.21A"
    Code,
    Label,
    DivisionCode,
    DivisionLabel,
    SectionCode,
    SectionLabel,
}

#[derive(DeriveIden)]
pub enum Communes {
    Table,
    Insee,
    Name,
    Department,
    Region,
    InMetropole,
    Lat,
    Lon,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CpvCodes::Table)
                    .col(string_len(CpvCodes::Code, 8).primary_key())
                    .col(string_len(CpvCodes::CheckDigit, 1))
                    .col(text(CpvCodes::LabelFr))
                    .col(string_len_null(CpvCodes::ParentCode, 8))
                    .col(small_integer(CpvCodes::Level))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NafCodes::Table)
                    .col(string_len(NafCodes::Code, 6).primary_key())
                    .col(text(NafCodes::Label))
                    .col(string_len(NafCodes::DivisionCode, 2))
                    .col(text(NafCodes::DivisionLabel))
                    .col(string_len(NafCodes::SectionCode, 1))
                    .col(text(NafCodes::SectionLabel))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Communes::Table)
                    .col(string_len(Communes::Insee, 5).primary_key())
                    .col(string(Communes::Name))
                    .col(string_len(Communes::Department, 3))
                    .col(string_len(Communes::Region, 3))
                    .col(boolean(Communes::InMetropole).default(false))
                    .col(double_null(Communes::Lat))
                    .col(double_null(Communes::Lon))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_communes_name")
                    .table(Communes::Table)
                    .col(Communes::Name)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Communes::Table.into_iden(),
            NafCodes::Table.into_iden(),
            CpvCodes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
