//! Reading an establishments extract of the SIRENE register in INSEE's public format
//! (`StockEtablissement`: one line per establishment, named columns, comma- or
//! semicolon-separated as the exports of data.gouv.fr and of the INSEE's own tool are). Only
//! two columns matter here: the establishment's `siret` and its `codeCommuneEtablissement`, to
//! place the awardees the platform does not know.

/// The columns read, by their INSEE names.
pub const SIRET_COLUMN: &str = "siret";
pub const COMMUNE_COLUMN: &str = "codeCommuneEtablissement";

/// Where the two columns are in a header line; `None` when it is not an establishments file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub delimiter: u8,
    pub siret: usize,
    pub commune: usize,
}

/// Reads the header line: its separator (the one that splits it into the most fields) and the
/// positions of the two columns (names compared without case, quotes or a BOM).
pub fn layout(header: &str) -> Option<Layout> {
    let header = header.trim_start_matches('\u{feff}').trim_end();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| header.matches(char::from(*d)).count())?;
    let names: Vec<String> = header
        .split(char::from(delimiter))
        .map(|n| n.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let find = |name: &str| names.iter().position(|n| n == &name.to_ascii_lowercase());
    Some(Layout {
        delimiter,
        siret: find(SIRET_COLUMN)?,
        commune: find(COMMUNE_COLUMN)?,
    })
}

/// A SIRET as the register writes it: 14 digits (the register's own numbers are not checked
/// against the Luhn key: La Poste's establishments, among others, do not follow it).
pub fn siret(raw: &str) -> Option<String> {
    let s = raw.trim();
    (s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.to_string())
}

/// An INSEE commune code (`69123`, `2A004`); establishments abroad have none, and those whose
/// address is not disseminated show `[ND]`: both give `None`.
pub fn commune(raw: &str) -> Option<String> {
    super::query::commune(Some(raw.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_gives_the_separator_and_the_columns() {
        let insee = "siren,nic,siret,statutDiffusionEtablissement,codePostalEtablissement,libelleCommuneEtablissement,codeCommuneEtablissement,etatAdministratifEtablissement";
        assert_eq!(
            layout(insee),
            Some(Layout {
                delimiter: b',',
                siret: 2,
                commune: 6
            })
        );
        let quoted = "\u{feff}\"SIREN\";\"SIRET\";\"CODECOMMUNEETABLISSEMENT\"";
        assert_eq!(
            layout(quoted),
            Some(Layout {
                delimiter: b';',
                siret: 1,
                commune: 2
            })
        );
        assert_eq!(layout("uid,acheteur_id,montant"), None);
        assert_eq!(layout(""), None);
    }

    #[test]
    fn values_are_checked() {
        assert_eq!(siret(" 21690123100011 "), Some("21690123100011".into()));
        assert_eq!(siret("216901231"), None);
        assert_eq!(siret("2169012310001A"), None);
        assert_eq!(commune("69266"), Some("69266".into()));
        assert_eq!(commune("2a004"), Some("2A004".into()));
        assert_eq!(commune("[ND]"), None);
        assert_eq!(commune(""), None);
    }
}
