//! The dashboards on a handful of facts written out by hand.

use super::dashboard::*;
use super::facts::*;
use super::trades;

fn fact(year: u16, cpv: &str, amount_euros: i64, offers: u8, buyer: u32) -> Fact {
    Fact {
        amount_cents: amount_euros * 100,
        buyer,
        awardees_from: 0,
        year,
        place: NO_PLACE,
        trade: trades::of_cpv(cpv) as u8,
        division: cpv[..2].parse().unwrap(),
        procedure: 0,
        offers,
        flags: 0,
        awardees: 0,
    }
}

/// Five contracts of two buyers; the third has two awardees (Métropole, elsewhere), the first
/// one in the Rhône, the others none.
fn sample() -> Facts {
    let mut contracts = vec![
        fact(2023, "45421100", 100_000, 1, 0),
        fact(2023, "45421000", 50_000, 3, 0),
        fact(2024, "45330000", 80_000, 2, 1),
        fact(2024, "15811000", 20_000, 0, 1),
        fact(2024, "45421000", 30_000, 1, 1),
    ];
    contracts[0].awardees = 1;
    contracts[0].awardees_from = 0;
    contracts[2].awardees = 2;
    contracts[2].awardees_from = 1;
    contracts[2].place = 0;
    contracts[3].amount_cents = -1;
    contracts[3].flags = SOCIAL_STATED | SOCIAL_ANY | RESERVED | ENV_STATED;
    contracts[4].flags = SOCIAL_STATED | ENV_STATED | ENV_ANY | ALLOTTED;
    Facts {
        contracts,
        awardees: vec![
            AwardeeFact {
                zone: Zone::Rhone,
                place: 1,
                firm: NO_FIRM,
            },
            AwardeeFact {
                zone: Zone::Metropole,
                place: 0,
                firm: NO_FIRM,
            },
            AwardeeFact {
                zone: Zone::Elsewhere,
                place: NO_PLACE,
                firm: NO_FIRM,
            },
        ],
        buyers: vec![
            ("21690123100011".into(), "Ville de Lyon".into()),
            ("21690256900013".into(), "Ville de Vaulx-en-Velin".into()),
        ],
        places: vec!["69266".into(), "69D".into()],
        firms: vec![],
    }
}

#[test]
fn spend_adds_up_by_year_trade_and_buyer() {
    let d = compute(&sample(), &Filters::default(), false, true);
    assert_eq!(d.total.count, 5);
    assert_eq!(d.total.with_amount, 4);
    assert_eq!(d.total.amount_cents, 260_000 * 100);
    let years: Vec<_> = d
        .by_year
        .iter()
        .map(|s| (s.key.as_str(), s.count, s.amount_cents))
        .collect();
    assert_eq!(
        years,
        vec![("2023", 2, 150_000 * 100), ("2024", 3, 110_000 * 100)]
    );
    assert_eq!(d.by_trade[0].key, "menuiserie");
    assert_eq!(d.by_trade[0].count, 3);
    assert_eq!(d.by_trade[0].amount_cents, 180_000 * 100);
    assert_eq!(d.by_trade[0].label, "Menuiserie, serrurerie, vitrerie");
    assert_eq!(d.by_division[0].key, "45");
    assert_eq!(d.by_buyer[0].label, "Ville de Lyon");
    assert_eq!(d.by_buyer[0].amount_cents, 150_000 * 100);
    assert!(compute(&sample(), &Filters::default(), false, false)
        .by_buyer
        .is_empty());
}

#[test]
fn competition_counts_only_contracts_that_state_their_offers() {
    let d = compute(&sample(), &Filters::default(), false, false);
    let joinery = d
        .competition_by_trade
        .iter()
        .find(|c| c.key == "menuiserie")
        .unwrap();
    // Offers 1, 3, 1: median 1, two single bids out of three.
    assert_eq!(joinery.with_offers, 3);
    assert_eq!(joinery.median_offers, Some(1.0));
    assert_eq!(joinery.single_bid, 2);
    let food = d
        .competition_by_trade
        .iter()
        .find(|c| c.key == "alimentation")
        .unwrap();
    assert_eq!((food.with_offers, food.median_offers), (0, None));
    let y2024 = d
        .competition_by_year
        .iter()
        .find(|c| c.key == "2024")
        .unwrap();
    // Offers 2 and 1 (the third does not say): median 1.5.
    assert_eq!(y2024.median_offers, Some(1.5));
    assert_eq!(y2024.single_bid_pct(), Some(50.0));
    // Offers 1, 3, 2, 1 over all: median 1.5, two single bids of four.
    assert_eq!(d.competition_total.median_offers, Some(1.5));
    assert_eq!(d.competition_total.single_bid_pct(), Some(50.0));
    // The least competed trade comes first.
    assert_eq!(d.competition_by_trade[0].key, "menuiserie");
}

#[test]
fn levers_and_local_share() {
    let d = compute(&sample(), &Filters::default(), false, false);
    let l = &d.levers_total;
    assert_eq!(
        (l.count, l.social_stated, l.social, l.reserved),
        (5, 2, 1, 1)
    );
    assert_eq!((l.env_stated, l.env, l.allotted), (2, 1, 1));
    let zone = |z: Zone| d.local.iter().find(|s| s.zone == z).unwrap().clone();
    assert_eq!(zone(Zone::Rhone).awards, 1);
    assert_eq!(zone(Zone::Rhone).amount_cents, 100_000 * 100);
    // 80 000 € split between the two co-awardees.
    assert_eq!(zone(Zone::Metropole).amount_cents, 40_000 * 100);
    assert_eq!(zone(Zone::Elsewhere).amount_cents, 40_000 * 100);
    assert_eq!(zone(Zone::Unknown).awards, 0);
    let villeurbanne = &d.map[0];
    assert_eq!(
        (
            villeurbanne.code.as_str(),
            villeurbanne.executed,
            villeurbanne.won
        ),
        ("69266", 1, 1)
    );
    assert_eq!((d.map[1].executed, d.map[1].won), (0, 1));
}

#[test]
fn filters_select_and_round_trip_through_the_url() {
    let f = Filters::from_query(
        "de=2024&metier=menuiserie&acheteur=216+901+231+00011&procedure=nope&division=4",
    );
    assert_eq!(f.from, Some(2024));
    assert_eq!(f.trade.as_deref(), Some("menuiserie"));
    assert_eq!(f.buyer.as_deref(), Some("21690123100011"));
    assert_eq!((f.procedure.clone(), f.division.clone()), (None, None));
    assert_eq!(Filters::from_query(&f.to_query()), f);
    let d = compute(&sample(), &f, false, false);
    assert_eq!(
        d.total.count, 0,
        "the 2024 joinery contract is Vaulx-en-Velin's"
    );
    let f = Filters::from_query("de=2024&metier=menuiserie");
    assert_eq!(compute(&sample(), &f, false, false).total.count, 1);
    let f = Filters::from_query("acheteur=11111111111111");
    assert_eq!(
        compute(&sample(), &f, false, false).total.count,
        0,
        "an unknown buyer selects nothing"
    );
    assert!(Filters::from_query("de=1850&metier=astrologie").is_empty());
}

#[test]
fn medians_from_counts() {
    assert_eq!(median_of_counts(&[]), None);
    assert_eq!(median_of_counts(&[0, 0, 0]), None);
    assert_eq!(median_of_counts(&[0, 1]), Some(1.0));
    assert_eq!(median_of_counts(&[0, 1, 1]), Some(1.5));
    assert_eq!(median_of_counts(&[0, 2, 0, 1]), Some(1.0));
    // The reference implementation on the same values.
    let mut v = vec![1, 1, 3, 4, 4, 4, 9];
    let mut counts = vec![0u64; 10];
    for x in &v {
        counts[*x as usize] += 1;
    }
    assert_eq!(
        median_of_counts(&counts),
        crate::domain::contracts::median(&mut v)
    );
}

#[test]
fn the_home_local_share_is_the_rhone_s_part_of_the_amount_metropole_included() {
    use super::dashboard::{rhone_share, LocalShare};
    let share = |zone, amount_cents| LocalShare {
        zone,
        awards: 1,
        amount_cents,
    };
    let local = [
        share(Zone::Metropole, 100),
        share(Zone::Rhone, 50),
        share(Zone::Dept69, 50),
        share(Zone::Region, 300),
        share(Zone::Unknown, 500),
    ];
    assert_eq!(rhone_share(&local), Some(20.0));
    assert_eq!(rhone_share(&[share(Zone::Unknown, 0)]), None);
    assert_eq!(rhone_share(&[]), None);
}
