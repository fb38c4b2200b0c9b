//! The one CSV writer of every export: each cell is kept from running as a formula in a
//! spreadsheet (`domain::security::csv_cell`), whoever wrote its text.

use crate::domain::security::csv_cell;
use crate::error::AppError;

pub struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
    failed: bool,
}

impl CsvOut {
    /// Comma-separated.
    pub fn new() -> CsvOut {
        CsvOut::with_delimiter(b',')
    }

    /// Separated by `delimiter` (`;` for the French spreadsheets' habit).
    pub fn with_delimiter(delimiter: u8) -> CsvOut {
        CsvOut {
            writer: csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(Vec::new()),
            failed: false,
        }
    }

    /// Writes one row (headings included: they go through the same rule, harmlessly).
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| csv_cell(c.as_ref()).into_owned())
            .collect();
        if let Err(e) = self.writer.write_record(&cells) {
            tracing::error!("CSV export failed: {e}");
            self.failed = true;
        }
    }

    /// The bytes written, without a BOM.
    pub fn bytes(self) -> Result<Vec<u8>, AppError> {
        if self.failed {
            return Err(AppError::Internal);
        }
        self.writer.into_inner().map_err(|e| {
            tracing::error!("CSV export failed: {e}");
            AppError::Internal
        })
    }

    /// The text written, after a BOM so that spreadsheets read its accents as UTF-8.
    pub fn text_with_bom(self) -> Result<String, AppError> {
        let bytes = self.bytes()?;
        Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
    }
}

impl Default for CsvOut {
    fn default() -> Self {
        CsvOut::new()
    }
}

/// A dashboard's table as CSV with a BOM (spreadsheets read it as UTF-8): the columns and keys
/// in `lang`, whole euros, percentages as numbers with two decimals.
pub fn table_csv(
    table: &crate::domain::analytics::tables::Table,
    lang: crate::i18n::Lang,
) -> Result<Vec<u8>, AppError> {
    use crate::domain::analytics::tables::Cell;
    let mut w = CsvOut::new();
    w.row(table.columns.iter().map(|c| crate::i18n::tr(lang, c)));
    for row in &table.rows {
        w.row(row.iter().map(|c| match c {
            Cell::Text(s) => s.clone(),
            Cell::Key(k) => crate::i18n::tr(lang, k),
            Cell::Count(n) => n.to_string(),
            Cell::Euros(c) => (c / 100).to_string(),
            Cell::Percent(p) | Cell::Number(p) => p.map(|v| format!("{v:.2}")).unwrap_or_default(),
        }));
    }
    Ok(w.text_with_bom()?.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_neutralised_and_quoted_as_csv() {
        let mut w = CsvOut::with_delimiter(b';');
        w.row(["nom", "montant"]);
        w.row(["=cmd|' /C calc'!A0", "-12.50"]);
        let text = String::from_utf8(w.bytes().unwrap()).unwrap();
        assert_eq!(text, "nom;montant\n'=cmd|' /C calc'!A0;-12.50\n");
    }

    #[test]
    fn the_bom_comes_first() {
        let mut w = CsvOut::new();
        w.row(["é"]);
        assert_eq!(w.text_with_bom().unwrap(), "\u{feff}é\n");
    }
}
