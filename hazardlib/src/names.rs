//! Names of the models' tables (fragility classes, GMPEs, chemicals, fuel
//! models, depth-damage regions) and the one error for a name not in them.

/// A name (class id, region, chemical, …) that is not in a model's table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}` (expected one of: {expected})")]
pub struct UnknownName {
    /// What kind of name was looked up, e.g. "fragility class".
    pub what: &'static str,
    /// The text given.
    pub value: String,
    /// The accepted names, comma-separated, for the message.
    pub expected: &'static str,
}

impl UnknownName {
    /// Builds the error for `value` not being a known `what`.
    pub fn new(what: &'static str, value: &str, expected: &'static str) -> Self {
        UnknownName {
            what,
            value: value.to_string(),
            expected,
        }
    }
}
