//! Keeps `docs/configuration.md` in step with the code (tests only): the table of crawl
//! settings between its `<!-- keys -->` markers is generated from the `CrawlConfig` struct
//! (each field's `///` line and type, read from `src/crawl/config/mod.rs`), its defaults
//! (`CrawlConfig::default()`) and the `crawl` flags (clap); every `--config` key must be in
//! it. `NEWSHARVEST_BLESS=1 cargo test --lib config_docs` rewrites the table.

use crate::crawl::CrawlConfig;
use clap::CommandFactory;

/// The struct's source.
const CONFIG_SOURCE: &str = include_str!("../crawl/config/mod.rs");
/// The generated table sits between these lines of the document.
const BEGIN: &str = "<!-- keys: generated from src/crawl/config/mod.rs by `NEWSHARVEST_BLESS=1 cargo test --lib config_docs`; do not edit -->";
const END: &str = "<!-- end of keys -->";

/// One field of the struct: name, doc text, Rust type, and whether serde skips it.
struct Field {
    name: String,
    doc: String,
    ty: String,
    skipped: bool,
}

/// The fields of `pub struct CrawlConfig` in source order.
fn fields() -> Vec<Field> {
    let body = CONFIG_SOURCE
        .split("pub struct CrawlConfig {")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .expect("pub struct CrawlConfig in src/crawl/config/mod.rs");
    let mut out = Vec::new();
    let (mut doc, mut skipped) = (Vec::new(), false);
    for line in body.lines().map(str::trim) {
        if let Some(d) = line.strip_prefix("///") {
            doc.push(d.trim().to_string());
        } else if line.starts_with("#[") {
            skipped |= line.contains("serde(skip)");
        } else if let Some(decl) = line.strip_prefix("pub ") {
            let (name, ty) = decl.split_once(':').expect("a field");
            out.push(Field {
                name: name.trim().to_string(),
                doc: doc.join(" "),
                ty: ty.trim().trim_end_matches(',').to_string(),
                skipped,
            });
            (doc, skipped) = (Vec::new(), false);
        }
    }
    out
}

/// How a value of a field is written in the file.
fn file_type(f: &Field) -> &'static str {
    if f.doc.starts_with("Seconds ") {
        return "seconds";
    }
    match f.ty.as_str() {
        "Vec<Url>" => "list of URLs",
        "Vec<Pattern>" => "list of regexes",
        "Vec<ResolveRule>" => "list of `HOST:PORT:ADDR`",
        "Vec<PathBuf>" => "list of paths",
        "Option<PathBuf>" => "path",
        "Option<String>" | "String" | "Option<FormatName>" => "string",
        "Duration" | "Option<Duration>" => "duration",
        "ByteSize" => "size",
        "Option<DateTime<FixedOffset>>" => "date",
        "bool" => "boolean",
        "f64" => "number",
        _ => "integer",
    }
}

/// The default as the file writes it (`—`: none), or what the doc line says it is.
fn default_of(f: &Field, defaults: &toml::Table) -> String {
    if let Some((_, said)) = f.doc.split_once("(default: ") {
        // Up to the note's closing parenthesis: the last one (the note may hold others).
        return said.rsplit_once(')').map_or(said, |(note, _)| note).to_string();
    }
    match defaults.get(&f.name) {
        None => "—".into(),
        Some(toml::Value::Array(a)) if a.is_empty() => "`[]`".into(),
        Some(v) => format!("`{v}`"),
    }
}

/// The flag that sets a key (the same name, or `--no-…` for a switch that is on by default).
fn flag_of(key: &str, crawl: &clap::Command) -> String {
    if key == "seeds" {
        return "`SEEDS…`, `--seeds FILE`".into();
    }
    let no = format!("no_{key}");
    crawl
        .get_arguments()
        .find(|a| a.get_id() == key || a.get_id() == no.as_str())
        .and_then(|a| a.get_long())
        .map_or("—".into(), |l| format!("`--{l}`"))
}

/// The generated table.
fn table() -> String {
    let defaults = match toml::Value::try_from(CrawlConfig::default()) {
        Ok(toml::Value::Table(t)) => t,
        other => panic!("the defaults as TOML: {other:?}"),
    };
    let cli = super::cli::Cli::command();
    let crawl = cli.find_subcommand("crawl").expect("the crawl subcommand");
    let mut t = String::from("| key | type | default | flag | meaning |\n|---|---|---|---|---|\n");
    for f in fields().iter().filter(|f| !f.skipped) {
        let doc = f.doc.replace('|', "\\|");
        t.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            f.name,
            file_type(f),
            default_of(f, &defaults),
            flag_of(&f.name, crawl),
            doc
        ));
    }
    t
}

#[test]
fn every_key_is_documented_and_the_table_is_current() {
    let parsed: Vec<String> = fields()
        .into_iter()
        .filter(|f| !f.skipped)
        .map(|f| f.name)
        .collect();
    let keys: Vec<&str> = CrawlConfig::keys().to_vec();
    assert_eq!(
        parsed, keys,
        "the fields read from the source are the keys serde reads"
    );
    assert!(
        fields().iter().all(|f| !f.doc.is_empty()),
        "every field has a doc line"
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/configuration.md");
    let doc = std::fs::read_to_string(path).expect("docs/configuration.md");
    let (head, rest) = doc.split_once(BEGIN).expect("the begin marker");
    let (current, tail) = rest.split_once(END).expect("the end marker");
    let wanted = format!("\n{}", table());
    if std::env::var_os("NEWSHARVEST_BLESS").is_some() {
        std::fs::write(path, format!("{head}{BEGIN}{wanted}{END}{tail}")).expect("write the docs");
        return;
    }
    assert_eq!(
        current, wanted,
        "docs/configuration.md is out of date: NEWSHARVEST_BLESS=1 cargo test --lib config_docs"
    );
    for key in keys {
        assert!(
            current.contains(&format!("| `{key}` |")),
            "{key} is not documented"
        );
    }
}
