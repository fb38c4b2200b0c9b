//! The search outbox as the index reads it: rows after a position, the documents they name, and
//! the pruning of rows every instance has read.

use super::*;

/// How long outbox rows are kept: an instance stopped for longer rebuilds its index at start
/// (its mark is below what was pruned) instead of following.
pub const OUTBOX_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// Outbox rows deleted per transaction (a pruning never holds the write lock for long).
pub(super) const PRUNE_STEP: i64 = 50_000;

/// Ids of the database rows of a kind, above `after`, in order, and the last of them.
pub(super) async fn ids_after(
    kind: &str,
    db: &DatabaseConnection,
    after: i32,
    limit: u64,
) -> Result<(Vec<i32>, Option<i32>), DbErr> {
    match kind {
        contracts::KIND => contracts::ids_after(db, after, limit).await,
        orgs::KIND => orgs::ids_after(db, after, limit).await,
        _ => offers::ids_after(db, after, limit).await,
    }
}

/// The documents of rows of a kind (`None`: the row has no document, or no longer exists).
pub(super) async fn documents(
    kind: &str,
    db: &DatabaseConnection,
    fields: &Fields,
    ids: &[i32],
) -> Result<Vec<(String, Option<TantivyDocument>)>, DbErr> {
    match kind {
        contracts::KIND => contracts::documents(db, fields, ids).await,
        orgs::KIND => orgs::documents(db, fields, ids).await,
        _ => offers::documents(db, fields, ids).await,
    }
}

/// number of rows deleted.
pub async fn prune_outbox(
    db: &DatabaseConnection,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    use crate::server::infra::entities::search_outbox_state as state;
    use sea_orm::sea_query::OnConflict;
    use sea_orm::ActiveValue::Set;
    // Ids grow with time: the last row old enough bounds what goes.
    let Some(upto) = search_outbox::Entity::find()
        .select_only()
        .column_as(search_outbox::Column::Id.max(), "m")
        .filter(search_outbox::Column::CreatedAt.lt(before))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
    else {
        return Ok(0);
    };
    let mut from = pruned_up_to(db).await?;
    let mut deleted = 0;
    while from < upto {
        let to = (from + PRUNE_STEP).min(upto);
        let txn = crate::server::infra::db::begin_write(db).await?;
        deleted += search_outbox::Entity::delete_many()
            .filter(search_outbox::Column::Id.lte(to))
            .exec(&txn)
            .await?
            .rows_affected;
        // The rows and the record of their removal go together.
        state::Entity::insert(state::ActiveModel {
            id: Set(1),
            pruned_up_to: Set(to),
            pruned_at: Set(chrono::Utc::now()),
        })
        .on_conflict(
            OnConflict::column(state::Column::Id)
                .update_columns([state::Column::PrunedUpTo, state::Column::PrunedAt])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        from = to;
    }
    Ok(deleted)
}

/// Every outbox id up to this one has been deleted (0: none).
pub(super) async fn pruned_up_to(db: &DatabaseConnection) -> Result<i64, DbErr> {
    use crate::server::infra::entities::search_outbox_state as state;
    Ok(state::Entity::find_by_id(1)
        .one(db)
        .await?
        .map(|s| s.pruned_up_to)
        .unwrap_or(0))
}

/// The highest outbox id the database has written: its last row, or what was pruned when
/// pruning took every row.
pub(super) async fn max_outbox_id(db: &DatabaseConnection) -> Result<i64, DbErr> {
    let last = search_outbox::Entity::find()
        .select_only()
        .column_as(search_outbox::Column::Id.max(), "m")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0);
    Ok(last.max(pruned_up_to(db).await?))
}

pub(super) fn payload(index: &Index) -> Payload {
    index
        .load_metas()
        .ok()
        .and_then(|m| m.payload)
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default()
}
