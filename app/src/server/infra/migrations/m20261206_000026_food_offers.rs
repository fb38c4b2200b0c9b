//! Food offers say when and where (issue 23): the months a product is available in, the unit it
//! is sold in, the days it is delivered, and whether its business receives the quick
//! consultations for it by email. Their signs of quality go in `offer_labels` with the others.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Offers {
    Table,
    /// The months' bits (January bit 0); null: never said, read as all year.
    Season,
    /// `domain::food::Unit`
    Unit,
    /// The days' bits (Monday bit 0); null or 0: not said.
    DeliveryDays,
    QuoteAlerts,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one change at a time.
        let columns = [
            integer_null(Offers::Season),
            string_len_null(Offers::Unit, 16),
            small_integer_null(Offers::DeliveryDays),
            boolean(Offers::QuoteAlerts).default(true).to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Offers::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Offers::Season,
            Offers::Unit,
            Offers::DeliveryDays,
            Offers::QuoteAlerts,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Offers::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
