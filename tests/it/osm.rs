//! `qilian import osm` on the real fixture and on bad input.

use super::{qilian, repo, scratch, text};

const FIXTURE: &str = "osm/tests/data/helsinki.osm.pbf";

#[test]
fn import_osm_writes_a_region_that_validates() {
    let dir = scratch("import-osm");
    let o = qilian(
        &dir,
        &["import", "osm", &repo(FIXTURE), "--out", "helsinki.ron"],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("791 nodes, 1335 links"), "{out}");
    assert!(err.contains("strongly connected"), "{err}");
    let ron = std::fs::read_to_string(dir.join("helsinki.ron")).unwrap();
    assert!(ron.contains("OpenStreetMap contributors"));
    let o = qilian(&dir, &["validate", "helsinki.ron"]);
    assert!(o.status.success(), "{}", text(&o).1);
    // Same input, same bytes, into a folder that does not exist yet.
    let o = qilian(
        &dir,
        &[
            "import",
            "osm",
            &repo(FIXTURE),
            "--out",
            "new/dir/again.ron",
        ],
    );
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(ron == std::fs::read_to_string(dir.join("new/dir/again.ron")).unwrap());
    // A bbox (negative-free here, but hyphen values must parse too).
    let o = qilian(
        &dir,
        &[
            "import",
            "osm",
            &repo(FIXTURE),
            "--bbox",
            "24.935,60.163,24.955,60.172",
            "--out",
            "small.ron",
        ],
    );
    assert!(o.status.success(), "{}", text(&o).1);
}

#[test]
fn import_osm_rejects_bad_input_with_exit_2_and_no_output() {
    let dir = scratch("import-osm-bad");
    std::fs::write(
        dir.join("garbage.osm.pbf"),
        b"\x00\x00\x00\x05hello, this is not a PBF",
    )
    .unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["garbage.osm.pbf"], "garbage.osm.pbf"),
        (&["missing.osm.pbf"], "missing.osm.pbf: no such file"),
        (&["."], "is a directory"),
        (&[FIXTURE, "--bbox", "1,2,3"], "--bbox"),
        (&[FIXTURE, "--bbox", "-10,-10,-11,-9"], "--bbox"),
    ];
    for (args, want) in cases {
        let mut full = vec!["import", "osm"];
        let fixture = repo(FIXTURE);
        full.extend(
            args.iter()
                .map(|a| if *a == FIXTURE { fixture.as_str() } else { a }),
        );
        full.extend(["--out", "out.ron"]);
        let o = qilian(&dir, &full);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            !dir.join("out.ron").exists(),
            "{args:?} left an output file"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    let _ = std::fs::remove_dir_all(dir);
}
