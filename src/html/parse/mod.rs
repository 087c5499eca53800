//! Decoded text → `scraper::Html`, with the bounds browsers put on hostile markup.
//!
//! html5ever builds the tree as the HTML standard says, with no limit on nesting: 200,000
//! nested `<div>`s make a 200,000-deep tree (every later walk over it overflows the stack)
//! and cost quadratic time, because each start tag scans the stack of open elements. So
//! the tokens pass through a guard (`guard`) on their way to the tree builder. It keeps a model
//! of the open elements (tag names, with the implied end tags of `p`, `li`, table cells…)
//! and folds what lies deeper than [`Limits::max_depth`] into the deepest allowed element:
//! the start and end tags beyond the limit are dropped, their text is kept. Chromium caps
//! its tree the same way (at 512). The guard also stops the parse when the tree passes
//! [`Limits::max_nodes`] or the page's time budget runs out ([`crate::limits`]).
//!
//! A tree can still grow deeper than the model (misnested formatting elements are
//! re-opened by the tree builder without a token); [`fold_deep`] then moves everything
//! below the limit up to it, so the tree that leaves this module is never deeper than
//! `max_depth + 1`. In: `&str`. Out: `Html` or a `too large` / `timeout` error.

mod attrs;
mod guard;

use crate::error::{Error, Result};
use crate::limits::{self, Limits};
use attrs::cap_attributes;
use ego_tree::iter::Edge;
use ego_tree::NodeId;
use guard::{Guard, Stop};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};
use html5ever::tree_builder::{create_element, TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{local_name, ns, QualName, TokenizerResult};
use scraper::{Html, HtmlTreeSink};

fn run(
    builder: TreeBuilder<NodeId, HtmlTreeSink>,
    opts: TokenizerOpts,
    text: &str,
    limits: &Limits,
) -> Result<Html> {
    let tokenizer = Tokenizer::new(Guard::new(builder, limits), opts);
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(&*cap_attributes(text)));
    while let TokenizerResult::Script(_) = tokenizer.feed(&input) {}
    tokenizer.end();
    let guard = tokenizer.sink;
    let stop = guard.stop.get();
    let mut html = guard.builder.sink.finish();
    repair_parents(&mut html);
    match stop {
        Some(Stop::Nodes) => Err(Error::TooLarge(format!(
            "more than {} DOM nodes (--max-nodes)",
            limits.max_nodes
        ))),
        Some(Stop::Time) => limits::check().map(|()| html),
        None => {
            fold_deep(&mut html, limits.max_depth.max(1));
            Ok(html)
        }
    }
}

/// Parse a whole document within the limits.
pub fn document(text: &str, limits: &Limits) -> Result<Html> {
    let builder = TreeBuilder::new(
        HtmlTreeSink::new(Html::new_document()),
        TreeBuilderOpts::default(),
    );
    run(builder, TokenizerOpts::default(), text, limits)
}

/// Parse a fragment (as the content of a `<body>`) within the limits.
pub fn fragment(text: &str, limits: &Limits) -> Result<Html> {
    let sink = HtmlTreeSink::new(Html::new_fragment());
    let context = create_element(
        &sink,
        QualName::new(None, ns!(html), local_name!("body")),
        Vec::new(),
    );
    let builder = TreeBuilder::new_for_fragment(sink, context, None, TreeBuilderOpts::default());
    let opts = TokenizerOpts {
        initial_state: Some(builder.tokenizer_state_for_context_elem(false)),
        ..TokenizerOpts::default()
    };
    run(builder, opts, text, limits)
}

/// Make every node's parent link agree with the children lists. ego-tree 0.10's
/// `reparent_from_id_append`, which the tree builder's adoption agency uses for misnested
/// formatting elements (`<a>…<table>…<p>…<svg>` inside an unclosed link), sets the new
/// parent on the first and last moved child only (rust-scraper/ego-tree#44): the middle
/// ones keep a link to their old parent, and detaching one later panics. Such a tree is
/// rebuilt from the children lists (what the document holds, in order); a consistent one,
/// every ordinary page, is only checked.
fn repair_parents(html: &mut Html) {
    let consistent = html
        .tree
        .root()
        .descendants()
        .all(|n| n.children().all(|c| c.parent().map(|p| p.id()) == Some(n.id())));
    if consistent {
        return;
    }
    let old = &html.tree;
    let mut tree = ego_tree::Tree::new(old.root().value().clone());
    let root = tree.root().id();
    // (node in the old tree, its new parent): children pushed in reverse come off in order.
    let mut stack: Vec<(ego_tree::NodeRef<'_, scraper::Node>, NodeId)> =
        old.root().children().rev().map(|c| (c, root)).collect();
    while let Some((node, parent)) = stack.pop() {
        let Some(mut p) = tree.get_mut(parent) else {
            continue;
        };
        let id = p.append(node.value().clone()).id();
        stack.extend(node.children().rev().map(|c| (c, id)));
    }
    html.tree = tree;
}

/// Move every node deeper than `max_depth` up to its ancestor at that depth, in document
/// order, so that no node is deeper than `max_depth + 1`. A no-op on ordinary pages.
pub fn fold_deep(html: &mut Html, max_depth: usize) {
    let mut depth = 0usize;
    let mut fold_at: Vec<NodeId> = Vec::new();
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(n) => {
                depth += 1;
                // The root is depth 1, so `<html>` is 2: element depth is `depth - 1`.
                if depth - 1 == max_depth && n.children().any(|c| c.has_children()) {
                    fold_at.push(n.id());
                }
            }
            Edge::Close(_) => depth -= 1,
        }
    }
    for id in fold_at {
        let Some(node) = html.tree.get(id) else { continue };
        let below: Vec<NodeId> = node.descendants().skip(1).map(|d| d.id()).collect();
        if let Some(mut n) = html.tree.get_mut(id) {
            for d in below {
                n.append_id(d);
            }
        }
    }
}

/// Depth of the deepest node (the document root is 0).
pub fn max_depth(html: &Html) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(_) => {
                max = max.max(depth);
                depth += 1;
            }
            Edge::Close(_) => depth -= 1,
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::attrs::{MAX_ATTRIBUTES, MAX_ROOT_ATTRIBUTES};
    use super::*;

    fn limits(depth: usize) -> Limits {
        Limits {
            max_depth: depth,
            ..Limits::default()
        }
    }

    #[test]
    fn a_misnested_link_leaves_every_parent_link_right() {
        // `</a>` across an open `<p>` of several children: the adoption agency moves them
        // with ego-tree's reparent, which left the middle ones pointing at the old parent.
        let text = "<body><a>x<p>1<b>2</b><i>3</i><u>4</u></a><p>after</p></body>";
        let mut html = document(text, &Limits::default()).expect("parse");
        for n in html.tree.root().descendants() {
            for c in n.children() {
                assert_eq!(c.parent().map(|p| p.id()), Some(n.id()), "{:?}", c.value());
            }
        }
        // The same document as html5ever builds it, and every node can be detached.
        assert_eq!(html.html(), scraper::Html::parse_document(text).html());
        let ids: Vec<NodeId> = html.tree.root().descendants().skip(1).map(|n| n.id()).collect();
        for id in ids.into_iter().rev() {
            if let Some(mut n) = html.tree.get_mut(id) {
                n.detach();
            }
        }
    }

    #[test]
    fn ordinary_pages_parse_as_scraper_does() {
        let pages = [
            "<html><body><p>one<p>two<div>three</div><ul><li>a<li>b</ul><table><tr><td>x<td>y<tr><td>z</table></body></html>",
            "<p><b>bold <i>both</b> italic</i> plain</p><svg><path d=1/><g><rect/></g></svg><select><option>a<option>b</select>",
            "<!doctype html><title>T &amp; x</title><script>if (a<b) document.write('<div>')</script><textarea><p>raw</textarea>",
        ];
        // Shapes the model must not count as deep: unclosed cells closed by `</table>`,
        // unclosed paragraphs and list items, many sibling SVGs.
        let repeated = [
            "<div><table><tr><td>cell</table></div>".repeat(700),
            "<p>one<p>two<ul><li>a<li>b</ul>".repeat(700),
            "<svg><g><path/></g></svg><b>x</b>".repeat(700),
        ];
        for p in pages.iter().copied().chain(repeated.iter().map(String::as_str)) {
            let ours = document(p, &limits(512)).expect("parses");
            assert_eq!(
                ours.html(),
                Html::parse_document(p).html(),
                "{}",
                &p[..p.len().min(80)]
            );
        }
    }

    #[test]
    fn deep_nesting_is_folded_and_text_kept() {
        let n = 20_000;
        let page = format!(
            "<body>{}deep text{}</body>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let html = document(&page, &limits(100)).expect("parses");
        assert!(max_depth(&html) <= 102, "depth {}", max_depth(&html));
        assert!(html
            .root_element()
            .text()
            .collect::<String>()
            .contains("deep text"));

        let page = format!(
            "<p>{}x{}</p><p>after</p>",
            "<b><i>".repeat(n),
            "</i></b>".repeat(n)
        );
        let html = document(&page, &limits(100)).expect("parses");
        assert!(max_depth(&html) <= 102);
        assert!(html.root_element().text().collect::<String>().ends_with("xafter"));

        let page = "<table><tr><td>".repeat(5_000) + "cell";
        let html = document(&page, &limits(100)).expect("parses");
        assert!(max_depth(&html) <= 102);
    }

    #[test]
    fn self_closing_html_elements_count_as_open() {
        let page = "<div/>".repeat(10_000) + "x";
        let html = document(&page, &limits(64)).expect("parses");
        assert!(max_depth(&html) <= 66);
    }

    #[test]
    fn reopened_formatting_elements_are_folded_after_parsing() {
        // Each block re-opens the formatting elements the previous one left unclosed.
        let mut page = String::new();
        for i in 0..200 {
            page.push_str(&format!("<div><b id=a{i}><i id=b{i}>t</div>"));
        }
        page.push_str("<p>end");
        let html = document(&page, &limits(50)).expect("parses");
        assert!(max_depth(&html) <= 52, "depth {}", max_depth(&html));
        assert!(html.root_element().text().collect::<String>().ends_with("end"));
    }

    #[test]
    fn shapes_that_fool_the_model_are_still_folded() {
        for page in [
            // `<hr>` closes the p; the span stays open each time.
            "<p><hr><span></p>".repeat(25_000),
            // HTML tags inside SVG break out of it.
            "<svg>".to_string() + &"<div/>x".repeat(30_000),
            // A `</div>` across a table cell is ignored by the tree builder.
            "<div>x<table><tr><td>x</div>".repeat(5_000),
            // Unclosed cells closed by `</table>`: legitimate, and shallow.
            "<div><table><tr><td>cell</table></div>".repeat(2_000),
            // The deep part is not under the first child.
            "<div>leaf<br>".repeat(3) + &"<div><i>a</i>".repeat(20_000),
        ] {
            let html = document(&page, &limits(100)).expect("parses");
            assert!(
                max_depth(&html) <= 102,
                "depth {} for {}",
                max_depth(&html),
                &page[..40]
            );
        }
    }

    #[test]
    fn node_cap_and_deadline_stop_the_parse() {
        let page = "<p>x</p>".repeat(10_000);
        let small = Limits {
            max_nodes: 1_000,
            ..Limits::default()
        };
        assert!(matches!(document(&page, &small), Err(Error::TooLarge(_))));
        let _d = limits::start(Some(std::time::Duration::ZERO));
        assert!(matches!(
            document(&page, &Limits::default()),
            Err(Error::Timeout(_))
        ));
    }

    #[test]
    fn attributes_are_capped_per_tag_and_on_the_root() {
        let many: String = (0..1000).map(|i| format!(" a{i}=\"v>{i}\"")).collect();
        let page = format!("<div{many}>text</div><p id=x class='y'>after</p>");
        let capped = cap_attributes(&page);
        let html = document(&page, &Limits::default()).expect("parses");
        let div = html
            .select(&scraper::Selector::parse("div").expect("sel"))
            .next()
            .expect("div");
        assert_eq!(div.value().attrs().count(), MAX_ATTRIBUTES);
        assert!(capped.ends_with(">text</div><p id=x class='y'>after</p>"));
        assert!(html
            .root_element()
            .text()
            .collect::<String>()
            .contains("textafter"));
        let roots = format!(
            "{}<p>x",
            "<body a b c d>".repeat(2)
                + &(0..400)
                    .map(|i| format!(
                        "<html{}>",
                        (0..4).map(|j| format!(" r{i}_{j}")).collect::<String>()
                    ))
                    .collect::<String>()
        );
        let html = document(&roots, &Limits::default()).expect("parses");
        assert!(html.root_element().value().attrs().count() <= MAX_ROOT_ATTRIBUTES);
        let plain = "<p>no <b>cuts</b> here</p><a href=\"x\" title='a > b'>";
        assert!(matches!(cap_attributes(plain), std::borrow::Cow::Borrowed(_)));
        // Script text and comments are not tags, however tag-like.
        let js: String = (0..1000).map(|i| format!(" x{i}")).collect();
        for page in [
            format!("<script>if (a<b{js} ) x = '</script><p>kept</p>"),
            format!("<!-- <b{js} --><p>kept</p>"),
            format!("<STYLE>a<b{js}</style ><p>kept</p>"),
        ] {
            assert!(
                matches!(cap_attributes(&page), std::borrow::Cow::Borrowed(_)),
                "{page}"
            );
        }
        // Where the tokenizer does read tags: end tags, `<!-->`, raw-text names that are not
        // raw in a select or in SVG.
        let many: String = (0..300_000).map(|i| format!(" a{i}")).collect();
        for page in [
            format!("<p>x</p{many}>"),
            format!("<!--><div{many}>x</div>"),
            format!("<select><xmp></select><div{many}>x</div>"),
            format!("<svg><style><p{many}>x"),
            format!("<select><plaintext></select><div{many}>x</div>"),
        ] {
            let capped = cap_attributes(&page);
            assert!(
                capped.len() < 20_000,
                "{} bytes left of {}",
                capped.len(),
                page.len()
            );
        }
    }

    #[test]
    fn fragments_parse() {
        let f = fragment("Tom &amp; Jerry <b>x</b>", &Limits::default()).expect("parses");
        assert_eq!(f.root_element().text().collect::<String>(), "Tom & Jerry x");
    }
}
