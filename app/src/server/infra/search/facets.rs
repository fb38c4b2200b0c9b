//! What the capabilities' searches share: facet values with their labels, a flag's count, and
//! the failure of a query that reads the index and then the database.

use super::contracts::Counts;
use super::SearchError;
use crate::domain::contracts::FacetValue;
use sea_orm::DbErr;

/// Failure of a query over the index and the database.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl From<QueryError> for crate::error::AppError {
    fn from(e: QueryError) -> Self {
        tracing::error!("explorer query failed: {e}");
        crate::error::AppError::Internal
    }
}

/// Facet values with their labels, in the index's order.
pub fn facet(counts: Counts, labels: impl Fn(&str) -> Option<String>) -> Vec<FacetValue> {
    counts
        .into_iter()
        .map(|(value, count)| FacetValue {
            label: labels(&value),
            value,
            count,
        })
        .collect()
}

/// The count of documents whose flag is 1.
pub fn ones(counts: &Counts) -> u64 {
    counts
        .iter()
        .find(|(v, _)| v == "1")
        .map(|(_, n)| *n)
        .unwrap_or(0)
}
