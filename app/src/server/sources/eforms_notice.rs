//! Reading an eForms notice (UBL XML) of any kind into a [`Notice`]: a contract notice (a call
//! for tenders), a contract award notice, a prior information notice. Elements are matched by
//! their path of local names (any namespace prefix), French preferred where a text is given in
//! several languages. The buyer is the organisation the contracting party points at; its SIRET
//! is its company identifier when that is one (check digit included); awardees are the
//! organisations of the tendering parties. The procedure's folder id (`ContractFolderID`, shared
//! by the call and its award) links an award to its call (`Notice::follows`, `folder:<id>`).

use crate::domain::notices::{
    clean, cpv_of, date_of, Notice, NoticeAwardee, NoticeKind, NoticeLot, MAX_TITLE,
};
use chrono::NaiveDateTime;
use std::collections::HashMap;

/// Deepest nesting read (real notices are about 12 deep).
const MAX_DEPTH: usize = 64;

/// Why a document is not a readable eForms notice.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("not XML: {0}")]
    Xml(String),
    #[error("not an eForms notice (root element {0})")]
    NotNotice(String),
    #[error("elements nested deeper than {MAX_DEPTH}")]
    TooDeep,
}

/// A leaf of the document: its path of local names, the attributes that matter, its text, and
/// the lot it belongs to (its rank among the root's `ProcurementProjectLot`s).
struct Leaf {
    path: Vec<String>,
    lang: Option<String>,
    text: String,
    lot: Option<usize>,
}

fn leaves(bytes: &[u8]) -> Result<(String, Vec<Leaf>), NoticeError> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut langs: Vec<Option<String>> = Vec::new();
    let mut text = String::new();
    let mut out = Vec::new();
    let mut root = String::new();
    let mut lots = 0usize;
    let mut in_lot: Option<usize> = None;
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| NoticeError::Xml(format!("{e} (byte {})", xml.buffer_position())))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if path.is_empty() {
                    if !matches!(
                        name.as_str(),
                        "ContractNotice" | "ContractAwardNotice" | "PriorInformationNotice"
                    ) {
                        return Err(NoticeError::NotNotice(name));
                    }
                    root = name.clone();
                }
                if path.len() >= MAX_DEPTH {
                    return Err(NoticeError::TooDeep);
                }
                if path.len() == 1 && name == "ProcurementProjectLot" {
                    in_lot = Some(lots);
                    lots += 1;
                }
                let lang = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == b"languageID")
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                path.push(name);
                langs.push(lang);
                text.clear();
            }
            Event::Text(t) => {
                text.push_str(&t.decode().map_err(|e| NoticeError::Xml(e.to_string()))?);
            }
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let c = crate::server::infra::xml::entity(&name);
                match c {
                    Some(c) => text.push(c),
                    None => return Err(NoticeError::Xml(format!("unknown entity &{name};"))),
                }
            }
            Event::End(_) => {
                let lang = langs.pop().flatten();
                let value = text.trim().to_string();
                if !value.is_empty() {
                    out.push(Leaf {
                        path: path.clone(),
                        lang,
                        text: value,
                        lot: in_lot,
                    });
                }
                text.clear();
                if path.len() == 2 && path[1] == "ProcurementProjectLot" {
                    in_lot = None;
                }
                path.pop();
            }
            Event::Eof => {
                // A document cut short (a truncated download) is not read as a shorter notice.
                if !path.is_empty() {
                    return Err(NoticeError::Xml(format!(
                        "the document ends inside <{}>",
                        path.last().map(String::as_str).unwrap_or_default()
                    )));
                }
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    if root.is_empty() {
        return Err(NoticeError::NotNotice(String::new()));
    }
    Ok((root, out))
}

/// Whether `path` ends with `tail`.
fn ends(path: &[String], tail: &[&str]) -> bool {
    path.len() >= tail.len()
        && path[path.len() - tail.len()..]
            .iter()
            .zip(tail)
            .all(|(a, b)| a == b)
}

/// French first, else the first.
fn pick(texts: &[(Option<String>, String)]) -> String {
    texts
        .iter()
        .find(|(l, _)| l.as_deref() == Some("FRA"))
        .or_else(|| texts.first())
        .map(|(_, t)| t.clone())
        .unwrap_or_default()
}

/// A date and time of eForms ("2020-04-03+01:00", "12:00:00+01:00") as written, without its
/// offset (the French portals' notices give Paris time).
fn deadline(date: &str, time: Option<&str>) -> Option<NaiveDateTime> {
    let day = date_of(date)?;
    let t = time
        .and_then(|t| t.get(..8))
        .and_then(|t| chrono::NaiveTime::parse_from_str(t, "%H:%M:%S").ok())
        .unwrap_or_else(|| chrono::NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default());
    Some(day.and_time(t))
}

/// Reads an eForms notice.
pub fn read(bytes: &[u8]) -> Result<Notice, NoticeError> {
    let (root, leaves) = leaves(bytes)?;
    let kind = match root.as_str() {
        "ContractNotice" => NoticeKind::Contract,
        "ContractAwardNotice" => NoticeKind::Award,
        _ => NoticeKind::Prior,
    };
    let mut n = Notice {
        kind: Some(kind),
        ..Default::default()
    };
    // Organisations: id → (name, company id), in document order.
    let mut orgs: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut current_org: Option<String> = None;
    let mut buyer_ref = None;
    let mut title = Vec::new();
    let mut lot_titles: Vec<Vec<(Option<String>, String)>> = Vec::new();
    let mut lot_cpv: Vec<Vec<String>> = Vec::new();
    let mut deadline_parts: (Option<String>, Option<String>) = (None, None);
    let mut tenderers: Vec<String> = Vec::new();
    for leaf in &leaves {
        let p = &leaf.path;
        let depth = p.len();
        if ends(p, &["Organization", "Company", "PartyIdentification", "ID"]) {
            current_org = Some(leaf.text.clone());
            orgs.entry(leaf.text.clone()).or_default();
        } else if ends(p, &["Organization", "Company", "PartyName", "Name"]) {
            if let Some(id) = &current_org {
                let e = orgs.entry(id.clone()).or_default();
                if e.0.is_empty() {
                    e.0 = leaf.text.clone();
                }
            }
        } else if ends(
            p,
            &["Organization", "Company", "PartyLegalEntity", "CompanyID"],
        ) {
            if let Some(id) = &current_org {
                orgs.entry(id.clone()).or_default().1 = Some(leaf.text.clone());
            }
        } else if depth == 2 && p[1] == "ID" && n.notice_id.is_empty() {
            n.notice_id = clean(&leaf.text, 100);
        } else if depth == 2 && p[1] == "ContractFolderID" {
            n.follows = Some(format!("folder:{}", clean(&leaf.text, 90)));
        } else if depth == 2 && p[1] == "IssueDate" {
            n.published_on = date_of(&leaf.text);
        } else if ends(
            p,
            &["ContractingParty", "Party", "PartyIdentification", "ID"],
        ) && depth == 5
        {
            buyer_ref = Some(leaf.text.clone());
        } else if depth == 3 && p[1] == "ProcurementProject" && p[2] == "Name" {
            title.push((leaf.lang.clone(), leaf.text.clone()));
        } else if ends(p, &["ItemClassificationCode"]) {
            if let Some(c) = cpv_of(&leaf.text) {
                if let Some(i) = leaf.lot {
                    if lot_cpv.len() <= i {
                        lot_cpv.resize(i + 1, Vec::new());
                    }
                    if !lot_cpv[i].contains(&c) {
                        lot_cpv[i].push(c.clone());
                    }
                }
                if !n.cpv.contains(&c) {
                    n.cpv.push(c);
                }
            }
        } else if let Some(i) = leaf.lot {
            if depth == 4 && p[2] == "ProcurementProject" && p[3] == "Name" {
                if lot_titles.len() <= i {
                    lot_titles.resize(i + 1, Vec::new());
                }
                lot_titles[i].push((leaf.lang.clone(), leaf.text.clone()));
            } else if ends(p, &["TenderSubmissionDeadlinePeriod", "EndDate"])
                && deadline_parts.0.is_none()
            {
                deadline_parts.0 = Some(leaf.text.clone());
            } else if ends(p, &["TenderSubmissionDeadlinePeriod", "EndTime"])
                && deadline_parts.1.is_none()
            {
                deadline_parts.1 = Some(leaf.text.clone());
            }
        } else if ends(p, &["TenderingParty", "Tenderer", "ID"]) && !tenderers.contains(&leaf.text)
        {
            tenderers.push(leaf.text.clone());
        }
    }
    let lot_count = lot_titles.len().max(lot_cpv.len());
    for i in 0..lot_count.min(crate::domain::programming::MAX_LOTS) {
        n.lots.push(NoticeLot {
            title: clean(
                &pick(lot_titles.get(i).map(Vec::as_slice).unwrap_or_default()),
                MAX_TITLE,
            ),
            cpv: lot_cpv.get(i).cloned().unwrap_or_default(),
        });
    }
    n.title = clean(&pick(&title), MAX_TITLE);
    if n.title.is_empty() {
        n.title = n.lots.first().map(|l| l.title.clone()).unwrap_or_default();
    }
    let siret_of = |company: &Option<String>| {
        company.as_ref().and_then(|c| {
            let digits: String = c.chars().filter(|c| !c.is_whitespace()).collect();
            crate::domain::siret::Siret::parse(&digits)
                .ok()
                .map(|s| s.to_string())
        })
    };
    if let Some((name, company)) = buyer_ref.as_ref().and_then(|r| orgs.get(r)) {
        n.buyer_name = clean(name, 300);
        n.buyer_siret = siret_of(company);
    }
    n.awardees = tenderers
        .iter()
        .filter_map(|id| orgs.get(id))
        .map(|(name, company)| NoticeAwardee {
            name: clean(name, 300),
            siret: siret_of(company),
        })
        .collect();
    if let Some(date) = &deadline_parts.0 {
        n.deadline = deadline(date, deadline_parts.1.as_deref());
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contract_notice_is_read_with_its_buyer_lots_and_deadline() {
        let xml = r#"<?xml version="1.0"?>
<ContractNotice xmlns:cbc="c" xmlns:cac="a" xmlns:efac="e" xmlns:efext="x" xmlns:ext="u">
 <ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension><efac:Organizations>
  <efac:Organization><efac:Company>
   <cac:PartyIdentification><cbc:ID>ORG-0001</cbc:ID></cac:PartyIdentification>
   <cac:PartyName><cbc:Name languageID="FRA">Ville de Villeurbanne</cbc:Name></cac:PartyName>
   <cac:PartyLegalEntity><cbc:CompanyID>216 901 231 00011</cbc:CompanyID></cac:PartyLegalEntity>
  </efac:Company></efac:Organization>
 </efac:Organizations></efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
 <cbc:ID>abc-123</cbc:ID>
 <cbc:ContractFolderID>folder-9</cbc:ContractFolderID>
 <cbc:IssueDate>2026-12-01+01:00</cbc:IssueDate>
 <cac:ContractingParty><cac:Party><cac:PartyIdentification><cbc:ID>ORG-0001</cbc:ID></cac:PartyIdentification></cac:Party></cac:ContractingParty>
 <cac:ProcurementProject>
  <cbc:Name languageID="ENG">Roofs</cbc:Name><cbc:Name languageID="FRA">Toitures &amp; zinguerie</cbc:Name>
  <cac:MainCommodityClassification><cbc:ItemClassificationCode listName="cpv">45261000</cbc:ItemClassificationCode></cac:MainCommodityClassification>
 </cac:ProcurementProject>
 <cac:ProcurementProjectLot>
  <cac:TenderingProcess><cac:TenderSubmissionDeadlinePeriod><cbc:EndDate>2027-01-15+01:00</cbc:EndDate><cbc:EndTime>12:00:00+01:00</cbc:EndTime></cac:TenderSubmissionDeadlinePeriod></cac:TenderingProcess>
  <cac:ProcurementProject><cbc:Name languageID="FRA">Couverture</cbc:Name>
   <cac:MainCommodityClassification><cbc:ItemClassificationCode listName="cpv">45261210</cbc:ItemClassificationCode></cac:MainCommodityClassification>
  </cac:ProcurementProject>
 </cac:ProcurementProjectLot>
</ContractNotice>"#;
        let n = read(xml.as_bytes()).unwrap();
        assert_eq!(n.kind, Some(NoticeKind::Contract));
        assert_eq!(n.notice_id, "abc-123");
        assert_eq!(n.title, "Toitures & zinguerie");
        assert_eq!(n.buyer_name, "Ville de Villeurbanne");
        assert_eq!(n.buyer_siret.as_deref(), Some("21690123100011"));
        assert_eq!(n.cpv, ["45261000", "45261210"]);
        assert_eq!(n.lots.len(), 1);
        assert_eq!(n.lots[0].title, "Couverture");
        assert_eq!(n.lots[0].cpv, ["45261210"]);
        assert_eq!(n.deadline.unwrap().to_string(), "2027-01-15 12:00:00");
        assert_eq!(n.follows.as_deref(), Some("folder:folder-9"));
        assert_eq!(n.published_on.unwrap().to_string(), "2026-12-01");
    }

    #[test]
    fn what_is_not_a_notice_is_refused_with_its_reason() {
        assert!(matches!(read(b"<html/>"), Err(NoticeError::NotNotice(_))));
        assert!(matches!(
            read(b"<ContractNotice><a>"),
            Err(NoticeError::Xml(_))
        ));
        assert!(matches!(
            read(b"plain text"),
            Err(NoticeError::NotNotice(_))
        ));
        let deep = format!("<ContractNotice>{}", "<a>".repeat(100));
        assert_eq!(read(deep.as_bytes()).unwrap_err(), NoticeError::TooDeep);
    }
}
