//! What the home page shows: the territory's key figures, what is coming (meetings, planned
//! procurements, new offers) and, signed in, the person's own work waiting.

use serde::{Deserialize, Serialize};

/// The territory in numbers, each a link into its list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub businesses: u64,
    pub offers: u64,
    pub plans: u64,
    pub contracts: u64,
    /// Share of the amount awarded that went to firms of the Rhône (Métropole included), in
    /// percent; None without contracts.
    pub local_share: Option<f64>,
}

/// One line of a home list: what, a detail (a date, a buyer, a firm), where it leads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub title: String,
    pub detail: String,
    pub url: String,
}

/// The public part of the home page (the same for everyone: cached a little while).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Public {
    pub figures: Figures,
    pub meetings: Vec<Item>,
    pub plans: Vec<Item>,
    pub offers: Vec<Item>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Home {
    pub public: Public,
    /// Signed in: the person's name and waiting work (already in their language).
    pub name: Option<String>,
    pub todos: Vec<Item>,
}

/// How many lines each home list shows.
pub const SHOWN: usize = 5;

/// A share in percent, rounded to a whole number for the home page ("47 %").
pub fn percent_label(share: Option<f64>) -> String {
    match share {
        Some(p) => format!("{} %", p.round() as i64),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_reads_as_a_whole_percent_or_a_dash() {
        assert_eq!(percent_label(Some(47.4)), "47 %");
        assert_eq!(percent_label(Some(99.6)), "100 %");
        assert_eq!(percent_label(None), "—");
    }
}
