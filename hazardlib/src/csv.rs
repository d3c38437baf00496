//! The crate's one CSV reader: the `qilian model` tables users give and the
//! tables that ship with the crate (fuel models, reference cases). A leaf:
//! it imports nothing of the crate, so every model can use it.
//!
//! Dialect: comma-separated; a leading UTF-8 byte-order mark is ignored;
//! fields may be wrapped in double quotes (`""` inside quotes is a literal
//! quote) and may not span lines; a trailing `\r` is dropped; spaces around
//! unquoted values are ignored; blank lines and lines whose first non-blank
//! character is `#` are skipped.

/// A malformed line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {row}: {message}")]
pub struct CsvError {
    /// 1-based line number.
    pub row: usize,
    /// What is wrong.
    pub message: String,
}

impl CsvError {
    fn at(row: usize, message: impl Into<String>) -> CsvError {
        CsvError {
            row,
            message: message.into(),
        }
    }
}

/// One field of a CSV record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'a> {
    /// The exact text between the separators, quotes and spaces included.
    pub raw: &'a str,
    /// The value: unquoted (`""` → `"`) or trimmed.
    pub value: String,
}

/// One CSV record with its line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// 1-based line number in the input text.
    pub row: usize,
    /// Fields in order.
    pub fields: Vec<Field<'a>>,
}

/// Splits CSV text into records (see the module doc for the dialect).
pub fn parse_csv(text: &str) -> Result<Vec<Record<'_>>, CsvError> {
    // Spreadsheet exports often start with a UTF-8 byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        out.push(Record {
            row: i + 1,
            fields: split_line(line, i + 1)?,
        });
    }
    Ok(out)
}

/// The header and rows of a table that ships with the crate (the fuel
/// models, reference cases), as text. A malformed embedded table is a
/// broken invariant: it panics with the reader's message.
pub(crate) fn embedded_table(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let records = parse_csv(text).unwrap_or_else(|e| panic!("embedded table: {e}"));
    let mut rows = records
        .into_iter()
        .map(|r| r.fields.into_iter().map(|f| f.value).collect::<Vec<_>>());
    let header = rows.next().unwrap_or_default();
    (header, rows.collect())
}

fn split_line(line: &str, row: usize) -> Result<Vec<Field<'_>>, CsvError> {
    let mut fields = Vec::new();
    let mut start = 0;
    loop {
        let rest = &line[start..];
        let lead = rest.len() - rest.trim_start().len();
        let (value, end) = if rest[lead..].starts_with('"') {
            // Quoted: collect segments between quotes; `""` is a literal quote.
            let mut value = String::new();
            let mut k = start + lead + 1;
            loop {
                let Some(q) = line[k..].find('"') else {
                    return Err(CsvError::at(
                        row,
                        format!(
                            "field {}: unterminated quoted field (quoted fields may not span lines)",
                            fields.len() + 1
                        ),
                    ));
                };
                value.push_str(&line[k..k + q]);
                k += q + 1;
                if line[k..].starts_with('"') {
                    value.push('"');
                    k += 1;
                } else {
                    break;
                }
            }
            let after = &line[k..];
            let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
            let end = k + gap;
            if end < line.len() && !line[end..].starts_with(',') {
                return Err(CsvError::at(
                    row,
                    format!("field {}: text after a closing quote", fields.len() + 1),
                ));
            }
            (value, end)
        } else {
            let end = rest.find(',').map_or(line.len(), |c| start + c);
            (line[start..end].trim().to_string(), end)
        };
        fields.push(Field {
            raw: &line[start..end],
            value,
        });
        if end >= line.len() {
            return Ok(fields);
        }
        start = end + 1; // skip the comma
    }
}
