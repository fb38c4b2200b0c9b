//! The trades of the demo's fictitious businesses: what a firm of each trade is called, where it
//! stands, what it offers (real CPV codes, texts written like real offers) and how often its
//! offers carry the levers' facts. Kept as data: the generator only draws from it.

use crate::domain::offer::OfferKind;

/// One offer a firm of the trade may publish.
pub struct OfferTpl {
    pub title: &'static str,
    /// Real CPV 2008 codes (8 digits, no check digit), the first being the main one.
    pub cpv: &'static [&'static str],
    pub kind: OfferKind,
    pub text: &'static str,
    /// Indicative price: unit and cents.
    pub price: Option<(&'static str, i64)>,
    /// A food product's season, first and last month (November to February runs across the
    /// new year); none: all year.
    pub season: Option<(u32, u32)>,
}

impl OfferTpl {
    /// The same offer, available from month `first` to month `last`.
    const fn seasonal(self, first: u32, last: u32) -> Self {
        OfferTpl {
            season: Some((first, last)),
            ..self
        }
    }
}

/// What the offers of a trade say about the levers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Facts {
    /// Food: short circuit (producer, intermediaries, delivery radius).
    Food,
    /// Durable goods and works: life cycle (life, repairability, spare parts, recycled share).
    Durable,
    /// Services: none but labels and CO2.
    Service,
}

pub struct Trade {
    /// The analytics trade this one counts in (domain::analytics::trades).
    pub analytics: &'static str,
    pub firms: usize,
    /// Firm names start with one of these.
    pub stems: &'static [&'static str],
    pub naf: &'static str,
    /// SIAE, ESAT or EA: every firm of the trade is one.
    pub inclusive: Option<&'static str>,
    pub sizes: &'static [&'static str],
    /// Declared capacity range (euros excl. VAT a year).
    pub capacity: (i64, i64),
    pub pitch: &'static str,
    /// Share of the firms placed around the Métropole rather than in it.
    pub around: f64,
    pub facts: Facts,
    /// Labels of the offers (`domain::offer::LABELS` codes) and how often each is held.
    pub labels: &'static [(&'static str, f64)],
    pub offers: &'static [OfferTpl],
}

const fn o(
    title: &'static str,
    cpv: &'static [&'static str],
    kind: OfferKind,
    text: &'static str,
) -> OfferTpl {
    OfferTpl {
        title,
        cpv,
        kind,
        text,
        price: None,
        season: None,
    }
}

const fn priced(
    title: &'static str,
    cpv: &'static [&'static str],
    text: &'static str,
    unit: &'static str,
    cents: i64,
) -> OfferTpl {
    OfferTpl {
        title,
        cpv,
        kind: OfferKind::Supply,
        text,
        price: Some((unit, cents)),
        season: None,
    }
}

use OfferKind::{Service, Supply, Works};

pub const TRADES: &[Trade] = &[
    Trade {
        analytics: "menuiserie",
        firms: 12,
        stems: &["Menuiserie", "Atelier bois", "Ébénisterie"],
        naf: "43.32A",
        inclusive: None,
        sizes: &["micro", "micro", "small"],
        capacity: (80_000, 600_000),
        pitch: "Menuiserie bois et aluminium, fabrication en atelier et pose sur chantier occupé.",
        around: 0.35,
        facts: Facts::Durable,
        labels: &[("qualibat", 0.4), ("rge", 0.3)],
        offers: &[
            o("Mobilier scolaire en bois massif, réparable", &["39160000"], Supply, "Tables, chaises et rangements fabriqués en atelier en chêne et hêtre de forêts gérées durablement. Pièces détachées tenues en stock dix ans ; plateaux remplaçables."),
            o("Remplacement de fenêtres dans les bâtiments publics", &["45421100", "45421000"], Works, "Dépose et pose de menuiseries extérieures bois ou bois-aluminium en site occupé, par tranches pendant les vacances scolaires. Étude thermique fournie."),
            o("Agencement intérieur sur mesure", &["45421000", "39130000"], Works, "Banques d'accueil, bibliothèques, placards et habillages muraux dessinés et fabriqués à la demande, posés par notre équipe."),
            o("Portes coupe-feu et blocs-portes", &["45421100"], Works, "Fourniture et pose de blocs-portes coupe-feu certifiés, avec procès-verbaux de classement et maintenance annuelle."),
            o("Cloisons amovibles et cuisines de restauration", &["45421152", "45421151"], Works, "Cloisons démontables et réemployables ; cuisines équipées pour offices et salles de pause."),
        ],
    },
    Trade {
        analytics: "electricite",
        firms: 12,
        stems: &["Électricité", "Elec", "Courants"],
        naf: "43.21A",
        inclusive: None,
        sizes: &["micro", "small", "small", "medium"],
        capacity: (150_000, 2_000_000),
        pitch: "Électricité générale, courants faibles et éclairage, équipe habilitée pour les établissements recevant du public.",
        around: 0.3,
        facts: Facts::Durable,
        labels: &[("qualibat", 0.5), ("rge", 0.4)],
        offers: &[
            o("Rénovation électrique d'écoles et de gymnases", &["45311000", "45310000"], Works, "Mise aux normes des tableaux, remplacement des circuits et de l'éclairage par des luminaires LED pilotés. Travaux en site occupé ou pendant les congés."),
            o("Éclairage public LED et maintenance", &["31527200", "45316000"], Works, "Remplacement de lanternes, abaissement de puissance la nuit, cartographie du parc et maintenance préventive."),
            o("Bornes de recharge pour véhicules de service", &["45317000", "45317300"], Works, "Étude, fourniture et pose de bornes de recharge pour les flottes des collectivités, supervision comprise."),
            o("Maintenance des installations électriques des bâtiments", &["50710000"], Service, "Contrat d'entretien préventif et curatif, astreinte 24 h/24, rapports de vérification."),
        ],
    },
    Trade {
        analytics: "plomberie",
        firms: 11,
        stems: &["Plomberie", "Thermique", "Chauffage"],
        naf: "43.22A",
        inclusive: None,
        sizes: &["micro", "small", "small"],
        capacity: (100_000, 1_200_000),
        pitch: "Plomberie, chauffage et ventilation ; entretien des chaufferies collectives.",
        around: 0.35,
        facts: Facts::Durable,
        labels: &[("rge", 0.5), ("qualibat", 0.4)],
        offers: &[
            o("Rénovation de sanitaires d'écoles", &["45330000", "45332000"], Works, "Sanitaires adaptés aux enfants et accessibles, robinetterie temporisée et économe en eau."),
            o("Remplacement de chaudières par des pompes à chaleur", &["45331000", "45331100"], Works, "Étude de dimensionnement, dépose des anciennes chaudières, pose et mise en service de pompes à chaleur ; suivi des consommations la première année."),
            o("Entretien des chaufferies et de la ventilation", &["50700000"], Service, "Contrat d'exploitation des chaufferies et VMC des bâtiments publics, astreinte l'hiver."),
            o("Panneaux solaires thermiques pour l'eau chaude", &["09331000", "45331000"], Works, "Production d'eau chaude sanitaire solaire pour cuisines centrales, gymnases et piscines."),
        ],
    },
    Trade {
        analytics: "peinture",
        firms: 9,
        stems: &["Peinture", "Décors", "Couleurs"],
        naf: "43.34Z",
        inclusive: None,
        sizes: &["micro", "micro", "small"],
        capacity: (60_000, 500_000),
        pitch: "Peinture intérieure et extérieure, revêtements muraux, ravalement.",
        around: 0.3,
        facts: Facts::Durable,
        labels: &[("qualibat", 0.4), ("ecolabel_eu", 0.3)],
        offers: &[
            o("Peinture des classes pendant les vacances scolaires", &["45442110", "45442100"], Works, "Peintures écolabellisées sans solvant, chantiers programmés sur les congés, protection du mobilier."),
            o("Ravalement de façades", &["45443000"], Works, "Nettoyage, traitement et mise en peinture des façades ; échafaudages et sécurité des abords."),
            o("Revêtements de sols souples", &["45432100"], Works, "Pose de linoléum et de sols PVC recyclables dans les écoles et les crèches."),
        ],
    },
    Trade {
        analytics: "gros_oeuvre",
        firms: 10,
        stems: &["Maçonnerie", "Bâtiment", "Construction"],
        naf: "43.99C",
        inclusive: None,
        sizes: &["micro", "small", "small", "medium"],
        capacity: (200_000, 3_000_000),
        pitch: "Maçonnerie générale, gros œuvre et rénovation du bâti ancien.",
        around: 0.4,
        facts: Facts::Durable,
        labels: &[("qualibat", 0.6)],
        offers: &[
            o("Maçonnerie et gros œuvre pour extensions d'écoles", &["45262500", "45262300"], Works, "Fondations, élévations et dalles ; béton bas carbone sur demande."),
            o("Rénovation du bâti ancien en pierre", &["45453000", "45262520"], Works, "Reprise de murs en pisé et en pierre dorée, enduits à la chaux."),
            o("Démolition sélective et réemploi des matériaux", &["45111100"], Works, "Curage et démolition avec tri à la source ; diagnostic ressources et revente des matériaux réemployables."),
            o("Isolation thermique par l'extérieur", &["45321000"], Works, "Isolation en fibre de bois et enduit, pour la rénovation énergétique des bâtiments publics."),
        ],
    },
    Trade {
        analytics: "charpente_couverture",
        firms: 6,
        stems: &["Charpente", "Toitures", "Couverture"],
        naf: "43.91B",
        inclusive: None,
        sizes: &["micro", "small"],
        capacity: (100_000, 900_000),
        pitch: "Charpente bois, couverture tuiles et zinc, étanchéité.",
        around: 0.5,
        facts: Facts::Durable,
        labels: &[("qualibat", 0.6), ("rge", 0.3)],
        offers: &[
            o("Réfection de toitures de bâtiments communaux", &["45261210", "45261000"], Works, "Dépose et repose de tuiles, reprise de charpente, zinguerie et isolation des combles."),
            o("Entretien et réparation de toitures", &["45261900"], Works, "Visites annuelles, démoussage, remplacement de tuiles et de gouttières."),
        ],
    },
    Trade {
        analytics: "agriculture",
        firms: 14,
        stems: &["Ferme", "Les Jardins", "Maraîchers", "Vergers"],
        naf: "01.13Z",
        inclusive: None,
        sizes: &["micro", "micro", "small"],
        capacity: (20_000, 250_000),
        pitch: "Exploitation agricole des monts du Lyonnais et de la plaine de l'Ain, vente directe aux cantines.",
        around: 0.8,
        facts: Facts::Food,
        labels: &[("ab", 0.45), ("hve", 0.25), ("fermier", 0.2)],
        offers: &[
            priced("Légumes de saison pour la restauration scolaire", &["03221000", "15331100"], "Carottes, poireaux, courges, salades selon la saison ; légumes lavés sur demande. Livraison deux fois par semaine à la cuisine centrale.", "kg", 240).seasonal(9, 4),
            priced("Pommes et poires de nos vergers", &["03222000"], "Fruits calibrés pour les goûters et les desserts, de septembre à avril, en caisses consignées.", "kg", 220).seasonal(9, 4),
            priced("Pommes de terre de plein champ", &["03212100"], "Variétés à chair ferme et farineuse, stockées à la ferme et livrées tout l'hiver.", "kg", 110).seasonal(8, 3),
            priced("Œufs de poules élevées en plein air", &["03142500"], "Œufs extra-frais, calibre moyen, livrés en plateaux de trente.", "pièce", 32),
            priced("Légumes prêts à cuisiner (légumerie)", &["15331100", "15330000"], "Légumes épluchés et coupés dans notre légumerie partagée, prêts pour les cuisines sans légumerie.", "kg", 390),
        ],
    },
    Trade {
        analytics: "alimentation",
        firms: 6,
        stems: &["Fromagerie", "Laiterie", "GAEC"],
        naf: "10.51C",
        inclusive: None,
        sizes: &["micro", "small"],
        capacity: (30_000, 300_000),
        pitch: "Lait de nos vaches transformé à la ferme : yaourts, fromages blancs, tommes.",
        around: 0.9,
        facts: Facts::Food,
        labels: &[("ab", 0.4), ("aop", 0.2), ("label_rouge", 0.1), ("fermier", 0.5)],
        offers: &[
            priced("Yaourts fermiers nature et aux fruits", &["15551300"], "Yaourts au lait entier en pots de 125 g, consignés ; livraison hebdomadaire en camion frigorifique.", "pièce", 38),
            priced("Lait cru et lait pasteurisé", &["15511000"], "Lait de notre troupeau, en bidons pour les cuisines centrales.", "litre", 120),
            priced("Fromages à pâte pressée de la ferme", &["15544000"], "Tommes et fromages affinés trois mois en cave, portionnés pour la restauration collective.", "kg", 1650),
        ],
    },
    Trade {
        analytics: "alimentation",
        firms: 6,
        stems: &["Boulangerie", "Fournil", "Moulin"],
        naf: "10.71C",
        inclusive: None,
        sizes: &["micro", "small"],
        capacity: (40_000, 400_000),
        pitch: "Pain au levain de farines locales, livré chaque matin.",
        around: 0.5,
        facts: Facts::Food,
        labels: &[("ab", 0.35)],
        offers: &[
            priced("Pain bio au levain pour les cantines", &["15811100", "15811000"], "Pain de farines de blés anciens moulues à la meule dans la Dombes ; livraison avant 7 h, tranché sur demande.", "kg", 480),
            priced("Viennoiseries et gâteaux pour les goûters", &["15612500", "15842000"], "Gâteaux de voyage, brioches et biscuits sans additifs, pour les accueils de loisirs.", "pièce", 90),
        ],
    },
    Trade {
        analytics: "alimentation",
        firms: 8,
        stems: &["Traiteur", "Cuisine", "Saveurs"],
        naf: "56.21Z",
        inclusive: None,
        sizes: &["small", "small", "medium"],
        capacity: (150_000, 2_500_000),
        pitch: "Cuisine de produits frais et locaux pour la restauration collective et les événements publics.",
        around: 0.3,
        facts: Facts::Food,
        labels: &[("ab", 0.2), ("esus", 0.1)],
        offers: &[
            priced("Repas en liaison froide pour écoles et crèches", &["55523100", "15894200"], "Menus de saison validés par une diététicienne, 40 % de produits bio et locaux, contenants réemployables.", "portion", 420),
            o("Service traiteur pour les événements municipaux", &["55524000", "55321000"], Service, "Buffets et cocktails de produits locaux, vaisselle lavable, dons des restes à une association."),
            priced("Portage de repas pour les personnes âgées", &["55321000"], "Repas livrés à domicile en barquettes compostables, régimes adaptés.", "portion", 780),
        ],
    },
    Trade {
        analytics: "nettoyage",
        firms: 9,
        stems: &["Propreté", "Net", "Services"],
        naf: "81.21Z",
        inclusive: None,
        sizes: &["small", "medium", "medium"],
        capacity: (150_000, 3_000_000),
        pitch: "Nettoyage de locaux et de bâtiments publics, produits écolabellisés, horaires de journée.",
        around: 0.2,
        facts: Facts::Service,
        labels: &[("ecolabel_eu", 0.5)],
        offers: &[
            o("Nettoyage de bureaux et de bâtiments administratifs", &["90919200", "90911200"], Service, "Nettoyage en journée pour des équipes qui se connaissent, produits écolabellisés et microfibres."),
            o("Nettoyage des écoles et des crèches", &["90911200"], Service, "Protocoles adaptés aux jeunes enfants, équipes formées, remplacements garantis."),
            o("Nettoyage de vitres et remise en état après travaux", &["90910000"], Service, "Vitrerie en hauteur, nettoyage de fin de chantier."),
        ],
    },
    Trade {
        analytics: "espaces_verts",
        firms: 10,
        stems: &["Paysages", "Jardins", "Espaces verts"],
        naf: "81.30Z",
        inclusive: None,
        sizes: &["micro", "small", "small"],
        capacity: (80_000, 900_000),
        pitch: "Création et entretien d'espaces verts sans pesticides, gestion différenciée.",
        around: 0.4,
        facts: Facts::Service,
        labels: &[("ecolabel_eu", 0.1)],
        offers: &[
            o("Entretien différencié des parcs et jardins", &["77313000", "77311000"], Service, "Tonte raisonnée, fauche tardive, paillage et zéro produit phytosanitaire."),
            o("Aménagement paysager de cours d'écoles", &["45112710"], Works, "Débitumisation, plantations d'arbres et de haies, jardins pédagogiques."),
            o("Élagage et abattage d'arbres", &["77211400"], Service, "Grimpeurs-élagueurs certifiés, broyage et valorisation des branches sur place."),
            priced("Plants et arbres de pépinière locale", &["03451000"], "Arbres et arbustes d'essences locales élevés en pleine terre dans l'Ain.", "pièce", 2500),
        ],
    },
    Trade {
        analytics: "informatique",
        firms: 8,
        stems: &["Numérique", "Logiciels", "Data"],
        naf: "62.01Z",
        inclusive: None,
        sizes: &["micro", "small", "small"],
        capacity: (100_000, 1_500_000),
        pitch: "Développement de services numériques publics, logiciels libres, hébergement en France.",
        around: 0.1,
        facts: Facts::Service,
        labels: &[("esus", 0.1)],
        offers: &[
            o("Développement d'applications métier sur mesure", &["72212000"], Service, "Applications web accessibles (RGAA), code publié sous licence libre, maintenance évolutive."),
            o("Sites internet accessibles pour les communes", &["72413000"], Service, "Sites conformes au RGAA, sobres et rapides, formation des agents à la mise à jour."),
            o("Reconditionnement et maintenance de postes informatiques", &["72000000"], Service, "Ordinateurs reconditionnés garantis trois ans, reprise et effacement certifié des anciens postes."),
        ],
    },
    Trade {
        analytics: "ingenierie",
        firms: 6,
        stems: &["Bureau d'études", "Ingénierie", "Atelier d'architecture"],
        naf: "71.12B",
        inclusive: None,
        sizes: &["micro", "small"],
        capacity: (60_000, 800_000),
        pitch: "Maîtrise d'œuvre, études thermiques et accompagnement à la rénovation énergétique.",
        around: 0.2,
        facts: Facts::Service,
        labels: &[],
        offers: &[
            o("Audits énergétiques des bâtiments publics", &["71314300", "71314310"], Service, "Audits conformes au décret tertiaire, plans d'actions chiffrés et suivi des consommations."),
            o("Maîtrise d'œuvre de réhabilitation", &["71221000", "71000000"], Service, "Conception et suivi de chantiers de rénovation, matériaux biosourcés et réemploi."),
        ],
    },
    Trade {
        analytics: "conseil",
        firms: 5,
        stems: &["Conseil", "Coopérative", "Études"],
        naf: "70.22Z",
        inclusive: None,
        sizes: &["micro", "small"],
        capacity: (40_000, 400_000),
        pitch: "Conseil aux collectivités : achats responsables, concertation, évaluation.",
        around: 0.1,
        facts: Facts::Service,
        labels: &[("esus", 0.3)],
        offers: &[
            o("Accompagnement à la politique d'achats responsables", &["79411000", "79400000"], Service, "Diagnostic des achats, schéma de promotion des achats socialement et écologiquement responsables (SPASER), formation des acheteurs."),
            o("Conseil en environnement et bilan carbone", &["90713000"], Service, "Bilans d'émissions de gaz à effet de serre et plans de transition pour les services publics."),
        ],
    },
    Trade {
        analytics: "imprimerie",
        firms: 4,
        stems: &["Imprimerie", "Atelier graphique"],
        naf: "18.12Z",
        inclusive: None,
        sizes: &["micro", "small"],
        capacity: (50_000, 500_000),
        pitch: "Impression sur papiers recyclés, encres végétales, façonnage.",
        around: 0.3,
        facts: Facts::Durable,
        labels: &[("nf_environnement", 0.3), ("ecolabel_eu", 0.3)],
        offers: &[
            o("Impression de magazines municipaux", &["79810000"], Service, "Impression offset et numérique sur papier recyclé, distribution possible."),
            o("Signalétique et affiches", &["79800000"], Service, "Panneaux, bâches et affiches, supports réemployables."),
        ],
    },
    Trade {
        analytics: "transport",
        firms: 4,
        stems: &["Coursiers", "Logistique", "Vélo-cargo"],
        naf: "53.20Z",
        inclusive: None,
        sizes: &["micro", "small"],
        capacity: (40_000, 300_000),
        pitch: "Livraisons du dernier kilomètre en vélo-cargo dans la Métropole.",
        around: 0.0,
        facts: Facts::Service,
        labels: &[("esus", 0.3)],
        offers: &[
            o("Livraison de colis et de courrier en vélo-cargo", &["64121100", "60161000"], Service, "Tournées quotidiennes entre services municipaux, sans émission, suivi en ligne."),
            o("Livraison des repas des cuisines centrales", &["60100000"], Service, "Véhicules frigorifiques électriques et vélos-cargos isothermes."),
        ],
    },
    // Inclusive structures: insertion (SIAE), sheltered work (ESAT) and adapted firms (EA).
    Trade {
        analytics: "espaces_verts",
        firms: 5,
        stems: &["Chantier d'insertion", "Régie de quartier", "Jardins solidaires"],
        naf: "81.30Z",
        inclusive: Some("siae"),
        sizes: &["small"],
        capacity: (50_000, 500_000),
        pitch: "Structure d'insertion par l'activité économique : des personnes éloignées de l'emploi se forment en travaillant.",
        around: 0.4,
        facts: Facts::Service,
        labels: &[("esus", 0.8)],
        offers: &[
            o("Entretien d'espaces verts par un chantier d'insertion", &["77313000", "77312000"], Service, "Équipes encadrées par des moniteurs techniques ; heures d'insertion comptabilisées pour la clause sociale."),
            priced("Paniers de légumes bio d'un jardin d'insertion", &["03221000"], "Légumes bio cultivés par des salariés en parcours d'insertion, livrés aux restaurants administratifs.", "kg", 260),
            o("Nettoyage de quartiers et petits travaux", &["90910000", "45453000"], Service, "Propreté urbaine, petits travaux de second œuvre, médiation de proximité."),
        ],
    },
    Trade {
        analytics: "nettoyage",
        firms: 4,
        stems: &["ESAT", "Atelier protégé"],
        naf: "88.10C",
        inclusive: Some("esat"),
        sizes: &["small", "medium"],
        capacity: (80_000, 700_000),
        pitch: "Établissement et service d'aide par le travail : des travailleurs handicapés accompagnés.",
        around: 0.5,
        facts: Facts::Service,
        labels: &[("esus", 0.6)],
        offers: &[
            o("Blanchisserie du linge des crèches et des EHPAD", &["98310000"], Service, "Collecte, lavage et livraison du linge ; marché réservable aux ESAT et EA (article L2113-12)."),
            o("Mise sous pli et routage", &["79800000", "64121100"], Service, "Mise sous pli, étiquetage et affranchissement des envois des collectivités."),
            o("Entretien des espaces verts par une équipe ESAT", &["77311000"], Service, "Tonte, taille et désherbage manuel, encadrement par des moniteurs."),
        ],
    },
    Trade {
        analytics: "dechets",
        firms: 3,
        stems: &["Entreprise adaptée", "Recyclerie"],
        naf: "38.32Z",
        inclusive: Some("ea"),
        sizes: &["small", "medium"],
        capacity: (80_000, 900_000),
        pitch: "Entreprise adaptée : au moins 55 % de salariés en situation de handicap.",
        around: 0.3,
        facts: Facts::Service,
        labels: &[("esus", 0.5)],
        offers: &[
            o("Collecte et recyclage des papiers de bureau", &["90511000", "90510000"], Service, "Bacs de tri, collecte régulière, certificat de destruction et de recyclage."),
            o("Réemploi de mobilier de bureau", &["39130000"], Supply, "Mobilier de bureau collecté, remis en état et revendu aux services publics."),
        ],
    },
];

/// Surnames for the firms' names (they are fictitious; each name says so).
pub const SURNAMES: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
    "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "Chabert",
    "Perrin", "Brun", "Guillot", "Chapuis", "Berthet", "Ferrand", "Gauthier", "Rey", "Vial",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trades_offer_enough_and_count_in_the_analytics_trades() {
        let firms: usize = TRADES.iter().map(|t| t.firms).sum();
        assert!(firms >= 150, "{firms} firms");
        for t in TRADES {
            assert!(
                crate::domain::analytics::trades::index_of(t.analytics).is_some(),
                "{}",
                t.analytics
            );
            assert!(t.offers.len() >= 2, "{} offers only one thing", t.stems[0]);
            for offer in t.offers {
                assert!(!offer.cpv.is_empty());
                for code in offer.cpv {
                    assert!(
                        code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()),
                        "{code}"
                    );
                }
            }
            for (label, _) in t.labels {
                assert!(crate::domain::offer::label_name(label).is_some(), "{label}");
            }
        }
    }
}
