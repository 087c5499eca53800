//! Parse speed of the HTML engines on an eval set held in memory: scraper's plain
//! `Html::parse_document` (html5ever, unbounded: the reference the engine replaced, a
//! dev-dependency) and `html::engine::parse_document` (lexbor + the arena fill, with the
//! bounds).
//! CPU time of this thread per page, median of the rounds; the engines alternate within
//! each round. Pages are decoded once, before timing.
//!
//! `cargo run --release --example parse_bench -- [SET_DIR] [--rounds 3] [--only lexbor]`
//! (default set: `../shared/eval/wcxb-articles-dev`; `--only` keeps the engines whose name
//! contains the word, for profiling).

use flate2::read::GzDecoder;
use newsharvest::html::decode::decode_html;
use newsharvest::html::engine;
use newsharvest::Limits;
use std::io::Read;
use std::path::{Path, PathBuf};

#[path = "common/cpu.rs"]
mod cpu;

/// Rounds when `--rounds` is not given: the median of three.
const DEFAULT_ROUNDS: usize = 3;
/// The set measured when none is named.
const DEFAULT_SET: &str = "../shared/eval/wcxb-articles-dev";

/// CPU seconds of this thread: `/proc/thread-self/schedstat` (nanoseconds on CPU), else the
/// process's user + system time (10 ms ticks).
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(cpu::cpu_seconds, |ns| ns / 1e9)
}

fn pages(dir: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir.join("pages"))
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.to_string_lossy().ends_with(".html.gz"));
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let mut bytes = Vec::new();
            GzDecoder::new(std::fs::File::open(p).ok()?)
                .read_to_end(&mut bytes)
                .ok()?;
            Some(decode_html(&bytes, None).text.into_owned())
        })
        .collect()
}

type Engine = (&'static str, fn(&str, &Limits) -> usize);

fn scraper_plain(text: &str, _: &Limits) -> usize {
    scraper::Html::parse_document(text).tree.nodes().count()
}

fn lexbor_arena(text: &str, limits: &Limits) -> usize {
    engine::parse_document(text, limits).map_or(0, |a| a.len())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS)
        .max(1);
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let dir = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && (*i == 0 || !args[i - 1].starts_with("--")))
        .map_or(DEFAULT_SET, |(_, a)| a.as_str());
    let texts = pages(Path::new(dir));
    if texts.is_empty() {
        eprintln!("no pages/*.html.gz under {dir}");
        std::process::exit(2);
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let limits = Limits {
        timeout: None,
        ..Limits::default()
    };
    println!(
        "{dir}: {} pages, {:.1} MB decoded, {rounds} rounds",
        texts.len(),
        bytes as f64 / 1e6
    );
    let all: [Engine; 2] = [
        ("scraper 0.24 Html::parse_document", scraper_plain),
        ("lexbor + arena (engine::parse_document)", lexbor_arena),
    ];
    let engines: Vec<Engine> = all
        .into_iter()
        .filter(|(name, _)| only.as_ref().is_none_or(|o| name.contains(o.as_str())))
        .collect();
    let mut times = vec![Vec::new(); engines.len()];
    let mut nodes = vec![0usize; engines.len()];
    for _ in 0..rounds {
        for (i, (_, run)) in engines.iter().enumerate() {
            let start = thread_cpu();
            nodes[i] = texts.iter().map(|t| run(t, &limits)).sum();
            times[i].push(thread_cpu() - start);
        }
    }
    let base = median(&mut times[0].clone());
    for (i, (name, _)) in engines.iter().enumerate() {
        let t = median(&mut times[i]);
        println!(
            "{name:42} {:6.3} ms/page {:7.1} MB/s  {:4.2}x  ({} nodes)",
            t * 1e3 / texts.len() as f64,
            bytes as f64 / 1e6 / t,
            base / t,
            nodes[i]
        );
    }
}
