//! BOAMP notices as its open-data API gives them (the DILA's Opendatasoft dataset `boamp`:
//! `{"total_count", "results": [...]}`, and the older `{"nhits", "records": [{"fields"}]}`), each
//! record turned into a [`Notice`]. The record's flat fields say who, what, when and where; its
//! `donnees` field (the whole notice, as a JSON text: eForms or the older BOAMP schema) is read
//! for what the flat fields lack — the buyer's SIRET, CPV codes, lots. Read leniently: `NaN` and
//! `Infinity` are missing values, an empty id gets one derived from the content, a field of an
//! unexpected shape is skipped; each with a warning.

use super::notices::{
    clean, cpv_of, date_of, deadline_of, tolerant_json, Notice, NoticeAwardee, NoticeKind,
    NoticeLot, MAX_TITLE,
};
use serde_json::Value;

/// A page of the API, read.
#[derive(Debug, Default)]
pub struct Page {
    pub notices: Vec<Notice>,
    /// How many records the query matches in all (to know whether to ask the next page).
    pub total: Option<u64>,
    /// The records read on this page (notices and rejections).
    pub records: usize,
    pub warnings: Vec<String>,
    pub rejections: Vec<String>,
}

/// Why a page could not be read at all.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("no list of records (results, records)")]
    Shape,
}

/// Reads a page of the API.
pub fn read_page(text: &str) -> Result<Page, PageError> {
    let (text, replaced) = tolerant_json(text);
    let root: Value = serde_json::from_str(&text).map_err(|e| PageError::Json(e.to_string()))?;
    let mut page = Page::default();
    if replaced > 0 {
        page.warnings.push(format!(
            "{replaced} nombre(s) non standard (NaN, Infinity) lu(s) comme absent(s)"
        ));
    }
    page.total = root
        .get("total_count")
        .or_else(|| root.get("nhits"))
        .and_then(Value::as_u64);
    let records: Vec<&Value> = if let Some(list) = root.get("results").and_then(Value::as_array) {
        list.iter().collect()
    } else if let Some(list) = root.get("records").and_then(Value::as_array) {
        // The API's first version: each record's fields under `fields`.
        list.iter().map(|r| r.get("fields").unwrap_or(r)).collect()
    } else if let Some(list) = root.as_array() {
        // An export of the dataset: the records themselves.
        list.iter().collect()
    } else {
        return Err(PageError::Shape);
    };
    page.records = records.len();
    for (i, record) in records.into_iter().enumerate() {
        match read_record(record, &mut page.warnings) {
            Ok(n) => page.notices.push(n),
            Err(why) => page
                .rejections
                .push(format!("enregistrement {} : {why}", i + 1)),
        }
    }
    Ok(page)
}

/// A text field: a string, a number written as text, or the first of a list.
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.iter().find_map(|x| text(Some(x))),
        Value::Object(o) => text(o.get("#text")),
        _ => None,
    }
}

/// A list field: a list of texts, or one text.
pub(crate) fn texts(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| text(Some(x))).collect(),
        other => text(other).into_iter().collect(),
    }
}

/// The kind of a BOAMP notice, from its `nature` (APPEL_OFFRE, ATTRIBUTION…), its
/// categorised nature (`appeloffre/standard`…) or its state (AVIS_ANNULE).
pub fn kind_of(record: &Value) -> Option<NoticeKind> {
    let state = text(record.get("etat")).unwrap_or_default().to_uppercase();
    if state.contains("ANNUL") {
        return Some(NoticeKind::Cancellation);
    }
    let nature = text(record.get("nature"))
        .unwrap_or_default()
        .to_uppercase();
    let category = text(record.get("nature_categorise"))
        .unwrap_or_default()
        .to_lowercase();
    let label = text(record.get("nature_libelle"))
        .unwrap_or_default()
        .to_lowercase();
    let has = |n: &str, c: &str, l: &str| {
        nature.contains(n) || category.starts_with(c) || label.contains(l)
    };
    if has("ANNULATION", "annulation", "annulation") {
        Some(NoticeKind::Cancellation)
    } else if has("ATTRIBUTION", "attribution", "résultat") {
        Some(NoticeKind::Award)
    } else if has("RECTIFICATIF", "rectificatif", "rectificatif")
        || has("MODIFICATION", "modification", "modification")
    {
        Some(NoticeKind::Modification)
    } else if has("PRE", "preinformation", "pré-information") {
        Some(NoticeKind::Prior)
    } else if has("APPEL_OFFRE", "appeloffre", "avis de marché") {
        Some(NoticeKind::Contract)
    } else {
        None
    }
}

/// Calls `f` with each (key, value) of `v`, depth first, at most `depth` levels down.
pub(crate) fn walk<'a>(v: &'a Value, depth: usize, f: &mut impl FnMut(&'a str, &'a Value)) {
    if depth == 0 {
        return;
    }
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                f(k, x);
                walk(x, depth - 1, f);
            }
        }
        Value::Array(a) => {
            for x in a {
                walk(x, depth - 1, f);
            }
        }
        _ => {}
    }
}

/// How deep the notice's document is read (eForms nests about 15 levels).
const DEPTH: usize = 40;

/// A SIRET written under a key that names one (SIRET, national identification code,
/// CompanyID…), valid by its check digit.
pub(crate) fn sirets(doc: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    walk(doc, DEPTH, &mut |k, v| {
        let key = k.to_lowercase();
        if !(key.contains("siret") || key.contains("ident") || key.contains("companyid")) {
            return;
        }
        for t in texts(Some(v)) {
            let digits: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            if let Ok(s) = super::siret::Siret::parse(&digits) {
                let s = s.to_string();
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    });
    out
}

/// CPV codes written under a key that names one (cpv, ItemClassificationCode…), directly or
/// in the elements it holds (the archives' `CPV` holds `PRINCIPAL` and `SUPPLEMENTAIRE`).
pub(crate) fn cpvs(doc: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    walk(doc, DEPTH, &mut |k, v| {
        let key = k.to_lowercase();
        if !(key.contains("cpv") || key.contains("classificationcode")) {
            return;
        }
        let mut found = texts(Some(v));
        if let Value::Object(inner) = v {
            for (k, x) in inner {
                if !k.starts_with('@') && k != "#text" {
                    found.extend(texts(Some(x)));
                }
            }
        }
        for t in found {
            if let Some(c) = cpv_of(&t) {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    });
    out
}

/// The lots of an eForms notice (`cac:ProcurementProjectLot`) or of the older schema
/// (`LOTS`/`LOT` with `INTITULE`): title and CPV codes each.
pub(crate) fn lots(doc: &Value) -> Vec<NoticeLot> {
    let mut out = Vec::new();
    walk(doc, DEPTH, &mut |k, v| {
        let key = k.to_lowercase();
        if !(key.ends_with("procurementprojectlot") || key == "lot") {
            return;
        }
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for lot in items {
            let mut title = None;
            walk(lot, DEPTH, &mut |k, x| {
                let key = k.to_lowercase();
                if title.is_none()
                    && (key.ends_with(":name") || key == "intitule" || key == "titre")
                {
                    title = text(Some(x));
                }
            });
            let title = clean(&title.unwrap_or_default(), MAX_TITLE);
            let cpv = cpvs(lot);
            if !title.is_empty() || !cpv.is_empty() {
                out.push(NoticeLot { title, cpv });
            }
        }
    });
    out.truncate(super::programming::MAX_LOTS);
    out
}

/// One record of the dataset; the warnings of what was guessed go to `warnings`.
fn read_record(record: &Value, warnings: &mut Vec<String>) -> Result<Notice, String> {
    if !record.is_object() {
        return Err("pas un objet JSON".into());
    }
    let title = clean(&text(record.get("objet")).unwrap_or_default(), MAX_TITLE);
    let buyer_name = clean(&text(record.get("nomacheteur")).unwrap_or_default(), 300);
    let published = text(record.get("dateparution"));
    let awardee_names: Vec<String> = texts(record.get("titulaire"))
        .into_iter()
        .map(|n| clean(&n, 300))
        .collect();
    let id = text(record.get("idweb")).or_else(|| text(record.get("id")));
    if title.is_empty() && id.is_none() {
        return Err("ni objet ni identifiant".into());
    }
    let notice_id = match id {
        Some(id) => clean(&id, 100),
        None => {
            let derived = super::sources::derived_id(
                "boamp-",
                &[
                    &buyer_name,
                    published.as_deref().unwrap_or(""),
                    &title,
                    &awardee_names.join(";"),
                ],
            );
            warnings.push(format!(
                "« {} » : identifiant vide, identifiant dérivé {derived}",
                clean(&title, 60)
            ));
            derived
        }
    };
    let doc = match record.get("donnees") {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            let (s, _) = tolerant_json(s);
            match serde_json::from_str::<Value>(&s) {
                Ok(v) => v,
                Err(e) => {
                    warnings.push(format!("{notice_id} : données détaillées illisibles ({e})"));
                    Value::Null
                }
            }
        }
        Some(v @ Value::Object(_)) => v.clone(),
        _ => Value::Null,
    };
    let kind = kind_of(record);
    if kind.is_none() {
        warnings.push(format!("{notice_id} : nature de l'avis inconnue"));
    }
    let mut cpv = cpvs(&doc);
    for c in texts(record.get("cpv")).iter().filter_map(|c| cpv_of(c)) {
        if !cpv.contains(&c) {
            cpv.push(c);
        }
    }
    let found = sirets(&doc);
    let published_on = published.as_deref().and_then(date_of);
    if published.is_some() && published_on.is_none() {
        warnings.push(format!("{notice_id} : date de parution illisible"));
    }
    let deadline = text(record.get("datelimitereponse"));
    let deadline_at = deadline.as_deref().and_then(deadline_of);
    if deadline.is_some() && deadline_at.is_none() {
        warnings.push(format!("{notice_id} : date limite illisible"));
    }
    let departments = texts(record.get("code_departement"))
        .into_iter()
        .filter_map(|d| super::decp::record::normalise_departement(&d))
        .collect();
    let url = text(record.get("url_avis"))
        .filter(|u| super::sources::valid_url(u))
        .or_else(|| {
            (!notice_id.starts_with("boamp-"))
                .then(|| format!("https://www.boamp.fr/pages/avis/?q=idweb:{notice_id}"))
        });
    let awardees = awardee_names
        .into_iter()
        .filter(|n| !n.is_empty())
        .map(|name| NoticeAwardee { name, siret: None })
        .collect();
    Ok(Notice {
        notice_id,
        kind,
        buyer_name,
        buyer_siret: found.first().cloned(),
        title,
        cpv,
        departments,
        published_on,
        deadline: deadline_at,
        url,
        lots: lots(&doc),
        awardees,
        follows: text(record.get("annonce_lie")).map(|s| clean(&s, 100)),
        estimate: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_the_current_api_is_read_with_its_document() {
        let donnees = serde_json::json!({
            "EFORMS": {"ContractNotice": {
                "cac:ContractingParty": {"cac:Party": {"cac:PartyLegalEntity": {"cbc:CompanyID": {"#text": "21690123100011"}}}},
                "cac:ProcurementProject": {"cac:MainCommodityClassification": {"cbc:ItemClassificationCode": {"@listName": "cpv", "#text": "45261000"}}},
                "cac:ProcurementProjectLot": [
                    {"cac:ProcurementProject": {"cbc:Name": {"#text": "Couverture"}, "cac:MainCommodityClassification": {"cbc:ItemClassificationCode": "45261210"}}},
                    {"cac:ProcurementProject": {"cbc:Name": "Zinguerie"}}
                ]
            }}
        });
        let body = serde_json::json!({
            "total_count": 1,
            "results": [{
                "idweb": "26-101", "objet": "Réfection des toitures de l'école", "nomacheteur": "Ville de Villeurbanne",
                "dateparution": "2026-12-01", "datelimitereponse": "2027-01-15T12:00:00+00:00",
                "nature": "APPEL_OFFRE", "code_departement": ["69"], "url_avis": "https://www.boamp.fr/pages/avis/?q=idweb:26-101",
                "donnees": donnees.to_string()
            }]
        });
        let page = read_page(&body.to_string()).unwrap();
        assert_eq!(page.total, Some(1));
        let n = &page.notices[0];
        assert_eq!(n.notice_id, "26-101");
        assert_eq!(n.kind, Some(NoticeKind::Contract));
        assert_eq!(n.buyer_siret.as_deref(), Some("21690123100011"));
        assert_eq!(n.cpv, ["45261000", "45261210"]);
        assert_eq!(n.departments, ["69"]);
        assert_eq!(n.lots.len(), 2);
        assert_eq!(n.lots[0].title, "Couverture");
        assert_eq!(n.lots[0].cpv, ["45261210"]);
        assert_eq!(n.lots[1].title, "Zinguerie");
        assert_eq!(n.deadline.unwrap().to_string(), "2027-01-15 13:00:00");
        assert!(page.warnings.is_empty(), "{:?}", page.warnings);
    }

    #[test]
    fn dirty_records_are_read_with_warnings_and_the_unreadable_rejected() {
        let body = r#"{"nhits": 4, "records": [
            {"fields": {"idweb": "", "objet": "Entretien des espaces verts", "nomacheteur": "Commune de Brignais",
                        "dateparution": "2026-11-30", "nature": "ATTRIBUTION", "titulaire": ["Les Jardins de l'Ouest"],
                        "montant": NaN, "donnees": "{\"x\": Infinity}"}},
            {"fields": {"idweb": "26-7", "objet": "Denrées", "nature": "BIZARRE", "dateparution": "hier", "donnees": "{pas du json"}},
            {"fields": {"nomacheteur": "Sans objet ni id"}},
            "texte"
        ]}"#;
        let page = read_page(body).unwrap();
        assert_eq!(page.records, 4);
        assert_eq!(page.notices.len(), 2);
        assert_eq!(page.rejections.len(), 2, "{:?}", page.rejections);
        let award = &page.notices[0];
        assert!(award.notice_id.starts_with("boamp-"));
        assert_eq!(award.kind, Some(NoticeKind::Award));
        assert_eq!(award.awardees[0].name, "Les Jardins de l'Ouest");
        assert!(
            award.url.is_none(),
            "no address is made up for a derived id"
        );
        // Read twice, the same derived id.
        assert_eq!(
            read_page(body).unwrap().notices[0].notice_id,
            award.notice_id
        );
        let odd = &page.notices[1];
        assert_eq!(odd.kind, None);
        assert_eq!(odd.published_on, None);
        let all = page.warnings.join("\n");
        for expected in [
            "NaN",
            "identifiant dérivé",
            "nature de l'avis inconnue",
            "date de parution illisible",
            "données détaillées illisibles",
        ] {
            assert!(all.contains(expected), "{expected}: {all}");
        }
        assert_eq!(read_page("{\"x\": 1}").unwrap_err(), PageError::Shape);
        assert!(matches!(read_page("<html>"), Err(PageError::Json(_))));
    }

    #[test]
    fn the_kind_comes_from_the_nature_its_category_or_the_state() {
        let k = |v: serde_json::Value| kind_of(&v);
        assert_eq!(
            k(serde_json::json!({"nature_categorise": "appeloffre/standard"})),
            Some(NoticeKind::Contract)
        );
        assert_eq!(
            k(serde_json::json!({"nature_libelle": "Résultat de marché"})),
            Some(NoticeKind::Award)
        );
        assert_eq!(
            k(serde_json::json!({"nature": "RECTIFICATIF"})),
            Some(NoticeKind::Modification)
        );
        assert_eq!(
            k(serde_json::json!({"nature": "APPEL_OFFRE", "etat": "AVIS_ANNULE"})),
            Some(NoticeKind::Cancellation)
        );
        assert_eq!(
            k(serde_json::json!({"nature": "PRE-INFORMATION"})),
            Some(NoticeKind::Prior)
        );
    }
}
