//! Reading an `expected.md` back with a CommonMark + GFM parser (pulldown-cmark, tables and
//! math on): its words (`\w+` runs, as the body metric counts them) must be the words of the
//! record's `text` (image alt texts aside; a formula's TeX without its commands, since `text`
//! may hold the MathML's tokens where the Markdown has TeX),
//! and, when the case has a `structure.json`, the parser must find exactly the headings
//! (level and text), tables (row by row), code blocks (language and text, byte for byte)
//! and list items (depth and first words) listed there.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::{json, Value};
use std::path::Path;

/// What the parser found.
#[derive(Default)]
struct Found {
    words: String,
    headings: Vec<Value>,
    tables: Vec<Vec<Vec<String>>>,
    code: Vec<Value>,
    items: Vec<Value>,
}

fn parse(md: &str) -> Found {
    let mut f = Found::default();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_MATH | Options::ENABLE_STRIKETHROUGH;
    let (mut in_image, mut depth) = (0usize, 0usize);
    let mut heading: Option<(u8, String)> = None;
    let mut code: Option<(String, String)> = None;
    let mut cell: Option<String> = None;
    let mut item: Option<(usize, String)> = None;
    for ev in Parser::new_ext(md, opts) {
        let math;
        let piece: Option<&str> = match &ev {
            Event::Text(t) | Event::Code(t) => Some(t),
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                math = format!(" {t} ");
                Some(&math)
            }
            _ => None,
        };
        if let Some(t) = piece {
            if in_image == 0 {
                f.words.push_str(t);
                for s in [
                    heading.as_mut().map(|h| &mut h.1),
                    code.as_mut().map(|c| &mut c.1),
                    cell.as_mut(),
                    item.as_mut().map(|i| &mut i.1),
                ]
                .into_iter()
                .flatten()
                {
                    s.push_str(t);
                }
            }
            continue;
        }
        let boundary = !matches!(ev, Event::Start(_)) || matches!(ev, Event::Start(Tag::Item));
        match ev {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image -= 1,
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level as u8, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((l, t)) = heading.take() {
                    f.headings.push(json!([l, t]));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((l, t)) = code.take() {
                    f.code
                        .push(json!({"lang": l, "text": t.strip_suffix('\n').unwrap_or(&t)}));
                }
            }
            Event::Start(Tag::Table(_)) => f.tables.push(Vec::new()),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                if let Some(t) = f.tables.last_mut() {
                    t.push(Vec::new());
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some(row)) = (cell.take(), f.tables.last_mut().and_then(|t| t.last_mut())) {
                    row.push(c);
                }
            }
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth -= 1,
            Event::Start(Tag::Item) => {
                if let Some((d, t)) = item.take() {
                    f.items.push(json!([d, t]));
                }
                item = Some((depth - 1, String::new()));
            }
            Event::End(TagEnd::Item) => {
                if let Some((d, t)) = item.take() {
                    f.items.push(json!([d, t]));
                }
            }
            _ => {}
        }
        if boundary {
            f.words.push(' ');
        }
    }
    f
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// The words of a text as a reader sees them: its `\w+` runs once TeX commands and
/// environments (`\frac`, `\begin{matrix}`) and script marks (`_`, `^`) are left out, on
/// both sides, since `text` may hold a formula's TeX or its MathML's tokens.
fn tokens(s: &str) -> Vec<String> {
    static TEX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\\(?:begin|end)\{[a-z*]+\}|\\[A-Za-z]+|[_^]").expect("static pattern")
    });
    static WORD: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\w+").expect("static pattern"));
    let plain = TEX.replace_all(s, " ");
    WORD.find_iter(&plain).map(|m| m.as_str().to_string()).collect()
}

/// Problems of one case's `expected.md` read back.
pub fn check(name: &str, md: &str, text: &str, dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let found = parse(md);
    let (got, want) = (tokens(&found.words), tokens(text));
    if got != want {
        let at = got
            .iter()
            .zip(&want)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(want.len()));
        problems.push(format!(
            "{name}: expected.md read back differs from text at word {at}: md {:?} text {:?}",
            &got[at..(at + 8).min(got.len())],
            &want[at..(at + 8).min(want.len())]
        ));
    }
    let Ok(raw) = std::fs::read_to_string(dir.join("structure.json")) else {
        return problems;
    };
    let Ok(exp) = serde_json::from_str::<Value>(&raw) else {
        return vec![format!("{name}: bad structure.json")];
    };
    let items: Vec<Value> = found
        .items
        .iter()
        .map(|i| {
            json!([
                i[0],
                words(i[1].as_str().unwrap_or(""))
                    .into_iter()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ")
            ])
        })
        .collect();
    let tables: Vec<Value> = found.tables.iter().map(|t| json!(t)).collect();
    for (key, got) in [
        ("headings", Value::from(found.headings)),
        ("tables", Value::from(tables)),
        ("code", Value::from(found.code)),
        ("items", Value::from(items)),
    ] {
        if let Some(want) = exp.get(key) {
            if *want != got {
                problems.push(format!("{name}: structure `{key}`: expected {want}\n  got {got}"));
            }
        }
    }
    problems
}
