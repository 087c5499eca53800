//! Extraction speed on saved pages, `process()` alone: `cargo run --release --example
//! extract_bench -- [--rounds N] [--dump FILE] [--parse-only] [--markdown] [--article-html] SET...` where a SET is an evaluation set's
//! directory (`pages/<id>.html[.gz]` + `gold.jsonl`, whose `url`s are passed as the eval
//! passes them), e.g. `../shared/eval/wcxb-articles-dev`.
//!
//! Every page is read and decompressed into memory first, so only extraction is timed, on
//! one thread, one page at a time, as `newsharvest.extract` runs in Python. Reported per
//! round: pages per CPU-second (the process's user + system time over the round), the
//! median wall milliseconds per page, and a fingerprint of every result (record JSON or
//! error text), which must not change when a change is meant to keep the output the same.
//! `--dump FILE` writes each page's result as one JSON line, for a diff. `--parse-only`
//! times what every extraction starts with, decoding and the bounded parse
//! (`newsharvest::html::engine::parse_document`: lexbor into the arena), and nothing else:
//! the floor under `process()`. `--markdown` and `--article-html` time the extraction with
//! those renderings on (their cost, issue 21).

#[path = "common/cpu.rs"]
mod cpu;

use cpu::cpu_seconds;
use newsharvest::hash::{fnv1a, mix};
use newsharvest::{html::engine, process, Options, Page, Rules};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn read_page(path: &Path) -> std::io::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return Ok(raw);
    }
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The pages of one set with their URLs, in `gold.jsonl` order.
fn collect(set: &Path, out: &mut Vec<(PathBuf, Option<String>)>) -> anyhow::Result<()> {
    let gold = std::fs::read_to_string(set.join("gold.jsonl"))?;
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let g: serde_json::Value = serde_json::from_str(line)?;
        let id = g["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| g["id"].to_string());
        let url = g["url"].as_str().map(str::to_string);
        let gz = set.join("pages").join(format!("{id}.html.gz"));
        let path = if gz.exists() {
            gz
        } else {
            set.join("pages").join(format!("{id}.html"))
        };
        out.push((path, url));
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let mut rounds = 3usize;
    let mut dump: Option<PathBuf> = None;
    let mut parse_only = false;
    let mut opts = Options::default();
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => rounds = args.next().and_then(|v| v.parse().ok()).unwrap_or(3),
            "--dump" => dump = args.next().map(PathBuf::from),
            "--parse-only" => parse_only = true,
            "--markdown" => opts.markdown = true,
            "--article-html" => opts.article_html = true,
            _ => collect(Path::new(&a), &mut paths)?,
        }
    }
    anyhow::ensure!(
        !paths.is_empty(),
        "usage: extract_bench [--rounds N] [--dump FILE] [--parse-only] [--markdown] [--article-html] SET..."
    );
    let pages: Vec<(PathBuf, Option<String>, Vec<u8>)> = paths
        .into_iter()
        .filter_map(|(p, u)| read_page(&p).ok().map(|b| (p, u, b)))
        .collect();
    let mb = pages.iter().map(|p| p.2.len()).sum::<usize>() as f64 / 1e6;
    let rules = Rules::bundled()?;
    println!("{} pages, {mb:.1} MB of HTML", pages.len());
    for round in 1..=rounds {
        let mut ms = Vec::with_capacity(pages.len());
        let mut hash = 0u64;
        let mut lines = Vec::new();
        let cpu0 = cpu_seconds();
        for (path, url, bytes) in &pages {
            let page = Page {
                bytes,
                url: url.as_deref(),
                content_type: None,
                content_language: None,
            };
            let t0 = std::time::Instant::now();
            if parse_only {
                let text = newsharvest::html::decode::decode_html(page.bytes, None).text;
                let nodes = engine::parse_document(&text, &opts.limits).map_or(0, |a| a.len());
                ms.push(t0.elapsed().as_secs_f64() * 1000.0);
                hash = mix(hash ^ nodes as u64);
                continue;
            }
            let res = process(&page, &rules, &opts);
            ms.push(t0.elapsed().as_secs_f64() * 1000.0);
            let line = match res {
                Ok(a) => serde_json::to_string(&a)?,
                Err(e) => format!("{{\"error\":{}}}", serde_json::to_string(&e.to_string())?),
            };
            hash = mix(hash ^ fnv1a(line.as_bytes()));
            if dump.is_some() && round == 1 {
                lines.push(format!(
                    "{{\"path\":{:?},\"result\":{line}}}",
                    path.to_string_lossy()
                ));
            }
        }
        let cpu = cpu_seconds() - cpu0;
        ms.sort_by(f64::total_cmp);
        println!(
            "round {round}: {:.0} pages/CPU-s ({cpu:.2} CPU-s), median {:.2} ms, {:.0} MB/CPU-s, fingerprint {hash:016x}",
            pages.len() as f64 / cpu,
            ms[ms.len() / 2],
            mb / cpu,
        );
        if let (Some(d), false) = (&dump, lines.is_empty()) {
            let mut f = std::io::BufWriter::new(std::fs::File::create(d)?);
            for l in &lines {
                writeln!(f, "{l}")?;
            }
        }
    }
    Ok(())
}
