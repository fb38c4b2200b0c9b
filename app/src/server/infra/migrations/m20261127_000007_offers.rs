//! The offer catalogue: a business's offers, their CPV codes, official labels held, delivery
//! areas and photos.

use super::m20261126_000001_reference::{Communes, CpvCodes};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Offers {
    Table,
    Id,
    OrganisationId,
    Title,
    DescriptionSource,
    DescriptionHtml,
    Kind,
    Status,
    DeliveryRadiusKm,
    ProductionCommune,
    PriceCents,
    PriceUnit,
    MinOrder,
    Intermediaries,
    LifeYears,
    RepairabilityTenths,
    SparePartsYears,
    RecycledPercent,
    EndOfLife,
    CarbonKg,
    CarbonMethod,
    CarbonSource,
    InclusiveProduction,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum OfferCpv {
    Table,
    OfferId,
    CpvCode,
}

#[derive(DeriveIden)]
enum OfferLabels {
    Table,
    OfferId,
    Label,
}

#[derive(DeriveIden)]
enum OfferAreas {
    Table,
    OfferId,
    Kind,
    Code,
}

#[derive(DeriveIden)]
enum OfferPhotos {
    Table,
    Id,
    OfferId,
    FileName,
    Width,
    Height,
    Bytes,
    Alt,
    Position,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to_offer(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Offers::Table, Offers::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Offers::Table)
                    .col(pk_auto(Offers::Id))
                    .col(integer(Offers::OrganisationId))
                    .col(string_len(Offers::Title, 160))
                    .col(text(Offers::DescriptionSource).default(""))
                    .col(text(Offers::DescriptionHtml).default(""))
                    .col(string_len(Offers::Kind, 16))
                    .col(string_len(Offers::Status, 16).default("draft"))
                    .col(integer_null(Offers::DeliveryRadiusKm))
                    .col(string_len_null(Offers::ProductionCommune, 5))
                    .col(big_integer_null(Offers::PriceCents))
                    .col(string_len_null(Offers::PriceUnit, 40))
                    .col(string_len_null(Offers::MinOrder, 120))
                    .col(small_integer_null(Offers::Intermediaries))
                    .col(small_integer_null(Offers::LifeYears))
                    .col(small_integer_null(Offers::RepairabilityTenths))
                    .col(small_integer_null(Offers::SparePartsYears))
                    .col(small_integer_null(Offers::RecycledPercent))
                    .col(text_null(Offers::EndOfLife))
                    .col(double_null(Offers::CarbonKg))
                    .col(string_len_null(Offers::CarbonMethod, 200))
                    .col(string_len_null(Offers::CarbonSource, 300))
                    .col(boolean(Offers::InclusiveProduction).default(false))
                    .col(integer_null(Offers::CreatedBy))
                    .col(timestamp_with_time_zone(Offers::CreatedAt))
                    .col(timestamp_with_time_zone(Offers::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Offers::PublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Offers::Table, Offers::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Offers::Table, Offers::ProductionCommune)
                            .to(Communes::Table, Communes::Insee),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_offers_organisation")
                    .table(Offers::Table)
                    .col(Offers::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OfferCpv::Table)
                    .col(integer(OfferCpv::OfferId))
                    .col(string_len(OfferCpv::CpvCode, 8))
                    .primary_key(
                        Index::create()
                            .col(OfferCpv::OfferId)
                            .col(OfferCpv::CpvCode),
                    )
                    .foreign_key(&mut to_offer(OfferCpv::Table, OfferCpv::OfferId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OfferCpv::Table, OfferCpv::CpvCode)
                            .to(CpvCodes::Table, CpvCodes::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_offer_cpv_code")
                    .table(OfferCpv::Table)
                    .col(OfferCpv::CpvCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OfferLabels::Table)
                    .col(integer(OfferLabels::OfferId))
                    .col(string_len(OfferLabels::Label, 32))
                    .primary_key(
                        Index::create()
                            .col(OfferLabels::OfferId)
                            .col(OfferLabels::Label),
                    )
                    .foreign_key(&mut to_offer(OfferLabels::Table, OfferLabels::OfferId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OfferAreas::Table)
                    .col(integer(OfferAreas::OfferId))
                    .col(string_len(OfferAreas::Kind, 12))
                    .col(string_len(OfferAreas::Code, 5))
                    .primary_key(
                        Index::create()
                            .col(OfferAreas::OfferId)
                            .col(OfferAreas::Kind)
                            .col(OfferAreas::Code),
                    )
                    .foreign_key(&mut to_offer(OfferAreas::Table, OfferAreas::OfferId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OfferPhotos::Table)
                    .col(pk_auto(OfferPhotos::Id))
                    .col(integer(OfferPhotos::OfferId))
                    .col(string_len_uniq(OfferPhotos::FileName, 80))
                    .col(integer(OfferPhotos::Width))
                    .col(integer(OfferPhotos::Height))
                    .col(integer(OfferPhotos::Bytes))
                    .col(string_len(OfferPhotos::Alt, 200).default(""))
                    .col(integer(OfferPhotos::Position).default(0))
                    .col(timestamp_with_time_zone(OfferPhotos::CreatedAt))
                    .foreign_key(&mut to_offer(OfferPhotos::Table, OfferPhotos::OfferId))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OfferPhotos::Table.into_iden(),
            OfferAreas::Table.into_iden(),
            OfferLabels::Table.into_iden(),
            OfferCpv::Table.into_iden(),
            Offers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
