//! Matchmaking: which local firms, alone or together, can answer a planned procurement.
//!
//! Pure: the server reads the procurement's requirements and the candidate firms' capabilities
//! from the database and hands them here; nothing below touches a database or a clock, so the
//! same input always gives the same proposals (tested with property-based tests).
//!
//! The problem is a weighted set cover: each firm covers some requirements (a lot's CPV code,
//! a label asked) with a fit between 0 and about 1; a consortium is a small set of firms whose
//! union covers every requirement, scored by how well each requirement is covered and by the
//! balance of the group. The search (see `docs/matchmaking.md`) keeps, for each requirement, the
//! best `PER_REQUIREMENT` firms; then it grows consortia from the empty set, always branching on
//! the uncovered requirement with the fewest candidates, up to `MAX_MEMBERS` firms — every cover
//! of that size drawn from the kept firms is reached — and a beam bounds the frontier when
//! requirements have many candidates.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Consortia of more than four firms are rare in local procurement and hard to coordinate.
pub const MAX_MEMBERS: usize = 4;
/// Requirements are tracked as bits of a `u64`.
pub const MAX_REQUIREMENTS: usize = 64;
/// Firms kept per requirement for the consortium search.
pub const PER_REQUIREMENT: usize = 12;
/// States kept at each depth of the search.
pub const BEAM: usize = 4096;
/// How far a firm is assumed to work when it declared no radius (km).
pub const DEFAULT_REACH_KM: f64 = 60.0;

/// What a requirement asks for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Need {
    /// A CPV code (8 digits): covered by firms whose offers or past contracts fall under it.
    Cpv(String),
    /// A label or certification code (see `offer::LABELS`).
    Label(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// The lot's number, or none for the whole procurement.
    pub lot: Option<i32>,
    pub need: Need,
    /// The lot's estimated amount (euros), compared with the firms' declared capacity.
    pub estimate: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Procurement {
    pub requirements: Vec<Requirement>,
    /// Place of execution (latitude, longitude), when known.
    pub place: Option<(f64, f64)>,
}

/// What the platform knows of a firm's capabilities.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Firm {
    pub id: i32,
    /// CPV codes of its published offers.
    pub offer_cpv: Vec<String>,
    /// CPV codes of contracts it won, with how many.
    pub won_cpv: Vec<(String, u32)>,
    /// Its main activity (NAF, "43.32A").
    pub naf: Option<String>,
    /// Labels and certifications it holds (on its offers or itself).
    pub labels: Vec<String>,
    pub location: Option<(f64, f64)>,
    /// How far it works (km), the largest radius of its offers.
    pub reach_km: Option<f64>,
    /// Micro, small or medium enterprise.
    pub sme: bool,
    /// SIAE, ESAT or EA.
    pub inclusive: bool,
    /// Largest amount (euros) it says it can take on.
    pub capacity: Option<i64>,
}

/// Why a firm covers a requirement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Basis {
    /// One of its offers is filed under this CPV code.
    Offer { cpv: String, exact: bool },
    /// It won contracts under this CPV code.
    Won { cpv: String },
    /// Only its main activity (NAF) suggests it: a possibility to confirm.
    Activity { naf: String },
    /// It holds the label.
    Label,
}

/// How well one firm covers one requirement, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cover {
    pub score: f64,
    pub basis: Basis,
    /// Contracts it won under the requirement's CPV group.
    pub won: u32,
    /// Distance to the place of execution (km), when both are known.
    pub km: Option<f64>,
    /// Its declared capacity is below the lot's estimate.
    pub capacity_short: bool,
}

/// Share of the fit a firm keeps by place: 1 at the place of execution, ½ at the edge of its
/// reach, none beyond; ½ when its location is unknown.
fn place_factor(firm: &Firm, place: Option<(f64, f64)>) -> Option<(f64, Option<f64>)> {
    let Some(place) = place else {
        return Some((1.0, None));
    };
    let Some(at) = firm.location else {
        return Some((0.5, None));
    };
    let km = super::geo::distance_km(at, place);
    let reach = firm.reach_km.unwrap_or(DEFAULT_REACH_KM).max(1.0);
    (km <= reach).then(|| (1.0 - 0.5 * km / reach, Some(km)))
}

/// The digits of a CPV code that carry meaning (a division keeps its two).
fn significant(code: &str) -> &str {
    let digits = code.get(..8).unwrap_or(code);
    let kept = digits.trim_end_matches('0').len().max(2).min(digits.len());
    &digits[..kept]
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// How well a firm's CPV code answers a needed one: 1 when it falls under it (or under the same
/// category), 0.6 when they only share a class ("45421" joinery and "45422" carpentry); a shared
/// group is too broad to count ("454" holds joinery and painting alike).
fn cpv_match(need: &str, have: &str) -> f64 {
    let need = significant(need);
    let shared = common_prefix(need, have);
    if shared >= need.len().min(5) {
        1.0
    } else if shared >= 4 {
        0.6
    } else {
        0.0
    }
}

/// CPV divisions a NAF division's firms usually answer (an approximation, documented in
/// `docs/matchmaking.md`; it only ever yields a weak "possible" cover).
const NAF_TO_CPV: &[(&str, &[&str])] = &[
    ("01", &["03", "15", "77"]),
    ("02", &["03", "77"]),
    ("10", &["15"]),
    ("11", &["15"]),
    ("16", &["03", "44"]),
    ("18", &["22", "79"]),
    ("25", &["44"]),
    ("31", &["39"]),
    ("33", &["50", "51"]),
    ("35", &["09", "65"]),
    ("38", &["90"]),
    ("41", &["45"]),
    ("42", &["45"]),
    ("43", &["45"]),
    ("49", &["60"]),
    ("56", &["55"]),
    ("62", &["48", "72"]),
    ("63", &["72"]),
    ("70", &["79"]),
    ("71", &["71"]),
    ("73", &["79"]),
    ("74", &["79"]),
    ("80", &["79"]),
    ("81", &["77", "90"]),
    ("82", &["79"]),
    ("85", &["80"]),
    ("86", &["85"]),
    ("87", &["85"]),
    ("88", &["85"]),
    ("95", &["50"]),
];

/// The NAF divisions whose firms may answer one of these CPV divisions.
pub fn naf_divisions_for(cpv_divisions: &BTreeSet<String>) -> Vec<String> {
    NAF_TO_CPV
        .iter()
        .filter(|(_, cpvs)| cpvs.iter().any(|c| cpv_divisions.contains(*c)))
        .map(|(n, _)| n.to_string())
        .collect()
}

fn naf_suggests(naf: &str, cpv: &str) -> bool {
    let division = naf.get(..2).unwrap_or("");
    let cpv_division = cpv.get(..2).unwrap_or("");
    NAF_TO_CPV
        .iter()
        .any(|(n, cpvs)| *n == division && cpvs.contains(&cpv_division))
}

/// How well `firm` covers `req`, or none when it cannot (no capability, or out of reach).
///
/// Monotone by construction: more CPV codes, labels or won contracts, or a larger capacity,
/// can only raise the best basis, the experience bonus or the capacity factor.
pub fn fit(firm: &Firm, req: &Requirement, place: Option<(f64, f64)>) -> Option<Cover> {
    let (near, km) = place_factor(firm, place)?;
    let (base, basis, won) = match &req.need {
        Need::Label(label) => {
            if !firm.labels.iter().any(|l| l == label) {
                return None;
            }
            (1.0, Basis::Label, 0)
        }
        Need::Cpv(code) => {
            let mut best: Option<(f64, Basis)> = None;
            let mut consider = |score: f64, basis: Basis| {
                if score > 0.0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
                    best = Some((score, basis));
                }
            };
            let mut offers: Vec<&String> = firm.offer_cpv.iter().collect();
            offers.sort();
            for have in offers {
                let m = cpv_match(code, have);
                consider(
                    m,
                    Basis::Offer {
                        cpv: have.clone(),
                        exact: m >= 1.0,
                    },
                );
            }
            let mut won_codes: Vec<&(String, u32)> = firm.won_cpv.iter().collect();
            won_codes.sort();
            let mut won = 0u32;
            for (have, n) in won_codes {
                let m = cpv_match(code, have);
                if m > 0.0 && *n > 0 {
                    won = won.saturating_add(*n);
                    consider(0.8 * m, Basis::Won { cpv: have.clone() });
                }
            }
            if let Some(naf) = &firm.naf {
                if naf_suggests(naf, code) {
                    consider(0.3, Basis::Activity { naf: naf.clone() });
                }
            }
            let (score, basis) = best?;
            // Experience: each contract won under the code adds a little, up to four.
            (score + 0.05 * f64::from(won.min(4)), basis, won)
        }
    };
    let capacity_short = match (firm.capacity, req.estimate) {
        (Some(c), Some(e)) => c < e,
        _ => false,
    };
    let capacity = match (firm.capacity, req.estimate) {
        (Some(c), Some(e)) if c < e => 0.7,
        (Some(_), Some(_)) => 1.0,
        _ => 0.85,
    };
    Some(Cover {
        score: base * near * capacity,
        basis,
        won,
        km,
        capacity_short,
    })
}

/// One member's part in a consortium: the requirements it is proposed for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Index in `Procurement::requirements`.
    pub requirement: usize,
    pub firm: i32,
    pub cover: Cover,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Consortium {
    /// Firm ids, ascending.
    pub members: Vec<i32>,
    pub score: f64,
    /// Every requirement this consortium covers, each with the member that covers it best.
    pub assignments: Vec<Assignment>,
    /// Requirements some firm covers but this consortium does not: only when no consortium of
    /// `MAX_MEMBERS` firms covers everything coverable (these are then the nearest ones).
    pub missing: Vec<usize>,
    pub smes: usize,
    pub inclusive: usize,
    /// The farthest member from the place of execution (km), when known.
    pub farthest_km: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Proposals {
    /// Best first; each covers every requirement except those in `uncovered`.
    pub consortia: Vec<Consortium>,
    /// Requirements no candidate firm covers: a shortage of local supply.
    pub uncovered: Vec<usize>,
}

/// The fits of the firms kept for the search.
struct Pool<'a> {
    firms: Vec<&'a Firm>,
    /// `fits[f][r]`: how firm `f` of the pool covers requirement `r`.
    fits: Vec<Vec<Option<Cover>>>,
    masks: Vec<u64>,
    /// For each requirement, the pool's firms covering it, best first.
    candidates: Vec<Vec<usize>>,
}

fn by_score_then_id(a: (f64, i32), b: (f64, i32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

impl<'a> Pool<'a> {
    fn build(
        proc: &Procurement,
        firms: &'a [Firm],
        forced: Option<i32>,
        per_requirement: usize,
    ) -> Pool<'a> {
        let reqs = &proc.requirements[..proc.requirements.len().min(MAX_REQUIREMENTS)];
        let mut sorted: Vec<&Firm> = firms.iter().collect();
        sorted.sort_by_key(|f| f.id);
        sorted.dedup_by_key(|f| f.id);
        // Each requirement's best firms; a forced member is always kept.
        let mut per_req: Vec<Vec<(f64, i32, usize)>> = vec![Vec::new(); reqs.len()];
        for (i, firm) in sorted.iter().enumerate() {
            for (r, req) in reqs.iter().enumerate() {
                if let Some(c) = fit(firm, req, proc.place) {
                    per_req[r].push((c.score, firm.id, i));
                }
            }
        }
        let mut keep = BTreeSet::new();
        for list in &mut per_req {
            list.sort_by(|a, b| by_score_then_id((a.0, a.1), (b.0, b.1)));
            keep.extend(list.iter().take(per_requirement).map(|x| x.2));
        }
        if let Some(id) = forced {
            if let Some(i) = sorted.iter().position(|f| f.id == id) {
                keep.insert(i);
            }
        }
        let firms: Vec<&Firm> = keep.into_iter().map(|i| sorted[i]).collect();
        let fits: Vec<Vec<Option<Cover>>> = firms
            .iter()
            .map(|f| reqs.iter().map(|r| fit(f, r, proc.place)).collect())
            .collect();
        let masks = fits
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .filter(|(_, c)| c.is_some())
                    .fold(0u64, |m, (r, _)| m | (1u64 << r))
            })
            .collect();
        let mut candidates: Vec<Vec<usize>> = vec![Vec::new(); reqs.len()];
        for (r, list) in candidates.iter_mut().enumerate() {
            let mut c: Vec<(f64, i32, usize)> = fits
                .iter()
                .enumerate()
                .filter_map(|(f, row)| row[r].as_ref().map(|c| (c.score, firms[f].id, f)))
                .collect();
            c.sort_by(|a, b| by_score_then_id((a.0, a.1), (b.0, b.1)));
            *list = c.into_iter().take(per_requirement).map(|x| x.2).collect();
        }
        Pool {
            firms,
            fits,
            masks,
            candidates,
        }
    }

    fn mask_of(&self, members: &[usize]) -> u64 {
        members.iter().fold(0, |m, &f| m | self.masks[f])
    }

    /// The consortium made of `members`: each requirement goes to the member covering it best
    /// (the lower id on a tie); members left with nothing are dropped.
    fn consortium(&self, members: &[usize], place_known: bool) -> Consortium {
        let mut assignments = Vec::new();
        let mut used = BTreeSet::new();
        for r in 0..self.candidates.len() {
            let best = members
                .iter()
                .filter_map(|&f| self.fits[f][r].as_ref().map(|c| (f, c)))
                .min_by(|a, b| {
                    by_score_then_id(
                        (a.1.score, self.firms[a.0].id),
                        (b.1.score, self.firms[b.0].id),
                    )
                });
            if let Some((f, c)) = best {
                used.insert(f);
                assignments.push(Assignment {
                    requirement: r,
                    firm: self.firms[f].id,
                    cover: c.clone(),
                });
            }
        }
        let kept: Vec<&Firm> = used.iter().map(|&f| self.firms[f]).collect();
        let mut ids: Vec<i32> = kept.iter().map(|f| f.id).collect();
        ids.sort();
        let n = self.candidates.len().max(1) as f64;
        let quality: f64 = assignments.iter().map(|a| a.cover.score).sum::<f64>() / n;
        let smes = kept.iter().filter(|f| f.sme).count();
        let inclusive = kept.iter().filter(|f| f.inclusive).count();
        let size = kept.len().max(1) as f64;
        // Fewer partners are easier to coordinate; SMEs and an inclusive member are the point of
        // the platform, so they weigh a little.
        let score = quality - 0.04 * (size - 1.0)
            + 0.02 * smes as f64 / size
            + if inclusive > 0 { 0.03 } else { 0.0 };
        let farthest_km = if place_known {
            let mut far: Option<f64> = None;
            for a in &assignments {
                if let Some(k) = a.cover.km {
                    far = Some(far.map_or(k, |f: f64| f.max(k)));
                }
            }
            far
        } else {
            None
        };
        Consortium {
            members: ids,
            score,
            assignments,
            missing: Vec::new(),
            smes,
            inclusive,
            farthest_km,
        }
    }
}

/// Grows consortia from `start` (pool indices), branching on the uncovered requirement with the
/// fewest candidates, and returns the covers found (as sorted pool indices) and the states that
/// reached `max_members` without covering everything.
fn search(
    pool: &Pool,
    start: Vec<usize>,
    goal: u64,
    max_members: usize,
) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut complete: BTreeSet<Vec<usize>> = BTreeSet::new();
    let mut partial: Vec<Vec<usize>> = Vec::new();
    let mut frontier: BTreeSet<Vec<usize>> = BTreeSet::from([start]);
    while !frontier.is_empty() {
        let mut next: BTreeMap<Vec<usize>, u32> = BTreeMap::new();
        for state in &frontier {
            let covered = pool.mask_of(state);
            if covered & goal == goal {
                complete.insert(state.clone());
                continue;
            }
            if state.len() >= max_members {
                partial.push(state.clone());
                continue;
            }
            let hardest = (0..pool.candidates.len())
                .filter(|r| goal & (1 << r) != 0 && covered & (1 << r) == 0)
                .min_by_key(|&r| (pool.candidates[r].len(), r));
            let Some(r) = hardest else { continue };
            for &c in &pool.candidates[r] {
                if state.contains(&c) {
                    continue;
                }
                let mut grown = state.clone();
                grown.push(c);
                grown.sort();
                let reach = (pool.mask_of(&grown) & goal).count_ones();
                next.insert(grown, reach);
            }
        }
        // The beam: the states covering most, then the first in order (deterministic).
        let mut ranked: Vec<(Vec<usize>, u32)> = next.into_iter().collect();
        if ranked.len() > BEAM {
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.truncate(BEAM);
        }
        frontier = ranked.into_iter().map(|(s, _)| s).collect();
    }
    (complete.into_iter().collect(), partial)
}

fn rank(mut found: Vec<Consortium>, top: usize) -> Vec<Consortium> {
    found.sort_by(|a, b| {
        a.missing
            .len()
            .cmp(&b.missing.len())
            .then(b.score.total_cmp(&a.score))
            .then(a.members.cmp(&b.members))
    });
    found.dedup_by(|a, b| a.members == b.members);
    found.truncate(top);
    found
}

fn propose_from(proc: &Procurement, firms: &[Firm], forced: Option<i32>, top: usize) -> Proposals {
    let pool = Pool::build(proc, firms, forced, PER_REQUIREMENT);
    let uncovered: Vec<usize> = (0..pool.candidates.len())
        .filter(|&r| pool.candidates[r].is_empty())
        .collect();
    let goal = (0..pool.candidates.len())
        .filter(|r| !uncovered.contains(r))
        .fold(0u64, |m, r| m | (1 << r));
    let start: Vec<usize> = forced
        .and_then(|id| pool.firms.iter().position(|f| f.id == id))
        .into_iter()
        .collect();
    if goal == 0 || (forced.is_some() && start.is_empty()) {
        return Proposals {
            consortia: Vec::new(),
            uncovered,
        };
    }
    let (complete, partial) = search(&pool, start, goal, MAX_MEMBERS);
    let place_known = proc.place.is_some();
    let mut found: Vec<Consortium> = if complete.is_empty() {
        // Nothing covers all: the nearest consortia, each saying what it leaves.
        partial
            .iter()
            .map(|m| {
                let mut c = pool.consortium(m, place_known);
                let covered = pool.mask_of(m);
                c.missing = (0..pool.candidates.len())
                    .filter(|&r| goal & (1 << r) != 0 && covered & (1 << r) == 0)
                    .collect();
                c
            })
            .collect()
    } else {
        complete
            .iter()
            .map(|m| pool.consortium(m, place_known))
            .collect()
    };
    if let Some(id) = forced {
        // Reassigning can leave the forced firm with nothing: it is then not its consortium.
        found.retain(|c| c.members.contains(&id));
    }
    Proposals {
        consortia: rank(found, top),
        uncovered,
    }
}

/// The `top` best consortia (1 to `MAX_MEMBERS` firms) for a procurement.
pub fn propose(proc: &Procurement, firms: &[Firm], top: usize) -> Proposals {
    propose_from(proc, firms, None, top)
}

/// The `top` best consortia that include `firm`.
pub fn propose_with(proc: &Procurement, firms: &[Firm], firm: i32, top: usize) -> Proposals {
    propose_from(proc, firms, Some(firm), top)
}

/// A partner that complements a firm: the requirements it would take, and how well.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub firm: i32,
    /// Requirements the firm does not cover that this partner does.
    pub completes: Vec<Assignment>,
    /// Requirements both cover where this partner does it better.
    pub improves: Vec<Assignment>,
    pub gain: f64,
}

/// The partners that best complement `firm` for a procurement: first those taking requirements
/// it cannot, then those doing better where it is weak.
pub fn partners_for(proc: &Procurement, firms: &[Firm], firm: i32, top: usize) -> Vec<Partner> {
    let reqs = &proc.requirements[..proc.requirements.len().min(MAX_REQUIREMENTS)];
    let Some(me) = firms.iter().find(|f| f.id == firm) else {
        return Vec::new();
    };
    let mine: Vec<Option<Cover>> = reqs.iter().map(|r| fit(me, r, proc.place)).collect();
    let mut sorted: Vec<&Firm> = firms.iter().filter(|f| f.id != firm).collect();
    sorted.sort_by_key(|f| f.id);
    sorted.dedup_by_key(|f| f.id);
    let mut out: Vec<Partner> = Vec::new();
    for other in sorted {
        let mut completes = Vec::new();
        let mut improves = Vec::new();
        let mut gain = 0.0;
        for (r, req) in reqs.iter().enumerate() {
            let Some(c) = fit(other, req, proc.place) else {
                continue;
            };
            match &mine[r] {
                None => {
                    gain += c.score;
                    completes.push(Assignment {
                        requirement: r,
                        firm: other.id,
                        cover: c,
                    });
                }
                Some(m) if c.score > m.score => {
                    gain += c.score - m.score;
                    improves.push(Assignment {
                        requirement: r,
                        firm: other.id,
                        cover: c,
                    });
                }
                Some(_) => {}
            }
        }
        if gain > 0.0 {
            out.push(Partner {
                firm: other.id,
                completes,
                improves,
                gain,
            });
        }
    }
    out.sort_by(|a, b| {
        b.completes
            .len()
            .cmp(&a.completes.len())
            .then(b.gain.total_cmp(&a.gain))
            .then(a.firm.cmp(&b.firm))
    });
    out.truncate(top);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LYON: (f64, f64) = (45.764, 4.8357);
    const VILLEURBANNE: (f64, f64) = (45.7719, 4.8902);
    const GRENOBLE: (f64, f64) = (45.1885, 5.7245);

    fn cpv(code: &str, lot: i32) -> Requirement {
        Requirement {
            lot: Some(lot),
            need: Need::Cpv(code.into()),
            estimate: None,
        }
    }

    fn firm(id: i32, cpvs: &[&str]) -> Firm {
        Firm {
            id,
            offer_cpv: cpvs.iter().map(|s| s.to_string()).collect(),
            location: Some(VILLEURBANNE),
            sme: true,
            ..Firm::default()
        }
    }

    /// A school renovation in Lyon: carpentry, plumbing, painting, and RGE asked.
    fn renovation() -> Procurement {
        Procurement {
            requirements: vec![
                cpv("45421000", 1),
                cpv("45330000", 2),
                cpv("45442100", 3),
                Requirement {
                    lot: None,
                    need: Need::Label("rge".into()),
                    estimate: None,
                },
            ],
            place: Some(LYON),
        }
    }

    #[test]
    fn a_code_under_the_need_covers_it_fully_and_a_neighbour_less() {
        assert_eq!(cpv_match("45421000", "45421100"), 1.0);
        assert_eq!(cpv_match("45000000", "45330000"), 1.0);
        assert_eq!(cpv_match("45421000", "45422000"), 0.6);
        assert_eq!(cpv_match("45421000", "45400000"), 0.0);
        assert_eq!(
            cpv_match("45442100", "45421000"),
            0.0,
            "painting is not joinery"
        );
        assert_eq!(cpv_match("45400000", "45421000"), 1.0);
        assert_eq!(cpv_match("45421000", "03000000"), 0.0);
    }

    #[test]
    fn a_firm_out_of_reach_covers_nothing_and_a_near_one_keeps_more() {
        let req = cpv("45421000", 1);
        let mut far = firm(1, &["45421000"]);
        far.location = Some(GRENOBLE);
        assert!(
            fit(&far, &req, Some(LYON)).is_none(),
            "Grenoble is 95 km away, beyond 60"
        );
        far.reach_km = Some(150.0);
        let far_fit = fit(&far, &req, Some(LYON)).unwrap();
        let near_fit = fit(&firm(2, &["45421000"]), &req, Some(LYON)).unwrap();
        assert!(near_fit.score > far_fit.score);
        assert!((far_fit.km.unwrap() - 95.0).abs() < 5.0);
    }

    #[test]
    fn won_contracts_and_activity_count_but_less_than_an_offer() {
        let req = cpv("45421000", 1);
        let offer = fit(&firm(1, &["45421000"]), &req, None).unwrap();
        let mut won = firm(2, &[]);
        won.won_cpv = vec![("45421100".into(), 3)];
        let won = fit(&won, &req, None).unwrap();
        let mut naf = firm(3, &[]);
        naf.naf = Some("43.32A".into());
        let naf = fit(&naf, &req, None).unwrap();
        assert!(matches!(won.basis, Basis::Won { .. }) && won.won == 3);
        assert!(matches!(naf.basis, Basis::Activity { .. }));
        assert!(offer.score > naf.score && won.score > naf.score);
        // An offer plus won contracts beats an offer alone.
        let mut both = firm(4, &["45421000"]);
        both.won_cpv = vec![("45421000".into(), 2)];
        assert!(fit(&both, &req, None).unwrap().score > offer.score);
    }

    #[test]
    fn the_renovation_is_answered_by_complementary_local_firms() {
        let mut carpenter = firm(10, &["45421000"]);
        carpenter.labels = vec!["rge".into()];
        let plumber = firm(11, &["45330000"]);
        let painter = firm(12, &["45442100"]);
        let mut general = firm(13, &["45420000", "45440000"]);
        general.sme = false;
        let baker = firm(14, &["15810000"]);
        let firms = vec![baker, painter, general, plumber, carpenter];
        let p = propose(&renovation(), &firms, 5);
        assert!(p.uncovered.is_empty());
        let best = &p.consortia[0];
        assert_eq!(
            best.members,
            vec![10, 11, 12],
            "the three specialists, RGE carried by the carpenter"
        );
        assert!(best
            .assignments
            .iter()
            .any(|a| a.requirement == 3 && a.firm == 10));
        // The generalist appears only in weaker proposals, and the baker in none.
        assert!(p.consortia.iter().skip(1).any(|c| c.members.contains(&13)));
        assert!(p.consortia.iter().all(|c| !c.members.contains(&14)));
        assert!(p.consortia.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn what_no_firm_covers_is_reported_and_the_rest_still_proposed() {
        let firms = vec![
            firm(1, &["45421000"]),
            firm(2, &["45330000"]),
            firm(3, &["45442100"]),
        ];
        let p = propose(&renovation(), &firms, 3);
        assert_eq!(p.uncovered, vec![3], "nobody holds RGE");
        assert_eq!(p.consortia[0].members, vec![1, 2, 3]);
        assert_eq!(p.consortia[0].assignments.len(), 3);
    }

    #[test]
    fn when_four_firms_cannot_cover_all_the_nearest_consortia_say_what_they_leave() {
        let codes = ["45421000", "45330000", "45442100", "90910000", "77310000"];
        let proc = Procurement {
            requirements: codes
                .iter()
                .enumerate()
                .map(|(i, c)| cpv(c, i as i32 + 1))
                .collect(),
            place: Some(LYON),
        };
        let firms: Vec<Firm> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| firm(i as i32 + 1, &[c]))
            .collect();
        let p = propose(&proc, &firms, 3);
        assert!(p.uncovered.is_empty(), "each requirement has its firm");
        assert_eq!(p.consortia[0].members.len(), 4);
        assert_eq!(p.consortia[0].missing.len(), 1);
        assert_eq!(p.consortia[0].assignments.len(), 4);
    }

    #[test]
    fn partners_complete_a_firm_first_then_improve_it() {
        let mut carpenter = firm(10, &["45421000", "45443000"]);
        carpenter.labels = vec!["rge".into()];
        let plumber = firm(11, &["45330000"]);
        let painter = firm(12, &["45442100"]);
        let partners = partners_for(&renovation(), &[carpenter, plumber, painter], 10, 5);
        assert_eq!(
            partners[0].firm, 11,
            "the plumber takes the lot the carpenter cannot"
        );
        assert_eq!(partners[0].completes[0].requirement, 1);
        assert_eq!(partners[1].firm, 12);
        assert!(partners[1].completes.is_empty() && partners[1].improves[0].requirement == 2);
        let with = propose_with(
            &renovation(),
            &[firm(11, &["45330000"]), firm(12, &["45442100"])],
            11,
            3,
        );
        assert!(with.consortia.iter().all(|c| c.members.contains(&11)));
    }

    fn arb_firm() -> impl Strategy<Value = Firm> {
        let codes = prop::sample::select(vec![
            "45421000", "45421100", "45422000", "45330000", "45331000", "45442100", "45400000",
            "15810000", "90910000", "77310000",
        ]);
        (
            0..40i32,
            prop::collection::vec(codes.clone(), 0..4),
            prop::collection::vec((codes, 0..5u32), 0..3),
            prop::option::of(prop::sample::select(vec!["43.32A", "81.21Z", "56.10A"])),
            prop::collection::vec(prop::sample::select(vec!["rge", "qualibat", "ab"]), 0..2),
            prop::option::of((45.5..46.0f64, 4.6..5.1f64)),
            prop::option::of(5.0..80.0f64),
            any::<bool>(),
            any::<bool>(),
            prop::option::of(10_000..500_000i64),
        )
            .prop_map(
                |(id, offers, won, naf, labels, location, reach, sme, inclusive, capacity)| Firm {
                    id,
                    offer_cpv: offers.into_iter().map(String::from).collect(),
                    won_cpv: won.into_iter().map(|(c, n)| (c.to_string(), n)).collect(),
                    naf: naf.map(String::from),
                    labels: labels.into_iter().map(String::from).collect(),
                    location,
                    reach_km: reach,
                    sme,
                    inclusive,
                    capacity,
                },
            )
    }

    fn arb_procurement() -> impl Strategy<Value = Procurement> {
        let need = prop_oneof![
            prop::sample::select(vec![
                "45421000", "45330000", "45442100", "15800000", "90900000"
            ])
            .prop_map(|c| Need::Cpv(c.into())),
            prop::sample::select(vec!["rge", "qualibat"]).prop_map(|l| Need::Label(l.into())),
        ];
        (
            prop::collection::vec(
                (
                    need,
                    prop::option::of(1..4i32),
                    prop::option::of(20_000..300_000i64),
                ),
                1..8,
            ),
            prop::option::of(Just(LYON)),
        )
            .prop_map(|(reqs, place)| Procurement {
                requirements: reqs
                    .into_iter()
                    .map(|(need, lot, estimate)| Requirement {
                        lot,
                        need,
                        estimate,
                    })
                    .collect(),
                place,
            })
    }

    fn unique(mut firms: Vec<Firm>) -> Vec<Firm> {
        firms.sort_by_key(|f| f.id);
        firms.dedup_by_key(|f| f.id);
        firms
    }

    proptest! {
        #[test]
        fn every_consortium_covers_what_it_claims_with_no_firm_twice(
            proc in arb_procurement(), firms in prop::collection::vec(arb_firm(), 0..25)
        ) {
            let firms = unique(firms);
            let p = propose(&proc, &firms, 10);
            for c in &p.consortia {
                let set: BTreeSet<i32> = c.members.iter().copied().collect();
                prop_assert_eq!(set.len(), c.members.len(), "a firm twice");
                prop_assert!(!c.members.is_empty() && c.members.len() <= MAX_MEMBERS);
                let claimed: BTreeSet<usize> = c.assignments.iter().map(|a| a.requirement).collect();
                let expected: BTreeSet<usize> = (0..proc.requirements.len())
                    .filter(|r| !p.uncovered.contains(r) && !c.missing.contains(r))
                    .collect();
                prop_assert_eq!(&claimed, &expected, "covers all but the uncovered");
                for a in &c.assignments {
                    prop_assert!(c.members.contains(&a.firm));
                    let f = firms.iter().find(|f| f.id == a.firm).unwrap();
                    let real = fit(f, &proc.requirements[a.requirement], proc.place);
                    prop_assert!(real.is_some(), "claims a requirement the member cannot cover");
                }
                for m in &c.members {
                    prop_assert!(c.assignments.iter().any(|a| a.firm == *m), "a member with nothing to do");
                }
            }
            if p.consortia.first().is_some_and(|c| !c.missing.is_empty()) {
                prop_assert!(proc.requirements.len() > MAX_MEMBERS, "a small procurement is always covered");
            }
            for &r in &p.uncovered {
                prop_assert!(firms.iter().all(|f| fit(f, &proc.requirements[r], proc.place).is_none()));
            }
        }

        #[test]
        fn adding_a_capability_never_lowers_a_fit(
            proc in arb_procurement(), f in arb_firm(),
            code in prop::sample::select(vec!["45421000", "45330000", "15810000", "45000000"]),
            label in prop::sample::select(vec!["rge", "qualibat"]),
            won in 1..4u32, more_capacity in 0..200_000i64,
        ) {
            let mut better = f.clone();
            better.offer_cpv.push(code.to_string());
            better.won_cpv.push((code.to_string(), won));
            better.labels.push(label.to_string());
            better.capacity = f.capacity.map(|c| c + more_capacity);
            for req in &proc.requirements {
                let before = fit(&f, req, proc.place).map_or(0.0, |c| c.score);
                let after = fit(&better, req, proc.place).map_or(0.0, |c| c.score);
                prop_assert!(after >= before, "{before} -> {after} for {req:?}");
            }
        }

        #[test]
        fn the_same_firms_in_any_order_give_the_same_proposals(
            proc in arb_procurement(), firms in prop::collection::vec(arb_firm(), 0..25), seed in any::<u64>()
        ) {
            let firms = unique(firms);
            let mut shuffled = firms.clone();
            // A deterministic shuffle from the seed.
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let a = propose(&proc, &firms, 10);
            prop_assert_eq!(&a, &propose(&proc, &firms, 10));
            prop_assert_eq!(&a, &propose(&proc, &shuffled, 10));
            if let Some(first) = firms.first() {
                prop_assert_eq!(partners_for(&proc, &firms, first.id, 5), partners_for(&proc, &shuffled, first.id, 5));
            }
        }

        #[test]
        fn ties_are_broken_by_the_members_ids(
            proc in arb_procurement(), firms in prop::collection::vec(arb_firm(), 0..25)
        ) {
            let p = propose(&proc, &unique(firms), 10);
            for w in p.consortia.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                prop_assert!(
                    a.missing.len() < b.missing.len()
                        || (a.missing.len() == b.missing.len()
                            && (a.score > b.score || (a.score == b.score && a.members < b.members)))
                );
            }
        }
    }
}
