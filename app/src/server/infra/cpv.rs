//! The CPV picker: browse the hierarchy from the divisions down, or find codes by the words of
//! their labels (stemmed, without accents; a word's beginning is enough) or by their digits.

use crate::domain::cpv::{CpvChoice, CpvPicker};
use crate::server::infra::search::schema::stems;
use sea_orm::{DatabaseConnection, DbErr};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Results shown at most.
const SHOWN: usize = 40;

struct Code {
    code: String,
    label: String,
    parent: Option<String>,
    level: u8,
    stems: Vec<String>,
}

struct Tree {
    codes: Vec<Code>,
    by_code: HashMap<String, usize>,
    parents: HashSet<String>,
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
                parent: rec.get(2).and_then(crate::domain::cpv::normalise),
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
        let parents = codes.iter().filter_map(|c| c.parent.clone()).collect();
        Tree {
            codes,
            by_code,
            parents,
        }
    })
}

fn choice(t: &Tree, c: &Code) -> CpvChoice {
    CpvChoice {
        code: c.code.clone(),
        label: c.label.clone(),
        level: c.level,
        has_children: t.parents.contains(&c.code),
    }
}

/// `q`: words or digits; `parent`: a code whose children to list. Neither: the divisions.
pub async fn pick(_db: &DatabaseConnection, q: &str, parent: &str) -> Result<CpvPicker, DbErr> {
    let t = tree();
    let q = q.trim();
    let digits: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    let mut path = Vec::new();
    let choices: Vec<CpvChoice> =
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            t.codes
                .iter()
                .filter(|c| c.code.starts_with(&digits))
                .take(SHOWN)
                .map(|c| choice(t, c))
                .collect()
        } else if !q.is_empty() {
            let wanted = stems(q);
            // How many of the words a label holds, whole or as the beginning of one of its words.
            let held = |c: &Code| {
                wanted
                    .iter()
                    .filter(|w| c.stems.iter().any(|s| s.starts_with(w.as_str())))
                    .count()
            };
            let mut found: Vec<&Code> = t
                .codes
                .iter()
                .filter(|c| !wanted.is_empty() && held(c) == wanted.len())
                .collect();
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
            trade
                .into_iter()
                .take(SHOWN)
                .map(|c| choice(t, c))
                .collect()
        } else if let Some(&i) = crate::domain::cpv::normalise(parent)
            .as_ref()
            .and_then(|p| t.by_code.get(p))
        {
            let mut at = Some(i);
            while let Some(i) = at {
                let c = &t.codes[i];
                path.push(choice(t, c));
                at = c.parent.as_ref().and_then(|p| t.by_code.get(p)).copied();
            }
            path.reverse();
            let code = &t.codes[i].code;
            t.codes
                .iter()
                .filter(|c| c.parent.as_deref() == Some(code))
                .map(|c| choice(t, c))
                .collect()
        } else {
            t.codes
                .iter()
                .filter(|c| c.level == 1)
                .map(|c| choice(t, c))
                .collect()
        };
    Ok(CpvPicker { choices, path })
}

/// The French label of a CPV code (normalised, 8 digits).
pub fn label_of(code: &str) -> Option<&'static str> {
    let t = tree();
    t.by_code.get(code).map(|i| t.codes[*i].label.as_str())
}

/// A code as the picker shows it (normalised, 8 digits), if the vocabulary has it.
pub fn choice_of(code: &str) -> Option<CpvChoice> {
    let t = tree();
    t.by_code.get(code).map(|i| choice(t, &t.codes[*i]))
}
