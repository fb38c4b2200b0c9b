//! The portals Passerelle fetches by itself: what a source is (its kind, address, schedule, the
//! territory it reads), the rules of a run (retries with backoff, what ends a run), and what a
//! run reports. The fetching and the storing live in `server::sources`.

use serde::{Deserialize, Serialize};

/// What a source publishes, and so how it is read.
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
pub enum SourceKind {
    /// The State's consolidated DECP (the tabular CSV, or a JSON/XML file the importer reads).
    Decp,
    /// BOAMP notices: the JSON of its open-data API.
    Boamp,
    /// BOAMP notices: the XML of the DILA's archives (a daily tar.gz, or one XML file).
    BoampXml,
    /// TED notices: the EU's search API and the notices' eForms XML.
    Ted,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Decp,
        SourceKind::Boamp,
        SourceKind::BoampXml,
        SourceKind::Ted,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<SourceKind> {
        s.parse().ok()
    }

    pub fn label_key(self) -> String {
        format!("sources.kind.{}", self.as_str())
    }
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
pub enum RunStatus {
    Running,
    /// Read and stored.
    Done,
    /// The publisher said nothing changed since the last run (HTTP 304).
    Unchanged,
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<RunStatus> {
        s.parse().ok()
    }

    pub fn label_key(self) -> String {
        format!("sources.status.{}", self.as_str())
    }
}

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Trigger {
    Schedule,
    Admin,
    Cli,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The most warnings and rejections a run keeps word for word (the counts are always whole).
pub const MAX_KEPT: usize = 50;

/// What a run found, beyond its counts: the warnings and the reasons of the rejections, each
/// with what it was about (a notice's id, a line).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    pub warnings: Vec<String>,
    pub rejections: Vec<String>,
    /// How many of each were found, kept or not.
    pub warned: u32,
}

impl RunReport {
    pub fn warn(&mut self, what: impl Into<String>) {
        self.warned += 1;
        if self.warnings.len() < MAX_KEPT {
            self.warnings.push(what.into());
        }
    }

    pub fn reject(&mut self, what: impl Into<String>) {
        if self.rejections.len() < MAX_KEPT {
            self.rejections.push(what.into());
        }
    }
}

/// The most tries of one request: a network error, a timeout, a cut body, a 5xx or a 429 is
/// tried again after a pause that doubles; anything else ends the run at once.
pub const MAX_ATTEMPTS: u32 = 4;

/// The pause before try `attempt` (2, 3…) with a first pause of `base_ms`: doubling, at most
/// a minute.
pub fn backoff_ms(base_ms: u64, attempt: u32) -> u64 {
    let doublings = attempt.saturating_sub(2).min(16);
    base_ms.saturating_mul(1 << doublings).min(60_000)
}

/// Whether an HTTP status is worth asking again (the publisher is busy or broken for now).
pub fn retryable_status(status: u16) -> bool {
    status == 429 || status == 408 || (500..600).contains(&status)
}

/// The shortest and longest schedules, in minutes: a portal is not asked more than every
/// quarter hour, and at least once a month.
pub const MIN_EVERY: i32 = 15;
pub const MAX_EVERY: i32 = 31 * 24 * 60;

/// A source as the operator writes it (configuration file or admin form).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceForm {
    pub name: String,
    pub kind: String,
    pub url: String,
    /// Hours between runs ("24"); minutes are for the configuration file.
    pub every_hours: String,
    /// Departments, separated by commas or spaces ("69, 01").
    pub departments: String,
    /// SIRETs of the territory's buyers, separated by commas, spaces or lines.
    pub sirets: String,
}

/// A checked source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpec {
    pub name: String,
    pub kind: SourceKind,
    pub url: String,
    pub every_minutes: i32,
    pub departments: Vec<String>,
    pub sirets: Vec<String>,
}

/// What is wrong with a source's form: (field, i18n key).
pub type FormErrors = Vec<(&'static str, &'static str)>;

/// Splits a list typed by someone: commas, semicolons, spaces and lines separate.
fn items(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

impl SourceForm {
    /// The source, or every field's problem.
    pub fn check(&self) -> Result<SourceSpec, FormErrors> {
        let mut errors: FormErrors = Vec::new();
        let name = self.name.trim().to_lowercase();
        if name.is_empty()
            || name.len() > 40
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            errors.push(("name", "sources.error.name"));
        }
        let kind = SourceKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.push(("kind", "sources.error.kind"));
        }
        let url = self.url.trim().to_string();
        if !valid_url(&url) {
            errors.push(("url", "sources.error.url"));
        }
        let every_minutes = self
            .every_hours
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|h| h.is_finite())
            .map(|h| (h * 60.0).round() as i64)
            .filter(|m| (MIN_EVERY as i64..=MAX_EVERY as i64).contains(m));
        if every_minutes.is_none() {
            errors.push(("every_hours", "sources.error.every"));
        }
        let mut departments = Vec::new();
        for d in items(&self.departments) {
            match super::decp::record::normalise_departement(&d) {
                Some(d) if !departments.contains(&d) => departments.push(d),
                Some(_) => {}
                None => {
                    errors.push(("departments", "sources.error.department"));
                    break;
                }
            }
        }
        let mut sirets = Vec::new();
        // A SIRET is often typed in groups ("216 901 231 00011"): only commas, semicolons and
        // lines separate them.
        let typed = self
            .sirets
            .split([',', ';', '\n', '\r'])
            .map(str::trim)
            .filter(|s| !s.is_empty());
        for s in typed {
            match super::siret::Siret::parse(s) {
                Ok(s) if !sirets.contains(&s.to_string()) => sirets.push(s.to_string()),
                Ok(_) => {}
                Err(_) => {
                    errors.push(("sirets", "sources.error.siret"));
                    break;
                }
            }
        }
        match (kind, every_minutes) {
            (Some(kind), Some(every)) if errors.is_empty() => Ok(SourceSpec {
                name,
                kind,
                url,
                every_minutes: every as i32,
                departments,
                sirets,
            }),
            _ => Err(errors),
        }
    }
}

/// An address a source may be fetched from: http or https, a host, at most 2000 characters.
pub fn valid_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    url.len() <= 2000
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        && rest.is_some_and(|r| {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !host.contains('@')
        })
}

/// A list as stored (comma-separated).
pub fn join(items: &[String]) -> String {
    items.join(",")
}

/// A stored list.
pub fn split(stored: &str) -> Vec<String> {
    items(stored)
}

/// A stable identifier for a record its publisher left without one: a digest of what makes it
/// this record (buyer, date, object, awardee…), so that the same record read twice is the same
/// record, and two different ones differ. FNV-1a (64 bits): no dependency, stable across
/// versions and machines (std's hasher is neither).
pub fn derived_id(prefix: &str, parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.trim().to_lowercase().bytes().chain([0x1f]) {
            hash ^= b as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{prefix}{hash:016x}")
}

/// What the admin page shows of a source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceView {
    pub id: i32,
    pub name: String,
    pub kind: SourceKind,
    pub url: String,
    pub every_minutes: i32,
    /// Named: "Rhône (69)".
    pub departments: Vec<String>,
    pub sirets: usize,
    pub enabled: bool,
    pub from_config: bool,
    /// Running now (its lease is held).
    pub running: bool,
    pub next_run_at: String,
    pub last: Option<RunView>,
}

/// What the admin page shows of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub id: i32,
    pub trigger: String,
    pub started_by: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: RunStatus,
    pub attempts: i32,
    pub bytes: i64,
    pub fetched: i32,
    pub created: i32,
    pub updated: i32,
    pub rejected: i32,
    pub error: Option<String>,
    pub error_detail: Option<String>,
    pub report: RunReport,
    pub import_id: Option<i32>,
}

/// A run as the command line reports it (French, like the rest of the product): its status and
/// counts, then its warnings and rejections, then why it failed. `tr` gives a key's text.
pub fn report_text(name: &str, run: &RunView, tr: impl Fn(&str) -> String) -> String {
    let mut out = format!(
        "{name} — {} : {} lus, {} nouveaux, {} mis à jour, {} rejetés ({} essai(s), {} octets)",
        tr(&run.status.label_key()),
        run.fetched,
        run.created,
        run.updated,
        run.rejected,
        run.attempts,
        run.bytes
    );
    for w in &run.report.warnings {
        out.push_str(&format!("\n  avertissement : {w}"));
    }
    let more =
        run.report.warned as usize - run.report.warnings.len().min(run.report.warned as usize);
    if more > 0 {
        out.push_str(&format!("\n  … et {more} autres avertissements"));
    }
    for r in &run.report.rejections {
        out.push_str(&format!("\n  rejet : {r}"));
    }
    if let Some(key) = &run.error {
        out.push_str(&format!(
            "\n  ÉCHEC : {} {}",
            tr(key),
            run.error_detail.as_deref().unwrap_or_default()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SourceForm {
        SourceForm {
            name: "DECP".into(),
            kind: "decp".into(),
            url: "https://www.data.gouv.fr/fr/datasets/r/decp.csv".into(),
            every_hours: "24".into(),
            departments: "69, 01 69".into(),
            sirets: "21690123100011\n216 901 231 00011".into(),
        }
    }

    #[test]
    fn a_source_is_read_from_what_the_operator_types() {
        let s = form().check().unwrap();
        assert_eq!(s.name, "decp");
        assert_eq!(s.kind, SourceKind::Decp);
        assert_eq!(s.every_minutes, 24 * 60);
        // Repeats are dropped, spaces in a SIRET too.
        assert_eq!(s.departments, ["69", "01"]);
        assert_eq!(s.sirets, ["21690123100011"]);
        let half = SourceForm {
            every_hours: "0,5".into(),
            ..form()
        };
        assert_eq!(half.check().unwrap().every_minutes, 30);
    }

    #[test]
    fn each_wrong_field_is_named() {
        let bad = SourceForm {
            name: "a b".into(),
            kind: "ftp".into(),
            url: "file:///etc/passwd".into(),
            every_hours: "0.1".into(),
            departments: "99".into(),
            sirets: "12345678901234".into(),
        };
        let fields: Vec<&str> = bad.check().unwrap_err().iter().map(|e| e.0).collect();
        assert_eq!(
            fields,
            [
                "name",
                "kind",
                "url",
                "every_hours",
                "departments",
                "sirets"
            ]
        );
        for every in ["", "NaN", "inf", "-1", "1000"] {
            let f = SourceForm {
                every_hours: every.into(),
                ..form()
            };
            assert!(f.check().is_err(), "{every}");
        }
    }

    #[test]
    fn only_web_addresses_are_fetched() {
        assert!(valid_url("http://127.0.0.1:8080/decp.csv"));
        assert!(valid_url("https://boamp-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/boamp/records"));
        for bad in [
            "",
            "ftp://x/y",
            "https://",
            "https:///path",
            "https://user:pw@host/",
            "https://host/a b",
            "javascript:alert(1)",
        ] {
            assert!(!valid_url(bad), "{bad}");
        }
    }

    #[test]
    fn the_pause_doubles_up_to_a_minute() {
        assert_eq!(backoff_ms(500, 2), 500);
        assert_eq!(backoff_ms(500, 3), 1000);
        assert_eq!(backoff_ms(500, 4), 2000);
        assert_eq!(backoff_ms(500, 40), 60_000);
        assert!(retryable_status(503) && retryable_status(429));
        assert!(!retryable_status(404) && !retryable_status(304));
    }

    #[test]
    fn a_derived_id_is_stable_and_tells_records_apart() {
        let a = derived_id("x-", &["21690123100011", "2024-03-01", "Toiture", "Dupont"]);
        assert_eq!(
            a,
            derived_id(
                "x-",
                &["21690123100011 ", "2024-03-01", "TOITURE", "Dupont"]
            )
        );
        assert_ne!(
            a,
            derived_id("x-", &["21690123100011", "2024-03-01", "Toiture", "Durand"])
        );
        // Parts do not run into each other.
        assert_ne!(derived_id("", &["ab", "c"]), derived_id("", &["a", "bc"]));
        assert!(a.starts_with("x-") && a.len() == 18);
    }

    #[test]
    fn the_command_lines_report_says_counts_warnings_and_failure() {
        let mut report = RunReport::default();
        report.warn("avis 24-1 : nombre « NaN » lu comme absent");
        report.reject("avis sans objet");
        let run = RunView {
            id: 1,
            trigger: "cli".into(),
            started_by: None,
            started_at: String::new(),
            finished_at: None,
            status: RunStatus::Failed,
            attempts: 3,
            bytes: 10,
            fetched: 5,
            created: 2,
            updated: 1,
            rejected: 1,
            error: Some("sources.error.timeout".into()),
            error_detail: Some("timed out".into()),
            report,
            import_id: None,
        };
        let text = report_text("boamp", &run, |k| format!("<{k}>"));
        assert_eq!(
            text,
            "boamp — <sources.status.failed> : 5 lus, 2 nouveaux, 1 mis à jour, 1 rejetés (3 essai(s), 10 octets)\n  avertissement : avis 24-1 : nombre « NaN » lu comme absent\n  rejet : avis sans objet\n  ÉCHEC : <sources.error.timeout> timed out"
        );
    }

    #[test]
    fn a_report_keeps_fifty_of_each_and_counts_all() {
        let mut r = RunReport::default();
        for i in 0..60 {
            r.warn(format!("w{i}"));
            r.reject(format!("r{i}"));
        }
        assert_eq!(r.warnings.len(), MAX_KEPT);
        assert_eq!(r.rejections.len(), MAX_KEPT);
        assert_eq!(r.warned, 60);
    }
}
