//! A national-scale DECP data set for the benchmarks, deterministic by seed.
//!
//! Distributions measured on the 10,061 real 2019 records of the shared data (docs/benchmarks.md):
//! CPV divisions (45 works: 35 %, 71: 7 %, 79: 5 %…), procedures (adaptée 67 %, AO ouvert 29 %),
//! natures (marché 64 %, accord-cadre 30 %, subséquent 6 %), awardees per contract (1: 93 %),
//! amounts log-normal (mean of ln 11.0, sd 1.77: median 60 k€), durations (12 and 48 months
//! most often). Buyers and awardees follow a Zipf-like law (a few buy or win much).
//! Communes and CPV codes are the real lists; names of firms are made up from word lists.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use std::io::Write;

/// ‰ of contracts per CPV division (real 2019 DECP).
const DIVISIONS: &[(&str, u32)] = &[
    ("45", 351),
    ("71", 72),
    ("79", 54),
    ("50", 46),
    ("90", 45),
    ("66", 41),
    ("34", 35),
    ("33", 32),
    ("30", 29),
    ("44", 26),
    ("39", 25),
    ("15", 22),
    ("72", 16),
    ("77", 15),
    ("55", 14),
    ("09", 12),
    ("60", 11),
    ("31", 11),
    ("42", 11),
    ("64", 11),
    ("22", 10),
    ("32", 10),
    ("80", 9),
    ("92", 9),
    ("85", 7),
    ("48", 7),
    ("37", 6),
    ("18", 6),
    ("12", 6),
    ("35", 5),
    ("75", 5),
    ("16", 4),
    ("03", 4),
    ("38", 3),
    ("98", 3),
    ("74", 3),
    ("43", 3),
    ("93", 3),
    ("24", 3),
    ("63", 2),
    ("91", 2),
];
const PROCEDURES: &[(&str, u32)] = &[
    ("Procédure adaptée", 670),
    ("Appel d'offres ouvert", 285),
    (
        "Marché négocié sans publicité ni mise en concurrence préalable",
        29,
    ),
    ("Procédure concurrentielle avec négociation", 8),
    ("Appel d'offres restreint", 5),
    ("Dialogue compétitif", 3),
];
const NATURES: &[(&str, u32)] = &[
    ("Marché", 640),
    ("Accord-cadre", 297),
    ("Marché subséquent", 63),
];
const AWARDEES_PER_CONTRACT: &[(usize, u32)] =
    &[(1, 933), (2, 36), (3, 17), (4, 5), (5, 3), (0, 6)];
const DURATIONS: &[(u32, u32)] = &[
    (12, 250),
    (48, 180),
    (36, 60),
    (24, 50),
    (2, 42),
    (6, 41),
    (3, 37),
    (1, 33),
    (4, 30),
    (18, 25),
    (8, 25),
    (10, 25),
    (60, 20),
];
const FIRST: &[&str] = &[
    "Atelier",
    "Entreprise",
    "Société",
    "Groupe",
    "Établissements",
    "Compagnie",
    "Maison",
    "Bureau d'études",
    "Coopérative",
    "Menuiserie",
    "Électricité",
    "Plomberie",
    "Transports",
    "Imprimerie",
    "Paysages",
    "Bâtiment",
    "Nettoyage",
    "Informatique",
    "Restauration",
    "Conseil",
];
const MIDDLE: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Rhône",
    "Saône",
    "Alpes",
    "Lyonnais",
    "Beaujolais",
    "Forez",
];
const LAST: &[&str] = &[
    "",
    "",
    "",
    "et Fils",
    "Services",
    "SAS",
    "SARL",
    "Industries",
    "Environnement",
    "Solutions",
    "Construction",
    "Rénovation",
    "Énergies",
    "Bois",
    "Métal",
];

/// Cumulative weights, to draw from with one number.
struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<u64>,
}

impl<T: Clone> Weighted<T> {
    fn new(pairs: impl IntoIterator<Item = (T, u64)>) -> Weighted<T> {
        let mut items = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0;
        for (item, w) in pairs {
            total += w.max(1);
            items.push(item);
            cumulative.push(total);
        }
        Weighted { items, cumulative }
    }

    fn draw(&self, rng: &mut ChaCha8Rng) -> T {
        let total = *self.cumulative.last().unwrap_or(&1);
        let x = rng.random_range(0..total);
        let i = self.cumulative.partition_point(|&c| c <= x);
        self.items[i.min(self.items.len() - 1)].clone()
    }
}

/// A Zipf-like law over `n` ranks: rank r weighs 1/(r + 10).
fn zipf(n: usize) -> Weighted<usize> {
    Weighted::new((0..n).map(|r| (r, 1_000_000_000 / (r as u64 + 10))))
}

/// A SIRET whose Luhn check holds, from a number.
pub fn siret(n: u64) -> String {
    let first13 = format!("{:013}", n % 10_000_000_000_000);
    app::domain::siret::complete_siret(&first13)
        .map(|s| s.as_str().to_string())
        .unwrap_or(first13)
}

struct Party {
    siret: String,
    name: String,
    commune: usize,
}

/// The data set: its lists and laws, drawn from a seeded generator.
pub struct Generator {
    rng: ChaCha8Rng,
    communes: Vec<(String, String)>,
    cpv_by_division: std::collections::HashMap<String, Vec<(String, String)>>,
    divisions: Weighted<&'static str>,
    procedures: Weighted<&'static str>,
    natures: Weighted<&'static str>,
    awardee_counts: Weighted<usize>,
    durations: Weighted<u32>,
    buyers: Vec<Party>,
    buyer_law: Weighted<usize>,
    firms: Vec<Party>,
    firm_law: Weighted<usize>,
}

impl Generator {
    /// A generator for `contracts` contracts: one buyer for 40 contracts, one firm for 8.
    pub fn new(seed: u64, contracts: u64) -> anyhow::Result<Generator> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut communes = Vec::new();
        let mut rdr =
            csv::Reader::from_reader(app::server::infra::reference::COMMUNES_CSV.as_bytes());
        for r in rdr.records() {
            let r = r?;
            communes.push((r[0].to_string(), r[3].to_string()));
        }
        let mut cpv_by_division: std::collections::HashMap<String, Vec<(String, String)>> =
            Default::default();
        let mut rdr = csv::Reader::from_reader(app::server::infra::reference::CPV_CSV.as_bytes());
        for r in rdr.records() {
            let r = r?;
            cpv_by_division
                .entry(r[0][..2].to_string())
                .or_default()
                .push((r[0].to_string(), r[1].to_string()));
        }
        anyhow::ensure!(!communes.is_empty() && !cpv_by_division.is_empty());
        let n_buyers = (contracts / 40).clamp(10, 60_000) as usize;
        let n_firms = (contracts / 8).clamp(50, 400_000) as usize;
        let kinds = [
            "Commune de",
            "Commune de",
            "Commune de",
            "Commune de",
            "Syndicat intercommunal de",
            "Centre hospitalier de",
            "Collège de",
            "Office public de l'habitat de",
        ];
        let buyers = (0..n_buyers)
            .map(|i| {
                let commune = rng.random_range(0..communes.len());
                let kind = kinds[rng.random_range(0..kinds.len())];
                Party {
                    siret: siret(21_000_000_000_000 + i as u64 * 7_919),
                    name: format!("{kind} {}", communes[commune].1),
                    commune,
                }
            })
            .collect();
        let firms = (0..n_firms)
            .map(|i| {
                let name = format!(
                    "{} {} {}",
                    FIRST[rng.random_range(0..FIRST.len())],
                    MIDDLE[rng.random_range(0..MIDDLE.len())],
                    LAST[rng.random_range(0..LAST.len())]
                );
                Party {
                    siret: siret(30_000_000_000_000 + i as u64 * 104_729),
                    name: name.trim().to_string(),
                    commune: rng.random_range(0..communes.len()),
                }
            })
            .collect();
        // Codes of older CPV versions published in the real data (12, 74, 91) have no 2008
        // code to draw: their share goes to the others.
        let divisions = Weighted::new(
            DIVISIONS
                .iter()
                .filter(|(d, _)| cpv_by_division.contains_key(*d))
                .map(|(d, w)| (*d, u64::from(*w))),
        );
        Ok(Generator {
            rng,
            communes,
            cpv_by_division,
            divisions,
            procedures: Weighted::new(PROCEDURES.iter().map(|(d, w)| (*d, u64::from(*w)))),
            natures: Weighted::new(NATURES.iter().map(|(d, w)| (*d, u64::from(*w)))),
            awardee_counts: Weighted::new(
                AWARDEES_PER_CONTRACT
                    .iter()
                    .map(|(d, w)| (*d, u64::from(*w))),
            ),
            durations: Weighted::new(DURATIONS.iter().map(|(d, w)| (*d, u64::from(*w)))),
            buyer_law: zipf(n_buyers),
            buyers,
            firm_law: zipf(n_firms),
            firms,
        })
    }

    /// A normal draw (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u1: f64 = self.rng.random_range(f64::EPSILON..1.0);
        let u2: f64 = self.rng.random::<f64>();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// The `n`-th record, in the DECP JSON 2019 format.
    pub fn record(&mut self, n: u64) -> Value {
        let division = self.divisions.draw(&mut self.rng);
        let codes = &self.cpv_by_division[division];
        let (cpv, label) = codes[self.rng.random_range(0..codes.len())].clone();
        let buyer = &self.buyers[self.buyer_law.draw(&mut self.rng)];
        let place = if self.rng.random_bool(0.7) {
            buyer.commune
        } else {
            self.rng.random_range(0..self.communes.len())
        };
        let (place_code, place_name) = self.communes[place].clone();
        let (buyer_siret, buyer_name) = (buyer.siret.clone(), buyer.name.clone());
        let year = 2019 + self.rng.random_range(0..7);
        let notified = chrono::NaiveDate::from_yo_opt(year, self.rng.random_range(1..=365))
            .unwrap_or_default();
        let published = notified + chrono::Days::new(self.rng.random_range(0..60));
        let amount = (11.0 + 1.77 * self.normal())
            .exp()
            .clamp(100.0, 500_000_000.0);
        let amount = if self.rng.random_bool(0.3) {
            amount.round()
        } else {
            (amount * 100.0).round() / 100.0
        };
        let titulaires: Vec<Value> = (0..self.awardee_counts.draw(&mut self.rng))
            .map(|_| {
                let f = &self.firms[self.firm_law.draw(&mut self.rng)];
                json!({ "typeIdentifiant": "SIRET", "id": f.siret, "denominationSociale": f.name })
            })
            .collect();
        let lot = self.rng.random_range(1..=12);
        let mut record = json!({
            "id": format!("{year}G{n:09}00"),
            "acheteur": { "id": buyer_siret, "nom": buyer_name },
            "nature": self.natures.draw(&mut self.rng),
            "objet": format!("{label} — {place_name} — lot {lot}"),
            "codeCPV": cpv,
            "procedure": self.procedures.draw(&mut self.rng),
            "lieuExecution": { "code": place_code, "typeCode": "Code commune", "nom": place_name },
            "dureeMois": self.durations.draw(&mut self.rng),
            "dateNotification": notified.to_string(),
            "datePublicationDonnees": published.to_string(),
            "montant": amount,
            "formePrix": if self.rng.random_bool(0.6) { "Ferme" } else { "Révisable" },
            "titulaires": titulaires,
            "modifications": [],
        });
        if self.rng.random_bool(0.6) {
            record["offresRecues"] = json!(1 + (self.normal().abs() * 3.0) as u32);
        }
        if self.rng.random_bool(0.05) {
            let signed = published + chrono::Days::new(self.rng.random_range(30..400));
            record["modifications"] = json!([{
                "objetModification": "Avenant n°1",
                "dateNotificationModification": signed.to_string(),
                "datePublicationDonneesModification": signed.to_string(),
                "montant": (amount * 1.1 * 100.0).round() / 100.0,
            }]);
        }
        record
    }

    /// Writes `count` records as one DECP JSON 2019 file.
    pub fn write(
        &mut self,
        count: u64,
        out: &mut impl Write,
        progress: impl Fn(u64),
    ) -> anyhow::Result<()> {
        out.write_all(b"{\"marches\":[\n")?;
        for n in 0..count {
            if n > 0 {
                out.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut *out, &self.record(n))?;
            if n % 10_000 == 0 {
                progress(n);
            }
        }
        out.write_all(b"\n]}\n")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_file_and_another_seed_another() {
        let file = |seed| {
            let mut out = Vec::new();
            Generator::new(seed, 1_000)
                .unwrap()
                .write(200, &mut out, |_| ())
                .unwrap();
            out
        };
        assert_eq!(file(7), file(7));
        assert_ne!(file(7), file(8));
    }

    #[test]
    fn records_follow_the_real_laws() {
        let mut g = Generator::new(1, 20_000).unwrap();
        let records: Vec<Value> = (0..20_000).map(|n| g.record(n)).collect();
        let works = records
            .iter()
            .filter(|r| r["codeCPV"].as_str().unwrap().starts_with("45"))
            .count();
        assert!((6_000..8_000).contains(&works), "{works}");
        let mut amounts: Vec<f64> = records
            .iter()
            .map(|r| r["montant"].as_f64().unwrap())
            .collect();
        amounts.sort_by(f64::total_cmp);
        let median = amounts[amounts.len() / 2];
        assert!((40_000.0..90_000.0).contains(&median), "{median}");
        let ids: std::collections::HashSet<&str> =
            records.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), records.len(), "ids are unique");
        assert!(records
            .iter()
            .all(
                |r| app::domain::siret::Siret::parse(r["acheteur"]["id"].as_str().unwrap()).is_ok()
            ));
    }
}
