//! Checks that the bounded parse (`newsharvest::html::parse`) builds the same tree as scraper's
//! own parser on real pages: `cargo run --release --example parse_check -- ../shared/eval/*/pages/*`
//! prints the pages whose serialised trees differ (the limits should only ever change
//! hostile input) and a count.

use newsharvest::{html::parse, Limits};
use std::io::Read;

fn main() {
    let (mut differ, mut checked) = (0, 0);
    for path in std::env::args().skip(1) {
        let raw = match std::fs::read(&path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let mut bytes = Vec::new();
        if raw.starts_with(&[0x1f, 0x8b]) {
            if let Err(e) = flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut bytes) {
                eprintln!("{path}: {e}");
                continue;
            }
        } else {
            bytes = raw;
        }
        let text = newsharvest::html::decode::decode_html(&bytes, None).text;
        let ours = match parse::document(&text, &Limits::default()) {
            Ok(h) => h,
            Err(e) => {
                println!("ERROR {path}: {e}");
                differ += 1;
                continue;
            }
        };
        checked += 1;
        if ours.html() != scraper::Html::parse_document(&text).html() {
            differ += 1;
            println!("DIFF {path}");
        }
    }
    println!("{differ} of {checked} pages differ");
}
