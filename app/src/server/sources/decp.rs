//! The State's consolidated DECP, fetched by address: the copy is written to a temporary file,
//! then read by the importer that reads uploaded files (any of the formats it knows, sniffed
//! from the content; every record merged by its uid, so a contract read again is updated, never
//! duplicated). The publisher's ETag and date are kept only once the copy is imported: a copy
//! that failed is fetched again next time, one that did not change is not read at all.

use super::{Outcome, Runner};
use crate::domain::decp::run::ImportStatus;
use crate::domain::sources::RunStatus;
use crate::server::imports::decp as importer;
use crate::server::infra::entities::{contract_sources, contracts, sources};
use crate::server::infra::search::SearchIndex;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

pub async fn run(
    db: &DatabaseConnection,
    search: Option<&SearchIndex>,
    runner: &Runner,
    source: &sources::Model,
    started_by: Option<i32>,
    progress: super::Progress<'_>,
) -> Outcome {
    let copy = match super::fetch_copy(runner, source, &|bytes, total| {
        progress(super::Stage::Fetching { bytes, total })
    })
    .await
    {
        Ok(c) => c,
        Err(ended) => return ended,
    };
    let (bytes, validators, attempts) = (copy.bytes, copy.validators, copy.attempts);
    let db_failed = |e: sea_orm::DbErr| {
        tracing::error!("source {}: {e}", source.name);
        Outcome::failed(attempts, "import.error.database", "")
    };
    let before = match contracts::Entity::find().count(db).await {
        Ok(n) => n,
        Err(e) => return db_failed(e),
    };
    let display = format!("{} — {}", source.name, source.url);
    let import = match importer::start(db, &display, bytes, started_by).await {
        Ok(run) => run,
        Err(e) => return db_failed(e),
    };
    let import =
        match importer::execute(db, search, import.id, copy.file.path(), &display, |_| {}).await {
            Ok(run) => run,
            Err(e) => return db_failed(e),
        };
    let after = contracts::Entity::find().count(db).await.unwrap_or(before);
    let created = after.saturating_sub(before) as i32;
    // The contracts this import wrote: the new ones and the others, updated (a tabular file
    // has a row per awardee, so rows are not contracts).
    let touched = contract_sources::Entity::find()
        .select_only()
        .column(contract_sources::Column::ContractId)
        .distinct()
        .filter(contract_sources::Column::ImportId.eq(import.id))
        .count(db)
        .await
        .unwrap_or(0) as i32;
    let mut outcome = Outcome {
        status: Some(RunStatus::Done),
        attempts: attempts as i32,
        bytes: bytes as i64,
        fetched: import.records,
        created,
        updated: (touched - created).max(0),
        rejected: import.rejected,
        import_id: Some(import.id),
        ..Default::default()
    };
    if import.warned > 0 {
        outcome.report.warn(format!(
            "{} enregistrement(s) importé(s) avec des avertissements (import n° {})",
            import.warned, import.id
        ));
    }
    if import.status == ImportStatus::Failed.as_str() {
        outcome.status = Some(RunStatus::Failed);
        outcome.error = Some((
            import
                .error
                .clone()
                .unwrap_or_else(|| "import.error.database".into()),
            import.error_detail.clone().unwrap_or_default(),
        ));
    } else {
        outcome.validators = Some(validators);
    }
    outcome
}
