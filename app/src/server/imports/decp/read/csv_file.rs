//! The consolidated tabular CSV of the DECP, a record a row.

use super::*;

pub(super) fn read_csv(
    reader: impl Read,
    head: &[u8],
    emit: &mut Emit<'_>,
) -> Result<(), ReadError> {
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let delimiter = if first_line.iter().filter(|&&b| b == b';').count()
        > first_line.iter().filter(|&&b| b == b',').count()
    {
        b';'
    } else {
        b','
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(reader);
    let headers: Vec<String> = csv
        .headers()
        .map_err(|e| ReadError::Csv(e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if !headers.iter().any(|h| h == "id")
        || !headers
            .iter()
            .any(|h| h == "acheteur_id" || h == "acheteur.id")
    {
        return Err(ReadError::CsvColumns);
    }
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let value =
                    tabular::row_to_record(headers.iter().map(String::as_str).zip(record.iter()));
                if !emit(value, None) {
                    return Err(ReadError::Stopped);
                }
            }
            Err(e) => return Err(ReadError::Csv(e.to_string())),
        }
    }
    Ok(())
}
