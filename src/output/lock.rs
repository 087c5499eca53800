//! Run locks: an exclusive OS file lock (`flock`) on a lock file, so two processes never
//! work on one crawl state, one shard directory or one extraction rank at once. The lock
//! goes with the process however it ends (a SIGKILL included), so a stale lock file never
//! blocks the next run.
//!
//! Each lock is taken once per run, by the one who holds it for the run: a crawl's
//! `CrawlConfig::build` takes the state's and the shard directory's before anything is
//! opened, and hands the latter to the shards it opens ([`super::shards::Shards::open`]);
//! a rank output takes its own. A second [`acquire`] of a held lock, in this process or
//! another, is refused.

use std::io::{self, Write};
use std::path::Path;

/// A held lock; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct LockGuard {
    _file: std::fs::File,
}

/// Take the lock on `path` (created when missing), or fail with
/// [`io::ErrorKind::ResourceBusy`] naming `what` and the holder's pid when it is held.
pub fn acquire(path: &Path, what: &str) -> io::Result<LockGuard> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(path).unwrap_or_default();
            let holder = match holder.trim() {
                "" => String::new(),
                pid => format!(" (pid {pid})"),
            };
            return Err(io::Error::new(
                io::ErrorKind::ResourceBusy,
                format!("{what} is in use by another process{holder}; it is left alone"),
            ));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    // The holder's pid, for the message above (the lock, not the text, is what counts).
    let _ = file.set_len(0);
    let _ = (&file).write_all(format!("{}\n", std::process::id()).as_bytes());
    Ok(LockGuard { _file: file })
}

/// The lock of a crawl state (`<state>.lock`): one crawl per state, so a cron run that
/// starts while the previous one still runs cannot fetch the same URLs. `status` and
/// `--dry-run` read without it.
pub fn state(state: &Path) -> io::Result<LockGuard> {
    acquire(
        &crate::output::names::state_lock(state),
        &format!("the crawl state {}", state.display()),
    )
}

/// The lock of a shard directory (`DIR/.newsharvest.lock`): another crawl's shard in
/// progress is not a leftover to remove. Shards named other than `part-…` (the workers of
/// a shared frontier, `part-<worker>-…`, share a directory) lock only their own names:
/// `DIR/.newsharvest-<prefix>.lock`.
pub fn shard_dir(dir: &Path, prefix: &str) -> io::Result<LockGuard> {
    let name = crate::output::names::shard_lock(prefix);
    let what = if prefix == crate::output::names::SHARD_PREFIX {
        format!("the shard directory {}", dir.display())
    } else {
        format!("the shards {prefix}-* in {}", dir.display())
    };
    acquire(&dir.join(name), &what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_refused_until_its_guard_is_dropped() {
        let dir = crate::test_dir("lock");
        let p = dir.join("x.lock");
        let a = acquire(&p, "x").unwrap();
        // A second take, here as from another process, is refused and names the holder.
        let e = acquire(&p, "the thing x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::ResourceBusy);
        let pid = format!("(pid {})", std::process::id());
        assert!(
            e.to_string().starts_with("the thing x is in use") && e.to_string().contains(&pid),
            "{e}"
        );
        let other = std::fs::File::open(&p).unwrap();
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
        drop(a);
        assert!(other.try_lock().is_ok(), "released with its guard");
        other.unlock().unwrap();
        drop(acquire(&p, "x").unwrap());
        let _ = std::fs::remove_dir_all(dir);
    }
}
