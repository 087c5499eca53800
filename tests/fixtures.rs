//! Golden tests: every `fixtures/<case>/page.html` (+ `url.txt`) is processed and the record
//! compared with `expected.json`, key by key. `must_not_contain` lists boilerplate strings
//! that may appear in neither `text` nor `title`. On a mismatch the test prints the field,
//! the expected and the actual value, so a changed expectation is easy to review.
//!
//! A case with an `expected.md` also has its `markdown` compared with it (pages are
//! processed with Markdown on), and every `expected.md` is read back with a CommonMark + GFM
//! parser (`markdown_readback`): its words are those of `text`, and the structure the case's
//! `structure.json` lists (tables row by row, code byte for byte, heading levels, list
//! nesting) is what the parser finds.

#[path = "common/markdown_readback.rs"]
mod markdown_readback;

use newsharvest::{process, record::to_record, Options, Page, Rules};
use serde_json::Value;
use std::path::Path;

fn check_case(dir: &Path, rules: &Rules) -> Vec<String> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let html = match std::fs::read(dir.join("page.html")) {
        Ok(h) => h,
        Err(e) => return vec![format!("{name}: cannot read page.html: {e}")],
    };
    let url = std::fs::read_to_string(dir.join("url.txt"))
        .ok()
        .map(|u| u.trim().to_string());
    let expected: Value = match std::fs::read_to_string(dir.join("expected.json"))
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => return vec![format!("{name}: bad expected.json: {e}")],
    };
    let page = Page {
        bytes: &html,
        url: url.as_deref(),
        ..Default::default()
    };
    let opts = Options {
        markdown: true,
        ..Options::default()
    };
    let article = match process(&page, rules, &opts) {
        Ok(a) => a,
        Err(e) => return vec![format!("{name}: process failed: {e}")],
    };
    let record = match serde_json::to_value(to_record(article, None)) {
        Ok(v) => v,
        Err(e) => return vec![format!("{name}: record does not serialise: {e}")],
    };
    if let Ok(want) = std::fs::read_to_string(dir.join("expected.md")) {
        let got = record["markdown"].as_str().unwrap_or("");
        if got.trim_end() != want.trim_end() {
            problems.push(format!(
                "{name}: `markdown` differs\n--- expected\n{want}\n--- got\n{got}\n"
            ));
        }
        let text = record["text"].as_str().unwrap_or("");
        problems.extend(markdown_readback::check(&name, &want, text, dir));
    }
    let Some(exp) = expected.as_object() else {
        return vec![format!("{name}: expected.json is not an object")];
    };
    for (key, want) in exp {
        if key == "must_not_contain" {
            for s in want.as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
                for field in ["text", "title"] {
                    if record[field].as_str().is_some_and(|t| t.contains(s)) {
                        problems.push(format!("{name}: `{field}` contains boilerplate {s:?}"));
                    }
                }
            }
            continue;
        }
        let got = &record[key.as_str()];
        if got != want {
            if let (Some(w), Some(g)) = (want.as_str(), got.as_str()) {
                let wl: Vec<&str> = w.split("\n\n").collect();
                let gl: Vec<&str> = g.split("\n\n").collect();
                let missing: Vec<&&str> = wl.iter().filter(|b| !gl.contains(b)).collect();
                let extra: Vec<&&str> = gl.iter().filter(|b| !wl.contains(b)).collect();
                problems.push(format!(
                    "{name}: `{key}` differs\n    missing blocks: {missing:#?}\n    extra blocks: {extra:#?}"
                ));
            } else {
                problems.push(format!("{name}: `{key}` expected {want} got {got}"));
            }
        }
    }
    problems
}

#[test]
fn golden_fixtures() {
    let rules = Rules::bundled().expect("bundled rules compile");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("page.html").exists() && p.join("expected.json").exists())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected at least 10 fixture cases, found {}",
        cases.len()
    );
    assert!(
        cases.iter().any(|c| c.ends_with("case-seed-tagdiv")),
        "the seed fixture is missing"
    );
    let problems: Vec<String> = cases.iter().flat_map(|c| check_case(c, &rules)).collect();
    assert!(
        problems.is_empty(),
        "{} fixture problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
