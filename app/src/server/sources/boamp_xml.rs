//! BOAMP notices from the XML of the DILA's archives (`kind = "boamp_xml"`): the address gives
//! one file — a daily archive (`.tar.gz`/`.taz`, `.tar`), a gzipped XML or a plain XML holding
//! one notice or a list of them. The copy is written to a temporary file (the publisher's ETag
//! sent back next time: an archive read once is not read again), unpacked as it is read with
//! limits on what it may grow to, each XML turned into its tree and read by
//! `domain::boamp_legacy`. Notices are stored once by their id and applied to the programming
//! like the API's.
//!
//! Real archives are dirtier than their schema: files in ISO-8859-1 (declared or not), HTML
//! entities (`&nbsp;`) the XML never declares, text mixed with `<BR/>`; each is read with a
//! warning. A file that is not XML, or cut short, is a rejection with its reason; the others are
//! read.

use super::{Outcome, Runner};
use crate::domain::notices::Notice;
use crate::domain::sources::{split, RunStatus};
use crate::server::infra::entities::sources;
use sea_orm::DatabaseConnection;
use serde_json::{Map, Value};
use std::io::Read;

/// The largest XML file read (a notice is a few dozen KB; a file listing a day's notices a few
/// MB).
pub const MAX_DOC: u64 = 64 << 20;
/// The most an archive may unpack to, all files together: a small archive cannot make the
/// server write or hold gigabytes (a "zip bomb").
pub const MAX_UNPACKED: u64 = 1 << 30;
/// The most files an archive may hold.
pub const MAX_FILES: usize = 50_000;
/// Deepest nesting read.
const MAX_DEPTH: usize = 64;

/// What the copy held, read.
#[derive(Debug, Default)]
pub struct Contents {
    pub notices: Vec<Notice>,
    /// XML files (or notices of a list) found.
    pub records: usize,
    pub warnings: Vec<String>,
    pub rejections: Vec<String>,
}

/// Why the copy could not be read at all.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("archive unreadable: {0}")]
    Unreadable(String),
    #[error("the archive unpacks to more than {0} bytes")]
    TooLarge(u64),
    #[error("the archive holds more than {MAX_FILES} files")]
    TooManyFiles,
}

/// An XML document as a tree: element names as keys; an element with only text is its text; one
/// with children or attributes an object (`@name` for attributes, `#text` for its own text); a
/// name repeated among siblings a list. The root's name is returned beside it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    #[error("not XML: {0}")]
    Xml(String),
    #[error("the document ends inside <{0}>")]
    Truncated(String),
    #[error("elements nested deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("no element")]
    Empty,
}

/// The document in UTF-8: an encoding declared other than UTF-8 (ISO-8859-1, Windows-1252 in
/// the archives' early years) is decoded; an undeclared one that is not UTF-8 is read as
/// Windows-1252. Says whether it guessed.
fn utf8(bytes: &[u8]) -> (std::borrow::Cow<'_, [u8]>, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared = head
        .split("?>")
        .next()
        .filter(|p| p.trim_start().starts_with("<?xml"))
        .and_then(|p| p.split("encoding=").nth(1))
        .map(|e| {
            e.trim_start_matches(['"', '\''])
                .split(['"', '\''])
                .next()
                .unwrap_or("")
                .to_string()
        });
    let encoding = declared
        .as_deref()
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    if encoding == encoding_rs::UTF_8 {
        if std::str::from_utf8(bytes).is_ok() {
            return (bytes.into(), false);
        }
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        return (text.into_owned().into_bytes().into(), true);
    }
    let (text, _, _) = encoding.decode(bytes);
    // The declaration would now lie about the bytes: it goes.
    let text = match text.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or("", |(_, body)| body)
            .to_string(),
        None => text.into_owned(),
    };
    (text.into_bytes().into(), false)
}

struct Frame {
    name: String,
    children: Map<String, Value>,
    text: String,
}

fn add(map: &mut Map<String, Value>, key: String, value: Value) {
    match map.get_mut(&key) {
        Some(Value::Array(list)) => list.push(value),
        Some(one) => {
            let first = one.take();
            *one = Value::Array(vec![first, value]);
        }
        None => {
            map.insert(key, value);
        }
    }
}

fn frame(e: &quick_xml::events::BytesStart<'_>) -> Frame {
    let mut children = Map::new();
    for a in e.attributes().flatten() {
        let key = format!("@{}", String::from_utf8_lossy(a.key.local_name().as_ref()));
        children.insert(
            key,
            Value::String(String::from_utf8_lossy(&a.value).into_owned()),
        );
    }
    Frame {
        name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
        children,
        text: String::new(),
    }
}

fn close(f: Frame) -> Value {
    let text = f.text.split_whitespace().collect::<Vec<_>>().join(" ");
    if f.children.is_empty() {
        return Value::String(text);
    }
    let mut children = f.children;
    if !text.is_empty() {
        children.insert("#text".into(), Value::String(text));
    }
    Value::Object(children)
}

/// The tree of a document, with the warnings of what was guessed.
pub fn tree(bytes: &[u8]) -> Result<(String, Value, Vec<String>), TreeError> {
    use quick_xml::events::Event;
    let (bytes, guessed) = utf8(bytes);
    let mut warnings = Vec::new();
    if guessed {
        warnings.push("encodage non déclaré et pas en UTF-8 : lu comme Windows-1252".to_string());
    }
    let mut xml = quick_xml::Reader::from_reader(bytes.as_ref());
    let mut buf = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut unknown = 0usize;
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| TreeError::Xml(format!("{e} (octet {})", xml.buffer_position())))?;
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(TreeError::TooDeep);
                }
                stack.push(frame(&e));
            }
            Event::Empty(e) => {
                let f = frame(&e);
                match stack.last_mut() {
                    Some(parent) => {
                        let name = f.name.clone();
                        add(&mut parent.children, name, close(f));
                    }
                    None => return Ok((f.name.clone(), close(f), warnings)),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let t = t.decode().map_err(|e| TreeError::Xml(e.to_string()))?;
                    top.text.push_str(&t);
                    top.text.push(' ');
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                    top.text.push(' ');
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let c = crate::server::infra::xml::entity(&name).unwrap_or_else(|| {
                    // An HTML entity the document never declares: a space keeps the words
                    // apart; a DTD's own entities are never expanded.
                    unknown += 1;
                    ' '
                });
                if let Some(top) = stack.last_mut() {
                    top.text.push(c);
                }
            }
            Event::End(_) => {
                let Some(f) = stack.pop() else {
                    return Err(TreeError::Xml("closing tag without opening".into()));
                };
                let name = f.name.clone();
                let value = close(f);
                match stack.last_mut() {
                    Some(parent) => add(&mut parent.children, name, value),
                    None => {
                        if unknown > 0 {
                            warnings.push(format!(
                                "{unknown} entité(s) HTML non déclarée(s) lue(s) comme des espaces"
                            ));
                        }
                        return Ok((name, value, warnings));
                    }
                }
            }
            Event::Eof => {
                return Err(match stack.last() {
                    Some(f) => TreeError::Truncated(f.name.clone()),
                    None => TreeError::Empty,
                })
            }
            _ => {}
        }
        buf.clear();
    }
}

/// The notices of one document: the root itself, or each element of a list when the root only
/// holds many of one element (a file listing a day's notices).
fn notices_of(root: Value) -> Vec<Value> {
    if let Value::Object(map) = &root {
        let elements: Vec<_> = map.iter().filter(|(k, _)| !k.starts_with('@')).collect();
        if let [(_, Value::Array(list))] = elements.as_slice() {
            if list.iter().all(Value::is_object) {
                return list.clone();
            }
        }
    }
    vec![root]
}

/// Reads one XML file named `name` into `out`.
pub fn read_document(name: &str, bytes: &[u8], out: &mut Contents) {
    let (_, root, warnings) = match tree(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.records += 1;
            out.rejections.push(format!("{name} : {e}"));
            return;
        }
    };
    for w in warnings {
        out.warnings.push(format!("{name} : {w}"));
    }
    for doc in notices_of(root) {
        out.records += 1;
        match crate::domain::boamp_legacy::read_notice(&doc, &mut out.warnings) {
            Ok(n) => out.notices.push(n),
            Err(why) => out.rejections.push(format!("{name} : {why}")),
        }
    }
}

/// Reads at most `max` bytes of `r`; `None` when there were more.
fn read_capped(r: &mut impl Read, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    r.take(max + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// Reads the copy: a tar archive (gzipped or not) of XML files, a gzipped XML, or an XML.
pub fn read_copy(file: impl Read) -> Result<Contents, ArchiveError> {
    read_copy_within(file, MAX_UNPACKED)
}

/// [`read_copy`], unpacking at most `max_unpacked` bytes.
fn read_copy_within(file: impl Read, max_unpacked: u64) -> Result<Contents, ArchiveError> {
    let unreadable = |e: std::io::Error| ArchiveError::Unreadable(e.to_string());
    let mut file = std::io::BufReader::new(file);
    let mut magic = [0u8; 2];
    let n = read_full(&mut file, &mut magic).map_err(unreadable)?;
    let head = std::io::Cursor::new(magic[..n].to_vec()).chain(file);
    let mut unpacked: Box<dyn Read> = if magic[..n] == [0x1f, 0x8b] {
        Box::new(flate2::read::MultiGzDecoder::new(head))
    } else {
        Box::new(head)
    };
    // A tar archive says so at byte 257 of its first block.
    let mut block = vec![0u8; 512];
    let n = read_full(&mut unpacked, &mut block).map_err(unreadable)?;
    block.truncate(n);
    let is_tar = n == 512 && &block[257..262] == b"ustar";
    let rest = std::io::Cursor::new(block).chain(unpacked);
    let mut capped = rest.take(max_unpacked + 1);
    let mut out = Contents::default();
    if !is_tar {
        match read_capped(&mut capped, MAX_DOC).map_err(unreadable)? {
            Some(bytes) => read_document("document", &bytes, &mut out),
            None => out
                .rejections
                .push(format!("document : plus de {} Mo", MAX_DOC >> 20)),
        }
        return Ok(out);
    }
    // The archive borrows the counted reader until its files are read.
    {
        let mut archive = tar::Archive::new(&mut capped);
        let mut files = 0usize;
        for entry in archive.entries().map_err(unreadable)? {
            let mut entry = match entry {
                Ok(e) => e,
                // A cut archive: what was read before stays read.
                Err(e) => {
                    out.rejections
                        .push(format!("archive coupée ou illisible : {e}"));
                    break;
                }
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            files += 1;
            if files > MAX_FILES {
                return Err(ArchiveError::TooManyFiles);
            }
            let name = entry
                .path()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| format!("fichier {files}"));
            if !name.to_ascii_lowercase().ends_with(".xml") {
                continue;
            }
            match read_capped(&mut entry, MAX_DOC) {
                Ok(Some(bytes)) => read_document(&name, &bytes, &mut out),
                Ok(None) => out
                    .rejections
                    .push(format!("{name} : plus de {} Mo", MAX_DOC >> 20)),
                Err(e) => {
                    out.rejections.push(format!("{name} : {e}"));
                    break;
                }
            }
        }
    }
    if capped.limit() == 0 {
        return Err(ArchiveError::TooLarge(max_unpacked));
    }
    Ok(out)
}

/// Fills `buf` as far as `r` allows; how many bytes were read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

pub async fn run(db: &DatabaseConnection, runner: &Runner, source: &sources::Model) -> Outcome {
    let copy = match super::fetch_copy(runner, source, &|_, _| {}).await {
        Ok(c) => c,
        Err(ended) => return ended,
    };
    let (bytes, validators, attempts) = (copy.bytes, copy.validators, copy.attempts);
    let path = copy.file.path().to_path_buf();
    // Unpacking and reading XML is CPU work: off the async workers.
    let read = tokio::task::spawn_blocking(move || std::fs::File::open(path).map(read_copy)).await;
    let read = match read {
        Ok(Ok(Ok(r))) => r,
        Ok(Ok(Err(e))) => return Outcome::failed(attempts, "sources.error.format", e.to_string()),
        Ok(Err(e)) => return Outcome::failed(attempts, "sources.error.io", e.to_string()),
        Err(e) => return Outcome::failed(attempts, "sources.error.format", e.to_string()),
    };
    drop(copy.file);
    let mut outcome = Outcome {
        status: Some(RunStatus::Done),
        attempts: attempts as i32,
        bytes: bytes as i64,
        fetched: read.records as i32,
        rejected: read.rejections.len() as i32,
        ..Default::default()
    };
    for w in read.warnings {
        outcome.report.warn(w);
    }
    for r in read.rejections {
        outcome.report.reject(r);
    }
    let departments = split(&source.departments);
    let buyers = split(&source.sirets);
    let mut elsewhere = 0;
    for n in &read.notices {
        // An archive covers all of France: only the territory's notices are kept.
        if !departments.is_empty() && !n.departments.iter().any(|d| departments.contains(d)) {
            elsewhere += 1;
            continue;
        }
        if !buyers.is_empty() && !n.buyer_siret.as_ref().is_some_and(|s| buyers.contains(s)) {
            continue;
        }
        if let Err(e) = super::store_notice(db, runner, source, "boamp", n, &mut outcome).await {
            tracing::error!(
                "source {}: storing notice {}: {e}",
                source.name,
                n.notice_id
            );
            return outcome.failing(attempts, "import.error.database", "");
        }
    }
    if elsewhere > 0 {
        outcome.report.warn(format!(
            "{elsewhere} avis d'autres départements (ou sans département) laissé(s) de côté"
        ));
    }
    outcome.validators = Some(validators);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const CALL: &str = r#"<?xml version="1.0" encoding="ISO-8859-1"?>
<BOAMP>
  <GESTION><REFERENCE><IDWEB>15-101234</IDWEB></REFERENCE>
    <INDEXATION><DATE_PUBLICATION>2015-03-12</DATE_PUBLICATION><NATURE>APPEL_OFFRE</NATURE>
      <DEPARTEMENT_PUBLICATION>69</DEPARTEMENT_PUBLICATION></INDEXATION></GESTION>
  <DONNEES><IDENTITE><DENOMINATION>Commune de Brignais</DENOMINATION></IDENTITE>
    <OBJET><TITRE_MARCHE>Restauration&nbsp;scolaire <BR/>des &#233;coles</TITRE_MARCHE>
      <CPV><PRINCIPAL>55523100</PRINCIPAL></CPV></OBJET></DONNEES>
</BOAMP>"#;

    fn latin1(s: &str) -> Vec<u8> {
        encoding_rs::WINDOWS_1252.encode(s).0.into_owned()
    }

    #[test]
    fn a_tree_keeps_names_lists_and_text_and_reads_latin1() {
        let (root, call, warnings) = tree(&latin1(CALL)).unwrap();
        assert_eq!(root, "BOAMP");
        assert_eq!(call["GESTION"]["REFERENCE"]["IDWEB"], "15-101234");
        assert_eq!(
            call["DONNEES"]["OBJET"]["TITRE_MARCHE"]["#text"],
            "Restauration scolaire des écoles"
        );
        assert!(
            warnings.join(" ").contains("1 entité(s) HTML"),
            "{warnings:?}"
        );
        let (_, list, _) = tree(b"<L><A x=\"1\">a</A><A>b</A><B/></L>").unwrap();
        assert_eq!(list["A"][0]["@x"], "1");
        assert_eq!(list["A"][1], "b");
        assert_eq!(list["B"], "");
        // Undeclared Latin-1: read with a warning.
        let (_, t, w) = tree(&latin1("<A>créée</A>")).unwrap();
        assert_eq!(t, "créée");
        assert_eq!(w.len(), 1);
        assert_eq!(
            tree(b"<A><B>cut").unwrap_err(),
            TreeError::Truncated("B".into())
        );
        assert!(matches!(tree(b"pas du xml </A>"), Err(TreeError::Xml(_))));
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert_eq!(tree(deep.as_bytes()).unwrap_err(), TreeError::TooDeep);
    }

    fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        {
            let mut t = tar::Builder::new(&mut gz);
            for (name, bytes) in files {
                let mut h = tar::Header::new_gnu();
                h.set_size(bytes.len() as u64);
                h.set_mode(0o644);
                h.set_cksum();
                t.append_data(&mut h, name, *bytes).unwrap();
            }
            t.finish().unwrap();
        }
        gz.finish().unwrap()
    }

    #[test]
    fn an_archive_is_read_file_by_file_and_a_bad_file_is_a_rejection() {
        let call = latin1(CALL);
        let archive = tar_gz(&[
            ("20150312/15-101234.xml", &call),
            ("20150312/LISEZMOI.txt", b"pas un avis"),
            ("20150312/15-101235.xml", b"<BOAMP><GESTION>"),
        ]);
        let read = read_copy(archive.as_slice()).unwrap();
        assert_eq!(read.records, 2);
        assert_eq!(read.notices.len(), 1);
        assert_eq!(read.notices[0].notice_id, "15-101234");
        assert_eq!(read.notices[0].cpv, ["55523100"]);
        assert_eq!(read.rejections.len(), 1);
        assert!(
            read.rejections[0].starts_with("20150312/15-101235.xml"),
            "{:?}",
            read.rejections
        );
        // A plain XML listing notices, and the same gzipped.
        let list = format!(
            "<AVIS>{}{}</AVIS>",
            "<BOAMP><IDWEB>1</IDWEB><OBJET>Un</OBJET></BOAMP>",
            "<BOAMP><IDWEB>2</IDWEB><OBJET>Deux</OBJET></BOAMP>"
        );
        assert_eq!(read_copy(list.as_bytes()).unwrap().notices.len(), 2);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(list.as_bytes()).unwrap();
        let read = read_copy(gz.finish().unwrap().as_slice()).unwrap();
        assert_eq!(read.notices[1].title, "Deux");
        // A cut archive: said, never a crash.
        let cut = &archive[..archive.len() / 2];
        match read_copy(cut) {
            Ok(read) => assert!(!read.rejections.is_empty(), "{read:?}"),
            Err(e) => assert!(matches!(e, ArchiveError::Unreadable(_)), "{e:?}"),
        }
    }

    #[test]
    fn a_small_archive_cannot_unpack_to_more_than_the_limit() {
        // 40 MB of zeros gzip to about 40 KB: refused once the limit (here 8 MB) is passed,
        // without being held.
        let zeros = vec![0u8; 40 << 20];
        let bomb = tar_gz(&[("bombe.bin", &zeros), ("15-1.xml", CALL.as_bytes())]);
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        assert_eq!(
            read_copy_within(bomb.as_slice(), 8 << 20).unwrap_err(),
            ArchiveError::TooLarge(8 << 20)
        );
        assert_eq!(
            read_copy_within(bomb.as_slice(), 64 << 20)
                .unwrap()
                .notices
                .len(),
            1
        );
    }
}
