//! The demo's public buyers: real bodies of the Métropole de Lyon and around it, with the names
//! and SIRETs of the DECP data (the shipped 2019 records and the consolidated tabular file), but
//! the Métropole itself, whose SIREN is the EPCI code of the communes list (200046977, seat
//! 00019). Their people are fictitious and say so.

pub struct Buyer {
    /// A short key the rest of the demo refers to.
    pub key: &'static str,
    pub siret: &'static str,
    pub name: &'static str,
    pub commune: &'static str,
    pub verified: bool,
    /// Outside the Métropole: the countryside the programme cooperates with.
    pub rural: bool,
    /// The buyer profile its notices are published on.
    pub profile: &'static str,
}

const fn b(
    key: &'static str,
    siret: &'static str,
    name: &'static str,
    commune: &'static str,
    rural: bool,
    profile: &'static str,
) -> Buyer {
    Buyer {
        key,
        siret,
        name,
        commune,
        verified: true,
        rural,
        profile,
    }
}

const GRANDLYON: &str = "https://marchespublics.grandlyon.com/";
const MPI: &str = "https://www.marches-publics.info/";
const PLACE: &str = "https://www.marches-publics.gouv.fr/";
const AURA: &str = "https://marchespublics.auvergnerhonealpes.eu/";

/// The buyers the core demo (`super::orgs`) does not already create.
pub const BUYERS: &[Buyer] = &[
    b(
        "metropole",
        "20004697700019",
        "Métropole de Lyon",
        "69123",
        false,
        GRANDLYON,
    ),
    b(
        "grandlyon_habitat",
        "39989834500018",
        "Grandlyon Habitat",
        "69123",
        false,
        GRANDLYON,
    ),
    b(
        "villeurbanne",
        "21690266800013",
        "Ville de Villeurbanne",
        "69266",
        false,
        MPI,
    ),
    b(
        "chassieu",
        "21690271800016",
        "Ville de Chassieu",
        "69271",
        false,
        MPI,
    ),
    b(
        "francheville",
        "21690089400017",
        "Commune de Francheville",
        "69089",
        false,
        MPI,
    ),
    b(
        "caluire",
        "21690034000011",
        "Ville de Caluire-et-Cuire",
        "69034",
        false,
        MPI,
    ),
    b(
        "oullins",
        "21690149600010",
        "Ville d'Oullins-Pierre-Bénite",
        "69149",
        false,
        MPI,
    ),
    b(
        "corbas",
        "21690273400013",
        "Commune de Corbas",
        "69273",
        false,
        AURA,
    ),
    b(
        "ecully",
        "21690081100011",
        "Commune d'Écully",
        "69081",
        false,
        AURA,
    ),
    b(
        "meyzieu",
        "21690282500019",
        "Commune de Meyzieu",
        "69282",
        false,
        AURA,
    ),
    b(
        "decines",
        "21690275900010",
        "Commune de Décines-Charpieu",
        "69275",
        false,
        AURA,
    ),
    b(
        "saint_fons",
        "21690199100010",
        "Commune de Saint-Fons",
        "69199",
        false,
        AURA,
    ),
    b(
        "craponne",
        "21690069600016",
        "Commune de Craponne",
        "69069",
        false,
        AURA,
    ),
    b(
        "jonage",
        "21690279100013",
        "Commune de Jonage",
        "69279",
        false,
        AURA,
    ),
    b(
        "neuville",
        "21690143900010",
        "Commune de Neuville-sur-Saône",
        "69143",
        false,
        AURA,
    ),
    b(
        "ouest_rhodanien",
        "20004056600016",
        "Communauté de l'Ouest Rhodanien",
        "69243",
        true,
        AURA,
    ),
    b(
        "chabaniere",
        "20006585200010",
        "Commune de Chabanière",
        "69228",
        true,
        AURA,
    ),
    b(
        "pierres_dorees",
        "20004057400010",
        "Communauté de communes Beaujolais Pierres Dorées",
        "69009",
        true,
        AURA,
    ),
    b(
        "arbresle",
        "24690062500012",
        "Communauté de communes du Pays de l'Arbresle",
        "69010",
        true,
        AURA,
    ),
    b(
        "saint_germain_nuelles",
        "20003434600011",
        "Commune de Saint-Germain-Nuelles",
        "69208",
        true,
        AURA,
    ),
    b(
        "ain",
        "22010001000010",
        "Département de l'Ain",
        "01053",
        true,
        PLACE,
    ),
    b(
        "isere",
        "22380001200013",
        "Département de l'Isère",
        "38185",
        true,
        PLACE,
    ),
    b(
        "cotiere",
        "24010061000080",
        "Communauté de communes de la Côtière à Montluel",
        "01262",
        true,
        AURA,
    ),
];

/// The core demo's buyers (created by `super::orgs`), by key, for the plans to refer to.
pub const CORE_BUYERS: &[(&str, &str)] = &[
    ("lyon", "21690123100011"),
    ("vaulx", "21690256900013"),
    ("sainte_foy", "21690202300011"),
    ("irigny", "21690100900011"),
];

/// Communes of the Métropole where fictitious firms stand (INSEE codes).
pub const METRO_COMMUNES: &[&str] = &[
    "69381", "69383", "69387", "69388", "69389", "69266", "69256", "69259", "69290", "69029",
    "69034", "69089", "69149", "69244", "69204", "69275", "69282", "69273", "69091", "69081",
    "69202", "69199", "69286", "69143", "69069", "69279", "69100", "69276",
];

/// Communes around it (Rhône, Ain, Isère): the farms, and firms of the countryside.
pub const AROUND_COMMUNES: &[&str] = &[
    "69255", "69141", "69027", "69043", "69094", "69021", "69243", "69010", "69228", "69009",
    "69264", "69208", "69190", "69154", "69177", "69291", "69288", "69277", "01249", "01043",
    "01244", "01262", "01457", "01053", "38544", "38138", "38189", "38185",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buyers_are_real_sirets_and_enough_of_them() {
        let all: Vec<&str> = BUYERS
            .iter()
            .map(|b| b.siret)
            .chain(CORE_BUYERS.iter().map(|(_, s)| *s))
            .collect();
        for s in &all {
            assert!(crate::domain::siret::Siret::parse(s).is_ok(), "{s}");
        }
        let metro = BUYERS.iter().filter(|b| !b.rural).count() + CORE_BUYERS.len();
        let rural = BUYERS.iter().filter(|b| b.rural).count();
        assert!(metro >= 11 && rural >= 4, "{metro} {rural}");
        let mut keys: Vec<&str> = BUYERS.iter().map(|b| b.key).collect();
        keys.extend(CORE_BUYERS.iter().map(|(k, _)| *k));
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "keys are unique");
    }
}
