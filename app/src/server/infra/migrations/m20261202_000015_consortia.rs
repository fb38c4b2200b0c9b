//! Consortia (groupements momentanés d'entreprises) being formed on the platform: their members
//! (invited, then accepting or declining), each member's role and share, the consortium's stage,
//! and the conversation of its members.

use sea_orm_migration::{prelude::*, schema::*};

use super::fk;

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
enum PartnerRequests {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Consortia {
    Table,
    Id,
    Name,
    Kind,
    Status,
    PlanId,
    RequestId,
    LeadId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConsortiumMembers {
    Table,
    Id,
    ConsortiumId,
    OrganisationId,
    Role,
    Status,
    Share,
    InvitedBy,
    InvitedAt,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum ConsortiumMessages {
    Table,
    Id,
    ConsortiumId,
    OrganisationId,
    UserId,
    Body,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(Consortia::Table)
                    .col(pk_auto(Consortia::Id))
                    .col(string_len(Consortia::Name, 200))
                    .col(string_len(Consortia::Kind, 16))
                    .col(string_len(Consortia::Status, 16))
                    .col(integer_null(Consortia::PlanId))
                    .col(integer_null(Consortia::RequestId))
                    // The mandataire: the member that represents the others to the buyer.
                    .col(integer(Consortia::LeadId))
                    .col(integer_null(Consortia::CreatedBy))
                    .col(timestamp_with_time_zone(Consortia::CreatedAt))
                    .col(timestamp_with_time_zone(Consortia::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Consortia::Table, Consortia::PlanId),
                        (Plans::Table, Plans::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Consortia::Table, Consortia::RequestId),
                        (PartnerRequests::Table, PartnerRequests::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Consortia::Table, Consortia::LeadId),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Consortia::Table, Consortia::CreatedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsortiumMembers::Table)
                    .col(pk_auto(ConsortiumMembers::Id))
                    .col(integer(ConsortiumMembers::ConsortiumId))
                    .col(integer(ConsortiumMembers::OrganisationId))
                    .col(string_len(ConsortiumMembers::Role, 16))
                    .col(string_len(ConsortiumMembers::Status, 16))
                    .col(string_len(ConsortiumMembers::Share, 300).default(""))
                    .col(integer_null(ConsortiumMembers::InvitedBy))
                    .col(timestamp_with_time_zone(ConsortiumMembers::InvitedAt))
                    .col(timestamp_with_time_zone_null(ConsortiumMembers::AnsweredAt))
                    .foreign_key(&mut fk(
                        (ConsortiumMembers::Table, ConsortiumMembers::ConsortiumId),
                        (Consortia::Table, Consortia::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ConsortiumMembers::Table, ConsortiumMembers::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ConsortiumMembers::Table, ConsortiumMembers::InvitedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consortium_members_one")
                    .table(ConsortiumMembers::Table)
                    .col(ConsortiumMembers::ConsortiumId)
                    .col(ConsortiumMembers::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consortium_members_org")
                    .table(ConsortiumMembers::Table)
                    .col(ConsortiumMembers::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsortiumMessages::Table)
                    .col(pk_auto(ConsortiumMessages::Id))
                    .col(integer(ConsortiumMessages::ConsortiumId))
                    .col(integer(ConsortiumMessages::OrganisationId))
                    .col(integer_null(ConsortiumMessages::UserId))
                    .col(text(ConsortiumMessages::Body))
                    .col(timestamp_with_time_zone(ConsortiumMessages::CreatedAt))
                    .foreign_key(&mut fk(
                        (ConsortiumMessages::Table, ConsortiumMessages::ConsortiumId),
                        (Consortia::Table, Consortia::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (
                            ConsortiumMessages::Table,
                            ConsortiumMessages::OrganisationId,
                        ),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ConsortiumMessages::Table, ConsortiumMessages::UserId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consortium_messages_consortium")
                    .table(ConsortiumMessages::Table)
                    .col(ConsortiumMessages::ConsortiumId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ConsortiumMessages::Table.into_iden(),
            ConsortiumMembers::Table.into_iden(),
            Consortia::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
