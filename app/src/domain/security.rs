//! Security rules that need no I/O: where a "go back to" parameter may send someone, how a
//! spreadsheet cell is kept from running as a formula, how a client address is keyed by the
//! throttles.

use std::borrow::Cow;
use std::net::IpAddr;

/// Longest path a "go back to" parameter may hold.
const MAX_LOCAL_PATH: usize = 2000;

/// `target` when it is a path of this site, none otherwise (never an open redirect).
///
/// Browsers drop tabs and line breaks anywhere in a URL and read a backslash as a slash, so
/// `/\t/evil.example` and `/\evil.example` both become `//evil.example`, another site: any
/// control character or backslash refuses the target, as does a second slash after the first.
pub fn local_path(target: &str) -> Option<&str> {
    let rest = target.strip_prefix('/')?;
    let refused = target.len() > MAX_LOCAL_PATH
        || rest.starts_with('/')
        || target.chars().any(|c| c.is_control() || c == '\\');
    (!refused).then_some(target)
}

/// A cell of an exported CSV that a spreadsheet will not run: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading quote (OWASP's advice on CSV
/// injection). A number stays as it is (a negative amount is not a formula).
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    let formula_like = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula_like && cell.trim().parse::<f64>().map_or(true, |n| !n.is_finite()) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The address the throttles count a client by: an IPv4 address itself; an IPv6 address by
/// its /64 network, since one subscriber is given a whole /64 and could otherwise change
/// address at every request. An IPv4 address mapped into IPv6 counts as the IPv4 address.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::from([s[0], s[1], s[2], s[3], 0, 0, 0, 0])
            }
        },
    }
}

/// The client's address as a trusted reverse proxy reports it in `header_value` (the value of
/// X-Forwarded-For or X-Real-IP): the last address of the list, the one the proxy itself
/// appended — earlier ones were written by the client and prove nothing.
pub fn forwarded_client(header_value: &str) -> Option<IpAddr> {
    header_value
        .rsplit(',')
        .next()
        .and_then(|last| last.trim().parse().ok())
}

/// The forms of a new password a guesser tries from a list of common ones: the password
/// itself, and its core once a few digits or signs are taken off either end ("Soleil2024!"
/// is "soleil"), lower-cased. Cores shorter than 4 characters are left out.
pub fn password_cores(password: &str) -> Vec<String> {
    let lower = password.trim().to_lowercase();
    let decoration = |c: char| c.is_ascii_digit() || "!?.*@#$%&_-+=~ ".contains(c);
    let mut core: &str = &lower;
    for _ in 0..6 {
        match core.strip_suffix(decoration) {
            Some(rest) => core = rest,
            None => break,
        }
    }
    for _ in 0..4 {
        match core.strip_prefix(decoration) {
            Some(rest) => core = rest,
            None => break,
        }
    }
    let mut out = vec![lower.clone()];
    if core != lower && core.chars().count() >= 4 {
        out.push(core.to_string());
    }
    out
}

/// Words of Passerelle's context that make a password easy to guess (ASVS 6.2.11): the site's
/// name, the territory's, public procurement's.
pub const CONTEXT_WORDS: &[&str] = &[
    "passerelle",
    "metropole",
    "grandlyon",
    "lyon",
    "rhone",
    "marchepublic",
    "marchespublics",
    "commandepublique",
    "acheteur",
];

/// Whether `password` is mostly a word of the context or of the person (`personal`: their
/// email and name, whose parts of 4 letters or more count): such a word makes at least half
/// of its letters, decorations off. A long passphrase that only mentions Lyon is not refused.
pub fn leans_on_context(password: &str, personal: &[&str]) -> bool {
    let letters = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .map(|c| match c {
                'à' | 'â' | 'ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'î' | 'ï' => 'i',
                'ô' | 'ö' => 'o',
                'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                c => c,
            })
            .collect()
    };
    let mut words: Vec<String> = CONTEXT_WORDS.iter().map(|w| w.to_string()).collect();
    for p in personal {
        words.extend(
            p.split(|c: char| !c.is_alphanumeric())
                .map(letters)
                .filter(|w| w.chars().count() >= 4),
        );
    }
    password_cores(password).iter().any(|core| {
        let core = letters(core);
        words
            .iter()
            .any(|w| core.contains(w.as_str()) && w.chars().count() * 2 >= core.chars().count())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_made_of_the_context_or_the_person_are_caught() {
        let me = ["jeanne.dupont@menuiserie.example", "Jeanne Dupont"];
        for weak in [
            "Passerelle2026!",
            "passerelle-lyon",
            "Métropole69!!",
            "jeanne-dupont-99",
            "DupontDupont1",
            "menuiserie2024",
        ] {
            assert!(leans_on_context(weak, &me), "{weak}");
        }
        for fine in [
            "un pont de bois sur la Saône",
            "cheval correct agrafe pile",
            "Lyon m'a vu naître en hiver",
        ] {
            assert!(!leans_on_context(fine, &me), "{fine}");
        }
    }

    #[test]
    fn a_password_is_tried_with_its_decorations_off() {
        assert_eq!(password_cores("Soleil2024!"), vec!["soleil2024!", "soleil"]);
        assert_eq!(password_cores("  AZERTYUIOP "), vec!["azertyuiop"]);
        assert_eq!(
            password_cores("1984marseille"),
            vec!["1984marseille", "marseille"]
        );
        assert_eq!(
            password_cores("une phrase de passe"),
            vec!["une phrase de passe"]
        );
        // Six characters off the end at most: a long number is no decoration.
        assert_eq!(
            password_cores("abcd123456789012"),
            vec!["abcd123456789012", "abcd123456"]
        );
        assert_eq!(password_cores("ab12"), vec!["ab12"], "too short a core");
    }

    #[test]
    fn a_local_path_goes_back_where_it_says() {
        assert_eq!(
            local_path("/marches?q=voirie#x"),
            Some("/marches?q=voirie#x")
        );
        assert_eq!(local_path("/"), Some("/"));
    }

    #[test]
    fn anything_a_browser_could_read_as_another_site_is_refused() {
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "https://evil.example",
            "evil.example",
            "",
            "/a\u{0}b",
            "/\u{7f}/evil.example",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(3000))), None);
    }

    #[test]
    fn formula_like_cells_are_quoted_numbers_are_not() {
        for hostile in [
            "=HYPERLINK(\"http://evil\")",
            "+33 4 72 00 00 00",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "-inf",
            "-NaN",
        ] {
            assert_eq!(csv_cell(hostile), format!("'{hostile}"), "{hostile:?}");
        }
        assert_eq!(csv_cell("-12.50"), "-12.50");
        assert_eq!(csv_cell("Boulangerie du Parc"), "Boulangerie du Parc");
        assert_eq!(csv_cell(""), "");
        assert!(matches!(csv_cell("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(other));
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(client_key(v4), v4);
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), v4);
    }

    #[test]
    fn the_proxy_s_own_entry_is_the_client() {
        assert_eq!(
            forwarded_client("6.6.6.6, 192.0.2.10"),
            Some("192.0.2.10".parse().unwrap()),
            "the first entry was written by the client"
        );
        assert_eq!(
            forwarded_client(" 2001:db8::1 "),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(forwarded_client("garbage"), None);
        assert_eq!(forwarded_client(""), None);
    }
}
