//! The CPV vocabulary in memory: find codes by the words of their labels (stemmed, without
//! accents; a word's beginning is enough; a trade's own word, from the synonyms) or by their
//! digits, and a code's label.

use crate::domain::cpv::CpvChoice;
use crate::server::infra::search::schema::stems;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Results shown at most.
const SHOWN: usize = 40;

struct Code {
    code: String,
    label: String,
    level: u8,
    stems: Vec<String>,
}

struct Tree {
    codes: Vec<Code>,
    by_code: HashMap<String, usize>,
}

/// Read once from the reference file the database is loaded from.
fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        let mut codes = Vec::with_capacity(9_454);
        let mut rdr = csv::Reader::from_reader(crate::server::infra::reference::CPV_CSV.as_bytes());
        for rec in rdr.records().flatten() {
            let Some(code) = rec.get(0).and_then(crate::domain::cpv::normalise) else {
                continue;
            };
            let label = rec.get(1).unwrap_or_default().to_string();
            codes.push(Code {
                level: crate::domain::cpv::level(&code),
                stems: stems(&label),
                label,
                code,
            });
        }
        codes.sort_by(|a, b| a.code.cmp(&b.code));
        let by_code = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        Tree { codes, by_code }
    })
}

fn choice(c: &Code) -> CpvChoice {
    CpvChoice {
        code: c.code.clone(),
        label: c.label.clone(),
        level: c.level,
    }
}

/// The codes whose label holds the words `q`, or whose code begins with the digits `q`; the
/// likeliest first, at most `SHOWN`.
pub fn find(q: &str) -> Vec<CpvChoice> {
    let t = tree();
    let q = q.trim();
    let digits: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .codes
            .iter()
            .filter(|c| c.code.starts_with(&digits))
            .take(SHOWN)
            .map(choice)
            .collect();
    }
    let wanted = stems(q);
    if wanted.is_empty() {
        return Vec::new();
    }
    // How many of the words a label holds, whole or as the beginning of one of its words.
    let held = |c: &Code| {
        wanted
            .iter()
            .filter(|w| c.stems.iter().any(|s| s.starts_with(w.as_str())))
            .count()
    };
    let mut found: Vec<&Code> = t.codes.iter().filter(|c| held(c) == wanted.len()).collect();
    if found.is_empty() && wanted.len() > 1 {
        // No label holds every word ("pain bio": the vocabulary has no "bio"): the codes
        // holding most of them rather than nothing.
        found = t.codes.iter().filter(|c| held(c) > 0).collect();
    }
    // Most words held, whole words before beginnings of words ("portes" is a door
    // before a port), then the broadest codes first: a buyer's vocabulary, then the detail.
    let whole = |c: &Code| wanted.iter().filter(|w| c.stems.contains(*w)).count();
    found.sort_by(|a, b| {
        held(b)
            .cmp(&held(a))
            .then_with(|| whole(b).cmp(&whole(a)))
            .then_with(|| a.level.cmp(&b.level))
            .then_with(|| a.code.cmp(&b.code))
    });
    // The codes of a trade named by its people's word ("plombier") come first.
    let mut trade: Vec<&Code> = super::synonyms::cpv_codes(&wanted)
        .into_iter()
        .filter_map(|c| t.by_code.get(c).map(|&i| &t.codes[i]))
        .collect();
    found.retain(|c| !trade.iter().any(|k| k.code == c.code));
    trade.extend(found);
    trade.into_iter().take(SHOWN).map(choice).collect()
}

/// Refuses, on `field`, codes that the CPV reference in the database does not hold.
pub async fn known(
    db: &impl sea_orm::ConnectionTrait,
    field: &str,
    codes: &[String],
) -> Result<(), crate::error::AppError> {
    use crate::server::infra::entities::cpv_codes;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    if codes.is_empty() {
        return Ok(());
    }
    let found = cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Code.is_in(codes.to_vec()))
        .count(db)
        .await?;
    if found as usize != codes.len() {
        return Err(crate::error::AppError::field(
            field,
            "validation.unknown_cpv",
        ));
    }
    Ok(())
}

/// The French label of a CPV code (normalised, 8 digits).
pub fn label_of(code: &str) -> Option<&'static str> {
    let t = tree();
    t.by_code.get(code).map(|i| t.codes[*i].label.as_str())
}

/// A code as the picker shows it (normalised, 8 digits), if the vocabulary has it.
pub fn choice_of(code: &str) -> Option<CpvChoice> {
    let t = tree();
    t.by_code.get(code).map(|i| choice(&t.codes[*i]))
}

/// The food products (CPV divisions 03, 15 and 55) whose label holds the words `typed`, the
/// likeliest first: what a catering buyer picks a product from.
fn find_food(typed: &str) -> Vec<CpvChoice> {
    let t = tree();
    let wanted = stems(typed);
    if wanted.is_empty() {
        return Vec::new();
    }
    let held = |c: &Code| {
        wanted
            .iter()
            .filter(|w| c.stems.iter().any(|s| s.starts_with(w.as_str())))
            .count()
    };
    let whole = |c: &Code| wanted.iter().filter(|w| c.stems.contains(*w)).count();
    let mut found: Vec<&Code> = t
        .codes
        .iter()
        .filter(|c| crate::domain::food::is_food(&c.code) && held(c) == wanted.len())
        .collect();
    // Whole words first, then the broadest products ("Carottes" before a variety of them).
    found.sort_by(|a, b| {
        whole(b)
            .cmp(&whole(a))
            .then_with(|| a.level.cmp(&b.level))
            .then_with(|| a.code.cmp(&b.code))
    });
    found.into_iter().take(SHOWN).map(choice).collect()
}

/// A product as the field writes it once chosen: "Carottes (03221112)".
fn food_suggestion(c: &CpvChoice) -> crate::domain::suggest::Suggestion {
    crate::domain::suggest::Suggestion {
        value: format!("{} ({})", c.label, c.code),
        label: c.label.clone(),
        note: c.code.clone(),
    }
}

/// The suggestions under a product field: food products by their words.
pub fn suggest_food(typed: &str) -> Vec<crate::domain::suggest::Suggestion> {
    if typed.trim().chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return Vec::new();
    }
    find_food(typed)
        .iter()
        .take(crate::server::infra::places::SUGGESTED)
        .map(food_suggestion)
        .collect()
}

/// The food product a buyer named on `field`: the code it was chosen with, the product whose
/// label is the words, or the only one holding them; else a message listing the likeliest.
pub fn resolve_food(field: &str, typed: &str) -> Result<String, crate::error::FieldError> {
    use crate::error::FieldError;
    if let Some(code) =
        crate::domain::suggest::code_in_parentheses(typed).and_then(crate::domain::cpv::normalise)
    {
        return if crate::domain::food::is_food(&code) && label_of(&code).is_some() {
            Ok(code)
        } else {
            Err(FieldError::new(field, "quotes.not_food"))
        };
    }
    let found = find_food(typed);
    let folded = crate::server::infra::search::schema::fold(typed.trim());
    if let Some(c) = found
        .iter()
        .find(|c| crate::server::infra::search::schema::fold(&c.label) == folded)
    {
        return Ok(c.code.clone());
    }
    match found.as_slice() {
        [only] => Ok(only.code.clone()),
        [] => Err(FieldError::new(field, "quotes.product_unknown")),
        many => Err(FieldError::with_arg(
            field,
            "quotes.product_did_you_mean",
            many.iter()
                .take(crate::server::infra::places::SUGGESTED)
                .map(|c| food_suggestion(c).value)
                .collect::<Vec<_>>()
                .join(" ; "),
        )),
    }
}
