//! DECP in JSON (2019 and 2022), read record by record with serde: never the whole file.

use super::*;

pub(super) fn read_json(reader: impl Read, emit: &mut Emit<'_>) -> Result<Format, ReadError> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let format = TopLevel { emit }.deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(json_error)?;
    format.ok_or(ReadError::NoRecords)
}

fn json_error(e: serde_json::Error) -> ReadError {
    if e.to_string().starts_with(STOPPED) {
        ReadError::Stopped
    } else {
        ReadError::Json(e.to_string())
    }
}

pub(super) const STOPPED: &str = "import stopped";

pub(super) struct TopLevel<'a, 'b> {
    emit: &'a mut Emit<'b>,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_> {
    type Value = Option<Format>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = Option<Format>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a `marches` list")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut format = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "marches" {
                format = Some(map.next_value_seed(Marches {
                    emit: &mut *self.emit,
                })?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(format)
    }
    // A bare list of records.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Records {
            emit: self.emit,
            hint: None,
        }
        .visit_seq(seq)?;
        Ok(Some(Format::Json2019))
    }
}

pub(super) struct Marches<'a, 'b> {
    emit: &'a mut Emit<'b>,
}

impl<'de> DeserializeSeed<'de> for Marches<'_, '_> {
    type Value = Format;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Marches<'_, '_> {
    type Value = Format;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records, or an object with `marche` and `contrat-concession` lists")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Format, A::Error> {
        Records {
            emit: self.emit,
            hint: None,
        }
        .visit_seq(seq)?;
        Ok(Format::Json2019)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Format, A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let hint = match key.as_str() {
                "marche" => Some(ContractKind::Marche),
                "contrat-concession" => Some(ContractKind::Concession),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            map.next_value_seed(Records {
                emit: &mut *self.emit,
                hint,
            })?;
        }
        Ok(Format::Json2022)
    }
}

pub(super) struct Records<'a, 'b> {
    emit: &'a mut Emit<'b>,
    hint: Option<ContractKind>,
}

impl<'de> DeserializeSeed<'de> for Records<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Records<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            if !(self.emit)(v, self.hint) {
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(())
    }
    // A single record where a list was expected (seen in XML-converted JSON).
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let v = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        if !(self.emit)(v, self.hint) {
            return Err(de::Error::custom(STOPPED));
        }
        Ok(())
    }
}

use serde::Deserialize;
