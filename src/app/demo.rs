//! `newsharvest demo`: serve the bundled fixture sites (`fixtures/sites/<host>/`) on
//! 127.0.0.1, crawl them with the real crawler (hosts mapped to the local server, as
//! `--resolve` does), and check the result the way a site owner and a data team would:
//! request spacing per host against the rate and each robots.txt `Crawl-delay`, no
//! request to a disallowed path, robots.txt fetched once per host, no URL fetched twice
//! (except a retry after 429/5xx), and the records against `fixtures/sites/expected.jsonl`.
//! The helpers ([`DemoWeb`], [`check_log`], [`compare_expected`]) also serve the crawl tests.

use super::cli::DemoArgs;
use super::exit::ExitCode;
use super::sink::{CliSink, RecordOut};
use super::{progress, signals};
use crate::crawl::config::{default_user_agent, CrawlConfig};
use crate::crawl::fetch::ResolveRule;
use crate::crawl::robots::{self, Robots};
use crate::crawl::Stats;
use crate::model::Record;
use crate::output::{self, Compression, Format};
use crate::serve::{LoggedRequest, Server, StaticSites};
use crate::Rules;
use anyhow::{bail, Context};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use url::Url;

/// Where the bundled sites are: `./fixtures/sites`, else next to the crate sources.
pub fn sites_dir() -> PathBuf {
    let local = PathBuf::from("fixtures/sites");
    if local.is_dir() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites")
}

/// A running loopback web of the bundled sites.
pub struct DemoWeb {
    /// The server.
    pub server: Server,
    /// Host names served.
    pub hosts: Vec<String>,
    /// Sites directory.
    pub dir: PathBuf,
}

impl DemoWeb {
    /// Start serving `dir`.
    pub async fn start(dir: &Path) -> std::io::Result<DemoWeb> {
        let sites = StaticSites::load(dir)?;
        let hosts = sites.hosts();
        let server = Server::start(Arc::new(sites)).await?;
        Ok(DemoWeb {
            server,
            hosts,
            dir: dir.to_path_buf(),
        })
    }

    /// Seeds: the home page of every host.
    pub fn seeds(&self) -> Vec<Url> {
        self.hosts
            .iter()
            .filter_map(|h| Url::parse(&format!("http://{h}/")).ok())
            .collect()
    }

    /// `--resolve` rules sending every host's port 80 to the server.
    pub fn resolve(&self) -> Vec<ResolveRule> {
        self.hosts
            .iter()
            .map(|h| ResolveRule {
                host: h.clone(),
                port: 80,
                addr: self.server.addr(),
            })
            .collect()
    }

    /// The robots policy of a host as the site states it (read from disk).
    pub fn robots(&self, host: &str, agent: &str) -> Robots {
        match std::fs::read(self.dir.join(host).join("robots.txt")) {
            Ok(b) => Robots::parse(&robots::agent_token(agent), &b),
            Err(_) => Robots::allow_all(),
        }
    }

    /// What a site owner would complain about, one line each (empty: a polite crawl).
    pub fn politeness_violations(&self, rate: f64, user_agent: &str) -> Vec<String> {
        check_log(&self.server.log(), rate, |h| self.robots(h, user_agent))
    }
}

/// Check a request log: spacing, disallowed paths, robots.txt fetched once, URLs fetched
/// once (a retry after 429/5xx excepted).
pub fn check_log(log: &[LoggedRequest], rate: f64, robots_of: impl Fn(&str) -> Robots) -> Vec<String> {
    let interval = Duration::from_secs_f64(1.0 / rate);
    let mut out = Vec::new();
    let mut policies: HashMap<String, Robots> = HashMap::new();
    for r in log {
        policies
            .entry(r.host.clone())
            .or_insert_with(|| robots_of(&r.host));
    }
    let gap = |h: &str| {
        let cd = policies.get(h).and_then(|p| p.crawl_delay);
        cd.map_or(interval, |d| d.max(interval))
    };
    for (host, path, g) in crate::serve::spacing_violations(log, &gap) {
        out.push(format!(
            "{host}: {path} came {g:?} after the previous request (minimum {:?})",
            gap(&host)
        ));
    }
    let mut seen: HashMap<(String, String), u16> = HashMap::new();
    for r in log {
        if let (Some(p), Ok(u)) = (
            policies.get(&r.host),
            Url::parse(&format!("http://{}{}", r.host, r.path)),
        ) {
            if !p.allowed(&u) {
                out.push(format!("{}: {} is disallowed by robots.txt", r.host, r.path));
            }
        }
        let key = (r.host.clone(), r.path.clone());
        if let Some(prev) = seen.get(&key) {
            let retry = *prev == 429 || *prev >= 500;
            if !retry {
                out.push(format!("{}: {} fetched twice", r.host, r.path));
            }
        }
        seen.insert(key, r.status);
    }
    out
}

/// One expected article of the golden file.
#[derive(Debug, Deserialize)]
pub struct Expected {
    /// Canonical URL.
    pub url: String,
    /// Title.
    pub title: Option<String>,
    /// Authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Publication date.
    pub date_published: Option<String>,
    /// Body.
    pub text: String,
}

/// Compare records with a golden JSONL file of [`Expected`] lines; one line per problem.
pub fn compare_expected(records: &[Record], expected_path: &Path) -> Result<Vec<String>, String> {
    let text =
        std::fs::read_to_string(expected_path).map_err(|e| format!("{}: {e}", expected_path.display()))?;
    let mut expected = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let e: Expected = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: {e}", expected_path.display(), i + 1))?;
        expected.push(e);
    }
    let key = |r: &Record| {
        r.article
            .canonical_url
            .clone()
            .or_else(|| r.article.url.clone())
            .unwrap_or_default()
    };
    let mut problems = Vec::new();
    for e in &expected {
        let matches: Vec<&Record> = records
            .iter()
            .filter(|r| key(r) == e.url || r.article.url.as_deref() == Some(&e.url))
            .collect();
        let r = match matches.as_slice() {
            [] => {
                problems.push(format!("missing article {}", e.url));
                continue;
            }
            [r] => *r,
            _ => {
                problems.push(format!("{} records for {}", matches.len(), e.url));
                matches[0]
            }
        };
        if r.article.title != e.title {
            problems.push(format!(
                "{}: title {:?}, expected {:?}",
                e.url, r.article.title, e.title
            ));
        }
        if r.article.authors != e.authors {
            problems.push(format!(
                "{}: authors {:?}, expected {:?}",
                e.url, r.article.authors, e.authors
            ));
        }
        if r.article.date_published != e.date_published {
            problems.push(format!(
                "{}: date_published {:?}, expected {:?}",
                e.url, r.article.date_published, e.date_published
            ));
        }
        if r.article.text != e.text {
            let want: Vec<&str> = e.text.split("\n\n").collect();
            let got: Vec<&str> = r.article.text.split("\n\n").collect();
            let missing: Vec<&&str> = want.iter().filter(|b| !got.contains(b)).collect();
            let extra: Vec<&&str> = got.iter().filter(|b| !want.contains(b)).collect();
            problems.push(format!(
                "{}: text differs; missing blocks {missing:?}; extra blocks {extra:?}",
                e.url
            ));
        }
    }
    for r in records {
        if !expected
            .iter()
            .any(|e| key(r) == e.url || r.article.url.as_deref() == Some(&e.url))
        {
            problems.push(format!("unexpected record {}", key(r)));
        }
    }
    Ok(problems)
}

/// What the demo crawl did and what the server saw.
struct Outcome {
    stats: Stats,
    violations: Vec<String>,
    requests: usize,
    hosts: usize,
}

/// `newsharvest demo`: serve, crawl, then check the server's log and the records.
pub fn run_demo(a: DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = a.sites.clone().unwrap_or_else(sites_dir);
    if !dir.is_dir() {
        bail!(
            "no demo sites at {} (run from the repository root)",
            dir.display()
        );
    }
    let rules = Arc::new(Rules::load(&[]).context("loading rules")?);
    let out = super::runtime::runtime()?.block_on(crawl_demo(&a, &dir, rules))?;
    eprintln!("newsharvest: {}", out.stats.summary());
    eprintln!(
        "newsharvest demo: the server saw {} requests on {} hosts; politeness violations: {}",
        out.requests,
        out.hosts,
        out.violations.len()
    );
    for v in &out.violations {
        eprintln!("  violation: {v}");
    }
    let problems = compare(&a, &dir)?;
    // A stopped demo reports the signal; a finished one fails on any violation or difference.
    let clean = out.violations.is_empty() && problems.is_empty();
    Ok(if clean || signals::exit_code().is_some() {
        ExitCode::from(super::crawl::code_number(&out.stats))
    } else {
        ExitCode::from(1)
    })
}

/// Serve `dir` and crawl it with the real crawler, as a user's crawl runs.
async fn crawl_demo(a: &DemoArgs, dir: &Path, rules: Arc<Rules>) -> anyhow::Result<Outcome> {
    let bar = progress::bar(a.quiet);
    let web = DemoWeb::start(dir).await.context("starting the demo server")?;
    eprintln!(
        "newsharvest demo: serving {} on http://{} ({}), crawling at {} request(s)/s per host",
        web.hosts.join(", "),
        web.server.addr(),
        dir.display(),
        a.rate
    );
    let ua = default_user_agent();
    let mut cfg = CrawlConfig::new(web.seeds(), ua.clone());
    cfg.rate = a.rate;
    cfg.resolve = web.resolve();
    // JSON Lines (compressed by the name), as the comparison below reads it back.
    let format = Format::Jsonl(Compression::from_name(&a.output));
    let out = output::create(Some(&a.output), format)
        .with_context(|| format!("creating {}", a.output.display()))?;
    let sink = CliSink::new(RecordOut::File(out), None, false, bar.clone());
    let stop = signals::listen();
    let stats = Arc::new(Mutex::new(Stats::default()));
    let ticker = progress::spawn_ticker(bar.clone(), stats.clone());
    let st = crate::crawl::crawl(cfg, rules, Box::new(sink), stats, stop).await?;
    ticker.abort();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    Ok(Outcome {
        stats: st,
        violations: web.politeness_violations(a.rate, &ua),
        requests: web.server.log().len(),
        hosts: web.hosts.len(),
    })
}

/// The records written against `expected.jsonl` of the sites (when there is one).
fn compare(a: &DemoArgs, dir: &Path) -> anyhow::Result<Vec<String>> {
    let records = read_records(&a.output)?;
    let expected = dir.join("expected.jsonl");
    if !expected.exists() {
        return Ok(Vec::new());
    }
    let problems = compare_expected(&records, &expected).map_err(anyhow::Error::msg)?;
    eprintln!(
        "newsharvest demo: {} article records written to {}; compared with {}: {}",
        records.len(),
        a.output.display(),
        expected.display(),
        if problems.is_empty() {
            "all match".to_string()
        } else {
            format!("{} differences", problems.len())
        }
    );
    for p in &problems {
        eprintln!("  difference: {p}");
    }
    Ok(problems)
}

fn read_records(path: &Path) -> anyhow::Result<Vec<Record>> {
    let t = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    t.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).with_context(|| format!("a record in {}", path.display())))
        .collect()
}
