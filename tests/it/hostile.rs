//! Hostile paths and pipes: a FIFO, a device or a directory given as any
//! input is refused at once with exit 2; an input over the limit is
//! refused; a closed standard output stops the printing, not the command.

use super::{repo, scratch, text};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Run with a deadline: a hang is a failure, not a stuck test.
fn qilian_within(dir: &Path, args: &[&str], secs: u64) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qilian"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("qilian {args:?} still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Every command that reads a file, with `bad` as that file.
fn surfaces(bad: &str) -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
    vec![
        s(&["validate", bad]),
        s(&["run", bad, "--out", "o"]),
        s(&["stress", bad, "--runs", "2", "--out", "o"]),
        s(&["import", "osm", bad, "--out", "r.ron"]),
        s(&["model", "fragility", "--input", bad]),
        s(&["drill", "new", bad, "--teams", "1", "--out", "d"]),
        s(&["merge", "shard", "--out", "o"]),
    ]
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_directories_are_refused_quickly_with_exit_2() {
    let dir = scratch("hostile-paths");
    let fifo = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for (bad, kind) in [
        (fifo.to_str().unwrap(), "FIFO"),
        ("/dev/zero", "character device"),
        ("/tmp", "directory"),
    ] {
        // `merge` reads `shard/shard.json`.
        let shard = dir.join("shard");
        let _ = std::fs::remove_dir_all(&shard);
        let _ = std::fs::remove_file(&shard);
        std::fs::create_dir_all(&shard).unwrap();
        if bad == "/tmp" {
            std::fs::create_dir(shard.join("shard.json")).unwrap();
        } else {
            std::os::unix::fs::symlink(bad, shard.join("shard.json")).unwrap();
        }
        for args in surfaces(bad) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let start = Instant::now();
            let o = qilian_within(&dir, &args, 20);
            let (_, err) = text(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains(kind), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            assert!(start.elapsed() < Duration::from_secs(10), "{args:?}");
        }
    }
}

#[test]
fn an_input_over_the_limit_is_refused_with_the_variable_to_raise_it() {
    let dir = scratch("hostile-limit");
    let scenario = repo("scenarios/ganzhou-flood.ron");
    let o = Command::new(env!("CARGO_BIN_EXE_qilian"))
        .args(["validate", &scenario])
        .env("QILIAN_MAX_INPUT_BYTES", "100")
        .current_dir(&dir)
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("ganzhou-flood.ron"), "{err}");
    assert!(err.contains("QILIAN_MAX_INPUT_BYTES"), "{err}");
    let o = Command::new(env!("CARGO_BIN_EXE_qilian"))
        .args(["validate", &scenario])
        .env("QILIAN_MAX_INPUT_BYTES", "lots")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let dir = scratch("hostile-pipe");
    let scenario = repo("scenarios/ganzhou-flood.ron");
    for args in [
        vec!["validate", scenario.as_str()],
        vec!["model", "fragility", "--input", "cases.csv"],
    ] {
        std::fs::write(
            dir.join("cases.csv"),
            format!("class,im\n{}", "HWB.GS.5,0.5\n".repeat(2000)),
        )
        .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_qilian"))
            .args(&args)
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // `| head -0`
        let o = child.wait_with_output().unwrap();
        let (_, err) = text(&o);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(o.status.code(), Some(101), "{args:?}: {err}");
    }
}
