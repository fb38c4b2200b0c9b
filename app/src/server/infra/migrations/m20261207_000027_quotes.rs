//! Quick consultations (issue 23): a buyer's request for quotes on a few food products, the
//! suppliers it was sent to, their answers per product, the parts awarded, and the amounts a
//! buyer declares from its other channels for its EGalim panel.

use sea_orm_migration::{prelude::*, schema::*};

use super::fk;

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum QuoteRequests {
    Table,
    Id,
    BuyerId,
    CreatedBy,
    Title,
    Details,
    CommuneInsee,
    DeliveryFrom,
    DeliveryTo,
    Deadline,
    Quality,
    Stage,
    CreatedAt,
    ClosedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum QuoteLines {
    Table,
    Id,
    RequestId,
    Position,
    CpvCode,
    QuantityMilli,
    Unit,
}

#[derive(DeriveIden)]
enum QuoteInvitations {
    Table,
    RequestId,
    OrganisationId,
    /// Whether its members were emailed (its offers' alerts on).
    Emailed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum QuoteAnswers {
    Table,
    Id,
    LineId,
    OrganisationId,
    UserId,
    /// Null: declined.
    UnitPriceCents,
    QuantityMilli,
    /// Sign codes, comma-separated (`domain::food::signs`).
    Signs,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum QuoteAwards {
    Table,
    AnswerId,
    QuantityMilli,
    AmountCents,
    /// What it counts for under EGalim on the day: none, quality, organic.
    Egalim,
    AwardedAt,
}

#[derive(DeriveIden)]
enum EgalimDeclared {
    Table,
    Id,
    BuyerId,
    Year,
    /// A product family (CPV group, 3 digits) or "all".
    Family,
    TotalCents,
    QualityCents,
    OrganicCents,
    UpdatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(QuoteRequests::Table)
                    .col(pk_auto(QuoteRequests::Id))
                    .col(integer(QuoteRequests::BuyerId))
                    .col(integer_null(QuoteRequests::CreatedBy))
                    .col(string_len(QuoteRequests::Title, 160))
                    .col(text_null(QuoteRequests::Details))
                    .col(string_len(QuoteRequests::CommuneInsee, 5))
                    .col(date(QuoteRequests::DeliveryFrom))
                    .col(date(QuoteRequests::DeliveryTo))
                    .col(timestamp_with_time_zone(QuoteRequests::Deadline))
                    .col(string_len(QuoteRequests::Quality, 16))
                    .col(string_len(QuoteRequests::Stage, 16))
                    .col(timestamp_with_time_zone(QuoteRequests::CreatedAt))
                    .col(timestamp_with_time_zone_null(QuoteRequests::ClosedAt))
                    .col(timestamp_with_time_zone_null(QuoteRequests::DecidedAt))
                    .foreign_key(&mut fk(
                        (QuoteRequests::Table, QuoteRequests::BuyerId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (QuoteRequests::Table, QuoteRequests::CreatedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quote_requests_deadline")
                    .table(QuoteRequests::Table)
                    .col(QuoteRequests::Deadline)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuoteLines::Table)
                    .col(pk_auto(QuoteLines::Id))
                    .col(integer(QuoteLines::RequestId))
                    .col(small_integer(QuoteLines::Position))
                    .col(string_len(QuoteLines::CpvCode, 8))
                    .col(big_integer(QuoteLines::QuantityMilli))
                    .col(string_len(QuoteLines::Unit, 16))
                    .foreign_key(&mut fk(
                        (QuoteLines::Table, QuoteLines::RequestId),
                        (QuoteRequests::Table, QuoteRequests::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuoteInvitations::Table)
                    .col(integer(QuoteInvitations::RequestId))
                    .col(integer(QuoteInvitations::OrganisationId))
                    .col(boolean(QuoteInvitations::Emailed))
                    .col(timestamp_with_time_zone(QuoteInvitations::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(QuoteInvitations::RequestId)
                            .col(QuoteInvitations::OrganisationId),
                    )
                    .foreign_key(&mut fk(
                        (QuoteInvitations::Table, QuoteInvitations::RequestId),
                        (QuoteRequests::Table, QuoteRequests::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (QuoteInvitations::Table, QuoteInvitations::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuoteAnswers::Table)
                    .col(pk_auto(QuoteAnswers::Id))
                    .col(integer(QuoteAnswers::LineId))
                    .col(integer(QuoteAnswers::OrganisationId))
                    .col(integer_null(QuoteAnswers::UserId))
                    .col(big_integer_null(QuoteAnswers::UnitPriceCents))
                    .col(big_integer(QuoteAnswers::QuantityMilli))
                    .col(string_len(QuoteAnswers::Signs, 300))
                    .col(text_null(QuoteAnswers::Comment))
                    .col(timestamp_with_time_zone(QuoteAnswers::CreatedAt))
                    .col(timestamp_with_time_zone(QuoteAnswers::UpdatedAt))
                    .foreign_key(&mut fk(
                        (QuoteAnswers::Table, QuoteAnswers::LineId),
                        (QuoteLines::Table, QuoteLines::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (QuoteAnswers::Table, QuoteAnswers::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (QuoteAnswers::Table, QuoteAnswers::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // One answer a supplier a product: answering again replaces it.
        manager
            .create_index(
                Index::create()
                    .name("idx_quote_answers_line_org")
                    .table(QuoteAnswers::Table)
                    .col(QuoteAnswers::LineId)
                    .col(QuoteAnswers::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuoteAwards::Table)
                    .col(integer(QuoteAwards::AnswerId).primary_key())
                    .col(big_integer(QuoteAwards::QuantityMilli))
                    .col(big_integer(QuoteAwards::AmountCents))
                    .col(string_len(QuoteAwards::Egalim, 16))
                    .col(timestamp_with_time_zone(QuoteAwards::AwardedAt))
                    .foreign_key(&mut fk(
                        (QuoteAwards::Table, QuoteAwards::AnswerId),
                        (QuoteAnswers::Table, QuoteAnswers::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EgalimDeclared::Table)
                    .col(pk_auto(EgalimDeclared::Id))
                    .col(integer(EgalimDeclared::BuyerId))
                    .col(small_integer(EgalimDeclared::Year))
                    .col(string_len(EgalimDeclared::Family, 8))
                    .col(big_integer(EgalimDeclared::TotalCents))
                    .col(big_integer(EgalimDeclared::QualityCents))
                    .col(big_integer(EgalimDeclared::OrganicCents))
                    .col(timestamp_with_time_zone(EgalimDeclared::UpdatedAt))
                    .foreign_key(&mut fk(
                        (EgalimDeclared::Table, EgalimDeclared::BuyerId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_egalim_declared_buyer_year_family")
                    .table(EgalimDeclared::Table)
                    .col(EgalimDeclared::BuyerId)
                    .col(EgalimDeclared::Year)
                    .col(EgalimDeclared::Family)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            EgalimDeclared::Table.into_iden(),
            QuoteAwards::Table.into_iden(),
            QuoteAnswers::Table.into_iden(),
            QuoteInvitations::Table.into_iden(),
            QuoteLines::Table.into_iden(),
            QuoteRequests::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
