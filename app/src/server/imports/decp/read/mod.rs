//! Reading DECP files as a stream of records, whatever their format: JSON 2019 (`marches: [...]`),
//! JSON 2022 (`marches: {marche: [...], contrat-concession: [...]}`), XML of both, and the
//! consolidated tabular CSV. Memory stays bounded by one record, not by the file.
//!
//! The format is detected from the first bytes, never declared. Files that are not in UTF-8 are
//! read as Windows-1252 (what French spreadsheets and old exports write).

use crate::domain::decp::{tabular, ContractKind};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

mod csv_file;
mod json;
mod xml;
use csv_file::read_csv;
use json::read_json;
use xml::read_xml;

/// One record as found in the file, before normalisation.
#[derive(Debug)]
pub struct RawRecord {
    /// Position in the file, from 0.
    pub index: usize,
    pub value: Value,
    /// Set when the container says the kind (2022 `contrat-concession`, XML element names).
    pub hint: Option<ContractKind>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json2019,
    Json2022,
    Xml,
    TabularCsv,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Json2019 => "json-2019",
            Format::Json2022 => "json-2022",
            Format::Xml => "xml",
            Format::TabularCsv => "csv",
        }
    }
}

/// Why a file could not be read to its end. Records read before the error are kept.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is binary, not a DECP file")]
    Binary,
    #[error("the format is not recognised (neither DECP JSON, XML nor tabular CSV)")]
    UnknownFormat,
    #[error("invalid JSON: {0}")]
    Json(String),
    #[error("invalid XML: {0}")]
    Xml(String),
    #[error("invalid CSV: {0}")]
    Csv(String),
    #[error("the CSV has no DECP columns (id, acheteur_id)")]
    CsvColumns,
    #[error("no DECP records in the file (no `marches` list)")]
    NoRecords,
    #[error("read error: {0}")]
    Io(String),
    #[error("stopped")]
    Stopped,
}

impl ReadError {
    /// i18n key of the message shown to a person.
    pub fn key(&self) -> &'static str {
        match self {
            ReadError::Empty => "import.error.empty",
            ReadError::Binary => "import.error.binary",
            ReadError::UnknownFormat => "import.error.unknown_format",
            ReadError::Json(_) => "import.error.json",
            ReadError::Xml(_) => "import.error.xml",
            ReadError::Csv(_) => "import.error.csv",
            ReadError::CsvColumns => "import.error.csv_columns",
            ReadError::NoRecords => "import.error.no_records",
            ReadError::Io(_) => "import.error.io",
            ReadError::Stopped => "import.error.stopped",
        }
    }
}

/// Counts the bytes pulled from the file, for the progress bar.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// What the first bytes say.
struct Sniffed {
    format: Option<Format>,
    utf8: bool,
}

/// The format family of a file from its first bytes ("json", "xml", "csv"), before reading it.
pub fn format_family(head: &[u8]) -> &'static str {
    match sniff(head).ok().and_then(|s| s.format) {
        Some(Format::Xml) => "xml",
        Some(Format::TabularCsv) => "csv",
        _ => "json",
    }
}

fn sniff(head: &[u8]) -> Result<Sniffed, ReadError> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    if head.iter().take(8192).any(|&b| b == 0) {
        return Err(ReadError::Binary);
    }
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // Cut in the middle of a character at the end of the sample: still UTF-8.
        Err(e) => e.error_len().is_none(),
    };
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let format = match first {
        Some(b'{') | Some(b'[') => Some(Format::Json2019),
        Some(b'<') => Some(Format::Xml),
        _ => {
            let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
            let line = String::from_utf8_lossy(line).to_lowercase();
            (line.contains("acheteur") && (line.contains(',') || line.contains(';')))
                .then_some(Format::TabularCsv)
        }
    };
    Ok(Sniffed { format, utf8 })
}

/// Reads every record of `input`, calling `sink` for each; `sink` returns false to stop.
/// `bytes` counts what was read. Returns the detected format.
pub fn read_records<R: Read>(
    input: R,
    bytes: Arc<AtomicU64>,
    mut sink: impl FnMut(RawRecord) -> bool,
) -> Result<Format, ReadError> {
    let counting = Counting {
        inner: input,
        read: bytes,
    };
    let mut buffered = BufReader::with_capacity(1 << 20, counting);
    let head = buffered
        .fill_buf()
        .map_err(|e| ReadError::Io(e.to_string()))?
        .to_vec();
    if head.is_empty() {
        return Err(ReadError::Empty);
    }
    let sniffed = sniff(&head)?;
    let format = sniffed.format.ok_or(ReadError::UnknownFormat)?;
    let mut index = 0usize;
    let mut emit = |value: Value, hint: Option<ContractKind>| {
        let go = sink(RawRecord { index, value, hint });
        index += 1;
        go
    };
    // The JSON parser pulls one byte at a time: from a `BufReader` of a known type that is a
    // copy from its buffer, where a `Box<dyn Read>` cost a virtual call per byte.
    if sniffed.utf8 {
        read_format(format, buffered, &head, &mut emit)
    } else {
        let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding_rs::WINDOWS_1252))
            .build(buffered);
        read_format(format, BufReader::new(decoded), &head, &mut emit)
    }
}

fn read_format<R: BufRead>(
    format: Format,
    reader: R,
    head: &[u8],
    emit: &mut Emit<'_>,
) -> Result<Format, ReadError> {
    match format {
        Format::Json2019 | Format::Json2022 => read_json(reader, emit),
        Format::Xml => read_xml(reader, emit).map(|()| Format::Xml),
        Format::TabularCsv => read_csv(reader, head, emit).map(|()| Format::TabularCsv),
    }
}

type Emit<'a> = dyn FnMut(Value, Option<ContractKind>) -> bool + 'a;

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> (Result<Format, ReadError>, Vec<RawRecord>) {
        let mut out = Vec::new();
        let r = read_records(bytes, Arc::new(AtomicU64::new(0)), |r| {
            out.push(r);
            true
        });
        (r, out)
    }

    #[test]
    fn json_2019_and_2022() {
        let (f, recs) = read(br#"{"marches": [{"id": "a"}, {"id": "b"}]}"#);
        assert_eq!(f.unwrap(), Format::Json2019);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].index, 1);
        let (f, recs) =
            read(br#"{"marches": {"marche": [{"id": "a"}], "contrat-concession": [{"id": "c"}]}}"#);
        assert_eq!(f.unwrap(), Format::Json2022);
        assert_eq!(recs[1].hint, Some(ContractKind::Concession));
    }

    #[test]
    fn truncated_json_keeps_what_was_read() {
        let (f, recs) = read(br#"{"marches": [{"id": "a"}, {"id": "b"#);
        assert!(matches!(f, Err(ReadError::Json(_))));
        assert_eq!(recs.len(), 1);
    }

    #[test]
    fn bad_files_get_a_clear_error() {
        assert!(matches!(read(b"").0, Err(ReadError::Empty)));
        assert!(matches!(read(b"   \n").0, Err(ReadError::Empty)));
        assert!(matches!(read(b"\x00\x01\x02PK").0, Err(ReadError::Binary)));
        assert!(matches!(
            read(b"hello world").0,
            Err(ReadError::UnknownFormat)
        ));
        assert!(matches!(
            read(br#"{"autre": 1}"#).0,
            Err(ReadError::NoRecords)
        ));
        let big = format!("\"{}\"", "x".repeat(10 * 1024 * 1024));
        assert!(matches!(
            read(big.as_bytes()).0,
            Err(ReadError::UnknownFormat)
        ));
        let big = format!("[\"{}\"]", "x".repeat(10 * 1024 * 1024));
        let (f, recs) = read(big.as_bytes());
        assert_eq!(f.unwrap(), Format::Json2019);
        assert!(recs[0].value.is_string());
    }

    #[test]
    fn latin1_files_are_decoded() {
        let (f, recs) = read(b"{\"marches\": [{\"objet\": \"R\xe9novation\"}]}");
        assert_eq!(f.unwrap(), Format::Json2019);
        assert_eq!(recs[0].value["objet"], "Rénovation");
    }

    #[test]
    fn xml_records_become_json() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<marches>
  <marche><id>1</id><acheteur><id>21690123100011</id></acheteur>
    <titulaires><titulaire><id>a</id></titulaire><titulaire><id>b</id></titulaire></titulaires>
    <objet>Travaux &amp; voirie</objet></marche>
  <contrat-concession><id>2</id></contrat-concession>
</marches>"#;
        let (f, recs) = read(xml);
        assert_eq!(f.unwrap(), Format::Xml);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].value["objet"], "Travaux & voirie");
        assert_eq!(recs[0].value["titulaires"]["titulaire"][1]["id"], "b");
        assert_eq!(recs[1].hint, Some(ContractKind::Concession));
        let (f, _) = read(b"<marches><marche><id>1</id>");
        assert!(matches!(f, Err(ReadError::Xml(_))));
    }

    #[test]
    fn csv_with_either_delimiter() {
        let (f, recs) =
            read(b"uid;id;acheteur_id;titulaire_id\nX;1;21690123100011;78471226700060\n");
        assert_eq!(f.unwrap(), Format::TabularCsv);
        assert_eq!(recs[0].value["acheteur"]["id"], "21690123100011");
        assert!(matches!(
            read(b"nom,prenom,acheteur\na,b,c\n").0,
            Err(ReadError::CsvColumns)
        ));
    }

    #[test]
    fn a_sink_can_stop_the_read() {
        let r = read_records(
            &br#"{"marches": [{"id": "a"}, {"id": "b"}]}"#[..],
            Arc::new(AtomicU64::new(0)),
            |_| false,
        );
        assert!(matches!(r, Err(ReadError::Stopped)));
    }
}
