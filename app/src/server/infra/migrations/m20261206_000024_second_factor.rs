//! A second factor for administrators (and anyone who wants one): the TOTP secret of the
//! authenticator app, the last time step accepted (a code is good once), and single-use
//! recovery codes kept as hashes.

use sea_orm_migration::{prelude::*, schema::*};

use super::fk;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TotpSecret,
    TotpLastStep,
    TotpEnabledAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column an ALTER: SQLite adds them one at a time.
        for col in [
            string_len_null(Users::TotpSecret, 64),
            big_integer_null(Users::TotpLastStep),
            timestamp_with_time_zone_null(Users::TotpEnabledAt),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(pk_auto(RecoveryCodes::Id))
                    .col(integer(RecoveryCodes::UserId))
                    .col(string_len(RecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .col(timestamp_with_time_zone(RecoveryCodes::CreatedAt))
                    .foreign_key(&mut fk(
                        (RecoveryCodes::Table, RecoveryCodes::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recovery_codes_user")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RecoveryCodes::Table).to_owned())
            .await?;
        for col in [Users::TotpSecret, Users::TotpLastStep, Users::TotpEnabledAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
