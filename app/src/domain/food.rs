//! Local food for public catering (issue 23), the pure rules: the seasons a product is available
//! in, where a supplier delivers, the signs of quality that count for the EGalim targets, and
//! whether a food offer answers a quick consultation's need. The server feeds these with the
//! database's rows; nothing here reads a clock or a table.

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;

/// CPV divisions of food: agricultural products (03), food and drinks (15), catering services (55).
pub const FOOD_DIVISIONS: [&str; 3] = ["03", "15", "55"];

/// Whether a CPV code (8 digits) is a food product or a catering service.
pub fn is_food(cpv: &str) -> bool {
    FOOD_DIVISIONS.iter().any(|d| cpv.starts_with(d))
}

// ---------------------------------------------------------------------------------------------
// Seasons

/// The months a product is available in: bit 0 is January, bit 11 December.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Months(pub u16);

impl Months {
    pub const ALL: Months = Months(0x0fff);

    /// From month numbers (1–12); others are ignored.
    pub fn of(months: impl IntoIterator<Item = u32>) -> Self {
        Months(
            months
                .into_iter()
                .filter(|m| (1..=12).contains(m))
                .fold(0, |bits, m| bits | 1 << (m - 1)),
        )
    }

    /// The months from `first` to `last` (1–12), across the new year when `last` comes before
    /// `first`: November to February is November, December, January and February.
    pub fn range(first: u32, last: u32) -> Self {
        if !(1..=12).contains(&first) || !(1..=12).contains(&last) {
            return Months(0);
        }
        let mut m = first;
        let mut out = vec![m];
        while m != last {
            m = m % 12 + 1;
            out.push(m);
        }
        Months::of(out)
    }

    pub fn contains(self, month: u32) -> bool {
        (1..=12).contains(&month) && self.0 & (1 << (month - 1)) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 & 0x0fff == 0
    }

    /// The month numbers, January first.
    pub fn list(self) -> Vec<u32> {
        (1..=12).filter(|m| self.contains(*m)).collect()
    }

    /// Whether the product is available on some day from `from` to `to` (a delivery window;
    /// a window longer than a year holds every month).
    pub fn available_between(self, from: NaiveDate, to: NaiveDate) -> bool {
        if to < from {
            return false;
        }
        let (mut year, mut month) = (from.year(), from.month());
        for _ in 0..12 {
            if self.contains(month) {
                return true;
            }
            if (year, month) == (to.year(), to.month()) {
                return false;
            }
            (year, month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
        }
        false
    }
}

impl Months {
    /// The runs of consecutive months, each as (first, last), a run across the new year kept
    /// whole ("November to February"); every month is one run (12, 11) starting where the
    /// year's gap would be — callers say "all year" for [`Months::ALL`] first.
    pub fn spans(self) -> Vec<(u32, u32)> {
        if self.is_empty() {
            return Vec::new();
        }
        if self.0 & 0x0fff == 0x0fff {
            return vec![(1, 12)];
        }
        // Start after a month without: a run then never wraps past the start.
        let start = (1..=12).find(|m| !self.contains(*m)).unwrap_or(1);
        let mut out = Vec::new();
        let mut run: Option<(u32, u32)> = None;
        for k in 0..12 {
            let m = (start - 1 + k) % 12 + 1;
            match (self.contains(m), run) {
                (true, None) => run = Some((m, m)),
                (true, Some((first, _))) => run = Some((first, m)),
                (false, Some(r)) => {
                    out.push(r);
                    run = None;
                }
                (false, None) => {}
            }
        }
        out.extend(run);
        out
    }

    /// For a form or a database column: the bits, or none when no month is held.
    pub fn bits(self) -> i32 {
        i32::from(self.0 & 0x0fff)
    }
}

/// The French name of a month (1–12), lower case as in a sentence.
pub fn month_name(m: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    NAMES
        .get((m as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

/// The season in words: "toute l'année", "de septembre à avril", "en mai", "de mars à mai et
/// de septembre à octobre".
pub fn season_words(months: Months) -> String {
    if months.0 & 0x0fff == 0x0fff {
        return "toute l'année".into();
    }
    let parts: Vec<String> = months
        .spans()
        .into_iter()
        .map(|(a, b)| {
            if a == b {
                format!("en {}", month_name(a))
            } else {
                let de = if matches!(month_name(a).chars().next(), Some('a' | 'o')) {
                    "d'"
                } else {
                    "de "
                };
                format!("{de}{} à {}", month_name(a), month_name(b))
            }
        })
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

/// The unit a food product is sold and asked for in.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Unit {
    Kg,
    Piece,
    Litre,
    Portion,
}

impl Unit {
    pub const ALL: [Unit; 4] = [Unit::Kg, Unit::Piece, Unit::Litre, Unit::Portion];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// The translation key of its short name ("kg", "pièce").
    pub fn label_key(self) -> String {
        format!("food.unit.{}", self.as_str())
    }
}

/// The days of the week a supplier delivers: bit 0 is Monday, bit 6 Sunday.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Weekdays(pub u8);

impl Weekdays {
    /// From day numbers, Monday 1 to Sunday 7; others are ignored.
    pub fn of(days: impl IntoIterator<Item = u32>) -> Self {
        Weekdays(
            days.into_iter()
                .filter(|d| (1..=7).contains(d))
                .fold(0, |bits, d| bits | 1 << (d - 1)),
        )
    }

    pub fn contains(self, day: u32) -> bool {
        (1..=7).contains(&day) && self.0 & (1 << (day - 1)) != 0
    }

    pub fn list(self) -> Vec<u32> {
        (1..=7).filter(|d| self.contains(*d)).collect()
    }
}

/// The French name of a day of the week, Monday 1 to Sunday 7.
pub fn day_name(d: u32) -> &'static str {
    const NAMES: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    NAMES
        .get((d as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

/// What a food offer says besides the facts of every offer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FoodFacts {
    /// The months it is available in (at least one).
    pub months: Months,
    pub unit: Option<Unit>,
    pub days: Weekdays,
    /// Whether its business receives the quick consultations for it by email.
    pub quote_alerts: bool,
}

/// A food offer's facts as its public page shows them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FoodView {
    /// None: never said.
    pub season: Option<Months>,
    pub unit: Option<Unit>,
    pub days: Weekdays,
    /// What a purchase of it counts for today, by its signs.
    pub egalim: Egalim,
}

// ---------------------------------------------------------------------------------------------
// EGalim's signs of quality

/// What a sign counts for under EGalim (code rural, L230-5-1).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Egalim {
    /// Counts for nothing.
    None,
    /// "Sustainable and quality": counts towards the 50 %.
    Quality,
    /// Organic (or in conversion): towards the 20 %, and the 50 % too.
    Organic,
}

impl Egalim {
    /// The translation key of what it counts for.
    pub fn label_key(self) -> &'static str {
        match self {
            Egalim::None => "food.egalim.none",
            Egalim::Quality => "food.egalim.quality",
            Egalim::Organic => "food.egalim.organic",
        }
    }
}

/// A sign of quality that counts for EGalim, from `data/egalim_signs.csv` (its source beside it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sign {
    pub code: &'static str,
    pub name: &'static str,
    pub counts_for: Egalim,
    /// The last day the sign counts, when the law sets one.
    pub until: Option<NaiveDate>,
}

const SIGNS_CSV: &str = include_str!("data/egalim_signs.csv");

/// The legal list, in the file's order, read once. Its fields hold no comma (a unit test checks
/// the file).
pub fn signs() -> &'static [Sign] {
    static SIGNS: std::sync::LazyLock<Vec<Sign>> = std::sync::LazyLock::new(|| {
        SIGNS_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(|line| {
                let mut f = line.split(',');
                let (code, name, category, until) = (f.next()?, f.next()?, f.next()?, f.next());
                Some(Sign {
                    code,
                    name,
                    counts_for: match category {
                        "organic" => Egalim::Organic,
                        "quality" => Egalim::Quality,
                        _ => return None,
                    },
                    until: until.and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok()),
                })
            })
            .collect()
    });
    &SIGNS
}

/// The name of a sign, by its code.
pub fn sign_name(code: &str) -> Option<&'static str> {
    signs().iter().find(|s| s.code == code).map(|s| s.name)
}

/// What a purchase of a product bearing `signs` counts for, bought on `day`: the best of its
/// signs still valid that day (a sign whose end has passed counts for nothing).
pub fn egalim_of<'a>(signs_held: impl IntoIterator<Item = &'a str>, day: NaiveDate) -> Egalim {
    let list = signs();
    signs_held
        .into_iter()
        .filter_map(|code| list.iter().find(|s| s.code == code))
        .filter(|s| s.until.is_none_or(|end| day <= end))
        .map(|s| s.counts_for)
        .max()
        .unwrap_or(Egalim::None)
}

// ---------------------------------------------------------------------------------------------
// Matching a need with the food offers

/// Where a supplier delivers: communes (INSEE codes), departments, or within a radius of its farm.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Delivery {
    pub communes: BTreeSet<String>,
    pub departments: BTreeSet<String>,
    pub radius_km: Option<f64>,
    /// The farm's or workshop's position (latitude, longitude), from its commune.
    pub origin: Option<(f64, f64)>,
}

/// A place to deliver to: its commune and that commune's position.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub insee: String,
    pub position: Option<(f64, f64)>,
}

impl Delivery {
    /// Whether the supplier delivers to `place`: named among its communes (a city's
    /// arrondissements are the city), in one of its departments, or within its radius.
    pub fn serves(&self, place: &Place) -> bool {
        let city = super::geo::whole_commune(&place.insee);
        if self.communes.contains(&place.insee) || self.communes.contains(city) {
            return true;
        }
        let department = super::geo::department_of_commune(&place.insee);
        if self.departments.iter().any(|d| *d == department) {
            return true;
        }
        match (self.radius_km, self.origin, place.position) {
            (Some(r), Some(from), Some(to)) => super::geo::distance_km(from, to) <= r,
            _ => false,
        }
    }

    /// Says nothing of where it delivers: such an offer is matched on nothing else.
    pub fn is_unknown(&self) -> bool {
        self.communes.is_empty() && self.departments.is_empty() && self.radius_km.is_none()
    }
}

/// A food offer as matching needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct FoodOffer {
    pub offer_id: i32,
    pub supplier_id: i32,
    pub cpv: Vec<String>,
    pub months: Months,
    pub delivery: Delivery,
    pub signs: Vec<String>,
}

/// One product a buyer asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct Need {
    pub cpv: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub place: Place,
    /// Signs required (any one of them); empty: any product.
    pub required_signs: Vec<String>,
}

/// Whether two CPV codes name the same product or one holds the other: the vegetables an offer
/// sells include the carrots asked for, and a carrot grower answers a need for vegetables.
pub fn same_product(a: &str, b: &str) -> bool {
    let (pa, pb) = (super::cpv::prefix_of(a, 8), super::cpv::prefix_of(b, 8));
    pa.starts_with(&pb) || pb.starts_with(&pa)
}

/// Whether `offer` answers `need`: the product, in season during the delivery window, delivered
/// to the place, with one of the required signs.
pub fn answers(offer: &FoodOffer, need: &Need) -> bool {
    offer.cpv.iter().any(|c| same_product(c, &need.cpv))
        && offer.months.available_between(need.from, need.to)
        && offer.delivery.serves(&need.place)
        && (need.required_signs.is_empty()
            || need
                .required_signs
                .iter()
                .any(|s| offer.signs.iter().any(|h| h == s)))
}

/// The suppliers to notify for `needs`: each once, however many of its offers or of the needs
/// match, in the order of their ids.
pub fn suppliers_to_notify(offers: &[FoodOffer], needs: &[Need]) -> Vec<i32> {
    offers
        .iter()
        .filter(|o| needs.iter().any(|n| answers(o, n)))
        .map(|o| o.supplier_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_season_may_run_across_the_new_year() {
        let winter = Months::range(11, 2);
        assert_eq!(winter.list(), [1, 2, 11, 12]);
        assert!(winter.available_between(day("2027-01-10"), day("2027-01-20")));
        assert!(winter.available_between(day("2026-12-28"), day("2027-01-03")));
        assert!(!winter.available_between(day("2027-03-01"), day("2027-10-31")));
        // A window from October into November reaches the season's first month.
        assert!(winter.available_between(day("2027-10-20"), day("2027-11-02")));
        // A window across the new year, in a spring-only season: no.
        let spring = Months::range(3, 5);
        assert!(!spring.available_between(day("2026-12-01"), day("2027-02-28")));
        assert!(spring.available_between(day("2027-03-15"), day("2027-03-19")));
        // A window of more than a year holds every month; a window upside down holds none.
        assert!(spring.available_between(day("2027-06-01"), day("2028-07-01")));
        assert!(!Months::ALL.available_between(day("2027-03-10"), day("2027-03-01")));
        assert_eq!(Months::range(5, 5).list(), [5]);
        assert_eq!(Months::range(0, 13), Months(0));
        assert_eq!(Months::of([1, 13, 0, 12]).list(), [1, 12]);
    }

    #[test]
    fn a_season_in_words() {
        assert_eq!(season_words(Months::ALL), "toute l'année");
        assert_eq!(season_words(Months::range(9, 4)), "de septembre à avril");
        assert_eq!(Months::range(9, 4).spans(), [(9, 4)]);
        assert_eq!(season_words(Months::of([5])), "en mai");
        assert_eq!(
            season_words(Months::of([3, 4, 5, 8, 10, 11])),
            "de mars à mai, en août et d'octobre à novembre"
        );
        assert_eq!(season_words(Months::range(11, 2)), "de novembre à février");
        assert_eq!(season_words(Months(0)), "");
        assert_eq!(Months::of([1, 12]).spans(), [(12, 1)]);
    }

    #[test]
    fn units_and_days() {
        assert_eq!(Unit::parse("kg"), Some(Unit::Kg));
        assert_eq!(Unit::parse("piece").map(Unit::as_str), Some("piece"));
        assert_eq!(Unit::parse("tonne"), None);
        let d = Weekdays::of([1, 4, 9]);
        assert_eq!(d.list(), [1, 4]);
        assert_eq!(day_name(4), "jeudi");
        assert_eq!(day_name(0), "");
        assert_eq!(month_name(13), "");
    }

    #[test]
    fn the_legal_list_of_signs_reads_whole() {
        let list = signs();
        assert_eq!(
            list.len(),
            SIGNS_CSV.lines().skip(1).filter(|l| !l.is_empty()).count()
        );
        for line in SIGNS_CSV.lines() {
            assert_eq!(line.split(',').count(), 4, "a comma inside a field: {line}");
        }
        assert_eq!(sign_name("label_rouge"), Some("Label Rouge"));
        assert!(
            list.iter()
                .filter(|s| s.counts_for == Egalim::Organic)
                .count()
                == 2
        );
        assert_eq!(
            list.iter().find(|s| s.code == "cen2").unwrap().until,
            Some(day("2026-12-31"))
        );
    }

    #[test]
    fn a_purchase_counts_for_its_best_sign_still_valid() {
        let d = day("2027-03-01");
        assert_eq!(egalim_of(["label_rouge", "ab"], d), Egalim::Organic);
        assert_eq!(egalim_of(["ab_conversion"], d), Egalim::Organic);
        assert_eq!(egalim_of(["igp"], d), Egalim::Quality);
        assert_eq!(egalim_of(["rge", "unknown"], d), Egalim::None);
        assert_eq!(egalim_of([], d), Egalim::None);
        // Level 2 certification counted until the end of 2026, not after.
        assert_eq!(egalim_of(["cen2"], day("2026-12-31")), Egalim::Quality);
        assert_eq!(egalim_of(["cen2"], day("2027-01-01")), Egalim::None);
    }

    fn vaulx() -> Place {
        Place {
            insee: "69256".into(),
            position: Some((45.7786, 4.9217)),
        }
    }

    fn gardener() -> FoodOffer {
        FoodOffer {
            offer_id: 1,
            supplier_id: 10,
            // Vegetables: carrots asked for are among them.
            cpv: vec!["03221000".into()],
            months: Months::range(9, 4),
            delivery: Delivery {
                communes: ["69266".to_string()].into(),
                departments: BTreeSet::new(),
                radius_km: Some(25.0),
                // Brindas, west of Lyon.
                origin: Some((45.7206, 4.6975)),
            },
            signs: vec!["ab".into()],
        }
    }

    fn carrots(from: &str, to: &str) -> Need {
        Need {
            cpv: "03221112".into(),
            from: day(from),
            to: day(to),
            place: vaulx(),
            required_signs: vec![],
        }
    }

    #[test]
    fn an_offer_answers_a_need_by_product_season_place_and_signs() {
        let need = carrots("2027-03-22", "2027-03-26");
        assert!(answers(&gardener(), &need));
        // Out of season (May to August).
        assert!(!answers(&gardener(), &carrots("2027-06-01", "2027-06-30")));
        // Another product: bread.
        let bread = Need {
            cpv: "15811100".into(),
            ..need.clone()
        };
        assert!(!answers(&gardener(), &bread));
        // A need for vegetables in general finds the carrot grower too.
        let vegetables = Need {
            cpv: "03221000".into(),
            ..need.clone()
        };
        let mut carrot_grower = gardener();
        carrot_grower.cpv = vec!["03221112".into()];
        assert!(answers(&carrot_grower, &vegetables));
        // Required signs: any one of them.
        let organic = Need {
            required_signs: vec!["ab".into(), "ab_conversion".into()],
            ..need.clone()
        };
        assert!(answers(&gardener(), &organic));
        let label_rouge = Need {
            required_signs: vec!["label_rouge".into()],
            ..need.clone()
        };
        assert!(!answers(&gardener(), &label_rouge));
    }

    #[test]
    fn delivery_by_commune_department_or_radius() {
        let far = Place {
            // Villefranche-sur-Saône, about 40 km north.
            insee: "69264".into(),
            position: Some((45.9897, 4.7190)),
        };
        let mut d = gardener().delivery;
        assert!(d.serves(&vaulx()), "within 25 km of the farm");
        assert!(!d.serves(&far), "beyond the radius, not named");
        d.communes.insert("69264".into());
        assert!(d.serves(&far), "named among the communes");
        // A city named stands for its arrondissements.
        let lyon3 = Place {
            insee: "69383".into(),
            position: None,
        };
        let mut lyon = Delivery::default();
        lyon.communes.insert("69123".into());
        assert!(lyon.serves(&lyon3));
        // A department; the Métropole's communes are in the Rhône's 69.
        let mut rhone = Delivery::default();
        rhone.departments.insert("69".into());
        assert!(rhone.serves(&far) && rhone.serves(&lyon3));
        // No radius without the farm's position; nothing said: nowhere.
        let blind = Delivery {
            radius_km: Some(50.0),
            ..Default::default()
        };
        assert!(!blind.serves(&vaulx()));
        assert!(Delivery::default().is_unknown() && !Delivery::default().serves(&vaulx()));
    }

    #[test]
    fn each_supplier_is_notified_once() {
        let need = carrots("2027-03-22", "2027-03-26");
        let mut second = gardener();
        second.offer_id = 2;
        let mut other_farm = gardener();
        other_farm.offer_id = 3;
        other_farm.supplier_id = 11;
        other_farm.delivery = Delivery::default();
        let joinery = FoodOffer {
            offer_id: 4,
            supplier_id: 12,
            cpv: vec!["45421000".into()],
            months: Months::ALL,
            delivery: gardener().delivery,
            signs: vec![],
        };
        let potatoes = Need {
            cpv: "03212100".into(),
            ..need.clone()
        };
        assert_eq!(
            suppliers_to_notify(
                &[gardener(), second, other_farm, joinery],
                &[need, potatoes]
            ),
            [10]
        );
    }
}
