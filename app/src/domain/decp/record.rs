//! One DECP record (a marché or a concession, in the 2019 or 2022 shape, from JSON, XML or the
//! tabular CSV once read into JSON) turned into a [`Contract`], or rejected with reasons.
//!
//! Rejected: what makes the record unusable or unidentifiable — no buyer SIRET, no id, a buyer
//! identifier that is not a SIRET. Everything else that is wrong is dropped from the record and
//! reported as a warning, so one bad amount does not hide who bought what from whom.

use super::values::{self, Problem};
use super::vocab::*;
use crate::domain::siret::Siret;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Reference lists the normaliser checks against (implemented over the database's reference
/// tables on the server, over small fixtures in tests).
pub trait Reference {
    /// Is this 8-digit code in the CPV list?
    fn cpv_exists(&self, code: &str) -> bool;
    /// The department of an INSEE commune code, if the commune exists.
    fn commune_departement(&self, insee: &str) -> Option<String>;
    /// The INSEE commune of a postal code, when the postal code designates one commune only.
    fn postal_commune(&self, postal_code: &str) -> Option<String>;
}

/// A problem with one field of a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// The field as named in the source ("montant", "titulaires[1].id").
    pub field: String,
    /// i18n key of the reason (`decp.problem.*`).
    pub key: String,
    /// What was found, shortened.
    pub detail: String,
}

impl Issue {
    fn new(field: impl Into<String>, p: Problem) -> Issue {
        Issue {
            field: field.into(),
            key: p.key.to_string(),
            detail: p.detail,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Awardee {
    /// SIRET, TVA, TAHITI, RIDET, FRWF, IREP, UE, HORS-UE.
    pub id_type: String,
    pub id: String,
    pub name: Option<String>,
    /// The awardee's department, when the source gives it (the consolidated tabular DECP's
    /// `titulaire_departement_code`): where the local-share dashboard places it when its SIRET
    /// is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// A department code as INSEE writes it: two digits, 2A/2B, or three digits overseas (971–989).
pub fn is_department_code(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        2 => {
            (b[0].is_ascii_digit() && b[1].is_ascii_digit() && s != "00" && s != "20")
                || s == "2A"
                || s == "2B"
        }
        3 => {
            s.starts_with("97") && b[2].is_ascii_digit()
                || s.starts_with("98") && b[2].is_ascii_digit()
        }
        _ => false,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modification {
    pub index: i32,
    pub object: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    pub duration_months: Option<i32>,
    pub amount_cents: Option<i64>,
    /// New awardees when the modification replaces them; empty when unchanged.
    pub awardees: Vec<Awardee>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub kind: Option<PlaceKind>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub commune: Option<String>,
    pub departement: Option<String>,
}

/// A normalised contract, as one source describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// Buyer SIRET + published id: the identity across sources and formats.
    pub uid: String,
    pub kind: ContractKind,
    pub source_id: String,
    pub buyer_siret: String,
    pub buyer_name: Option<String>,
    pub object: Option<String>,
    pub cpv: Option<String>,
    pub procedure: Option<Procedure>,
    pub nature: Option<Nature>,
    pub place: Place,
    /// Initial duration and amount, as notified (for a concession: valeurGlobale).
    pub duration_months: Option<i32>,
    pub amount_cents: Option<i64>,
    /// After every modification, applied in order.
    pub final_duration_months: Option<i32>,
    pub final_amount_cents: Option<i64>,
    pub notified_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    pub price_form: Option<String>,
    pub offers_received: Option<i32>,
    pub social: Vec<SocialConsideration>,
    pub environmental: Vec<EnvironmentalConsideration>,
    pub consortium: Option<Consortium>,
    pub subcontracting_declared: Option<bool>,
    pub awardees: Vec<Awardee>,
    /// Awardees after the modifications (the initial ones when no modification changed them).
    pub final_awardees: Vec<Awardee>,
    pub modifications: Vec<Modification>,
    /// The year of reference: notification, else signature/publication.
    pub year: Option<i32>,
}

/// What became of one record.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Usable; warnings list what was dropped or repaired.
    Accepted {
        contract: Box<Contract>,
        warnings: Vec<Issue>,
    },
    Rejected {
        reasons: Vec<Issue>,
    },
}

const OBJECT_MAX: usize = 2_000;
const NAME_MAX: usize = 300;

/// Normalises one record. `hint` says whether the container told us it is a concession
/// (2022 `contrat-concession`); otherwise `_type` and the fields decide.
pub fn normalise(record: &Value, hint: Option<ContractKind>, refs: &dyn Reference) -> Outcome {
    let Some(obj) = record.as_object() else {
        return Outcome::Rejected {
            reasons: vec![Issue::new(
                "",
                Problem::new("decp.problem.not_an_object", &values::found(record)),
            )],
        };
    };
    let mut w = Vec::new();
    let mut reasons = Vec::new();
    let get = |k: &str| obj.get(k).unwrap_or(&Value::Null);

    let kind = hint.unwrap_or_else(|| {
        let t = obj
            .get("_type")
            .and_then(Value::as_str)
            .map(values::vocabulary_key);
        if t.as_deref().is_some_and(|t| t.contains("concession"))
            || obj.contains_key("autoriteConcedante")
            || obj.contains_key("concessionnaires")
        {
            ContractKind::Concession
        } else {
            ContractKind::Marche
        }
    });

    // Identity.
    let buyer_field = if kind == ContractKind::Concession && obj.contains_key("autoriteConcedante")
    {
        "autoriteConcedante"
    } else {
        "acheteur"
    };
    let buyer = get(buyer_field);
    let buyer_raw = buyer.get("id").and_then(values::identifier);
    let buyer_siret = match buyer_raw.as_deref() {
        None => {
            reasons.push(Issue::new(
                format!("{buyer_field}.id"),
                Problem::new("decp.problem.buyer_missing", ""),
            ));
            None
        }
        Some(raw) => match Siret::parse(raw) {
            Ok(s) => Some(s.as_str().to_string()),
            // Many published SIRETs fail the check digit yet are the buyer's real identifier as
            // used everywhere in the data: keep 14 digits, warn.
            Err(crate::domain::siret::SiretError::Checksum) => {
                w.push(Issue::new(
                    format!("{buyer_field}.id"),
                    Problem::new("decp.problem.siret_checksum", raw),
                ));
                Some(raw.to_string())
            }
            Err(_) => {
                reasons.push(Issue::new(
                    format!("{buyer_field}.id"),
                    Problem::new("decp.problem.buyer_not_siret", raw),
                ));
                None
            }
        },
    };
    let (buyer_name, p) = values::text(buyer.get("nom").unwrap_or(&Value::Null), NAME_MAX);
    if let Some(p) = p {
        w.push(Issue::new(format!("{buyer_field}.nom"), p));
    }
    let source_id = match values::text(get("id"), 200) {
        (Some(id), None) => Some(id),
        (_, _) => {
            reasons.push(Issue::new(
                "id",
                Problem::new("decp.problem.id_missing", &values::found(get("id"))),
            ));
            None
        }
    };
    let (Some(buyer_siret), Some(source_id)) = (buyer_siret, source_id) else {
        return Outcome::Rejected { reasons };
    };
    let uid = format!("{buyer_siret}{source_id}");

    let object = text_field(obj, "objet", OBJECT_MAX, &mut w);
    if object.as_deref().is_some_and(values::has_broken_accents)
        || buyer_name
            .as_deref()
            .is_some_and(values::has_broken_accents)
    {
        w.push(Issue::new(
            "objet",
            Problem::new(
                "decp.problem.broken_accents",
                object.as_deref().unwrap_or(""),
            ),
        ));
    }

    // CPV: "45000000-7", "45000000", a leading zero lost in a number ("9132100").
    let cpv = match get("codeCPV") {
        Value::Null => None,
        v => {
            let raw = values::found(v);
            let mut code = crate::domain::cpv::normalise(&raw);
            if code.is_none() && raw.len() == 7 && raw.bytes().all(|b| b.is_ascii_digit()) {
                code = Some(format!("0{raw}"));
                w.push(Issue::new(
                    "codeCPV",
                    Problem::new("decp.problem.cpv_leading_zero", &raw),
                ));
            }
            match code {
                Some(c) if refs.cpv_exists(&c) => Some(c),
                Some(_) | None if raw.trim().is_empty() => None,
                _ => {
                    w.push(Issue::new(
                        "codeCPV",
                        Problem::new("decp.problem.cpv_unknown", &raw),
                    ));
                    None
                }
            }
        }
    };

    let procedure = vocab_field(obj, "procedure", Procedure::parse, &mut w);
    let mut nature = vocab_field(obj, "nature", Nature::parse, &mut w);
    let techniques = strings(get("techniques"), "technique");
    if nature == Some(Nature::Marche)
        && techniques
            .iter()
            .any(|t| values::vocabulary_key(t) == "accord cadre")
    {
        nature = Some(Nature::AccordCadre);
    }

    let place = place(get("lieuExecution"), refs, &mut w);
    let duration_months = parsed(get("dureeMois"), "dureeMois", values::months, &mut w);
    let amount_field = if kind == ContractKind::Concession {
        "valeurGlobale"
    } else {
        "montant"
    };
    let amount_cents = parsed(
        get(amount_field),
        amount_field,
        values::amount_cents,
        &mut w,
    );

    let notified_on = if kind == ContractKind::Concession {
        parsed(get("dateSignature"), "dateSignature", values::date, &mut w)
    } else {
        parsed(
            get("dateNotification"),
            "dateNotification",
            values::date,
            &mut w,
        )
    };
    let published_on = parsed(
        get("datePublicationDonnees"),
        "datePublicationDonnees",
        values::date,
        &mut w,
    );
    let start_on = parsed(
        get("dateDebutExecution"),
        "dateDebutExecution",
        values::date,
        &mut w,
    );
    if let (Some(n), Some(p)) = (notified_on, published_on) {
        if p < n {
            w.push(Issue::new(
                "datePublicationDonnees",
                Problem::new("decp.problem.published_before_notified", &p.to_string()),
            ));
        }
    }
    let price_form = text_field(obj, "formePrix", 100, &mut w);
    let offers_received = parsed(get("offresRecues"), "offresRecues", values::count, &mut w);
    let subcontracting_declared = parsed(
        get("sousTraitanceDeclaree"),
        "sousTraitanceDeclaree",
        values::boolean,
        &mut w,
    );
    let consortium = vocab_field(obj, "typeGroupementOperateurs", Consortium::parse, &mut w);
    let social = considerations(
        get("considerationsSociales"),
        "considerationSociale",
        "considerationsSociales",
        SocialConsideration::parse,
        &mut w,
    );
    let environmental = considerations(
        get("considerationsEnvironnementales"),
        "considerationEnvironnementale",
        "considerationsEnvironnementales",
        EnvironmentalConsideration::parse,
        &mut w,
    );

    let (awardee_field, awardee_item) = if kind == ContractKind::Concession {
        ("concessionnaires", "concessionnaire")
    } else {
        ("titulaires", "titulaire")
    };
    let awardees = read_awardees(get(awardee_field), awardee_item, awardee_field, &mut w);
    if awardees.is_empty() {
        w.push(Issue::new(
            awardee_field,
            Problem::new("decp.problem.no_awardee", ""),
        ));
    }

    // Modifications, applied in the order of their id (else as listed).
    let mut modifications = Vec::new();
    for (i, m) in items(get("modifications"), "modification")
        .into_iter()
        .enumerate()
    {
        let f = |k: &str| format!("modifications[{i}].{k}");
        let mg = |k: &str| m.get(k).unwrap_or(&Value::Null);
        let index = values::count(mg("id"))
            .ok()
            .flatten()
            .unwrap_or(i as i32 + 1);
        let signed_key = if mg("dateNotificationModification").is_null() {
            "dateSignatureModification"
        } else {
            "dateNotificationModification"
        };
        let amount_key = if kind == ContractKind::Concession && !mg("valeurGlobale").is_null() {
            "valeurGlobale"
        } else {
            "montant"
        };
        modifications.push(Modification {
            index,
            object: values::text(mg("objetModification"), OBJECT_MAX).0,
            signed_on: parsed(mg(signed_key), &f(signed_key), values::date, &mut w),
            published_on: parsed(
                mg("datePublicationDonneesModification"),
                &f("datePublicationDonneesModification"),
                values::date,
                &mut w,
            ),
            duration_months: parsed(mg("dureeMois"), &f("dureeMois"), values::months, &mut w),
            amount_cents: parsed(mg(amount_key), &f(amount_key), values::amount_cents, &mut w),
            awardees: read_awardees(mg("titulaires"), "titulaire", &f("titulaires"), &mut w),
        });
    }
    modifications.sort_by_key(|m| (m.index, m.signed_on));
    let mut final_duration_months = duration_months;
    let mut final_amount_cents = amount_cents;
    let mut final_awardees = awardees.clone();
    for m in &modifications {
        // A modification states the new total (DECP's rule), not a delta.
        final_duration_months = m.duration_months.or(final_duration_months);
        final_amount_cents = m.amount_cents.or(final_amount_cents);
        if !m.awardees.is_empty() {
            final_awardees = m.awardees.clone();
        }
    }

    let year = notified_on
        .or(start_on)
        .or(published_on)
        .map(|d| chrono::Datelike::year(&d));
    if notified_on.is_none() {
        w.push(Issue::new(
            if kind == ContractKind::Concession {
                "dateSignature"
            } else {
                "dateNotification"
            },
            Problem::new("decp.problem.date_missing", ""),
        ));
    }

    Outcome::Accepted {
        contract: Box::new(Contract {
            uid,
            kind,
            source_id,
            buyer_siret,
            buyer_name,
            object,
            cpv,
            procedure,
            nature,
            place,
            duration_months,
            amount_cents,
            final_duration_months,
            final_amount_cents,
            notified_on,
            published_on,
            price_form,
            offers_received,
            social,
            environmental,
            consortium,
            subcontracting_declared,
            awardees,
            final_awardees,
            modifications,
            year,
        }),
        warnings: w,
    }
}

fn parsed<T>(
    v: &Value,
    field: &str,
    parse: impl Fn(&Value) -> Result<Option<T>, Problem>,
    w: &mut Vec<Issue>,
) -> Option<T> {
    match parse(v) {
        Ok(x) => x,
        Err(p) => {
            w.push(Issue::new(field, p));
            None
        }
    }
}

fn text_field(
    obj: &Map<String, Value>,
    field: &str,
    max: usize,
    w: &mut Vec<Issue>,
) -> Option<String> {
    let (t, p) = values::text(obj.get(field).unwrap_or(&Value::Null), max);
    if let Some(p) = p {
        w.push(Issue::new(field, p));
    }
    t
}

fn vocab_field<T>(
    obj: &Map<String, Value>,
    field: &str,
    parse: impl Fn(&str) -> Option<T>,
    w: &mut Vec<Issue>,
) -> Option<T> {
    match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => {
            let parsed = parse(s);
            if parsed.is_none() {
                w.push(Issue::new(
                    field,
                    Problem::new("decp.problem.vocabulary", s),
                ));
            }
            parsed
        }
        Some(other) => {
            w.push(Issue::new(
                field,
                Problem::new("decp.problem.vocabulary", &values::found(other)),
            ));
            None
        }
    }
}

/// The objects of a list, whichever way it was wrapped: `[{…}]`, `[{"titulaire": {…}}]`,
/// `{"titulaire": [{…}]}` or `{"titulaire": {…}}` (XML read as JSON), or a lone object.
pub fn items<'a>(v: &'a Value, wrapper: &str) -> Vec<&'a Map<String, Value>> {
    fn unwrap<'a>(o: &'a Map<String, Value>, wrapper: &str, out: &mut Vec<&'a Map<String, Value>>) {
        match o.get(wrapper) {
            Some(Value::Object(inner)) if o.len() == 1 => out.push(inner),
            Some(Value::Array(list)) if o.len() == 1 => {
                for x in list {
                    if let Value::Object(inner) = x {
                        unwrap(inner, wrapper, out);
                    }
                }
            }
            _ => out.push(o),
        }
    }
    let mut out = Vec::new();
    match v {
        Value::Array(list) => {
            for x in list {
                if let Value::Object(o) = x {
                    unwrap(o, wrapper, &mut out);
                }
            }
        }
        Value::Object(o) if !o.is_empty() => unwrap(o, wrapper, &mut out),
        _ => {}
    }
    out
}

/// The strings of a list: `["a"]`, `{"technique": ["a"]}`, `{"technique": "a"}`, `"a"`.
fn strings(v: &Value, wrapper: &str) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(list) => list.iter().flat_map(|x| strings(x, wrapper)).collect(),
        Value::Object(o) => o
            .get(wrapper)
            .map(|x| strings(x, wrapper))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn considerations<T: PartialEq>(
    v: &Value,
    wrapper: &str,
    field: &str,
    parse: impl Fn(&str) -> Option<T>,
    w: &mut Vec<Issue>,
) -> Vec<T> {
    let mut out = Vec::new();
    for s in strings(v, wrapper) {
        match parse(&s) {
            Some(x) if !out.contains(&x) => out.push(x),
            Some(_) => {}
            None => w.push(Issue::new(
                field,
                Problem::new("decp.problem.vocabulary", &s),
            )),
        }
    }
    out
}

fn read_awardees(v: &Value, wrapper: &str, field: &str, w: &mut Vec<Issue>) -> Vec<Awardee> {
    let mut out: Vec<Awardee> = Vec::new();
    for (i, a) in items(v, wrapper).into_iter().enumerate() {
        let id_type = a
            .get("typeIdentifiant")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_uppercase())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "SIRET".into());
        let Some(id) = a.get("id").and_then(values::identifier) else {
            w.push(Issue::new(
                format!("{field}[{i}].id"),
                Problem::new("decp.problem.awardee_id_missing", ""),
            ));
            continue;
        };
        if id_type == "SIRET" {
            match Siret::parse(&id) {
                Ok(_) => {}
                Err(crate::domain::siret::SiretError::Checksum) => w.push(Issue::new(
                    format!("{field}[{i}].id"),
                    Problem::new("decp.problem.siret_checksum", &id),
                )),
                Err(_) if id.len() == 9 && crate::domain::siret::is_valid_siren(&id) => {
                    w.push(Issue::new(
                        format!("{field}[{i}].id"),
                        Problem::new("decp.problem.siren_only", &id),
                    ))
                }
                Err(_) => w.push(Issue::new(
                    format!("{field}[{i}].id"),
                    Problem::new("decp.problem.siret_format", &id),
                )),
            }
        }
        let (name, p) = values::text(
            a.get("denominationSociale").unwrap_or(&Value::Null),
            NAME_MAX,
        );
        if let Some(p) = p {
            w.push(Issue::new(format!("{field}[{i}].denominationSociale"), p));
        }
        // Only the tabular reader sets it; a code that cannot be a department is dropped.
        let department = a
            .get("_departement")
            .and_then(Value::as_str)
            .map(|d| d.trim().to_uppercase())
            .map(|d| if d.len() == 1 { format!("0{d}") } else { d })
            .filter(|d| is_department_code(d));
        if !out.iter().any(|x| x.id == id && x.id_type == id_type) {
            out.push(Awardee {
                id_type,
                id,
                name,
                department,
            });
        }
    }
    out
}

fn place(v: &Value, refs: &dyn Reference, w: &mut Vec<Issue>) -> Place {
    let mut p = Place {
        kind: None,
        code: None,
        name: None,
        commune: None,
        departement: None,
    };
    let Some(o) = v.as_object() else {
        return p;
    };
    p.code = o.get("code").and_then(values::identifier);
    p.name = values::text(o.get("nom").unwrap_or(&Value::Null), NAME_MAX).0;
    p.kind = match o.get("typeCode").and_then(Value::as_str) {
        Some(t) => {
            let k = PlaceKind::parse(t);
            if k.is_none() {
                w.push(Issue::new(
                    "lieuExecution.typeCode",
                    Problem::new("decp.problem.vocabulary", t),
                ));
            }
            k
        }
        None => None,
    };
    let Some(code) = p.code.clone() else {
        return p;
    };
    match p.kind {
        Some(PlaceKind::Commune) | Some(PlaceKind::Arrondissement) => {
            let code = if code.len() == 4 {
                format!("0{code}")
            } else {
                code.to_uppercase()
            };
            match refs.commune_departement(&code) {
                Some(dep) => {
                    p.commune = Some(code);
                    p.departement = Some(dep);
                }
                None => w.push(Issue::new(
                    "lieuExecution.code",
                    Problem::new("decp.problem.commune_unknown", &code),
                )),
            }
        }
        Some(PlaceKind::PostalCode) => {
            let code = if code.len() == 4 {
                format!("0{code}")
            } else {
                code
            };
            if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
                p.commune = refs.postal_commune(&code);
                p.departement = p
                    .commune
                    .as_deref()
                    .and_then(|c| refs.commune_departement(c))
                    .or_else(|| departement_of_postal(&code));
            } else {
                w.push(Issue::new(
                    "lieuExecution.code",
                    Problem::new("decp.problem.postal_code", &code),
                ));
            }
        }
        Some(PlaceKind::Departement) => match normalise_departement(&code) {
            Some(d) => p.departement = Some(d),
            None => w.push(Issue::new(
                "lieuExecution.code",
                Problem::new("decp.problem.departement", &code),
            )),
        },
        _ => {}
    }
    p
}

/// "69", "069", "2A", "974" → the department code; None when it cannot be one.
pub fn normalise_departement(code: &str) -> Option<String> {
    let c = code.trim().to_uppercase();
    let c = c
        .strip_prefix('0')
        .filter(|r| r.len() == 2)
        .unwrap_or(&c)
        .to_string();
    let ok = match c.len() {
        2 => {
            c == "2A"
                || c == "2B"
                || (c.bytes().all(|b| b.is_ascii_digit())
                    && c != "00"
                    && c != "20"
                    && c.as_str() <= "95")
        }
        3 => c.starts_with("97") && c.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    ok.then_some(c)
}

/// The department a postal code belongs to (Corsica's 20xxx stays ambiguous: None).
fn departement_of_postal(code: &str) -> Option<String> {
    if code.starts_with("97") || code.starts_with("98") {
        return Some(code[..3].to_string());
    }
    if code.starts_with("20") {
        return None;
    }
    normalise_departement(&code[..2])
}

#[cfg(test)]
mod department_tests {
    use super::is_department_code;

    #[test]
    fn department_codes_as_insee_writes_them() {
        for ok in ["01", "69", "2A", "2B", "95", "971", "976", "988"] {
            assert!(is_department_code(ok), "{ok}");
        }
        for bad in ["", "0", "00", "20", "6", "690", "999", "AB", "69M"] {
            assert!(!is_department_code(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) struct Fixture;
    impl Reference for Fixture {
        fn cpv_exists(&self, code: &str) -> bool {
            matches!(code, "45000000" | "79100000" | "09132100" | "45214200")
        }
        fn commune_departement(&self, insee: &str) -> Option<String> {
            match insee {
                "69123" | "69266" | "69381" => Some("69".into()),
                "75056" => Some("75".into()),
                _ => None,
            }
        }
        fn postal_commune(&self, postal: &str) -> Option<String> {
            (postal == "69120").then(|| "69256".into())
        }
    }

    fn accepted(v: Value) -> (Contract, Vec<Issue>) {
        match normalise(&v, None, &Fixture) {
            Outcome::Accepted { contract, warnings } => (*contract, warnings),
            Outcome::Rejected { reasons } => panic!("rejected: {reasons:?}"),
        }
    }

    fn keys(w: &[Issue]) -> Vec<&str> {
        w.iter().map(|i| i.key.as_str()).collect()
    }

    #[test]
    fn a_2019_marche_with_dirt() {
        let (c, w) = accepted(json!({
            "id": "2018_TPLyTsQ2000", "_type": "Marché",
            "acheteur": {"id": "21690123100011", "nom": "Ville de Lyon"},
            "nature": "Marché subséquent", "objet": "Fourniture de carburants pour l'ann\u{fffd}e 2019",
            "codeCPV": "9132100", "procedure": "Procédure adaptée",
            "lieuExecution": {"code": "69", "typeCode": "CODE DEPARTEMENT", "nom": "Rhône"},
            "dureeMois": 12, "montant": "110 000,00", "formePrix": "Ferme",
            "titulaires": [{"typeIdentifiant": "SIRET", "id": "78471226700060", "denominationSociale": "DS Avocats"}],
            "modifications": [], "dateNotification": "2019-03-04+01:00"
        }));
        assert_eq!(c.uid, "216901231000112018_TPLyTsQ2000");
        assert_eq!(c.kind, ContractKind::Marche);
        assert_eq!(c.cpv.as_deref(), Some("09132100"));
        assert_eq!(c.amount_cents, Some(11_000_000));
        assert_eq!(c.final_amount_cents, Some(11_000_000));
        assert_eq!(c.procedure, Some(Procedure::Adaptee));
        assert_eq!(c.nature, Some(Nature::MarcheSubsequent));
        assert_eq!(c.place.departement.as_deref(), Some("69"));
        assert_eq!(c.notified_on, NaiveDate::from_ymd_opt(2019, 3, 4));
        assert_eq!(c.year, Some(2019));
        assert_eq!(c.awardees.len(), 1);
        assert_eq!(
            keys(&w),
            [
                "decp.problem.broken_accents",
                "decp.problem.cpv_leading_zero"
            ]
        );
    }

    #[test]
    fn a_2022_marche_with_wrapped_lists_and_modifications() {
        let (c, w) = accepted(json!({
            "id": "TEST2022", "acheteur": {"id": "21690123100011"},
            "nature": "Marché", "objet": "Travaux", "codeCPV": "45000000-7",
            "techniques": {"technique": ["Concours", "Accord-cadre"]},
            "offresRecues": 4, "typeGroupementOperateurs": "Solidaire", "sousTraitanceDeclaree": true,
            "considerationsSociales": {"considerationSociale": ["Clause sociale", "Critère social"]},
            "considerationsEnvironnementales": {"considerationEnvironnementale": ["Pas de considération environnementale"]},
            "titulaires": [{"titulaire": {"id": "78471226700060", "typeIdentifiant": "SIRET"}},
                           {"titulaire": {"id": "FR12345678901", "typeIdentifiant": "TVA"}}],
            "modifications": [
                {"modification": {"id": 2, "montant": 700000, "dateNotificationModification": "2023-01-10"}},
                {"modification": {"id": 1, "dureeMois": 60, "montant": 600000,
                    "titulaires": [{"titulaire": {"id": "78471226700060", "typeIdentifiant": "SIRET"}}]}}
            ],
            "procedure": "Appel d'offres ouvert",
            "lieuExecution": {"code": "69120", "typeCode": "Code postal"},
            "dureeMois": 48, "dateNotification": "2022-05-15", "datePublicationDonnees": "2022-05-25",
            "montant": 575000
        }));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.nature, Some(Nature::AccordCadre));
        assert_eq!(c.offers_received, Some(4));
        assert_eq!(c.consortium, Some(Consortium::Solidaire));
        assert_eq!(
            c.social,
            [SocialConsideration::Clause, SocialConsideration::Critere]
        );
        assert_eq!(c.environmental, [EnvironmentalConsideration::Aucune]);
        assert_eq!(c.awardees.len(), 2);
        assert_eq!(c.awardees[1].id_type, "TVA");
        // Applied in id order: 1 (60 months, 600 k€, one awardee), then 2 (700 k€).
        assert_eq!(
            c.modifications.iter().map(|m| m.index).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(c.final_duration_months, Some(60));
        assert_eq!(c.final_amount_cents, Some(70_000_000));
        assert_eq!(c.final_awardees.len(), 1);
        assert_eq!(c.place.commune.as_deref(), Some("69256"));
        assert_eq!(c.place.departement.as_deref(), Some("69"));
    }

    #[test]
    fn a_2022_concession() {
        let v = json!({
            "id": "0612202306122024", "autoriteConcedante": {"id": "21690123100011"},
            "nature": "Concession de travaux", "objet": "Parking", "procedure": "Procédure négociée ouverte",
            "dureeMois": 12, "dateSignature": "2024-04-02", "valeurGlobale": 10.3,
            "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "SIRET", "id": "78471226700060"}}],
            "modifications": [{"modification": {"id": 1, "dureeMois": 14, "valeurGlobale": 25.0}}]
        });
        let Outcome::Accepted { contract: c, .. } =
            normalise(&v, Some(ContractKind::Concession), &Fixture)
        else {
            panic!()
        };
        assert_eq!(c.kind, ContractKind::Concession);
        assert_eq!(c.amount_cents, Some(1030));
        assert_eq!(c.final_amount_cents, Some(2500));
        assert_eq!(c.final_duration_months, Some(14));
        assert_eq!(c.year, Some(2024));
        assert_eq!(c.procedure, Some(Procedure::ConcessionNegocieeOuverte));
    }

    #[test]
    fn unusable_records_are_rejected_with_reasons() {
        let Outcome::Rejected { reasons } = normalise(
            &json!({"id": "X", "acheteur": {"nom": "?"}}),
            None,
            &Fixture,
        ) else {
            panic!()
        };
        assert_eq!(reasons[0].field, "acheteur.id");
        assert_eq!(reasons[0].key, "decp.problem.buyer_missing");
        let Outcome::Rejected { reasons } =
            normalise(&json!({"acheteur": {"id": "123"}}), None, &Fixture)
        else {
            panic!()
        };
        assert_eq!(
            keys(&reasons),
            ["decp.problem.buyer_not_siret", "decp.problem.id_missing"]
        );
        let Outcome::Rejected { reasons } = normalise(&json!("texte"), None, &Fixture) else {
            panic!()
        };
        assert_eq!(reasons[0].key, "decp.problem.not_an_object");
    }

    #[test]
    fn bad_fields_become_warnings_not_rejects() {
        let (c, w) = accepted(json!({
            "id": "A1", "acheteur": {"id": "21690123100012"}, "montant": "beaucoup",
            "codeCPV": "99999999", "procedure": "Tirage au sort", "dateNotification": "2109-01-01",
            "lieuExecution": {"code": "99999", "typeCode": "Code commune"},
            "titulaires": [{"id": "123"}]
        }));
        assert_eq!(c.amount_cents, None);
        assert_eq!(c.cpv, None);
        assert_eq!(
            keys(&w),
            [
                "decp.problem.siret_checksum",
                "decp.problem.cpv_unknown",
                "decp.problem.vocabulary",
                "decp.problem.commune_unknown",
                "decp.problem.amount",
                "decp.problem.date_range",
                "decp.problem.siret_format",
                "decp.problem.date_missing"
            ]
        );
    }

    #[test]
    fn departments() {
        assert_eq!(normalise_departement("069").as_deref(), Some("69"));
        assert_eq!(normalise_departement("2a").as_deref(), Some("2A"));
        assert_eq!(normalise_departement("974").as_deref(), Some("974"));
        assert_eq!(normalise_departement("99"), None);
        assert_eq!(normalise_departement("Rhône"), None);
    }
}
