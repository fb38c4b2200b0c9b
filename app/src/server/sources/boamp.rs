//! BOAMP notices through the DILA's open-data API (Opendatasoft "records" endpoint, the
//! source's address): the notices published since the last run (its cursor, the last
//! publication day read; 30 days back the first time) in the source's departments, page by
//! page, oldest first; kept when their buyer is among the source's SIRETs (all of them when it
//! lists none). Each is stored once (by its idweb) and applied to the programming
//! (`server::notices`).

use super::fetch::{Fetched, Sink, Validators};
use super::{Outcome, Runner};
use crate::domain::boamp;
use crate::domain::sources::{split, RunStatus};
use crate::server::infra::entities::sources;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

/// Records asked for per page (the API's largest).
pub const PAGE: u64 = 100;
/// Pages read per run at most: 5 000 notices (the API serves 10 000 deep).
pub const MAX_PAGES: u64 = 50;
/// How far back the first run reads.
pub const FIRST_DAYS: i64 = 30;

/// The address of page `offset` of the notices published since `since` in `departments`.
pub fn page_url(
    base: &str,
    since: NaiveDate,
    departments: &[String],
    offset: u64,
) -> Result<String, String> {
    let mut url = reqwest::Url::parse(base).map_err(|e| e.to_string())?;
    let mut filter = format!("dateparution >= date'{}'", since.format("%Y-%m-%d"));
    if !departments.is_empty() {
        let any: Vec<String> = departments
            .iter()
            .map(|d| format!("code_departement = \"{d}\""))
            .collect();
        filter.push_str(&format!(" and ({})", any.join(" or ")));
    }
    url.query_pairs_mut()
        .append_pair("where", &filter)
        .append_pair("order_by", "dateparution, idweb")
        .append_pair("limit", &PAGE.to_string())
        .append_pair("offset", &offset.to_string());
    Ok(url.to_string())
}

pub async fn run(db: &DatabaseConnection, runner: &Runner, source: &sources::Model) -> Outcome {
    let today = chrono::Utc::now().date_naive();
    let since = source
        .cursor
        .as_deref()
        .and_then(|c| NaiveDate::parse_from_str(c, "%Y-%m-%d").ok())
        .unwrap_or(today - chrono::Duration::days(FIRST_DAYS));
    let departments = split(&source.departments);
    let buyers = split(&source.sirets);
    let mut outcome = Outcome {
        status: Some(RunStatus::Done),
        ..Default::default()
    };
    let mut latest = since;
    let mut offset = 0;
    for _ in 0..MAX_PAGES {
        let url = match page_url(&source.url, since, &departments, offset) {
            Ok(u) => u,
            Err(e) => return Outcome::failed(0, "sources.error.url", e),
        };
        let mut body = Vec::new();
        let (fetched, attempts) = runner
            .fetcher
            .fetch(
                &url,
                &Validators::default(),
                &mut Sink::Memory(&mut body),
                &|_, _| {},
            )
            .await;
        outcome.attempts = outcome.attempts.max(attempts as i32);
        match fetched {
            Ok(Fetched::Body { bytes, .. }) => outcome.bytes += bytes as i64,
            // Never asked conditionally: a 304 would be the publisher's mistake.
            Ok(Fetched::NotModified) => break,
            Err(e) => return outcome.failing(attempts, e.key(), e.to_string()),
        }
        let text = String::from_utf8_lossy(&body);
        let page = match boamp::read_page(&text) {
            Ok(p) => p,
            Err(e) => return outcome.failing(attempts, "sources.error.format", e.to_string()),
        };
        for w in page.warnings {
            outcome.report.warn(w);
        }
        outcome.rejected += page.rejections.len() as i32;
        for r in page.rejections {
            outcome.report.reject(r);
        }
        outcome.fetched += page.records as i32;
        for n in &page.notices {
            if !buyers.is_empty() && !n.buyer_siret.as_ref().is_some_and(|s| buyers.contains(s)) {
                continue;
            }
            if let Err(e) = super::store_notice(db, runner, source, "boamp", n, &mut outcome).await
            {
                tracing::error!(
                    "source {}: storing notice {}: {e}",
                    source.name,
                    n.notice_id
                );
                return outcome.failing(attempts, "import.error.database", "");
            }
            if let Some(d) = n.published_on.filter(|d| *d > latest && *d <= today) {
                latest = d;
            }
        }
        offset += page.records as u64;
        let done = page.records == 0
            || page.total.is_some_and(|t| offset >= t)
            || (page.total.is_none() && (page.records as u64) < PAGE);
        if done {
            break;
        }
    }
    // The last day read is read again next time: notices published later that day come then.
    outcome.cursor = Some(latest.format("%Y-%m-%d").to_string());
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_asks_for_the_days_since_the_cursor_in_the_departments() {
        let url = page_url(
            "https://boamp-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/boamp/records",
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            &["69".into(), "01".into()],
            200,
        )
        .unwrap();
        let parsed = reqwest::Url::parse(&url).unwrap();
        let pairs: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(
            pairs["where"],
            "dateparution >= date'2026-12-01' and (code_departement = \"69\" or code_departement = \"01\")"
        );
        assert_eq!(pairs["offset"], "200");
        assert_eq!(pairs["limit"], "100");
        assert!(page_url("pas une adresse", NaiveDate::MIN, &[], 0).is_err());
    }
}
