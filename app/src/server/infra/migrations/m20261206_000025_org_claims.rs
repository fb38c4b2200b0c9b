//! Claims on a SIRET already registered: a second person who says the organisation is theirs
//! asks for a review (by a chamber analyst or an administrator) instead of being told "taken".

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
enum OrgClaims {
    Table,
    Id,
    OrganisationId,
    UserId,
    Message,
    Status,
    CreatedAt,
    DecidedBy,
    DecidedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrgClaims::Table)
                    .col(pk_auto(OrgClaims::Id))
                    .col(integer(OrgClaims::OrganisationId))
                    .col(integer(OrgClaims::UserId))
                    .col(text(OrgClaims::Message))
                    .col(string_len(OrgClaims::Status, 16))
                    .col(timestamp_with_time_zone(OrgClaims::CreatedAt))
                    .col(integer_null(OrgClaims::DecidedBy))
                    .col(timestamp_with_time_zone_null(OrgClaims::DecidedAt))
                    .foreign_key(&mut fk(
                        (OrgClaims::Table, OrgClaims::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (OrgClaims::Table, OrgClaims::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_org_claims_status")
                    .table(OrgClaims::Table)
                    .col(OrgClaims::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OrgClaims::Table).to_owned())
            .await
    }
}
