//! Offers of the catalogue: what a business sells, and the facts buyers need for the legal levers
//! of sustainable and local-friendly procurement (short supply chain, life cycle, carbon, labels,
//! insertion). Every fact is optional; each has a help text in the form.

use super::validate::Checker;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum OfferKind {
    Supply,
    Service,
    Works,
}

impl OfferKind {
    pub const ALL: [OfferKind; 3] = [OfferKind::Supply, OfferKind::Service, OfferKind::Works];

    pub fn label_key(self) -> String {
        format!("offer.kind.{}", self.as_str())
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum OfferStatus {
    /// Seen by the organisation's members only.
    Draft,
    /// In the catalogue (when the organisation is public).
    Published,
    /// Kept, out of the catalogue.
    Archived,
}

impl OfferStatus {
    pub const ALL: [OfferStatus; 3] = [
        OfferStatus::Draft,
        OfferStatus::Published,
        OfferStatus::Archived,
    ];

    pub fn label_key(self) -> String {
        format!("offer.status.{}", self.as_str())
    }
}

/// What an offer's delivery area names: a commune, or a whole department.
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
pub enum AreaKind {
    Commune,
    Department,
}

/// Official labels a business can declare for an offer (code, name). The territorial label is
/// not among them: it is granted through its own review.
pub const LABELS: [(&str, &str); 9] = [
    ("ab", "Agriculture biologique (AB)"),
    ("label_rouge", "Label Rouge"),
    ("aop", "AOP / AOC"),
    ("hve", "Haute Valeur Environnementale (HVE)"),
    ("ecolabel_eu", "Écolabel européen"),
    ("nf_environnement", "NF Environnement"),
    ("rge", "RGE (Reconnu garant de l'environnement)"),
    ("qualibat", "Qualibat"),
    ("esus", "ESUS (entreprise solidaire d'utilité sociale)"),
];

/// The name of a label an offer may hold: one of [`LABELS`], or a sign of quality that counts
/// for EGalim (`domain::food::signs`, offered to food products).
pub fn label_name(code: &str) -> Option<&'static str> {
    LABELS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .or_else(|| super::food::sign_name(code))
}

/// A short supply chain ("circuit court") has at most one intermediary between producer and
/// buyer — whatever the distance.
pub const SHORT_CHAIN_MAX_INTERMEDIARIES: i16 = 1;

pub const MAX_TITLE: usize = 160;
/// Photos an offer can have.
pub const MAX_PHOTOS: u64 = 6;
pub const MAX_DESCRIPTION: usize = 8000;
/// CPV codes an offer carries at most: enough for a firm's trades, few enough to stay a
/// description (and the partner requests' limit).
pub const MAX_CPV: usize = 20;

/// The CPV codes chosen for an offer, as sent (the picker's ticked boxes): each normalised to 8
/// digits, repeats dropped. A published offer keeps at least one — buyers find it by them — so
/// it is archived before its last code goes. Whether each code exists is the server's to check.
pub fn chosen_cpv(
    codes: &super::cpv::CpvCodes,
    published: bool,
) -> Result<Vec<String>, crate::error::AppError> {
    let mut c = Checker::new();
    let cpv = super::programming::cpv_list(&mut c, "cpv", &codes.joined());
    if cpv.len() > MAX_CPV {
        c.errors.push(crate::error::FieldError::with_arg(
            "cpv",
            "validation.too_many_cpv",
            MAX_CPV,
        ));
    }
    if published && cpv.is_empty() && c.is_ok() {
        c.push("cpv", "offer.cpv_keep_one");
    }
    c.finish().map(|_| cpv)
}

/// The offer form as a browser sends it (every field a string).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub kind: String,
    /// Names or INSEE codes, separated by commas or semicolons.
    #[serde(default)]
    pub delivery_communes: String,
    /// Department codes, separated by commas, semicolons or spaces.
    #[serde(default)]
    pub delivery_departments: String,
    #[serde(default)]
    pub delivery_radius_km: String,
    #[serde(default)]
    pub production_commune: String,
    /// Euros ("12,50").
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub price_unit: String,
    #[serde(default)]
    pub min_order: String,
    #[serde(default)]
    pub intermediaries: String,
    #[serde(default)]
    pub life_years: String,
    /// Out of 10, one decimal ("7,5").
    #[serde(default)]
    pub repairability: String,
    #[serde(default)]
    pub spare_parts_years: String,
    #[serde(default)]
    pub recycled_percent: String,
    #[serde(default)]
    pub end_of_life: String,
    /// kg CO2e per unit ("1,25").
    #[serde(default)]
    pub carbon_kg: String,
    #[serde(default)]
    pub carbon_method: String,
    #[serde(default)]
    pub carbon_source: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub inclusive_production: Option<String>,
    /// One checkbox per label: `labels[ab]=on`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Sent by the food part of the form (an offer with a food product code): only then are
    /// the fields below read and saved.
    #[serde(default)]
    pub food: Option<String>,
    /// One checkbox per month: `months[3]=on` for March.
    #[serde(default)]
    pub months: BTreeMap<String, String>,
    /// `domain::food::Unit`, or empty.
    #[serde(default)]
    pub unit: String,
    /// One checkbox per delivery day: `days[1]=on` for Monday.
    #[serde(default)]
    pub days: BTreeMap<String, String>,
    /// A checkbox: receive the quick consultations for this product by email.
    #[serde(default)]
    pub quote_alerts: Option<String>,
}

/// A checked offer form; the checks that need the database (communes) come after.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OfferInput {
    pub title: String,
    pub description: String,
    pub kind: Option<OfferKind>,
    pub delivery_communes: Vec<String>,
    pub delivery_departments: Vec<String>,
    pub delivery_radius_km: Option<i32>,
    pub production_commune: Option<String>,
    pub price_cents: Option<i64>,
    pub price_unit: Option<String>,
    pub min_order: Option<String>,
    pub intermediaries: Option<i16>,
    pub life_years: Option<i16>,
    pub repairability_tenths: Option<i16>,
    pub spare_parts_years: Option<i16>,
    pub recycled_percent: Option<i16>,
    pub end_of_life: Option<String>,
    pub carbon_kg: Option<f64>,
    pub carbon_method: Option<String>,
    pub carbon_source: Option<String>,
    pub inclusive_production: bool,
    pub labels: Vec<String>,
    /// When the form held its food part.
    pub food: Option<super::food::FoodFacts>,
}

/// The departments typed in one field: separated by commas ("Rhône, Isère (38)"), or numbers
/// separated by spaces as well ("69 01 38").
pub fn department_items(s: &str) -> Vec<String> {
    split_list(s)
        .into_iter()
        .flat_map(|item| {
            let numbers: Vec<&str> = item.split_whitespace().collect();
            if numbers.len() > 1
                && numbers
                    .iter()
                    .all(|n| super::decp::record::normalise_departement(n).is_some())
            {
                numbers.into_iter().map(str::to_string).collect()
            } else {
                vec![item]
            }
        })
        .collect()
}

/// A department as typed: its number ("69", "069", "2A"), or a name with its number in
/// parentheses ("Rhône (69)", as a chosen suggestion writes it), gives the number; a name alone
/// ("Rhône") stays as typed, for the server to find among the names; a wrong number is None.
pub fn department_code(typed: &str) -> Option<String> {
    let code = super::suggest::code_in_parentheses(typed).unwrap_or(typed.trim());
    if let Some(code) = super::decp::record::normalise_departement(code) {
        return Some(code);
    }
    let is_number = code.len() <= 3 && code.bytes().any(|b| b.is_ascii_digit());
    (!is_number && code == typed.trim()).then(|| typed.trim().to_string())
}

/// Splits a list typed in one field ("Villeurbanne, Bron; 69259").
pub fn split_list(s: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .split([',', ';', '\n'])
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    out.dedup();
    out
}

/// The same checks in the browser, as the person types.
impl crate::domain::validate::LiveChecked for OfferForm {
    fn field_errors(&self, _: &crate::domain::validate::Clock) -> Vec<crate::error::FieldError> {
        crate::domain::validate::field_errors_of(self.check())
    }
}

impl OfferForm {
    /// Checks every field, collecting one message per faulty field.
    pub fn check(&self) -> Result<OfferInput, crate::error::AppError> {
        let mut c = Checker::new();
        let title = c.required("title", &self.title, MAX_TITLE);
        let description = c
            .optional("description", &self.description, MAX_DESCRIPTION)
            .unwrap_or_default();
        let kind = OfferKind::parse(self.kind.trim());
        if kind.is_none() {
            c.push("kind", "validation.unknown_choice");
        }
        let delivery_communes = split_list(&self.delivery_communes);
        if delivery_communes.len() > 100 || self.delivery_communes.len() > 4000 {
            c.push("delivery_communes", "validation.too_long_list");
        }
        let mut delivery_departments: Vec<String> = Vec::new();
        let departments = department_items(&self.delivery_departments);
        if departments.len() > 100 || self.delivery_departments.len() > 4000 {
            c.push("delivery_departments", "validation.too_long_list");
        }
        for d in departments {
            match department_code(&d) {
                Some(code) if !delivery_departments.contains(&code) => {
                    delivery_departments.push(code)
                }
                Some(_) => {}
                None => {
                    c.push("delivery_departments", "validation.unknown_department");
                    break;
                }
            }
        }
        let small = |c: &mut Checker, field: &str, value: &str, decimals: u32, max: i64| {
            c.decimal(field, value, decimals, 0, max).map(|v| v as i16)
        };
        let delivery_radius_km = c
            .decimal("delivery_radius_km", &self.delivery_radius_km, 0, 1, 1000)
            .map(|v| v as i32);
        let production_commune = c.optional("production_commune", &self.production_commune, 100);
        let price_cents = c.decimal("price", &self.price, 2, 0, 100_000_000_000);
        let price_unit = c.optional("price_unit", &self.price_unit, 40);
        let min_order = c.optional("min_order", &self.min_order, 120);
        let intermediaries = small(&mut c, "intermediaries", &self.intermediaries, 0, 20);
        let life_years = small(&mut c, "life_years", &self.life_years, 0, 200);
        let repairability_tenths = small(&mut c, "repairability", &self.repairability, 1, 100);
        let spare_parts_years = small(&mut c, "spare_parts_years", &self.spare_parts_years, 0, 100);
        let recycled_percent = small(&mut c, "recycled_percent", &self.recycled_percent, 0, 100);
        let end_of_life = c.optional("end_of_life", &self.end_of_life, 1000);
        let carbon_kg = c
            .decimal("carbon_kg", &self.carbon_kg, 3, 0, 10_000_000_000)
            .map(|g| g as f64 / 1000.0);
        let carbon_method = c.optional("carbon_method", &self.carbon_method, 200);
        let carbon_source = c.optional("carbon_source", &self.carbon_source, 300);
        if carbon_kg.is_some() && (carbon_method.is_none() || carbon_source.is_none()) {
            c.push("carbon_kg", "validation.carbon_source");
        }
        let mut labels = Vec::new();
        for code in self.labels.keys() {
            if label_name(code).is_some() {
                labels.push(code.clone());
            } else {
                c.push("labels", "validation.unknown_choice");
                break;
            }
        }
        let food = self.food.is_some().then(|| self.food_facts(&mut c));
        c.finish()?;
        Ok(OfferInput {
            title,
            description,
            kind,
            delivery_communes,
            delivery_departments,
            delivery_radius_km,
            production_commune,
            price_cents,
            price_unit,
            min_order,
            intermediaries,
            life_years,
            repairability_tenths,
            spare_parts_years,
            recycled_percent,
            end_of_life,
            carbon_kg,
            carbon_method,
            carbon_source,
            inclusive_production: self.inclusive_production.is_some(),
            labels,
            food,
        })
    }

    /// The food part: months (one at least: a product never available is archived instead),
    /// unit, delivery days, alerts.
    fn food_facts(&self, c: &mut Checker) -> super::food::FoodFacts {
        use super::food::{Months, Unit, Weekdays};
        let numbers = |c: &mut Checker, field: &str, keys: &BTreeMap<String, String>, max| {
            let mut out = Vec::new();
            for k in keys.keys() {
                match k.parse::<u32>() {
                    Ok(n) if (1..=max).contains(&n) => out.push(n),
                    _ => {
                        c.push(field, "validation.unknown_choice");
                        break;
                    }
                }
            }
            out
        };
        let months = Months::of(numbers(c, "months", &self.months, 12));
        if months.is_empty() && !c.errors.iter().any(|e| e.field == "months") {
            c.push("months", "food.months_none");
        }
        let days = Weekdays::of(numbers(c, "days", &self.days, 7));
        let unit = match self.unit.trim() {
            "" => None,
            u => {
                let unit = Unit::parse(u);
                if unit.is_none() {
                    c.push("unit", "validation.unknown_choice");
                }
                unit
            }
        };
        super::food::FoodFacts {
            months,
            unit,
            days,
            quote_alerts: self.quote_alerts.is_some(),
        }
    }
}

/// A photo of an offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoView {
    pub id: i32,
    pub url: String,
    /// What the photo shows, for people who cannot see it.
    pub alt: String,
    pub width: i32,
    pub height: i32,
}

/// An offer as its editor shows it (form values as typed, and what the page needs around).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferEdit {
    pub id: i32,
    pub organisation_id: i32,
    pub organisation_name: String,
    pub status: OfferStatus,
    pub form: OfferForm,
    /// (code, label), in code order.
    pub cpv: Vec<(String, String)>,
    pub photos: Vec<PhotoView>,
}

/// One offer in its organisation's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferSummary {
    pub id: i32,
    pub title: String,
    pub kind: OfferKind,
    pub status: OfferStatus,
    pub updated_at: String,
}

/// An offer as the catalogue shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicOffer {
    pub id: i32,
    pub title: String,
    /// Cleaned on the server: the only HTML of an offer ever shown.
    pub description_html: String,
    pub kind: OfferKind,
    pub organisation_id: i32,
    pub organisation_name: String,
    /// (name, department) of the organisation's commune.
    pub organisation_place: Option<(String, String)>,
    pub organisation_inclusive: Option<String>,
    pub cpv: Vec<(String, String)>,
    pub delivery_communes: Vec<String>,
    pub delivery_departments: Vec<String>,
    pub delivery_radius_km: Option<i32>,
    pub production_place: Option<String>,
    pub price_cents: Option<i64>,
    pub price_unit: Option<String>,
    pub min_order: Option<String>,
    pub intermediaries: Option<i16>,
    pub life_years: Option<i16>,
    pub repairability_tenths: Option<i16>,
    pub spare_parts_years: Option<i16>,
    pub recycled_percent: Option<i16>,
    pub end_of_life: Option<String>,
    pub carbon_kg: Option<f64>,
    pub carbon_method: Option<String>,
    pub carbon_source: Option<String>,
    pub inclusive_production: bool,
    /// Label names.
    pub labels: Vec<String>,
    /// Territorial labels in force: the offer's own, and its business's.
    pub tlabels: Vec<super::label::LabelBadge>,
    pub organisation_tlabels: Vec<super::label::LabelBadge>,
    pub published_on: Option<String>,
    pub photos: Vec<PhotoView>,
    /// For an offer of a food product: its season, unit, delivery days and EGalim category.
    pub food: Option<super::food::FoodView>,
}

/// Whether the supply chain is short ("circuit court"): at most one intermediary.
pub fn is_short_chain(intermediaries: Option<i16>) -> bool {
    intermediaries.is_some_and(|n| n <= SHORT_CHAIN_MAX_INTERMEDIARIES)
}

/// "12,5" from tenths.
pub fn tenths(v: i16) -> String {
    if v % 10 == 0 {
        (v / 10).to_string()
    } else {
        format!("{},{}", v / 10, v % 10)
    }
}

/// A decimal as French readers write it, without trailing zeros ("1,25", "3").
pub fn french_decimal(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> OfferForm {
        OfferForm {
            title: "  Pain bio au levain  ".into(),
            kind: "supply".into(),
            ..Default::default()
        }
    }

    fn keys(r: Result<Vec<String>, crate::error::AppError>) -> Vec<String> {
        match r {
            Err(crate::error::AppError::Invalid(errors)) => {
                errors.into_iter().map(|e| e.key).collect()
            }
            other => panic!("expected refused codes, got {other:?}"),
        }
    }

    #[test]
    fn an_offers_codes_are_normalised_counted_and_kept_when_published() {
        use crate::domain::cpv::CpvCodes;
        // The check digit is dropped, as the nomenclature's codes are stored without it.
        let codes = CpvCodes(vec!["45421000".into(), "15811100-7".into()]);
        assert_eq!(
            chosen_cpv(&codes, true).unwrap(),
            vec!["45421000".to_string(), "15811100".into()]
        );
        let twice = CpvCodes(vec!["45421000".into(), "45421000-4".into()]);
        assert_eq!(chosen_cpv(&twice, false).unwrap().len(), 1);
        // A draft may have none; a published offer keeps one.
        assert_eq!(
            chosen_cpv(&CpvCodes::default(), false).unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            keys(chosen_cpv(&CpvCodes::default(), true)),
            ["offer.cpv_keep_one"]
        );
        assert_eq!(
            keys(chosen_cpv(&CpvCodes(vec!["menuiserie".into()]), false)),
            ["validation.unknown_cpv"]
        );
        let many = CpvCodes(
            (0..=MAX_CPV)
                .map(|i| format!("{}", 45000000 + i * 100))
                .collect(),
        );
        assert_eq!(keys(chosen_cpv(&many, false)), ["validation.too_many_cpv"]);
    }

    #[test]
    fn a_minimal_offer_is_a_title_and_a_kind() {
        let input = form().check().unwrap();
        assert_eq!(input.title, "Pain bio au levain");
        assert_eq!(input.kind, Some(OfferKind::Supply));
        assert!(input.labels.is_empty() && input.delivery_departments.is_empty());
        let err = OfferForm::default().check().unwrap_err();
        let crate::error::AppError::Invalid(errors) = err else {
            panic!("invalid expected")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "kind"]);
    }

    #[test]
    fn facts_are_read_as_people_type_them() {
        let mut f = form();
        f.price = "3,20".into();
        f.price_unit = "le kg".into();
        f.intermediaries = "0".into();
        f.repairability = "7,5".into();
        f.recycled_percent = "40".into();
        f.carbon_kg = "1,25".into();
        f.carbon_method = "ACV simplifiée".into();
        f.carbon_source = "Base Empreinte ADEME".into();
        f.delivery_departments = "69 01, 038 ; Isère (38), Haute-Savoie".into();
        f.delivery_communes = "Villeurbanne; Bron,\nBron".into();
        f.labels.insert("ab".into(), "on".into());
        f.inclusive_production = Some("on".into());
        let i = f.check().unwrap();
        assert_eq!(i.price_cents, Some(320));
        assert_eq!(i.intermediaries, Some(0));
        assert!(is_short_chain(i.intermediaries));
        assert_eq!(i.repairability_tenths, Some(75));
        assert_eq!(i.recycled_percent, Some(40));
        assert_eq!(i.carbon_kg, Some(1.25));
        // Names are the server's to find (`infra::places::resolve_department`).
        assert_eq!(i.delivery_departments, ["69", "01", "38", "Haute-Savoie"]);
        assert_eq!(i.delivery_communes, ["Villeurbanne", "Bron"]);
        assert_eq!(i.labels, ["ab"]);
        assert!(i.inclusive_production);
    }

    #[test]
    fn bad_facts_are_explained_per_field() {
        let mut f = form();
        f.kind = "magic".into();
        f.recycled_percent = "140".into();
        f.repairability = "7,55".into();
        f.carbon_kg = "2".into();
        f.delivery_departments = "69, Narnia (99)".into();
        f.labels.insert("<script>".into(), "on".into());
        f.price = "gratuit".into();
        let crate::error::AppError::Invalid(errors) = f.check().unwrap_err() else {
            panic!("invalid expected")
        };
        let got: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.key.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("kind", "validation.unknown_choice"),
                ("delivery_departments", "validation.unknown_department"),
                ("price", "validation.number"),
                ("repairability", "validation.decimals"),
                ("recycled_percent", "validation.range"),
                ("carbon_kg", "validation.carbon_source"),
                ("labels", "validation.unknown_choice"),
            ]
        );
    }

    #[test]
    fn a_short_chain_is_about_intermediaries_not_distance() {
        assert!(is_short_chain(Some(0)));
        assert!(is_short_chain(Some(1)));
        assert!(!is_short_chain(Some(2)));
        assert!(!is_short_chain(None));
    }

    #[test]
    fn decimals_read_as_in_french() {
        assert_eq!(tenths(75), "7,5");
        assert_eq!(tenths(80), "8");
        assert_eq!(french_decimal(1.25), "1,25");
        assert_eq!(french_decimal(3.0), "3");
    }
}

crate::domain::stored_form!(OfferKind, OfferStatus, AreaKind);
