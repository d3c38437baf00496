//! Minimal CSV reading for the tables this crate embeds (RFC 4180 quoting,
//! `#` comment lines). Not a general CSV reader: it only has to read files
//! that ship inside the crate, so malformed input is a build-time bug.

/// Splits one CSV record into fields, honouring double quotes and `""` escapes.
pub(crate) fn split_record(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => in_quotes = !in_quotes,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// Data records of an embedded table as `(header, rows)`; `#` lines and blank
/// lines are skipped, the first remaining line is the header.
pub(crate) fn records(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let header = lines.next().map(split_record).unwrap_or_default();
    let rows = lines.map(split_record).collect();
    (header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_and_quotes() {
        assert_eq!(
            split_record(r#"6,FM6,"Dormant brush, hardwood slash [6]","a ""b""",x"#),
            vec![
                "6",
                "FM6",
                "Dormant brush, hardwood slash [6]",
                r#"a "b""#,
                "x"
            ]
        );
    }

    #[test]
    fn comments_and_blanks_skipped() {
        let (h, r) = records("# c\n\na,b\n1,2\n# d\n3,4\n");
        assert_eq!(h, vec!["a", "b"]);
        assert_eq!(r, vec![vec!["1", "2"], vec!["3", "4"]]);
    }
}
