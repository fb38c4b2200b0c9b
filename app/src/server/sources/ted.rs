//! TED notices through the EU's search API (`POST …/v3/notices/search`, the source's address):
//! the contract and award notices published since the last run (its cursor; 30 days back the
//! first time) for French buyers, in the source's departments (by their NUTS 3 codes), page by
//! page; each notice's eForms XML then fetched and read (`eforms_notice`), stored once by its
//! publication number, and applied to the programming like BOAMP's.

use super::fetch::{Fetched, Sink, Validators};
use super::{Outcome, Runner};
use crate::domain::sources::{split, RunStatus};
use crate::server::infra::entities::sources;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde_json::Value;

/// Notices asked for per page.
pub const PAGE: u64 = 100;
/// Pages read per run at most.
pub const MAX_PAGES: u64 = 20;
/// The most bytes of one notice's XML (real ones are 20–200 KB).
pub const MAX_XML: u64 = 5 << 20;

/// The NUTS 3 code of a department of Auvergne-Rhône-Alpes (NUTS 2021), the territory's
/// region; other departments are not mapped yet (the run says so).
pub fn nuts_of(department: &str) -> Option<&'static str> {
    Some(match department {
        "03" => "FRK11",
        "15" => "FRK12",
        "43" => "FRK13",
        "63" => "FRK14",
        "01" => "FRK21",
        "07" => "FRK22",
        "26" => "FRK23",
        "38" => "FRK24",
        "42" => "FRK25",
        "69" => "FRK26",
        "73" => "FRK27",
        "74" => "FRK28",
        _ => return None,
    })
}

/// The search's expert query: contract and award notices of French buyers published since
/// `since`, performed in `nuts` (anywhere when empty).
pub fn query(since: NaiveDate, nuts: &[&str]) -> String {
    let mut q = format!(
        "notice-type IN (cn-standard cn-social cn-desg can-standard can-social can-desg) AND buyer-country=FRA AND publication-date>={}",
        since.format("%Y%m%d")
    );
    if !nuts.is_empty() {
        q.push_str(&format!(
            " AND place-of-performance IN ({})",
            nuts.join(" ")
        ));
    }
    q
}

/// A notice found by the search: its publication number and its XML's address.
type Found = (String, Option<String>);

/// A page of the search: each notice found, and the total.
fn read_search(text: &str) -> Result<(Vec<Found>, Option<u64>), String> {
    let (text, _) = crate::domain::notices::tolerant_json(text);
    let root: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let list = root
        .get("notices")
        .and_then(Value::as_array)
        .ok_or("no list of notices")?;
    let total = root.get("totalNoticeCount").and_then(Value::as_u64);
    let mut out = Vec::new();
    for n in list {
        let Some(number) = n.get("publication-number").and_then(Value::as_str) else {
            continue;
        };
        let xml = n
            .pointer("/links/xml/MUL")
            .or_else(|| n.pointer("/links/xml/FRA"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|u| crate::domain::sources::valid_url(u));
        out.push((number.chars().take(100).collect(), xml));
    }
    Ok((out, total))
}

pub async fn run(db: &DatabaseConnection, runner: &Runner, source: &sources::Model) -> Outcome {
    let today = chrono::Utc::now().date_naive();
    let since = source
        .cursor
        .as_deref()
        .and_then(|c| NaiveDate::parse_from_str(c, "%Y-%m-%d").ok())
        .unwrap_or(today - chrono::Duration::days(super::boamp::FIRST_DAYS));
    let buyers = split(&source.sirets);
    let mut outcome = Outcome {
        status: Some(RunStatus::Done),
        ..Default::default()
    };
    let mut nuts = Vec::new();
    for d in split(&source.departments) {
        match nuts_of(&d) {
            Some(code) => nuts.push(code),
            None => outcome.report.warn(format!(
                "département {d} : pas de code NUTS connu, non filtré"
            )),
        }
    }
    let q = query(since, &nuts);
    let mut latest = since;
    for page in 1..=MAX_PAGES {
        let body = serde_json::json!({
            "query": q,
            "fields": ["publication-number", "links"],
            "page": page,
            "limit": PAGE,
            "paginationMode": "PAGE_NUMBER",
            "scope": "ALL",
        })
        .to_string();
        let mut answer = Vec::new();
        let (fetched, attempts) = runner
            .fetcher
            .post_json(&source.url, &body, &mut Sink::Memory(&mut answer))
            .await;
        outcome.attempts = outcome.attempts.max(attempts as i32);
        match fetched {
            Ok(Fetched::Body { bytes, .. }) => outcome.bytes += bytes as i64,
            Ok(Fetched::NotModified) => break,
            Err(e) => return outcome.failing(attempts, e.key(), e.to_string()),
        }
        let (found, total) = match read_search(&String::from_utf8_lossy(&answer)) {
            Ok(r) => r,
            Err(e) => return outcome.failing(attempts, "sources.error.format", e),
        };
        let count = found.len() as u64;
        for (number, xml) in found {
            outcome.fetched += 1;
            let Some(xml) = xml else {
                outcome.rejected += 1;
                outcome
                    .report
                    .reject(format!("{number} : pas d'adresse du XML"));
                continue;
            };
            let mut doc = Vec::new();
            let (got, _) = runner
                .fetcher
                .fetch(
                    &xml,
                    &Validators::default(),
                    &mut Sink::Memory(&mut doc),
                    &|_, _| {},
                )
                .await;
            if let Err(e) = got {
                outcome.rejected += 1;
                outcome
                    .report
                    .reject(format!("{number} : XML non lu ({e})"));
                continue;
            }
            if doc.len() as u64 > MAX_XML {
                outcome.rejected += 1;
                outcome.report.reject(format!("{number} : XML trop grand"));
                continue;
            }
            let mut n = match super::eforms_notice::read(&doc) {
                Ok(n) => n,
                Err(e) => {
                    outcome.rejected += 1;
                    outcome.report.reject(format!("{number} : {e}"));
                    continue;
                }
            };
            n.notice_id = number.clone();
            n.url = Some(format!("https://ted.europa.eu/fr/notice/-/detail/{number}"));
            if !buyers.is_empty() && !n.buyer_siret.as_ref().is_some_and(|s| buyers.contains(s)) {
                continue;
            }
            if let Err(e) = super::store_notice(db, runner, source, "ted", &n, &mut outcome).await {
                tracing::error!("source {}: storing notice {number}: {e}", source.name);
                return outcome.failing(attempts, "import.error.database", "");
            }
            if let Some(d) = n.published_on.filter(|d| *d > latest && *d <= today) {
                latest = d;
            }
        }
        let seen = (page - 1) * PAGE + count;
        if count == 0 || count < PAGE || total.is_some_and(|t| seen >= t) {
            break;
        }
    }
    outcome.cursor = Some(latest.format("%Y-%m-%d").to_string());
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_asks_for_french_calls_and_awards_since_the_cursor_where_performed() {
        let since = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let q = query(since, &[nuts_of("69").unwrap(), nuts_of("01").unwrap()]);
        assert!(q.contains("buyer-country=FRA"));
        assert!(q.contains("publication-date>=20261201"));
        assert!(q.ends_with("place-of-performance IN (FRK26 FRK21)"), "{q}");
        assert_eq!(nuts_of("75"), None);
    }

    #[test]
    fn a_search_page_gives_numbers_and_xml_addresses() {
        let (found, total) = read_search(
            r#"{"notices": [{"publication-number": "1-2026", "links": {"xml": {"MUL": "https://ted.europa.eu/en/notice/1-2026/xml"}}},
                            {"publication-number": "2-2026", "links": {}}, {"x": 1}], "totalNoticeCount": NaN}"#,
        )
        .unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].1.as_deref(),
            Some("https://ted.europa.eu/en/notice/1-2026/xml")
        );
        assert_eq!(found[1].1, None);
        assert_eq!(total, None);
        assert!(read_search("[]").is_err());
    }
}
