//! Reading JSON whose shape GitLab does not promise (error bodies, fields that may be null or of
//! another type) without `serde_json::Value`, whose map type alone costs the page kilobytes.

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// Any JSON value, kept only as far as tokenwarden looks: objects keep their order.
#[derive(Debug, PartialEq)]
pub(crate) enum Loose {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<Loose>),
    Object(Vec<(String, Loose)>),
    /// Null, fractions and integers out of range.
    Other,
}

impl Loose {
    pub(crate) fn into_str(self) -> Option<String> {
        match self {
            Loose::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A string, or the strings of a list: how GitLab writes one or several messages.
    pub(crate) fn into_texts(self) -> Vec<String> {
        match self {
            Loose::Str(s) => vec![s],
            Loose::List(items) => items.into_iter().filter_map(Loose::into_str).collect(),
            _ => Vec::new(),
        }
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Loose;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, s: &str) -> Result<Loose, E> {
                Ok(Loose::Str(s.to_owned()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Loose, E> {
                Ok(Loose::Int(n))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Loose, E> {
                Ok(i64::try_from(n).map_or(Loose::Other, Loose::Int))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Loose, E> {
                Ok(Loose::Other)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Loose, E> {
                Ok(Loose::Bool(b))
            }
            fn visit_unit<E>(self) -> Result<Loose, E> {
                Ok(Loose::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Loose::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Loose::Object(entries))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_any_shape_in_order() {
        let v: Loose =
            serde_json::from_str(r#"{"b":[1,"x",null],"a":{"c":true},"d":1.5}"#).unwrap();
        assert_eq!(
            v,
            Loose::Object(vec![
                (
                    "b".into(),
                    Loose::List(vec![Loose::Int(1), Loose::Str("x".into()), Loose::Other])
                ),
                (
                    "a".into(),
                    Loose::Object(vec![("c".into(), Loose::Bool(true))])
                ),
                ("d".into(), Loose::Other),
            ])
        );
        assert_eq!(
            Loose::List(vec![Loose::Str("a".into()), Loose::Int(2)]).into_texts(),
            vec!["a"]
        );
        assert_eq!(Loose::Int(2).into_texts(), Vec::<String>::new());
    }
}
