//! The contracts explorer's vocabulary: filters read from (and written back to) the query
//! string, so every list is a shareable URL; the rows and pages sent to the browser; money and
//! dates as French readers write them.

use serde::{Deserialize, Serialize};

/// Rows per page of the explorer.
pub const PER_PAGE: u64 = 25;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractFilters {
    /// Words to find in the object, the buyer or the awardees.
    pub q: Option<String>,
    pub year: Option<i32>,
    /// CPV division (2 digits) or group (3 digits).
    pub cpv: Option<String>,
    pub procedure: Option<String>,
    pub nature: Option<String>,
    /// Euros, inclusive.
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Buyer SIRET.
    pub buyer: Option<String>,
    /// Awardee identifier (SIRET…).
    pub awardee: Option<String>,
    pub dep: Option<String>,
    pub commune: Option<String>,
    /// Contracts with at most this many offers received (1 = a single bidder).
    pub max_offers: Option<i32>,
    /// "1": with a social consideration; "1" for `env`: with an environmental one.
    pub social: bool,
    pub env: bool,
    pub sort: Sort,
    /// From 1.
    pub page: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    /// Best match first: the default of a text search (without words, the newest first).
    Relevance,
    #[default]
    DateDesc,
    DateAsc,
    AmountDesc,
    AmountAsc,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Relevance,
        Sort::DateDesc,
        Sort::DateAsc,
        Sort::AmountDesc,
        Sort::AmountAsc,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Relevance => "pertinence",
            Sort::DateDesc => "recent",
            Sort::DateAsc => "ancien",
            Sort::AmountDesc => "montant-desc",
            Sort::AmountAsc => "montant-asc",
        }
    }

    pub fn from_code(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The order of a list when none is asked for: by relevance when words are searched.
    pub fn default_for(has_words: bool) -> Sort {
        if has_words {
            Sort::Relevance
        } else {
            Sort::DateDesc
        }
    }
}

use super::query::{clean, digits};

impl ContractFilters {
    /// Reads the filters from query-string pairs. Values that cannot be right are ignored (a
    /// hand-edited URL shows the unfiltered list rather than an error).
    pub fn from_pairs<'a>(get: impl Fn(&str) -> Option<String> + 'a) -> ContractFilters {
        let num = |k: &str| super::query::number(get(k));
        let q = clean(get("q"), 200);
        let default_sort = Sort::default_for(q.is_some());
        ContractFilters {
            sort: match get("tri").and_then(|s| Sort::from_code(&s)) {
                // Relevance means nothing without words.
                Some(Sort::Relevance) | None => default_sort,
                Some(s) => s,
            },
            q,
            year: num("annee")
                .filter(|y| (1990..=2100).contains(y))
                .map(|y| y as i32),
            cpv: digits(get("cpv"), &[2, 3]),
            procedure: clean(get("procedure"), 40)
                .filter(|p| crate::domain::decp::Procedure::from_code(p).is_some()),
            nature: clean(get("nature"), 40)
                .filter(|n| crate::domain::decp::Nature::from_code(n).is_some()),
            min: num("min").filter(|v| *v >= 0),
            max: num("max").filter(|v| *v >= 0),
            buyer: digits(get("acheteur"), &[14]),
            awardee: clean(get("titulaire"), 64),
            dep: clean(get("dep"), 3)
                .and_then(|d| crate::domain::decp::record::normalise_departement(&d)),
            commune: super::query::commune(get("commune")),
            max_offers: num("offres_max")
                .filter(|v| (0..=1000).contains(v))
                .map(|v| v as i32),
            social: get("social").as_deref() == Some("1"),
            env: get("env").as_deref() == Some("1"),
            page: super::query::page(get("page")),
        }
    }

    /// Reads the filters from a query string (`?q=a+b&annee=2019`, with or without the `?`):
    /// the one parser of the page, its server function and the CSV export.
    pub fn from_query(query: &str) -> ContractFilters {
        let pairs = super::query::pairs(query);
        ContractFilters::from_pairs(move |k| super::query::first(&pairs, k))
    }

    /// The query string of these filters (without `?`), with another page.
    pub fn to_query(&self, page: u64) -> String {
        let mut w = super::query::Writer::default();
        let mut push = |k: &'static str, v: Option<String>| w.push(k, v);
        push("q", self.q.clone());
        push("annee", self.year.map(|v| v.to_string()));
        push("cpv", self.cpv.clone());
        push("procedure", self.procedure.clone());
        push("nature", self.nature.clone());
        push("min", self.min.map(|v| v.to_string()));
        push("max", self.max.map(|v| v.to_string()));
        push("acheteur", self.buyer.clone());
        push("titulaire", self.awardee.clone());
        push("dep", self.dep.clone());
        push("commune", self.commune.clone());
        push("offres_max", self.max_offers.map(|v| v.to_string()));
        push("social", self.social.then(|| "1".into()));
        push("env", self.env.then(|| "1".into()));
        push(
            "tri",
            (self.sort != Sort::default_for(self.q.is_some()))
                .then(|| self.sort.code().to_string()),
        );
        push("page", (page > 1).then(|| page.to_string()));
        w.finish()
    }
}

/// One line of the explorer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractRow {
    pub id: i32,
    pub object: Option<String>,
    pub buyer_siret: String,
    pub buyer_name: Option<String>,
    pub awardees: Vec<String>,
    pub amount_cents: Option<i64>,
    pub notified_on: Option<String>,
    pub year: Option<i32>,
    pub procedure: Option<String>,
    pub cpv: Option<String>,
    pub cpv_label: Option<String>,
    pub place: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractPage {
    pub rows: Vec<ContractRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// Counts of the matching contracts by year, CPV division, procedure and department.
    pub facets: Facets,
}

/// One value of a facet: the filter's value, what to show, how many contracts have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub label: Option<String>,
    pub count: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub years: Vec<FacetValue>,
    pub cpv_divisions: Vec<FacetValue>,
    pub procedures: Vec<FacetValue>,
    pub departements: Vec<FacetValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AwardeeView {
    pub id_type: String,
    pub id: String,
    pub name: Option<String>,
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModificationView {
    pub position: i32,
    pub object: Option<String>,
    pub signed_on: Option<String>,
    pub duration_months: Option<i32>,
    pub amount_cents: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceView {
    pub source: String,
    pub format: String,
    pub imported_at: String,
    /// The record as published, pretty-printed.
    pub raw: String,
}

/// Everything the contract page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractDetail {
    pub id: i32,
    pub uid: String,
    pub source_id: String,
    pub kind: String,
    pub object: Option<String>,
    pub buyer_siret: String,
    pub buyer_name: Option<String>,
    pub cpv: Option<String>,
    pub cpv_label: Option<String>,
    pub procedure: Option<String>,
    pub nature: Option<String>,
    pub place_name: Option<String>,
    pub place_code: Option<String>,
    pub place_commune: Option<String>,
    pub place_departement: Option<String>,
    pub duration_months: Option<i32>,
    pub amount_cents: Option<i64>,
    pub final_duration_months: Option<i32>,
    pub final_amount_cents: Option<i64>,
    pub notified_on: Option<String>,
    pub published_on: Option<String>,
    pub price_form: Option<String>,
    pub offers_received: Option<i32>,
    pub social: Vec<String>,
    pub environmental: Vec<String>,
    pub consortium: Option<String>,
    pub subcontracting_declared: Option<bool>,
    pub awardees: Vec<AwardeeView>,
    pub modifications: Vec<ModificationView>,
    pub sources: Vec<SourceView>,
}

/// "48 500 €", "1 234 567,89 €": French grouping with a narrow no-break space, cents only
/// when there are some.
pub fn format_euros(cents: i64) -> String {
    let negative = cents < 0;
    let cents = cents.unsigned_abs();
    let (euros, rest) = (cents / 100, cents % 100);
    let digits = euros.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if rest == 0 {
        format!("{sign}{grouped}\u{a0}€")
    } else {
        format!("{sign}{grouped},{rest:02}\u{a0}€")
    }
}

/// 2024-03-15 → 15/03/2024.
pub fn format_date(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn filters(pairs: &[(&str, &str)]) -> ContractFilters {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ContractFilters::from_pairs(move |k| map.get(k).cloned())
    }

    #[test]
    fn filters_round_trip_through_the_query_string() {
        let f = filters(&[
            ("q", "espaces verts"),
            ("annee", "2019"),
            ("cpv", "77"),
            ("dep", "069"),
            ("social", "1"),
            ("tri", "montant-desc"),
            ("page", "3"),
        ]);
        assert_eq!(f.q.as_deref(), Some("espaces verts"));
        assert_eq!(f.dep.as_deref(), Some("69"));
        assert_eq!(f.sort, Sort::AmountDesc);
        assert_eq!(f.page, 3);
        let q = f.to_query(2);
        assert_eq!(
            q,
            "q=espaces%20verts&annee=2019&cpv=77&dep=69&social=1&tri=montant%2Ddesc&page=2"
        );
        let back = ContractFilters::from_query(&format!("?{q}"));
        assert_eq!(back, ContractFilters { page: 2, ..f });
    }

    #[test]
    fn form_encoded_queries_are_read() {
        let f =
            ContractFilters::from_query("q=espaces+verts&dep=69&social=1&inconnu=x&sans-valeur");
        assert_eq!(f.q.as_deref(), Some("espaces verts"));
        assert_eq!(f.dep.as_deref(), Some("69"));
        assert!(f.social);
    }

    #[test]
    fn impossible_values_are_ignored() {
        let f = filters(&[
            ("annee", "deux mille"),
            ("cpv", "4"),
            ("procedure", "tirage"),
            ("min", "-5"),
            ("acheteur", "123"),
            ("page", "0"),
            ("dep", "99"),
        ]);
        assert_eq!(
            f,
            ContractFilters {
                page: 1,
                ..Default::default()
            }
        );
    }

    #[test]
    fn money_and_dates_in_french() {
        assert_eq!(format_euros(4_850_000), "48\u{202f}500\u{a0}€");
        assert_eq!(
            format_euros(123_456_789),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(format_euros(5), "0,05\u{a0}€");
        assert_eq!(format_date("2024-03-15"), "15/03/2024");
    }
}

/// Whose figures a party page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Party {
    Buyer(String),
    Awardee(String),
}

/// A line of a breakdown: a key (year, CPV division, counterpart), its label, how many
/// contracts and how much (final amounts, in cents).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub key: String,
    pub label: Option<String>,
    pub contracts: i64,
    pub cents: i64,
}

/// The buyer page and the awardee page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyStats {
    pub party: Party,
    /// Its public profile in the directory (an organisation with this SIRET that chose to be
    /// public).
    pub profile: Option<i32>,
    pub name: Option<String>,
    pub contracts: i64,
    pub cents: i64,
    pub by_year: Vec<Breakdown>,
    pub by_division: Vec<Breakdown>,
    /// Awardees of a buyer, buyers of an awardee: the ten with most contracts.
    pub top: Vec<Breakdown>,
    pub median_offers: Option<f64>,
    pub with_offers: usize,
}

/// The median of the values (the mean of the two middle ones for an even count).
pub fn median(values: &mut [i32]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        f64::from(values[mid])
    } else {
        (f64::from(values[mid - 1]) + f64::from(values[mid])) / 2.0
    })
}

#[cfg(test)]
mod party_tests {
    use super::median;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3]), Some(3.0));
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
        assert_eq!(median(&mut [4, 1, 2, 3]), Some(2.5));
    }
}
