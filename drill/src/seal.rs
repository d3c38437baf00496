//! Creating a drill directory: a secret seed from OS entropy, the seal (the
//! seed's SHA-256) that is published, and the access tokens.
//!
//! Layout of `DRILL_DIR`:
//! - `drill.json`: the template path, its SHA-256, the number of teams;
//! - `seal.json`: `{"seed_sha256": …, "template_sha256": …, "teams": N}`;
//! - `tokens.json`: `{"controller": …, "teams": {"1": …, …}}`;
//! - `secret/seed`: the seed, hex (the server reads it and never serves
//!   it);
//! - `journal.jsonl`: orders, injects and clock changes (see `journal`).
//!
//! The directory and `secret/` are created 0700; `secret/seed`,
//! `tokens.json` and `journal.jsonl` are created 0600 from their first byte
//! (never written first and narrowed after).

use crate::DrillError;
use crate::template::{LoadedTemplate, realise};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `drill.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DrillInfo {
    /// The template, as an absolute path.
    pub template: PathBuf,
    /// SHA-256 of the template text.
    pub template_sha256: String,
    /// Number of teams.
    pub teams: u32,
}

/// `seal.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seal {
    /// SHA-256 of the 32 seed bytes, hex.
    pub seed_sha256: String,
    /// SHA-256 of the template text, hex.
    pub template_sha256: String,
    /// Number of teams.
    pub teams: u32,
}

/// `tokens.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tokens {
    /// The controller's token.
    pub controller: String,
    /// Each team's token, by team number ("1", "2", …).
    pub teams: BTreeMap<String, String>,
}

/// SHA-256, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], DrillError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| DrillError::Other(format!("OS entropy: {e}")))?;
    Ok(b)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DrillError + '_ {
    move |e| DrillError::Io(path.to_path_buf(), e.to_string())
}

/// Create a new file with `mode` (unix permissions, from the first byte:
/// never readable by others, even for a moment), write it and fsync it.
/// An existing file is an error, so a planted file or link is not followed.
pub(crate) fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), DrillError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Create a directory only its owner can enter (0700); its parents as
/// usual. An existing empty directory is narrowed to 0700.
fn private_dir(dir: &Path) -> Result<(), DrillError> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    match b.create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                    .map_err(io(dir))?;
            }
            Ok(())
        }
        Err(e) => Err(io(dir)(e)),
    }
}

/// Mode of the files anyone may read: `drill.json`, `seal.json`.
const PUBLIC: u32 = 0o644;
/// Mode of the secret files: the seed, the tokens and the journal.
const SECRET: u32 = 0o600;

/// Create a drill in `dir` (which must not exist or be empty) for `teams`
/// teams. The scenario is realised once here so a template that cannot give
/// a valid scenario fails now, not at `serve`.
pub fn create(t: &LoadedTemplate, teams: u32, dir: &Path) -> Result<Seal, DrillError> {
    if !(1..=50).contains(&teams) {
        return Err(DrillError::Bad(format!(
            "--teams must be 1–50, got {teams}"
        )));
    }
    if dir.exists() && std::fs::read_dir(dir).map_err(io(dir))?.next().is_some() {
        return Err(DrillError::Bad(format!(
            "{}: exists and is not empty",
            dir.display()
        )));
    }
    let seed: [u8; 32] = random_bytes()?;
    create_with_seed(t, teams, dir, seed)
}

/// [`create`] with a given seed instead of one from OS entropy (tests, and
/// re-creating a revealed drill).
pub fn create_with_seed(
    t: &LoadedTemplate,
    teams: u32,
    dir: &Path,
    seed: [u8; 32],
) -> Result<Seal, DrillError> {
    if !(1..=50).contains(&teams) {
        return Err(DrillError::Bad(format!(
            "--teams must be 1–50, got {teams}"
        )));
    }
    realise(t, &seed).map_err(DrillError::Load)?;
    let template = std::fs::canonicalize(&t.path).map_err(io(&t.path))?;
    private_dir(dir)?;
    let secret = dir.join("secret");
    private_dir(&secret)?;
    write_new(&secret.join("seed"), hex::encode(seed).as_bytes(), SECRET)?;
    let template_sha256 = sha256_hex(t.text.as_bytes());
    let seal = Seal {
        seed_sha256: sha256_hex(&seed),
        template_sha256: template_sha256.clone(),
        teams,
    };
    let info = DrillInfo {
        template,
        template_sha256,
        teams,
    };
    let token = || -> Result<String, DrillError> { Ok(hex::encode(random_bytes::<16>()?)) };
    let mut team_tokens = BTreeMap::new();
    for k in 1..=teams {
        team_tokens.insert(k.to_string(), token()?);
    }
    let tokens = Tokens {
        controller: token()?,
        teams: team_tokens,
    };
    write_new(&dir.join("drill.json"), pretty(&info).as_bytes(), PUBLIC)?;
    write_new(&dir.join("seal.json"), pretty(&seal).as_bytes(), PUBLIC)?;
    write_new(&dir.join("tokens.json"), pretty(&tokens).as_bytes(), SECRET)?;
    write_new(&dir.join("journal.jsonl"), b"", SECRET)?;
    Ok(seal)
}

/// Pretty JSON with a final newline.
pub(crate) fn pretty<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s
}

/// Read a text file of the drill directory: a regular file within the
/// input limit (`qilian_engine::input`).
pub(crate) fn read_text(path: &Path) -> Result<String, DrillError> {
    qilian_engine::input::read_to_string(path).map_err(|e| DrillError::Bad(e.to_string()))
}

/// Read a JSON file of the drill directory.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DrillError> {
    let text = read_text(path)?;
    serde_json::from_str(&text)
        .map_err(|e| DrillError::Bad(format!("{}:{}: {e}", path.display(), e.line())))
}

/// Read the secret seed.
pub fn read_seed(dir: &Path) -> Result<[u8; 32], DrillError> {
    let path = dir.join("secret").join("seed");
    let text = read_text(&path)?;
    let bytes = hex::decode(text.trim())
        .map_err(|e| DrillError::Bad(format!("{}: not hex: {e}", path.display())))?;
    bytes
        .try_into()
        .map_err(|_| DrillError::Bad(format!("{}: the seed must be 32 bytes", path.display())))
}
