//! The crawl's progress line on stderr (a spinner with counters, only on a terminal and
//! without `--quiet`), refreshed from the live [`Stats`].

use crate::crawl::Stats;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the progress line is redrawn.
const TICK: Duration = Duration::from_millis(250);

/// A spinner on stderr, unless `quiet` or stderr is no terminal.
pub fn bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    (!quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(Duration::from_millis(200));
        b
    })
}

fn line(s: &Stats, secs: f64) -> String {
    format!(
        "{} requests · {} pages · {} articles · {} errors · {:.1} pages/s",
        s.requests,
        s.pages_fetched,
        s.articles,
        s.errors,
        if secs > 0.0 {
            s.pages_fetched as f64 / secs
        } else {
            0.0
        }
    )
}

/// Redraw `bar` from `stats` until aborted (nothing without a bar).
pub fn spawn_ticker(
    bar: Option<indicatif::ProgressBar>,
    stats: Arc<Mutex<Stats>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Some(bar) = bar else { return };
        let t0 = std::time::Instant::now();
        loop {
            tokio::time::sleep(TICK).await;
            let l = stats
                .lock()
                .map(|s| line(&s, t0.elapsed().as_secs_f64()))
                .unwrap_or_default();
            bar.set_message(l);
        }
    })
}
