//! Opens files under the root on Linux so that no later step looks the
//! name up again: a file is first opened `O_PATH` (which reads nothing,
//! so FIFOs, sockets and devices are safe to open), that descriptor is
//! checked (inside the root, which kind of file), and the bytes served are
//! read from a descriptor reopened from it, never from the name.
//!
//! Note 1: a check by name followed by an open by name can be raced: a
//! symlink flipped between the two served a file outside the root. Here
//! the kernel resolves the name once, with `openat2(RESOLVE_BENEATH)`
//! relative to the root's descriptor, and refuses any step that leaves the
//! root. Where `openat2` is missing (Linux before 5.6, or a seccomp filter
//! that refuses it), or refuses a symlink that it cannot judge (an absolute
//! one, which may well point back inside), the name is opened normally and
//! the kernel's path of the opened descriptor (`/proc/self/fd/N`) is
//! compared with the root instead. Either way the check is about the
//! descriptor that is then read.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{FileType, Mode, OFlags, ResolveFlags};
use rustix::io::Errno;

/// The served directory: its canonical path and an `O_PATH` descriptor
/// that every lookup starts from.
pub struct Root {
    path: PathBuf,
    dir: OwnedFd,
}

impl Root {
    /// Opens `path`, which must be canonical (no symlinks, absolute).
    pub fn open(path: PathBuf) -> io::Result<Root> {
        let dir = rustix::fs::open(&path, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
        Ok(Root { path, dir })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A file under the root, opened without reading anything.
pub struct Located(OwnedFd);

/// What a located file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Directory,
    /// A FIFO, socket or device: never opened for reading.
    Other,
}

/// Cleared the first time `openat2` turns out not to exist.
static OPENAT2_WORKS: AtomicBool = AtomicBool::new(true);

/// Opens `relative` (plain names only; the caller removed `..`) under the
/// root, following symlinks. `Ok(None)`: it resolves to a file outside the
/// root.
pub fn locate(root: &Root, relative: &Path) -> io::Result<Option<Located>> {
    // openat2 asks for a retry when a rename or mount raced with the lookup.
    const ATTEMPTS: usize = 4;
    let relative = if relative.as_os_str().is_empty() { Path::new(".") } else { relative };
    if OPENAT2_WORKS.load(Ordering::Relaxed) {
        for _ in 0..ATTEMPTS {
            let opened = rustix::fs::openat2(
                &root.dir,
                relative,
                OFlags::PATH | OFlags::CLOEXEC,
                Mode::empty(),
                ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS,
            );
            match opened {
                Ok(fd) => return Ok(Some(Located(fd))),
                Err(Errno::AGAIN) => {}
                // The path leaves the root, or holds an absolute symlink:
                // the fallback below decides by where it really leads.
                Err(Errno::XDEV) => break,
                Err(Errno::NOSYS) => {
                    OPENAT2_WORKS.store(false, Ordering::Relaxed);
                    break;
                }
                // Some seccomp filters refuse unknown system calls with
                // EPERM; the fallback gives the real answer.
                Err(Errno::PERM) => break,
                Err(error) => return Err(error.into()),
            }
        }
    }
    locate_by_proc(root, relative)
}

/// The fallback of [`locate`]: open normally, then ask the kernel where the
/// descriptor is.
fn locate_by_proc(root: &Root, relative: &Path) -> io::Result<Option<Located>> {
    let fd = rustix::fs::open(root.path.join(relative), OFlags::PATH | OFlags::CLOEXEC, Mode::empty())?;
    let real = std::fs::read_link(proc_fd_path(&fd)).map_err(|error| {
        io::Error::new(error.kind(), format!("cannot read /proc/self/fd to confine a file: {error}"))
    })?;
    Ok(real.starts_with(&root.path).then_some(Located(fd)))
}

fn proc_fd_path(fd: &OwnedFd) -> String {
    format!("/proc/self/fd/{}", fd.as_raw_fd())
}

impl Located {
    pub fn kind(&self) -> io::Result<Kind> {
        let stat = rustix::fs::fstat(&self.0)?;
        Ok(match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Directory,
            _ => Kind::Other,
        })
    }

    /// Opens the located file for reading, with read permission checked
    /// now. Only for [`Kind::File`].
    pub fn open_for_reading(self) -> io::Result<File> {
        // Opening the magic link /proc/self/fd/N opens the file that the
        // `O_PATH` descriptor holds (the same inode, whatever its names are
        // now); it is not a lookup in the served tree.
        let fd = rustix::fs::open(
            proc_fd_path(&self.0),
            OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK,
            Mode::empty(),
        )
        .map_err(|error| {
            let error = io::Error::from(error);
            io::Error::new(error.kind(), format!("cannot reopen through /proc/self/fd: {error}"))
        })?;
        let file = File::from(fd);
        // Belt and braces: the reopened file must be the one checked.
        let checked = rustix::fs::fstat(&self.0)?;
        let opened = file.metadata()?;
        if opened.dev() != checked.st_dev || opened.ino() != checked.st_ino || !opened.is_file() {
            return Err(io::Error::other("the file reopened through /proc/self/fd is not the one checked"));
        }
        Ok(file)
    }
}

/// Whether an error from [`locate`] means that the name resolves to
/// nothing that could be served: missing, a file used as a directory, a
/// name too long, or a symlink loop. These are answered 404.
pub fn names_nothing(error: &io::Error) -> bool {
    matches!(Errno::from_io_error(error), Some(Errno::NOENT | Errno::NOTDIR | Errno::NAMETOOLONG | Errno::LOOP))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch root with `inside.txt`, a file next to it and symlinks.
    struct Scratch(PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn scratch(name: &str) -> io::Result<(Scratch, Root)> {
        let dir = std::env::temp_dir().join(format!("qs-confine-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let scratch = Scratch(dir.clone());
        let www = dir.join("www");
        std::fs::create_dir_all(www.join("sub"))?;
        std::fs::write(www.join("inside.txt"), "in")?;
        std::fs::write(dir.join("outside.txt"), "out")?;
        std::os::unix::fs::symlink("../outside.txt", www.join("out-relative"))?;
        std::os::unix::fs::symlink(dir.join("outside.txt"), www.join("out-absolute"))?;
        let root = Root::open(std::fs::canonicalize(&www)?)?;
        std::os::unix::fs::symlink(root.path().join("inside.txt"), www.join("in-absolute"))?;
        std::os::unix::fs::symlink("sub/../inside.txt", www.join("in-relative"))?;
        Ok((scratch, root))
    }

    #[test]
    fn confines_symlinks_both_ways() -> io::Result<()> {
        let (_scratch, root) = scratch("symlinks")?;
        for (name, inside) in [
            ("inside.txt", true),
            ("in-relative", true),
            ("in-absolute", true),
            ("out-relative", false),
            ("out-absolute", false),
            ("sub", true),
            ("", true),
        ] {
            let located = locate(&root, Path::new(name))?;
            assert_eq!(located.is_some(), inside, "{name}");
            // The fallback agrees with openat2.
            assert_eq!(locate_by_proc(&root, Path::new(name))?.is_some(), inside, "{name} by /proc");
        }
        let Some(located) = locate(&root, Path::new("in-absolute"))? else { panic!("in-absolute refused") };
        assert_eq!(located.kind()?, Kind::File);
        let contents = io::read_to_string(located.open_for_reading()?)?;
        assert_eq!(contents, "in");
        Ok(())
    }

    #[test]
    fn unresolvable_names() -> io::Result<()> {
        let (_scratch, root) = scratch("unresolvable")?;
        let long = "n".repeat(300);
        for name in ["missing", "inside.txt/x", long.as_str()] {
            match locate(&root, Path::new(name)) {
                Err(error) => assert!(names_nothing(&error), "{name}: {error}"),
                Ok(located) => panic!("{name}: located {}", located.is_some()),
            }
        }
        Ok(())
    }
}
