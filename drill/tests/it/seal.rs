//! `drill new` keeps its secrets private: the drill directory and
//! `secret/` are 0700, the seed, the tokens and the journal 0600.

#![cfg(unix)]

use super::{SEED, quake, scratch};
use qilian_drill::seal::create_with_seed;
use std::os::unix::fs::PermissionsExt;

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn secrets_are_owner_only() {
    for existing in [false, true] {
        let dir = scratch("modes");
        if existing {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        create_with_seed(&quake(), 2, &dir, SEED).unwrap();
        assert_eq!(mode(&dir), 0o700, "the drill directory");
        assert_eq!(mode(&dir.join("secret")), 0o700, "secret/");
        for f in ["secret/seed", "tokens.json", "journal.jsonl"] {
            assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
        }
        // The seal is published; others may read it.
        assert_eq!(mode(&dir.join("seal.json")) & 0o600, 0o600);
    }
}
