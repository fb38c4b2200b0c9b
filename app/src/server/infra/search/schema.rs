//! The index's fields and its French analyzer. One index holds every kind of document (contracts
//! now; firms and offers later), told apart by `kind`; fields a kind does not use stay empty.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, TokenStream,
};

/// Name of the analyzer of the text fields.
pub const FRENCH: &str = "fr";

/// Bumped when the fields or the analyzer change: an index of another version is rebuilt.
pub const VERSION: u32 = 6;

/// Accent folding comes after the stop words (the French list is accented: "à", "été") and before
/// the stemmer, so that a word typed without its accents ("electricite") and the published one
/// ("électricité") reach the stemmer as the same string and give the same stem.
pub fn french_analyzer() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    match StopWordFilter::new(Language::French) {
        Some(stop) => builder
            .filter(stop)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::French))
            .build(),
        None => builder
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::French))
            .build(),
    }
}

/// A text folded whole, for sorting and prefix matching: lower case, without accents ("Écoles"
/// sorts between "ebenisterie" and "fer").
pub fn fold(text: &str) -> String {
    let mut folding = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = folding.token_stream(text.trim());
    let mut out = String::new();
    while let Some(token) = stream.next() {
        out.push_str(&token.text);
    }
    out
}

/// The words of a text as the index stores them: stems, without accents or stop words.
pub fn stems(text: &str) -> Vec<String> {
    let mut analyzer = french_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// "contract", "org" (later "offer").
    pub kind: Field,
    /// `kind:id`, the unit of replacement and deletion.
    pub key: Field,
    pub id: Field,
    /// The main text (a contract's object): weighs more in the ranking.
    pub title: Field,
    /// Other words to find the document by (buyer, awardees, CPV label, place, identifiers).
    pub body: Field,
    pub year: Field,
    pub cpv_division: Field,
    pub cpv_group: Field,
    pub procedure: Field,
    pub nature: Field,
    /// Cents.
    pub amount: Field,
    /// yyyymmdd of the notification.
    pub date: Field,
    pub buyer: Field,
    /// Every awardee identifier, replaced ones included (as the explorer's filter).
    pub awardee: Field,
    pub departement: Field,
    pub commune: Field,
    pub offers: Field,
    /// 1 when the contract has a social (environmental) consideration.
    pub social: Field,
    pub environmental: Field,
    /// An organisation's kind (business, buyer, chamber, other).
    pub org_kind: Field,
    /// The division (two digits) of an organisation's NAF code.
    pub naf_division: Field,
    pub size: Field,
    /// siae, esat, ea.
    pub inclusive: Field,
    /// Where an organisation is: its department, or 69M / 69D for the two halves of the Rhône.
    pub area: Field,
    /// A name folded for sorting (lower case, without accents).
    pub name_key: Field,
    /// An offer's kind (supply, service, works).
    pub offer_kind: Field,
    /// The CPV class (4 digits) and category (5 digits) of each of an offer's codes.
    pub cpv_class: Field,
    pub cpv_category: Field,
    /// Labels an offer holds (codes; several).
    pub labels: Field,
    /// 1 when an offer comes through a short supply chain (at most one intermediary).
    pub short_chain: Field,
    /// 1 when an offer gives life-cycle facts (life, repairability, spare parts, recycled
    /// content or end of life).
    pub life_facts: Field,
    /// 1 when an offer gives its carbon footprint.
    pub carbon: Field,
    /// Position (degrees) of an offer's place, when known: distance sort.
    pub lat: Field,
    pub lon: Field,
    /// The organisation an offer belongs to.
    pub org_id: Field,
    /// Territorial labels in force (referential ids): an offer's own; an organisation's own and
    /// its published offers'.
    pub tlabels: Field,
    /// 1 when an organisation has published offers.
    pub has_offers: Field,
    /// A food offer's months of availability ("1" to "12").
    pub months: Field,
    /// What a food offer counts for under EGalim ("quality", "organic"), by its signs.
    pub egalim: Field,
    /// Where an offer is delivered: communes (INSEE codes, named or within its radius) and
    /// departments ("dep:69").
    pub serves: Field,
}

pub fn build() -> (Schema, Fields) {
    let mut s = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(FRENCH)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let keyword = STRING | FAST;
    let number = NumericOptions::default() | INDEXED | FAST;
    let fields = Fields {
        kind: s.add_text_field("kind", keyword.clone()),
        key: s.add_text_field("key", STRING),
        id: s.add_i64_field("id", number.clone()),
        title: s.add_text_field("title", text.clone()),
        body: s.add_text_field("body", text),
        year: s.add_i64_field("year", number.clone()),
        cpv_division: s.add_text_field("cpv_division", keyword.clone()),
        cpv_group: s.add_text_field("cpv_group", keyword.clone()),
        procedure: s.add_text_field("procedure", keyword.clone()),
        nature: s.add_text_field("nature", keyword.clone()),
        amount: s.add_i64_field("amount", number.clone()),
        date: s.add_i64_field("date", number.clone()),
        buyer: s.add_text_field("buyer", keyword.clone()),
        awardee: s.add_text_field("awardee", STRING),
        departement: s.add_text_field("departement", keyword.clone()),
        commune: s.add_text_field("commune", keyword.clone()),
        offers: s.add_i64_field("offers", number.clone()),
        social: s.add_i64_field("social", number.clone()),
        environmental: s.add_i64_field("environmental", number.clone()),
        org_kind: s.add_text_field("org_kind", keyword.clone()),
        naf_division: s.add_text_field("naf_division", keyword.clone()),
        size: s.add_text_field("size", keyword.clone()),
        inclusive: s.add_text_field("inclusive", keyword.clone()),
        area: s.add_text_field("area", keyword.clone()),
        name_key: s.add_text_field("name_key", keyword.clone()),
        offer_kind: s.add_text_field("offer_kind", keyword.clone()),
        cpv_class: s.add_text_field("cpv_class", keyword.clone()),
        cpv_category: s.add_text_field("cpv_category", keyword.clone()),
        labels: s.add_text_field("labels", keyword.clone()),
        tlabels: s.add_text_field("tlabels", keyword.clone()),
        months: s.add_text_field("months", keyword.clone()),
        egalim: s.add_text_field("egalim", keyword.clone()),
        serves: s.add_text_field("serves", keyword),
        short_chain: s.add_i64_field("short_chain", number.clone()),
        life_facts: s.add_i64_field("life_facts", number.clone()),
        carbon: s.add_i64_field("carbon", number.clone()),
        lat: s.add_f64_field("lat", number.clone()),
        lon: s.add_f64_field("lon", number.clone()),
        org_id: s.add_i64_field("org_id", number.clone()),
        has_offers: s.add_i64_field("has_offers", number),
    };
    (s.build(), fields)
}

#[cfg(test)]
mod tests {
    use super::stems as tokens;

    #[test]
    fn plural_and_accents_reach_the_same_stem() {
        assert_eq!(tokens("menuiserie"), tokens("Menuiseries"));
        assert_eq!(tokens("electricite"), tokens("Électricité"));
        assert_eq!(
            tokens("Travaux de rénovation"),
            tokens("travaux renovations")
        );
        assert_ne!(tokens("menuiserie"), tokens("maçonnerie"));
    }

    #[test]
    fn stop_words_are_dropped() {
        assert_eq!(tokens("les travaux de la voirie").len(), 2);
    }
}
