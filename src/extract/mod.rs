//! The extraction stage: `process()` turns one page's raw bytes into an [`Article`]:
//! decode → parse → metadata → site/theme rules or readability scoring → clean → title,
//! language. Pure and synchronous: no I/O, no global state besides the compiled rules.
//! For a crawler, `process_for_crawl()` also returns the page's raw links and feeds
//! ([`links`]) and its article/listing signals in a [`PageInfo`]; fetching them is not done
//! here. Every page is classified ([`page_type`]) on the parsed tree before the body search:
//! the record's `page_type` and `extraction.page_type_evidence`. A page of another type than
//! `article` gets its body from [`by_type`] (the posts of a thread, the items of a listing,
//! ...) when no site or theme rule applies; an article's path is unchanged. In: a [`Page`].
//! Out: an [`Article`] (or why there is none).

pub mod by_type;
mod lead;
pub mod links;
pub mod metadata;
pub mod page_type;
pub mod readability;
pub mod render;
pub mod streaming;
pub mod title;

use crate::clean::{self, Removals};
use crate::error::{Error, Result};
use crate::html::arena::{Arena, AttrName, NodeId};
use crate::html::decode;
use crate::html::dom;
use crate::html::engine;
use crate::html::select::{DocKeys, Sel};
use crate::html::text;
use crate::limits::{self, Limits};
use crate::model::{Article, Block, DateSource, Extraction, Method, Page, PageType};
use crate::rules::{Rules, SiteRule};

/// A body with fewer characters than this makes the strict pass retry leniently.
const MIN_BODY_CHARS: usize = 250;
/// A site/theme body selector that yields less than this falls back to scoring.
const MIN_RULE_BODY_CHARS: usize = 200;

/// The headline is looked for among this many leading blocks of the body.
const TITLE_SEARCH_BLOCKS: usize = 5;

/// Options of one `process` call.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Keep the removed texts in `extraction.explain`.
    pub explain: bool,
    /// Render the body as Markdown too (`markdown`).
    pub markdown: bool,
    /// Write links in the Markdown as `[text](url)` (else as their text).
    pub links: bool,
    /// Render the body as minimal, safe HTML too (`article_html`).
    pub article_html: bool,
    /// Bounds of the work on one page (size, DOM nodes, nesting, time).
    pub limits: Limits,
}

/// What a crawler needs from a page besides the article: its links and the signals that
/// tell an article from a listing page. Filled even when no article is found.
#[derive(Debug, Clone, Default)]
pub struct PageInfo {
    /// `href` of every `<a>` (raw, unresolved), in document order.
    pub links: Vec<String>,
    /// `href` of every `<link rel=alternate>` RSS/Atom/JSON feed (raw, unresolved), in
    /// document order: the crawler resolves them (`crate::crawl::discover::resolve_unique`).
    pub feeds: Vec<String>,
    /// `og:type`, lowercased.
    pub og_type: Option<String>,
    /// JSON-LD `@type`s, lowercased.
    pub jsonld_types: Vec<String>,
    /// What kind of page it is ([`page_type`]), also when it has no article; `None` when
    /// the page was not parsed.
    pub page_type: Option<PageType>,
    /// Why (the record's `extraction.page_type_evidence`).
    pub page_type_evidence: Vec<String>,
}

/// Extract the article from one page. See the module documentation for the steps.
///
/// The work is bounded by `opts.limits`: a page over the size or node cap, or one that
/// runs out of time, is an error (`too large`, `timeout`), and so is a panic inside the
/// extraction (a bug), which is caught here so that one page cannot end a batch.
pub fn process(page: &Page<'_>, rules: &Rules, opts: &Options) -> Result<Article> {
    guarded(opts, || run(page, rules, opts, None))
}

/// [`process`] for a crawler: also returns the page's links and article/listing signals,
/// which are there even when the page has no article (a section page).
pub fn process_for_crawl(page: &Page<'_>, rules: &Rules, opts: &Options) -> (Result<Article>, PageInfo) {
    let mut info = PageInfo::default();
    let article = guarded(opts, || run(page, rules, opts, Some(&mut info)));
    (article, info)
}

/// Run one page's extraction under its time budget, turning a panic into an error.
fn guarded(opts: &Options, f: impl FnOnce() -> Result<Article>) -> Result<Article> {
    let _deadline = limits::start(opts.limits.timeout);
    // Nothing shared is left half-updated by a panic: the rules are read-only and the page
    // state dies with the closure.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        Err(Error::Panic(msg))
    })
}

/// Parse the decoded page within the limits, with streamed pieces moved into place.
fn parse(text: &str, limits: &Limits) -> Result<Arena> {
    let text = crate::html::repair::close_unclosed_title(text);
    let mut tree = engine::parse_document(&text, limits)?;
    streaming::place_streamed_segments(&mut tree);
    limits::check()?;
    Ok(tree)
}

fn run(page: &Page<'_>, rules: &Rules, opts: &Options, info: Option<&mut PageInfo>) -> Result<Article> {
    check_input(page, opts)?;
    let decoded = decode::decode_html(page.bytes, page.content_type);
    let url = page.url.and_then(|u| url::Url::parse(u).ok());
    let mut tree = parse(&decoded.text, &opts.limits)?;
    let doc = DocKeys::of(&tree);
    let md = metadata::extract(&tree, &doc, url.as_ref(), page.content_language);
    limits::check()?;
    // Classified before the body search, which takes the tree and, for a page that is not
    // an article, adds what its type keeps ([`by_type`]).
    let (kind, expanded) = page_type::classify_expanded(
        &tree,
        url.as_ref().map(url::Url::as_str),
        &page_type::Hints::default(),
        &opts.limits,
    );
    limits::check()?;
    let typed = kind.page_type != PageType::Article;
    let noscript = typed && expanded.is_some();
    if let Some(info) = info {
        *info = PageInfo {
            links: links::page_links(&tree),
            feeds: links::feed_hrefs(&tree).map(str::to_string).collect(),
            og_type: md.og_type.clone(),
            jsonld_types: md.jsonld_types.clone(),
            page_type: Some(kind.page_type),
            page_type_evidence: kind.evidence.clone(),
        };
    }

    let host = url.as_ref().and_then(|u| u.host_str()).map(str::to_lowercase);
    let rule = choose_rule(rules, host.as_deref(), &tree, &doc);
    let found = RuleFields::read(&tree, rule);
    let breadcrumbs = breadcrumbs(&md, found.crumbs);
    let site_name = md.site_name.clone();
    let title = title::choose(
        &md,
        found.title,
        site_name.as_deref(),
        host.as_deref(),
        &breadcrumbs,
    );

    // A section name or breadcrumb repeated above the body is a label, not body text.
    let labels: Vec<String> = md.section.iter().chain(breadcrumbs.iter()).cloned().collect();
    // A typed page's body is looked for in the tree that was classified (the finds are its
    // nodes), with its long `<noscript>`s expanded (an app's crawler view).
    if let Some(copy) = expanded.filter(|_| typed) {
        tree = copy;
    }
    let pass = Pass {
        labels: &labels,
        rules,
        rule,
        title: title.as_deref(),
        opts,
        base: url.as_ref(),
        by_type: typed.then_some((kind.page_type, &kind.finds)),
        noscript,
    };
    let (blocks, method, rm) = find_body(tree, &decoded.text, &pass, &md)?;
    let (text, markdown, article_html) = renderings(&blocks, opts)?;

    let authors = authors(&md, &found.authors);
    let (date_published, date_published_source) = published(&md, found.date);
    let language = md.language.clone().or_else(|| detect_language(&text));
    Ok(Article {
        url: url.as_ref().map(|u| u.to_string()),
        canonical_url: md.canonical_url.clone(),
        site_name,
        title,
        page_type: kind.page_type,
        text,
        markdown,
        article_html,
        images: render::images(&blocks),
        authors,
        date_published,
        date_published_source,
        date_modified: md.modified.as_ref().map(|m| m.0.clone()),
        date_modified_source: md.modified.as_ref().map(|m| m.1),
        language,
        description: md.description.clone(),
        image_url: md.image_url.clone(),
        section: md.section.clone(),
        tags: md.tags.clone(),
        breadcrumbs,
        extraction: Extraction {
            method,
            removed: rm.counts,
            explain: rm.explain,
            charset: format!("{} ({})", decoded.encoding.name(), decoded.source.as_str()),
            page_type_evidence: kind.evidence,
        },
    })
}

/// The body's `text` (blocks a blank line apart), and its Markdown and HTML when asked for;
/// a body without text is no article.
fn renderings(blocks: &[Block], opts: &Options) -> Result<(String, Option<String>, Option<String>)> {
    let text = blocks
        .iter()
        .map(|b| b.text.as_str())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if text.is_empty() {
        return Err(Error::NoContent);
    }
    let markdown = opts
        .markdown
        .then(|| render::markdown::to_markdown(blocks, opts.links));
    let article_html = opts.article_html.then(|| render::html::to_html(blocks));
    Ok((text, markdown, article_html))
}

/// Refuse what is not worth parsing: over the size limit, blank, or binary.
fn check_input(page: &Page<'_>, opts: &Options) -> Result<()> {
    if page.bytes.len() > opts.limits.max_bytes {
        return Err(too_large(page.bytes.len(), opts.limits.max_bytes));
    }
    if page.bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::EmptyPage);
    }
    if decode::looks_binary(page.bytes) {
        return Err(Error::Binary);
    }
    Ok(())
}

/// The site file for the page's host, else the first theme whose fingerprint the page has.
fn choose_rule<'r>(
    rules: &'r Rules,
    host: Option<&str>,
    tree: &Arena,
    doc: &DocKeys<'_>,
) -> Option<&'r SiteRule> {
    host.and_then(|h| rules.site_for_host(h)).or_else(|| {
        rules.themes.iter().find(|t| match &t.fingerprint_any {
            Some(any) => any.select_in(tree, doc).next().is_some(),
            None => t.fingerprint.iter().any(|s| s.select(tree).next().is_some()),
        })
    })
}

/// What a site or theme rule's selectors find on the page besides the body.
struct RuleFields {
    title: Option<String>,
    authors: Vec<String>,
    date: Option<String>,
    crumbs: Vec<String>,
}

impl RuleFields {
    /// Read the rule's title, author, date and breadcrumb selectors (nothing without a rule).
    fn read(tree: &Arena, rule: Option<&SiteRule>) -> RuleFields {
        RuleFields {
            title: rule.and_then(|r| first_text(tree, &r.title)),
            authors: rule.map(|r| all_texts(tree, &r.author)).unwrap_or_default(),
            date: rule.and_then(|r| rule_date(tree, &r.date)),
            crumbs: rule.map(|r| all_texts(tree, &r.breadcrumbs)).unwrap_or_default(),
        }
    }
}

/// The breadcrumb trail: JSON-LD's, else the rule's, else the one shown on the page.
fn breadcrumbs(md: &metadata::Metadata, rule_crumbs: Vec<String>) -> Vec<String> {
    // JSON-LD states the whole trail; a theme's selectors often miss the unlinked last crumb.
    let mut breadcrumbs = if md.breadcrumbs_from_jsonld || rule_crumbs.is_empty() {
        md.breadcrumbs.clone()
    } else {
        rule_crumbs
    };
    breadcrumbs.retain(|c| !c.is_empty());
    breadcrumbs
}

/// The article's blocks, how they were found and what the cleaner removed: a strict pass; a
/// lenient one when it found too little; the JSON-LD `articleBody` when neither found any.
fn find_body(
    tree: Arena,
    text: &str,
    pass: &Pass<'_>,
    md: &metadata::Metadata,
) -> Result<(Vec<Block>, Method, Removals)> {
    let mut body = extract_body(tree, pass, true);
    limits::check()?;
    if body.chars < MIN_BODY_CHARS {
        let mut tree = parse(text, &pass.opts.limits)?;
        // The same expansion as the classified copy's, so the finds name the same nodes; on
        // an article page, an app shell's article may be only in a long `<noscript>`.
        let expanded = page_type::noscript::expand_noscript(&mut tree, &pass.opts.limits) > 0;
        let lenient = Pass {
            noscript: pass.noscript || expanded,
            ..*pass
        };
        let retry = extract_body(tree, &lenient, false);
        limits::check()?;
        if retry.chars > body.chars {
            body = retry;
        }
    }
    let mut blocks = body.blocks;
    let mut method = body.method;
    if blocks.is_empty() {
        if let Some(b) = &md.jsonld_body {
            blocks = jsonld_blocks(b);
            method = Method::JsonLd;
        }
    }
    Ok((blocks, method, body.removals))
}

/// The JSON-LD `articleBody` as blocks: one paragraph a line.
fn jsonld_blocks(body: &str) -> Vec<Block> {
    body.split('\n')
        .map(text::collapse_ws)
        .filter(|l| !l.is_empty())
        .map(|t| Block::paragraph(t, "p"))
        .collect()
}

/// The writers: the rule's author selectors, else the metadata's.
fn authors(md: &metadata::Metadata, rule_authors: &[String]) -> Vec<String> {
    let mut authors = if rule_authors.is_empty() {
        md.authors.clone()
    } else {
        metadata::authors::normalize_authors(rule_authors)
    };
    if authors.is_empty() {
        authors = md.authors.clone();
    }
    authors
}

/// The publication date and its source: a declared date (JSON-LD, meta, `<time>`) wins, then
/// the rule's date selector, then a date read from the URL or the text.
fn published(md: &metadata::Metadata, rule_date: Option<String>) -> (Option<String>, Option<DateSource>) {
    match (md.published.clone(), rule_date) {
        (Some((d, s)), _) if s.is_declared() => (Some(d), Some(s)),
        (_, Some(d)) => (Some(d), Some(DateSource::Time)),
        (Some((d, s)), None) => (Some(d), Some(s)),
        (None, None) => (None, None),
    }
}

/// The error for a page of `len` bytes over the `max` size. Readers stop one byte past the
/// limit, so a length of `max + 1` means "more than `max`".
pub fn too_large(len: usize, max: usize) -> Error {
    let max_h = limits::human_bytes(max);
    Error::TooLarge(if len > max.saturating_add(1) {
        format!("{} > {max_h} (--max-page-size)", limits::human_bytes(len))
    } else {
        format!("more than {max_h} (--max-page-size)")
    })
}

/// The body found by one pass.
struct Body {
    blocks: Vec<Block>,
    chars: usize,
    method: Method,
    removals: Removals,
}

/// What every extraction pass of one page shares.
struct Pass<'a> {
    rules: &'a Rules,
    rule: Option<&'a SiteRule>,
    title: Option<&'a str>,
    labels: &'a [String],
    opts: &'a Options,
    /// The page URL, for absolute image URLs.
    base: Option<&'a url::Url>,
    /// The page type and the classifier's finds, for a page that is not an article.
    by_type: Option<(PageType, &'a page_type::Finds)>,
    /// The tree has expanded `<noscript>`s (see [`by_type::unwrap_noscripts`]).
    noscript: bool,
}

fn extract_body(mut tree: Arena, pass: &Pass<'_>, strict: bool) -> Body {
    let mut rm = Removals::new(pass.opts.explain);
    if pass.noscript {
        by_type::unwrap_noscripts(&mut tree);
    }
    clean::elements::remove_non_content(&mut tree);
    if let Some(r) = pass.rule {
        let strip_id = format!("{}.strip", r.method);
        clean::elements::apply_strip(&mut tree, &r.strip, None, &strip_id, &mut rm);
    }
    clean::elements::apply_dom_rules(
        &mut tree,
        &pass.rules.dom,
        pass.rules.dom_class_index(),
        strict,
        &mut rm,
    );

    let mut method = Method::Readability;
    let mut roots = Vec::new();
    if let Some(r) = pass.rule {
        if let Some(id) = best_match(&tree, &r.body) {
            roots = vec![id];
            method = r.method.clone();
        }
    }
    // The typed roots (a thread's posts, a listing's items) are kept whole; readability's
    // choice joins them, so nothing it found is lost.
    let mut protect = Vec::new();
    let mut whole_plan = false;
    if roots.is_empty() {
        let plan = pass
            .by_type
            .and_then(|(k, f)| by_type::plan(&tree, k, f).map(|p| (k, p)));
        if let Some(c) = readability::find_content(&tree) {
            roots = c.roots;
        }
        lead::with_lead(&tree, &mut roots);
        let joined = plan.and_then(|(k, p)| by_type::to_join(&tree, &p, &roots).map(|j| (k, p, j)));
        if let Some((kind, p, (typed, whole))) = joined {
            clean::elements::remove_nodes(&mut tree, &p.drop, "type.chrome", &mut rm);
            if p.key_value {
                by_type::key_value_rows(&mut tree, &typed);
            }
            roots.retain(|r| dom::is_within(&tree, *r, NodeId::ROOT));
            roots = by_type::merge_roots(&tree, &typed, &roots);
            protect = typed;
            whole_plan = whole;
            method = Method::ByType(kind);
        }
    }
    let mut body = render_and_clean(&mut tree, &roots, (&protect, whole_plan), pass, &mut rm);
    // A theme is a guess from a fingerprint: when its body selector yields too little, score
    // the page instead. A site file is the user's word: only an empty body falls back.
    let min_chars = if matches!(method, Method::Site(_)) {
        1
    } else {
        MIN_RULE_BODY_CHARS
    };
    if method != Method::Readability && body.1 < min_chars {
        if let Some(c) = readability::find_content(&tree) {
            let mut roots = c.roots;
            lead::with_lead(&tree, &mut roots);
            body = render_and_clean(&mut tree, &roots, (&[], false), pass, &mut rm);
            method = Method::Readability;
        }
    }
    Body {
        blocks: body.0,
        chars: body.1,
        method,
        removals: rm,
    }
}

/// Render the roots and clean the blocks: readability's conditional cleaning first, except
/// inside (and around) the `protect`ed typed roots. `(protect, whole)`: `whole` when the
/// type's whole plan joined (not only its core, see [`by_type::to_join`]): the page is then
/// cleaned by its type's block rules ([`by_type::block_rules`]).
fn render_and_clean(
    tree: &mut Arena,
    roots: &[NodeId],
    (protect, whole): (&[NodeId], bool),
    pass: &Pass<'_>,
    rm: &mut Removals,
) -> (Vec<Block>, usize) {
    let mut junk = readability::conditional_clean(tree, roots);
    by_type::spare(tree, &mut junk, protect);
    clean::elements::remove_nodes(tree, &junk, "layout.conditional", rm);
    let ropts = render::RenderOptions {
        // The HTML is written from the Markdown.
        markdown: pass.opts.markdown || pass.opts.article_html,
        base: pass.base,
    };
    let mut blocks = render::render(tree, roots, ropts);
    if let Some(t) = pass.title {
        // The headline repeated at the top of the body is not body text.
        let dup = blocks
            .iter()
            .take(TITLE_SEARCH_BLOCKS)
            .position(|b| title::same_title(&b.text, t));
        if let Some(pos) = dup {
            let b = blocks.remove(pos);
            rm.add("title.duplicate", || b.text);
        }
    }
    let mut i = 0;
    while i < blocks.len().min(TITLE_SEARCH_BLOCKS) {
        if pass.labels.iter().any(|l| title::same_title(&blocks[i].text, l)) {
            let b = blocks.remove(i);
            rm.add("navigation.section-label", || b.text);
        } else {
            i += 1;
        }
    }
    let (site_patterns, site_id) = match pass.rule {
        Some(r) => (r.strip_text.as_slice(), format!("{}.strip_text", r.method)),
        None => (&[][..], String::new()),
    };
    let typed_rules = pass
        .by_type
        .filter(|_| whole)
        .and_then(|(k, _)| by_type::block_rules(k, &pass.rules.block));
    let block_rules = typed_rules.as_deref().unwrap_or(&pass.rules.block);
    let mut blocks = clean::blocks::filter_blocks(blocks, block_rules, site_patterns, &site_id, rm);
    if let Some((kind, _)) = pass.by_type {
        blocks = by_type::filter_blocks(kind, blocks, whole, rm);
    }
    let chars = blocks.iter().map(|b| b.chars).sum();
    (blocks, chars)
}

/// Among all elements matching the selectors (tried in order), the one with the most text.
fn best_match(tree: &Arena, selectors: &[Sel]) -> Option<NodeId> {
    for s in selectors {
        let best = s
            .select(tree)
            .map(|e| (dom::text_stats(tree, e).chars, e))
            .max_by_key(|(c, _)| *c);
        if let Some((chars, id)) = best {
            if chars > 0 {
                return Some(id);
            }
        }
    }
    None
}

fn first_text(tree: &Arena, selectors: &[Sel]) -> Option<String> {
    selectors.iter().find_map(|s| {
        s.select(tree)
            .map(|e| dom::inner_text(tree, e))
            .find(|t| !t.is_empty())
    })
}

fn all_texts(tree: &Arena, selectors: &[Sel]) -> Vec<String> {
    for s in selectors {
        let v: Vec<String> = s
            .select(tree)
            .map(|e| dom::inner_text(tree, e))
            .filter(|t| !t.is_empty())
            .collect();
        if !v.is_empty() {
            let mut out: Vec<String> = Vec::new();
            for t in v {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
            return out;
        }
    }
    Vec::new()
}

fn rule_date(tree: &Arena, selectors: &[Sel]) -> Option<String> {
    let now = chrono::Utc::now();
    selectors.iter().find_map(|s| {
        s.select(tree).find_map(|e| {
            let raw = tree
                .attr_by_id(e, AttrName::DATETIME)
                .or_else(|| tree.attr_by_id(e, AttrName::CONTENT))
                .map(str::to_string);
            let d = match raw {
                Some(r) => metadata::dates::parse_date(&r),
                None => metadata::dates::find_date_in_text(&dom::inner_text(tree, e)),
            }?;
            metadata::dates::is_plausible(&d, now).then_some(d.iso)
        })
    })
}

/// Whatlang's ISO 639-3 codes mapped to the ISO 639-1 codes pages declare.
const LANG_CODES: &[(&str, &str)] = &[
    ("eng", "en"),
    ("deu", "de"),
    ("fra", "fr"),
    ("spa", "es"),
    ("por", "pt"),
    ("ita", "it"),
    ("nld", "nl"),
    ("pol", "pl"),
    ("rus", "ru"),
    ("ukr", "uk"),
    ("ces", "cs"),
    ("slk", "sk"),
    ("swe", "sv"),
    ("dan", "da"),
    ("nob", "no"),
    ("fin", "fi"),
    ("hun", "hu"),
    ("ron", "ro"),
    ("bul", "bg"),
    ("hrv", "hr"),
    ("srp", "sr"),
    ("slv", "sl"),
    ("ell", "el"),
    ("tur", "tr"),
    ("ara", "ar"),
    ("heb", "he"),
    ("pes", "fa"),
    ("hin", "hi"),
    ("ben", "bn"),
    ("urd", "ur"),
    ("jpn", "ja"),
    ("cmn", "zh"),
    ("kor", "ko"),
    ("vie", "vi"),
    ("tha", "th"),
    ("ind", "id"),
    ("lit", "lt"),
    ("lav", "lv"),
    ("est", "et"),
    ("cat", "ca"),
    ("epo", "eo"),
    ("afr", "af"),
    ("tam", "ta"),
    ("tel", "te"),
    ("mar", "mr"),
    ("guj", "gu"),
    ("kan", "kn"),
    ("mal", "ml"),
    ("pan", "pa"),
    ("bel", "be"),
    ("kat", "ka"),
    ("hye", "hy"),
    ("aze", "az"),
    ("kaz", "kk"),
    ("uzb", "uz"),
    ("tgl", "tl"),
];

/// Detect the language of the body text when the page does not declare it.
fn detect_language(text: &str) -> Option<String> {
    let sample = text::truncate_chars(text, 4000);
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() {
        return None;
    }
    let code = info.lang().code();
    Some(
        LANG_CODES
            .iter()
            .find(|(l3, _)| *l3 == code)
            .map(|(_, l1)| l1.to_string())
            .unwrap_or_else(|| code.to_string()),
    )
}
