//! Insertion hours worked after award: what the awardee (or the territory's facilitator)
//! records a month at a time and by type, what the facilitator validates, planned against
//! done, and when a contract is late on its hours.

use super::validate::Checker;
use crate::error::AppError;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The most hours one entry may hold (a month of a large site: 600 people full time).
pub const MAX_ENTRY: i64 = 100_000;
/// No alert before this many months of the contract have passed: hiring takes time.
pub const LATE_GRACE_MONTHS: u32 = 3;
/// The contract's length when the plan does not say it.
pub const DEFAULT_MONTHS: u32 = 12;

/// How the hours were worked: the four ways a clause is met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HourKind {
    /// Hired directly by the awardee.
    Direct,
    /// Temporary work through an ETTI.
    Etti,
    /// Subcontracted to (or co-contracted with) an SIAE.
    Siae,
    /// Training of people in insertion.
    Training,
}

impl HourKind {
    pub const ALL: [HourKind; 4] = [Self::Direct, Self::Etti, Self::Siae, Self::Training];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Etti => "etti",
            Self::Siae => "siae",
            Self::Training => "training",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_key(self) -> String {
        format!("insertion.hours.kind.{}", self.as_str())
    }
}

/// Hours as typed in the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursForm {
    /// A lot's id, or "" for the plan as a whole.
    #[serde(default)]
    pub lot: String,
    /// "2027-03" (a month input) or "03/2027".
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub hours: String,
}

/// Hours checked: a month that has begun, a type, a positive number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursInput {
    pub lot: Option<i32>,
    /// The first day of the month.
    pub period: NaiveDate,
    pub kind: HourKind,
    pub hours: i32,
}

/// The first day of the month of "2027-03", "03/2027" or "3/2027".
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let (y, m) = match (s.split_once('-'), s.split_once('/')) {
        (Some((y, m)), None) => (y, m),
        (None, Some((m, y))) => (y, m),
        _ => return None,
    };
    let (y, m) = (y.trim(), m.trim());
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

/// The first day of `day`'s month.
pub fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// "2027-03", what a month input holds.
pub fn month_input(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// "03/2027".
pub fn month_text(day: NaiveDate) -> String {
    day.format("%m/%Y").to_string()
}

impl HoursForm {
    /// Checks the form against today (Paris) and the plan's lots: no month to come, none before
    /// 2000, no negative or zero hours, a known type and lot.
    pub fn check(&self, today: NaiveDate, lots: &[i32]) -> Result<HoursInput, AppError> {
        let mut c = Checker::new();
        let period = match self.period.trim() {
            "" => {
                c.push("period", "validation.required");
                None
            }
            p => match parse_month(p) {
                None => {
                    c.push("period", "insertion.hours.bad_period");
                    None
                }
                Some(d) if d > month_of(today) => {
                    c.push("period", "insertion.hours.future_period");
                    None
                }
                Some(d) if d.year() < 2000 => {
                    c.push("period", "insertion.hours.bad_period");
                    None
                }
                Some(d) => Some(d),
            },
        };
        let kind = match self.kind.trim() {
            "" => {
                c.push("kind", "validation.required");
                None
            }
            k => {
                let v = HourKind::parse(k);
                if v.is_none() {
                    c.push("kind", "validation.unknown_choice");
                }
                v
            }
        };
        let hours = if self.hours.trim().starts_with('-') {
            c.push("hours", "insertion.hours.negative");
            None
        } else if self.hours.trim().is_empty() {
            c.push("hours", "validation.required");
            None
        } else {
            c.decimal("hours", &self.hours, 0, 1, MAX_ENTRY)
        };
        let lot = match self.lot.trim() {
            "" => None,
            l => {
                let v = l.parse::<i32>().ok().filter(|id| lots.contains(id));
                if v.is_none() {
                    c.push("lot", "validation.unknown_choice");
                }
                v
            }
        };
        c.finish()?;
        match (period, kind, hours) {
            (Some(period), Some(kind), Some(hours)) => Ok(HoursInput {
                lot,
                period,
                kind,
                hours: hours as i32,
            }),
            // `finish` refused the form if one of them was missing.
            _ => Err(AppError::field("hours", "validation.required")),
        }
    }
}

/// Whole months from `start` to `today` (0 before the first month is over).
pub fn months_between(start: NaiveDate, today: NaiveDate) -> u32 {
    if today <= start {
        return 0;
    }
    let m = (today.year() - start.year()) * 12 + today.month() as i32 - start.month() as i32;
    let m = if today.day() < start.day() { m - 1 } else { m };
    m.max(0) as u32
}

/// The hours expected by `today`: the planned hours pro rata of the contract's months passed
/// since `start` (all of them once its term is over).
pub fn expected(planned: i64, start: NaiveDate, months: Option<i32>, today: NaiveDate) -> i64 {
    let months = months
        .filter(|m| *m > 0)
        .map(|m| m as u32)
        .unwrap_or(DEFAULT_MONTHS);
    let passed = months_between(start, today).min(months);
    planned.max(0) * passed as i64 / months as i64
}

/// A contract is late on its hours when, `LATE_GRACE_MONTHS` at least after its start, the
/// hours validated are under half of those expected by now.
pub fn is_late(
    planned: i64,
    done: i64,
    start: NaiveDate,
    months: Option<i32>,
    today: NaiveDate,
) -> bool {
    planned > 0
        && months_between(start, today) >= LATE_GRACE_MONTHS
        && done * 2 < expected(planned, start, months, today)
}

/// "600 / 1 000 h".
pub fn progress_text(done: i64, planned: i64) -> String {
    format!(
        "{} / {}\u{a0}h",
        super::insertion::thousands(done),
        super::insertion::thousands(planned)
    )
}

/// What the caller is to a plan's hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HoursRole {
    /// Facilitates the plan's territory: records, validates, removes.
    Facilitator,
    /// A member of the awardee: records, removes what is not validated yet.
    Awardee,
    /// A member of the buyer: reads every entry.
    Buyer,
}

/// One entry of hours, as the plan's parties see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursEntry {
    pub id: i32,
    /// "03/2027".
    pub period: String,
    pub kind: HourKind,
    pub hours: i32,
    /// The lot's title; none: the plan as a whole.
    pub lot: Option<String>,
    /// None once the account is gone.
    pub recorded_by: Option<String>,
    /// "16/03/2027 14:30", Paris.
    pub recorded_at: String,
    /// (who, when) once validated.
    pub validated: Option<(Option<String>, String)>,
    pub can_validate: bool,
    pub can_remove: bool,
}

/// An awarded plan's insertion hours: the totals for everyone, the entries and the form for
/// its parties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursView {
    /// The clause's hours: the plan's and its lots'.
    pub planned: i64,
    /// Validated by the facilitator.
    pub done: i64,
    /// Recorded, waiting for validation.
    pub pending: i64,
    /// Validated hours by type, the four types in order.
    pub by_kind: Vec<(HourKind, i64)>,
    pub late: bool,
    /// None for the public.
    pub role: Option<HoursRole>,
    pub entries: Vec<HoursEntry>,
    /// The lots one may record hours on (id, title).
    pub lots: Vec<(i32, String)>,
    /// This month, "2027-03", the form's default and its upper bound.
    pub this_month: String,
    /// The awardees on Passerelle (id, name): the one the buyer named and those the linked
    /// contract names by SIRET.
    pub awardees: Vec<(i32, String)>,
}

impl HoursView {
    pub fn can_record(&self) -> bool {
        matches!(self.role, Some(HoursRole::Facilitator | HoursRole::Awardee))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn form(period: &str, kind: &str, hours: &str) -> HoursForm {
        HoursForm {
            lot: String::new(),
            period: period.into(),
            kind: kind.into(),
            hours: hours.into(),
        }
    }

    fn fields(r: Result<HoursInput, AppError>) -> Vec<(String, String)> {
        match r {
            Err(AppError::Invalid(e)) => e.into_iter().map(|e| (e.field, e.key)).collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn months_are_read_as_a_month_input_or_as_people_write_them() {
        assert_eq!(parse_month("2027-03"), Some(day(2027, 3, 1)));
        assert_eq!(parse_month(" 03/2027 "), Some(day(2027, 3, 1)));
        assert_eq!(parse_month("3/2027"), Some(day(2027, 3, 1)));
        assert_eq!(parse_month("2027-13"), None);
        assert_eq!(parse_month("27-03"), None);
        assert_eq!(parse_month("mars 2027"), None);
        assert_eq!(parse_month("2027-03-01"), None);
    }

    #[test]
    fn the_current_month_is_accepted_and_the_next_one_refused() {
        let today = day(2027, 3, 16);
        let ok = form("2027-03", "siae", "600").check(today, &[]).unwrap();
        assert_eq!(
            ok,
            HoursInput {
                lot: None,
                period: day(2027, 3, 1),
                kind: HourKind::Siae,
                hours: 600
            }
        );
        assert_eq!(
            fields(form("2027-04", "siae", "600").check(today, &[])),
            [(
                "period".to_string(),
                "insertion.hours.future_period".to_string()
            )]
        );
        assert_eq!(
            fields(form("1999-12", "siae", "600").check(today, &[])),
            [(
                "period".to_string(),
                "insertion.hours.bad_period".to_string()
            )]
        );
    }

    #[test]
    fn hours_are_positive_whole_numbers_of_a_known_type() {
        let today = day(2027, 3, 16);
        assert_eq!(
            fields(form("2027-02", "direct", "-35").check(today, &[])),
            [("hours".to_string(), "insertion.hours.negative".to_string())]
        );
        assert_eq!(
            fields(form("2027-02", "direct", "0").check(today, &[]))[0].1,
            "validation.range"
        );
        assert_eq!(
            fields(form("2027-02", "direct", "12,5").check(today, &[]))[0].1,
            "validation.decimals"
        );
        assert_eq!(
            fields(form("2027-02", "interim", "35").check(today, &[])),
            [("kind".to_string(), "validation.unknown_choice".to_string())]
        );
        assert_eq!(
            form("2027-02", "training", "1 200")
                .check(today, &[])
                .unwrap()
                .hours,
            1200
        );
        assert_eq!(fields(form("", "", "").check(today, &[])).len(), 3);
    }

    #[test]
    fn a_lot_must_be_one_of_the_plans() {
        let today = day(2027, 3, 16);
        let mut f = form("2027-02", "etti", "70");
        f.lot = "12".into();
        assert_eq!(f.check(today, &[12, 13]).unwrap().lot, Some(12));
        f.lot = "99".into();
        assert_eq!(
            fields(f.check(today, &[12, 13])),
            [("lot".to_string(), "validation.unknown_choice".to_string())]
        );
    }

    #[test]
    fn months_between_counts_whole_months_only() {
        assert_eq!(months_between(day(2027, 1, 15), day(2027, 1, 31)), 0);
        assert_eq!(months_between(day(2027, 1, 15), day(2027, 2, 14)), 0);
        assert_eq!(months_between(day(2027, 1, 15), day(2027, 2, 15)), 1);
        assert_eq!(months_between(day(2027, 1, 15), day(2028, 1, 15)), 12);
        assert_eq!(months_between(day(2027, 1, 15), day(2026, 1, 15)), 0);
    }

    #[test]
    fn the_expected_hours_follow_the_contracts_months() {
        let start = day(2027, 1, 1);
        // 1 000 h over 10 months: 100 h a month, capped at the term.
        assert_eq!(expected(1000, start, Some(10), day(2027, 4, 1)), 300);
        assert_eq!(expected(1000, start, Some(10), day(2029, 1, 1)), 1000);
        // No length known: a year.
        assert_eq!(expected(1200, start, None, day(2027, 7, 1)), 600);
    }

    #[test]
    fn late_means_under_half_of_the_expected_hours_after_three_months() {
        let start = day(2027, 1, 1);
        // Two months in: never late, however few hours.
        assert!(!is_late(1200, 0, start, Some(12), day(2027, 3, 1)));
        // Six months in, 600 h expected: 299 h is late, 300 h is not.
        assert!(is_late(1200, 299, start, Some(12), day(2027, 7, 1)));
        assert!(!is_late(1200, 300, start, Some(12), day(2027, 7, 1)));
        // Nothing planned: never late.
        assert!(!is_late(0, 0, start, Some(12), day(2028, 7, 1)));
    }

    #[test]
    fn progress_reads_done_over_planned() {
        assert_eq!(progress_text(600, 1000), "600 / 1\u{202f}000\u{a0}h");
    }
}
