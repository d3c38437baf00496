//! `hindcast`: the library runs and prints the model beside what was
//! observed; bad libraries are refused with exit 2.

use super::{qilian, repo, scratch, text};

#[test]
fn the_library_runs_and_reports_every_observation() {
    let dir = scratch("hindcast");
    let lib = repo("scenarios/hindcasts");
    let o = qilian(&dir, &["hindcast", &lib, "--runs", "10", "--out", "hc"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("Minle–Shandan"), "{out}");
    assert!(
        out.contains("casualties.deaths      observed        9"),
        "{out}"
    );
    let rows: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("hc/hindcast.json")).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    // Minle–Shandan, Jishishan, Graniteville and Huai'an: deaths and
    // injuries; Menyuan: deaths.
    assert_eq!(rows.len(), 9, "{rows:?}");
    for r in rows {
        assert_eq!(r["runs"], 10);
        let (p10, p50, p90) = (
            r["p10"].as_f64().unwrap(),
            r["median"].as_f64().unwrap(),
            r["p90"].as_f64().unwrap(),
        );
        assert!(p10 <= p50 && p50 <= p90, "{r}");
        let observed = r["observed"].as_f64().unwrap();
        if observed > 0.0 {
            let ratio = r["ratio"].as_f64().unwrap();
            assert!((ratio - p50 / observed).abs() < 1e-9);
        } else {
            // Nothing observed: no ratio; within the factor when at most 3.
            assert!(r["ratio"].is_null(), "{r}");
            assert_eq!(r["within_factor_3"], p50 <= 3.0, "{r}");
        }
    }
    assert!(out.contains("Menyuan"), "{out}");
    assert!(out.contains("Graniteville"), "{out}");
    assert!(out.contains("Huai'an"), "{out}");
    let csv = std::fs::read_to_string(dir.join("hc/hindcast.csv")).unwrap();
    assert_eq!(csv.lines().count(), 10, "{csv}");
}

#[test]
fn bad_libraries_are_input_errors() {
    let dir = scratch("hindcast-bad");
    std::fs::write(
        dir.join("minle.ron"),
        std::fs::read_to_string(repo("scenarios/hindcasts/minle-shandan-2003.ron"))
            .unwrap()
            .replace(
                "\"../zhangye/",
                &format!("\"{}/", repo("scenarios/zhangye")),
            ),
    )
    .unwrap();
    for (lib, want) in [
        (
            "Hindcasts(events: [(event: \"x\", scenario: \"minle.ron\", observed: [(kpi: \"casualties.nope\", value: 1.0, source: \"s\")])])",
            "the runs have no KPI `casualties.nope`",
        ),
        (
            "Hindcasts(events: [(event: \"x\", scenario: \"minle.ron\", observed: [(kpi: \"casualties.deaths\", valeu: 1.0, source: \"s\")])])",
            "hindcasts.ron:1:",
        ),
        ("Hindcasts(events: [])", "no events"),
    ] {
        std::fs::write(dir.join("hindcasts.ron"), lib).unwrap();
        let o = qilian(&dir, &["hindcast", ".", "--runs", "2"]);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{lib}: {err}");
        assert!(err.contains(want), "{lib}: {err}");
    }
}

/// Runs one event of the hindcast library alone (its own entry, observed
/// figures and sources) with `runs` replicates; returns the hindcast rows
/// (deaths, then injuries) and the command's stdout.
fn one_event(
    dir: &str,
    event: &str,
    scenario: &str,
    runs: &str,
) -> (Vec<serde_json::Value>, String) {
    let dir = scratch(dir);
    let lib = std::fs::read_to_string(repo("scenarios/hindcasts/hindcasts.ron")).unwrap();
    let start = lib
        .find(&format!("        (\n            event: \"{event}"))
        .unwrap();
    let end = start + lib[start..].find("\n        ),\n").unwrap() + "\n        ),\n".len();
    let entry = lib[start..end].replace(
        &format!("scenario: \"{scenario}\""),
        &format!(
            "scenario: {:?}",
            repo(&format!("scenarios/hindcasts/{scenario}"))
        ),
    );
    std::fs::write(
        dir.join("hindcasts.ron"),
        format!("Hindcasts(events: [\n{entry}])\n"),
    )
    .unwrap();
    let o = qilian(&dir, &["hindcast", ".", "--runs", runs, "--out", "hc"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let rows: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("hc/hindcast.json")).unwrap()).unwrap();
    let rows = rows.as_array().unwrap().clone();
    let kpis: Vec<&str> = rows.iter().map(|r| r["kpi"].as_str().unwrap()).collect();
    assert_eq!(kpis, ["casualties.deaths", "casualties.injuries"], "{out}");
    (rows, out)
}

/// The model against the Jishishan 2023 hindcast, fast enough for every
/// test run: the 30 replicates of the README table on the small Jishishan
/// region (a few seconds in debug; fewer replicates leave the median to
/// chance, the spread being wide). Fails when the
/// median deaths or injuries drift outside the factor of 3 the hindcast
/// library is judged by (scenarios/hindcasts/README.md).
#[test]
fn jishishan_2023_deaths_and_injuries_are_within_a_factor_of_3() {
    let (rows, out) = one_event(
        "hindcast-jishishan",
        "2023-12-18 Jishishan",
        "jishishan-2023.ron",
        "30",
    );
    assert_within(&rows, [3.0, 3.0], &out);
}

/// The Graniteville 2005 chlorine hindcast: 54.9 t released in the middle
/// of 5,400 sheltering people. With the dense cloud's spreading the
/// injuries are within the factor of 3 (about 2× high); the deaths are not
/// yet (about 4.5× high, scenarios/hindcasts/README.md). This checks the
/// injuries against ×3, the deaths against ×10, and fewer deaths than
/// injuries.
#[test]
fn graniteville_2005_chlorine_injures_within_a_factor_of_3() {
    let (rows, out) = one_event(
        "hindcast-graniteville",
        "2005-01-06 Graniteville",
        "graniteville-2005.ron",
        "10",
    );
    assert_within(&rows, [10.0, 3.0], &out);
    let median = |k: usize| rows[k]["median"].as_f64().unwrap();
    assert!(median(0) < median(1), "{out}");
}

/// The Huai'an 2005 chlorine hindcast, 20 t spilt beside 10,000 unwarned
/// villagers: deaths and injuries within the factor of 3.
#[test]
fn huaian_2005_chlorine_kills_and_injures_within_a_factor_of_3() {
    let (rows, out) = one_event(
        "hindcast-huaian",
        "2005-03-29 Huai'an",
        "huaian-2005.ron",
        "20",
    );
    assert_within(&rows, [3.0, 3.0], &out);
}

/// Each row's median within `factors[k]` of the observed (deaths, then
/// injuries), either way; at 3 the row's own `within_factor_3` agrees.
fn assert_within(rows: &[serde_json::Value], factors: [f64; 2], out: &str) {
    for (r, factor) in rows.iter().zip(factors) {
        let ratio = r["ratio"].as_f64().unwrap();
        assert!(
            (1.0 / factor..=factor).contains(&ratio)
                && (factor != 3.0 || r["within_factor_3"] == true),
            "{} median {} against {} observed (ratio {ratio:.2}, factor {factor}):\n{out}",
            r["kpi"],
            r["median"],
            r["observed"]
        );
    }
}
