//! Reading the user's small text files (config, backend files, a secret file) so that a path
//! naming something else — a FIFO that never ends, `/dev/zero`, a directory, a huge file — is
//! refused with a reason instead of hanging rolo or eating its memory.

use std::fs::FileType;
use std::io::{self, Read};
#[cfg(unix)]
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

/// The largest config, backend or secret file rolo reads: 1 MiB. The largest real one is a
/// few KiB, so anything bigger is a wrong path, not a file to read.
pub const MAX_TEXT_FILE: u64 = 1024 * 1024;

/// The whole of `path` as UTF-8 text, when it is a regular file of at most
/// [`MAX_TEXT_FILE`] bytes. A missing file keeps its `NotFound` kind (callers treat it as
/// absent); every refusal says why, for a message after the path.
pub fn read_text(path: &Path) -> io::Result<String> {
    // Looked at before opening: opening a FIFO for reading waits for a writer forever.
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() {
        return Err(io::Error::other(format!("it is {}, not a regular file", describe(kind))));
    }
    // The size is checked while reading too: a file may grow, and some files report none.
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_TEXT_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TEXT_FILE {
        return Err(io::Error::other(format!(
            "it is larger than {} MiB, far more than any config or backend file",
            MAX_TEXT_FILE / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

fn describe(kind: FileType) -> &'static str {
    if kind.is_dir() { "a directory" } else { describe_special(kind) }
}

#[cfg(unix)]
fn describe_special(kind: FileType) -> &'static str {
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "something else"
    }
}

#[cfg(not(unix))]
fn describe_special(_kind: FileType) -> &'static str {
    "something else"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.toml");
        std::fs::write(&small, "a = 1\n").unwrap();
        assert_eq!(read_text(&small).unwrap(), "a = 1\n");
        assert_eq!(read_text(&dir.path().join("missing")).unwrap_err().kind(), io::ErrorKind::NotFound);
        let refused = |path: &Path| read_text(path).unwrap_err().to_string();
        assert!(refused(dir.path()).contains("a directory"));
        assert!(refused(Path::new("/dev/zero")).contains("a character device"));
        let huge = dir.path().join("huge.toml");
        std::fs::write(&huge, vec![b'#'; 2 * 1024 * 1024]).unwrap();
        assert!(refused(&huge).contains("larger than 1 MiB"));
    }
}
