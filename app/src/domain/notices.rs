//! Notices of the tender portals (BOAMP, TED) as Passerelle keeps them: who buys, what, by
//! when, where to answer, the lots, and for an award its awardees. Readers turn each portal's
//! records into a [`Notice`] and say what they had to guess (warnings) or could not read
//! (rejections): real files are dirtier than the documentation.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// What a notice announces.
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
pub enum NoticeKind {
    /// A call for tenders: firms may answer until the deadline.
    Contract,
    /// The contract was awarded.
    Award,
    /// A correction or modification of an earlier notice.
    Modification,
    /// A prior information notice.
    Prior,
    /// The procedure was cancelled.
    Cancellation,
    Other,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        s.parse().ok()
    }

    pub fn label_key(self) -> String {
        format!("notices.kind.{}", self.as_str())
    }
}

/// A lot of a notice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLot {
    pub title: String,
    pub cpv: Vec<String>,
}

/// An awardee named by an award notice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeAwardee {
    pub name: String,
    pub siret: Option<String>,
}

/// A notice as read from its portal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notice {
    /// The portal's own identifier (BOAMP's idweb, TED's publication number), or one derived
    /// from the content when the portal left it empty.
    pub notice_id: String,
    pub kind: Option<NoticeKind>,
    pub buyer_name: String,
    pub buyer_siret: Option<String>,
    pub title: String,
    pub cpv: Vec<String>,
    pub departments: Vec<String>,
    pub published_on: Option<NaiveDate>,
    /// When answers are due, on a clock in Paris as the portals write it.
    pub deadline: Option<NaiveDateTime>,
    pub url: Option<String>,
    pub lots: Vec<NoticeLot>,
    pub awardees: Vec<NoticeAwardee>,
    /// The notice this one follows (the call an award or a correction is about).
    pub follows: Option<String>,
    /// Euros, excluding VAT, when the notice gives it.
    pub estimate: Option<i64>,
}

/// A call for tenders as "Consultations en cours" and a plan's page show it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallView {
    pub id: i32,
    pub origin: String,
    pub notice_id: String,
    pub kind: Option<NoticeKind>,
    pub title: String,
    pub buyer_name: String,
    /// The buyer's profile in the directory, when it is on Passerelle.
    pub buyer_org_id: Option<i32>,
    /// "15/01/2027 13:00".
    pub deadline: Option<String>,
    pub published_on: Option<String>,
    pub url: Option<String>,
    pub lots: Vec<NoticeLot>,
    /// (code, label).
    pub cpv: Vec<(String, String)>,
    pub departments: Vec<String>,
    /// Firms that signalled their interest.
    pub interested: u64,
    /// The caller's firms that did: (id, name).
    pub mine: Vec<(i32, String)>,
}

/// A page of "Consultations en cours".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallPage {
    pub rows: Vec<CallView>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// The caller's businesses, who may signal an interest: (id, name).
    pub my_firms: Vec<(i32, String)>,
    pub signed_in: bool,
}

/// Calls for tenders per page.
pub const PER_PAGE: u64 = 20;

/// What a plan's page shows of the portals' notices: the one that published it, and the one
/// proposed to its buyer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanNotices {
    pub published_by: Option<CallView>,
    /// For the buyer's members only.
    pub proposed: Option<CallView>,
    /// The notices that followed the call (corrections, cancellation, award), oldest first.
    pub later: Vec<NoticeLink>,
}

/// A notice named in a list: its kind, id, day and link.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLink {
    pub kind: Option<NoticeKind>,
    pub notice_id: String,
    /// "03/12/2026".
    pub published_on: Option<String>,
    pub url: Option<String>,
}

/// The most characters kept of a notice's texts.
pub const MAX_TITLE: usize = 500;

/// A JSON text with the tokens real publishers write but JSON does not allow (`NaN`,
/// `Infinity`, `-Infinity`, as Python's json module writes a missing number) replaced by
/// `null`, outside strings; and how many were. Everything else is left as it is, for the JSON
/// parser to judge.
pub fn tolerant_json(text: &str) -> (String, usize) {
    const TOKENS: [&str; 3] = ["-Infinity", "Infinity", "NaN"];
    let mut out = String::with_capacity(text.len());
    let mut replaced = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '"' {
            in_string = true;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        // A token only where a value starts: not inside a word.
        let after_word = out
            .chars()
            .last()
            .is_some_and(|p| p.is_ascii_alphanumeric() || p == '_');
        if !after_word {
            if let Some(t) = TOKENS.iter().find(|t| rest.starts_with(**t)) {
                let next = rest[t.len()..].chars().next();
                if !next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '_') {
                    out.push_str("null");
                    rest = &rest[t.len()..];
                    replaced += 1;
                    continue;
                }
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    (out, replaced)
}

/// A date at the start of `s` ("2026-12-07", "2026-12-07T12:00:00+01:00", "07/12/2026").
pub fn date_of(s: &str) -> Option<NaiveDate> {
    let head = s.trim().get(..10)?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(head, "%d/%m/%Y"))
        .ok()
}

/// A deadline: a date and time as the portals write them (ISO 8601, with or without offset,
/// read as written: the French portals give Paris time), or a date alone (noon that day is not
/// assumed: the end of the day is).
pub fn deadline_of(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&chrono_tz::Europe::Paris).naive_local());
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t);
        }
    }
    date_of(s).and_then(|d| d.and_hms_opt(23, 59, 0))
}

/// The 8 digits of a CPV code written with or without its check digit ("45210000-2").
pub fn cpv_of(s: &str) -> Option<String> {
    let digits: String = s
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (digits.len() == 8).then_some(digits)
}

/// Cuts a text to `max` characters, spaces collapsed.
pub fn clean(s: &str, max: usize) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}

/// The partner search a firm starts from a live call (`/groupements/nouvelle`), its form filled
/// with what the call says: `title` and `description` as the page words them, the call's CPV
/// codes. The form opens as if sent back to itself (`cpv_q`), so nothing is saved before the
/// firm reads and sends it.
pub fn partner_request_link(call: &CallView, title: &str, description: &str) -> String {
    let mut q = super::query::Writer::default();
    q.push("cpv_q", Some(String::new()));
    let title: String = title.chars().take(super::partners::MAX_TITLE).collect();
    q.push("form[title]", Some(title));
    let description: String = description
        .chars()
        .take(super::partners::MAX_DESCRIPTION)
        .collect();
    q.push("form[description]", Some(description));
    for (code, _) in &call.cpv {
        q.push("form[cpv][]", Some(code.clone()));
    }
    format!("/groupements/nouvelle?{}", q.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partner_search_opens_filled_with_the_call() {
        let call = CallView {
            title: "Repas & goûters".into(),
            cpv: vec![(
                "55523100".into(),
                "Services de restauration scolaire".into(),
            )],
            ..Default::default()
        };
        let link = partner_request_link(
            &call,
            "Partenaires pour « Repas & goûters »",
            &"x".repeat(9000),
        );
        assert!(link.starts_with("/groupements/nouvelle?cpv_q=&"), "{link}");
        let form: super::super::partners::RequestForm =
            crate::components::form::typed_form(link.split_once('?').unwrap().1, "cpv_q").unwrap();
        assert_eq!(form.title, "Partenaires pour « Repas & goûters »");
        assert_eq!(form.cpv.0, ["55523100"]);
        assert_eq!(
            form.description.chars().count(),
            super::super::partners::MAX_DESCRIPTION
        );
    }

    #[test]
    fn non_standard_number_tokens_become_null_outside_strings() {
        let (text, n) = tolerant_json(
            r#"{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN and Infinity", "d": "\"NaN", "NaNa": 1}"#,
        );
        assert_eq!(
            text,
            r#"{"a": null, "b": [null, null], "c": "NaN and Infinity", "d": "\"NaN", "NaNa": 1}"#
        );
        assert_eq!(n, 3);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(v["a"].is_null());
        // Not a token inside a word, nor a word starting with one.
        assert_eq!(tolerant_json("[NaNx, xNaN]").1, 0);
        assert_eq!(tolerant_json("{}"), ("{}".into(), 0));
        assert_eq!(tolerant_json("\"é\" NaN").0, "\"é\" null");
    }

    #[test]
    fn dates_and_deadlines_are_read_as_the_portals_write_them() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(date_of("2026-12-07"), Some(d(2026, 12, 7)));
        assert_eq!(date_of("07/12/2026"), Some(d(2026, 12, 7)));
        assert_eq!(date_of("2026-12-07T10:00:00+00:00"), Some(d(2026, 12, 7)));
        assert_eq!(date_of("demain"), None);
        // UTC noon is 13:00 in Paris in winter.
        assert_eq!(
            deadline_of("2027-01-15T12:00:00+00:00"),
            d(2027, 1, 15).and_hms_opt(13, 0, 0)
        );
        assert_eq!(
            deadline_of("2027-01-15T12:00:00"),
            d(2027, 1, 15).and_hms_opt(12, 0, 0)
        );
        assert_eq!(
            deadline_of("2027-01-15"),
            d(2027, 1, 15).and_hms_opt(23, 59, 0)
        );
        assert_eq!(deadline_of(""), None);
        assert_eq!(cpv_of("45210000-2").as_deref(), Some("45210000"));
        assert_eq!(cpv_of("4521"), None);
        assert_eq!(
            clean("  Réfection \n des   toitures ", 100),
            "Réfection des toitures"
        );
    }
}
