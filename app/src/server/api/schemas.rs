//! The schemas of the API's query parameters: the values the lists' filters keep, stated in the
//! document (enumerations from the domain's own code lists, patterns, bounds) so that a client
//! reading the document sends only what the server accepts, and knows what it refuses.
//! `api::check_query` reads them back: a string parameter with neither pattern nor enumeration
//! is free text (words searched), any other value must be the canonical one they describe.

use crate::domain::{catalogue, contracts, decp, directory, geo, offer, org, programming};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

fn strings<'a>(values: impl IntoIterator<Item = &'a str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().map(str::to_string)))
        .build()
}

fn pattern(regex: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(regex))
        .build()
}

fn integer(min: i64, max: i64) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(min))
        .maximum(Some(max))
        .build()
}

/// A flag: `1`, or absent.
pub fn flag() -> Object {
    strings(["1"])
}

/// A page of a list (`domain::api::MAX_PAGE` at most).
pub fn page() -> Object {
    integer(1, crate::domain::api::MAX_PAGE as i64)
}

/// A record's identifier on Passerelle: a positive 32-bit integer.
pub fn id() -> Object {
    integer(1, i32::MAX as i64)
}

/// An amount in euros.
pub fn euros() -> Object {
    integer(0, i64::MAX)
}

/// A year of notification.
pub fn year() -> Object {
    integer(1990, 2100)
}

/// A number of offers received.
pub fn offers_received() -> Object {
    integer(0, 1000)
}

/// A month of the year.
pub fn month() -> Object {
    integer(1, 12)
}

/// A radius of the distance filters.
pub fn radius() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some(geo::RADII_KM))
        .build()
}

/// A department's code (`01`…`95` but `20`, `2A`, `2B`, `971`…`979`), as the filters write it.
pub fn department() -> Object {
    pattern(&format!("^({DEPARTMENT})$"))
}

const DEPARTMENT: &str = "0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[0-9]";

/// A department, or the Métropole de Lyon (`69M`) and the Rhône outside it (`69D`).
pub fn area() -> Object {
    pattern(&format!("^({DEPARTMENT}|69M|69D)$"))
}

/// A commune's INSEE code.
pub fn commune() -> Object {
    pattern("^([0-9]{5}|2[AB][0-9]{3})$")
}

/// A SIRET.
pub fn siret() -> Object {
    pattern("^[0-9]{14}$")
}

/// A truncated CPV code of `min` to `max` digits.
fn cpv(min: usize, max: usize) -> Object {
    pattern(&format!("^[0-9]{{{min},{max}}}$"))
}

pub fn cpv_2_3() -> Object {
    cpv(2, 3)
}

pub fn cpv_2() -> Object {
    cpv(2, 2)
}

pub fn cpv_2_5() -> Object {
    cpv(2, 5)
}

pub fn cpv_2_8() -> Object {
    cpv(2, 8)
}

/// A NAF division.
pub fn naf_division() -> Object {
    pattern("^[0-9]{2}$")
}

/// A quarter (`2027-T2`).
pub fn quarter() -> Object {
    pattern("^(20[0-9]{2}|2100)-T[1-4]$")
}

pub fn contract_procedure() -> Object {
    strings(decp::Procedure::ALL.iter().map(|p| p.code()))
}

pub fn contract_nature() -> Object {
    strings(decp::Nature::ALL.iter().map(|n| n.code()))
}

pub fn contract_sort() -> Object {
    strings(contracts::Sort::ALL.iter().map(|s| s.code()))
}

pub fn org_kind() -> Object {
    strings(org::OrgKind::ALL.map(<&'static str>::from))
}

pub fn org_size() -> Object {
    strings(org::SIZES)
}

pub fn inclusive() -> Object {
    strings(["any", "iae"].into_iter().chain(org::INCLUSIVE))
}

/// A label an offer may hold: the official labels and the signs of quality EGalim counts
/// (`offer::label_name`), without repeats.
pub fn official_label() -> Object {
    let mut codes: Vec<&str> = offer::LABELS.iter().map(|(code, _)| *code).collect();
    for sign in crate::domain::food::signs() {
        if !codes.contains(&sign.code) {
            codes.push(sign.code);
        }
    }
    strings(codes)
}

pub fn directory_sort() -> Object {
    strings(directory::DirectorySort::ALL.iter().map(|s| s.code()))
}

pub fn offer_kind() -> Object {
    strings(offer::OfferKind::ALL.map(<&'static str>::from))
}

pub fn egalim() -> Object {
    strings(catalogue::EGALIM_FILTERS)
}

pub fn catalogue_sort() -> Object {
    strings(catalogue::CatalogueSort::ALL.iter().map(|s| s.code()))
}

pub fn plan_amount() -> Object {
    strings(programming::AMOUNTS.iter().map(|(code, _, _)| *code))
}

pub fn plan_lever() -> Object {
    strings(programming::LEVERS)
}

/// The public stages (a draft is its buyer's alone).
pub fn plan_status() -> Object {
    strings(
        programming::PlanStatus::ALL
            .into_iter()
            .filter(|s| *s != programming::PlanStatus::Draft)
            .map(<&'static str>::from),
    )
}

pub fn open_joint() -> Object {
    strings(["ouvert"])
}
