//! Direct contact between two organisations: a request with a first message, which the other
//! side accepts or refuses; once accepted, a conversation between them.

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
enum Contacts {
    Table,
    Id,
    FromOrg,
    ToOrg,
    Message,
    Status,
    CreatedBy,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum ContactMessages {
    Table,
    Id,
    ContactId,
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
                    .table(Contacts::Table)
                    .col(pk_auto(Contacts::Id))
                    .col(integer(Contacts::FromOrg))
                    .col(integer(Contacts::ToOrg))
                    .col(text(Contacts::Message))
                    .col(string_len(Contacts::Status, 16))
                    .col(integer_null(Contacts::CreatedBy))
                    .col(timestamp_with_time_zone(Contacts::CreatedAt))
                    .col(timestamp_with_time_zone_null(Contacts::DecidedAt))
                    .foreign_key(&mut fk(
                        (Contacts::Table, Contacts::FromOrg),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Contacts::Table, Contacts::ToOrg),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Contacts::Table, Contacts::CreatedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // One request a pair and direction; the server also refuses the reverse of an existing one.
        manager
            .create_index(
                Index::create()
                    .name("idx_contacts_pair")
                    .table(Contacts::Table)
                    .col(Contacts::FromOrg)
                    .col(Contacts::ToOrg)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contacts_to")
                    .table(Contacts::Table)
                    .col(Contacts::ToOrg)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContactMessages::Table)
                    .col(pk_auto(ContactMessages::Id))
                    .col(integer(ContactMessages::ContactId))
                    .col(integer(ContactMessages::OrganisationId))
                    .col(integer_null(ContactMessages::UserId))
                    .col(text(ContactMessages::Body))
                    .col(timestamp_with_time_zone(ContactMessages::CreatedAt))
                    .foreign_key(&mut fk(
                        (ContactMessages::Table, ContactMessages::ContactId),
                        (Contacts::Table, Contacts::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ContactMessages::Table, ContactMessages::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ContactMessages::Table, ContactMessages::UserId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ContactMessages::Table.into_iden(),
            Contacts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
