//! Which planned procurement a call for tenders publishes: the buyer's plans still to be
//! published, scored on what they share with the notice — CPV codes, the expected date, words
//! of the subject. The best one, if it scores enough and clearly better than the next, is
//! proposed to the buyer, who confirms in one click; a notice that names the plan (the prior
//! information notice the plan was imported from) needs no proposal.

use chrono::NaiveDate;

/// What the score reads of a notice.
#[derive(Clone, Debug, Default)]
pub struct NoticeFacts {
    pub cpv: Vec<String>,
    pub published_on: Option<NaiveDate>,
    /// The subject's stems (lower case, without accents or stop words).
    pub words: Vec<String>,
}

/// What the score reads of a plan.
#[derive(Clone, Debug, Default)]
pub struct PlanFacts {
    pub id: i32,
    /// The plan's and its lots' CPV codes.
    pub cpv: Vec<String>,
    /// The first day of the expected publication's period, and its length in months (1 for a
    /// day or a month, 3 for a quarter).
    pub publication: NaiveDate,
    pub period_months: u32,
    pub words: Vec<String>,
}

/// The least score proposed to a buyer.
pub const PROPOSE_AT: u32 = 50;
/// How far ahead of the second the best must be to be proposed (otherwise the buyer links the
/// notice by hand: a wrong proposal costs more than none).
pub const LEAD: u32 = 10;

/// 0 to 100: CPV codes (40 for the same code, 30 the same group, 15 the same division), the
/// date (30 within the expected period give or take a quarter, 15 within half a year), the
/// words (up to 30, by the share of the notice's words the plan has).
pub fn score(notice: &NoticeFacts, plan: &PlanFacts) -> u32 {
    let cpv = notice
        .cpv
        .iter()
        .flat_map(|a| plan.cpv.iter().map(move |b| (a, b)))
        .map(|(a, b)| {
            let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            match common {
                8.. => 40,
                3..=7 => 30,
                2 => 15,
                _ => 0,
            }
        })
        .max()
        .unwrap_or(0);
    let date = notice.published_on.map_or(0, |d| {
        let start = plan.publication;
        let end = start
            .checked_add_months(chrono::Months::new(plan.period_months.max(1)))
            .unwrap_or(start);
        let distance = if d < start {
            (start - d).num_days()
        } else if d >= end {
            (d - end).num_days()
        } else {
            0
        };
        match distance {
            ..=92 => 30,
            93..=183 => 15,
            _ => 0,
        }
    });
    let words = if notice.words.is_empty() {
        0
    } else {
        let shared = notice
            .words
            .iter()
            .filter(|w| plan.words.contains(w))
            .count();
        (shared * 30 / notice.words.len()) as u32
    };
    cpv + date + words
}

/// The plan to propose among `plans`: the best scoring at least [`PROPOSE_AT`], [`LEAD`]
/// ahead of the next. With its score.
pub fn best(notice: &NoticeFacts, plans: &[PlanFacts]) -> Option<(i32, u32)> {
    let mut scored: Vec<(i32, u32)> = plans.iter().map(|p| (p.id, score(notice, p))).collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (id, top) = *scored.first()?;
    let second = scored.get(1).map_or(0, |s| s.1);
    (top >= PROPOSE_AT && top >= second + LEAD).then_some((id, top))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn notice() -> NoticeFacts {
        NoticeFacts {
            cpv: vec!["45261210".into()],
            published_on: Some(d(2027, 2, 10)),
            words: words("refect toitur ecol"),
        }
    }

    fn roof() -> PlanFacts {
        PlanFacts {
            id: 1,
            cpv: vec!["45261000".into()],
            publication: d(2027, 1, 1),
            period_months: 3,
            words: words("refect toitur ecol jul ferry"),
        }
    }

    #[test]
    fn the_plan_that_shares_codes_date_and_words_is_proposed() {
        assert_eq!(score(&notice(), &roof()), 30 + 30 + 30);
        let canteen = PlanFacts {
            id: 2,
            cpv: vec!["15000000".into()],
            publication: d(2027, 1, 1),
            period_months: 3,
            words: words("denre aliment"),
        };
        assert_eq!(score(&notice(), &canteen), 30);
        assert_eq!(best(&notice(), &[canteen.clone(), roof()]), Some((1, 90)));
        // Alone, the canteen is not enough.
        assert_eq!(best(&notice(), &[canteen]), None);
    }

    #[test]
    fn two_plans_too_close_are_left_to_the_buyer() {
        let twin = PlanFacts { id: 3, ..roof() };
        assert_eq!(best(&notice(), &[roof(), twin]), None);
    }

    #[test]
    fn a_notice_long_after_the_expected_date_scores_less() {
        let late = NoticeFacts {
            published_on: Some(d(2027, 9, 1)),
            ..notice()
        };
        assert_eq!(score(&late, &roof()), 30 + 15 + 30);
        let very_late = NoticeFacts {
            published_on: Some(d(2028, 6, 1)),
            ..notice()
        };
        assert_eq!(score(&very_late, &roof()), 30 + 30);
        assert_eq!(best(&notice(), &[]), None);
    }
}
