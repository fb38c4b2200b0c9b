//! CPV (Common Procurement Vocabulary) codes: 8 digits, an optional check digit after a dash.
//! The hierarchy is in the digits: XX000000 is a division, XXX00000 a group, XXXX0000 a class,
//! XXXXX000 a category, anything finer a sub-category.

/// Depth of a CPV code in its hierarchy: 1 (division) to 5.
pub fn level(code: &str) -> u8 {
    let significant = code.trim_end_matches('0').len().max(2);
    match significant {
        0..=2 => 1,
        3 => 2,
        4 => 3,
        5 => 4,
        _ => 5,
    }
}

/// The 8 digits of a CPV as written in the wild ("45210000-2", "45210000", " 45210000 - 2").
pub fn normalise(input: &str) -> Option<String> {
    let digits: String = input
        .split('-')
        .next()?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    (digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// A CPV code as the picker shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CpvChoice {
    pub code: String,
    pub label: String,
    /// 1 (division) to 5.
    pub level: u8,
    pub has_children: bool,
}

/// What the CPV picker shows: the codes found by words, or the children of a code (the
/// divisions when neither is given), and the path to that code.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CpvPicker {
    pub choices: Vec<CpvChoice>,
    pub path: Vec<CpvChoice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_trailing_zeros() {
        assert_eq!(level("45000000"), 1);
        assert_eq!(level("03000000"), 1);
        assert_eq!(level("45200000"), 2);
        assert_eq!(level("45210000"), 3);
        assert_eq!(level("45214000"), 4);
        assert_eq!(level("45214100"), 5);
        assert_eq!(level("45214631"), 5);
    }

    #[test]
    fn normalises_codes_as_written() {
        assert_eq!(normalise("45210000-2").as_deref(), Some("45210000"));
        assert_eq!(normalise(" 45210000 ").as_deref(), Some("45210000"));
        assert_eq!(normalise("4521000"), None);
        assert_eq!(normalise("4521000A-2"), None);
    }
}
