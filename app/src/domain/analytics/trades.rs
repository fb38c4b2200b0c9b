//! Trades (corps de métier): a readable list mapped from CPV codes, kept as data in
//! `trades.csv` so that the chambers can amend it without touching the code.

const DATA: &str = include_str!("trades.csv");

/// One trade of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trade {
    pub code: &'static str,
    pub fr: &'static str,
    pub en: &'static str,
    prefixes: Vec<&'static str>,
}

/// The trades, in the file's order; the last one ("autres") takes every code no prefix claims.
pub fn all() -> &'static [Trade] {
    static TRADES: std::sync::OnceLock<Vec<Trade>> = std::sync::OnceLock::new();
    TRADES.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut parts = l.splitn(4, ';');
                Some(Trade {
                    code: parts.next()?.trim(),
                    fr: parts.next()?.trim(),
                    en: parts.next()?.trim(),
                    prefixes: parts.next()?.split_whitespace().collect(),
                })
            })
            .collect()
    })
}

/// The index in [`all`] of the trade `code`.
pub fn index_of(code: &str) -> Option<usize> {
    all().iter().position(|t| t.code == code)
}

/// The index in [`all`] of the trade of a CPV code (its 8 digits, check digit or not): the
/// longest prefix wins; "autres" when none matches.
pub fn of_cpv(cpv: &str) -> usize {
    let digits: String = cpv
        .chars()
        .take_while(char::is_ascii_digit)
        .take(8)
        .collect();
    let mut best: Option<(usize, usize)> = None;
    for (i, t) in all().iter().enumerate() {
        for p in &t.prefixes {
            if digits.starts_with(p) && best.is_none_or(|(_, len)| p.len() > len) {
                best = Some((i, p.len()));
            }
        }
    }
    best.map(|(i, _)| i).unwrap_or(all().len() - 1)
}

/// A trade's label, French or English.
pub fn label(index: usize, english: bool) -> &'static str {
    match all().get(index) {
        Some(t) if english => t.en,
        Some(t) => t.fr,
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(cpv: &str) -> &'static str {
        all()[of_cpv(cpv)].code
    }

    #[test]
    fn the_list_reads_whole_with_unique_codes_and_a_catch_all_last() {
        let trades = all();
        assert!(trades.len() > 40);
        let mut codes: Vec<_> = trades.iter().map(|t| t.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), trades.len());
        assert_eq!(trades.last().unwrap().code, "autres");
        assert!(trades.iter().all(|t| !t.fr.is_empty() && !t.en.is_empty()));
    }

    #[test]
    fn the_longest_prefix_wins() {
        assert_eq!(code("45421100-5"), "menuiserie"); // portes et fenêtres
        assert_eq!(code("45421146"), "platrerie"); // faux plafonds
        assert_eq!(code("45331000"), "cvc");
        assert_eq!(code("45332000"), "plomberie");
        assert_eq!(code("45330000"), "plomberie");
        assert_eq!(code("45261210"), "charpente_couverture");
        assert_eq!(code("45262300"), "gros_oeuvre");
        assert_eq!(code("45214200"), "batiment");
        assert_eq!(code("45233140"), "vrd");
        assert_eq!(code("45000000"), "travaux_autres");
        assert_eq!(code("15811000"), "alimentation");
        assert_eq!(code("77311000"), "espaces_verts");
        assert_eq!(code("90911200"), "nettoyage");
        assert_eq!(code("99999999"), "autres");
        assert_eq!(code(""), "autres");
    }

    #[test]
    fn every_prefix_is_digits_of_a_cpv_group_or_finer() {
        for t in all() {
            for p in &t.prefixes {
                assert!(
                    (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()),
                    "{}: {p}",
                    t.code
                );
            }
        }
    }
}
