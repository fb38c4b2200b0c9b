//! The directory's search (`/annuaire`): its filters, read from and written back to the query
//! string, and the page of results sent to the browser.

use super::contracts::FacetValue;
use super::geo::RADII_KM;
use super::org::{is_inclusive_filter, OrgKind, SIZES};
use super::query::{clean, digits, first, pairs, Writer};
use serde::{Deserialize, Serialize};

/// Organisations per page.
pub const PER_PAGE: u64 = 20;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DirectorySort {
    /// Best match first: the default of a text search (without words, by name).
    Relevance,
    #[default]
    Name,
    /// The most recently registered first.
    Newest,
}

impl DirectorySort {
    pub const ALL: [DirectorySort; 3] = [
        DirectorySort::Relevance,
        DirectorySort::Name,
        DirectorySort::Newest,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DirectorySort::Relevance => "pertinence",
            DirectorySort::Name => "nom",
            DirectorySort::Newest => "recent",
        }
    }

    pub fn from_code(s: &str) -> Option<DirectorySort> {
        DirectorySort::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn default_for(has_words: bool) -> DirectorySort {
        if has_words {
            DirectorySort::Relevance
        } else {
            DirectorySort::Name
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryFilters {
    /// Words to find in the name, presentation, activity or commune.
    pub q: Option<String>,
    /// An organisation kind (`OrgKind::as_str`).
    pub kind: Option<String>,
    /// NAF division (2 digits).
    pub naf: Option<String>,
    /// CPV division (2 digits) of one of its published offers.
    pub cpv: Option<String>,
    /// An official label one of its published offers holds.
    pub label: Option<String>,
    /// A territorial label (referential id) it holds, for itself or one of its offers.
    pub tlabel: Option<String>,
    /// Has published offers.
    pub has_offers: bool,
    pub size: Option<String>,
    /// siae, esat or ea; "any" for every inclusive structure.
    pub inclusive: Option<String>,
    /// An area: a department code, or 69M (Métropole de Lyon) / 69D (the rest of the Rhône).
    pub area: Option<String>,
    /// INSEE code of a commune (a city counts with its arrondissements).
    pub commune: Option<String>,
    /// Within `km` of this commune (INSEE code of a commune whose position is known).
    pub near: Option<String>,
    pub km: Option<u32>,
    pub sort: DirectorySort,
    /// From 1.
    pub page: u64,
}

/// "69", "069", "2a", "69M", "69d" → the area code; None when it cannot be one.
pub fn normalise_area(s: &str) -> Option<String> {
    let s = s.trim().to_uppercase();
    match s.as_str() {
        "69M" | "69D" => Some(s),
        _ => super::decp::record::normalise_departement(&s),
    }
}

impl DirectoryFilters {
    /// Reads the filters from a query string (`?q=…&type=business`, with or without `?`).
    /// Values that cannot be right are ignored: a hand-edited URL shows a wider list, not an
    /// error.
    pub fn from_query(query: &str) -> DirectoryFilters {
        let p = pairs(query);
        let get = |k: &str| first(&p, k);
        let q = clean(get("q"), 200);
        let sort = match get("tri").and_then(|s| DirectorySort::from_code(&s)) {
            // Relevance means nothing without words.
            Some(DirectorySort::Relevance) | None => DirectorySort::default_for(q.is_some()),
            Some(s) => s,
        };
        let near = super::query::commune(get("pres_de"));
        let km = super::query::number(get("km"))
            .and_then(|k| u32::try_from(k).ok())
            .filter(|k| RADII_KM.contains(k))
            .or(near.as_ref().map(|_| super::geo::DEFAULT_RADIUS_KM));
        DirectoryFilters {
            q,
            kind: clean(get("type"), 20).filter(|k| OrgKind::parse(k).is_some()),
            naf: digits(get("naf"), &[2]),
            cpv: digits(get("cpv"), &[2]),
            label: clean(get("label"), 32).filter(|l| super::offer::label_name(l).is_some()),
            tlabel: super::query::id(get("label_territorial")),
            has_offers: get("avec_offres").as_deref() == Some("1"),
            size: clean(get("taille"), 20).filter(|s| SIZES.contains(&s.as_str())),
            inclusive: clean(get("inclusif"), 10).filter(|s| is_inclusive_filter(s)),
            area: clean(get("dep"), 3).and_then(|d| normalise_area(&d)),
            commune: super::query::commune(get("commune")),
            // A distance needs both its commune and its radius.
            km: near.as_ref().and(km),
            near: km.and(near),
            sort,
            page: super::query::page(get("page")),
        }
    }

    /// The query string of these filters (without `?`), with another page.
    pub fn to_query(&self, page: u64) -> String {
        let mut w = Writer::default();
        w.push("q", self.q.clone());
        w.push("type", self.kind.clone());
        w.push("naf", self.naf.clone());
        w.push("cpv", self.cpv.clone());
        w.push("label", self.label.clone());
        w.push("label_territorial", self.tlabel.clone());
        w.push("avec_offres", self.has_offers.then(|| "1".to_string()));
        w.push("taille", self.size.clone());
        w.push("inclusif", self.inclusive.clone());
        w.push("dep", self.area.clone());
        w.push("commune", self.commune.clone());
        w.push("pres_de", self.near.clone());
        w.push("km", self.km.map(|k| k.to_string()));
        w.push(
            "tri",
            (self.sort != DirectorySort::default_for(self.q.is_some()))
                .then(|| self.sort.code().to_string()),
        );
        w.push("page", (page > 1).then(|| page.to_string()));
        w.finish()
    }

    /// Whether anything narrows the list (the page then offers to clear it).
    pub fn is_narrowed(&self) -> bool {
        let all = DirectoryFilters {
            sort: self.sort,
            page: self.page,
            ..DirectoryFilters::default()
        };
        *self != all
    }
}

/// One organisation in the results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DirectoryRow {
    pub id: i32,
    pub name: String,
    pub kind: OrgKind,
    pub verified: bool,
    /// (code, label)
    pub naf: Option<(String, String)>,
    /// (name, department)
    pub commune: Option<(String, String)>,
    pub size: Option<String>,
    pub inclusive: Option<String>,
    /// The presentation's first words.
    pub excerpt: Option<String>,
    /// Territorial labels in force, for itself or one of its published offers.
    pub tlabels: Vec<super::label::LabelBadge>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryFacets {
    pub kinds: Vec<FacetValue>,
    pub naf_divisions: Vec<FacetValue>,
    /// CPV divisions of the published offers.
    pub cpv_divisions: Vec<FacetValue>,
    /// Official labels of the published offers.
    pub labels: Vec<FacetValue>,
    /// Territorial labels (value: referential id; label: its name).
    pub tlabels: Vec<FacetValue>,
    /// Organisations with published offers.
    pub with_offers: u64,
    pub sizes: Vec<FacetValue>,
    pub inclusive: Vec<FacetValue>,
    pub areas: Vec<FacetValue>,
    /// Counts by commune, arrondissements counted with their city (the map's shades).
    pub communes: Vec<FacetValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DirectoryPage {
    pub rows: Vec<DirectoryRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub facets: DirectoryFacets,
    /// The communes whose position is known (the "near" choices), by name.
    pub places: Vec<Place>,
    /// The name of the commune of the `commune` filter, when it is known.
    pub commune_name: Option<String>,
}

/// A commune whose position is known (its centre).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub insee: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// The first `max` characters of a text, cut at a word, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', '.', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_round_trip_through_the_query_string() {
        let f = DirectoryFilters {
            q: Some("menuiserie bois".into()),
            kind: Some("business".into()),
            naf: Some("43".into()),
            cpv: Some("45".into()),
            label: Some("rge".into()),
            tlabel: Some("12".into()),
            has_offers: true,
            size: Some("micro".into()),
            inclusive: Some("esat".into()),
            area: Some("69M".into()),
            commune: Some("69266".into()),
            near: Some("69123".into()),
            km: Some(10),
            sort: DirectorySort::Newest,
            page: 3,
        };
        let q = f.to_query(3);
        assert_eq!(DirectoryFilters::from_query(&q), f);
        assert_eq!(DirectoryFilters::from_query(&format!("?{q}")), f);
    }

    #[test]
    fn the_default_order_depends_on_words_and_stays_out_of_urls() {
        let f = DirectoryFilters::from_query("");
        assert_eq!(f.sort, DirectorySort::Name);
        assert_eq!(f.page, 1);
        assert_eq!(f.to_query(1), "");
        assert!(!f.is_narrowed());
        let f = DirectoryFilters::from_query("q=bois");
        assert_eq!(f.sort, DirectorySort::Relevance);
        assert_eq!(f.to_query(1), "q=bois");
        assert!(f.is_narrowed());
        // Relevance without words is the name order.
        assert_eq!(
            DirectoryFilters::from_query("tri=pertinence").sort,
            DirectorySort::Name
        );
    }

    #[test]
    fn values_that_cannot_be_right_are_ignored() {
        let f = DirectoryFilters::from_query(
            "type=pirate&naf=4&cpv=4&label=x&label_territorial=0&avec_offres=oui&taille=huge&inclusif=x&dep=99&commune=abc&pres_de=6912&km=7&page=-2",
        );
        assert_eq!(f, DirectoryFilters::from_query(""));
        // A radius without its commune is no distance; a commune without a radius (or with
        // one the filter does not offer) is the default radius around it.
        assert_eq!(DirectoryFilters::from_query("km=10").km, None);
        for q in ["pres_de=69123", "pres_de=69123&km=7"] {
            let f = DirectoryFilters::from_query(q);
            assert_eq!((f.near.as_deref(), f.km), (Some("69123"), Some(10)), "{q}");
        }
        let f = DirectoryFilters::from_query("pres_de=69123&km=10&dep=69d&inclusif=any");
        assert_eq!((f.near.as_deref(), f.km), (Some("69123"), Some(10)));
        assert_eq!(f.area.as_deref(), Some("69D"));
        assert_eq!(f.inclusive.as_deref(), Some("any"));
        assert_eq!(normalise_area("069").as_deref(), Some("69"));
        assert_eq!(normalise_area("2a").as_deref(), Some("2A"));
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(
            excerpt("Menuiserie  bois\net alu", 100),
            "Menuiserie bois et alu"
        );
        assert_eq!(
            excerpt("Menuiserie bois, alu et PVC depuis 1982", 20),
            "Menuiserie bois…"
        );
    }
}
