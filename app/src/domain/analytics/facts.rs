//! The compact facts the dashboards add up: one per contract, one per awardee, built once from
//! the database by the server and kept in memory (see `server::analytics`).

use serde::{Deserialize, Serialize};

/// Where an awardee (or a place of execution) stands from the Métropole's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Zone {
    /// A commune of the Métropole de Lyon.
    Metropole,
    /// Department 69 outside the Métropole.
    Rhone,
    /// Department 69, commune unknown (the consolidated DECP gives the department only).
    Dept69,
    /// Auvergne-Rhône-Alpes outside department 69.
    Region,
    /// Anywhere else (France or abroad).
    Elsewhere,
    /// Not found: no SIRET, or a SIRET neither on the platform nor in an imported extract.
    Unknown,
}

impl Zone {
    pub const ALL: [Zone; 6] = [
        Zone::Metropole,
        Zone::Rhone,
        Zone::Dept69,
        Zone::Region,
        Zone::Elsewhere,
        Zone::Unknown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Zone::Metropole => "metropole",
            Zone::Rhone => "rhone",
            Zone::Dept69 => "dept69",
            Zone::Region => "region",
            Zone::Elsewhere => "ailleurs",
            Zone::Unknown => "inconnu",
        }
    }

    /// From a department code and, when known, whether the commune is in the Métropole.
    pub fn of(department: &str, region: Option<&str>, in_metropole: Option<bool>) -> Zone {
        match (department, in_metropole) {
            ("69", Some(true)) => Zone::Metropole,
            ("69", Some(false)) => Zone::Rhone,
            ("69", None) => Zone::Dept69,
            (d, _) if region == Some(REGION) || REGION_DEPARTMENTS.contains(&d) => Zone::Region,
            ("", _) => Zone::Unknown,
            _ => Zone::Elsewhere,
        }
    }
}

/// Auvergne-Rhône-Alpes (INSEE region code) and its departments.
pub const REGION: &str = "84";
pub const REGION_DEPARTMENTS: [&str; 12] = [
    "01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74",
];

pub const NO_YEAR: u16 = 0;
pub const NO_CODE: u8 = u8::MAX;
pub const NO_PLACE: u16 = u16::MAX;

/// Social consideration stated (2022 format): the other social bits mean nothing without it.
pub const SOCIAL_STATED: u8 = 1;
/// A social clause or criterion, or a reserved market.
pub const SOCIAL_ANY: u8 = 2;
/// A reserved market (art. L2113-12 to -16: inclusive enterprises, ESAT, EA, SIAE).
pub const RESERVED: u8 = 4;
pub const ENV_STATED: u8 = 8;
/// An environmental clause or criterion.
pub const ENV_ANY: u8 = 16;
/// The object names a lot ("Lot 3 : …"): the DECP has no lot field, this is the sign left.
pub const ALLOTTED: u8 = 32;

/// One contract, 32 bytes: 2M of them hold in 64 MB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fact {
    /// Initial amount in cents; negative when not published.
    pub amount_cents: i64,
    /// Index of the buyer in the snapshot's buyer list.
    pub buyer: u32,
    /// First of its awardees in the snapshot's awardee list.
    pub awardees_from: u32,
    /// Year of notification, [`NO_YEAR`] when unknown.
    pub year: u16,
    /// Index of the place of execution in the snapshot's places, [`NO_PLACE`] when unknown.
    pub place: u16,
    /// Index in `trades::all()` ("autres" when no CPV).
    pub trade: u8,
    /// CPV division (00–99), [`NO_CODE`] when no CPV.
    pub division: u8,
    /// Index in `Procedure::ALL`, [`NO_CODE`] when not stated.
    pub procedure: u8,
    /// Offers received, capped at 255; 0 when not stated.
    pub offers: u8,
    /// The bits above.
    pub flags: u8,
    /// How many awardees (capped at 255).
    pub awardees: u8,
}

/// One awardee of a contract: where it stands, and its place on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AwardeeFact {
    pub zone: Zone,
    /// Index in the snapshot's places, [`NO_PLACE`] when only the department (or nothing) is
    /// known.
    pub place: u16,
    /// Index of its SIRET in the snapshot's firms, [`NO_FIRM`] when it has none.
    pub firm: u32,
}

pub const NO_FIRM: u32 = u32::MAX;

/// Everything the dashboards read.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub contracts: Vec<Fact>,
    pub awardees: Vec<AwardeeFact>,
    /// (SIRET, name) of each buyer.
    pub buyers: Vec<(String, String)>,
    /// SIRETs of the awardees.
    pub firms: Vec<String>,
    /// Map areas: a Métropole commune's INSEE code, or an area code of `geo::area_code`
    /// ("69D", "01"…).
    pub places: Vec<String>,
}

/// Whether a contract's object names a lot: "Lot 2", "lot n°3", "LOT 04 -", "(lot 1)".
pub fn names_a_lot(object: &str) -> bool {
    let lower = object.to_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(at) = lower[from..].find("lot") {
        let start = from + at;
        let end = start + 3;
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let rest = lower[end..].trim_start_matches([' ', '\u{a0}', '.', ':']);
        let rest = rest
            .strip_prefix("n°")
            .or_else(|| rest.strip_prefix("nº"))
            .or_else(|| rest.strip_prefix("no "))
            .or_else(|| rest.strip_prefix('n'))
            .unwrap_or(rest)
            .trim_start();
        if before_ok && rest.starts_with(|c: char| c.is_ascii_digit()) {
            return true;
        }
        from = end;
    }
    false
}

/// The flags of a contract from its stored social and environmental codes (comma-separated,
/// `decp::vocab`) and its object.
pub fn flags(social: Option<&str>, environmental: Option<&str>, object: Option<&str>) -> u8 {
    let mut f = 0;
    if let Some(s) = social.filter(|s| !s.is_empty()) {
        f |= SOCIAL_STATED;
        for code in s.split(',') {
            match code.trim() {
                "clause" | "critere" => f |= SOCIAL_ANY,
                "reserve" => f |= SOCIAL_ANY | RESERVED,
                _ => {}
            }
        }
    }
    if let Some(s) = environmental.filter(|s| !s.is_empty()) {
        f |= ENV_STATED;
        if s.split(',')
            .any(|c| matches!(c.trim(), "clause" | "critere"))
        {
            f |= ENV_ANY;
        }
    }
    if object.is_some_and(names_a_lot) {
        f |= ALLOTTED;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_is_32_bytes() {
        assert_eq!(std::mem::size_of::<Fact>(), 32);
    }

    #[test]
    fn zones_from_what_is_known() {
        assert_eq!(Zone::of("69", Some("84"), Some(true)), Zone::Metropole);
        assert_eq!(Zone::of("69", Some("84"), Some(false)), Zone::Rhone);
        assert_eq!(Zone::of("69", None, None), Zone::Dept69);
        assert_eq!(Zone::of("38", None, None), Zone::Region);
        assert_eq!(Zone::of("75", Some("11"), Some(false)), Zone::Elsewhere);
        assert_eq!(Zone::of("", None, None), Zone::Unknown);
    }

    #[test]
    fn lots_are_read_from_objects() {
        for yes in [
            "Lot 2 : menuiseries",
            "Rénovation école - lot n°3 plomberie",
            "LOT 04 - CVC",
            "Travaux (lot 1)",
            "Lot n° 12 peinture",
        ] {
            assert!(names_a_lot(yes), "{yes}");
        }
        for no in [
            "Lotissement Les Pins",
            "Pilotage du chantier",
            "Lot unique",
            "Ballots 3",
        ] {
            assert!(!names_a_lot(no), "{no}");
        }
    }

    #[test]
    fn flags_from_stored_codes() {
        let f = flags(
            Some("clause,reserve"),
            Some("aucune"),
            Some("Lot 1 : repas"),
        );
        assert_eq!(
            f,
            SOCIAL_STATED | SOCIAL_ANY | RESERVED | ENV_STATED | ALLOTTED
        );
        assert_eq!(flags(None, None, None), 0);
        assert_eq!(
            flags(Some("aucune"), Some("critere"), None),
            SOCIAL_STATED | ENV_STATED | ENV_ANY
        );
    }
}
