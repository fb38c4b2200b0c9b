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

/// The prefix a list filters by for a code: its significant digits (at least the division's
/// two), cut to `depth` digits. "45421000" → "45421"; at depth 3 → "454"; "03000000" → "03".
pub fn prefix_of(code: &str, depth: usize) -> String {
    let significant = code.trim_end_matches('0').len().max(2);
    code[..significant.min(depth).min(code.len())].to_string()
}

/// The 8-digit code that stands for a prefix: "454" → "45400000".
pub fn prefix_code(prefix: &str) -> String {
    format!("{prefix:0<8}")
}

/// A CPV code as the picker shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CpvChoice {
    pub code: String,
    pub label: String,
    /// 1 (division) to 5.
    pub level: u8,
}

/// The CPV codes a form submits: the picker's ticked boxes (`cpv[]=…&cpv[]=…`, one per code),
/// or — from the API and older clients — one text with the codes separated by commas or spaces.
/// Validation stays with the feature that receives them (`joined` gives it the text it parses).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CpvCodes(pub Vec<String>);

impl CpvCodes {
    /// The codes as one text, separated by commas, as typed lists were.
    pub fn joined(&self) -> String {
        self.0.join(", ")
    }
}

impl From<&str> for CpvCodes {
    /// Codes typed in one text, separated by commas, semicolons or spaces.
    fn from(text: &str) -> Self {
        CpvCodes(
            text.split([',', ';', ' ', '\n'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect(),
        )
    }
}

impl<'de> serde::Deserialize<'de> for CpvCodes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Codes;
        impl<'de> serde::de::Visitor<'de> for Codes {
            type Value = CpvCodes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("CPV codes: a list, or a text separated by commas")
            }
            fn visit_unit<E>(self) -> Result<CpvCodes, E> {
                Ok(CpvCodes::default())
            }
            fn visit_str<E>(self, v: &str) -> Result<CpvCodes, E> {
                Ok(CpvCodes::from(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<CpvCodes, A::Error> {
                let mut codes = Vec::new();
                while let Some(code) = seq.next_element::<String>()? {
                    // A form cannot repeat a code the picker shows once, but a URL can.
                    let code = code.trim().to_string();
                    if !code.is_empty() && !codes.contains(&code) {
                        codes.push(code);
                    }
                }
                Ok(CpvCodes(codes))
            }
        }
        d.deserialize_any(Codes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_cut_codes_to_their_depth() {
        assert_eq!(prefix_of("45421000", 8), "45421");
        assert_eq!(prefix_of("45421000", 3), "454");
        assert_eq!(prefix_of("03000000", 5), "03");
        assert_eq!(prefix_of("45000000", 2), "45");
        assert_eq!(prefix_code("454"), "45400000");
        assert_eq!(prefix_code("03"), "03000000");
    }

    #[test]
    fn codes_come_as_a_list_or_as_a_text() {
        let list: CpvCodes =
            serde_json::from_str(r#"["45421000", " 45422000 ", "45421000"]"#).unwrap();
        assert_eq!(list.0, vec!["45421000", "45422000"]);
        let text: CpvCodes = serde_json::from_str(r#""45421000, 45422000-1""#).unwrap();
        assert_eq!(text.0, vec!["45421000", "45422000-1"]);
        assert_eq!(text.joined(), "45421000, 45422000-1");
        let none: CpvCodes = serde_json::from_str("null").unwrap();
        assert!(none.0.is_empty());
    }

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
