//! Communes as the site names and finds them: what a person typed read back as a commune, the
//! label forms show, the communes whose position is known, the ones within a distance, and the
//! names of areas. Reference data shared by the directory, the catalogue, organisations' and
//! partner requests' forms.

use crate::domain::directory::Place;
use crate::domain::geo;
use crate::error::AppError;
use crate::server::infra::entities::communes;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// Resolves what a person typed for a commune: an INSEE code, or a name that is unique in France.
pub async fn resolve_commune(
    db: &impl ConnectionTrait,
    input: &str,
) -> Result<Option<communes::Model>, AppError> {
    let mut input = input.trim();
    // "Saint-Priest (69290)", as edit forms show a commune: the code decides (names repeat
    // across France).
    if let Some((_, code)) = input
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once('('))
    {
        input = code.trim();
    }
    if input.len() == 5 && input.chars().all(|c| c.is_ascii_alphanumeric()) {
        if let Some(c) = communes::Entity::find_by_id(input.to_uppercase())
            .one(db)
            .await?
        {
            return Ok(Some(c));
        }
    }
    let mut found = communes::Entity::find()
        .filter(communes::Column::Name.eq(input))
        .all(db)
        .await?;
    Ok(if found.len() == 1 { found.pop() } else { None })
}

/// A commune as edit forms show it, and as `resolve_commune` reads it back whatever its name's
/// homonyms: "Saint-Priest (69290)".
pub fn commune_label(c: &communes::Model) -> String {
    format!("{} ({})", c.name, c.insee)
}

/// The communes whose position is known (the Métropole's), by name. Reference data that never
/// changes once loaded: read once, not at every search page.
pub(crate) async fn placed_communes(
    db: &DatabaseConnection,
) -> Result<Vec<communes::Model>, DbErr> {
    static PLACED: std::sync::OnceLock<Vec<communes::Model>> = std::sync::OnceLock::new();
    if let Some(placed) = PLACED.get() {
        return Ok(placed.clone());
    }
    let placed = communes::Entity::find()
        .filter(communes::Column::Lat.is_not_null())
        .filter(communes::Column::Lon.is_not_null())
        .order_by_asc(communes::Column::Name)
        .all(db)
        .await?;
    // A database whose reference data is not loaded yet is asked again next time.
    if !placed.is_empty() {
        let _ = PLACED.set(placed.clone());
    }
    Ok(placed)
}

/// The INSEE codes of the communes within `km` of `origin` (centre to centre), the origin
/// included; none when the origin's position is not known.
pub(crate) fn within(placed: &[communes::Model], origin: &str, km: u32) -> Vec<String> {
    let position = |c: &communes::Model| c.lat.zip(c.lon);
    let Some(from) = placed.iter().find(|c| c.insee == origin).and_then(position) else {
        return Vec::new();
    };
    let mut out: Vec<String> = placed
        .iter()
        .filter(|c| position(c).is_some_and(|p| geo::distance_km(from, p) <= f64::from(km)))
        .flat_map(|c| geo::commune_and_parts(&c.insee))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The name of an area: a department's, or the Métropole's and the rest of the Rhône's.
pub fn area_label(code: &str) -> Option<String> {
    match code {
        "69M" => Some("Métropole de Lyon".into()),
        "69D" => Some("Rhône (hors Métropole)".into()),
        d => crate::server::infra::reference::department_names()
            .get(d)
            .cloned(),
    }
}

/// The "near" choices of a form.
pub(crate) fn places(placed: Vec<communes::Model>) -> Vec<Place> {
    placed
        .into_iter()
        .filter_map(|c| {
            Some(Place {
                lat: c.lat?,
                lon: c.lon?,
                insee: c.insee,
                name: c.name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(insee: &str, lat: f64, lon: f64) -> communes::Model {
        communes::Model {
            insee: insee.into(),
            name: insee.into(),
            department: "69".into(),
            region: "84".into(),
            in_metropole: true,
            lat: Some(lat),
            lon: Some(lon),
        }
    }

    #[test]
    fn within_a_distance_keeps_the_near_communes_and_the_origin() {
        let placed = [
            commune("69123", 45.7578, 4.8320),
            commune("69266", 45.7719, 4.8902),
            commune("69003", 45.8640, 4.8308),
        ];
        let near = within(&placed, "69266", 5);
        // Villeurbanne, and Lyon with its arrondissements; Albigny (13 km) is not.
        assert!(near.contains(&"69266".to_string()));
        assert!(near.contains(&"69123".to_string()) && near.contains(&"69383".to_string()));
        assert!(!near.contains(&"69003".to_string()));
        assert_eq!(within(&placed, "69266", 20).len(), 12);
        // A commune whose position is not known gives nothing.
        assert!(within(&placed, "01001", 30).is_empty());
    }
}
