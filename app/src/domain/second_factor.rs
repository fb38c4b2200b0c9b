//! The second factor's rules that need no server: what a typed code is, how recovery codes
//! look, how many tries a sign-in gets.

/// Recovery codes: ten letters and digits from an alphabet without look-alikes (no 0/O, 1/I),
/// 50 random bits each — enough against guessing under the login throttle.
pub const RECOVERY_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const RECOVERY_LEN: usize = 10;
/// How many recovery codes an account gets at once.
pub const RECOVERY_COUNT: usize = 10;
/// Wrong codes allowed after a right password before the password must be typed again.
pub const MAX_CODE_TRIES: u8 = 5;
/// How long the code step waits after the password (seconds).
pub const PENDING_SECS: i64 = 300;

/// What someone typed in the code field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code, upper case, without separators.
    Recovery(String),
    /// Anything else.
    Invalid,
}

/// Reads a typed code: spaces and dashes are ignored (people copy "123 456" or "ABCDE-FGHJK"),
/// letters are taken in either case.
pub fn read(input: &str) -> Typed {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        Typed::Totp(s)
    } else if s.len() == RECOVERY_LEN && s.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
        Typed::Recovery(s)
    } else {
        Typed::Invalid
    }
}

/// A recovery code as shown to be written down: two groups of five.
pub fn shown(code: &str) -> String {
    if code.len() == RECOVERY_LEN && code.is_ascii() {
        format!("{}-{}", &code[..5], &code[5..])
    } else {
        code.to_string()
    }
}

/// A recovery code from ten random bytes (each picks a letter; 256 is a multiple of 32, so
/// every letter is as likely).
pub fn recovery_from(bytes: [u8; RECOVERY_LEN]) -> String {
    bytes
        .iter()
        .map(|b| RECOVERY_ALPHABET[(*b as usize) % RECOVERY_ALPHABET.len()] as char)
        .collect()
}

/// A base32 secret grouped by four, easier to type into an app by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(read(" 123 456 "), Typed::Totp("123456".into()));
        assert_eq!(read("abcde-fghjk"), Typed::Recovery("ABCDEFGHJK".into()));
        assert_eq!(read("ABCDE FGHJK"), Typed::Recovery("ABCDEFGHJK".into()));
        // Look-alikes are not in the alphabet, short or long codes are nothing.
        assert_eq!(read("ABCDE-FGHJ0"), Typed::Invalid);
        assert_eq!(read("12345"), Typed::Invalid);
        assert_eq!(read("1234567"), Typed::Invalid);
        assert_eq!(read(""), Typed::Invalid);
        assert_eq!(read("١٢٣٤٥٦"), Typed::Invalid, "non-ASCII digits");
    }

    #[test]
    fn recovery_codes_use_the_whole_alphabet_evenly() {
        let mut seen = std::collections::HashSet::new();
        for b in 0..=255u8 {
            let code = recovery_from([b; RECOVERY_LEN]);
            assert_eq!(read(&code), Typed::Recovery(code.clone()));
            seen.insert(code.as_bytes()[0]);
        }
        assert_eq!(seen.len(), RECOVERY_ALPHABET.len());
        assert_eq!(256 % RECOVERY_ALPHABET.len(), 0, "no letter favoured");
    }

    #[test]
    fn shown_forms_read_back() {
        let code = recovery_from(*b"0123456789");
        assert_eq!(shown(&code).len(), 11);
        assert_eq!(read(&shown(&code)), Typed::Recovery(code));
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
