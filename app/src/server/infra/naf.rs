//! NAF rév. 2 activities as forms find them: by the words of their labels (stemmed, without
//! accents, a word's beginning is enough), by a code or its beginning, and what a person typed
//! read back as one activity.

use crate::domain::suggest::{naf_code, Suggestion, MIN_WORDS};
use crate::error::FieldError;
use crate::server::infra::places::SUGGESTED;
use crate::server::infra::reference::NAF_CSV;
use crate::server::infra::search::schema::{fold, stems};
use crate::server::infra::synonyms;

struct Activity {
    code: String,
    label: String,
    /// The sub-class's label, then its division's: "plomberie" finds the works of its division.
    stems: Vec<String>,
    division_stems: Vec<String>,
    folded: String,
}

fn index() -> &'static [Activity] {
    static INDEX: std::sync::OnceLock<Vec<Activity>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut rdr = csv::Reader::from_reader(NAF_CSV.as_bytes());
        rdr.records()
            .flatten()
            .filter_map(|rec| {
                let (code, label, division) = (rec.get(0)?, rec.get(1)?, rec.get(7)?);
                Some(Activity {
                    code: code.to_string(),
                    label: label.to_string(),
                    stems: stems(label),
                    division_stems: stems(division),
                    folded: fold(label),
                })
            })
            .collect()
    })
}

/// The activities a field's words suggest, the best first: every word held by the label (or, for
/// fewer of them, by its division's), whole words before beginnings of words; or the codes
/// beginning with the digits typed.
pub fn suggest_naf(typed: &str) -> Vec<Suggestion> {
    found(typed)
        .into_iter()
        .take(SUGGESTED)
        .map(suggestion)
        .collect()
}

fn suggestion(a: &Activity) -> Suggestion {
    Suggestion {
        value: format!("{} ({})", a.label, a.code),
        label: a.label.clone(),
        note: a.code.clone(),
    }
}

fn found(typed: &str) -> Vec<&'static Activity> {
    let typed = typed.trim();
    if typed.chars().filter(char::is_ascii_alphanumeric).count() < MIN_WORDS {
        return Vec::new();
    }
    if let Some(code) = naf_code(typed) {
        return index().iter().filter(|a| a.code == code).collect();
    }
    let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.starts_with(|c: char| c.is_ascii_digit()) {
        let compact = compact.to_uppercase();
        return index()
            .iter()
            .filter(|a| {
                a.code.starts_with(&compact) || a.code.replace('.', "").starts_with(&compact)
            })
            .collect();
    }
    let wanted = stems(typed);
    if wanted.is_empty() {
        return Vec::new();
    }
    let held = |s: &[String]| {
        wanted
            .iter()
            .filter(|w| s.iter().any(|s| s.starts_with(w.as_str())))
            .count()
    };
    let whole = |a: &Activity| wanted.iter().filter(|w| a.stems.contains(*w)).count();
    let mut found: Vec<&Activity> = index()
        .iter()
        .filter(|a| held(&a.stems) == wanted.len())
        .collect();
    found.sort_by(|a, b| whole(b).cmp(&whole(a)).then_with(|| a.code.cmp(&b.code)));
    if found.is_empty() {
        found = index()
            .iter()
            .filter(|a| held(&a.division_stems) == wanted.len())
            .collect();
    }
    // The activities of a trade named by its people's word ("plombier") come first.
    let mut trade: Vec<&Activity> = synonyms::naf_codes(&wanted)
        .into_iter()
        .filter_map(|c| index().iter().find(|a| a.code == c))
        .collect();
    found.retain(|a| !trade.iter().any(|k| k.code == a.code));
    trade.extend(found);
    trade
}

/// What a person typed for an activity, read back as a NAF code: a code in any written form, a
/// chosen suggestion ("Boulangerie et boulangerie-pâtisserie (10.71C)"), a label typed whole, or
/// words that only one activity holds. Otherwise the message for `field`: the activities the
/// words suggest, or none known.
pub fn resolve_naf(field: &str, typed: &str) -> Result<String, FieldError> {
    if let Some(code) = naf_code(typed) {
        return if index().iter().any(|a| a.code == code) {
            Ok(code)
        } else {
            Err(FieldError::new(field, "validation.unknown_naf"))
        };
    }
    let folded = fold(typed);
    if let Some(a) = index().iter().find(|a| a.folded == folded) {
        return Ok(a.code.clone());
    }
    let found = found(typed);
    match found.as_slice() {
        [only] => Ok(only.code.clone()),
        [] => Err(FieldError::new(field, "validation.unknown_naf_words")),
        many => {
            let listed: Vec<String> = many
                .iter()
                .take(SUGGESTED)
                .map(|a| suggestion(a).value)
                .collect();
            Err(FieldError::with_arg(
                field,
                "validation.naf_did_you_mean",
                listed.join(" ; "),
            ))
        }
    }
}

/// The label of a NAF code.
pub fn label_of(code: &str) -> Option<&'static str> {
    index()
        .iter()
        .find(|a| a.code == code)
        .map(|a| a.label.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activities_are_found_by_the_words_of_their_labels() {
        let codes = |q: &str| {
            suggest_naf(q)
                .into_iter()
                .map(|s| s.note)
                .collect::<Vec<_>>()
        };
        assert!(codes("boulangerie").contains(&"10.71C".to_string()));
        assert!(codes("installation électrique").contains(&"43.21A".to_string()));
        assert_eq!(codes("43.21A"), ["43.21A"]);
        assert!(codes("4321").iter().all(|c| c.starts_with("43.21")));
        assert!(codes("x").is_empty());
    }

    #[test]
    fn what_was_typed_is_read_back_as_one_activity_or_a_message() {
        assert_eq!(resolve_naf("naf", "4321a").as_deref(), Ok("43.21A"));
        assert_eq!(
            resolve_naf("naf", "Boulangerie et boulangerie-pâtisserie (10.71C)").as_deref(),
            Ok("10.71C")
        );
        assert_eq!(
            resolve_naf("naf", "boulangerie et boulangerie-patisserie").as_deref(),
            Ok("10.71C")
        );
        let e = resolve_naf("naf", "99.99Z").unwrap_err();
        assert_eq!(e.key, "validation.unknown_naf");
        let e = resolve_naf("naf", "boulangerie").unwrap_err();
        assert_eq!(e.key, "validation.naf_did_you_mean");
        assert!(e.arg.unwrap().contains("(10.71C)"));
        // A trade's word that the labels do not hold: "plombier".
        assert_eq!(resolve_naf("naf", "plombier").as_deref(), Ok("43.22A"));
        let e = resolve_naf("naf", "zzzyx").unwrap_err();
        assert_eq!(e.key, "validation.unknown_naf_words");
    }
}
