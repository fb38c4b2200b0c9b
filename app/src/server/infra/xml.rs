//! What the XML readers (DECP, eForms PINs and notices) share.

/// The character an entity reference stands for (`amp`, `#233`, `#xE9`…): the five XML
/// predefined entities and character references; `None` for any other (a DTD's own entities are
/// never expanded: a file cannot make the reader grow text out of nothing).
pub fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        n => n
            .strip_prefix("#x")
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn predefined_entities_and_character_references_only() {
        assert_eq!(super::entity("amp"), Some('&'));
        assert_eq!(super::entity("#233"), Some('é'));
        assert_eq!(super::entity("#xE9"), Some('é'));
        assert_eq!(super::entity("lol"), None);
        assert_eq!(super::entity("#xD800"), None);
    }
}
