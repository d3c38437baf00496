//! The consoles' words and glyphs: the pages' messages exist in both
//! languages and the font the server sends for them draws every character
//! the pages and their messages use.

use qilian_i18n::{Lang, keys, text};

const PAGES: [&str; 4] = [
    include_str!("../../src/pages/index.html"),
    include_str!("../../src/pages/team.html"),
    include_str!("../../src/pages/controller.html"),
    include_str!("../../src/pages/map.js"),
];

#[test]
fn every_character_of_the_pages_is_in_the_served_font() {
    let mut all = String::new();
    for lang in Lang::ALL {
        let n = keys(lang).filter(|k| k.starts_with("drill.")).count();
        assert!(n > 200, "{lang}: the pages' messages ({n})");
        for k in keys(lang).filter(|k| k.starts_with("drill.")) {
            all.push_str(text(lang, k));
        }
    }
    for p in PAGES {
        all.push_str(p);
    }
    let missing = qilian_viewer::fonts::missing_glyphs(&all);
    assert!(missing.is_empty(), "no glyph for {missing:?}");
    // The check can fail: a character the font lacks is found.
    assert_eq!(
        qilian_viewer::fonts::missing_glyphs("演练\u{1F600}"),
        ['\u{1F600}']
    );
}

#[test]
fn the_pages_ask_only_for_keys_the_catalogue_has() {
    for p in PAGES {
        for (i, _) in p.match_indices("\"drill.") {
            let key: String = p[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(*c))
                .collect();
            for lang in Lang::ALL {
                assert!(qilian_i18n::has(lang, &key), "{key} missing in {lang}");
            }
        }
    }
}
