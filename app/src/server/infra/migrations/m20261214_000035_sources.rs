//! The portals Passerelle fetches by itself (issue 26): each source (the State's consolidated
//! DECP, BOAMP notices, TED notices) with its address, schedule and what the publisher said of
//! the last copy fetched (to ask only for what changed), the lease that keeps two instances from
//! running it at once; and each run's report.

use sea_orm_migration::{prelude::*, schema::*};

use super::fk;

#[derive(DeriveIden)]
enum Sources {
    Table,
    Id,
    /// The operator's name of the source, unique (`decp`, `boamp-rhone`…).
    Name,
    /// `domain::sources::SourceKind`.
    Kind,
    Url,
    EveryMinutes,
    /// The departments whose notices are wanted (comma-separated), for BOAMP and TED.
    Departments,
    /// The buyers whose notices are wanted (SIRETs, comma-separated), for BOAMP and TED.
    Sirets,
    Enabled,
    /// From the configuration file (kept in step with it at each start) or the admin page.
    FromConfig,
    /// What the publisher said of the last copy: asked again with If-None-Match /
    /// If-Modified-Since, a 304 is "nothing changed".
    Etag,
    LastModified,
    /// Where the next run starts reading (BOAMP: the last publication day read).
    Cursor,
    NextRunAt,
    /// Held by the instance running the source until then; free when null or past.
    LeaseUntil,
    LeaseOwner,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SourceRuns {
    Table,
    Id,
    SourceId,
    /// `schedule`, `admin` or `cli`.
    Trigger,
    StartedBy,
    StartedAt,
    FinishedAt,
    /// `domain::sources::RunStatus`.
    Status,
    Attempts,
    Bytes,
    Fetched,
    Created,
    Updated,
    Rejected,
    /// Why it failed (an i18n key) and what was found, when it did.
    Error,
    ErrorDetail,
    /// JSON: the warnings and the rejections' reasons (`domain::sources::RunReport`).
    Report,
    /// The DECP import the run made, for its detailed report.
    ImportId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sources::Table)
                    .col(pk_auto(Sources::Id))
                    .col(string_len_uniq(Sources::Name, 40))
                    .col(string_len(Sources::Kind, 16))
                    .col(string_len(Sources::Url, 2000))
                    .col(integer(Sources::EveryMinutes))
                    .col(string_len(Sources::Departments, 400).default(""))
                    .col(text(Sources::Sirets).default(""))
                    .col(boolean(Sources::Enabled).default(true))
                    .col(boolean(Sources::FromConfig).default(false))
                    .col(string_len_null(Sources::Etag, 300))
                    .col(string_len_null(Sources::LastModified, 100))
                    .col(string_len_null(Sources::Cursor, 100))
                    .col(timestamp_with_time_zone(Sources::NextRunAt))
                    .col(timestamp_with_time_zone_null(Sources::LeaseUntil))
                    .col(string_len_null(Sources::LeaseOwner, 80))
                    .col(timestamp_with_time_zone(Sources::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SourceRuns::Table)
                    .col(pk_auto(SourceRuns::Id))
                    .col(integer(SourceRuns::SourceId))
                    .col(string_len(SourceRuns::Trigger, 16))
                    .col(integer_null(SourceRuns::StartedBy))
                    .col(timestamp_with_time_zone(SourceRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(SourceRuns::FinishedAt))
                    .col(string_len(SourceRuns::Status, 16))
                    .col(integer(SourceRuns::Attempts).default(0))
                    .col(big_integer(SourceRuns::Bytes).default(0))
                    .col(integer(SourceRuns::Fetched).default(0))
                    .col(integer(SourceRuns::Created).default(0))
                    .col(integer(SourceRuns::Updated).default(0))
                    .col(integer(SourceRuns::Rejected).default(0))
                    .col(string_len_null(SourceRuns::Error, 80))
                    .col(string_len_null(SourceRuns::ErrorDetail, 400))
                    .col(text(SourceRuns::Report).default("{}"))
                    .col(integer_null(SourceRuns::ImportId))
                    .foreign_key(&mut fk(
                        (SourceRuns::Table, SourceRuns::SourceId),
                        (Sources::Table, Sources::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (SourceRuns::Table, SourceRuns::StartedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_source_runs_source")
                    .table(SourceRuns::Table)
                    .col(SourceRuns::SourceId)
                    .col(SourceRuns::StartedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SourceRuns::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Sources::Table).to_owned())
            .await
    }
}
