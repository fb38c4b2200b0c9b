//! BOAMP notices in the XML of the DILA's archives (one file per notice, in daily archives;
//! the schemas changed four times from 2006 to the eForms reform), each notice's tree read into
//! a [`Notice`]. The tree is the XML's, element names as keys (`server::sources::boamp_xml`
//! turns the bytes into it); the same tree is what the open-data API gives, as JSON, in its
//! `donnees` field for notices of those years.
//!
//! The schemas' element names are matched, not their paths: `IDWEB`, `DATE_PUBLICATION`,
//! `DATE_LIMITE_REPONSE`, `DENOMINATION`, `TITRE_MARCHE`, `CPV`, `LOT`, `TITULAIRE`… wherever
//! they sit, several spellings of each accepted (the API's flat names too), so that one reader
//! serves every version and a moved element is still found. What is said about the awardees
//! (`TITULAIRE`, `ATTRIBUTAIRE`) and about an earlier notice (`ANNONCE_ANTERIEURE`…)
//! is set apart first, so that their names, SIRETs and ids are never taken for the buyer's or
//! the notice's own.

use super::boamp::{cpvs, kind_of, lots, sirets, text, walk};
use super::notices::{clean, date_of, deadline_of, Notice, NoticeAwardee, NoticeKind, MAX_TITLE};
use serde_json::{Map, Value};

/// The notice's own id.
const ID: &[&str] = &["IDWEB", "ID_WEB", "IDANNONCE", "ID_ANNONCE"];
/// Its subject, the most precise first.
const TITLE: &[&str] = &[
    "TITRE_MARCHE",
    "OBJET_MARCHE",
    "INTITULE_MARCHE",
    "OBJET_COMPLET",
    "RESUME_OBJET",
    "OBJET",
];
/// The buyer's name.
const BUYER: &[&str] = &[
    "NOMACHETEUR",
    "NOM_ACHETEUR",
    "DENOMINATION",
    "NOM_OFFICIEL",
    "NOMORGANISME",
    "NOM_ORGANISME",
];
const PUBLISHED: &[&str] = &[
    "DATE_PUBLICATION",
    "DATEPARUTION",
    "DATE_PARUTION",
    "DATE_PUBLICATION_BOAMP",
];
const DEADLINE: &[&str] = &[
    "DATE_LIMITE_REPONSE",
    "DATELIMITEREPONSE",
    "DATE_LIMITE_RECEPTION",
    "DATE_RECEPTION_OFFRES",
    "RECEPT_OFFRES",
    "DATE_LIMITE",
];
const DEPARTMENTS: &[&str] = &[
    "DEPARTEMENT_PUBLICATION",
    "DEPARTEMENTS_PUBLICATION",
    "CODE_DEPARTEMENT",
    "DEPARTEMENT",
];
/// What kind of notice it is, in words of the schema ("APPEL_OFFRE", "ATTRIBUTION"…).
const NATURE: &[&str] = &[
    "NATURE",
    "NATURE_AVIS",
    "TYPE_AVIS",
    "FAMILLE",
    "TYPE_ANNONCE",
];
const STATE: &[&str] = &["ETAT", "ETAT_AVIS"];
const URL: &[&str] = &["URL_AVIS", "URL"];
/// Sections about the awardees: set apart from the buyer's.
const AWARDEE_SECTIONS: &[&str] = &["TITULAIRE", "ATTRIBUTAIRE"];
/// Sections pointing at an earlier notice (the call an award or a correction follows).
const EARLIER_SECTIONS: &[&str] = &[
    "ANNONCE_ANTERIEURE",
    "ANNONCE_LIE",
    "ANNONCE_INITIALE",
    "AVIS_INITIAL",
];
/// An awardee's name within its section.
const AWARDEE_NAME: &[&str] = &["DENOMINATION", "NOM_OFFICIEL", "NOM", "RAISON_SOCIALE"];

/// How deep the tree is read (the XML reader refuses deeper documents anyway).
const DEPTH: usize = 64;

fn is(key: &str, names: &[&str]) -> bool {
    names.iter().any(|n| key.eq_ignore_ascii_case(n))
}

fn section(key: &str, names: &[&str]) -> bool {
    let key = key.to_ascii_uppercase();
    names.iter().any(|n| key.contains(n))
}

/// The first text under one of `names`, depth first, in the order of `names`.
fn first(doc: &Value, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        let mut found = None;
        walk(doc, DEPTH, &mut |k, v| {
            if found.is_none() && is(k, &[n]) {
                found = text(Some(v));
            }
        });
        found
    })
}

/// Every text under one of `names`.
fn all(doc: &Value, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    walk(doc, DEPTH, &mut |k, v| {
        if is(k, names) {
            out.extend(super::boamp::texts(Some(v)));
        }
    });
    out
}

/// The tree without the sections named by `names` (returned apart, each once per occurrence).
fn set_apart(v: &Value, names: &[&str], apart: &mut Vec<Value>, depth: usize) -> Value {
    match v {
        Value::Object(o) if depth > 0 => {
            let mut kept = Map::new();
            for (k, x) in o {
                if section(k, names) {
                    // A list of sections (`TITULAIRES` holding `TITULAIRE`s): each inner one.
                    let mut inner = Vec::new();
                    set_apart(x, names, &mut inner, depth - 1);
                    if !inner.is_empty() {
                        apart.extend(inner);
                    } else if let Value::Array(a) = x {
                        apart.extend(a.iter().cloned());
                    } else {
                        apart.push(x.clone());
                    }
                } else {
                    kept.insert(k.clone(), set_apart(x, names, apart, depth - 1));
                }
            }
            Value::Object(kept)
        }
        Value::Array(a) if depth > 0 => Value::Array(
            a.iter()
                .map(|x| set_apart(x, names, apart, depth - 1))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The kind from the element names when no nature is written (an `ATTRIBUTION` section makes an
/// award notice…).
fn kind_from_sections(doc: &Value) -> Option<NoticeKind> {
    let mut keys = Vec::new();
    walk(doc, 4, &mut |k, _| keys.push(k.to_ascii_uppercase()));
    let any = |words: &[&str]| keys.iter().any(|k| words.iter().any(|w| k.contains(w)));
    if any(&["ANNULATION"]) {
        Some(NoticeKind::Cancellation)
    } else if any(&["ATTRIBUTION", "RESULTAT"]) {
        Some(NoticeKind::Award)
    } else if any(&["RECTIF", "MODIFICATION"]) {
        Some(NoticeKind::Modification)
    } else if any(&["PREINFORMATION", "PRE_INFORMATION"]) {
        Some(NoticeKind::Prior)
    } else if any(&["APPEL_OFFRE", "AVIS_MARCHE", "MAPA"]) {
        Some(NoticeKind::Contract)
    } else {
        None
    }
}

/// One notice of the archive; the warnings of what was guessed go to `warnings`.
pub fn read_notice(doc: &Value, warnings: &mut Vec<String>) -> Result<Notice, String> {
    if !doc.is_object() {
        return Err("pas un avis (élément vide)".into());
    }
    let mut earlier = Vec::new();
    let doc = set_apart(doc, EARLIER_SECTIONS, &mut earlier, DEPTH);
    let mut awarded = Vec::new();
    let own = set_apart(&doc, AWARDEE_SECTIONS, &mut awarded, DEPTH);

    let title = clean(&first(&own, TITLE).unwrap_or_default(), MAX_TITLE);
    let buyer_name = clean(&first(&own, BUYER).unwrap_or_default(), 300);
    let published = first(&own, PUBLISHED);
    let awardees: Vec<NoticeAwardee> = awarded
        .iter()
        .filter_map(|a| {
            let name = clean(
                &first(a, AWARDEE_NAME)
                    .or_else(|| text(Some(a)))
                    .unwrap_or_default(),
                300,
            );
            (!name.is_empty()).then(|| NoticeAwardee {
                name,
                siret: sirets(a).into_iter().next(),
            })
        })
        .collect();
    let id = first(&own, ID);
    if title.is_empty() && id.is_none() {
        return Err("ni objet ni identifiant".into());
    }
    let notice_id = match id {
        Some(id) => clean(&id, 100),
        None => {
            let names: Vec<&str> = awardees.iter().map(|a| a.name.as_str()).collect();
            let derived = super::sources::derived_id(
                "boamp-",
                &[
                    &buyer_name,
                    published.as_deref().unwrap_or(""),
                    &title,
                    &names.join(";"),
                ],
            );
            warnings.push(format!(
                "« {} » : identifiant vide, identifiant dérivé {derived}",
                clean(&title, 60)
            ));
            derived
        }
    };
    let nature = first(&own, NATURE);
    let kind = match nature.as_deref() {
        Some(n) => kind_of(&serde_json::json!({
            "nature": n,
            "nature_libelle": n,
            "etat": first(&own, STATE),
        })),
        None => None,
    }
    .or_else(|| kind_from_sections(&doc));
    if kind.is_none() {
        warnings.push(format!("{notice_id} : nature de l'avis inconnue"));
    }
    let published_on = published.as_deref().and_then(date_of);
    if published.is_some() && published_on.is_none() {
        warnings.push(format!("{notice_id} : date de parution illisible"));
    }
    let deadline = first(&own, DEADLINE);
    let deadline_at = deadline.as_deref().and_then(deadline_of);
    if deadline.is_some() && deadline_at.is_none() {
        warnings.push(format!("{notice_id} : date limite illisible"));
    }
    let mut departments: Vec<String> = Vec::new();
    for d in all(&own, DEPARTMENTS) {
        if let Some(d) = super::decp::record::normalise_departement(&d) {
            if !departments.contains(&d) {
                departments.push(d);
            }
        }
    }
    let url = first(&own, URL)
        .filter(|u| super::sources::valid_url(u))
        .or_else(|| {
            (!notice_id.starts_with("boamp-"))
                .then(|| format!("https://www.boamp.fr/pages/avis/?q=idweb:{notice_id}"))
        });
    let follows = earlier
        .iter()
        .find_map(|e| first(e, ID).or_else(|| text(Some(e))))
        .map(|s| clean(&s, 100))
        .filter(|s| !s.is_empty() && *s != notice_id);
    Ok(Notice {
        notice_id,
        kind,
        buyer_name,
        buyer_siret: sirets(&own).into_iter().next(),
        title,
        cpv: cpvs(&own),
        departments,
        published_on,
        deadline: deadline_at,
        url,
        lots: lots(&own),
        awardees,
        follows,
        estimate: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call() -> Value {
        json!({
            "GESTION": {
                "REFERENCE": {"IDWEB": "15-101234"},
                "INDEXATION": {
                    "DATE_PUBLICATION": "2015-03-12",
                    "DATE_LIMITE_REPONSE": "2015-04-10T12:00:00",
                    "DEPARTEMENT_PUBLICATION": ["69", "01"],
                    "NATURE": "APPEL_OFFRE",
                }
            },
            "DONNEES": {
                "IDENTITE": {"DENOMINATION": "Commune de Brignais", "SIRET": "216 901 231 00011"},
                "OBJET": {
                    "TITRE_MARCHE": "Restauration  scolaire\n des écoles",
                    "CPV": {"PRINCIPAL": "55523100-3"},
                    "LOTS": {"LOT": [
                        {"NUM": "1", "INTITULE": "Repas", "CPV": {"PRINCIPAL": "15894210"}},
                        {"NUM": "2", "INTITULE": "Goûters"}
                    ]}
                }
            }
        })
    }

    #[test]
    fn a_call_of_the_archives_is_read_whatever_the_schema_version_nests() {
        let mut warnings = Vec::new();
        let n = read_notice(&call(), &mut warnings).unwrap();
        assert_eq!(n.notice_id, "15-101234");
        assert_eq!(n.kind, Some(NoticeKind::Contract));
        assert_eq!(n.title, "Restauration scolaire des écoles");
        assert_eq!(n.buyer_name, "Commune de Brignais");
        assert_eq!(n.buyer_siret.as_deref(), Some("21690123100011"));
        assert_eq!(n.cpv, ["55523100", "15894210"]);
        assert_eq!(n.departments, ["69", "01"]);
        assert_eq!(n.published_on.unwrap().to_string(), "2015-03-12");
        assert_eq!(n.deadline.unwrap().to_string(), "2015-04-10 12:00:00");
        assert_eq!(n.lots.len(), 2);
        assert_eq!(n.lots[1].title, "Goûters");
        assert_eq!(
            n.url.as_deref(),
            Some("https://www.boamp.fr/pages/avis/?q=idweb:15-101234")
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        // The same elements elsewhere (another version's nesting), lower case as the API writes.
        let flat = json!({"idweb": "15-101234", "objet": "Restauration scolaire",
                          "nomacheteur": "Commune de Brignais", "nature": "APPEL_OFFRE"});
        let n = read_notice(&flat, &mut warnings).unwrap();
        assert_eq!(
            (n.notice_id.as_str(), n.buyer_name.as_str()),
            ("15-101234", "Commune de Brignais")
        );
    }

    #[test]
    fn an_award_keeps_its_awardees_and_earlier_notice_apart_from_the_buyer() {
        let award = json!({
            "GESTION": {"REFERENCE": {"IDWEB": "15-140001"}, "INDEXATION": {"DATE_PUBLICATION": "2015-06-01"}},
            "DONNEES": {
                "IDENTITE": {"DENOMINATION": "Commune de Brignais", "SIRET": "21690123100011"},
                "OBJET": {"TITRE_MARCHE": "Restauration scolaire"},
                "ANNONCE_ANTERIEURE": {"REFERENCE": {"IDWEB": "15-101234"}},
                "ATTRIBUTION": {"DECISION": [
                    {"TITULAIRES": {"TITULAIRE": [
                        {"DENOMINATION": "Les Cuisines du Garon", "SIRET": "120 027 016 00027"},
                        {"DENOMINATION": "Traiteur du Lyonnais"}
                    ]}},
                    {"TITULAIRE": "Ferme des Monts"}
                ]}
            }
        });
        let mut warnings = Vec::new();
        let n = read_notice(&award, &mut warnings).unwrap();
        assert_eq!(
            n.notice_id, "15-140001",
            "the earlier notice's id is not this one's"
        );
        assert_eq!(
            n.kind,
            Some(NoticeKind::Award),
            "from its ATTRIBUTION section"
        );
        assert_eq!(n.follows.as_deref(), Some("15-101234"));
        assert_eq!(n.buyer_name, "Commune de Brignais");
        assert_eq!(n.buyer_siret.as_deref(), Some("21690123100011"));
        let names: Vec<_> = n
            .awardees
            .iter()
            .map(|a| (a.name.as_str(), a.siret.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("Les Cuisines du Garon", Some("12002701600027")),
                ("Traiteur du Lyonnais", None),
                ("Ferme des Monts", None)
            ]
        );
    }

    #[test]
    fn a_dirty_notice_is_read_with_warnings_and_an_empty_one_rejected() {
        let dirty = json!({
            "GESTION": {"REFERENCE": {"IDWEB": ""}, "INDEXATION": {
                "DATE_PUBLICATION": "12 mars", "DATE_LIMITE_REPONSE": "bientôt",
                "DEPARTEMENT_PUBLICATION": "999"}},
            "DONNEES": {"OBJET": {"TITRE_MARCHE": {"#text": "Entretien des espaces verts", "BR": ""}}}
        });
        let mut warnings = Vec::new();
        let n = read_notice(&dirty, &mut warnings).unwrap();
        assert!(n.notice_id.starts_with("boamp-"));
        assert_eq!(n.title, "Entretien des espaces verts");
        assert!(n.url.is_none() && n.departments.is_empty() && n.kind.is_none());
        let all = warnings.join("\n");
        for expected in [
            "identifiant dérivé",
            "nature de l'avis inconnue",
            "date de parution illisible",
            "date limite illisible",
        ] {
            assert!(all.contains(expected), "{expected}: {all}");
        }
        // Read twice, the same id.
        assert_eq!(
            read_notice(&dirty, &mut Vec::new()).unwrap().notice_id,
            n.notice_id
        );
        assert!(read_notice(&json!({"GESTION": {"NOMFICHIER": "x.xml"}}), &mut warnings).is_err());
        assert!(read_notice(&json!("texte"), &mut warnings).is_err());
    }

    #[test]
    fn the_kind_is_read_from_the_nature_the_state_or_the_sections() {
        let k = |v: Value| read_notice(&v, &mut Vec::new()).unwrap().kind;
        assert_eq!(
            k(json!({"IDWEB": "1", "NATURE": "RECTIFICATIF"})),
            Some(NoticeKind::Modification)
        );
        assert_eq!(
            k(json!({"IDWEB": "1", "NATURE": "APPEL_OFFRE", "ETAT": "AVIS_ANNULE"})),
            Some(NoticeKind::Cancellation)
        );
        assert_eq!(
            k(json!({"IDWEB": "1", "DONNEES": {"RECTIF": {}}})),
            Some(NoticeKind::Modification)
        );
        assert_eq!(
            k(json!({"IDWEB": "1", "DONNEES": {"PREINFORMATION": {}}})),
            Some(NoticeKind::Prior)
        );
        assert_eq!(
            k(json!({"IDWEB": "1", "DONNEES": {"MAPA": {}}})),
            Some(NoticeKind::Contract)
        );
    }
}
