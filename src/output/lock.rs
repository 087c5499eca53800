//! Run locks: an exclusive OS file lock (`flock`) on a lock file, so two processes never
//! work on one crawl state, one shard directory or one extraction rank at once. The lock
//! goes with the process however it ends (a SIGKILL included), so a stale lock file never
//! blocks the next run.
//!
//! Within one process a lock may be taken again (the CLI takes its locks before it opens
//! any output, then the engine asks for the same ones): a second [`acquire`] of a path this
//! process holds shares the held lock instead of conflicting with it.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

/// A held lock; released when the last guard for its path is dropped.
#[derive(Clone)]
pub struct LockGuard {
    _file: Arc<std::fs::File>,
}

fn held() -> &'static Mutex<HashMap<PathBuf, Weak<std::fs::File>>> {
    static HELD: OnceLock<Mutex<HashMap<PathBuf, Weak<std::fs::File>>>> = OnceLock::new();
    HELD.get_or_init(Default::default)
}

/// Take the lock on `path` (created when missing), or fail with
/// [`io::ErrorKind::ResourceBusy`] naming `what` and the holder's pid when another process
/// holds it.
pub fn acquire(path: &Path, what: &str) -> io::Result<LockGuard> {
    let key = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut map = held().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(file) = map.get(&key).and_then(Weak::upgrade) {
        return Ok(LockGuard { _file: file });
    }
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
    let file = Arc::new(file);
    map.retain(|_, w| w.strong_count() > 0);
    map.insert(key, Arc::downgrade(&file));
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
    fn a_process_shares_its_lock_and_releases_it_with_the_last_guard() {
        let dir = crate::test_dir("lock");
        let p = dir.join("x.lock");
        let a = acquire(&p, "x").unwrap();
        let b = acquire(&p, "x").unwrap();
        // Another open file description (as another process has) is refused meanwhile.
        let other = std::fs::File::open(&p).unwrap();
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
        drop(a);
        assert!(
            matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
            "b still holds it"
        );
        drop(b);
        assert!(other.try_lock().is_ok(), "released with the last guard");
    }
}
