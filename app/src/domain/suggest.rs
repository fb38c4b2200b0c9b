//! Fields filled by words with suggestions (a commune, a NAF activity): what a suggestion is, and
//! how a field's text is read back — a code alone, or a label followed by its code in
//! parentheses ("Villeurbanne (69266)"), as a chosen suggestion writes it. Lists of communes are
//! typed separated by commas; the suggestions follow the last one.

use serde::{Deserialize, Serialize};

/// The vocabularies a field can suggest from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestKind {
    /// French communes and Lyon's arrondissements, by name or postal code.
    Commune,
    /// NAF rév. 2 activities, by the words of their labels.
    Naf,
    /// French departments, by name or number.
    Department,
    /// Food products (CPV divisions 03, 15, 55), by the words of their labels.
    Food,
}

/// One suggestion under a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The text the field takes when it is chosen, read back whatever its homonyms.
    pub value: String,
    /// What the person reads first.
    pub label: String,
    /// What tells it apart: a postal code and a department, an activity's code.
    pub note: String,
}

/// The code a text ends with in parentheses: "Saint-Priest (69290)" gives "69290".
pub fn code_in_parentheses(text: &str) -> Option<&str> {
    let (_, code) = text.trim().strip_suffix(')')?.rsplit_once('(')?;
    let code = code.trim();
    (!code.is_empty()).then_some(code)
}

/// A NAF rév. 2 sub-class code read from what a person or a chosen suggestion wrote: "43.21A",
/// "4321a", "Travaux d'installation électrique dans tous locaux (43.21A)". None for words.
pub fn naf_code(text: &str) -> Option<String> {
    let text = code_in_parentheses(text).unwrap_or(text.trim());
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect::<String>()
        .to_uppercase();
    let b = compact.as_bytes();
    (b.len() == 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4].is_ascii_uppercase())
        .then(|| format!("{}.{}", &compact[..2], &compact[2..]))
}

/// A list typed with commas (or semicolons, or one item a line): the text before the item being
/// typed (its separator kept), and that item.
pub fn last_item(text: &str) -> (&str, &str) {
    match text.rfind([',', ';', '\n']) {
        Some(i) => (&text[..=i], text[i + 1..].trim_start()),
        None => ("", text),
    }
}

/// The list with its last item replaced by a chosen suggestion, ready for the next one.
pub fn with_last_item(text: &str, value: &str) -> String {
    let (before, _) = last_item(text);
    if before.is_empty() {
        format!("{value}, ")
    } else {
        format!("{before} {value}, ")
    }
}

/// Words shorter than this suggest nothing: one letter matches half of France.
pub const MIN_WORDS: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_in_parentheses_decides() {
        assert_eq!(code_in_parentheses("Saint-Priest (69290)"), Some("69290"));
        assert_eq!(
            code_in_parentheses(" Lyon 3e Arrondissement (69383) "),
            Some("69383")
        );
        assert_eq!(code_in_parentheses("Villeurbanne"), None);
        assert_eq!(code_in_parentheses("()"), None);
    }

    #[test]
    fn naf_codes_are_read_in_every_written_form() {
        for typed in [
            "43.21A",
            "4321a",
            " 43 21 A ",
            "Travaux d'installation électrique (43.21A)",
        ] {
            assert_eq!(naf_code(typed).as_deref(), Some("43.21A"), "{typed}");
        }
        for words in ["boulangerie", "43.21", "432100", "(boulangerie)", ""] {
            assert_eq!(naf_code(words), None, "{words}");
        }
    }

    #[test]
    fn the_suggestions_of_a_list_follow_its_last_item() {
        assert_eq!(last_item("Bron, Vill"), ("Bron,", "Vill"));
        assert_eq!(last_item("Vill"), ("", "Vill"));
        assert_eq!(last_item("Bron; Vill"), ("Bron;", "Vill"));
        assert_eq!(
            with_last_item("Vill", "Villeurbanne (69266)"),
            "Villeurbanne (69266), "
        );
        assert_eq!(
            with_last_item("Bron (69029), Vill", "Villeurbanne (69266)"),
            "Bron (69029), Villeurbanne (69266), "
        );
    }
}
