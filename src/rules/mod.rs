//! Rule files: `selectors/_global.toml` (cleaner rules with ids), `selectors/<host>.toml`
//! (per-site selectors) and `selectors/themes/<theme>.toml` (per-CMS-theme selectors matched
//! by a fingerprint of the page). Files are parsed with `deny_unknown_fields` and compiled
//! once into [`Rules`]; every error names the file and the rule. The bundled files are
//! compiled into the binary; `--selectors DIR` adds a user's own on top.

pub mod classes;
pub mod pattern;

use crate::error::{Error, Result};
use crate::html::select::Sel;
use crate::model::Method;
use pattern::Pattern;
use regex::Regex;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Rule files shipped inside the binary (path relative to `selectors/`, contents).
/// `tests` check that every file under `selectors/` is listed here.
pub const BUNDLED: &[(&str, &str)] = &[
    ("_global.toml", include_str!("../../selectors/_global.toml")),
    (
        "themes/tagdiv-newspaper.toml",
        include_str!("../../selectors/themes/tagdiv-newspaper.toml"),
    ),
    (
        "themes/jnews.toml",
        include_str!("../../selectors/themes/jnews.toml"),
    ),
    (
        "themes/jannah.toml",
        include_str!("../../selectors/themes/jannah.toml"),
    ),
    (
        "themes/soledad.toml",
        include_str!("../../selectors/themes/soledad.toml"),
    ),
    (
        "themes/wordpress-generic.toml",
        include_str!("../../selectors/themes/wordpress-generic.toml"),
    ),
];

/// A site or theme file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    /// Display name (themes); defaults to the file stem.
    name: Option<String>,
    /// Hosts this file applies to (site files); a host matches itself and its subdomains.
    #[serde(default)]
    domains: Vec<String>,
    /// CSS selectors; the theme applies when any of them matches (theme files).
    #[serde(default)]
    fingerprint: Vec<String>,
    /// Lower numbers are tried first when several themes match.
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    body: Vec<String>,
    #[serde(default)]
    author: Vec<String>,
    #[serde(default)]
    date: Vec<String>,
    #[serde(default)]
    breadcrumbs: Vec<String>,
    #[serde(default)]
    strip: Vec<String>,
    #[serde(default)]
    strip_text: Vec<String>,
}

/// `_global.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GlobalFile {
    #[serde(default)]
    dom: Vec<DomRuleDef>,
    #[serde(default)]
    block: Vec<BlockRuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DomRuleDef {
    id: String,
    #[serde(default)]
    selectors: Vec<String>,
    #[serde(default)]
    class_tokens: Vec<String>,
    #[serde(default)]
    class_contains: Vec<String>,
    #[serde(default)]
    unless_class_contains: Vec<String>,
    #[serde(default)]
    text_pattern: Option<String>,
    #[serde(default)]
    max_chars: Option<usize>,
    #[serde(default)]
    strict_only: bool,
    #[serde(default)]
    in_content: bool,
    #[serde(default)]
    keep_if_prose: bool,
    #[serde(default)]
    keep_if_prose_unless: Vec<String>,
    #[serde(default)]
    any_size: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockRuleDef {
    id: String,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    max_chars: Option<usize>,
    #[serde(default)]
    min_link_ratio: Option<f64>,
    #[serde(default)]
    only_edges: bool,
    #[serde(default)]
    drop_rest: bool,
    #[serde(default)]
    tags: Vec<String>,
}

/// A compiled DOM rule: elements it matches are removed before the article is searched
/// (or, with `in_content`, only from inside the chosen article).
#[derive(Debug)]
pub struct DomRule {
    /// Rule id, reported in `extraction.removed`.
    pub id: String,
    /// CSS selectors that match outright.
    pub selectors: Vec<Sel>,
    /// `selectors` as one list, for the test of every element.
    pub any_selector: Option<Sel>,
    /// Whole class/id tokens (split on non-alphanumerics) that match, lowercase.
    pub class_tokens: Vec<String>,
    /// Substrings of the lowercased class + id that match.
    pub class_contains: Vec<String>,
    /// Substrings of class + id that veto a class match (e.g. `article`, `content`).
    pub unless_class_contains: Vec<String>,
    /// The element's text must match this as well (anchored as written).
    pub text_pattern: Option<Pattern>,
    /// Only remove when the element's text is at most this many characters.
    pub max_chars: Option<usize>,
    /// Dropped on the lenient retry pass (Readability's "unlikely candidates").
    pub strict_only: bool,
    /// Applied only inside the chosen content, not to the whole page.
    pub in_content: bool,
    /// A matched container (not a bare `p`/`span`) that holds a prose paragraph stays
    /// (collapsed accordions and tabs hide real text until a click).
    pub keep_if_prose: bool,
    /// ...unless its class/id contains one of these (modals, menus, cookie boxes).
    pub keep_if_prose_unless: Vec<String>,
    /// Removed whatever share of the page's text or prose it holds (text no reader sees).
    pub any_size: bool,
}

/// A compiled block rule: a rendered text block of the article that matches is dropped.
#[derive(Clone, Debug)]
pub struct BlockRule {
    /// Rule id.
    pub id: String,
    /// Pattern the block's text must match.
    pub pattern: Option<Pattern>,
    /// The block must be at most this long (characters).
    pub max_chars: Option<usize>,
    /// At least this share of the block's characters must be link text.
    pub min_link_ratio: Option<f64>,
    /// Only applies to the leading and trailing blocks of the body.
    pub only_edges: bool,
    /// When it matches, every following block is dropped too (e.g. "Related articles").
    pub drop_rest: bool,
    /// Only blocks rendered from these elements (empty: any).
    pub tags: Vec<String>,
}

/// Compiled selectors for one site or theme.
#[derive(Debug)]
pub struct SiteRule {
    /// `site:<file>` or `theme:<name>`, reported as `extraction.method`.
    pub method: Method,
    /// Host suffixes.
    pub domains: Vec<String>,
    /// Theme fingerprint.
    pub fingerprint: Vec<Sel>,
    /// `fingerprint` as one list.
    pub fingerprint_any: Option<Sel>,
    /// Sort key among matching themes.
    pub priority: i32,
    /// Title element selectors.
    pub title: Vec<Sel>,
    /// Body container selectors.
    pub body: Vec<Sel>,
    /// Author element selectors.
    pub author: Vec<Sel>,
    /// Date element selectors.
    pub date: Vec<Sel>,
    /// Breadcrumb item selectors.
    pub breadcrumbs: Vec<Sel>,
    /// Elements removed from the body.
    pub strip: Vec<Sel>,
    /// Blocks of the body removed when their text matches.
    pub strip_text: Vec<Regex>,
}

/// All rules, compiled once and shared read-only by every worker.
#[derive(Debug, Default)]
pub struct Rules {
    /// Per-site rules.
    pub sites: Vec<SiteRule>,
    /// Per-theme rules, in priority order.
    pub themes: Vec<SiteRule>,
    /// DOM cleaner rules.
    pub dom: Vec<DomRule>,
    /// Block cleaner rules.
    pub block: Vec<BlockRule>,
    /// The class and id patterns of `dom`, compiled together on first use.
    dom_classes: std::sync::OnceLock<crate::rules::classes::ClassIndex>,
}

impl Rules {
    /// The class and id patterns of the dom rules, for one scan per element.
    pub fn dom_class_index(&self) -> &crate::rules::classes::ClassIndex {
        self.dom_classes
            .get_or_init(|| crate::rules::classes::ClassIndex::new(&self.dom))
    }

    /// The bundled rules only.
    pub fn bundled() -> Result<Rules> {
        Self::load(&[])
    }

    /// The bundled rules plus every `*.toml` under the given directories (user rules are
    /// consulted first, so a user's site file overrides a bundled one for the same host).
    pub fn load(user_dirs: &[PathBuf]) -> Result<Rules> {
        let mut rules = Rules::default();
        for dir in user_dirs {
            let mut files = Vec::new();
            collect_toml(dir, &mut files)?;
            files.sort();
            for path in files {
                let text = std::fs::read_to_string(&path).map_err(|source| Error::RuleIo {
                    path: path.clone(),
                    source,
                })?;
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                rules.add_file(&rel, &path, &text)?;
            }
        }
        for (rel, text) in BUNDLED {
            let rel = Path::new(rel);
            rules.add_file(rel, &Path::new("selectors").join(rel), text)?;
        }
        rules.themes.sort_by_key(|t| t.priority);
        Ok(rules)
    }

    fn add_file(&mut self, rel: &Path, shown: &Path, text: &str) -> Result<()> {
        let stem = rel
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("rules")
            .to_string();
        if stem == "_global" {
            let file: GlobalFile = toml::from_str(text).map_err(|source| Error::RuleParse {
                path: shown.to_path_buf(),
                source,
            })?;
            for d in file.dom {
                self.dom.push(compile_dom(d, shown)?);
            }
            for b in file.block {
                self.block.push(compile_block(b, shown)?);
            }
            return Ok(());
        }
        let file: SiteFile = toml::from_str(text).map_err(|source| Error::RuleParse {
            path: shown.to_path_buf(),
            source,
        })?;
        let is_theme = rel.components().any(|c| c.as_os_str() == "themes");
        let name = file.name.clone().unwrap_or_else(|| stem.clone());
        let method = if is_theme {
            Method::Theme(name.clone())
        } else {
            Method::Site(rel.display().to_string())
        };
        if is_theme && file.fingerprint.is_empty() {
            return Err(invalid(shown, &name, "a theme needs a `fingerprint`"));
        }
        if !is_theme && file.domains.is_empty() {
            return Err(invalid(shown, &name, "a site file needs `domains`"));
        }
        let sel = |field: &str, list: &[String]| compile_selectors(list, shown, &format!("{name}.{field}"));
        let rule = SiteRule {
            method,
            domains: file.domains.iter().map(|d| d.to_lowercase()).collect(),
            fingerprint: sel("fingerprint", &file.fingerprint)?,
            fingerprint_any: Sel::any_of(&file.fingerprint),
            priority: file.priority,
            title: sel("title", &file.title)?,
            body: sel("body", &file.body)?,
            author: sel("author", &file.author)?,
            date: sel("date", &file.date)?,
            breadcrumbs: sel("breadcrumbs", &file.breadcrumbs)?,
            strip: sel("strip", &file.strip)?,
            strip_text: file
                .strip_text
                .iter()
                .map(|p| compile_regex(p, shown, &format!("{name}.strip_text")))
                .collect::<Result<_>>()?,
        };
        if is_theme {
            self.themes.push(rule);
        } else {
            self.sites.push(rule);
        }
        Ok(())
    }

    /// The site rule for a host, if any (`www.` and subdomains match their parent domain).
    pub fn site_for_host(&self, host: &str) -> Option<&SiteRule> {
        let host = host.to_lowercase();
        self.sites.iter().find(|s| {
            s.domains
                .iter()
                .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        })
    }
}

/// Every `*.toml` under `dir`, following symbolic links (a link loop is an error, not a hang).
fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        let entry = entry.map_err(|e| Error::RuleIo {
            path: e.path().unwrap_or(dir).to_path_buf(),
            source: e.into(),
        })?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "toml") {
            out.push(entry.into_path());
        }
    }
    Ok(())
}

fn invalid(path: &Path, rule: &str, message: &str) -> Error {
    Error::RuleInvalid {
        path: path.to_path_buf(),
        rule: rule.to_string(),
        message: message.to_string(),
    }
}

fn compile_selectors(list: &[String], path: &Path, rule: &str) -> Result<Vec<Sel>> {
    list.iter()
        .map(|s| Sel::parse(s).map_err(|e| invalid(path, rule, &format!("bad CSS selector `{s}`: {e}"))))
        .collect()
}

fn compile_regex(p: &str, path: &Path, rule: &str) -> Result<Regex> {
    Regex::new(p).map_err(|e| invalid(path, rule, &format!("bad regex: {e}")))
}

fn compile_pattern(p: &str, path: &Path, rule: &str) -> Result<Pattern> {
    Pattern::new(p).map_err(|e| invalid(path, rule, &format!("bad regex: {e}")))
}

fn compile_dom(d: DomRuleDef, path: &Path) -> Result<DomRule> {
    let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
    if d.selectors.is_empty() && d.class_tokens.is_empty() && d.class_contains.is_empty() {
        return Err(invalid(
            path,
            &d.id,
            "a dom rule needs selectors, class_tokens or class_contains",
        ));
    }
    Ok(DomRule {
        selectors: compile_selectors(&d.selectors, path, &d.id)?,
        any_selector: Sel::any_of(&d.selectors),
        text_pattern: d
            .text_pattern
            .as_deref()
            .map(|p| compile_pattern(p, path, &d.id))
            .transpose()?,
        class_tokens: lower(d.class_tokens),
        class_contains: lower(d.class_contains),
        unless_class_contains: lower(d.unless_class_contains),
        max_chars: d.max_chars,
        strict_only: d.strict_only,
        in_content: d.in_content,
        keep_if_prose: d.keep_if_prose,
        keep_if_prose_unless: lower(d.keep_if_prose_unless),
        any_size: d.any_size,
        id: d.id,
    })
}

fn compile_block(b: BlockRuleDef, path: &Path) -> Result<BlockRule> {
    if b.pattern.is_none() && b.min_link_ratio.is_none() {
        return Err(invalid(
            path,
            &b.id,
            "a block rule needs a pattern or min_link_ratio",
        ));
    }
    Ok(BlockRule {
        pattern: b
            .pattern
            .as_deref()
            .map(|p| compile_pattern(p, path, &b.id))
            .transpose()?,
        max_chars: b.max_chars,
        min_link_ratio: b.min_link_ratio,
        only_edges: b.only_edges,
        drop_rest: b.drop_rest,
        tags: b.tags,
        id: b.id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_compile() {
        let rules = Rules::bundled().expect("bundled rules compile");
        assert!(rules.themes.len() >= 5, "five themes ship");
        assert!(rules.dom.iter().any(|r| r.id.starts_with("social")));
        assert!(rules.block.iter().any(|r| r.id == "insert.read-label"));
    }

    #[test]
    fn every_selectors_file_is_bundled() {
        let mut files = Vec::new();
        collect_toml(
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/selectors")),
            &mut files,
        )
        .expect("selectors dir readable");
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/selectors"));
        for f in files {
            let rel = f
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            if rel.contains('/') && !rel.starts_with("themes/") {
                continue;
            }
            if !rel.contains('/') && rel != "_global.toml" {
                // per-site files are loaded from BUNDLED too
            }
            assert!(
                BUNDLED.iter().any(|(p, _)| *p == rel),
                "{rel} is not in rules::BUNDLED"
            );
        }
    }

    #[test]
    fn unknown_field_names_file() {
        let dir = crate::test_dir("rules");
        std::fs::write(
            dir.join("bad.example.toml"),
            "domains=[\"x.test\"]\nbodyy=[\"div\"]\n",
        )
        .expect("write");
        let err = Rules::load(std::slice::from_ref(&dir)).expect_err("unknown field rejected");
        // The message and its source, as the CLI prints them.
        let msg = crate::error::chain(&err);
        assert!(msg.contains("bad.example.toml") && msg.contains("bodyy"), "{msg}");
        std::fs::write(
            dir.join("bad.example.toml"),
            "domains=[\"x.test\"]\nbody=[\"div[\"]\n",
        )
        .expect("write");
        let msg = Rules::load(std::slice::from_ref(&dir))
            .expect_err("bad css")
            .to_string();
        assert!(msg.contains("bad CSS selector"), "{msg}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
