//! The end-of-import report, as the CLI prints it (French, like the rest of the product).

use crate::i18n::{tr, Lang};
use crate::server::infra::entities::imports;
use std::collections::BTreeMap;

/// Counts per outcome, then per reason (most frequent first), then the error if any.
pub fn render_text(run: &imports::Model) -> String {
    let lang = Lang::Fr;
    let mut out = format!(
        "{} — {} : {} enregistrements, {} acceptés (dont {} avec avertissements), {} rejetés\n",
        run.file_name,
        run.format.as_deref().unwrap_or("?"),
        run.records,
        run.accepted,
        run.warned,
        run.rejected
    );
    let report: BTreeMap<String, i64> = serde_json::from_str(&run.report).unwrap_or_default();
    let mut reasons: Vec<(&String, &i64)> = report.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (key, count) in reasons {
        let (kind, reason) = key.split_once(':').unwrap_or(("", key));
        let kind = if kind == "rejected" {
            "rejet"
        } else {
            "avertissement"
        };
        out.push_str(&format!("  {count:>7}  {kind} : {}\n", tr(lang, reason)));
    }
    if let Some(key) = &run.error {
        let detail = run.error_detail.as_deref().unwrap_or_default();
        out.push_str(&format!("  ÉCHEC : {} {}\n", tr(lang, key), detail));
    }
    out.trim_end().to_string()
}
