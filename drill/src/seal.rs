//! Creating a drill directory: a secret seed from OS entropy, the seal (the
//! seed's SHA-256) that is published, and the access tokens.
//!
//! Layout of `DRILL_DIR`:
//! - `drill.json`: the template path, its SHA-256, the number of teams;
//! - `seal.json`: `{"seed_sha256": …, "template_sha256": …, "teams": N}`;
//! - `tokens.json`: `{"controller": …, "teams": {"1": …, …}}`;
//! - `secret/seed`: the seed, hex (mode 0600; the server reads it and never
//!   serves it);
//! - `journal.jsonl`: orders, injects and clock changes (see `journal`).

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

/// Write a file and fsync it.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), DrillError> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

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
    let secret = dir.join("secret");
    std::fs::create_dir_all(&secret).map_err(io(&secret))?;
    let seed_path = secret.join("seed");
    write_synced(&seed_path, hex::encode(seed).as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o700))
            .map_err(io(&secret))?;
        std::fs::set_permissions(&seed_path, std::fs::Permissions::from_mode(0o600))
            .map_err(io(&seed_path))?;
    }
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
    write_synced(&dir.join("drill.json"), pretty(&info).as_bytes())?;
    write_synced(&dir.join("seal.json"), pretty(&seal).as_bytes())?;
    write_synced(&dir.join("tokens.json"), pretty(&tokens).as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join("tokens.json");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).map_err(io(&p))?;
    }
    write_synced(&dir.join("journal.jsonl"), b"")?;
    Ok(seal)
}

/// Pretty JSON with a final newline.
pub(crate) fn pretty<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s
}

/// Read a JSON file of the drill directory.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DrillError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    serde_json::from_str(&text)
        .map_err(|e| DrillError::Bad(format!("{}:{}: {e}", path.display(), e.line())))
}

/// Read the secret seed.
pub fn read_seed(dir: &Path) -> Result<[u8; 32], DrillError> {
    let path = dir.join("secret").join("seed");
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let bytes = hex::decode(text.trim())
        .map_err(|e| DrillError::Bad(format!("{}: not hex: {e}", path.display())))?;
    bytes
        .try_into()
        .map_err(|_| DrillError::Bad(format!("{}: the seed must be 32 bytes", path.display())))
}
