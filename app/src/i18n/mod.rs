//! Interface language: French by default, English selectable. The choice lives in a `lang`
//! cookie (set by the `/langue/{code}` route, so it works without JavaScript); without it the
//! browser's `Accept-Language` decides (`lang_of`). The browser reads the server's decision back
//! from `<html lang>`, so hydration sees the same text.
//! Strings are in `locales/*.yml`, compiled in by rust-i18n.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Name of the cookie that remembers the language.
pub const LANG_COOKIE: &str = "lang";

/// A language of the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, shown in the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    /// Reads the language from a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Lang {
        Lang::in_cookie_header(header).unwrap_or_default()
    }

    /// The language a `Cookie` header chose, if it chose one.
    pub fn in_cookie_header(header: &str) -> Option<Lang> {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .and_then(|(_, v)| Lang::from_code(v.trim()))
    }

    /// The language an `Accept-Language` header prefers among ours (`en-GB,en;q=0.9,fr;q=0.5`
    /// → English), French when it names neither.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::from_code(primary) {
                if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
                    best = Some((lang, q));
                }
            }
        }
        best.map(|(l, _)| l).unwrap_or_default()
    }
}

/// Translates `key` into `lang`; an unknown key falls back to French, then to the key itself.
pub fn tr(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.code()).into_owned()
}

/// The site's one rule for the language of a request, pages, server functions, plain routes
/// and the API alike: the `lang` cookie when the person chose one, else the browser's
/// `Accept-Language` among ours, else French.
#[cfg(feature = "ssr")]
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    use axum::http::header;
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    text(header::COOKIE)
        .and_then(Lang::in_cookie_header)
        .or_else(|| text(header::ACCEPT_LANGUAGE).map(Lang::from_accept_language))
        .unwrap_or_default()
}

/// The language of the current request (server) or page (browser). The browser reads what the
/// server decided, `<html lang>`, so hydration sees the same text whatever decided it.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .map(|parts| lang_of(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_default()
    }
}

/// Makes the request's language available to every component.
pub fn provide_lang() {
    provide_context(request_lang());
}

/// The current language.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Translates `key` into the current language.
pub fn t(key: &str) -> String {
    tr(use_lang(), key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_picks_the_lang_cookie() {
        assert_eq!(Lang::from_cookie_header("a=1; lang=en; b=2"), Lang::En);
        assert_eq!(Lang::from_cookie_header("lang=de"), Lang::Fr);
        assert_eq!(Lang::from_cookie_header(""), Lang::Fr);
        assert_eq!(Lang::in_cookie_header("a=1"), None);
    }

    #[test]
    fn accept_language_picks_the_preferred_of_ours() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,fr;q=0.5"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,fr;q=0.4,en;q=0.6"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"),
            Lang::Fr
        );
        assert_eq!(Lang::from_accept_language("de,es"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Fr);
        assert_eq!(Lang::from_accept_language(""), Lang::Fr);
    }

    fn flat_keys(v: &serde_yaml::Value, prefix: &str, out: &mut Vec<String>) {
        if let serde_yaml::Value::Mapping(m) = v {
            for (k, v) in m {
                let k = k.as_str().unwrap_or_default();
                let key = if prefix.is_empty() {
                    k.to_string()
                } else {
                    format!("{prefix}.{k}")
                };
                flat_keys(v, &key, out);
            }
        } else {
            out.push(prefix.to_string());
        }
    }

    fn keys_of(file: &str) -> Vec<String> {
        let path = format!("{}/src/i18n/locales/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).expect("locale file");
        let mut out = Vec::new();
        flat_keys(
            &serde_yaml::from_str(&text).expect("valid yaml"),
            "",
            &mut out,
        );
        out.sort();
        out
    }

    #[test]
    fn french_and_english_have_the_same_keys() {
        assert_eq!(keys_of("fr.yml"), keys_of("en.yml"));
    }

    /// Every key written literally in a `t` call of the sources, with the file it is in.
    fn literal_keys(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                literal_keys(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (i, _) in text.match_indices("t(\"") {
                    // `t(` alone: not `tr(`, `get(` or `format!(`.
                    let before = text[..i].chars().last();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = &text[i + 3..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    let shaped = key.contains('.')
                        && key.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)
                        });
                    if shaped && !key.ends_with('.') {
                        out.push((key.to_string(), path.display().to_string()));
                    }
                }
            }
        }
    }

    #[test]
    fn every_key_written_in_the_sources_is_translated() {
        let mut found = Vec::new();
        literal_keys(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(found.len() > 500, "the scan found {} keys", found.len());
        let (fr, en) = (keys_of("fr.yml"), keys_of("en.yml"));
        let missing: Vec<String> = found
            .into_iter()
            .filter(|(k, _)| fr.binary_search(k).is_err() || en.binary_search(k).is_err())
            .map(|(k, f)| format!("{k} ({f})"))
            .collect();
        assert_eq!(missing, Vec::<String>::new());
    }

    #[test]
    fn translates_both_languages() {
        assert_eq!(tr(Lang::Fr, "nav.directory"), "Annuaire");
        assert_eq!(tr(Lang::En, "nav.directory"), "Directory");
    }
}
