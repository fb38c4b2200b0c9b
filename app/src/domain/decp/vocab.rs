//! The vocabularies of DECP, mapped across the 2019 and 2022 formats and the spellings found in
//! real files onto one set of codes (stored as strings, portable across databases).

use super::values::vocabulary_key;
use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

vocabulary! {
    /// Marché public or contrat de concession.
    ContractKind { Marche => "marche", Concession => "concession" }
}

vocabulary! {
    /// Award procedures. 2019 and 2022 names for the same procedure share a code.
    Procedure {
        Adaptee => "adaptee",
        AppelOffresOuvert => "ao_ouvert",
        AppelOffresRestreint => "ao_restreint",
        AvecNegociation => "negociation",
        SansPublicite => "sans_publicite",
        DialogueCompetitif => "dialogue",
        ConcessionNegocieeOuverte => "conc_negociee_ouverte",
        ConcessionNonNegocieeOuverte => "conc_non_negociee_ouverte",
        ConcessionNegocieeRestreinte => "conc_negociee_restreinte",
        ConcessionNonNegocieeRestreinte => "conc_non_negociee_restreinte",
    }
}

impl Procedure {
    /// Recognises a published procedure name, whatever its format, case and accents.
    pub fn parse(published: &str) -> Option<Procedure> {
        use Procedure::*;
        Some(match vocabulary_key(published).as_str() {
            "procedure adaptee" | "mapa" => Adaptee,
            "appel d offres ouvert" => AppelOffresOuvert,
            "appel d offres restreint" => AppelOffresRestreint,
            // 2019 wording, 2016 wording, 2022 wording.
            "procedure concurrentielle avec negociation"
            | "procedure negociee avec mise en concurrence prealable"
            | "procedure avec negociation" => AvecNegociation,
            "marche negocie sans publicite ni mise en concurrence prealable"
            | "marche public negocie sans publicite ni mise en concurrence prealable"
            | "marche passe sans publicite ni mise en concurrence prealable" => SansPublicite,
            "dialogue competitif" => DialogueCompetitif,
            "procedure negociee ouverte" => ConcessionNegocieeOuverte,
            "procedure non negociee ouverte" => ConcessionNonNegocieeOuverte,
            "procedure negociee restreinte" => ConcessionNegocieeRestreinte,
            "procedure non negociee restreinte" => ConcessionNonNegocieeRestreinte,
            _ => return None,
        })
    }

    pub fn label_key(self) -> String {
        format!("decp.procedure.{}", self.code())
    }
}

vocabulary! {
    /// Nature of the contract. In 2022, "Accord-cadre" moved from the nature to the techniques;
    /// it is folded back here so both formats answer "how many framework agreements".
    Nature {
        Marche => "marche",
        Partenariat => "partenariat",
        DefenseSecurite => "defense_securite",
        AccordCadre => "accord_cadre",
        MarcheSubsequent => "marche_subsequent",
        ConcessionTravaux => "conc_travaux",
        ConcessionService => "conc_service",
        ConcessionServicePublic => "conc_service_public",
        DelegationServicePublic => "dsp",
    }
}

impl Nature {
    pub fn parse(published: &str) -> Option<Nature> {
        use Nature::*;
        Some(match vocabulary_key(published).as_str() {
            "marche" | "marche public" => Marche,
            "marche de partenariat" => Partenariat,
            "marche de defense ou de securite" => DefenseSecurite,
            "accord cadre" => AccordCadre,
            "marche subsequent" => MarcheSubsequent,
            "concession de travaux" => ConcessionTravaux,
            "concession de service" | "concession de services" => ConcessionService,
            "concession de service public" => ConcessionServicePublic,
            "delegation de service public" => DelegationServicePublic,
            _ => return None,
        })
    }

    pub fn label_key(self) -> String {
        format!("decp.nature.{}", self.code())
    }
}

vocabulary! {
    /// What the place-of-execution code designates.
    PlaceKind {
        PostalCode => "postal",
        Commune => "commune",
        Arrondissement => "arrondissement",
        Canton => "canton",
        Departement => "departement",
        Region => "region",
        Country => "pays",
    }
}

impl PlaceKind {
    pub fn parse(published: &str) -> Option<PlaceKind> {
        use PlaceKind::*;
        Some(match vocabulary_key(published).as_str() {
            "code postal" => PostalCode,
            "code commune" | "code insee" => Commune,
            "code arrondissement" => Arrondissement,
            "code canton" => Canton,
            "code departement" => Departement,
            "code region" => Region,
            "code pays" => Country,
            _ => return None,
        })
    }
}

vocabulary! {
    /// Social consideration (2022).
    SocialConsideration {
        Clause => "clause",
        Critere => "critere",
        Reserve => "reserve",
        Aucune => "aucune",
    }
}

impl SocialConsideration {
    pub fn parse(published: &str) -> Option<SocialConsideration> {
        use SocialConsideration::*;
        Some(match vocabulary_key(published).as_str() {
            "clause sociale" => Clause,
            "critere social" => Critere,
            "marche reserve" | "concession reservee" => Reserve,
            "pas de consideration sociale" => Aucune,
            _ => return None,
        })
    }
}

vocabulary! {
    /// Environmental consideration (2022).
    EnvironmentalConsideration {
        Clause => "clause",
        Critere => "critere",
        Aucune => "aucune",
    }
}

impl EnvironmentalConsideration {
    pub fn parse(published: &str) -> Option<EnvironmentalConsideration> {
        use EnvironmentalConsideration::*;
        Some(match vocabulary_key(published).as_str() {
            "clause environnementale" => Clause,
            "critere environnemental" => Critere,
            "pas de consideration environnementale" => Aucune,
            _ => return None,
        })
    }
}

vocabulary! {
    /// Grouping of the awardees (2022 `typeGroupementOperateurs`).
    Consortium { Conjoint => "conjoint", Solidaire => "solidaire", Aucun => "aucun" }
}

impl Consortium {
    pub fn parse(published: &str) -> Option<Consortium> {
        Some(match vocabulary_key(published).as_str() {
            "conjoint" => Consortium::Conjoint,
            "solidaire" => Consortium::Solidaire,
            "pas de groupement" | "aucun" => Consortium::Aucun,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procedures_of_both_formats_meet() {
        assert_eq!(
            Procedure::parse("Procédure adaptée"),
            Some(Procedure::Adaptee)
        );
        assert_eq!(
            Procedure::parse("PROCEDURE ADAPTEE"),
            Some(Procedure::Adaptee)
        );
        assert_eq!(
            Procedure::parse("Marché négocié sans publicité ni mise en concurrence préalable"),
            Procedure::parse("Marché passé sans publicité ni mise en concurrence préalable"),
        );
        assert_eq!(
            Procedure::parse("Procédure concurrentielle avec négociation"),
            Some(Procedure::AvecNegociation)
        );
        assert_eq!(
            Procedure::parse("Procédure avec négociation"),
            Some(Procedure::AvecNegociation)
        );
        assert_eq!(
            Procedure::parse("Appel d’offres ouvert"),
            Some(Procedure::AppelOffresOuvert)
        );
        assert_eq!(Procedure::parse("Tirage au sort"), None);
    }

    #[test]
    fn codes_round_trip() {
        for p in Procedure::ALL {
            assert_eq!(Procedure::from_code(p.code()), Some(*p));
        }
        for n in Nature::ALL {
            assert_eq!(Nature::from_code(n.code()), Some(*n));
        }
    }

    #[test]
    fn natures_places_and_considerations() {
        assert_eq!(Nature::parse("Accord-cadre"), Some(Nature::AccordCadre));
        assert_eq!(
            Nature::parse("Délégation de service public"),
            Some(Nature::DelegationServicePublic)
        );
        assert_eq!(PlaceKind::parse("CODE POSTAL"), Some(PlaceKind::PostalCode));
        assert_eq!(
            PlaceKind::parse("Code département"),
            Some(PlaceKind::Departement)
        );
        assert_eq!(
            SocialConsideration::parse("Marché réservé"),
            Some(SocialConsideration::Reserve)
        );
        assert_eq!(
            EnvironmentalConsideration::parse("Critère environnemental"),
            Some(EnvironmentalConsideration::Critere)
        );
        assert_eq!(
            Consortium::parse("Pas de groupement"),
            Some(Consortium::Aucun)
        );
    }
}
