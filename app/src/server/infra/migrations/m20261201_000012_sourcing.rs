//! Sourcing: calls to the market (questions, answers, a published summary) and meetings (seats
//! or 1:1 slots, registrations with a waiting list), and each person's calendar feed token.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    CalendarToken,
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
enum SourcingCalls {
    Table,
    Id,
    PlanId,
    Title,
    Intro,
    Status,
    Deadline,
    Summary,
    SummaryHtml,
    OpenedAt,
    PublishedAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SourcingQuestions {
    Table,
    Id,
    CallId,
    Position,
    Kind,
    Label,
    Choices,
    Required,
}

#[derive(DeriveIden)]
enum SourcingResponses {
    Table,
    Id,
    CallId,
    OrganisationId,
    SubmittedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SourcingAnswers {
    Table,
    Id,
    ResponseId,
    QuestionId,
    Value,
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    PlanId,
    Title,
    Description,
    StartsAt,
    EndsAt,
    Place,
    OnlineUrl,
    Capacity,
    SlotMinutes,
    RegistrationDeadline,
    CancelledAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MeetingRegistrations {
    Table,
    Id,
    MeetingId,
    OrganisationId,
    UserId,
    Status,
    Slot,
    CreatedAt,
    UpdatedAt,
    RemindedAt,
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
                    .table(SourcingCalls::Table)
                    .col(pk_auto(SourcingCalls::Id))
                    .col(integer(SourcingCalls::PlanId))
                    .col(string_len(SourcingCalls::Title, 200))
                    .col(text(SourcingCalls::Intro).default(""))
                    .col(string_len(SourcingCalls::Status, 16))
                    .col(timestamp_with_time_zone(SourcingCalls::Deadline))
                    // The summary as the buyer wrote it (Markdown) and as it is shown (cleaned).
                    .col(text(SourcingCalls::Summary).default(""))
                    .col(text(SourcingCalls::SummaryHtml).default(""))
                    .col(timestamp_with_time_zone_null(SourcingCalls::OpenedAt))
                    .col(timestamp_with_time_zone_null(SourcingCalls::PublishedAt))
                    .col(integer_null(SourcingCalls::CreatedBy))
                    .col(timestamp_with_time_zone(SourcingCalls::CreatedAt))
                    .foreign_key(&mut fk(
                        (SourcingCalls::Table, SourcingCalls::PlanId),
                        (Plans::Table, Plans::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (SourcingCalls::Table, SourcingCalls::CreatedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sourcing_calls_plan")
                    .table(SourcingCalls::Table)
                    .col(SourcingCalls::PlanId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SourcingQuestions::Table)
                    .col(pk_auto(SourcingQuestions::Id))
                    .col(integer(SourcingQuestions::CallId))
                    .col(integer(SourcingQuestions::Position))
                    .col(string_len(SourcingQuestions::Kind, 16))
                    .col(string_len(SourcingQuestions::Label, 500))
                    // A choice's options, one a line.
                    .col(text(SourcingQuestions::Choices).default(""))
                    .col(boolean(SourcingQuestions::Required).default(false))
                    .foreign_key(&mut fk(
                        (SourcingQuestions::Table, SourcingQuestions::CallId),
                        (SourcingCalls::Table, SourcingCalls::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SourcingResponses::Table)
                    .col(pk_auto(SourcingResponses::Id))
                    .col(integer(SourcingResponses::CallId))
                    .col(integer(SourcingResponses::OrganisationId))
                    .col(integer_null(SourcingResponses::SubmittedBy))
                    .col(timestamp_with_time_zone(SourcingResponses::CreatedAt))
                    .col(timestamp_with_time_zone(SourcingResponses::UpdatedAt))
                    .foreign_key(&mut fk(
                        (SourcingResponses::Table, SourcingResponses::CallId),
                        (SourcingCalls::Table, SourcingCalls::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (SourcingResponses::Table, SourcingResponses::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (SourcingResponses::Table, SourcingResponses::SubmittedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // One response a firm and call: a second submission updates it.
        manager
            .create_index(
                Index::create()
                    .name("idx_sourcing_responses_firm")
                    .table(SourcingResponses::Table)
                    .col(SourcingResponses::CallId)
                    .col(SourcingResponses::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SourcingAnswers::Table)
                    .col(pk_auto(SourcingAnswers::Id))
                    .col(integer(SourcingAnswers::ResponseId))
                    .col(integer(SourcingAnswers::QuestionId))
                    .col(text(SourcingAnswers::Value))
                    .foreign_key(&mut fk(
                        (SourcingAnswers::Table, SourcingAnswers::ResponseId),
                        (SourcingResponses::Table, SourcingResponses::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (SourcingAnswers::Table, SourcingAnswers::QuestionId),
                        (SourcingQuestions::Table, SourcingQuestions::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sourcing_answers_response")
                    .table(SourcingAnswers::Table)
                    .col(SourcingAnswers::ResponseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Meetings::Table)
                    .col(pk_auto(Meetings::Id))
                    .col(integer(Meetings::PlanId))
                    .col(string_len(Meetings::Title, 200))
                    .col(text(Meetings::Description).default(""))
                    .col(timestamp_with_time_zone(Meetings::StartsAt))
                    .col(timestamp_with_time_zone(Meetings::EndsAt))
                    .col(string_len_null(Meetings::Place, 300))
                    .col(string_len_null(Meetings::OnlineUrl, 500))
                    // Seats; with slots, the number of slots (one firm each).
                    .col(integer(Meetings::Capacity))
                    .col(integer_null(Meetings::SlotMinutes))
                    .col(timestamp_with_time_zone(Meetings::RegistrationDeadline))
                    .col(timestamp_with_time_zone_null(Meetings::CancelledAt))
                    .col(integer_null(Meetings::CreatedBy))
                    .col(timestamp_with_time_zone(Meetings::CreatedAt))
                    .foreign_key(&mut fk(
                        (Meetings::Table, Meetings::PlanId),
                        (Plans::Table, Plans::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Meetings::Table, Meetings::CreatedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_meetings_starts")
                    .table(Meetings::Table)
                    .col(Meetings::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MeetingRegistrations::Table)
                    .col(pk_auto(MeetingRegistrations::Id))
                    .col(integer(MeetingRegistrations::MeetingId))
                    .col(integer(MeetingRegistrations::OrganisationId))
                    .col(integer_null(MeetingRegistrations::UserId))
                    .col(string_len(MeetingRegistrations::Status, 16))
                    // The slot of a confirmed registration in a slotted meeting; else NULL.
                    .col(integer_null(MeetingRegistrations::Slot))
                    .col(timestamp_with_time_zone(MeetingRegistrations::CreatedAt))
                    .col(timestamp_with_time_zone(MeetingRegistrations::UpdatedAt))
                    .col(timestamp_with_time_zone_null(
                        MeetingRegistrations::RemindedAt,
                    ))
                    .foreign_key(&mut fk(
                        (MeetingRegistrations::Table, MeetingRegistrations::MeetingId),
                        (Meetings::Table, Meetings::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (
                            MeetingRegistrations::Table,
                            MeetingRegistrations::OrganisationId,
                        ),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (MeetingRegistrations::Table, MeetingRegistrations::UserId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // A slot holds one firm, whatever races: the database refuses a second (NULLs — seats,
        // waiting, cancelled — are distinct on SQLite and PostgreSQL alike).
        manager
            .create_index(
                Index::create()
                    .name("idx_meeting_registrations_slot")
                    .table(MeetingRegistrations::Table)
                    .col(MeetingRegistrations::MeetingId)
                    .col(MeetingRegistrations::Slot)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_meeting_registrations_org")
                    .table(MeetingRegistrations::Table)
                    .col(MeetingRegistrations::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::CalendarToken, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_calendar_token")
                    .table(Users::Table)
                    .col(Users::CalendarToken)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            MeetingRegistrations::Table.into_iden(),
            Meetings::Table.into_iden(),
            SourcingAnswers::Table.into_iden(),
            SourcingResponses::Table.into_iden(),
            SourcingQuestions::Table.into_iden(),
            SourcingCalls::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_users_calendar_token")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::CalendarToken)
                    .to_owned(),
            )
            .await
    }
}
