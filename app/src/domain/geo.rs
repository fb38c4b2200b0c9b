//! Places: distances between communes, the communes that stand for a city and its arrondissements,
//! and the map of the Métropole de Lyon drawn as SVG.
//!
//! The map's outlines are the IGN Admin Express 2018 communes (reference data), projected once
//! into `metropole_map.txt` by the test `the_map_file_is_projected_from_the_outlines`
//! (`PASSERELLE_WRITE_MAP=1 cargo test -p app --lib geo` writes it again). The file is compiled
//! into both the server and the browser, so a page only sends its counts, never the shapes.

/// Kilometres between two points (latitude, longitude in degrees), along the Earth's surface.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0;
    let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
    let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

/// The department of a commune by its INSEE code: its first two characters ("69", "2A"), three
/// overseas ("974").
pub fn department_of_commune(insee: &str) -> &str {
    let n = if insee.starts_with("97") || insee.starts_with("98") {
        3
    } else {
        2
    };
    insee.get(..n).unwrap_or(insee)
}

/// The radii offered by the "distance from a commune" filter, in km.
pub const RADII_KM: [u32; 6] = [2, 5, 10, 15, 20, 30];

/// The radius of a distance filter given a commune but no radius (an address written by hand
/// or by a program): "near" means this far.
pub const DEFAULT_RADIUS_KM: u32 = 10;

/// Whether `value` is a radius of the distance filter, written as the filter writes it.
pub fn is_radius(value: &str) -> bool {
    RADII_KM.iter().any(|r| r.to_string() == value)
}

/// The codes a commune's filter must match: Lyon, Paris and Marseille are also recorded by their
/// arrondissements (69381–69389, 75101–75120, 13201–13216).
pub fn commune_and_parts(insee: &str) -> Vec<String> {
    let parts = |first: u32, last: u32| (first..=last).map(|c| c.to_string());
    let mut out = vec![insee.to_string()];
    match insee {
        "69123" => out.extend(parts(69381, 69389)),
        "75056" => out.extend(parts(75101, 75120)),
        "13055" => out.extend(parts(13201, 13216)),
        _ => {}
    }
    out
}

/// The commune an arrondissement belongs to (itself otherwise): where the map counts it.
pub fn whole_commune(insee: &str) -> &str {
    match insee.parse::<u32>() {
        Ok(69381..=69389) => "69123",
        Ok(75101..=75120) => "75056",
        Ok(13201..=13216) => "13055",
        _ => insee,
    }
}

/// The code under which the directory files places of the Métropole de Lyon ("69M") and of the
/// rest of the Rhône department ("69D"), as INSEE does for the two authorities that share
/// department 69; other departments keep their code.
pub fn area_code(department: &str, in_metropole: bool) -> String {
    match (department, in_metropole) {
        ("69", true) => "69M".into(),
        ("69", false) => "69D".into(),
        (d, _) => d.to_string(),
    }
}

/// The departments around the Métropole, shown beside its map (no outline of them is available,
/// so they are drawn as places around it: west, north-east, south-east).
pub const AROUND: [(&str, &str); 3] = [("69D", "west"), ("01", "north-east"), ("38", "south-east")];

/// The projection of the map: longitudes are shrunk by the cosine of the Métropole's latitude, so
/// that a kilometre is as long east–west as north–south.
const WEST: f64 = 4.685;
const NORTH: f64 = 45.945;
const UNITS_PER_DEGREE: f64 = 1500.0;
const MID_LATITUDE: f64 = 45.75;

/// Map units of a point (latitude, longitude).
pub fn project(lat: f64, lon: f64) -> (f64, f64) {
    let x = (lon - WEST) * MID_LATITUDE.to_radians().cos() * UNITS_PER_DEGREE;
    let y = (NORTH - lat) * UNITS_PER_DEGREE;
    (x, y)
}

/// Map units of a kilometre (the same both ways, by construction of `project`).
pub fn units_per_km() -> f64 {
    // One degree of latitude is 111.2 km.
    UNITS_PER_DEGREE / 111.195
}

/// One outline of the map: the commune it counts for (2024 code) and its SVG path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub insee: &'static str,
    pub name: &'static str,
    pub path: &'static str,
}

const MAP_FILE: &str = include_str!("metropole_map.txt");

/// The map's width and height in its units (first line of the file).
pub fn map_size() -> (u32, u32) {
    let mut it = MAP_FILE
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|v| v.parse().ok());
    (it.next().unwrap_or(1), it.next().unwrap_or(1))
}

/// The outlines of the Métropole's communes (Oullins-Pierre-Bénite keeps its two 2018 outlines,
/// both counting for 69149).
pub fn shapes() -> impl Iterator<Item = Shape> {
    MAP_FILE.lines().skip(1).filter_map(|line| {
        let mut it = line.splitn(3, '\t');
        Some(Shape {
            insee: it.next()?,
            name: it.next()?,
            path: it.next()?,
        })
    })
}

/// How dark a commune is drawn: 0 for none, then 1 to 5 as its share of the largest count grows.
pub fn shade(count: u64, max: u64) -> u8 {
    if count == 0 || max == 0 {
        return 0;
    }
    // Square root: one commune with many actors should not leave all the others pale.
    let share = (count as f64 / max as f64).sqrt();
    (1 + (share * 4.0).floor() as u8).min(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_communes_department_is_read_from_its_code() {
        assert_eq!(department_of_commune("69256"), "69");
        assert_eq!(department_of_commune("2A004"), "2A");
        assert_eq!(department_of_commune("97411"), "974");
        assert_eq!(department_of_commune("6"), "6");
    }

    /// Writes each ring as a path of whole map units, dropping points that round onto the last.
    fn project_outlines(geojson: &str) -> String {
        let g: serde_json::Value = serde_json::from_str(geojson).expect("outlines are JSON");
        let mut lines = Vec::new();
        let (mut width, mut height) = (0f64, 0f64);
        for f in g["features"].as_array().expect("features") {
            let insee = f["properties"]["code_insee_2024"].as_str().expect("code");
            let name = f["properties"]["nom_2024"].as_str().expect("name");
            let rings = f["geometry"]["coordinates"].as_array().expect("rings");
            let mut path = String::new();
            for ring in rings {
                let mut last: Option<(i64, i64)> = None;
                for (i, p) in ring.as_array().expect("ring").iter().enumerate() {
                    let (x, y) = project(p[1].as_f64().unwrap(), p[0].as_f64().unwrap());
                    width = width.max(x);
                    height = height.max(y);
                    let pt = (x.round() as i64, y.round() as i64);
                    if last == Some(pt) {
                        continue;
                    }
                    path.push_str(&format!(
                        "{}{} {}",
                        if i == 0 { "M" } else { "L" },
                        pt.0,
                        pt.1
                    ));
                    last = Some(pt);
                }
                path.push('Z');
            }
            lines.push(format!("{insee}\t{name}\t{path}"));
        }
        lines.sort();
        format!(
            "{} {}\n{}\n",
            width.ceil() as u32 + 5,
            height.ceil() as u32 + 5,
            lines.join("\n")
        )
    }

    #[test]
    fn the_map_file_is_projected_from_the_outlines() {
        let outlines = include_str!(
            "../server/infra/reference/data/metropole_lyon_communes_2018_contours.geojson"
        );
        let projected = project_outlines(outlines);
        if std::env::var_os("PASSERELLE_WRITE_MAP").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/domain/metropole_map.txt");
            std::fs::write(path, &projected).expect("map file written");
        }
        assert_eq!(
            projected, MAP_FILE,
            "metropole_map.txt is stale: run PASSERELLE_WRITE_MAP=1 cargo test -p app --lib geo"
        );
    }

    #[test]
    fn the_map_holds_every_commune_of_the_metropole() {
        let communes: std::collections::BTreeSet<_> = shapes().map(|s| s.insee).collect();
        // 58 communes since Oullins and Pierre-Bénite merged in 2024 (59 outlines).
        assert_eq!(communes.len(), 58);
        assert_eq!(shapes().count(), 59);
        assert!(communes.contains("69123") && communes.contains("69266"));
        let (w, h) = map_size();
        assert!(w > 300 && h > 500, "{w}×{h}");
        // Lyon's centroid falls inside the map.
        let (x, y) = project(45.76, 4.84);
        assert!(x > 0.0 && x < f64::from(w) && y > 0.0 && y < f64::from(h));
    }

    #[test]
    fn distances_between_communes_are_right() {
        // Lyon (Hôtel de Ville) to Villeurbanne (mairie): about 4 km.
        let d = distance_km((45.7676, 4.8357), (45.7665, 4.8795));
        assert!((3.2..3.6).contains(&d), "{d}");
        // Lyon to Paris: about 392 km.
        let d = distance_km((45.764, 4.8357), (48.8566, 2.3522));
        assert!((385.0..400.0).contains(&d), "{d}");
        // A kilometre is as long on the map both ways.
        let (x0, y0) = project(45.75, 4.85);
        let (x1, _) = project(45.75, 4.85 + 1.0 / (111.195 * 45.75f64.to_radians().cos()));
        let (_, y1) = project(45.75 - 1.0 / 111.195, 4.85);
        assert!((x1 - x0 - units_per_km()).abs() < 0.01);
        assert!((y1 - y0 - units_per_km()).abs() < 0.01);
    }

    #[test]
    fn cities_count_with_their_arrondissements() {
        assert_eq!(commune_and_parts("69123").len(), 10);
        assert!(commune_and_parts("69123").contains(&"69385".to_string()));
        assert_eq!(commune_and_parts("69266"), vec!["69266".to_string()]);
        assert_eq!(whole_commune("69383"), "69123");
        assert_eq!(whole_commune("75112"), "75056");
        assert_eq!(whole_commune("69266"), "69266");
        assert_eq!(area_code("69", true), "69M");
        assert_eq!(area_code("69", false), "69D");
        assert_eq!(area_code("38", false), "38");
    }

    #[test]
    fn shades_grow_with_the_count() {
        assert_eq!(shade(0, 10), 0);
        assert_eq!(shade(1, 100), 1);
        assert_eq!(shade(100, 100), 5);
        assert!(shade(30, 100) > shade(5, 100));
    }
}
