//! The open data API's reading of a query string. The site reads its lists' URLs leniently (a
//! hand-edited value that cannot be right is dropped); a program calling the API is told
//! instead, so that a typo never silently widens its result: an unknown parameter, a value the
//! list's filters do not keep, or a page that is not a page is a 400 naming the parameter.

use super::query::pairs;
use serde::{Deserialize, Serialize};

/// What is wrong with a query, for the message of a 400.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryProblem {
    /// A parameter the endpoint does not take.
    Unknown(String),
    /// A parameter given twice.
    Repeated(String),
    /// A value the filters could not keep (not a code of the list, not a number…).
    Invalid(String),
}

impl QueryProblem {
    /// Stable, for programs (the `code` of the API's error).
    pub fn code(&self) -> &'static str {
        match self {
            QueryProblem::Unknown(_) => "unknown_parameter",
            QueryProblem::Repeated(_) => "repeated_parameter",
            QueryProblem::Invalid(_) => "invalid_value",
        }
    }

    /// The i18n key of the message; the parameter's name fills its `%{name}`.
    pub fn message_key(&self) -> &'static str {
        match self {
            QueryProblem::Unknown(_) => "api.error.unknown_parameter",
            QueryProblem::Repeated(_) => "api.error.repeated_parameter",
            QueryProblem::Invalid(_) => "api.error.invalid_value",
        }
    }

    pub fn parameter(&self) -> &str {
        match self {
            QueryProblem::Unknown(p) | QueryProblem::Repeated(p) | QueryProblem::Invalid(p) => p,
        }
    }
}

/// An operation of the API, as the open data page lists it (read from the OpenAPI document).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    pub path: String,
    pub summary: String,
    pub tag: String,
    pub parameters: Vec<Parameter>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    /// A part of the path (`{id}`) rather than of the query string.
    pub in_path: bool,
    pub description: String,
}

/// The largest page number a list answers (as the site's lists).
pub const MAX_PAGE: u64 = 100_000;

/// Checks `raw` (a query string) against the parameters an endpoint documents (`allowed`) and
/// against what its filters kept (`kept`: the filters written back by their `to_query`). A value
/// must be exactly what the filters kept — the canonical form the document describes (`cpv=45`,
/// not `cpv=4 5` nor `cpv= 45`) —, so that what the API accepts is what its document says it
/// accepts. Free-text parameters (`free`: words searched) take any value. A parameter whose
/// value the filters may leave out because it is their default (a sort order) is accepted when
/// `default_ok(name, value)` says so. An empty value is refused too (leave the parameter out
/// for "no filter"), except for free text, where it is the empty search. Returns the page asked
/// for (1 when none).
pub fn check(
    raw: &str,
    allowed: &[&str],
    free: &[&str],
    kept: &str,
    default_ok: impl Fn(&str, &str) -> bool,
) -> Result<u64, QueryProblem> {
    let given = pairs(raw);
    let kept = pairs(kept);
    let mut seen: Vec<&str> = Vec::new();
    let mut page = 1;
    for (name, value) in &given {
        if !allowed.contains(&name.as_str()) {
            return Err(QueryProblem::Unknown(name.clone()));
        }
        if seen.contains(&name.as_str()) {
            return Err(QueryProblem::Repeated(name.clone()));
        }
        seen.push(name);
        if free.contains(&name.as_str()) {
            continue;
        }
        if name == "page" {
            page = value
                .parse::<u64>()
                .ok()
                .filter(|p| (1..=MAX_PAGE).contains(p))
                .ok_or_else(|| QueryProblem::Invalid(name.clone()))?;
            continue;
        }
        let as_kept = kept.iter().any(|(k, v)| k == name && v == value);
        if !as_kept && !default_ok(name, value) {
            return Err(QueryProblem::Invalid(name.clone()));
        }
    }
    Ok(page)
}

/// The query string of another page of the same list: `raw` with its `page` replaced.
pub fn with_page(raw: &str, page: u64) -> String {
    let mut out: Vec<String> = raw
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty() && kv.split('=').next() != Some("page"))
        .map(str::to_string)
        .collect();
    out.push(format!("page={page}"));
    out.join("&")
}

/// Cents as euros for JSON (a number with its cents, as the DECP publish amounts).
pub fn euros(cents: i64) -> f64 {
    cents as f64 / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOWED: &[&str] = &["q", "annee", "tri", "page"];
    const FREE: &[&str] = &["q"];

    #[test]
    fn kept_values_and_the_page_pass() {
        assert_eq!(
            check(
                "q=toit&annee=2024&page=3",
                ALLOWED,
                FREE,
                "q=toit&annee=2024",
                |_, _| false
            ),
            Ok(3)
        );
        assert_eq!(check("", ALLOWED, FREE, "", |_, _| false), Ok(1));
        // Empty words are the empty search; an empty year is no year.
        assert_eq!(check("q=", ALLOWED, FREE, "", |_, _| false), Ok(1));
        assert_eq!(
            check("q=&annee=", ALLOWED, FREE, "", |_, _| false),
            Err(QueryProblem::Invalid("annee".into()))
        );
    }

    #[test]
    fn a_typo_is_named_rather_than_ignored() {
        assert_eq!(
            check("anne=2024", ALLOWED, FREE, "", |_, _| false),
            Err(QueryProblem::Unknown("anne".into()))
        );
        assert_eq!(
            check("annee=deux-mille", ALLOWED, FREE, "", |_, _| false),
            Err(QueryProblem::Invalid("annee".into()))
        );
        assert_eq!(
            check("q=a&q=b", ALLOWED, FREE, "q=a", |_, _| false),
            Err(QueryProblem::Repeated("q".into()))
        );
    }

    #[test]
    fn a_value_is_refused_unless_it_is_the_kept_canonical_form() {
        // The filters kept `annee=2024` out of ` 2024` or `02024`: the document says an integer.
        for given in ["annee=%202024", "annee=02024", "annee=2024%20"] {
            assert_eq!(
                check(given, ALLOWED, FREE, "annee=2024", |_, _| false),
                Err(QueryProblem::Invalid("annee".into())),
                "{given}"
            );
        }
        // Whitespace is a value, not "no filter".
        assert_eq!(
            check("annee=%20", ALLOWED, FREE, "", |_, _| false),
            Err(QueryProblem::Invalid("annee".into()))
        );
        // Words are free: the filters trim and cut them, any text is a search.
        assert_eq!(
            check("q=%20toit%20", ALLOWED, FREE, "q=toit", |_, _| false),
            Ok(1)
        );
        assert_eq!(check("q=%20", ALLOWED, FREE, "", |_, _| false), Ok(1));
    }

    #[test]
    fn a_page_is_a_whole_number_within_bounds() {
        for bad in ["0", "-1", "deux", "100001", "1.5"] {
            assert_eq!(
                check(&format!("page={bad}"), ALLOWED, FREE, "", |_, _| false),
                Err(QueryProblem::Invalid("page".into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_default_left_out_by_the_filters_is_accepted_when_valid() {
        let sort_ok = |k: &str, v: &str| k == "tri" && v == "recent";
        assert_eq!(check("tri=recent", ALLOWED, FREE, "", sort_ok), Ok(1));
        assert_eq!(
            check("tri=n-importe", ALLOWED, FREE, "", sort_ok),
            Err(QueryProblem::Invalid("tri".into()))
        );
    }

    #[test]
    fn another_page_keeps_the_filters() {
        assert_eq!(with_page("q=toit&page=2", 3), "q=toit&page=3");
        assert_eq!(with_page("", 2), "page=2");
        assert_eq!(with_page("?annee=2024", 2), "annee=2024&page=2");
    }
}
