//! Rows in PostgreSQL's `COPY … FROM STDIN` text format, for bulk writes (the DECP import).
//!
//! Why the text format and not CSV: the text format tells NULL (`\N`) from an empty string
//! without quoting rules, and its escaping is four characters; why not binary: every value
//! here is text or a number, and the binary format would need each column's type written by
//! hand (a wrong one fails the whole COPY), where PostgreSQL parses text into the staging
//! table's own types.
//!
//! Format (PostgreSQL 15 manual, COPY, "Text Format"): columns separated by a tab, rows ended
//! by a newline, NULL as `\N`; a backslash, tab, newline or carriage return inside a value is
//! written as `\\`, `\t`, `\n`, `\r`. A NUL character cannot be stored in a PostgreSQL text
//! value at all: it is dropped (an INSERT would fail on it instead).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use std::fmt::Display;
use std::io::Write;

/// A buffer of rows being written.
pub struct CopyText {
    buf: Vec<u8>,
    /// Whether the next value is the first of its row (no separator before it).
    row_start: bool,
    rows: usize,
}

impl Default for CopyText {
    fn default() -> CopyText {
        CopyText::new()
    }
}

impl CopyText {
    pub fn new() -> CopyText {
        CopyText {
            buf: Vec::with_capacity(64 * 1024),
            row_start: true,
            rows: 0,
        }
    }

    fn separate(&mut self) {
        if !self.row_start {
            self.buf.push(b'\t');
        }
        self.row_start = false;
    }

    /// A NULL.
    pub fn null(&mut self) -> &mut Self {
        self.separate();
        self.buf.extend_from_slice(b"\\N");
        self
    }

    /// A text value, escaped.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        let bytes = value.as_bytes();
        let mut from = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escaped: &[u8] = match b {
                b'\\' => b"\\\\",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                0 => b"",
                _ => continue,
            };
            self.buf.extend_from_slice(&bytes[from..i]);
            self.buf.extend_from_slice(escaped);
            from = i + 1;
        }
        self.buf.extend_from_slice(&bytes[from..]);
        self
    }

    pub fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    /// A number (its decimal form needs no escaping).
    pub fn number(&mut self, value: impl Display) -> &mut Self {
        self.separate();
        let _ = write!(self.buf, "{value}");
        self
    }

    pub fn opt_number(&mut self, value: Option<impl Display>) -> &mut Self {
        match value {
            Some(v) => self.number(v),
            None => self.null(),
        }
    }

    pub fn boolean(&mut self, value: bool) -> &mut Self {
        self.separate();
        self.buf.push(if value { b't' } else { b'f' });
        self
    }

    pub fn opt_boolean(&mut self, value: Option<bool>) -> &mut Self {
        match value {
            Some(v) => self.boolean(v),
            None => self.null(),
        }
    }

    pub fn opt_date(&mut self, value: Option<NaiveDate>) -> &mut Self {
        match value {
            Some(d) => {
                self.separate();
                let _ = write!(self.buf, "{}", d.format("%Y-%m-%d"));
                self
            }
            None => self.null(),
        }
    }

    pub fn timestamp(&mut self, value: DateTime<Utc>) -> &mut Self {
        self.separate();
        self.buf.extend_from_slice(
            value
                .to_rfc3339_opts(SecondsFormat::AutoSi, true)
                .as_bytes(),
        );
        self
    }

    /// Ends the current row.
    pub fn end_row(&mut self) {
        self.buf.push(b'\n');
        self.row_start = true;
        self.rows += 1;
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(build: impl FnOnce(&mut CopyText)) -> String {
        let mut c = CopyText::new();
        build(&mut c);
        c.end_row();
        String::from_utf8(c.bytes().to_vec()).unwrap()
    }

    #[test]
    fn separates_values_by_tabs_and_rows_by_newlines() {
        let mut c = CopyText::default();
        c.text("a").number(12).null();
        c.end_row();
        c.boolean(true)
            .opt_boolean(Some(false))
            .opt_number(None::<i32>);
        c.end_row();
        assert_eq!(c.bytes(), b"a\t12\t\\N\nt\tf\t\\N\n");
        assert_eq!(c.rows(), 2);
    }

    #[test]
    fn escapes_what_would_end_a_value_or_a_row() {
        assert_eq!(
            row(|c| {
                c.text("un\tdeux\ntrois\r\\N");
            }),
            "un\\tdeux\\ntrois\\r\\\\N\n"
        );
    }

    #[test]
    fn an_empty_string_is_not_null_and_nul_characters_are_dropped() {
        assert_eq!(
            row(|c| {
                c.text("").opt_text(None).text("a\0b");
            }),
            "\t\\N\tab\n"
        );
    }

    #[test]
    fn keeps_accents_and_writes_dates_and_instants_as_postgresql_reads_them() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 9);
        let at = DateTime::parse_from_rfc3339("2024-03-09T10:11:12.5+00:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            row(|c| {
                c.text("Métropole « Lyon »").opt_date(day).timestamp(at);
            }),
            "Métropole « Lyon »\t2024-03-09\t2024-03-09T10:11:12.500Z\n"
        );
    }
}
