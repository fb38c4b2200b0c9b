//! SIRET (14 digits, an establishment) and SIREN (9 digits, a company) identifiers.
//! Both carry a Luhn check digit, except La Poste (SIREN 356000000), whose establishments'
//! SIRETs are checked by the sum of their digits being a multiple of 5.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The SIREN of La Poste, the one known exception to the Luhn rule on SIRETs.
pub const LA_POSTE_SIREN: &str = "356000000";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiretError {
    /// Not 14 digits once spaces are removed.
    Format,
    /// 14 digits whose check digit is wrong.
    Checksum,
}

/// A valid SIRET, stored as its 14 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Siret(String);

impl Siret {
    /// Parses a SIRET typed by a person: spaces, dots and non-breaking spaces are ignored.
    pub fn parse(input: &str) -> Result<Siret, SiretError> {
        let digits: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '\u{a0}' | '\u{202f}' | '-'))
            .collect();
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SiretError::Format);
        }
        let ok = if digits.starts_with(LA_POSTE_SIREN) {
            // La Poste's establishments: the digits sum to a multiple of 5 (its head office,
            // 35600000000048, also passes Luhn).
            digits.bytes().map(|b| u32::from(b - b'0')).sum::<u32>() % 5 == 0 || luhn(&digits)
        } else {
            luhn(&digits)
        };
        if ok {
            Ok(Siret(digits))
        } else {
            Err(SiretError::Checksum)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SIREN: the company part, the first nine digits.
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }

    /// Grouped as people write it: 123 456 789 00012.
    pub fn display_grouped(&self) -> String {
        format!(
            "{} {} {} {}",
            &self.0[..3],
            &self.0[3..6],
            &self.0[6..9],
            &self.0[9..]
        )
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a SIREN (9 digits, Luhn).
pub fn is_valid_siren(input: &str) -> bool {
    input.len() == 9
        && input.bytes().all(|b| b.is_ascii_digit())
        && (luhn(input) || input == LA_POSTE_SIREN)
}

/// Completes 13 digits with the check digit that makes a Luhn-valid SIRET (for fictitious
/// demo and test organisations).
pub fn complete_siret(first13: &str) -> Option<Siret> {
    (0..10u8)
        .map(|d| format!("{first13}{d}"))
        .find_map(|s| Siret::parse(&s).ok())
}

/// The Luhn check over a string of ASCII digits.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_sirets() {
        // Métropole de Lyon (from the DECP samples) and the Ville de Lyon.
        assert!(Siret::parse("20004697700019").is_ok());
        assert!(Siret::parse("21690123100011").is_ok());
    }

    #[test]
    fn ignores_spaces_and_dots() {
        let s = Siret::parse("200 046 977 00019").unwrap();
        assert_eq!(s.as_str(), "20004697700019");
        assert_eq!(s.siren(), "200046977");
        assert_eq!(s.display_grouped(), "200 046 977 00019");
        assert!(Siret::parse("200.046.977.00019").is_ok());
    }

    #[test]
    fn rejects_a_wrong_check_digit() {
        assert_eq!(Siret::parse("20004697700018"), Err(SiretError::Checksum));
    }

    #[test]
    fn rejects_wrong_lengths_and_letters() {
        assert_eq!(Siret::parse(""), Err(SiretError::Format));
        assert_eq!(Siret::parse("2000469770001"), Err(SiretError::Format));
        assert_eq!(Siret::parse("200046977000190"), Err(SiretError::Format));
        assert_eq!(Siret::parse("2000469770001A"), Err(SiretError::Format));
    }

    #[test]
    fn la_poste_establishments_use_the_sum_rule() {
        // 35600000049837: a La Poste establishment, fails Luhn, digits sum to 45.
        assert!(!luhn("35600000049837"));
        assert!(Siret::parse("35600000049837").is_ok());
        // Same SIREN, digits summing to 46: refused.
        assert_eq!(Siret::parse("35600000049838"), Err(SiretError::Checksum));
    }

    #[test]
    fn completes_a_fictitious_siret() {
        let s = complete_siret("9990000100001").unwrap();
        assert!(s.as_str().starts_with("9990000100001"));
        assert!(luhn(s.as_str()));
        assert!(complete_siret("12").is_none());
    }

    #[test]
    fn siren_check() {
        assert!(is_valid_siren("200046977"));
        assert!(is_valid_siren(LA_POSTE_SIREN));
        assert!(!is_valid_siren("200046978"));
        assert!(!is_valid_siren("20004697"));
    }
}
