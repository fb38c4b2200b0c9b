//! A buyer's EGalim panel (issue 23): the shares of its food purchases that are sustainable and
//! quality (organic included) and organic, by year and by product family, against the targets
//! of public catering (code rural L230-5-1: 50 % and 20 % of the amount excluding VAT). The
//! purchases are the quick consultations' awards and the amounts the buyer declares from its
//! other channels (tenders, catalogues, markets). Pure rules: families, the declared amounts'
//! check, the panel's sums and the CSV of the yearly declaration.

use super::quotes::{Purchases, TARGET_ORGANIC_PERCENT, TARGET_QUALITY_PERCENT};
use super::validate::Checker;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The product families of the yearly declaration (the ministry's "ma cantine" families,
/// grouped as the CPV allows).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Family {
    /// Meat and poultry.
    Viande,
    /// Fish and seafood.
    Mer,
    /// Fruit, vegetables, potatoes, cereals.
    Fruileg,
    /// Milk and dairy.
    Lait,
    /// Bread, pastry, flour.
    Pain,
    Boisson,
    /// Groceries and everything else (catering services included).
    Autre,
}

impl Family {
    pub const ALL: [Family; 7] = [
        Family::Viande,
        Family::Mer,
        Family::Fruileg,
        Family::Lait,
        Family::Pain,
        Family::Boisson,
        Family::Autre,
    ];

    /// Stored as at most 8 characters (`egalim_declared.family`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    pub fn label_key(self) -> String {
        format!("egalim.family.{}", self.as_str())
    }
}

/// The family of a food product by its CPV code (the longest prefix known wins).
pub fn family_of(cpv: &str) -> Family {
    const PREFIXES: [(&str, Family); 12] = [
        ("151", Family::Viande),
        ("0332", Family::Viande),
        ("152", Family::Mer),
        ("0331", Family::Mer),
        ("153", Family::Fruileg),
        ("032", Family::Fruileg),
        ("155", Family::Lait),
        ("0333", Family::Lait),
        ("156", Family::Pain),
        ("1581", Family::Pain),
        ("159", Family::Boisson),
        ("0311", Family::Fruileg),
    ];
    PREFIXES
        .iter()
        .filter(|(p, _)| cpv.starts_with(p))
        .max_by_key(|(p, _)| p.len())
        .map_or(Family::Autre, |(_, f)| *f)
}

/// The amounts a buyer declares for a year and a family, from its other channels, as the form
/// sends them (euros, "12 500,50").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub family: String,
    #[serde(default)]
    pub total: String,
    #[serde(default)]
    pub quality: String,
    #[serde(default)]
    pub organic: String,
}

/// Declared amounts, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declared {
    pub year: i16,
    pub family: Family,
    pub purchases: Purchases,
}

/// The years a declaration may be about: from 2019 (the law) to next year.
pub const FIRST_YEAR: i32 = 2019;
/// An amount at most: a hundred million euros, in cents.
const MAX_CENTS: i64 = 10_000_000_000;

impl DeclaredForm {
    /// Checks the amounts: a known year and family; organic counts in quality, quality in the
    /// total, so organic ≤ quality ≤ total. `this_year` bounds the year.
    pub fn check(&self, this_year: i32) -> Result<Declared, AppError> {
        let mut c = Checker::new();
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) if (FIRST_YEAR..=this_year + 1).contains(&y) => y,
            _ => {
                c.push("year", "egalim.year_unknown");
                this_year
            }
        };
        let family = Family::parse(self.family.trim()).unwrap_or_else(|| {
            c.push("family", "validation.unknown_choice");
            Family::Autre
        });
        let mut amount = |field: &str, v: &str| {
            if v.trim().is_empty() {
                Some(0)
            } else {
                c.decimal(field, v, 2, 0, MAX_CENTS)
            }
        };
        let total = amount("total", &self.total);
        let quality = amount("quality", &self.quality);
        let organic = amount("organic", &self.organic);
        if let (Some(t), Some(q), Some(o)) = (total, quality, organic) {
            if q > t {
                c.push("quality", "egalim.quality_over_total");
            }
            if o > q {
                c.push("organic", "egalim.organic_over_quality");
            }
        }
        c.finish()?;
        Ok(Declared {
            year: year as i16,
            family,
            purchases: Purchases {
                total_cents: total.unwrap_or(0),
                quality_cents: quality.unwrap_or(0),
                organic_cents: organic.unwrap_or(0),
            },
        })
    }
}

/// One family's line of the panel: what came through Passerelle, what was declared, both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyLine {
    pub awarded: Purchases,
    pub declared: Purchases,
}

impl FamilyLine {
    pub fn total(&self) -> Purchases {
        Purchases {
            total_cents: self.awarded.total_cents + self.declared.total_cents,
            quality_cents: self.awarded.quality_cents + self.declared.quality_cents,
            organic_cents: self.awarded.organic_cents + self.declared.organic_cents,
        }
    }
}

/// Every family's purchases together.
pub fn total_of(families: &BTreeMap<Family, FamilyLine>) -> Purchases {
    let mut all = Purchases::default();
    for l in families.values() {
        let t = l.total();
        all.add_amounts(t.total_cents, t.quality_cents, t.organic_cents);
    }
    all
}

/// A buyer's panel for a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    pub buyer_id: i32,
    pub buyer_name: String,
    pub year: i32,
    /// The years with purchases or declarations, newest first (the current one always).
    pub years: Vec<i32>,
    pub families: BTreeMap<Family, FamilyLine>,
    /// The awards counted, for the computation shown: consultation id, title, product label,
    /// supplier, amount in cents, category code.
    pub awards: Vec<AwardLine>,
}

/// An award counted in the panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardLine {
    pub quote_id: i32,
    pub title: String,
    pub product: String,
    pub supplier: String,
    pub amount_cents: i64,
    pub egalim: super::food::Egalim,
}

impl Panel {
    /// Every family together.
    pub fn total(&self) -> Purchases {
        total_of(&self.families)
    }

    /// The yearly declaration as CSV: one row a family, then the total; amounts in euros with a
    /// decimal point, shares in percent.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "annee,famille,montant_total_ht,montant_durable_qualite_ht,montant_bio_ht,part_durable_qualite_pct,part_bio_pct\n",
        );
        let euros = |c: i64| format!("{}.{:02}", c / 100, c % 100);
        let pct = |p: Option<u32>| {
            p.map(|p| format!("{}.{}", p / 10, p % 10))
                .unwrap_or_default()
        };
        let mut row = |name: &str, p: Purchases| {
            out.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                self.year,
                name,
                euros(p.total_cents),
                euros(p.quality_cents),
                euros(p.organic_cents),
                pct(p.quality_permille()),
                pct(p.organic_permille()),
            ));
        };
        for (f, l) in &self.families {
            row(f.as_str(), l.total());
        }
        row("total", self.total());
        out
    }

    /// Whether the year meets both targets.
    pub fn meets_targets(&self) -> bool {
        self.total().meets_targets()
    }
}

/// The targets in words' numbers: (quality, organic) percent.
pub fn targets() -> (u32, u32) {
    (TARGET_QUALITY_PERCENT, TARGET_ORGANIC_PERCENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_fall_into_the_declarations_families() {
        assert_eq!(family_of("03221112"), Family::Fruileg);
        assert_eq!(family_of("03212100"), Family::Fruileg);
        assert_eq!(family_of("15551310"), Family::Lait);
        assert_eq!(family_of("15811000"), Family::Pain);
        assert_eq!(family_of("15812000"), Family::Pain);
        assert_eq!(family_of("15400000"), Family::Autre);
        assert_eq!(family_of("15110000"), Family::Viande);
        assert_eq!(family_of("03311000"), Family::Mer);
        assert_eq!(family_of("55520000"), Family::Autre);
        for f in Family::ALL {
            assert!(f.as_str().len() <= 8, "{f:?} is stored in 8 characters");
            assert_eq!(Family::parse(f.as_str()), Some(f));
        }
    }

    #[test]
    fn declared_amounts_hold_organic_in_quality_in_total() {
        let form = DeclaredForm {
            year: "2026".into(),
            family: "lait".into(),
            total: "10 000".into(),
            quality: "6 000,50".into(),
            organic: "2 500".into(),
        };
        let d = form.check(2026).unwrap();
        assert_eq!(d.family, Family::Lait);
        assert_eq!(d.purchases.quality_cents, 600_050);
        let fields = |f: DeclaredForm| match f.check(2026) {
            Err(AppError::Invalid(e)) => e.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields(DeclaredForm {
                quality: "12 000".into(),
                ..form.clone()
            }),
            ["quality"]
        );
        assert_eq!(
            fields(DeclaredForm {
                organic: "7 000".into(),
                ..form.clone()
            }),
            ["organic"]
        );
        assert_eq!(
            fields(DeclaredForm {
                year: "1990".into(),
                family: "caviar".into(),
                ..form.clone()
            }),
            ["year", "family"]
        );
        assert_eq!(
            fields(DeclaredForm {
                total: "-5".into(),
                ..form
            }),
            ["total"]
        );
    }

    #[test]
    fn the_panel_adds_awards_and_declarations_and_writes_the_declaration() {
        let mut families = BTreeMap::new();
        families.insert(
            Family::Fruileg,
            FamilyLine {
                awarded: Purchases {
                    total_cents: 24_000,
                    quality_cents: 24_000,
                    organic_cents: 24_000,
                },
                declared: Purchases {
                    total_cents: 76_000,
                    quality_cents: 26_000,
                    organic_cents: 0,
                },
            },
        );
        families.insert(
            Family::Lait,
            FamilyLine {
                awarded: Purchases::default(),
                declared: Purchases {
                    total_cents: 100_000,
                    quality_cents: 50_000,
                    organic_cents: 20_000,
                },
            },
        );
        let p = Panel {
            buyer_id: 1,
            buyer_name: "Collège".into(),
            year: 2026,
            years: vec![2026],
            families,
            awards: vec![],
        };
        let t = p.total();
        assert_eq!(
            (t.total_cents, t.quality_cents, t.organic_cents),
            (200_000, 100_000, 44_000)
        );
        assert_eq!(t.quality_permille(), Some(500));
        assert_eq!(t.organic_permille(), Some(220));
        assert!(p.meets_targets());
        let csv = p.csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1], "2026,fruileg,1000.00,500.00,240.00,50.0,24.0");
        assert_eq!(lines[3], "2026,total,2000.00,1000.00,440.00,50.0,22.0");
    }
}
