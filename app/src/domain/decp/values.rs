//! Normalisers for the values found in real DECP files: amounts written as numbers or as French
//! strings, dates in several shapes and time zones, durations, CPV codes, identifiers and text.
//! Each returns either the clean value or a [`Problem`] that says, in words, what was wrong.

use chrono::{DateTime, NaiveDate};
use serde_json::Value;

/// What was wrong with one value. The key is an i18n key (`decp.problem.*`), the detail the
/// offending text as found (truncated), so a person can find it in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub key: &'static str,
    pub detail: String,
}

impl Problem {
    pub fn new(key: &'static str, found: &str) -> Problem {
        Problem {
            key,
            detail: shorten(found, 80),
        }
    }
}

/// Cuts a text to `max` characters for messages (a 10 MB string must not end up in a report).
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// A JSON value as found, for messages.
pub fn found(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => shorten(&other.to_string(), 80),
    }
}

/// An amount in euro cents. Accepts JSON numbers and strings such as "12 000,50", "12000.50",
/// "12.000,50 €", "1 234 567" (spaces, non-breaking spaces, thousands dots or commas).
/// Negative amounts are refused; amounts above 10^13 € are refused as absurd.
pub fn amount_cents(v: &Value) -> Result<Option<i64>, Problem> {
    let euros = match v {
        Value::Null => return Ok(None),
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| Problem::new("decp.problem.amount", &n.to_string()))?,
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => {
            parse_french_number(s).ok_or_else(|| Problem::new("decp.problem.amount", s))?
        }
        other => return Err(Problem::new("decp.problem.amount", &found(other))),
    };
    if !euros.is_finite() || euros < 0.0 {
        return Err(Problem::new("decp.problem.amount_negative", &found(v)));
    }
    if euros > 1e13 {
        return Err(Problem::new("decp.problem.amount_absurd", &found(v)));
    }
    Ok(Some((euros * 100.0).round() as i64))
}

/// "12 000,50" → 12000.5; "12.000,50" → 12000.5; "12,000.50" → 12000.5; "1.5" → 1.5.
fn parse_french_number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .trim()
        .trim_end_matches(['€', ' '])
        .trim_end_matches("EUR")
        .trim_end_matches("euros")
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    if cleaned.is_empty()
        || !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '+'))
    {
        return None;
    }
    let last_comma = cleaned.rfind(',');
    let last_dot = cleaned.rfind('.');
    let normalised = match (last_comma, last_dot) {
        // Both: the later one is the decimal separator.
        (Some(c), Some(d)) if c > d => cleaned.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => cleaned.replace(',', ""),
        // Only commas: one comma followed by exactly 3 digits and more than one comma group
        // is a thousands separator ("1,234,567"); otherwise a decimal comma ("12,5").
        (Some(_), None) if cleaned.matches(',').count() > 1 => cleaned.replace(',', ""),
        (Some(_), None) => cleaned.replace(',', "."),
        // Only dots: several dots are thousands separators ("1.234.567").
        (None, Some(_)) if cleaned.matches('.').count() > 1 => cleaned.replace('.', ""),
        _ => cleaned,
    };
    normalised.parse::<f64>().ok()
}

/// A date as published: "2019-01-15", "2019-01-15+01:00", "2019-01-15Z",
/// "2019-01-15T10:00:00+02:00", "2019-01-15 10:00:00", "15/01/2019", "2019/01/15", "20190115".
/// The calendar date as written is kept: a time zone never moves it to another day.
/// Years outside 1990–2100 are refused (typos like 2109 or 0219 are common).
pub fn date(v: &Value) -> Result<Option<NaiveDate>, Problem> {
    let s = match v {
        Value::Null => return Ok(None),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim(),
        other => return Err(Problem::new("decp.problem.date", &found(other))),
    };
    let parsed = parse_date(s).ok_or_else(|| Problem::new("decp.problem.date", s))?;
    if !(1990..=2100).contains(&chrono::Datelike::year(&parsed)) {
        return Err(Problem::new("decp.problem.date_range", s));
    }
    Ok(Some(parsed))
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    // The first 10 characters of an ISO date, whatever follows (+01:00, Z, T10:00, " 10:00").
    if s.len() >= 10 && s.is_char_boundary(10) {
        let (head, tail) = s.split_at(10);
        let tail_ok = tail.is_empty() || tail.starts_with(['+', '-', 'Z', 'T', ' ', 't', 'z']);
        if tail_ok {
            for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"] {
                if let Ok(d) = NaiveDate::parse_from_str(head, fmt) {
                    return Some(d);
                }
            }
        }
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    None
}

/// A duration in months: a number, or a string like "12", "12 mois", "12.0".
/// Zero is accepted (some contracts are executed at once); above 1200 months is refused.
pub fn months(v: &Value) -> Result<Option<i32>, Problem> {
    let n = match v {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s
            .trim()
            .trim_end_matches("mois")
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok(),
        _ => None,
    }
    .ok_or_else(|| Problem::new("decp.problem.duration", &found(v)))?;
    if !(0.0..=1200.0).contains(&n) {
        return Err(Problem::new("decp.problem.duration", &found(v)));
    }
    Ok(Some(n.round() as i32))
}

/// A non-negative count (offers received): a number or a numeric string.
pub fn count(v: &Value) -> Result<Option<i32>, Problem> {
    let n = match v {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_i64(),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if (0..=100_000).contains(&n) => Ok(Some(n as i32)),
        _ => Err(Problem::new("decp.problem.count", &found(v))),
    }
}

/// A boolean as published: true/false, "true"/"false", "oui"/"non", 1/0.
pub fn boolean(v: &Value) -> Result<Option<bool>, Problem> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) if n.as_i64() == Some(1) => Ok(Some(true)),
        Value::Number(n) if n.as_i64() == Some(0) => Ok(Some(false)),
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "" => Ok(None),
            "true" | "oui" | "vrai" | "1" => Ok(Some(true)),
            "false" | "non" | "faux" | "0" => Ok(Some(false)),
            _ => Err(Problem::new("decp.problem.boolean", s)),
        },
        other => Err(Problem::new("decp.problem.boolean", &found(other))),
    }
}

/// A text field: trimmed, inner whitespace collapsed, empty → None, at most `max` characters
/// (longer texts are cut, with a problem reported beside the value).
pub fn text(v: &Value, max: usize) -> (Option<String>, Option<Problem>) {
    let s = match v {
        Value::String(s) => s.as_str(),
        Value::Null => return (None, None),
        Value::Number(n) => return (Some(n.to_string()), None),
        other => return (None, Some(Problem::new("decp.problem.text", &found(other)))),
    };
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return (None, None);
    }
    if collapsed.chars().count() > max {
        let cut: String = collapsed.chars().take(max).collect();
        return (
            Some(cut),
            Some(Problem::new("decp.problem.too_long", &collapsed)),
        );
    }
    (Some(collapsed), None)
}

/// True when a text lost its accents at the source (U+FFFD replacement characters).
pub fn has_broken_accents(s: &str) -> bool {
    s.contains('\u{fffd}')
}

/// Digits of an identifier as published (a SIRET with spaces, a number in JSON).
pub fn identifier(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '\u{a0}' | '\u{202f}'))
        .collect();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Lower-cased, accents removed, apostrophes unified, whitespace collapsed: the key under which
/// vocabularies (procedures, natures…) are compared across formats and spellings.
pub fn vocabulary_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'œ' | 'Œ' => 'o',
            '’' | '`' | '\'' => ' ',
            '-' | '_' => ' ',
            c => c.to_ascii_lowercase(),
        };
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amounts_as_numbers_and_french_strings() {
        assert_eq!(amount_cents(&json!(26130)), Ok(Some(2_613_000)));
        assert_eq!(amount_cents(&json!(1234.567)), Ok(Some(123_457)));
        assert_eq!(amount_cents(&json!("12 000,50")), Ok(Some(1_200_050)));
        assert_eq!(
            amount_cents(&json!("12\u{a0}000,50 €")),
            Ok(Some(1_200_050))
        );
        assert_eq!(amount_cents(&json!("12.000,50")), Ok(Some(1_200_050)));
        assert_eq!(amount_cents(&json!("12,000.50")), Ok(Some(1_200_050)));
        assert_eq!(amount_cents(&json!("1.234.567")), Ok(Some(123_456_700)));
        assert_eq!(amount_cents(&json!("1 234 567")), Ok(Some(123_456_700)));
        assert_eq!(amount_cents(&json!("99.9")), Ok(Some(9_990)));
        assert_eq!(amount_cents(&json!("")), Ok(None));
        assert_eq!(amount_cents(&json!(null)), Ok(None));
        assert_eq!(
            amount_cents(&json!("douze euros")).unwrap_err().key,
            "decp.problem.amount"
        );
        assert_eq!(
            amount_cents(&json!(-5)).unwrap_err().key,
            "decp.problem.amount_negative"
        );
        assert_eq!(
            amount_cents(&json!(1e15)).unwrap_err().key,
            "decp.problem.amount_absurd"
        );
        assert_eq!(
            amount_cents(&json!([1])).unwrap_err().key,
            "decp.problem.amount"
        );
    }

    #[test]
    fn dates_in_their_real_shapes() {
        let d = |y, m, day| Ok(Some(NaiveDate::from_ymd_opt(y, m, day).unwrap()));
        assert_eq!(date(&json!("2019-01-15")), d(2019, 1, 15));
        assert_eq!(date(&json!("2019-01-15+01:00")), d(2019, 1, 15));
        // A time zone never moves the date to another day.
        assert_eq!(date(&json!("2019-01-15T23:30:00-05:00")), d(2019, 1, 15));
        assert_eq!(date(&json!("2019-01-15Z")), d(2019, 1, 15));
        assert_eq!(date(&json!("2019-01-15 10:00:00")), d(2019, 1, 15));
        assert_eq!(date(&json!("15/01/2019")), d(2019, 1, 15));
        assert_eq!(date(&json!("2019/01/15")), d(2019, 1, 15));
        assert_eq!(date(&json!("20190115")), d(2019, 1, 15));
        assert_eq!(date(&json!("")), Ok(None));
        assert_eq!(
            date(&json!("2019-02-30")).unwrap_err().key,
            "decp.problem.date"
        );
        assert_eq!(
            date(&json!("bientôt")).unwrap_err().key,
            "decp.problem.date"
        );
        assert_eq!(
            date(&json!("2109-01-15")).unwrap_err().key,
            "decp.problem.date_range"
        );
        assert_eq!(date(&json!(20190115)).unwrap_err().key, "decp.problem.date");
    }

    #[test]
    fn durations_and_counts() {
        assert_eq!(months(&json!(12)), Ok(Some(12)));
        assert_eq!(months(&json!("12 mois")), Ok(Some(12)));
        assert_eq!(months(&json!("1,5")), Ok(Some(2)));
        assert_eq!(months(&json!(0)), Ok(Some(0)));
        assert!(months(&json!(-1)).is_err());
        assert!(months(&json!(99999)).is_err());
        assert_eq!(count(&json!("3")), Ok(Some(3)));
        assert!(count(&json!(-3)).is_err());
        assert!(count(&json!("trois")).is_err());
    }

    #[test]
    fn booleans_as_published() {
        assert_eq!(boolean(&json!("oui")), Ok(Some(true)));
        assert_eq!(boolean(&json!(false)), Ok(Some(false)));
        assert_eq!(boolean(&json!(1)), Ok(Some(true)));
        assert!(boolean(&json!("peut-être")).is_err());
    }

    #[test]
    fn texts_are_collapsed_and_cut() {
        assert_eq!(
            text(&json!("  Travaux \n de  voirie "), 100),
            (Some("Travaux de voirie".into()), None)
        );
        assert_eq!(text(&json!("   "), 100), (None, None));
        let (cut, problem) = text(&json!("x".repeat(300)), 10);
        assert_eq!(cut.unwrap().len(), 10);
        assert_eq!(problem.unwrap().key, "decp.problem.too_long");
        // A huge string never lands whole in a message.
        let p = Problem::new("k", &"y".repeat(10_000_000));
        assert!(p.detail.chars().count() <= 81);
        assert!(has_broken_accents("Soci\u{fffd}t\u{fffd}"));
    }

    #[test]
    fn vocabulary_keys_ignore_case_accents_and_apostrophes() {
        assert_eq!(
            vocabulary_key("Appel d'offres ouvert"),
            "appel d offres ouvert"
        );
        assert_eq!(
            vocabulary_key("APPEL D’OFFRES  OUVERT"),
            "appel d offres ouvert"
        );
        assert_eq!(vocabulary_key("Procédure adaptée"), "procedure adaptee");
        assert_eq!(vocabulary_key("CODE POSTAL"), "code postal");
    }

    #[test]
    fn identifiers_lose_spaces() {
        assert_eq!(
            identifier(&json!("216 901 231 00011")).as_deref(),
            Some("21690123100011")
        );
        assert_eq!(
            identifier(&json!(21690123100011u64)).as_deref(),
            Some("21690123100011")
        );
        assert_eq!(identifier(&json!(null)), None);
    }
}
