//! Query strings of the lists (explorer, directory, catalogue): every list is a URL that can be
//! shared, bookmarked, and posted by a form without JavaScript. Read leniently (a hand-edited
//! value that cannot be right is dropped, not an error), written canonically (defaults left out).

/// The decoded `key=value` pairs of a query string, with or without its `?`.
pub fn pairs(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// The first value of `key` among `pairs`.
pub fn first(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// Builds a query string (without `?`) from the pairs that have a value.
#[derive(Default)]
pub struct Writer(Vec<(&'static str, String)>);

impl Writer {
    pub fn push(&mut self, key: &'static str, value: Option<String>) {
        if let Some(v) = value {
            self.0.push((key, v));
        }
    }

    pub fn finish(self) -> String {
        self.0
            .into_iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    percent_encoding::utf8_percent_encode(&v, percent_encoding::NON_ALPHANUMERIC)
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Trimmed, cut to `max` characters, `None` when empty.
pub fn clean(s: Option<String>, max: usize) -> Option<String> {
    s.map(|s| s.trim().chars().take(max).collect::<String>())
        .filter(|s| !s.is_empty())
}

/// Digits only (spaces removed), of one of the lengths `lens`.
pub fn digits(s: Option<String>, lens: &[usize]) -> Option<String> {
    clean(s, 20)
        .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|s| lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
}

/// A whole number as people type it ("12 000").
pub fn number(s: Option<String>) -> Option<i64> {
    s.and_then(|v| v.trim().replace([' ', '\u{a0}'], "").parse::<i64>().ok())
}

/// A record id: a positive whole number, as written ("7"; not "07" nor "+7").
pub fn id(s: Option<String>) -> Option<String> {
    clean(s, 10)
        .filter(|v| v.bytes().all(|b| b.is_ascii_digit()) && !v.starts_with('0'))
        .filter(|v| v.parse::<i32>().is_ok())
}

/// A page number from 1 (1 when absent or out of range).
pub fn page(s: Option<String>) -> u64 {
    number(s).filter(|p| (1..=100_000).contains(p)).unwrap_or(1) as u64
}

/// An INSEE commune code: five digits, or Corsica's 2A/2B followed by three digits.
pub fn commune(s: Option<String>) -> Option<String> {
    clean(s, 5).map(|c| c.to_uppercase()).filter(|c| {
        c.len() == 5
            && (c.bytes().all(|b| b.is_ascii_digit())
                || ((c.starts_with("2A") || c.starts_with("2B"))
                    && c[2..].bytes().all(|b| b.is_ascii_digit())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_decoded_and_writing_round_trips() {
        let p = pairs("?q=menuiserie+bois&dep=69&x=%C3%A9t%C3%A9");
        assert_eq!(first(&p, "q").as_deref(), Some("menuiserie bois"));
        assert_eq!(first(&p, "x").as_deref(), Some("été"));
        assert_eq!(first(&p, "absent"), None);
        let mut w = Writer::default();
        w.push("q", Some("été & co".into()));
        w.push("none", None);
        let q = w.finish();
        assert_eq!(first(&pairs(&q), "q").as_deref(), Some("été & co"));
        assert!(!q.contains("none"));
    }

    #[test]
    fn values_that_cannot_be_right_are_dropped() {
        assert_eq!(digits(Some("45 ".into()), &[2, 3]).as_deref(), Some("45"));
        assert_eq!(digits(Some("4x".into()), &[2]), None);
        assert_eq!(number(Some("12 000".into())), Some(12_000));
        assert_eq!(page(Some("0".into())), 1);
        assert_eq!(page(Some("abc".into())), 1);
        assert_eq!(page(Some("3".into())), 3);
        assert_eq!(commune(Some("69266".into())).as_deref(), Some("69266"));
        assert_eq!(commune(Some("2a004".into())).as_deref(), Some("2A004"));
        assert_eq!(commune(Some("6926".into())), None);
        assert_eq!(commune(Some("<script>".into())), None);
        assert_eq!(id(Some(" 7 ".into())).as_deref(), Some("7"));
        assert_eq!(id(Some("07".into())), None);
        assert_eq!(id(Some("-1".into())), None);
        assert_eq!(id(Some("99999999999".into())), None);
    }
}
