//! Buyers buying together (issue 24): a planned procurement opened as a groupement de
//! commandes (its convention and the last day to join), the buyers who ask to join it, and
//! each one's part per lot.

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
enum Plans {
    Table,
    Id,
    /// What the convention will say; null: not open to other buyers.
    JointConvention,
    /// The last day (Paris) another buyer may join or withdraw.
    JointDeadline,
}

#[derive(DeriveIden)]
enum PlanLots {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PlanCoBuyers {
    Table,
    Id,
    PlanId,
    BuyerId,
    /// asked, accepted, refused, withdrawn.
    Status,
    Contact,
    /// INSEE codes of the delivery/execution communes, comma-separated.
    Communes,
    /// The member's note to the coordinator: never public.
    Note,
    /// The coordinator's reason, when refused.
    Reason,
    AskedBy,
    CreatedAt,
    UpdatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum PlanCoBuyerParts {
    Table,
    Id,
    CoBuyerId,
    /// Null: the whole procurement (it has no lots).
    LotId,
    /// Euros excluding VAT.
    Amount,
    Quantity,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .add_column(text_null(Plans::JointConvention))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .add_column(date_null(Plans::JointDeadline))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanCoBuyers::Table)
                    .col(pk_auto(PlanCoBuyers::Id))
                    .col(integer(PlanCoBuyers::PlanId))
                    .col(integer(PlanCoBuyers::BuyerId))
                    .col(string_len(PlanCoBuyers::Status, 16))
                    .col(string_len(PlanCoBuyers::Contact, 300))
                    .col(text(PlanCoBuyers::Communes))
                    .col(text_null(PlanCoBuyers::Note))
                    .col(text_null(PlanCoBuyers::Reason))
                    .col(integer_null(PlanCoBuyers::AskedBy))
                    .col(timestamp_with_time_zone(PlanCoBuyers::CreatedAt))
                    .col(timestamp_with_time_zone(PlanCoBuyers::UpdatedAt))
                    .col(timestamp_with_time_zone_null(PlanCoBuyers::DecidedAt))
                    .foreign_key(&mut fk(
                        (PlanCoBuyers::Table, PlanCoBuyers::PlanId),
                        (Plans::Table, Plans::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PlanCoBuyers::Table, PlanCoBuyers::BuyerId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PlanCoBuyers::Table, PlanCoBuyers::AskedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_co_buyers_plan_buyer")
                    .table(PlanCoBuyers::Table)
                    .col(PlanCoBuyers::PlanId)
                    .col(PlanCoBuyers::BuyerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_co_buyers_buyer")
                    .table(PlanCoBuyers::Table)
                    .col(PlanCoBuyers::BuyerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanCoBuyerParts::Table)
                    .col(pk_auto(PlanCoBuyerParts::Id))
                    .col(integer(PlanCoBuyerParts::CoBuyerId))
                    .col(integer_null(PlanCoBuyerParts::LotId))
                    .col(big_integer(PlanCoBuyerParts::Amount))
                    .col(string_len(PlanCoBuyerParts::Quantity, 200))
                    .foreign_key(&mut fk(
                        (PlanCoBuyerParts::Table, PlanCoBuyerParts::CoBuyerId),
                        (PlanCoBuyers::Table, PlanCoBuyers::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PlanCoBuyerParts::Table, PlanCoBuyerParts::LotId),
                        (PlanLots::Table, PlanLots::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_co_buyer_parts_co_buyer")
                    .table(PlanCoBuyerParts::Table)
                    .col(PlanCoBuyerParts::CoBuyerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            PlanCoBuyerParts::Table.into_iden(),
            PlanCoBuyers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .drop_column(Plans::JointDeadline)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .drop_column(Plans::JointConvention)
                    .to_owned(),
            )
            .await
    }
}
