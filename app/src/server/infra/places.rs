//! Communes as the site names and finds them: what a person typed read back as a commune, the
//! label forms show, the communes whose position is known, the ones within a distance, and the
//! names of areas. Reference data shared by the directory, the catalogue, organisations' and
//! partner requests' forms.

use crate::domain::directory::Place;
use crate::domain::geo;
use crate::domain::suggest::{code_in_parentheses, Suggestion, MIN_WORDS};
use crate::error::{AppError, FieldError};
use crate::server::infra::entities::communes;
use crate::server::infra::reference::{COMMUNES_CSV, METROPOLE_CSV, POSTAL_CSV};
use crate::server::infra::search::schema::fold;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::{HashMap, HashSet};

/// Resolves what a person typed for a commune: an INSEE code, a label with its code ("Saint-Priest
/// (69290)", as a chosen suggestion and edit forms write it), a postal code of one commune, a
/// name that is unique in France (case, accents and hyphens aside), or words that only one
/// commune's name holds ("Lyon 3e"). None otherwise: `commune_error` says why.
pub async fn resolve_commune(
    db: &impl ConnectionTrait,
    input: &str,
) -> Result<Option<communes::Model>, AppError> {
    Ok(match resolve_insee(input) {
        Some(insee) => communes::Entity::find_by_id(insee).one(db).await?,
        None => None,
    })
}

fn resolve_insee(input: &str) -> Option<String> {
    match candidates(input).as_slice() {
        [only] => Some(only.insee.clone()),
        _ => None,
    }
}

/// The communes a text may designate, the surest reading first: a code (INSEE, or postal — in
/// the Métropole the two often coincide: 69100 is Irigny's INSEE code and Villeurbanne's postal
/// code, so both), else the communes bearing the name whole, else those whose name holds the words.
fn candidates(input: &str) -> Vec<&'static Commune> {
    let input = input.trim();
    let code = code_in_parentheses(input).unwrap_or(input);
    if code.len() == 5 && code.chars().all(|c| c.is_ascii_alphanumeric()) {
        let code = code.to_uppercase();
        if let Some(c) = index().iter().find(|c| c.insee == code) {
            // A label's code in parentheses is an INSEE code, as suggestions write it.
            if code_in_parentheses(input).is_some() {
                return vec![c];
            }
        }
        return index()
            .iter()
            .filter(|c| c.insee == code || c.postal.contains(&code))
            .collect();
    }
    let (folded, wanted) = folded(input);
    let homonyms: Vec<&Commune> = index().iter().filter(|c| c.folded == folded).collect();
    if !homonyms.is_empty() || folded.len() < MIN_WORDS {
        return homonyms;
    }
    index().iter().filter(|c| holds(c, &wanted)).collect()
}

/// Each word typed begins one of the name's words.
fn holds(c: &Commune, wanted: &[String]) -> bool {
    wanted
        .iter()
        .all(|w| c.words.iter().any(|n| n.starts_with(w.as_str())))
}

/// Why `typed` is not one commune, for the form's `field`: the communes it may designate, to
/// choose among, or none known.
pub fn commune_error(field: &str, typed: &str) -> FieldError {
    let found = candidates(typed);
    if found.len() > 1 {
        let (folded, _) = folded(typed);
        let listed: Vec<String> = rank(found, &folded)
            .into_iter()
            .take(SUGGESTED)
            .map(|s| s.value)
            .collect();
        FieldError::with_arg(field, "validation.commune_homonyms", listed.join(", "))
    } else {
        FieldError::with_arg(field, "validation.unknown_commune_named", typed.trim())
    }
}

/// Suggestions shown at most under a field: a phone's screen.
pub const SUGGESTED: usize = 8;

/// A commune as suggestions find it.
struct Commune {
    insee: String,
    name: String,
    department: String,
    metropole: bool,
    /// The name folded whole (lower case, no accents), and its words.
    folded: String,
    words: Vec<String>,
    /// Known for the Métropole's communes and arrondissements only (La Poste's extract).
    postal: Vec<String>,
}

/// Read once from the reference files the database is loaded from.
fn index() -> &'static [Commune] {
    static INDEX: std::sync::OnceLock<Vec<Commune>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let metropole: HashSet<&str> = METROPOLE_CSV
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .collect();
        let mut postal: HashMap<&str, Vec<String>> = HashMap::new();
        for line in POSTAL_CSV.lines().skip(1) {
            let mut f = line.split(';');
            if let (Some(insee), Some(_), Some(code)) = (f.next(), f.next(), f.next()) {
                let codes = postal.entry(insee).or_default();
                if !codes.iter().any(|c| c == code) {
                    codes.push(code.to_string());
                }
            }
        }
        let mut rdr = csv::Reader::from_reader(COMMUNES_CSV.as_bytes());
        rdr.records()
            .flatten()
            .filter_map(|rec| {
                let (insee, department, name) = (rec.get(0)?, rec.get(2)?, rec.get(3)?);
                let (folded, words) = folded(name);
                Some(Commune {
                    metropole: metropole.contains(insee),
                    postal: postal.get(insee).cloned().unwrap_or_default(),
                    words,
                    folded,
                    insee: insee.to_string(),
                    name: name.to_string(),
                    department: department.to_string(),
                })
            })
            .collect()
    })
}

/// A name as it is compared: lower case, without accents, its words separated by one space
/// ("Saint-Priest" and "saint priest" are the same), and those words. "St" and "Ste" are how people
/// write "Saint" and "Sainte".
fn folded(text: &str) -> (String, Vec<String>) {
    let words: Vec<String> = fold(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "st" => "saint".to_string(),
            "ste" => "sainte".to_string(),
            w => w.to_string(),
        })
        .collect();
    (words.join(" "), words)
}

/// The communes a field's words suggest: a name's words (each typed word begins one of them:
/// "lyon 3" finds Lyon's 3rd arrondissement, "st priest" Saint-Priest), a postal code or an INSEE
/// code, or their beginning. The Métropole's communes first, then the Rhône's.
pub fn suggest_communes(typed: &str) -> Vec<Suggestion> {
    let (folded, wanted) = folded(typed);
    if folded.chars().filter(char::is_ascii_alphanumeric).count() < MIN_WORDS {
        return Vec::new();
    }
    let digits = folded.replace(' ', "");
    let found: Vec<&Commune> = if digits.chars().all(|c| c.is_ascii_digit()) {
        index()
            .iter()
            .filter(|c| {
                c.insee.starts_with(&digits) || c.postal.iter().any(|p| p.starts_with(&digits))
            })
            .collect()
    } else {
        index().iter().filter(|c| holds(c, &wanted)).collect()
    };
    rank(found, &folded).into_iter().take(SUGGESTED).collect()
}

/// The name typed exactly first, then the Métropole's, the Rhône's, the shortest names.
fn rank(mut found: Vec<&Commune>, folded: &str) -> Vec<Suggestion> {
    found.sort_by(|a, b| {
        (b.folded == folded)
            .cmp(&(a.folded == folded))
            .then_with(|| b.metropole.cmp(&a.metropole))
            .then_with(|| (b.department == "69").cmp(&(a.department == "69")))
            .then_with(|| a.name.len().cmp(&b.name.len()))
            .then_with(|| a.name.cmp(&b.name))
    });
    let departments = crate::server::infra::reference::department_names();
    found
        .into_iter()
        .map(|c| {
            let area = if c.metropole {
                "Métropole de Lyon".to_string()
            } else {
                let name = departments.get(&c.department).cloned().unwrap_or_default();
                format!("{name} ({})", c.department)
            };
            let mut note = c.postal.join(", ");
            if !note.is_empty() {
                note.push_str(" · ");
            }
            note.push_str(&area);
            Suggestion {
                value: format!("{} ({})", c.name, c.insee),
                label: c.name.clone(),
                note,
            }
        })
        .collect()
}

/// A commune as edit forms show it, and as `resolve_commune` reads it back whatever its name's
/// homonyms: "Saint-Priest (69290)".
pub fn commune_label(c: &communes::Model) -> String {
    format!("{} ({})", c.name, c.insee)
}

/// The communes whose position is known (the Métropole's), by name. Reference data that never
/// changes once loaded: read once, not at every search page.
pub(crate) async fn placed_communes(
    db: &DatabaseConnection,
) -> Result<Vec<communes::Model>, DbErr> {
    static PLACED: std::sync::OnceLock<Vec<communes::Model>> = std::sync::OnceLock::new();
    if let Some(placed) = PLACED.get() {
        return Ok(placed.clone());
    }
    let placed = communes::Entity::find()
        .filter(communes::Column::Lat.is_not_null())
        .filter(communes::Column::Lon.is_not_null())
        .order_by_asc(communes::Column::Name)
        .all(db)
        .await?;
    // A database whose reference data is not loaded yet is asked again next time.
    if !placed.is_empty() {
        let _ = PLACED.set(placed.clone());
    }
    Ok(placed)
}

/// The INSEE codes of the communes within `km` of `origin` (centre to centre), the origin
/// included; none when the origin's position is not known.
pub(crate) fn within(placed: &[communes::Model], origin: &str, km: u32) -> Vec<String> {
    let position = |c: &communes::Model| c.lat.zip(c.lon);
    let Some(from) = placed.iter().find(|c| c.insee == origin).and_then(position) else {
        return Vec::new();
    };
    let mut out: Vec<String> = placed
        .iter()
        .filter(|c| position(c).is_some_and(|p| geo::distance_km(from, p) <= f64::from(km)))
        .flat_map(|c| geo::commune_and_parts(&c.insee))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A department typed by its name ("Rhône", "haute savoie", "Ardeche"): its number. The name
/// whole first (so "Savoie" is not Haute-Savoie, nor "Loire" Haute-Loire), else the one
/// department whose name's words begin with the typed words ("h savoie"). None when none or
/// several do: `department_error` says which.
pub fn resolve_department(typed: &str) -> Option<String> {
    match department_candidates(typed).as_slice() {
        [(code, _)] => Some(code.to_string()),
        _ => None,
    }
}

fn department_candidates(typed: &str) -> Vec<(&'static str, &'static str)> {
    let (whole, wanted) = folded(typed);
    if whole.is_empty() {
        return Vec::new();
    }
    let names = crate::server::infra::reference::department_names();
    let mut exact: Vec<(&str, &str)> = names
        .iter()
        .filter(|(_, name)| folded(name).0 == whole)
        .map(|(c, n)| (c.as_str(), n.as_str()))
        .collect();
    if !exact.is_empty() {
        exact.sort();
        return exact;
    }
    let mut found: Vec<(&str, &str)> = names
        .iter()
        .filter(|(_, name)| {
            let (_, words) = folded(name);
            wanted
                .iter()
                .all(|w| words.iter().any(|n| n.starts_with(w.as_str())))
        })
        .map(|(c, n)| (c.as_str(), n.as_str()))
        .collect();
    found.sort();
    found
}

/// Why a department typed by name was not found: none bears it, or several (listed, in the form
/// the field accepts).
pub fn department_error(field: &str, typed: &str) -> FieldError {
    let found = department_candidates(typed);
    if found.len() > 1 {
        let list: Vec<String> = found
            .iter()
            .take(SUGGESTED)
            .map(|(code, name)| format!("{name} ({code})"))
            .collect();
        FieldError::with_arg(field, "validation.department_homonyms", list.join(", "))
    } else {
        FieldError::with_arg(field, "validation.unknown_department_named", typed.trim())
    }
}

/// The departments a field's words suggest: by the words of their names, or by their number's
/// beginning; nothing under two letters or digits.
pub fn suggest_departments(typed: &str) -> Vec<Suggestion> {
    let typed = typed.trim();
    if fold(typed)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .count()
        < MIN_WORDS
    {
        return Vec::new();
    }
    let names = crate::server::infra::reference::department_names();
    let mut found: Vec<(&str, &str)> = if typed.bytes().all(|b| b.is_ascii_alphanumeric())
        && typed.bytes().any(|b| b.is_ascii_digit())
    {
        let code = typed.to_uppercase();
        names
            .iter()
            .filter(|(c, _)| c.starts_with(&code) || c.trim_start_matches('0') == code)
            .map(|(c, n)| (c.as_str(), n.as_str()))
            .collect()
    } else {
        department_candidates(typed)
    };
    found.sort();
    found
        .into_iter()
        .take(SUGGESTED)
        .map(|(code, name)| Suggestion {
            value: format!("{name} ({code})"),
            label: name.to_string(),
            note: code.to_string(),
        })
        .collect()
}

/// The name of an area: a department's, or the Métropole's and the rest of the Rhône's.
pub fn area_label(code: &str) -> Option<String> {
    match code {
        "69M" => Some("Métropole de Lyon".into()),
        "69D" => Some("Rhône (hors Métropole)".into()),
        d => crate::server::infra::reference::department_names()
            .get(d)
            .cloned(),
    }
}

/// The "near" choices of a form.
pub(crate) fn places(placed: Vec<communes::Model>) -> Vec<Place> {
    placed
        .into_iter()
        .filter_map(|c| {
            Some(Place {
                lat: c.lat?,
                lon: c.lon?,
                insee: c.insee,
                name: c.name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(insee: &str, lat: f64, lon: f64) -> communes::Model {
        communes::Model {
            insee: insee.into(),
            name: insee.into(),
            department: "69".into(),
            region: "84".into(),
            in_metropole: true,
            lat: Some(lat),
            lon: Some(lon),
        }
    }

    fn suggested(typed: &str) -> Vec<String> {
        suggest_communes(typed)
            .into_iter()
            .map(|s| s.value)
            .collect()
    }

    #[test]
    fn communes_are_suggested_by_name_arrondissement_and_postal_code() {
        assert_eq!(suggested("Lyon 3")[0], "Lyon 3e Arrondissement (69383)");
        // The Métropole's Saint-Priest first among its French homonyms, whether typed "St".
        assert_eq!(suggested("st priest")[0], "Saint-Priest (69290)");
        assert_eq!(suggested("saint-priest")[0], "Saint-Priest (69290)");
        assert!(suggested("saint priest").len() > 1);
        assert_eq!(suggested("69800"), ["Saint-Priest (69290)"]);
        // 69003 is Albigny's INSEE code and the 3rd arrondissement's postal code: both.
        let both = suggested("69003");
        assert!(
            both.contains(&"Albigny-sur-Saône (69003)".to_string()),
            "{both:?}"
        );
        assert!(
            both.contains(&"Lyon 3e Arrondissement (69383)".to_string()),
            "{both:?}"
        );
        assert!(suggested("écully").iter().any(|s| s.starts_with("Écully")));
        assert!(suggested("v").is_empty() && suggested("zzqx").is_empty());
        let villeurbanne = &suggest_communes("villeurbanne")[0];
        assert_eq!(villeurbanne.note, "69100 · Métropole de Lyon");
    }

    #[test]
    fn what_was_typed_is_read_back_as_one_commune_or_a_reason() {
        let read = |t: &str| resolve_insee(t);
        assert_eq!(read("Villeurbanne").as_deref(), Some("69266"));
        assert_eq!(read("villeurbanne ").as_deref(), Some("69266"));
        assert_eq!(read("Saint-Priest (69290)").as_deref(), Some("69290"));
        assert_eq!(read("69266").as_deref(), Some("69266"));
        assert_eq!(
            read("69500").as_deref(),
            Some("69029"),
            "Bron's postal code"
        );
        assert_eq!(
            read("69100"),
            None,
            "Irigny's INSEE code, Villeurbanne's postal code"
        );
        assert_eq!(read("Irigny (69100)").as_deref(), Some("69100"));
        assert_eq!(read("Lyon 3e").as_deref(), Some("69383"));
        assert_eq!(
            read("Lyon").as_deref(),
            Some("69123"),
            "the name whole before words"
        );
        assert_eq!(read("Saint-Priest"), None, "several communes bear the name");
        assert_eq!(read("Nulle-Part-sur-Rien"), None);

        let e = commune_error("commune", "Saint-Priest");
        assert_eq!(e.key, "validation.commune_homonyms");
        assert!(e
            .arg
            .unwrap()
            .starts_with("Saint-Priest (69290), Saint-Priest ("));
        let e = commune_error("commune", "69100");
        assert_eq!(e.key, "validation.commune_homonyms");
        assert_eq!(
            e.arg.as_deref(),
            Some("Irigny (69100), Villeurbanne (69266)")
        );
        let e = commune_error("commune", "Villeurbane");
        assert_eq!(e.key, "validation.unknown_commune_named");
        assert_eq!(e.arg.as_deref(), Some("Villeurbane"));
    }

    #[test]
    fn within_a_distance_keeps_the_near_communes_and_the_origin() {
        let placed = [
            commune("69123", 45.7578, 4.8320),
            commune("69266", 45.7719, 4.8902),
            commune("69003", 45.8640, 4.8308),
        ];
        let near = within(&placed, "69266", 5);
        // Villeurbanne, and Lyon with its arrondissements; Albigny (13 km) is not.
        assert!(near.contains(&"69266".to_string()));
        assert!(near.contains(&"69123".to_string()) && near.contains(&"69383".to_string()));
        assert!(!near.contains(&"69003".to_string()));
        assert_eq!(within(&placed, "69266", 20).len(), 12);
        // A commune whose position is not known gives nothing.
        assert!(within(&placed, "01001", 30).is_empty());
    }

    #[test]
    fn departments_by_their_names() {
        assert_eq!(resolve_department("Rhône").as_deref(), Some("69"));
        assert_eq!(resolve_department("rhone").as_deref(), Some("69"));
        // The name whole wins over the names that hold it.
        assert_eq!(resolve_department("Savoie").as_deref(), Some("73"));
        assert_eq!(resolve_department("loire").as_deref(), Some("42"));
        assert_eq!(resolve_department("haute sav").as_deref(), Some("74"));
        assert_eq!(resolve_department("Ardeche").as_deref(), Some("07"));
        assert_eq!(resolve_department("Narnia"), None);
        let e = department_error("d", "haute");
        assert_eq!(e.key, "validation.department_homonyms");
        assert!(e.arg.unwrap().contains("Haute-Loire (43)"));
        let e = department_error("d", "Narnia");
        assert_eq!(e.key, "validation.unknown_department_named");
        let s = suggest_departments("is");
        assert_eq!(s[0].value, "Isère (38)");
        assert_eq!(suggest_departments("69")[0].label, "Rhône");
        assert!(suggest_departments("r").is_empty());
    }
}
