//! Page-type classifier on the WCXB dev sets: `cargo run --release --example page_type_eval
//! -- [--rounds N] [--dump-features FILE] [--errors] [SET...]` (default sets:
//! `../shared/eval/wcxb-pages-dev` and `../shared/eval/wcxb-articles-dev`; a set is
//! `pages/<id>.html.gz` + `gold.jsonl` with `url` and `extra.page_type`, missing type =
//! `article`).
//!
//! Each page goes decode → parse (lexbor arena) → `<noscript>` fallback → classify, as the
//! extractor will run it. Printed: the 7-way confusion table (gold `collection` shown apart,
//! scored as `listing`), article-vs-not precision/recall/F1, six-way accuracy, recall by
//! type, and the classifier's cost per page per set: the mean thread CPU time of `classify`
//! alone over `--rounds` runs of every page, and the median and p90 of each page's fastest
//! wall time (the noscript fallback timed apart).
//!
//! `--dump-features FILE` writes one JSON line per page (`id`, `set`, `url`, `gold`,
//! `domain`, `signals`: the fired signal names, `features`: the raw measurements) after a
//! first line `{"_signals": [{"name", "supports"}...]}`: the input of the fitting script
//! (`/work/staging/issue22/rust/fit_rust.py`), whose group cross-validation by registered
//! domain gives the CV figures. `--errors` lists the pages whose article-vs-not call is
//! wrong, with their evidence.

use flate2::read::MultiGzDecoder;
use newsharvest::extract::page_type::{self, noscript, Features, Hints, Signal, SCORED};
use newsharvest::html::decode::decode_html;
use newsharvest::html::engine;
use newsharvest::model::PageType;
use newsharvest::Limits;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The sets read when none is named.
const DEFAULT_SETS: [&str; 2] = [
    "../shared/eval/wcxb-pages-dev",
    "../shared/eval/wcxb-articles-dev",
];
/// Gold types as rows (collection apart), predicted types as columns.
const GOLD_ROWS: [&str; 7] = [
    "article",
    "listing",
    "collection",
    "forum",
    "product",
    "documentation",
    "service",
];

/// CPU seconds of this thread (`/proc/thread-self/schedstat`), else wall time since start.
fn thread_cpu(start: std::time::Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| start.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

struct GoldPage {
    id: String,
    url: Option<String>,
    gold: String,
    domain: String,
    path: PathBuf,
}

fn read_gold(set: &Path) -> anyhow::Result<Vec<GoldPage>> {
    let text = std::fs::read_to_string(set.join("gold.jsonl"))?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let g: serde_json::Value = serde_json::from_str(line)?;
        let id = g["id"]
            .as_str()
            .map_or_else(|| g["id"].to_string(), str::to_string);
        let extra = &g["extra"];
        out.push(GoldPage {
            path: set.join("pages").join(format!("{id}.html.gz")),
            url: g["url"].as_str().map(str::to_string),
            gold: extra["page_type"].as_str().unwrap_or("article").to_string(),
            domain: extra["domain"].as_str().unwrap_or("").to_string(),
            id,
        });
    }
    Ok(out)
}

fn read_page(path: &Path) -> std::io::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return Ok(raw);
    }
    let mut bytes = Vec::new();
    MultiGzDecoder::new(&raw[..]).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// One page's outcome.
struct Outcome {
    gold: String,
    pred: PageType,
}

/// Cost of one set, in CPU seconds.
#[derive(Default)]
struct Cost {
    pages: usize,
    classify: f64,
    noscript: f64,
    per_page: Vec<f64>,
}

struct Args {
    rounds: usize,
    dump: Option<PathBuf>,
    errors: bool,
    sets: Vec<PathBuf>,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        rounds: 3,
        dump: None,
        errors: false,
        sets: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--rounds" => a.rounds = it.next().and_then(|v| v.parse().ok()).unwrap_or(3).max(1),
            "--dump-features" => a.dump = it.next().map(PathBuf::from),
            "--errors" => a.errors = true,
            s if s.starts_with("--") => anyhow::bail!("unknown option {s}"),
            s => a.sets.push(PathBuf::from(s)),
        }
    }
    if a.sets.is_empty() {
        a.sets = DEFAULT_SETS.iter().map(PathBuf::from).collect();
    }
    Ok(a)
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    let mut dump = match &a.dump {
        Some(p) => {
            let mut f = std::io::BufWriter::new(std::fs::File::create(p)?);
            let sigs: Vec<serde_json::Value> = Signal::ALL
                .iter()
                .map(|s| serde_json::json!({"name": s.name(), "supports": s.supports()}))
                .collect();
            writeln!(f, "{}", serde_json::json!({ "_signals": sigs }))?;
            Some(f)
        }
        None => None,
    };
    let limits = Limits {
        timeout: None,
        ..Limits::default()
    };
    let start = std::time::Instant::now();
    let mut outcomes = Vec::new();
    let mut costs: Vec<(String, Cost)> = Vec::new();
    for set in &a.sets {
        let set_name = set
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        let mut cost = Cost::default();
        for g in read_gold(set)? {
            let bytes = read_page(&g.path)?;
            let text = decode_html(&bytes, None).text;
            let Ok(mut doc) = engine::parse_document(&text, &limits) else {
                eprintln!("{}: parse failed", g.id);
                continue;
            };
            let t0 = thread_cpu(start);
            noscript::expand_noscript(&mut doc, &limits);
            let t1 = thread_cpu(start);
            let mut c = None;
            let mut fastest = f64::MAX;
            for _ in 0..a.rounds {
                let w0 = std::time::Instant::now();
                c = Some(page_type::classify(&doc, g.url.as_deref(), &Hints::default()));
                fastest = fastest.min(w0.elapsed().as_secs_f64());
            }
            let t2 = thread_cpu(start);
            let Some(c) = c else { continue };
            cost.pages += 1;
            cost.noscript += t1 - t0;
            cost.classify += (t2 - t1) / a.rounds as f64;
            cost.per_page.push(fastest);
            if let Some(f) = dump.as_mut() {
                let feats = Features::compute(&doc, g.url.as_deref(), &Hints::default());
                let sigs: Vec<&str> = page_type::signals_of(&feats).iter().map(|s| s.name()).collect();
                let line = serde_json::json!({
                    "id": format!("{set_name}/{}", g.id), "set": set_name, "url": g.url, "gold": g.gold,
                    "domain": g.domain, "signals": sigs, "features": feats,
                    "pred": c.page_type, "evidence": c.evidence,
                });
                writeln!(f, "{line}")?;
            }
            let wrong = (g.gold == "article") != (c.page_type == PageType::Article);
            if a.errors && wrong {
                println!(
                    "ERR {set_name}/{} gold {} pred {} {}",
                    g.id,
                    g.gold,
                    c.page_type,
                    g.url.as_deref().unwrap_or("")
                );
                println!("    {}", c.evidence.join(" "));
            }
            outcomes.push(Outcome {
                gold: g.gold,
                pred: c.page_type,
            });
        }
        costs.push((set_name, cost));
    }
    if let Some(mut f) = dump {
        f.flush()?;
    }
    report(&outcomes);
    for (name, c) in &costs {
        let mut v = c.per_page.clone();
        v.sort_by(f64::total_cmp);
        let med = v.get(v.len() / 2).copied().unwrap_or(0.0);
        let p90 = v.get(v.len() * 9 / 10).copied().unwrap_or(0.0);
        let n = c.pages.max(1) as f64;
        println!(
            "cost {name}: classify {:.3} ms/page mean CPU; fastest wall {:.3} median, {:.3} p90; noscript fallback {:.3} ms/page ({} pages, {} rounds)",
            1e3 * c.classify / n,
            1e3 * med,
            1e3 * p90,
            1e3 * c.noscript / n,
            c.pages,
            a.rounds
        );
    }
    Ok(())
}

/// `collection` is scored as `listing`.
fn six(t: &str) -> &str {
    if t == "collection" {
        "listing"
    } else {
        t
    }
}

fn report(outs: &[Outcome]) {
    let cols: Vec<PageType> = SCORED.iter().copied().chain([PageType::Other]).collect();
    let mut table: HashMap<(&str, PageType), usize> = HashMap::new();
    for o in outs {
        *table.entry((o.gold.as_str(), o.pred)).or_default() += 1;
    }
    print!("{:<15}", "gold \\ pred");
    for c in &cols {
        print!(" {:>8}", &c.as_str()[..c.as_str().len().min(8)]);
    }
    println!("   | total");
    for g in GOLD_ROWS {
        let n: usize = cols
            .iter()
            .map(|c| table.get(&(g, *c)).copied().unwrap_or(0))
            .sum();
        if n == 0 {
            continue;
        }
        print!("{g:<15}");
        for c in &cols {
            print!(" {:>8}", table.get(&(g, *c)).copied().unwrap_or(0));
        }
        println!("   | {n}");
    }
    let is_art = |o: &Outcome| o.gold == "article";
    let tp = outs
        .iter()
        .filter(|o| is_art(o) && o.pred == PageType::Article)
        .count() as f64;
    let fp = outs
        .iter()
        .filter(|o| !is_art(o) && o.pred == PageType::Article)
        .count() as f64;
    let fneg = outs
        .iter()
        .filter(|o| is_art(o) && o.pred != PageType::Article)
        .count() as f64;
    let p = tp / (tp + fp).max(1.0);
    let r = tp / (tp + fneg).max(1.0);
    let f1 = 2.0 * p * r / (p + r).max(1e-9);
    println!("article vs not: P {p:.3}  R {r:.3}  F1 {f1:.3}   (fp {fp}, fn {fneg})");
    let ok = outs.iter().filter(|o| six(&o.gold) == o.pred.as_str()).count();
    println!(
        "six-way accuracy: {:.3}   ({ok}/{})",
        ok as f64 / outs.len().max(1) as f64,
        outs.len()
    );
    let mut rec = Vec::new();
    for t in SCORED {
        let of: Vec<&Outcome> = outs.iter().filter(|o| six(&o.gold) == t.as_str()).collect();
        let hit = of.iter().filter(|o| o.pred == t).count();
        rec.push(format!("{t} {:.2}", hit as f64 / of.len().max(1) as f64));
    }
    println!("recall by type: {}", rec.join(", "));
}
