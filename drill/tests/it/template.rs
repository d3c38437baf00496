//! Templates: both stock templates realise into valid scenarios; one seed
//! gives one scenario; seeds differ in what they draw; bad templates are
//! named with file and line.

use super::{quake, stock};
use qilian_drill::template::{load_template, realise, realised_text};

fn seed(k: u8) -> [u8; 32] {
    let mut s = [0u8; 32];
    s[0] = k;
    s[31] = k.wrapping_mul(37);
    s
}

#[test]
fn stock_templates_realise_into_valid_scenarios() {
    for name in ["drill-ganzhou-flood-or-quake.ron", "drill-ganzhou-any.ron"] {
        let t = load_template(&stock(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut families = std::collections::BTreeSet::new();
        for k in 0..12 {
            let s = realise(&t, &seed(k)).unwrap_or_else(|e| panic!("{name} seed {k}: {e}"));
            assert_eq!(s.file.hazards.len(), 1);
            families.insert(s.file.hazards[0].kind_name());
        }
        assert!(
            families.len() >= 2,
            "{name}: twelve seeds drew only {families:?}"
        );
    }
}

#[test]
fn one_seed_one_scenario() {
    let t = quake();
    let a = realised_text(&t.template, &seed(3));
    let b = realised_text(&t.template, &seed(3));
    assert_eq!(a, b);
    let c = realised_text(&t.template, &seed(4));
    assert_ne!(a, c, "another seed draws another magnitude or site");
}

#[test]
fn bad_template_names_file_and_line() {
    let dir = super::scratch("bad-template");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(super::data("drill-quake.ron"))
        .unwrap()
        .replace("horizon_h: 24.0", "horizon_hours: 24.0");
    let p = dir.join("bad.ron");
    std::fs::write(&p, text).unwrap();
    let e = load_template(&p).unwrap_err().to_string();
    assert!(e.contains("bad.ron") && e.contains("horizon_hours"), "{e}");
    assert!(e.contains("bad.ron:8:"), "line of the bad field: {e}");
}

/// A model name the hazard library does not know is an error when the drill
/// is realised (the engine's loader checks it), not a hazard that silently
/// does nothing.
#[test]
fn unknown_gmpe_in_a_template_is_an_error() {
    let dir = super::scratch("unknown-gmpe");
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(super::data("drill-quake.ron")).unwrap();
    let abs = |rel: &str| format!("{:?}", stock(rel).canonicalize().unwrap());
    let text = good
        .replace(
            "\"../../../scenarios/regions/ganzhou.ron\"",
            &abs("regions/ganzhou.ron"),
        )
        .replace(
            "\"../../../scenarios/plans/ganzhou-baseline.ron\"",
            &abs("plans/ganzhou-baseline.ron"),
        )
        .replace("gmpe: \"BooreAtkinson2008\"", "gmpe: \"Campbell2003\"");
    assert_ne!(good, text);
    let p = dir.join("t.ron");
    std::fs::write(&p, text).unwrap();
    let e = match load_template(&p) {
        Err(e) => e.to_string(),
        Ok(t) => realise(&t, &seed(1)).map(|_| ()).unwrap_err().to_string(),
    };
    assert!(e.contains("unknown gmpe `Campbell2003`"), "{e}");
}
