//! Reading an input file safely, for every command: the path must name a
//! regular file (a FIFO, a device, a socket or a directory is refused
//! before it is opened, so nothing blocks or reads forever) and the file
//! must not be larger than the input limit ([`DEFAULT_LIMIT`], 1 GiB,
//! unless the binary sets another with [`set_limit`] from
//! `QILIAN_MAX_INPUT_BYTES`). The limit is also enforced while reading, so
//! a file that grows is cut off and refused.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The default input limit: 1 GiB.
pub const DEFAULT_LIMIT: u64 = 1 << 30;

/// The environment variable the binary reads to change the limit (bytes).
pub const LIMIT_ENV: &str = "QILIAN_MAX_INPUT_BYTES";

static LIMIT: AtomicU64 = AtomicU64::new(DEFAULT_LIMIT);

/// The input limit in bytes.
pub fn limit() -> u64 {
    LIMIT.load(Ordering::Relaxed)
}

/// Set the input limit in bytes (the binary, from [`LIMIT_ENV`]).
pub fn set_limit(bytes: u64) {
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// Why an input file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// No such file.
    NotFound(PathBuf),
    /// Not a regular file (the kind, e.g. "a FIFO").
    NotRegular(PathBuf, &'static str),
    /// Larger than the limit.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, if known.
        size: Option<u64>,
        /// The limit.
        limit: u64,
    },
    /// Not UTF-8 text.
    NotUtf8(PathBuf, usize),
    /// Any other I/O error.
    Io(PathBuf, String),
}

impl InputError {
    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            InputError::NotFound(p)
            | InputError::NotRegular(p, _)
            | InputError::TooLarge { path: p, .. }
            | InputError::NotUtf8(p, _)
            | InputError::Io(p, _) => p,
        }
    }

    /// What is wrong, without the file.
    pub fn reason(&self) -> String {
        match self {
            InputError::NotFound(_) => "no such file".into(),
            InputError::NotRegular(_, "a directory") => "is a directory, not a file".into(),
            InputError::NotRegular(_, kind) => {
                format!("not a regular file ({kind}); give the path of a file")
            }
            InputError::TooLarge { size, limit, .. } => format!(
                "larger than the input limit of {limit} bytes{}; set {LIMIT_ENV} to raise it",
                size.map_or(String::new(), |s| format!(" ({s} bytes)"))
            ),
            InputError::NotUtf8(_, at) => format!("not UTF-8 text (invalid byte at offset {at})"),
            InputError::Io(_, e) => e.clone(),
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path().display(), self.reason())
    }
}

impl std::error::Error for InputError {}

fn kind(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

fn io(path: &Path, e: std::io::Error) -> InputError {
    if e.kind() == std::io::ErrorKind::NotFound {
        InputError::NotFound(path.to_path_buf())
    } else {
        InputError::Io(path.to_path_buf(), e.to_string())
    }
}

/// Open `path` for reading if it names a regular file no larger than
/// `limit`. The type is checked before opening (opening a FIFO blocks) and
/// again on the open file.
pub fn open(path: &Path, limit: u64) -> Result<File, InputError> {
    let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
    check(path, &meta, limit)?;
    let file = File::open(path).map_err(|e| io(path, e))?;
    let meta = file.metadata().map_err(|e| io(path, e))?;
    check(path, &meta, limit)?;
    Ok(file)
}

fn check(path: &Path, meta: &std::fs::Metadata, limit: u64) -> Result<(), InputError> {
    if !meta.file_type().is_file() {
        return Err(InputError::NotRegular(
            path.to_path_buf(),
            kind(meta.file_type()),
        ));
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            size: Some(meta.len()),
            limit,
        });
    }
    Ok(())
}

/// Read all of an already open `file` (named `path` in errors), checking
/// it is a regular file and reading at most `limit` bytes.
pub fn read_open(path: &Path, file: &File, limit: u64) -> Result<Vec<u8>, InputError> {
    let meta = file.metadata().map_err(|e| io(path, e))?;
    check(path, &meta, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            size: None,
            limit,
        });
    }
    Ok(bytes)
}

/// Read a whole regular file of at most `limit` bytes.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let file = open(path, limit)?;
    read_open(path, &file, limit)
}

/// Read a regular file within the input limit ([`limit`]).
pub fn read(path: &Path) -> Result<Vec<u8>, InputError> {
    read_file(path, limit())
}

/// Read a regular UTF-8 text file within the input limit.
pub fn read_to_string(path: &Path) -> Result<String, InputError> {
    let bytes = read(path)?;
    String::from_utf8(bytes)
        .map_err(|e| InputError::NotUtf8(path.to_path_buf(), e.utf8_error().valid_up_to()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused_before_reading() {
        let e = read(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("character device"), "{e}");
        let e = read(Path::new("/")).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
        assert!(matches!(
            read(Path::new("/no/such/file")),
            Err(InputError::NotFound(_))
        ));
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let p = std::env::temp_dir().join(format!("qilian-input-{}", std::process::id()));
        std::fs::write(&p, [b'x'; 100]).unwrap();
        assert_eq!(read_file(&p, 100).unwrap().len(), 100);
        let e = read_file(&p, 99).unwrap_err();
        assert!(e.to_string().contains("QILIAN_MAX_INPUT_BYTES"), "{e}");
        std::fs::write(&p, [0xff, b'a']).unwrap();
        assert!(matches!(read_to_string(&p), Err(InputError::NotUtf8(_, 0))));
        std::fs::remove_file(&p).unwrap();
    }
}
