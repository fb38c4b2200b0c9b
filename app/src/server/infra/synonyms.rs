//! The names people give their trade ("plombier", "maraîcher", "traiteur"), which the official
//! labels do not hold ("Travaux de plomberie", "Culture de légumes…"), mapped to CPV and NAF
//! codes. Kept as data (`reference/data/trade_words.csv`) so that the chambers can amend it; the
//! CPV and NAF searches put these codes first when the words typed name a trade.

use crate::server::infra::search::schema::stems;

const DATA: &str = include_str!("reference/data/trade_words.csv");

struct TradeWord {
    stems: Vec<String>,
    cpv: Vec<&'static str>,
    naf: Vec<&'static str>,
}

fn all() -> &'static [TradeWord] {
    static ALL: std::sync::OnceLock<Vec<TradeWord>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split(';');
                let (word, cpv, naf) = (f.next()?, f.next()?, f.next()?);
                Some(TradeWord {
                    stems: stems(word),
                    cpv: cpv.split_whitespace().collect(),
                    naf: naf.split_whitespace().collect(),
                })
            })
            .collect()
    })
}

/// The trade words that the words typed (`wanted`, stemmed) name: every typed word begins one of
/// the trade word's ("plomb" is already the plumber), or is one of them inflected (the stemmer
/// keeps more of "maraîchers" than of "maraîcher").
fn named(wanted: &[String]) -> impl Iterator<Item = &'static TradeWord> + '_ {
    let holds = |s: &String, w: &String| {
        s.starts_with(w.as_str()) || (s.len() >= 4 && w.starts_with(s.as_str()))
    };
    all().iter().filter(move |t| {
        !wanted.is_empty() && wanted.iter().all(|w| t.stems.iter().any(|s| holds(s, w)))
    })
}

/// The CPV codes (8 digits) of the trades the words name, each once, in the file's order.
pub fn cpv_codes(wanted: &[String]) -> Vec<&'static str> {
    codes(wanted, |t| &t.cpv)
}

/// The NAF codes of the trades the words name, each once, in the file's order.
pub fn naf_codes(wanted: &[String]) -> Vec<&'static str> {
    codes(wanted, |t| &t.naf)
}

fn codes(
    wanted: &[String],
    of: fn(&'static TradeWord) -> &'static Vec<&'static str>,
) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in named(wanted).flat_map(|t| of(t).iter().copied()) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_trade_words_is_in_the_reference_lists() {
        assert!(all().len() >= 40);
        for t in all() {
            assert!(!t.stems.is_empty());
            for c in &t.cpv {
                assert!(crate::server::infra::cpv::label_of(c).is_some(), "CPV {c}");
            }
            for c in &t.naf {
                assert!(crate::server::infra::naf::label_of(c).is_some(), "NAF {c}");
            }
        }
    }

    #[test]
    fn a_trade_is_named_by_its_word_or_its_beginning() {
        assert_eq!(cpv_codes(&stems("plombier")), ["45330000"]);
        assert_eq!(cpv_codes(&stems("plomb")), ["45330000"]);
        assert_eq!(naf_codes(&stems("Maraîchers")), ["01.13Z"]);
        assert_eq!(naf_codes(&stems("bureau d'études")), ["71.12B"]);
        assert!(cpv_codes(&stems("zzqx")).is_empty() && cpv_codes(&[]).is_empty());
    }
}
