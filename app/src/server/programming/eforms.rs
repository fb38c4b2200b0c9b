//! Reading an eForms prior information notice (UBL XML, `PriorInformationNotice`) into a
//! `PinNotice`. Elements are matched by their path of local names, so any namespace prefix
//! works; French text is preferred where a notice gives several languages. Anything else (a
//! contract notice, not XML at all) is refused with its reason.

use crate::domain::eforms::{months, PinNotice, PinPart};
use chrono::NaiveDate;

/// Why a file is not a readable PIN.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("not XML: {0}")]
    Xml(String),
    #[error("not a prior information notice (root element {0})")]
    NotPin(String),
    #[error("the notice has no subject")]
    Empty,
    #[error("elements nested deeper than {MAX_DEPTH}")]
    TooDeep,
}

/// Deepest nesting read: a real PIN is about 10 deep; a hostile file nested a million deep
/// would otherwise cost a path copy per closing tag as long as the file (quadratic).
pub const MAX_DEPTH: usize = 64;

impl PinError {
    /// The i18n key of the message shown to the buyer.
    pub fn key(&self) -> &'static str {
        match self {
            PinError::Xml(_) => "plan.import_not_xml",
            PinError::NotPin(_) => "plan.import_not_pin",
            PinError::Empty => "plan.import_empty",
            PinError::TooDeep => "plan.import_too_deep",
        }
    }
}

/// A date of eForms ("2020-06-30+02:00", "2020-06-30Z" or "2020-06-30").
fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// An amount in euros, rounded; other currencies are left out rather than mistaken for euros.
fn amount(s: &str, currency: Option<&str>) -> Option<i64> {
    if currency.is_some_and(|c| c != "EUR") {
        return None;
    }
    let x: f64 = s.trim().parse().ok()?;
    (0.0..1e13).contains(&x).then(|| x.round() as i64)
}

/// A CPV code as the reference holds it: its 8 digits (a check digit "-6" dropped).
fn cpv(s: &str) -> Option<String> {
    let digits: String = s
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (digits.len() == 8).then_some(digits)
}

/// Text chosen among languages: French first, else the first given.
#[derive(Default)]
struct Lang {
    fr: Option<String>,
    any: Option<String>,
}

impl Lang {
    fn push(&mut self, lang: Option<&str>, text: &str) {
        if lang == Some("FRA") && self.fr.is_none() {
            self.fr = Some(text.to_string());
        }
        if self.any.is_none() {
            self.any = Some(text.to_string());
        }
    }
    fn get(&self) -> String {
        self.fr
            .clone()
            .or_else(|| self.any.clone())
            .unwrap_or_default()
    }
}

#[derive(Default)]
struct Part {
    id: String,
    title: Lang,
    description: Lang,
    cpv: Vec<String>,
    estimate: Option<i64>,
}

/// Reads a PIN from its bytes.
pub fn read(bytes: &[u8]) -> Result<PinNotice, PinError> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    // Attributes of the innermost open element that matter here.
    let mut attrs: Vec<(Option<String>, Option<String>, Option<String>)> = Vec::new();
    let mut text = String::new();
    let mut n = PinNotice::default();
    let (mut title, mut description) = (Lang::default(), Lang::default());
    let mut buyer_ref = None;
    let mut org_id: Option<String> = None;
    let mut org_names: Vec<(String, String)> = Vec::new();
    let mut parts: Vec<Part> = Vec::new();
    let mut duration: Option<(String, String)> = None;
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| PinError::Xml(format!("{e} (byte {})", xml.buffer_position())))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if path.is_empty() && name != "PriorInformationNotice" {
                    return Err(PinError::NotPin(name));
                }
                if path.len() >= MAX_DEPTH {
                    return Err(PinError::TooDeep);
                }
                let mut a = (None, None, None);
                for at in e.attributes().flatten() {
                    let v = String::from_utf8_lossy(&at.value).into_owned();
                    match at.key.local_name().as_ref() {
                        b"languageID" => a.0 = Some(v),
                        b"currencyID" => a.1 = Some(v),
                        b"unitCode" => a.2 = Some(v),
                        _ => {}
                    }
                }
                if path.len() == 1 && name == "ProcurementProjectLot" {
                    parts.push(Part::default());
                }
                path.push(name);
                attrs.push(a);
                text.clear();
            }
            Event::Text(t) => {
                text.push_str(&t.decode().map_err(|e| PinError::Xml(e.to_string()))?);
            }
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let c = crate::server::infra::xml::entity(&name);
                match c {
                    Some(c) => text.push(c),
                    None => return Err(PinError::Xml(format!("unknown entity &{name};"))),
                }
            }
            Event::End(_) => {
                let (lang, currency, unit) = attrs.pop().unwrap_or((None, None, None));
                let value = text.trim().to_string();
                let p: Vec<&str> = path.iter().map(String::as_str).collect();
                match p.as_slice() {
                    [_, "ID"] if n.notice_id.is_empty() => n.notice_id = value.clone(),
                    [_, "IssueDate"] => n.issue_date = date(&value),
                    [_, "PlannedDate"] => n.planned_date = date(&value),
                    [_, "TenderingProcess", "ProcedureCode"] => n.procedure = Some(value.clone()),
                    [_, "ContractingParty", "Party", "PartyIdentification", "ID"] => {
                        buyer_ref = Some(value.clone())
                    }
                    [.., "Organization", "Company", "PartyIdentification", "ID"] => {
                        org_id = Some(value.clone())
                    }
                    [.., "Organization", "Company", "PartyName", "Name"] => {
                        if let Some(id) = &org_id {
                            org_names.push((id.clone(), value.clone()));
                        }
                    }
                    [_, "ProcurementProject", "Name"] => title.push(lang.as_deref(), &value),
                    [_, "ProcurementProject", "Description"] => {
                        description.push(lang.as_deref(), &value)
                    }
                    [_, "ProcurementProject", "RequestedTenderTotal", "EstimatedOverallContractAmount"] => {
                        n.estimate = amount(&value, currency.as_deref())
                    }
                    [_, "ProcurementProject", "MainCommodityClassification" | "AdditionalCommodityClassification", "ItemClassificationCode"] => {
                        if let Some(c) = cpv(&value) {
                            if !n.cpv.contains(&c) {
                                n.cpv.push(c);
                            }
                        }
                    }
                    [_, "ProcurementProject", "PlannedPeriod", "DurationMeasure"]
                    | [_, "ProcurementProjectLot", "ProcurementProject", "PlannedPeriod", "DurationMeasure"]
                        if duration.is_none() =>
                    {
                        duration = Some((value.clone(), unit.unwrap_or_default()));
                    }
                    [_, "ProcurementProjectLot", "ID"] => {
                        if let Some(part) = parts.last_mut() {
                            part.id = value.clone();
                        }
                    }
                    [_, "ProcurementProjectLot", "ProcurementProject", field @ ..] => {
                        if let Some(part) = parts.last_mut() {
                            match field {
                                ["Name"] => part.title.push(lang.as_deref(), &value),
                                ["Description"] => part.description.push(lang.as_deref(), &value),
                                ["RequestedTenderTotal", "EstimatedOverallContractAmount"] => {
                                    part.estimate = amount(&value, currency.as_deref())
                                }
                                ["MainCommodityClassification"
                                | "AdditionalCommodityClassification", "ItemClassificationCode"] => {
                                    if let Some(c) = cpv(&value) {
                                        if !part.cpv.contains(&c) {
                                            part.cpv.push(c);
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
                path.pop();
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !path.is_empty() {
        return Err(PinError::Xml("unexpected end of file".into()));
    }
    if n.notice_id.is_empty() && title.any.is_none() && parts.is_empty() {
        return Err(PinError::Empty);
    }
    n.title = title.get();
    n.description = description.get();
    n.duration_months = duration.and_then(|(v, u)| months(&v, &u));
    n.buyer_name = buyer_ref.and_then(|r| {
        org_names
            .iter()
            .find(|(id, _)| *id == r)
            .map(|(_, name)| name.clone())
    });
    n.parts = parts
        .into_iter()
        .map(|p| PinPart {
            id: p.id,
            title: p.title.get(),
            description: p.description.get(),
            cpv: p.cpv,
            estimate: p.estimate,
        })
        .collect();
    if n.title.trim().is_empty() && n.parts.iter().all(|p| p.title.trim().is_empty()) {
        return Err(PinError::Empty);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../server/tests/fixtures/eforms/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn a_file_nested_too_deep_is_refused_at_once() {
        let depth = 200_000;
        let mut doc = String::from("<PriorInformationNotice>");
        doc.push_str(&"<a>".repeat(depth));
        doc.push_str(&"</a>".repeat(depth));
        doc.push_str("</PriorInformationNotice>");
        assert!(matches!(read(doc.as_bytes()), Err(PinError::TooDeep)));
    }

    #[test]
    fn reads_the_official_pin_with_lots() {
        let n = read(&fixture("pin-only_24_lots.xml")).unwrap();
        assert_eq!(n.notice_id, "199b243b-4daf-4d7d-ba7c-f37f88102480");
        assert!(n.title.starts_with("Fusion21 Materials Supply Framework"));
        assert_eq!(n.cpv, ["44110000"]);
        assert_eq!(n.estimate, Some(750_000_000));
        assert_eq!(n.planned_date, NaiveDate::from_ymd_opt(2020, 6, 30));
        assert_eq!(n.parts.len(), 10);
        assert_eq!(n.parts[1].title, "Electrical Materials");
        assert_eq!(n.parts[1].cpv, ["31681410"]);
        assert_eq!(n.buyer_name.as_deref(), Some("Fusion21 Members Consortium"));
    }

    #[test]
    fn reads_the_official_pin_without_lots() {
        let n = read(&fixture("pin-only_24.xml")).unwrap();
        assert_eq!(n.title, "ProPrName1234");
        assert_eq!(n.estimate, Some(100_000));
        assert_eq!(n.cpv, ["72000000"]);
        assert_eq!(n.parts.len(), 1);
        assert_eq!(n.buyer_name.as_deref(), Some("PartyName1234"));
    }

    #[test]
    fn refuses_what_is_not_a_pin() {
        assert!(
            matches!(read(&fixture("cn_24_open.xml")), Err(PinError::NotPin(r)) if r == "ContractNotice")
        );
        assert!(matches!(
            read(b"%PDF-1.7 not xml <<"),
            Err(PinError::Xml(_) | PinError::NotPin(_))
        ));
        assert!(matches!(
            read(b"<PriorInformationNotice><a>"),
            Err(PinError::Xml(_))
        ));
        assert_eq!(
            read(b"<PriorInformationNotice></PriorInformationNotice>"),
            Err(PinError::Empty)
        );
    }

    #[test]
    fn prefers_french_and_euros() {
        let xml = r#"<PriorInformationNotice xmlns:cbc="c" xmlns:cac="a">
            <cbc:ID>n-1</cbc:ID>
            <cac:ProcurementProject>
              <cbc:Name languageID="ENG">School meals</cbc:Name>
              <cbc:Name languageID="FRA">Restauration scolaire &amp; cr&#232;ches</cbc:Name>
              <cac:RequestedTenderTotal><cbc:EstimatedOverallContractAmount currencyID="GBP">5</cbc:EstimatedOverallContractAmount></cac:RequestedTenderTotal>
              <cac:MainCommodityClassification><cbc:ItemClassificationCode>55523100-3</cbc:ItemClassificationCode></cac:MainCommodityClassification>
              <cac:PlannedPeriod><cbc:DurationMeasure unitCode="YEAR">4</cbc:DurationMeasure></cac:PlannedPeriod>
            </cac:ProcurementProject>
          </PriorInformationNotice>"#;
        let n = read(xml.as_bytes()).unwrap();
        assert_eq!(n.title, "Restauration scolaire & crèches");
        assert_eq!(n.estimate, None);
        assert_eq!(n.cpv, ["55523100"]);
        assert_eq!(n.duration_months, Some(48));
    }
}
