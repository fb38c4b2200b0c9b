//! DECP in XML (both formats), read as a stream of events into the JSON shape of a record.

use super::*;

/// Streams `<marches><marche>…</marche><contrat-concession>…</contrat-concession></marches>`
/// (or a file holding one `<marche>`),
/// turning each record element into the JSON shape of the same record (elements become keys,
/// repeated elements lists, leaf text strings).
/// The deepest nesting read (a DECP record nests about five levels).
const MAX_DEPTH: usize = 64;

pub(super) fn read_xml(reader: impl Read, emit: &mut Emit<'_>) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(reader));
    let mut buf = Vec::new();
    // (element name, children, text) from the record element down.
    let mut stack: Vec<(String, Map<String, Value>, String)> = Vec::new();
    let mut depth = 0usize;
    let mut seen_root = false;
    let mut record_depth = 2;
    let mut hint = None;
    let mut records = 0usize;
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| ReadError::Xml(format!("{e} (byte {})", xml.buffer_position())))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                depth += 1;
                // A DECP record nests a few levels; thousands would only build a deep value
                // whose recursive drop can overflow the stack.
                if depth > MAX_DEPTH {
                    return Err(ReadError::Xml(format!(
                        "more than {MAX_DEPTH} nested elements (byte {})",
                        xml.buffer_position()
                    )));
                }
                if depth == 1 {
                    seen_root = true;
                    record_depth = match name.as_str() {
                        "marches" => 2,
                        // A file of one record.
                        "marche" | "contrat-concession" => 1,
                        _ => return Err(ReadError::NoRecords),
                    };
                }
                if depth == record_depth {
                    hint = match name.as_str() {
                        "marche" => Some(ContractKind::Marche),
                        "contrat-concession" => Some(ContractKind::Concession),
                        _ => None,
                    };
                    stack.push((name, Map::new(), String::new()));
                } else if depth > record_depth {
                    stack.push((name, Map::new(), String::new()));
                }
            }
            Event::Empty(e) if !stack.is_empty() => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if let Some(parent) = stack.last_mut() {
                    insert(&mut parent.1, name, Value::Null);
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let text = t.decode().map_err(|e| ReadError::Xml(e.to_string()))?;
                    top.2.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    let resolved = crate::server::infra::xml::entity(&name);
                    match resolved {
                        Some(c) => top.2.push(c),
                        None => return Err(ReadError::Xml(format!("unknown entity &{name};"))),
                    }
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((name, children, text)) = stack.pop() {
                    let text = text.trim();
                    let value = if children.is_empty() {
                        if text.is_empty() {
                            Value::Null
                        } else {
                            Value::String(text.to_string())
                        }
                    } else {
                        Value::Object(children)
                    };
                    match stack.last_mut() {
                        Some(parent) => insert(&mut parent.1, name, value),
                        None => {
                            records += 1;
                            if !emit(value, hint) {
                                return Err(ReadError::Stopped);
                            }
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if depth != 0 {
        return Err(ReadError::Xml(
            "the file ends inside an element (truncated?)".into(),
        ));
    }
    if !seen_root || records == 0 {
        return Err(ReadError::NoRecords);
    }
    Ok(())
}

fn insert(map: &mut Map<String, Value>, key: String, value: Value) {
    match map.get_mut(&key) {
        Some(Value::Array(list)) => list.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            map.insert(key, value);
        }
    }
}
