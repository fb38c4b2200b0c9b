//! Organisations: their kinds, sizes, inclusive statuses and membership roles, stored as strings.

use serde::{Deserialize, Serialize};

/// What an organisation is, which decides what its members can do.
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
pub enum OrgKind {
    /// acheteur public: usable for buyer actions once an admin verified it
    Buyer,
    /// entreprise, artisan, exploitation, SIAE/ESAT/EA: publishes offers at once; writes to
    /// others and joins consortia once a chamber analyst verified it
    Business,
    /// CCI, CMA, Chambre d'agriculture
    Chamber,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Business,
        OrgKind::Buyer,
        OrgKind::Chamber,
        OrgKind::Other,
    ];

    /// Whether someone must verify the organisation before its members act in its name (an
    /// administrator for buyers and chambers, a chamber analyst or an administrator for firms).
    pub fn needs_verification(self) -> bool {
        matches!(self, OrgKind::Buyer | OrgKind::Chamber | OrgKind::Business)
    }

    /// Whether chamber analysts verify it (firms; administrators verify the others, and may
    /// verify firms too).
    pub fn verified_by_chambers(self) -> bool {
        self == OrgKind::Business
    }

    pub fn label_key(self) -> &'static str {
        match self {
            OrgKind::Buyer => "org.kind.buyer",
            OrgKind::Business => "org.kind.business",
            OrgKind::Chamber => "org.kind.chamber",
            OrgKind::Other => "org.kind.other",
        }
    }
}

/// Size of a firm (INSEE categories, simplified).
pub const SIZES: [&str; 4] = ["micro", "small", "medium", "large"];

/// Inclusive structures, by kind: the five kinds of SIAE (insertion par l'activité économique:
/// atelier et chantier d'insertion, association intermédiaire, entreprise d'insertion,
/// entreprise de travail temporaire d'insertion, entreprise d'insertion par le travail
/// indépendant), the GEIQ (groupement d'employeurs pour l'insertion et la qualification), ESAT
/// and EA (entreprise adaptée); `siae` last: an SIAE whose kind was not said (all of them, before
/// the kinds were asked).
pub const INCLUSIVE: [&str; 9] = [
    "aci", "ai", "ei", "etti", "eiti", "geiq", "esat", "ea", "siae",
];

/// The kinds of SIAE, the one not said included.
pub const SIAE_KINDS: [&str; 6] = ["aci", "ai", "ei", "etti", "eiti", "siae"];

/// The stored kinds an "inclusive" filter matches: every kind for `any`, every SIAE for `iae`,
/// else the kind itself.
pub fn inclusive_matching(filter: &str) -> Vec<String> {
    match filter {
        "any" => INCLUSIVE.map(String::from).to_vec(),
        "iae" => SIAE_KINDS.map(String::from).to_vec(),
        k => vec![k.to_string()],
    }
}

/// A value of the "inclusive" filter: `any`, `iae` or one of [`INCLUSIVE`].
pub fn is_inclusive_filter(value: &str) -> bool {
    value == "any" || value == "iae" || INCLUSIVE.contains(&value)
}

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
pub enum MemberRole {
    Owner,
    Member,
}

/// Where a person's membership of an organisation stands: asked for, or granted by an owner.
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
pub enum MembershipStatus {
    Pending,
    Active,
}

/// The organisation form as submitted (every field a string, as a browser sends it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgForm {
    pub kind: String,
    pub siret: String,
    pub name: String,
    #[serde(default)]
    pub naf_code: String,
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub size: String,
    #[serde(default)]
    pub inclusive: String,
    /// The largest contract it can take on, in euros excluding VAT ("250 000").
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub description: String,
    /// A checkbox: present ("on") when ticked, absent otherwise.
    #[serde(default)]
    pub is_public: Option<String>,
}

/// A checked organisation form. The database checks (unique SIRET, known NAF and commune) come after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgInput {
    pub kind: OrgKind,
    pub siret: String,
    pub name: String,
    pub naf_code: Option<String>,
    pub commune: Option<String>,
    pub size: Option<String>,
    pub inclusive: Option<String>,
    pub capacity_eur: Option<i64>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub is_public: bool,
}

/// The largest declared capacity accepted: beyond it, a typing slip is likelier than a firm.
pub const MAX_CAPACITY_EUR: i64 = 10_000_000_000;

pub const MAX_DESCRIPTION: usize = 4000;

/// The same checks in the browser, as the person types.
impl crate::domain::validate::LiveChecked for OrgForm {
    fn field_errors(&self, _: &crate::domain::validate::Clock) -> Vec<crate::error::FieldError> {
        crate::domain::validate::field_errors_of(self.check())
    }
}

impl OrgForm {
    /// Checks every field, collecting one message per faulty field.
    pub fn check(&self) -> Result<OrgInput, crate::error::AppError> {
        use crate::domain::siret::{Siret, SiretError};
        use crate::domain::validate::Checker;
        let mut c = Checker::new();
        let kind = OrgKind::parse(self.kind.trim());
        if kind.is_none() {
            c.push("kind", "validation.unknown_choice");
        }
        let siret = match Siret::parse(&self.siret) {
            Ok(s) => s.as_str().to_string(),
            Err(SiretError::Format) => {
                c.push("siret", "validation.siret_format");
                String::new()
            }
            Err(SiretError::Checksum) => {
                c.push("siret", "validation.siret_checksum");
                String::new()
            }
        };
        let name = c.required("name", &self.name, 200);
        // A code in any written form, or the words of an activity: the server reads them back
        // against the NAF list (`infra::naf::resolve_naf`).
        let naf_code = c
            .optional("naf_code", &self.naf_code, 300)
            .map(|n| crate::domain::suggest::naf_code(&n).unwrap_or(n));
        let commune = c.optional("commune", &self.commune, 100);
        let size = c.optional("size", &self.size, 16);
        if size.as_deref().is_some_and(|s| !SIZES.contains(&s)) {
            c.push("size", "validation.unknown_choice");
        }
        let inclusive = c.optional("inclusive", &self.inclusive, 8);
        if inclusive
            .as_deref()
            .is_some_and(|s| !INCLUSIVE.contains(&s))
        {
            c.push("inclusive", "validation.unknown_choice");
        }
        let capacity_eur = c.decimal("capacity", &self.capacity, 0, 1, MAX_CAPACITY_EUR);
        let website = c.optional("website", &self.website, 300);
        if website.as_deref().is_some_and(|w| !is_web_url(w)) {
            c.push("website", "validation.url");
        }
        let description = c.optional("description", &self.description, MAX_DESCRIPTION);
        c.finish()?;
        Ok(OrgInput {
            kind: kind.unwrap_or(OrgKind::Other),
            siret,
            name,
            naf_code,
            commune,
            size,
            inclusive,
            capacity_eur,
            website,
            description,
            is_public: self.is_public.is_some(),
        })
    }
}

/// An http(s) URL with a dotted host and no spaces.
pub fn is_web_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            host.contains('.') && !host.starts_with('.') && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// One of the signed-in user's organisations, for the account page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyOrg {
    pub id: i32,
    pub name: String,
    pub siret: String,
    pub kind: OrgKind,
    pub verified: bool,
    pub needs_verification: bool,
    pub role: MemberRole,
    /// The user asked to join and waits for an owner.
    pub pending: bool,
    /// Shown in the public directory.
    pub public: bool,
}

/// An organisation's values in its owner's edit form (`commune`: the INSEE code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgEdit {
    pub id: i32,
    pub kind: OrgKind,
    pub siret: String,
    pub name: String,
    pub naf_code: Option<String>,
    pub commune: Option<String>,
    pub size: Option<String>,
    pub inclusive: Option<String>,
    pub capacity_eur: Option<i64>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub is_public: bool,
}

/// An organisation's public profile in the directory: what it chose to show, and the public
/// contracts it won according to the imported DECP (matched by SIRET).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicProfile {
    pub id: i32,
    pub name: String,
    pub siret: String,
    pub kind: OrgKind,
    /// Verified (a buyer or chamber by an administrator, a firm by a chamber analyst), or of a
    /// kind that needs none.
    pub verified: bool,
    /// NAF code and its French label.
    pub naf: Option<(String, String)>,
    /// INSEE code, name and department of its commune.
    pub commune: Option<(String, String, String)>,
    /// One of [`SIZES`].
    pub size: Option<String>,
    /// One of [`INCLUSIVE`].
    pub inclusive: Option<String>,
    /// The largest contract it says it can take on (euros excluding VAT).
    pub capacity_eur: Option<i64>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub won: Option<crate::domain::contracts::PartyStats>,
    /// Its published offers: (id, title, territorial labels in force), newest first.
    pub offers: Vec<(i32, String, Vec<super::label::LabelBadge>)>,
    /// Its published food offers whose season is said: (id, title, months), for its calendar.
    pub seasons: Vec<(i32, String, super::food::Months)>,
    /// Territorial labels in force, its own.
    pub tlabels: Vec<super::label::LabelBadge>,
    /// A buyer's planned procurements still to come (the first page), and how many in all.
    pub plans: Vec<super::programming::PlanSummary>,
    pub plans_total: u64,
}

/// An organisation waiting for an admin's verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingOrg {
    pub id: i32,
    pub name: String,
    pub siret: String,
    pub kind: OrgKind,
    pub created_by: Option<String>,
    pub created_at: String,
}

/// Someone who asked to join an organisation the user owns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingMember {
    pub membership_id: i32,
    pub user_name: String,
    pub user_email: String,
    pub organisation_name: String,
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_siae_filter_finds_every_kind_of_siae_and_only_them() {
        let iae = inclusive_matching("iae");
        assert!(iae.contains(&"etti".to_string()) && iae.contains(&"siae".to_string()));
        assert!(!iae.contains(&"geiq".to_string()) && !iae.contains(&"esat".to_string()));
        assert_eq!(inclusive_matching("ea"), ["ea"]);
        assert_eq!(inclusive_matching("any").len(), INCLUSIVE.len());
        assert!(is_inclusive_filter("iae") && is_inclusive_filter("geiq"));
        assert!(!is_inclusive_filter("siae_all"));
    }

    use super::*;

    #[test]
    fn kinds_round_trip_and_buyers_need_verification() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Some(k));
        }
        assert!(OrgKind::Buyer.needs_verification());
        assert!(OrgKind::Business.needs_verification());
        assert!(!OrgKind::Other.needs_verification());
        assert_eq!(OrgKind::parse("admin"), None);
    }

    fn form() -> OrgForm {
        OrgForm {
            kind: "business".into(),
            siret: "200 046 977 00019".into(),
            name: " Atelier Fictif ".into(),
            naf_code: "43.21a".into(),
            website: "https://atelier.example".into(),
            is_public: Some("on".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_form_is_normalised() {
        let input = form().check().unwrap();
        assert_eq!(input.siret, "20004697700019");
        assert_eq!(input.name, "Atelier Fictif");
        assert_eq!(input.naf_code.as_deref(), Some("43.21A"));
        assert!(input.is_public);
        assert_eq!(input.commune, None);
        assert_eq!(input.capacity_eur, None);
    }

    #[test]
    fn capacity_is_read_as_people_type_it() {
        let mut f = form();
        f.capacity = " 250 000 ".into();
        assert_eq!(f.check().unwrap().capacity_eur, Some(250_000));
        for bad in ["0", "-5", "beaucoup", "12,5", "99999999999"] {
            f.capacity = bad.into();
            let err = f.check().unwrap_err();
            assert!(err.field_error("capacity").is_some(), "{bad} accepted");
        }
    }

    #[test]
    fn every_bad_field_gets_its_message() {
        let mut f = form();
        f.kind = "pirate".into();
        f.siret = "20004697700018".into();
        f.name = "".into();
        f.website = "atelier.example".into();
        f.size = "huge".into();
        let err = f.check().unwrap_err();
        let key = |field| err.field_error(field).map(|e| e.key.clone());
        assert_eq!(key("kind").as_deref(), Some("validation.unknown_choice"));
        assert_eq!(key("siret").as_deref(), Some("validation.siret_checksum"));
        assert_eq!(key("name").as_deref(), Some("validation.required"));
        assert_eq!(key("website").as_deref(), Some("validation.url"));
        assert_eq!(key("size").as_deref(), Some("validation.unknown_choice"));
    }

    #[test]
    fn short_siret_is_a_format_error() {
        let mut f = form();
        f.siret = "123".into();
        assert_eq!(
            f.check().unwrap_err().field_error("siret").unwrap().key,
            "validation.siret_format"
        );
    }
}

crate::domain::stored_form!(OrgKind, MemberRole, MembershipStatus);
