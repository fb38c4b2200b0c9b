//! Partner requests ("recherches de partenaires"): a firm looks for co-contractors or
//! subcontractors, for a planned procurement, one of its lots, or on its own; other firms answer
//! with a message and the offers that fit.

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
enum Offers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PartnerRequests {
    Table,
    Id,
    OrganisationId,
    PlanId,
    LotId,
    Title,
    Description,
    Role,
    ConsortiumKind,
    Capacity,
    Commune,
    RadiusKm,
    Deadline,
    Status,
    /// Title, description and codes folded (lower case, no accents) for the board's search.
    Words,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PartnerRequestCpv {
    Table,
    RequestId,
    CpvCode,
}

#[derive(DeriveIden)]
enum PartnerRequestLabels {
    Table,
    RequestId,
    Label,
}

#[derive(DeriveIden)]
enum PartnerAnswers {
    Table,
    Id,
    RequestId,
    OrganisationId,
    Message,
    Status,
    CreatedBy,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum PartnerAnswerOffers {
    Table,
    AnswerId,
    OfferId,
}

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(PartnerRequests::Table)
                    .col(pk_auto(PartnerRequests::Id))
                    .col(integer(PartnerRequests::OrganisationId))
                    .col(integer_null(PartnerRequests::PlanId))
                    .col(integer_null(PartnerRequests::LotId))
                    .col(string_len(PartnerRequests::Title, 200))
                    .col(text(PartnerRequests::Description).default(""))
                    .col(string_len(PartnerRequests::Role, 16))
                    .col(string_len(PartnerRequests::ConsortiumKind, 16))
                    .col(string_len_null(PartnerRequests::Capacity, 300))
                    .col(string_len_null(PartnerRequests::Commune, 5))
                    .col(integer_null(PartnerRequests::RadiusKm))
                    .col(date(PartnerRequests::Deadline))
                    .col(string_len(PartnerRequests::Status, 16))
                    .col(text(PartnerRequests::Words).default(""))
                    .col(integer_null(PartnerRequests::CreatedBy))
                    .col(timestamp_with_time_zone(PartnerRequests::CreatedAt))
                    .col(timestamp_with_time_zone(PartnerRequests::UpdatedAt))
                    .foreign_key(&mut fk(
                        (PartnerRequests::Table, PartnerRequests::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PartnerRequests::Table, PartnerRequests::PlanId),
                        (Plans::Table, Plans::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (PartnerRequests::Table, PartnerRequests::LotId),
                        (PlanLots::Table, PlanLots::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (PartnerRequests::Table, PartnerRequests::CreatedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_partner_requests_status", PartnerRequests::Status),
            ("idx_partner_requests_org", PartnerRequests::OrganisationId),
            ("idx_partner_requests_plan", PartnerRequests::PlanId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(PartnerRequests::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PartnerRequestCpv::Table)
                    .col(integer(PartnerRequestCpv::RequestId))
                    .col(string_len(PartnerRequestCpv::CpvCode, 8))
                    .primary_key(
                        Index::create()
                            .col(PartnerRequestCpv::RequestId)
                            .col(PartnerRequestCpv::CpvCode),
                    )
                    .foreign_key(&mut fk(
                        (PartnerRequestCpv::Table, PartnerRequestCpv::RequestId),
                        (PartnerRequests::Table, PartnerRequests::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerRequestLabels::Table)
                    .col(integer(PartnerRequestLabels::RequestId))
                    .col(string_len(PartnerRequestLabels::Label, 32))
                    .primary_key(
                        Index::create()
                            .col(PartnerRequestLabels::RequestId)
                            .col(PartnerRequestLabels::Label),
                    )
                    .foreign_key(&mut fk(
                        (PartnerRequestLabels::Table, PartnerRequestLabels::RequestId),
                        (PartnerRequests::Table, PartnerRequests::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerAnswers::Table)
                    .col(pk_auto(PartnerAnswers::Id))
                    .col(integer(PartnerAnswers::RequestId))
                    .col(integer(PartnerAnswers::OrganisationId))
                    .col(text(PartnerAnswers::Message))
                    .col(string_len(PartnerAnswers::Status, 16))
                    .col(integer_null(PartnerAnswers::CreatedBy))
                    .col(timestamp_with_time_zone(PartnerAnswers::CreatedAt))
                    .col(timestamp_with_time_zone_null(PartnerAnswers::DecidedAt))
                    .foreign_key(&mut fk(
                        (PartnerAnswers::Table, PartnerAnswers::RequestId),
                        (PartnerRequests::Table, PartnerRequests::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PartnerAnswers::Table, PartnerAnswers::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PartnerAnswers::Table, PartnerAnswers::CreatedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // One answer a firm a request: a second one replaces the message.
        manager
            .create_index(
                Index::create()
                    .name("idx_partner_answers_one")
                    .table(PartnerAnswers::Table)
                    .col(PartnerAnswers::RequestId)
                    .col(PartnerAnswers::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerAnswerOffers::Table)
                    .col(integer(PartnerAnswerOffers::AnswerId))
                    .col(integer(PartnerAnswerOffers::OfferId))
                    .primary_key(
                        Index::create()
                            .col(PartnerAnswerOffers::AnswerId)
                            .col(PartnerAnswerOffers::OfferId),
                    )
                    .foreign_key(&mut fk(
                        (PartnerAnswerOffers::Table, PartnerAnswerOffers::AnswerId),
                        (PartnerAnswers::Table, PartnerAnswers::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PartnerAnswerOffers::Table, PartnerAnswerOffers::OfferId),
                        (Offers::Table, Offers::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            PartnerAnswerOffers::Table.into_iden(),
            PartnerAnswers::Table.into_iden(),
            PartnerRequestLabels::Table.into_iden(),
            PartnerRequestCpv::Table.into_iden(),
            PartnerRequests::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
