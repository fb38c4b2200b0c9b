//! The territorial label: referentials (schemes) with their criteria, applications of businesses
//! (for themselves or for one of their offers) with answers and evidence, and the record of every
//! step of an application.

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
enum Offers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LabelSchemes {
    Table,
    Id,
    Name,
    Description,
    Target,
    ValidityMonths,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LabelCriteria {
    Table,
    Id,
    SchemeId,
    Position,
    Question,
    Evidence,
}

#[derive(DeriveIden)]
enum LabelApplications {
    Table,
    Id,
    SchemeId,
    OrganisationId,
    OfferId,
    Status,
    Reason,
    SubmittedAt,
    DecidedAt,
    DecidedBy,
    GrantedAt,
    ExpiresAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LabelAnswers {
    Table,
    ApplicationId,
    CriterionId,
    Answer,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LabelEvidence {
    Table,
    Id,
    ApplicationId,
    CriterionId,
    FileName,
    OriginalName,
    ContentType,
    Bytes,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LabelEvents {
    Table,
    Id,
    ApplicationId,
    ActorId,
    Action,
    Note,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn to_user(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

fn index(name: &str, table: impl IntoIden, col: impl IntoIden) -> IndexCreateStatement {
    Index::create().name(name).table(table).col(col).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LabelSchemes::Table)
                    .col(pk_auto(LabelSchemes::Id))
                    .col(string_len_uniq(LabelSchemes::Name, 120))
                    .col(text(LabelSchemes::Description).default(""))
                    .col(string_len(LabelSchemes::Target, 8))
                    .col(integer(LabelSchemes::ValidityMonths))
                    .col(string_len(LabelSchemes::Status, 8).default("draft"))
                    .col(integer_null(LabelSchemes::CreatedBy))
                    .col(timestamp_with_time_zone(LabelSchemes::CreatedAt))
                    .col(timestamp_with_time_zone(LabelSchemes::UpdatedAt))
                    .foreign_key(&mut to_user(LabelSchemes::Table, LabelSchemes::CreatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LabelCriteria::Table)
                    .col(pk_auto(LabelCriteria::Id))
                    .col(integer(LabelCriteria::SchemeId))
                    .col(integer(LabelCriteria::Position))
                    .col(string_len(LabelCriteria::Question, 500))
                    .col(string_len_null(LabelCriteria::Evidence, 300))
                    .foreign_key(&mut cascade(
                        (LabelCriteria::Table, LabelCriteria::SchemeId),
                        (LabelSchemes::Table, LabelSchemes::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_label_criteria_scheme",
                LabelCriteria::Table,
                LabelCriteria::SchemeId,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LabelApplications::Table)
                    .col(pk_auto(LabelApplications::Id))
                    .col(integer(LabelApplications::SchemeId))
                    .col(integer(LabelApplications::OrganisationId))
                    .col(integer_null(LabelApplications::OfferId))
                    .col(string_len(LabelApplications::Status, 20))
                    .col(text_null(LabelApplications::Reason))
                    .col(timestamp_with_time_zone_null(
                        LabelApplications::SubmittedAt,
                    ))
                    .col(timestamp_with_time_zone_null(LabelApplications::DecidedAt))
                    .col(integer_null(LabelApplications::DecidedBy))
                    .col(timestamp_with_time_zone_null(LabelApplications::GrantedAt))
                    .col(timestamp_with_time_zone_null(LabelApplications::ExpiresAt))
                    .col(integer_null(LabelApplications::CreatedBy))
                    .col(timestamp_with_time_zone(LabelApplications::CreatedAt))
                    .col(timestamp_with_time_zone(LabelApplications::UpdatedAt))
                    // A referential with applications is never deleted: their history stays.
                    .foreign_key(
                        ForeignKey::create()
                            .from(LabelApplications::Table, LabelApplications::SchemeId)
                            .to(LabelSchemes::Table, LabelSchemes::Id),
                    )
                    .foreign_key(&mut cascade(
                        (LabelApplications::Table, LabelApplications::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (LabelApplications::Table, LabelApplications::OfferId),
                        (Offers::Table, Offers::Id),
                    ))
                    .foreign_key(&mut to_user(
                        LabelApplications::Table,
                        LabelApplications::DecidedBy,
                    ))
                    .foreign_key(&mut to_user(
                        LabelApplications::Table,
                        LabelApplications::CreatedBy,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_label_applications_status", LabelApplications::Status),
            (
                "idx_label_applications_org",
                LabelApplications::OrganisationId,
            ),
            ("idx_label_applications_offer", LabelApplications::OfferId),
            ("idx_label_applications_scheme", LabelApplications::SchemeId),
        ] {
            manager
                .create_index(index(name, LabelApplications::Table, col))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(LabelAnswers::Table)
                    .col(integer(LabelAnswers::ApplicationId))
                    .col(integer(LabelAnswers::CriterionId))
                    .col(text(LabelAnswers::Answer))
                    .col(timestamp_with_time_zone(LabelAnswers::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(LabelAnswers::ApplicationId)
                            .col(LabelAnswers::CriterionId),
                    )
                    .foreign_key(&mut cascade(
                        (LabelAnswers::Table, LabelAnswers::ApplicationId),
                        (LabelApplications::Table, LabelApplications::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (LabelAnswers::Table, LabelAnswers::CriterionId),
                        (LabelCriteria::Table, LabelCriteria::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LabelEvidence::Table)
                    .col(pk_auto(LabelEvidence::Id))
                    .col(integer(LabelEvidence::ApplicationId))
                    .col(integer(LabelEvidence::CriterionId))
                    .col(string_len_uniq(LabelEvidence::FileName, 80))
                    .col(string_len(LabelEvidence::OriginalName, 200))
                    .col(string_len(LabelEvidence::ContentType, 40))
                    .col(integer(LabelEvidence::Bytes))
                    .col(integer_null(LabelEvidence::UploadedBy))
                    .col(timestamp_with_time_zone(LabelEvidence::CreatedAt))
                    .foreign_key(&mut cascade(
                        (LabelEvidence::Table, LabelEvidence::ApplicationId),
                        (LabelApplications::Table, LabelApplications::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (LabelEvidence::Table, LabelEvidence::CriterionId),
                        (LabelCriteria::Table, LabelCriteria::Id),
                    ))
                    .foreign_key(&mut to_user(
                        LabelEvidence::Table,
                        LabelEvidence::UploadedBy,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_label_evidence_application",
                LabelEvidence::Table,
                LabelEvidence::ApplicationId,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LabelEvents::Table)
                    .col(pk_auto(LabelEvents::Id))
                    .col(integer(LabelEvents::ApplicationId))
                    .col(integer_null(LabelEvents::ActorId))
                    .col(string_len(LabelEvents::Action, 24))
                    .col(text_null(LabelEvents::Note))
                    .col(timestamp_with_time_zone(LabelEvents::CreatedAt))
                    .foreign_key(&mut cascade(
                        (LabelEvents::Table, LabelEvents::ApplicationId),
                        (LabelApplications::Table, LabelApplications::Id),
                    ))
                    .foreign_key(&mut to_user(LabelEvents::Table, LabelEvents::ActorId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_label_events_application",
                LabelEvents::Table,
                LabelEvents::ApplicationId,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LabelEvents::Table.into_iden(),
            LabelEvidence::Table.into_iden(),
            LabelAnswers::Table.into_iden(),
            LabelApplications::Table.into_iden(),
            LabelCriteria::Table.into_iden(),
            LabelSchemes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
