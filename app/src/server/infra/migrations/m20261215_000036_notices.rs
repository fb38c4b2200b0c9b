//! Notices of the tender portals read by the sources (issue 26): calls for tenders, awards,
//! corrections, as facts of the platform — linked to the buyer on Passerelle when its SIRET
//! is known, to the planned procurement they publish once the buyer confirms (or at once when
//! the notice names it), and shown to firms in "Consultations en cours"; and the firms'
//! interest in a notice without a plan.

use sea_orm_migration::{prelude::*, schema::*};

use super::fk;

#[derive(DeriveIden)]
enum Notices {
    Table,
    Id,
    SourceId,
    /// `boamp` or `ted`.
    Origin,
    NoticeId,
    /// `domain::notices::NoticeKind`; null when the portal's nature is unknown.
    Kind,
    BuyerName,
    BuyerSiret,
    BuyerOrgId,
    Title,
    /// CPV codes, comma-separated.
    Cpv,
    Departments,
    PublishedOn,
    /// On a clock in Paris.
    Deadline,
    Url,
    /// JSON `[{title, cpv}]`.
    Lots,
    /// JSON `[{name, siret}]`.
    Awardees,
    /// The notice this one follows (the call an award or a correction is about).
    Follows,
    /// The planned procurement it publishes, confirmed (by the buyer, or by the notice's id).
    PlanId,
    /// The planned procurement it likely publishes, proposed to the buyer.
    ProposedPlanId,
    /// The buyer said it is none of its plans.
    Dismissed,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NoticeInterests {
    Table,
    Id,
    NoticeId,
    OrgId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sources {
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
                    .table(Notices::Table)
                    .col(pk_auto(Notices::Id))
                    .col(integer_null(Notices::SourceId))
                    .col(string_len(Notices::Origin, 8))
                    .col(string_len(Notices::NoticeId, 100))
                    .col(string_len_null(Notices::Kind, 16))
                    .col(string_len(Notices::BuyerName, 300))
                    .col(string_len_null(Notices::BuyerSiret, 14))
                    .col(integer_null(Notices::BuyerOrgId))
                    .col(string_len(Notices::Title, 500))
                    .col(string_len(Notices::Cpv, 1000).default(""))
                    .col(string_len(Notices::Departments, 200).default(""))
                    .col(date_null(Notices::PublishedOn))
                    .col(date_time_null(Notices::Deadline))
                    .col(string_len_null(Notices::Url, 2000))
                    .col(text(Notices::Lots).default("[]"))
                    .col(text(Notices::Awardees).default("[]"))
                    .col(string_len_null(Notices::Follows, 100))
                    .col(integer_null(Notices::PlanId))
                    .col(integer_null(Notices::ProposedPlanId))
                    .col(boolean(Notices::Dismissed).default(false))
                    .col(timestamp_with_time_zone(Notices::CreatedAt))
                    .col(timestamp_with_time_zone(Notices::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Notices::Table, Notices::SourceId),
                        (Sources::Table, Sources::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Notices::Table, Notices::BuyerOrgId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Notices::Table, Notices::PlanId),
                        (Plans::Table, Plans::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Notices::Table, Notices::ProposedPlanId),
                        (Plans::Table, Plans::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notices_origin_id")
                    .table(Notices::Table)
                    .col(Notices::Origin)
                    .col(Notices::NoticeId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notices_deadline")
                    .table(Notices::Table)
                    .col(Notices::Kind)
                    .col(Notices::Deadline)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notices_buyer")
                    .table(Notices::Table)
                    .col(Notices::BuyerOrgId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NoticeInterests::Table)
                    .col(pk_auto(NoticeInterests::Id))
                    .col(integer(NoticeInterests::NoticeId))
                    .col(integer(NoticeInterests::OrgId))
                    .col(integer_null(NoticeInterests::UserId))
                    .col(timestamp_with_time_zone(NoticeInterests::CreatedAt))
                    .foreign_key(&mut fk(
                        (NoticeInterests::Table, NoticeInterests::NoticeId),
                        (Notices::Table, Notices::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (NoticeInterests::Table, NoticeInterests::OrgId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (NoticeInterests::Table, NoticeInterests::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notice_interests_unique")
                    .table(NoticeInterests::Table)
                    .col(NoticeInterests::NoticeId)
                    .col(NoticeInterests::OrgId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NoticeInterests::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Notices::Table).to_owned())
            .await
    }
}
