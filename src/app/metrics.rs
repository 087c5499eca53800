//! `crawl --metrics FILE.prom`: the crawl's counters in Prometheus text format for
//! node_exporter's textfile collector, rewritten atomically (a temporary file renamed over
//! it) every [`EVERY`] while the crawl runs and once at the end, with the exit code.

use crate::crawl::Stats;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the file is rewritten while the crawl runs: a quarter of a typical scrape
/// interval, cheap next to the crawl.
pub const EVERY: Duration = Duration::from_secs(15);

/// One metric family: its name (after `newsharvest_`), help, type and samples (labels,
/// value).
struct Metric {
    name: &'static str,
    help: &'static str,
    kind: &'static str,
    samples: Vec<(String, f64)>,
}

fn gauge(name: &'static str, help: &'static str, v: f64) -> Metric {
    Metric {
        name,
        help,
        kind: "gauge",
        samples: vec![(String::new(), v)],
    }
}

fn counter(name: &'static str, help: &'static str, v: u64) -> Metric {
    counters(name, help, vec![(String::new(), v as f64)])
}

fn counters(name: &'static str, help: &'static str, samples: Vec<(String, f64)>) -> Metric {
    Metric {
        name,
        help,
        kind: "counter",
        samples,
    }
}

/// The families, in the file's order.
fn families(st: &Stats, running: bool, exit: Option<u8>) -> Vec<Metric> {
    let labelled = |key: &str, m: Vec<(String, u64)>| -> Vec<(String, f64)> {
        m.into_iter()
            .map(|(k, n)| (format!("{{{key}=\"{k}\"}}"), n as f64))
            .collect()
    };
    let mut v = vec![
        gauge(
            "running",
            "1 while the crawl runs, 0 after it ended.",
            f64::from(u8::from(running)),
        ),
        gauge(
            "last_update_timestamp_seconds",
            "When this file was written.",
            chrono::Utc::now().timestamp() as f64,
        ),
        gauge("elapsed_seconds", "Wall time of the run so far.", st.elapsed_s),
        counter("requests_total", "HTTP requests sent.", st.requests),
        counter(
            "pages_fetched_total",
            "HTML pages fetched with a 2xx response.",
            st.pages_fetched,
        ),
        counters(
            "articles_written_total",
            "Article records written, by kind.",
            labelled(
                "kind",
                vec![("new".into(), st.new), ("updated".into(), st.updated)],
            ),
        ),
        counter(
            "articles_unchanged_total",
            "Recrawled articles whose text had not changed.",
            st.unchanged,
        ),
        counter(
            "not_modified_total",
            "Conditional requests answered 304.",
            st.not_modified,
        ),
        counter(
            "duplicates_total",
            "Records whose text duplicates an earlier one.",
            st.near_duplicates,
        ),
        counter("listings_total", "Listing pages followed.", st.listings),
        counters(
            "pages_total",
            "HTML pages read, by page_type.",
            labelled(
                "type",
                crate::model::PageType::ALL
                    .iter()
                    .map(|t| (t.to_string(), st.pages_by_type.get(*t)))
                    .collect(),
            ),
        ),
        counters(
            "errors_total",
            "Error records, by kind.",
            labelled("kind", st.by_error.iter().map(|(k, n)| (k.clone(), *n)).collect()),
        ),
        counters(
            "responses_total",
            "HTTP responses, by status code.",
            labelled(
                "code",
                st.by_status.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
            ),
        ),
        counter("bytes_total", "Body bytes received.", st.bytes),
        counter(
            "committed_total",
            "Records made durable and marked written in the state.",
            st.committed,
        ),
        counter(
            "trap_links_total",
            "Links not followed as crawler traps.",
            st.trap_urls + st.trap_skipped,
        ),
        gauge(
            "work_left",
            "URLs left queued for the next run.",
            st.work_left as f64,
        ),
    ];
    if let Some(code) = exit {
        v.push(Metric {
            name: "exit_code",
            help: "The exit code of the run.",
            kind: "gauge",
            samples: vec![(format!("{{stopped_by=\"{}\"}}", st.stopped_by), f64::from(code))],
        });
    }
    v
}

/// The text exposition of the counters.
fn render(st: &Stats, running: bool, exit: Option<u8>) -> String {
    let mut m = String::new();
    for f in families(st, running, exit) {
        let _ = writeln!(
            m,
            "# HELP newsharvest_{name} {help}\n# TYPE newsharvest_{name} {kind}",
            name = f.name,
            help = f.help,
            kind = f.kind
        );
        for (labels, v) in &f.samples {
            let _ = writeln!(m, "newsharvest_{}{labels} {v}", f.name);
        }
    }
    m
}

/// Write the counters to `path` (through a temporary file renamed over it: the collector
/// never reads a half-written file); `exit` is the run's exit code once it ended.
pub fn write(path: &Path, st: &Stats, running: bool, exit: Option<u8>) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, render(st, running, exit))?;
    std::fs::rename(&tmp, path)
}

/// Rewrite the metrics file every [`EVERY`] while the crawl runs (until aborted).
pub fn spawn(path: PathBuf, stats: Arc<Mutex<Stats>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let t0 = std::time::Instant::now();
        loop {
            let mut st = stats.lock().map(|s| s.clone()).unwrap_or_default();
            st.elapsed_s = t0.elapsed().as_secs_f64();
            if let Err(e) = write(&path, &st, true, None) {
                eprintln!("newsharvest: writing {}: {e}", path.display());
            }
            tokio::time::sleep(EVERY).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_have_help_type_and_labelled_samples() {
        let mut st = Stats::default();
        st.by_status.insert(200, 7);
        st.by_error.insert("timeout".into(), 2);
        st.new = 3;
        st.pages_by_type.add(crate::model::PageType::Service);
        st.stopped_by = crate::crawl::StopReason::MaxPages;
        let text = render(&st, false, Some(4));
        for line in [
            "newsharvest_running 0",
            "# TYPE newsharvest_requests_total counter",
            "newsharvest_responses_total{code=\"200\"} 7",
            "newsharvest_errors_total{kind=\"timeout\"} 2",
            "newsharvest_articles_written_total{kind=\"new\"} 3",
            "newsharvest_pages_total{type=\"service\"} 1",
            "newsharvest_pages_total{type=\"listing\"} 0",
            "newsharvest_exit_code{stopped_by=\"max_pages\"} 4",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
        let helps = text.lines().filter(|l| l.starts_with("# HELP")).count();
        let types = text.lines().filter(|l| l.starts_with("# TYPE")).count();
        assert_eq!((helps, types), (18, 18));
        assert!(!render(&st, true, None).contains("exit_code"));
    }
}
