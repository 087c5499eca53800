//! Bounds on the work one page may cost: input size, DOM nodes, nesting depth and a time
//! budget. [`Limits`] travels in [`crate::Options`]; the time budget is a per-thread
//! deadline that [`crate::process`] sets for the page it works on and that long loops poll
//! with [`tick`] (cheap: the clock is read every `TICKS_PER_CLOCK_READ` calls). A page
//! over a limit ends as an error (`too large`, `timeout`) and the run goes on with the next.

use crate::error::{Error, Result};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Largest page accepted, in bytes (after gunzip). 32 MiB is over 150 times the median news
/// page and keeps two pages in flight per core well under 1 GiB.
pub const DEFAULT_MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;
/// Most DOM nodes (elements, text, comments and attributes: an attribute is a DOM node and
/// costs the parser about as much memory as an element) one page may have. The largest real
/// pages we know (live blogs, Wikipedia's longest articles) have a few hundred thousand.
pub const DEFAULT_MAX_NODES: usize = 1_500_000;
/// Nesting depth at which deeper elements are folded into their ancestor. Chromium's HTML
/// parser uses the same limit (kMaximumHTMLParserDOMTreeDepth = 512).
pub const DEFAULT_MAX_DEPTH: usize = 512;
/// Time one page may take to extract. The median page takes about 5 ms; a 20 MB page 2 s.
pub const DEFAULT_PAGE_TIMEOUT: Duration = Duration::from_secs(10);
/// [`tick`] reads the clock once per this many calls.
const TICKS_PER_CLOCK_READ: u32 = 256;

/// The bounds of one page's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of input (pages larger than this are skipped as `too large`).
    pub max_bytes: usize,
    /// DOM nodes, attributes included (pages with more are skipped as `too large`).
    pub max_nodes: usize,
    /// Element nesting depth; deeper elements are folded into their ancestor, not refused.
    pub max_depth: usize,
    /// Time budget of one page (`None`: unbounded).
    pub timeout: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: DEFAULT_MAX_PAGE_BYTES,
            max_nodes: DEFAULT_MAX_NODES,
            max_depth: DEFAULT_MAX_DEPTH,
            timeout: Some(DEFAULT_PAGE_TIMEOUT),
        }
    }
}

#[derive(Clone, Copy)]
struct Budget {
    deadline: Option<Instant>,
    timeout: Duration,
    ticks: u32,
    expired: bool,
}

thread_local! {
    static BUDGET: Cell<Budget> = const {
        Cell::new(Budget { deadline: None, timeout: Duration::ZERO, ticks: 0, expired: false })
    };
}

/// The deadline of the page this thread works on; the previous one comes back on drop.
pub struct Deadline {
    previous: Budget,
}

/// Start the time budget of a page on this thread (until the returned guard drops).
pub fn start(timeout: Option<Duration>) -> Deadline {
    let budget = Budget {
        deadline: timeout.and_then(|t| Instant::now().checked_add(t)),
        timeout: timeout.unwrap_or_default(),
        ticks: 0,
        expired: false,
    };
    Deadline {
        previous: BUDGET.with(|b| b.replace(budget)),
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        BUDGET.with(|b| b.set(self.previous));
    }
}

/// Count one step of work; `true` once the page's time is up. Loops over nodes call this
/// and stop early; the next [`check`] turns that into an error.
pub fn tick() -> bool {
    BUDGET.with(|cell| {
        let mut b = cell.get();
        if b.expired {
            return true;
        }
        let Some(deadline) = b.deadline else {
            return false;
        };
        b.ticks += 1;
        if b.ticks >= TICKS_PER_CLOCK_READ {
            b.ticks = 0;
            b.expired = Instant::now() >= deadline;
        }
        cell.set(b);
        b.expired
    })
}

/// `Err(Timeout)` when the page's time is up (reads the clock).
pub fn check() -> Result<()> {
    let (expired, timeout) = BUDGET.with(|cell| {
        let mut b = cell.get();
        if !b.expired {
            b.expired = b.deadline.is_some_and(|d| Instant::now() >= d);
            cell.set(b);
        }
        (b.expired, b.timeout)
    });
    if expired {
        Err(Error::Timeout(timeout))
    } else {
        Ok(())
    }
}

/// Parse a size such as `32MiB`, `500KB`, `1048576` or `2G` (binary units either way).
pub fn parse_size(s: &str) -> std::result::Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: usize = num
        .parse()
        .map_err(|_| format!("bad size {s:?}: expected e.g. 32MiB"))?;
    let mult: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("bad size unit in {s:?}: use B, KiB, MiB or GiB")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size {s:?} is too large"))
}

/// A byte count for messages: `40.0 MiB`.
pub fn human_bytes(n: usize) -> String {
    let n = n as f64;
    if n >= (1u64 << 30) as f64 {
        format!("{:.1} GiB", n / (1u64 << 30) as f64)
    } else if n >= (1u64 << 20) as f64 {
        format!("{:.1} MiB", n / (1u64 << 20) as f64)
    } else if n >= 1024.0 {
        format!("{:.1} KiB", n / 1024.0)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_expires_and_is_restored() {
        assert!(!tick(), "no deadline outside a page");
        {
            let _d = start(Some(Duration::ZERO));
            assert!(matches!(check(), Err(Error::Timeout(_))));
            assert!(tick());
            {
                let _inner = start(None);
                assert!(!tick());
                assert!(check().is_ok());
            }
            assert!(tick(), "the outer page's expiry comes back");
        }
        assert!(check().is_ok());
        let _d = start(Some(Duration::from_secs(60)));
        assert!((0..10_000).all(|_| !tick()));
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("32MiB"), Ok(32 << 20));
        assert_eq!(parse_size("500 KB"), Ok(500 << 10));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("").is_err());
        assert_eq!(human_bytes(40 << 20), "40.0 MiB");
    }
}
