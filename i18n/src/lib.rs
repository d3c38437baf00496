//! # qilian-i18n
//!
//! The words Qilian shows people, in Simplified Chinese (zh-CN, first: the
//! first users read Chinese) and English; the choice of language; and the
//! scenario's local clock (dates and times as a trainer reads them, not
//! elapsed seconds).
//!
//! ## The catalogue
//!
//! One plain-text catalogue per language, compiled in:
//! `catalogue/zh-CN.msg` and `catalogue/en.msg` (the reports, events, charts
//! and the CLI), plus `catalogue/zh-CN.drill.msg` and `catalogue/en.drill.msg`
//! for the drill consoles (kept apart so the two can be edited without
//! merge conflicts; a key may live in one file only). Each line is
//! `key = message`; `#` starts a comment line. A message names its
//! arguments in braces, `{zone}`; a key may have a `.one` variant in a
//! language (`crews.one = {n} crew` beside `crews = {n} crews`), used when
//! the argument `n` prints as `1`. That is all the grammar the two
//! languages need: Chinese has no plural, English only one/other.
//!
//! Why not Fluent: Fluent's selectors and terms solve languages we do not
//! have, cost four crates, and its syntax would need a Fluent library in
//! the browser too. This format is read by a short parser here and by the
//! ten lines of [`FORMAT_JS`] in a page, so the drill consoles use the very
//! same messages as the reports.
//!
//! Tests (`tests` below) fail on a key missing in either language, on
//! arguments that differ between the languages, on a duplicate key, and on
//! a key no source file of the workspace uses.
//!
//! ## API
//!
//! ```
//! use qilian_i18n::{Lang, t, text};
//! let zh: Lang = "zh-CN".parse().unwrap(); // also "zh", "zh_CN.UTF-8"
//! assert_eq!(Lang::parse("en").unwrap(), Lang::En);
//! assert_eq!(text(zh, "report.life"), "生命安全");
//! assert_eq!(t!(Lang::En, "unit.crews", n = 1), "1 crew");
//! assert_eq!(t!(Lang::En, "unit.crews", n = 3), "3 crews");
//! // The whole catalogue of a language as a JSON object, for a page:
//! assert!(qilian_i18n::catalogue_json(zh).starts_with('{'));
//! ```
//!
//! - [`Lang`]: `ZhCn`, `En`; [`Lang::parse`] (`zh-CN`, `zh`, `en`, …),
//!   [`Lang::from_env`] (`LC_ALL`, `LC_MESSAGES`, `LANG`: `zh*` ⇒ Chinese,
//!   anything else ⇒ English), [`Lang::code`] (`"zh-CN"`, `"en"`, for
//!   `<html lang>` and URLs), [`Lang::ALL`].
//! - [`text`]`(lang, key) -> &'static str`: a message as written.
//! - [`format()`]`(lang, key, &[("name", &value)]) -> String` and the macro
//!   [`t!`]`(lang, "key", name = value, …)`: a message with its arguments.
//! - [`catalogue_json`]`(lang) -> &'static str`: every message of a
//!   language as one JSON object `{"key": "message", …}` (built once), to
//!   serve to a browser page; [`FORMAT_JS`] is the matching formatter,
//!   `qt(cat, key, args)`, to inline in the page.
//! - [`count`]`(n)`: a whole number with thousands separated, `1,131,000`.
//! - [`clock::Clock`]: the scenario's `start` (ISO 8601 with its UTC
//!   offset, e.g. `2025-07-15T06:00:00+08:00`) turned into local dates and
//!   times: `Clock::new(scenario.file.start.as_deref())`, then
//!   `clock.time(t_s)` → `"14:32"`, `clock.datetime(lang, t_s)` →
//!   `"7月15日 14:32"` / `"15 Jul 14:32"`. Without a start the clock counts
//!   days from 00:00 of day 1 (`"第2天 14:32"`, `"day 2 14:32"`).
//!
//! ## Event sentences
//!
//! One sentence per journal event kind, used by `report.html` and meant for
//! the drill's event feed, lives in `qilian_viewer::events` (it needs the
//! engine's types; this crate has no dependencies):
//!
//! ```text
//! let mut n = qilian_viewer::events::Narrator::new(&scenario, lang);
//! for e in &events {                  // in journal order: it learns tasks
//!     let line = n.line(e);           // "14:32 2号变电站中度损坏"
//!     let s = n.sentence(e);          // without the time
//!     let kind = qilian_viewer::events::kind_id(&e.kind); // "facility_damaged"
//! }
//! n.clock().datetime(lang, t_s);      // "7月15日 14:32"
//! ```
//!
//! `Narrator::new` takes the names of zones, facilities, depots and crews
//! from the scenario and the clock from its `start`; it never prints an id.

pub mod clock;

use std::collections::BTreeMap;
use std::fmt::{self, Display, Write as _};
use std::str::FromStr;
use std::sync::OnceLock;

/// A language Qilian speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// Simplified Chinese (zh-CN).
    ZhCn,
    /// English.
    En,
}

/// A language code Qilian does not speak.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language {:?}: use zh-CN (or zh) or en", self.0)
    }
}

impl std::error::Error for UnknownLang {}

impl Lang {
    /// Every language, Chinese first.
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// Its code: `"zh-CN"` or `"en"` (for `<html lang>`, URLs, file names).
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parse a language code: `zh-CN`, `zh`, `zh_CN`, `zh-Hans`, `cn`, `en`,
    /// `en-US`, `en_GB.UTF-8` …, in any case.
    pub fn parse(s: &str) -> Result<Lang, UnknownLang> {
        let l = s.trim().to_ascii_lowercase();
        let base = l.split(['-', '_', '.', '@']).next().unwrap_or("");
        match base {
            "zh" | "cn" | "chs" => Ok(Lang::ZhCn),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }

    /// The language a locale name asks for: `zh*` ⇒ Chinese, anything else
    /// (`C`, `POSIX`, `en_US.UTF-8`, `de_DE`, empty) ⇒ English.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }

    /// The language of the environment: the first set and non-empty of
    /// `LC_ALL`, `LC_MESSAGES` and `LANG` (POSIX's order), by
    /// [`Lang::from_locale`]; English when none is set.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var)
                && !v.trim().is_empty()
            {
                return Lang::from_locale(&v);
            }
        }
        Lang::En
    }

    fn index(self) -> usize {
        match self {
            Lang::ZhCn => 0,
            Lang::En => 1,
        }
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        Lang::parse(s)
    }
}

impl Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The catalogue files of each language, in `Lang::ALL` order.
const FILES: [&[(&str, &str)]; 2] = [
    &[
        ("zh-CN.msg", include_str!("../catalogue/zh-CN.msg")),
        (
            "zh-CN.drill.msg",
            include_str!("../catalogue/zh-CN.drill.msg"),
        ),
    ],
    &[
        ("en.msg", include_str!("../catalogue/en.msg")),
        ("en.drill.msg", include_str!("../catalogue/en.drill.msg")),
    ],
];

type Catalogue = BTreeMap<&'static str, &'static str>;

/// Parse one language's files; problems (a line that is not `key = value`,
/// a duplicate key) as `file:line: what`.
fn parse(files: &[(&'static str, &'static str)]) -> (Catalogue, Vec<String>) {
    let mut cat = Catalogue::new();
    let mut problems = Vec::new();
    for (name, body) in files {
        for (i, line) in body.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((k, v)) = line.split_once('=') else {
                problems.push(format!("{name}:{}: no `=` in {line:?}", i + 1));
                continue;
            };
            let (k, v) = (k.trim(), v.trim());
            if k.is_empty()
                || !k
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
            {
                problems.push(format!("{name}:{}: bad key {k:?}", i + 1));
                continue;
            }
            if cat.insert(k, v).is_some() {
                problems.push(format!("{name}:{}: duplicate key {k}", i + 1));
            }
        }
    }
    (cat, problems)
}

fn catalogues() -> &'static [Catalogue; 2] {
    static CATS: OnceLock<[Catalogue; 2]> = OnceLock::new();
    CATS.get_or_init(|| [parse(FILES[0]).0, parse(FILES[1]).0])
}

/// Every key of a language, sorted.
pub fn keys(lang: Lang) -> impl Iterator<Item = &'static str> {
    catalogues()[lang.index()].keys().copied()
}

/// Whether `lang` has a message for `key`.
pub fn has(lang: Lang, key: &str) -> bool {
    catalogues()[lang.index()].contains_key(key)
}

/// The message for `key` as written, arguments still in braces. A key
/// missing in `lang` falls back to the other language, then to the key
/// itself (the tests keep both from happening).
pub fn text(lang: Lang, key: &str) -> &str {
    let cats = catalogues();
    if let Some(m) = cats[lang.index()].get(key) {
        return m;
    }
    for other in Lang::ALL {
        if let Some(m) = cats[other.index()].get(key) {
            return m;
        }
    }
    key
}

/// The message for `key` with its arguments filled in. When `lang` has a
/// `key.one` variant and the argument `n` prints as `1`, that variant is
/// used. An argument the message does not name is ignored; a name in the
/// message with no argument stays in braces (the tests look for braces).
pub fn format(lang: Lang, key: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut msg = text(lang, key);
    if let Some((_, n)) = args.iter().find(|(name, _)| *name == "n")
        && n.to_string() == "1"
    {
        let one = format!("{key}.one");
        if let Some(m) = catalogues()[lang.index()].get(one.as_str()) {
            msg = m;
        }
    }
    fill(msg, args)
}

fn fill(msg: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(msg.len() + 16);
    let mut rest = msg;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(a, _)| *a == name) {
                    Some((_, v)) => {
                        let _ = write!(out, "{v}");
                    }
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A message with arguments: `t!(lang, "key", zone = name, n = 3)`.
/// Without arguments it is [`text`] as a `String`.
#[macro_export]
macro_rules! t {
    ($lang:expr, $key:expr $(,)?) => {
        $crate::text($lang, $key).to_string()
    };
    ($lang:expr, $key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::format($lang, $key, &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+])
    };
}

/// Every message of `lang` as one JSON object, `{"key":"message",…}`, keys
/// sorted; built once per process. Serve it to a page and format with
/// [`FORMAT_JS`].
pub fn catalogue_json(lang: Lang) -> &'static str {
    static JSON: OnceLock<[String; 2]> = OnceLock::new();
    &JSON.get_or_init(|| Lang::ALL.map(|l| to_json(&catalogues()[l.index()])))[lang.index()]
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // `<` escaped so the JSON can sit inside a <script> element.
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn to_json(cat: &Catalogue) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in cat.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(k, &mut out);
        out.push(':');
        json_string(v, &mut out);
    }
    out.push('}');
    out
}

/// The browser's formatter for [`catalogue_json`]'s object, the same rules
/// as [`format()`]: `qt(cat, "key", {zone: "甘州区", n: 3})`. Inline it in a
/// page's `<script>`.
pub const FORMAT_JS: &str = r#"function qt(cat, key, args) {
  args = args || {};
  var m = (args.n !== undefined && String(args.n) === "1" && cat[key + ".one"]) || cat[key];
  if (m === undefined) return key;
  return m.replace(/\{([a-z0-9_]+)\}/g, function (s, k) {
    return Object.prototype.hasOwnProperty.call(args, k) ? String(args[k]) : s;
  });
}"#;

/// A whole number with its thousands separated by commas, `1,131,000`
/// (both languages write figures this way in tables); anything with a
/// fraction is printed with up to three decimals.
pub fn count(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v.fract() != 0.0 || v.abs() >= 1e15 {
        let s = format!("{v:.3}");
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn args_of(msg: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut rest = msg;
        while let Some(o) = rest.find('{') {
            let after = &rest[o + 1..];
            let Some(c) = after.find('}') else { break };
            out.insert(after[..c].to_string());
            rest = &after[c + 1..];
        }
        out
    }

    #[test]
    fn catalogues_parse_without_problems() {
        for (l, files) in Lang::ALL.iter().zip(FILES) {
            let (cat, problems) = parse(files);
            assert!(problems.is_empty(), "{l}: {problems:#?}");
            assert!(!cat.is_empty(), "{l}: no messages");
        }
    }

    #[test]
    fn parser_reports_bad_lines_and_duplicates() {
        let (_, p) = parse(&[("x.msg", "a = 1\nno equals here\na = 2\nBad Key = 3\n")]);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].starts_with("x.msg:2:"), "{p:?}");
        assert!(p[1].contains("duplicate key a"), "{p:?}");
    }

    /// Every key is in both languages (a `.one` variant only needs its base
    /// key), with the same arguments.
    #[test]
    fn every_key_is_in_both_languages_with_the_same_arguments() {
        let [zh, en] = catalogues();
        let base = |k: &str| k.strip_suffix(".one").map(str::to_string);
        let mut missing = Vec::new();
        for (name, a, b) in [("en", zh, en), ("zh-CN", en, zh)] {
            for k in a.keys() {
                if let Some(b0) = base(k) {
                    if !a.contains_key(b0.as_str()) {
                        missing.push(format!("{k} has no base key {b0}"));
                    }
                    continue;
                }
                if !b.contains_key(k) {
                    missing.push(format!("{k} missing in {name}"));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
        for (k, m) in zh {
            if let Some(e) = en.get(k) {
                assert_eq!(args_of(m), args_of(e), "arguments of {k} differ");
            }
        }
        for (k, m) in en {
            if let Some(b) = base(k) {
                assert_eq!(args_of(m), args_of(en[b.as_str()]), "arguments of {k}");
            }
        }
    }

    /// Every key appears, quoted, in some source file of the workspace
    /// (Rust, HTML or JS), so the catalogue holds no dead text.
    #[test]
    fn every_key_is_used_somewhere() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut text = String::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                let name = e.file_name().to_string_lossy().to_string();
                if p.is_dir() {
                    if !name.starts_with('.') && name != "target" && name != "catalogue" {
                        stack.push(p);
                    }
                } else if [".rs", ".html", ".js"].iter().any(|x| name.ends_with(x))
                    && let Ok(s) = std::fs::read_to_string(&p)
                {
                    text.push_str(&s);
                }
            }
        }
        // The other way: a key that `text(lang, "…")` or `t!(lang, "…"`
        // names, with a section prefix the catalogue has, exists.
        let sections: BTreeSet<&str> = keys(Lang::En).filter_map(|k| k.split('.').next()).collect();
        let mut undefined = BTreeSet::new();
        for call in ["text(", "t!("] {
            for (i, _) in text.match_indices(call) {
                let after = &text[i + call.len()..];
                let Some(comma) = after.find(',') else {
                    continue;
                };
                let rest = after[comma + 1..].trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let Some(end) = rest.find('"') else { continue };
                let k = &rest[..end];
                let known_section = k.split('.').next().is_some_and(|s| sections.contains(s));
                if k.contains('.') && known_section && !has(Lang::En, k) {
                    undefined.insert(k.to_string());
                }
            }
        }
        assert!(
            undefined.is_empty(),
            "keys the sources use but no catalogue has: {undefined:#?}"
        );
        // The help of each command and argument (`help.cmd…`, `help.arg…`)
        // is looked up by its place in the command tree; the binary's own
        // test checks that each is used.
        let unused: Vec<&str> = keys(Lang::En)
            .map(|k| k.strip_suffix(".one").unwrap_or(k))
            .filter(|k| {
                !(*k == "help.cmd" || k.starts_with("help.cmd.") || k.starts_with("help.arg."))
            })
            .filter(|k| !text.contains(&format!("\"{k}\"")))
            .collect();
        assert!(unused.is_empty(), "keys no source uses: {unused:#?}");
    }

    #[test]
    fn languages_parse_and_default_from_the_locale() {
        for s in ["zh-CN", "zh", "ZH_cn", "zh_CN.UTF-8", "zh-Hans"] {
            assert_eq!(Lang::parse(s), Ok(Lang::ZhCn), "{s}");
        }
        for s in ["en", "en-US", "en_GB.UTF-8", "EN"] {
            assert_eq!(Lang::parse(s), Ok(Lang::En), "{s}");
        }
        assert!(Lang::parse("fr").unwrap_err().to_string().contains("zh-CN"));
        assert_eq!(Lang::from_locale("zh_TW.UTF-8"), Lang::ZhCn);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale(""), Lang::En);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Ok(l));
        }
    }

    #[test]
    fn arguments_and_plurals_fill_in() {
        assert_eq!(fill("{a} and {b}", &[("a", &1), ("b", &"x")]), "1 and x");
        assert_eq!(fill("{a} {missing}", &[("a", &1)]), "1 {missing}");
        assert_eq!(t!(Lang::En, "unit.crews", n = 1), "1 crew");
        assert_eq!(t!(Lang::En, "unit.crews", n = 2), "2 crews");
        assert_eq!(t!(Lang::ZhCn, "unit.crews", n = 1), "1 支队伍");
    }

    #[test]
    fn json_is_an_object_of_every_key() {
        for l in Lang::ALL {
            let j = catalogue_json(l);
            assert!(j.starts_with("{\"") && j.ends_with("\"}"), "{j}");
            for k in keys(l) {
                assert!(j.contains(&format!("\"{k}\":")), "{l}: {k} not in the JSON");
            }
            assert!(!j.contains('<'), "'<' must be escaped in the JSON");
        }
    }

    #[test]
    fn counts_separate_thousands() {
        assert_eq!(count(1131000.0), "1,131,000");
        assert_eq!(count(-507.0), "-507");
        assert_eq!(count(12.5), "12.5");
        assert_eq!(count(0.0), "0");
    }
}
