//! What the pages show of an import run (a DTO: entities stay on the server).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportRun {
    pub id: i32,
    pub file_name: String,
    pub format: Option<String>,
    /// running, done, failed
    pub status: String,
    pub bytes_total: i64,
    pub bytes_read: i64,
    pub records: i32,
    pub accepted: i32,
    pub warned: i32,
    pub rejected: i32,
    /// (rejected?, reason key, count), most frequent first.
    pub reasons: Vec<(bool, String, i32)>,
    /// Why it failed, when it did.
    pub error: Option<RunFailure>,
    pub started_at: String,
    pub finished_at: Option<String>,
}

/// Where a run stands, as stored.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum ImportStatus {
    Running,
    Done,
    Failed,
}

/// Why a run failed. Stored as its key (`imports.error`) and, for a file that could not be read
/// on, what it said (`imports.error_detail`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunFailure {
    /// The file could not be read on: the reader's reason (an i18n key) and what it found.
    Read { key: String, detail: String },
    /// The database refused a write (the server's log says why).
    Database,
    /// The process stopped during the run: no batch committed for a while.
    Interrupted,
}

impl RunFailure {
    pub const DATABASE: &'static str = "import.error.database";
    pub const INTERRUPTED: &'static str = "import.error.interrupted";

    /// The i18n key of the reason, as stored.
    pub fn key(&self) -> &str {
        match self {
            RunFailure::Read { key, .. } => key,
            RunFailure::Database => Self::DATABASE,
            RunFailure::Interrupted => Self::INTERRUPTED,
        }
    }

    /// What the file said, as stored (none for the others).
    pub fn detail(&self) -> Option<&str> {
        match self {
            RunFailure::Read { detail, .. } if !detail.is_empty() => Some(detail),
            _ => None,
        }
    }

    /// The failure of stored columns.
    pub fn stored(key: &str, detail: Option<&str>) -> RunFailure {
        match key {
            Self::DATABASE => RunFailure::Database,
            Self::INTERRUPTED => RunFailure::Interrupted,
            key => RunFailure::Read {
                key: key.to_string(),
                detail: detail.unwrap_or_default().to_string(),
            },
        }
    }
}

impl ImportRun {
    /// Percentage of the file read, 0–100.
    pub fn percent(&self) -> u8 {
        if self.bytes_total <= 0 {
            return if self.is_running() { 0 } else { 100 };
        }
        ((self.bytes_read.clamp(0, self.bytes_total) * 100) / self.bytes_total) as u8
    }

    pub fn is_running(&self) -> bool {
        self.status == ImportStatus::Running.as_str()
    }
}

/// Parses the stored report (`{"rejected:key": n, "warning:key": n}`) into sorted rows.
pub fn reasons_of(report: &str) -> Vec<(bool, String, i32)> {
    let map: std::collections::BTreeMap<String, i32> =
        serde_json::from_str(report).unwrap_or_default();
    let mut rows: Vec<(bool, String, i32)> = map
        .into_iter()
        .map(|(k, n)| match k.split_once(':') {
            Some((kind, key)) => (kind == "rejected", key.to_string(), n),
            None => (false, k, n),
        })
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_sorted_by_count() {
        let rows = reasons_of(
            r#"{"warning:decp.problem.date": 3, "rejected:decp.problem.id_missing": 7}"#,
        );
        assert_eq!(rows[0], (true, "decp.problem.id_missing".into(), 7));
        assert_eq!(rows[1], (false, "decp.problem.date".into(), 3));
        assert!(reasons_of("pas du json").is_empty());
    }

    #[test]
    fn percent_is_bounded() {
        let mut r = ImportRun {
            id: 1,
            file_name: "f".into(),
            format: None,
            status: "running".into(),
            bytes_total: 200,
            bytes_read: 50,
            records: 0,
            accepted: 0,
            warned: 0,
            rejected: 0,
            reasons: vec![],
            error: None,
            started_at: String::new(),
            finished_at: None,
        };
        assert_eq!(r.percent(), 25);
        r.bytes_read = 900;
        assert_eq!(r.percent(), 100);
        r.bytes_total = 0;
        assert_eq!(r.percent(), 0);
    }
}

crate::domain::stored_form!(ImportStatus);
