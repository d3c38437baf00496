//! How a [`Part`] reads from RON: a string is a path, anything else is the part
//! inline. Written by hand because serde's untagged enums throw away the inner
//! error's position.

use super::types::Part;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::marker::PhantomData;

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Part<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PartVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for PartVisitor<T> {
            type Value = Part<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a path string or an inline struct")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Part::Path(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Part::Path(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Part::Inline)
            }
        }

        d.deserialize_any(PartVisitor(PhantomData))
    }
}
