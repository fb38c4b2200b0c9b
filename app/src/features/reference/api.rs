//! Server functions of the pickers: public reads of the reference vocabularies.

use crate::domain::cpv::{CpvChoice, CpvCodes};
use crate::domain::suggest::{SuggestKind, Suggestion};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// What a CPV picker shows: the chosen codes with their labels, and the codes matching the words.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CpvFound {
    pub chosen: Vec<CpvChoice>,
    /// Matches of the words, the chosen ones left out; empty without words.
    pub found: Vec<CpvChoice>,
    /// Words were given and nothing matched them.
    pub nothing: bool,
}

/// Codes shown at most under the search field: enough to choose among, short on a phone.
pub const SHOWN: usize = 15;

/// The CPV codes whose label holds the words `q` (stemmed, a word's beginning is enough), and the
/// labels of the codes already `chosen` (unknown codes are left out).
#[server(prefix = "/api", endpoint = "cpv/find", input = GetUrl)]
pub async fn find_cpv(
    q: String,
    #[server(default)] chosen: CpvCodes,
) -> Result<CpvFound, AppError> {
    use crate::server::infra::cpv;
    let chosen: Vec<CpvChoice> = chosen
        .0
        .iter()
        .take(50)
        .filter_map(|c| crate::domain::cpv::normalise(c))
        .filter_map(|c| cpv::choice_of(&c))
        .collect();
    let q: String = q.chars().take(100).collect();
    let found: Vec<CpvChoice> = if q.trim().is_empty() {
        Vec::new()
    } else {
        cpv::find(&q)
            .into_iter()
            .filter(|c| !chosen.iter().any(|k| k.code == c.code))
            .take(SHOWN)
            .collect()
    };
    Ok(CpvFound {
        nothing: !q.trim().is_empty() && found.is_empty(),
        chosen,
        found,
    })
}

/// A list filter's CPV choices: the codes matching the words, cut to the finest prefix the list
/// filters by (`depth` digits, 2 to 8: a division, a group…), one choice a prefix; and the label
/// of the prefix already `chosen`. The choice's `code` is the prefix itself.
#[server(prefix = "/api", endpoint = "cpv/filter", input = GetUrl)]
pub async fn cpv_filter_choices(
    q: String,
    #[server(default)] chosen: String,
    depth: u8,
) -> Result<CpvFound, AppError> {
    use crate::domain::cpv::{prefix_code, prefix_of};
    use crate::server::infra::cpv;
    let depth = usize::from(depth.clamp(2, 8));
    let labelled = |prefix: &str| {
        cpv::choice_of(&prefix_code(prefix)).map(|c| CpvChoice {
            code: prefix.to_string(),
            ..c
        })
    };
    let chosen: Vec<CpvChoice> = crate::domain::query::digits(Some(chosen), &[2, 3, 4, 5, 6, 7, 8])
        .and_then(|p| labelled(&p))
        .into_iter()
        .collect();
    let q: String = q.chars().take(100).collect();
    let mut found: Vec<CpvChoice> = Vec::new();
    if !q.trim().is_empty() {
        for c in cpv::find(&q) {
            let prefix = prefix_of(&c.code, depth);
            if found.len() < SHOWN && !found.iter().chain(&chosen).any(|k| k.code == prefix) {
                found.extend(labelled(&prefix));
            }
        }
    }
    Ok(CpvFound {
        nothing: !q.trim().is_empty() && found.is_empty(),
        chosen,
        found,
    })
}

/// The suggestions under a field filled by words (a commune, an activity, a department): at most
/// `infra::places::SUGGESTED`, the likeliest first. Nothing for fewer than two letters or digits.
#[server(prefix = "/api", endpoint = "suggest", input = GetUrl)]
pub async fn suggest(kind: SuggestKind, q: String) -> Result<Vec<Suggestion>, AppError> {
    use crate::server::infra::{naf, places};
    let q: String = q.chars().take(100).collect();
    Ok(match kind {
        SuggestKind::Commune => places::suggest_communes(&q),
        SuggestKind::Naf => naf::suggest_naf(&q),
        SuggestKind::Department => places::suggest_departments(&q),
        SuggestKind::Food => crate::server::infra::cpv::suggest_food(&q),
    })
}
