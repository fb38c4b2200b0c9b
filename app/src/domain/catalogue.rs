//! The catalogue's search (`/catalogue`): filters read from and written back to the query
//! string, and the page of offers sent to the browser.

use super::contracts::FacetValue;
use super::directory::{normalise_area, Place};
use super::geo::RADII_KM;
use super::offer::{label_name, OfferKind};
use super::query::{clean, commune, digits, first, number, page, pairs, Writer};
use serde::{Deserialize, Serialize};

/// Offers per page.
pub const PER_PAGE: u64 = 20;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CatalogueSort {
    /// Best match first: the default of a text search (without words, the newest first).
    Relevance,
    /// Most recently published first.
    #[default]
    Newest,
    /// Nearest to the commune of the distance filter first.
    Distance,
}

impl CatalogueSort {
    pub const ALL: [CatalogueSort; 3] = [
        CatalogueSort::Relevance,
        CatalogueSort::Newest,
        CatalogueSort::Distance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CatalogueSort::Relevance => "pertinence",
            CatalogueSort::Newest => "recent",
            CatalogueSort::Distance => "distance",
        }
    }

    pub fn from_code(s: &str) -> Option<CatalogueSort> {
        CatalogueSort::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn default_for(has_words: bool) -> CatalogueSort {
        if has_words {
            CatalogueSort::Relevance
        } else {
            CatalogueSort::Newest
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueFilters {
    pub q: Option<String>,
    /// supply, service, works.
    pub kind: Option<String>,
    /// CPV division (2 digits), group (3), class (4) or category (5).
    pub cpv: Option<String>,
    /// An official label's code.
    pub label: Option<String>,
    /// A territorial label (its referential's id).
    pub tlabel: Option<String>,
    /// At most one intermediary.
    pub short_chain: bool,
    /// Gives life-cycle facts.
    pub life: bool,
    /// Gives its carbon footprint.
    pub carbon: bool,
    /// Produced by an inclusive structure (or offered by one).
    pub inclusive: bool,
    /// Department, or 69M / 69D.
    pub area: Option<String>,
    /// Within `km` of this commune (its position must be known).
    pub near: Option<String>,
    pub km: Option<u32>,
    /// Food available in this month (1–12).
    pub month: Option<u32>,
    /// Counts for EGalim: "qualite" (any sign that counts) or "bio" (organic).
    pub egalim: Option<String>,
    /// Delivered to this commune (INSEE code): named, in a department or within a radius.
    pub delivers: Option<String>,
    pub sort: CatalogueSort,
    pub page: u64,
}

/// The values of the EGalim filter: "qualite" counts every sign that counts, "bio" the organic.
pub const EGALIM_FILTERS: [&str; 2] = ["qualite", "bio"];

impl CatalogueFilters {
    /// Reads the filters from a query string; values that cannot be right are ignored.
    pub fn from_query(query: &str) -> CatalogueFilters {
        let p = pairs(query);
        let get = |k: &str| first(&p, k);
        let flag = |k: &str| get(k).as_deref() == Some("1");
        let q = clean(get("q"), 200);
        let near = commune(get("pres_de"));
        let km = number(get("km"))
            .and_then(|k| u32::try_from(k).ok())
            .filter(|k| RADII_KM.contains(k))
            .or(near.as_ref().map(|_| super::geo::DEFAULT_RADIUS_KM));
        let (near, km) = (km.and(near.clone()), near.and(km));
        let sort = match get("tri").and_then(|s| CatalogueSort::from_code(&s)) {
            Some(CatalogueSort::Relevance) | None => CatalogueSort::default_for(q.is_some()),
            // Distance means nothing without a commune to measure from.
            Some(CatalogueSort::Distance) if near.is_none() => {
                CatalogueSort::default_for(q.is_some())
            }
            Some(s) => s,
        };
        CatalogueFilters {
            q,
            kind: clean(get("type"), 10).filter(|k| OfferKind::parse(k).is_some()),
            cpv: digits(get("cpv"), &[2, 3, 4, 5]),
            label: clean(get("label"), 32).filter(|l| label_name(l).is_some()),
            tlabel: super::query::id(get("label_territorial")),
            short_chain: flag("circuit_court"),
            life: flag("cycle_de_vie"),
            carbon: flag("carbone"),
            inclusive: flag("inclusif"),
            area: clean(get("dep"), 3).and_then(|d| normalise_area(&d)),
            near,
            km,
            month: number(get("mois"))
                .filter(|m| (1..=12).contains(m))
                .map(|m| m as u32),
            egalim: clean(get("egalim"), 8).filter(|e| EGALIM_FILTERS.contains(&e.as_str())),
            delivers: commune(get("livre_a")),
            sort,
            page: page(get("page")),
        }
    }

    /// The query string (without `?`), with another page.
    pub fn to_query(&self, page: u64) -> String {
        let mut w = Writer::default();
        let flag = |b: bool| b.then(|| "1".to_string());
        w.push("q", self.q.clone());
        w.push("type", self.kind.clone());
        w.push("cpv", self.cpv.clone());
        w.push("label", self.label.clone());
        w.push("label_territorial", self.tlabel.clone());
        w.push("circuit_court", flag(self.short_chain));
        w.push("cycle_de_vie", flag(self.life));
        w.push("carbone", flag(self.carbon));
        w.push("inclusif", flag(self.inclusive));
        w.push("dep", self.area.clone());
        w.push("pres_de", self.near.clone());
        w.push("km", self.km.map(|k| k.to_string()));
        w.push("mois", self.month.map(|m| m.to_string()));
        w.push("egalim", self.egalim.clone());
        w.push("livre_a", self.delivers.clone());
        w.push(
            "tri",
            (self.sort != CatalogueSort::default_for(self.q.is_some()))
                .then(|| self.sort.code().to_string()),
        );
        w.push("page", (page > 1).then(|| page.to_string()));
        w.finish()
    }

    pub fn is_narrowed(&self) -> bool {
        let all = CatalogueFilters {
            sort: self.sort,
            page: self.page,
            ..CatalogueFilters::default()
        };
        *self != all
    }
}

/// One offer in the results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferRow {
    pub id: i32,
    pub title: String,
    pub kind: OfferKind,
    pub organisation_id: i32,
    pub organisation_name: String,
    /// "Villeurbanne (69)"
    pub place: Option<String>,
    /// Kilometres from the commune of the distance filter.
    pub distance_km: Option<f64>,
    /// (code, label), the first few.
    pub cpv: Vec<(String, String)>,
    /// Label names.
    pub labels: Vec<String>,
    /// Territorial labels in force.
    pub tlabels: Vec<super::label::LabelBadge>,
    pub short_chain: bool,
    pub inclusive: bool,
    pub price_cents: Option<i64>,
    pub price_unit: Option<String>,
    pub excerpt: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueFacets {
    pub kinds: Vec<FacetValue>,
    pub cpv_divisions: Vec<FacetValue>,
    pub labels: Vec<FacetValue>,
    /// Territorial labels (value: the referential's id; label: its name).
    pub tlabels: Vec<FacetValue>,
    /// Counts of the offers with each fact: short chain, life cycle, carbon, inclusive.
    pub facts: Vec<FacetValue>,
    pub areas: Vec<FacetValue>,
    /// Food offers available in each month (value "1" to "12").
    pub months: Vec<FacetValue>,
    /// Offers that count for EGalim (value "qualite": any sign; "bio": organic).
    pub egalim: Vec<FacetValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CataloguePage {
    pub rows: Vec<OfferRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub facets: CatalogueFacets,
    pub places: Vec<Place>,
}

/// The part of a CPV code that "who can supply this?" looks at: the code's significant digits,
/// at least its division and at most its category (5 digits), so that a very precise code
/// still finds the firms of its trade. `None` for what is not a CPV code.
pub fn supplier_scope(code: &str) -> Option<String> {
    let code = super::cpv::normalise(code)?;
    let significant = code.trim_end_matches('0').len().clamp(2, 5);
    Some(code[..significant].to_string())
}

/// A firm that can supply a CPV code: its offers in it, and the public contracts it won in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Supplier {
    pub org_id: i32,
    pub name: String,
    pub place: Option<String>,
    pub inclusive: Option<String>,
    /// Territorial labels in force, for itself or one of its published offers.
    pub tlabels: Vec<super::label::LabelBadge>,
    /// (id, title)
    pub offers: Vec<(i32, String)>,
    pub won_contracts: u64,
    pub won_cents: i64,
    /// dd/mm/yyyy of the latest contract won in the code.
    pub last_won: Option<String>,
}

/// "Who can supply this?" for one CPV code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suppliers {
    pub code: String,
    pub label: Option<String>,
    /// The digits looked at (see `supplier_scope`).
    pub scope: String,
    pub suppliers: Vec<Supplier>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_scope_of_a_code_is_its_trade() {
        use super::supplier_scope;
        assert_eq!(supplier_scope("45421000").as_deref(), Some("45421"));
        assert_eq!(supplier_scope("45421100-5").as_deref(), Some("45421"));
        assert_eq!(supplier_scope("45000000").as_deref(), Some("45"));
        assert_eq!(supplier_scope("45400000").as_deref(), Some("454"));
        assert_eq!(supplier_scope("03000000").as_deref(), Some("03"));
        assert_eq!(supplier_scope("pain"), None);
    }

    use super::*;

    #[test]
    fn filters_round_trip() {
        let f = CatalogueFilters {
            q: Some("pain levain".into()),
            kind: Some("supply".into()),
            cpv: Some("15612".into()),
            label: Some("ab".into()),
            tlabel: Some("3".into()),
            short_chain: true,
            life: true,
            carbon: true,
            inclusive: true,
            area: Some("69M".into()),
            near: Some("69266".into()),
            km: Some(10),
            month: Some(3),
            egalim: Some("bio".into()),
            delivers: Some("69256".into()),
            sort: CatalogueSort::Distance,
            page: 2,
        };
        assert_eq!(CatalogueFilters::from_query(&f.to_query(2)), f);
    }

    #[test]
    fn food_filters_that_cannot_be_right_are_dropped() {
        let f = CatalogueFilters::from_query("mois=13&egalim=tout&livre_a=Vaulx");
        assert_eq!((f.month, f.egalim, f.delivers), (None, None, None));
        let f = CatalogueFilters::from_query("mois=12&egalim=qualite&livre_a=69256");
        assert_eq!(f.month, Some(12));
        assert_eq!(f.egalim.as_deref(), Some("qualite"));
        assert!(f.is_narrowed());
    }

    #[test]
    fn defaults_and_bad_values() {
        let f = CatalogueFilters::from_query("");
        assert_eq!((f.sort, f.page), (CatalogueSort::Newest, 1));
        assert_eq!(f.to_query(1), "");
        assert_eq!(
            CatalogueFilters::from_query("q=pain").sort,
            CatalogueSort::Relevance
        );
        // Distance without a commune is the default order.
        assert_eq!(
            CatalogueFilters::from_query("tri=distance").sort,
            CatalogueSort::Newest
        );
        let bad = CatalogueFilters::from_query(
            "type=x&cpv=1&label=<b>&label_territorial=x1&circuit_court=oui&dep=999&pres_de=abc&km=3&page=0",
        );
        assert_eq!(bad, CatalogueFilters::from_query(""));
    }
}
