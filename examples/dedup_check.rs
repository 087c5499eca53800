//! Measures the crawl's duplicate detection (`newsharvest::crawl::dedup`) for false
//! positives on real article texts: `cargo run --release --example dedup_check -- PRED.jsonl…`
//! where each file holds records with `text` and `url` (e.g. `newsharvest eval SET
//! --predictions PRED.jsonl`). Every pair of texts is compared as the crawl compares them
//! (a shared band, then the whole signature at least `NEAR_THRESHOLD`; or equal texts), and
//! also by the exact Jaccard similarity of their word 3-shingle sets, so the estimate can be
//! checked. It prints each flagged pair for review, the most similar pairs from one site
//! (the template case), and counts.

use newsharvest::crawl::dedup;
use std::collections::HashSet;
use std::io::BufRead;

/// One text to compare.
struct Doc {
    url: String,
    host: String,
    text: String,
    sig: Vec<u32>,
    bands: HashSet<u64>,
    shingles: HashSet<String>,
}

/// The crawl's word 3-shingles of a text (`dedup::words`, as `dedup::signature` takes them).
fn shingles(text: &str) -> HashSet<String> {
    dedup::words(text)
        .windows(dedup::SHINGLE_WORDS)
        .map(|w| w.join(" "))
        .collect()
}

/// The first words of a text, for review.
fn head(text: &str) -> String {
    text.split_whitespace().take(12).collect::<Vec<_>>().join(" ")
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

fn main() {
    let mut docs = Vec::new();
    for path in std::env::args().skip(1) {
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        for line in std::io::BufReader::new(file).lines().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let text = v["text"].as_str().unwrap_or_default().to_string();
            let parsed = v["url"].as_str().and_then(|u| url::Url::parse(u).ok());
            // Pages saved without their address are named by their file.
            let url = match &parsed {
                Some(u) => u.to_string(),
                None => format!("{path}:{}", v["source_path"].as_str().unwrap_or_default()),
            };
            let host = parsed
                .and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_string()))
                .unwrap_or_else(|| url.clone());
            let sig = dedup::signature(&text);
            let bands = dedup::bands(&sig).into_iter().collect();
            let shingles = shingles(&text);
            docs.push(Doc {
                url,
                host,
                text,
                sig,
                bands,
                shingles,
            });
        }
    }
    let compared = docs.iter().filter(|d| !d.sig.is_empty()).count();
    let (mut flagged, mut exact, mut pairs) = (0usize, 0usize, 0usize);
    let (mut true_near, mut missed, mut below) = (0usize, 0usize, 0usize);
    let mut closest: Vec<(f64, usize, usize)> = Vec::new();
    let mut same_site: Vec<(f64, usize, usize)> = Vec::new();
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let (a, b) = (&docs[i], &docs[j]);
            if a.sig.is_empty() || b.sig.is_empty() {
                continue;
            }
            pairs += 1;
            let truth = jaccard(&a.shingles, &b.shingles);
            if truth >= dedup::NEAR_THRESHOLD {
                true_near += 1;
            }
            if a.host == b.host {
                same_site.push((truth, i, j));
            }
            let equal = a.text == b.text;
            let near =
                !a.bands.is_disjoint(&b.bands) && dedup::similarity(&a.sig, &b.sig) >= dedup::NEAR_THRESHOLD;
            if truth >= dedup::NEAR_THRESHOLD && !(equal || near) {
                missed += 1;
            }
            if !(equal || near) {
                closest.push((truth, i, j));
                if closest.len() > 1000 {
                    closest.sort_by(|x, y| y.0.total_cmp(&x.0));
                    closest.truncate(10);
                }
            }
            if equal || near {
                flagged += 1;
                below += usize::from(truth < dedup::NEAR_THRESHOLD);
                exact += usize::from(equal);
                println!(
                    "FLAGGED {} estimate {:.2} jaccard {:.2}\n  {}  {:?}\n  {}  {:?}",
                    if equal { "exact" } else { "near" },
                    dedup::similarity(&a.sig, &b.sig),
                    truth,
                    a.url,
                    head(&a.text),
                    b.url,
                    head(&b.text)
                );
            }
        }
    }
    same_site.sort_by(|x, y| y.0.total_cmp(&x.0));
    println!("most similar pairs from one site (exact shingle Jaccard):");
    for (s, i, j) in same_site.iter().take(10) {
        println!(
            "  {s:.3} estimate {:.2}  {}  {}",
            dedup::similarity(&docs[*i].sig, &docs[*j].sig),
            docs[*i].url,
            docs[*j].url
        );
    }
    closest.sort_by(|x, y| y.0.total_cmp(&x.0));
    println!("most similar pairs not flagged:");
    for (s, i, j) in closest.iter().take(10) {
        println!(
            "  {s:.3} estimate {:.2}  {}  {}",
            dedup::similarity(&docs[*i].sig, &docs[*j].sig),
            docs[*i].url,
            docs[*j].url
        );
    }
    println!(
        "flagged with shingle Jaccard below the threshold: {below}; \
         not flagged with it at or above: {missed}"
    );
    println!(
        "{} texts, {compared} of at least {} words, {pairs} pairs, {} pairs from one site; \
         flagged {flagged} ({exact} exact text), pairs with shingle Jaccard >= {}: {true_near}",
        docs.len(),
        dedup::MIN_WORDS,
        same_site.len(),
        dedup::NEAR_THRESHOLD
    );
}
