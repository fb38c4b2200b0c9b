//! An import run's failure as two columns: `error` keeps the reason's i18n key alone and
//! `error_detail` what the file said, where both were joined in one text ("key|detail").
//! Existing runs are split in place, so their pages read as before.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Imports {
    Table,
    Id,
    Error,
    ErrorDetail,
}

/// A joined failure read back: its key, and its detail (none when empty).
pub fn split(joined: &str) -> (String, Option<String>) {
    let (key, detail) = joined.split_once('|').unwrap_or((joined, ""));
    (
        key.to_string(),
        (!detail.is_empty()).then(|| detail.to_string()),
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Imports::Table)
                    .add_column(text_null(Imports::ErrorDetail))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let joined = db
            .query_all(
                &Query::select()
                    .columns([Imports::Id, Imports::Error])
                    .from(Imports::Table)
                    .and_where(Expr::col(Imports::Error).like("%|%"))
                    .to_owned(),
            )
            .await?;
        for row in joined {
            let id: i32 = row.try_get("", "id")?;
            let error: String = row.try_get("", "error")?;
            let (key, detail) = split(&error);
            db.execute(
                &Query::update()
                    .table(Imports::Table)
                    .values([
                        (Imports::Error, key.into()),
                        (Imports::ErrorDetail, detail.into()),
                    ])
                    .and_where(Expr::col(Imports::Id).eq(id))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let failed = db
            .query_all(
                &Query::select()
                    .columns([Imports::Id, Imports::Error, Imports::ErrorDetail])
                    .from(Imports::Table)
                    .and_where(Expr::col(Imports::Error).is_not_null())
                    .to_owned(),
            )
            .await?;
        for row in failed {
            let id: i32 = row.try_get("", "id")?;
            let key: String = row.try_get("", "error")?;
            let detail: Option<String> = row.try_get("", "error_detail")?;
            let joined = format!("{key}|{}", detail.unwrap_or_default());
            db.execute(
                &Query::update()
                    .table(Imports::Table)
                    .value(Imports::Error, joined)
                    .and_where(Expr::col(Imports::Id).eq(id))
                    .to_owned(),
            )
            .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Imports::Table)
                    .drop_column(Imports::ErrorDetail)
                    .to_owned(),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn a_joined_failure_splits_into_its_key_and_detail() {
        assert_eq!(
            split("import.error.xml|ligne 3 : balise non fermée"),
            (
                "import.error.xml".into(),
                Some("ligne 3 : balise non fermée".into())
            )
        );
        assert_eq!(
            split("import.error.database|"),
            ("import.error.database".into(), None)
        );
        // A detail that itself holds the separator keeps it.
        assert_eq!(split("k|a|b"), ("k".into(), Some("a|b".into())));
        assert_eq!(split("k"), ("k".into(), None));
    }
}
