//! Opens files under the root on systems other than Linux, with std only.
//!
//! Unlike `confine_linux.rs` this checks a name and then opens it by name,
//! so a symlink or file swapped between the two steps can still be served:
//! good enough for a development server on a machine the developer owns,
//! and documented in `tools/README.md`. Same interface as the Linux file.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The served directory, by its canonical path.
pub struct Root {
    path: PathBuf,
}

impl Root {
    /// `path` must be canonical.
    pub fn open(path: PathBuf) -> io::Result<Root> {
        Ok(Root { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A file under the root, by its canonical path.
pub struct Located(PathBuf);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Directory,
    /// A FIFO, socket or device: never opened for reading.
    Other,
}

/// Resolves `relative` under the root, following symlinks. `Ok(None)`: it
/// resolves to a file outside the root.
pub fn locate(root: &Root, relative: &Path) -> io::Result<Option<Located>> {
    let real = std::fs::canonicalize(root.path.join(relative))?;
    Ok(real.starts_with(&root.path).then_some(Located(real)))
}

impl Located {
    pub fn kind(&self) -> io::Result<Kind> {
        let metadata = std::fs::metadata(&self.0)?;
        Ok(if metadata.is_file() {
            Kind::File
        } else if metadata.is_dir() {
            Kind::Directory
        } else {
            Kind::Other
        })
    }

    /// Opens the file for reading. Only for [`Kind::File`].
    pub fn open_for_reading(self) -> io::Result<File> {
        let file = File::open(&self.0)?;
        if !file.metadata()?.is_file() {
            return Err(io::Error::other("the file changed into a non-regular one"));
        }
        Ok(file)
    }
}

/// Whether an error from [`locate`] means that the name resolves to
/// nothing that could be served (404).
pub fn names_nothing(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::InvalidFilename)
}
