//! Formulas as TeX: from a TeX annotation (KaTeX, MathJax's assistive MathML), a MathJax
//! `<script type="math/tex">`, or MathML converted (tokens, scripts, fractions, roots, rows,
//! over/under, fences, tables). Also which elements are the rendered duplicate of a formula
//! (KaTeX's `katex-html`, MathJax's output), to be skipped.

use crate::html::arena::{Arena, AttrName, Edge, NodeId, NodeKind, Tag};
use crate::html::text;

/// A formula met in the body.
pub struct Formula {
    /// Its TeX, whitespace collapsed (for the Markdown).
    pub tex: String,
    /// Its words for `text`: the TeX source when the page has one, else the MathML's tokens
    /// a space apart (what a reader sees, not a conversion of ours).
    pub text: String,
    /// Display (a block of its own) rather than inline.
    pub display: bool,
}

/// Classes of a formula's rendered copy, which sits beside its source.
const RENDERED: &[&str] = &[
    "katex-html",
    "MathJax_Preview",
    "MathJax",
    "MathJax_Display",
    "MathJax_SVG",
    "MathJax_SVG_Display",
    "MathJax_CHTML",
    "MathJax_PHTML",
    "MathJax_MathML",
];

/// MathML nested deeper than this is read as its text (bounds the recursion).
const MAX_DEPTH: usize = 64;

/// The TeX annotation encoding.
const TEX_ENCODING: &str = "application/x-tex";

/// True for the rendered copy of a formula (its source is rendered instead).
pub fn is_rendered_copy(tree: &Arena, n: NodeId) -> bool {
    match tree.attr_by_id(n, AttrName::CLASS) {
        Some(c) if c.contains("katex-html") || c.contains("MathJax") => {
            !is_mjx_container(tree, n) && tree.classes(n).any(|c| RENDERED.contains(&c))
        }
        _ => false,
    }
}

fn is_mjx_container(tree: &Arena, n: NodeId) -> bool {
    tree.tag(n).is_some_and(|t| !t.is_known()) && tree.name(n) == "mjx-container"
}

/// The formula an element is, if it is one: `<math>`, a TeX `<script>`, a KaTeX span or a
/// MathJax 3 container.
pub fn formula(tree: &Arena, n: NodeId, tag: Tag) -> Option<Formula> {
    if tag == Tag::MATH {
        let display = tree.attr(n, "display") == Some("block");
        return Some(math_formula(tree, n, display));
    }
    if tag == Tag::SCRIPT {
        let ty = tree.attr_by_id(n, AttrName::TYPE)?;
        if !ty.starts_with("math/tex") {
            return None;
        }
        let src: String = tree.children(n).map(|c| tree.text(c)).collect();
        let tex = text::collapse_ws(&src);
        return Some(Formula {
            text: tex.clone(),
            tex,
            display: ty.contains("mode=display"),
        });
    }
    if is_mjx_container(tree, n) {
        let math = tree.descendants(n).find(|d| tree.tag_is(*d, Tag::MATH))?;
        return Some(math_formula(tree, math, tree.attr(n, "display") == Some("true")));
    }
    let class = tree.attr_by_id(n, AttrName::CLASS)?;
    if !class.contains("katex") || !tree.classes(n).any(|c| c == "katex" || c == "katex-display") {
        return None;
    }
    let math = tree.descendants(n).find(|d| tree.tag_is(*d, Tag::MATH))?;
    Some(math_formula(
        tree,
        math,
        tree.classes(n).any(|c| c == "katex-display"),
    ))
}

/// The formula of a `<math>`: its TeX annotation (also its text), else its MathML converted
/// to TeX, with the MathML's tokens as its text.
fn math_formula(tree: &Arena, math: NodeId, display: bool) -> Formula {
    let annotation = tree.descendants(math).find(|d| {
        tree.is_element(*d)
            && tree.name(*d) == "annotation"
            && tree.attr(*d, "encoding") == Some(TEX_ENCODING)
    });
    match annotation {
        Some(a) => {
            let tex = text::collapse_ws(&text_of(tree, a));
            Formula {
                text: tex.clone(),
                tex,
                display,
            }
        }
        None => Formula {
            tex: text::collapse_ws(&mathml(tree, math, 0)),
            text: token_text(tree, math),
            display,
        },
    }
}

/// The text of MathML's token elements (`mi`, `mn`, `mo`, `mtext`, `ms`), a space apart,
/// annotations left out.
fn token_text(tree: &Arena, math: NodeId) -> String {
    let mut out = String::new();
    let mut walk = tree.traverse(math);
    while let Some(edge) = walk.next() {
        let Edge::Open(d) = edge else { continue };
        if !tree.is_element(d) {
            continue;
        }
        match tree.name(d) {
            "annotation" | "annotation-xml" => walk.skip_children(d),
            "mi" | "mn" | "mo" | "mtext" | "ms" => {
                let t = text::collapse_ws(&text_of(tree, d));
                if !t.is_empty() {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(&t);
                }
                walk.skip_children(d);
            }
            _ => {}
        }
    }
    out
}

fn text_of(tree: &Arena, n: NodeId) -> String {
    tree.descendants(n)
        .filter(|d| tree.kind(*d) == NodeKind::Text)
        .map(|d| tree.text(d))
        .collect()
}

/// The TeX of the element children of `n`, joined.
fn children_tex(tree: &Arena, n: NodeId, depth: usize) -> Vec<String> {
    tree.children(n)
        .filter(|c| tree.is_element(*c))
        .map(|c| mathml(tree, c, depth + 1))
        .collect()
}

/// Join TeX pieces, with a space where two would run together into one command.
fn join(parts: &[String]) -> String {
    let mut out = String::new();
    for p in parts {
        let glue = out.ends_with(|c: char| c.is_ascii_alphabetic())
            && p.starts_with(|c: char| c.is_ascii_alphabetic());
        if glue {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

/// MathML to TeX.
fn mathml(tree: &Arena, n: NodeId, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return text_of(tree, n);
    }
    let name = tree.name(n);
    let parts = || children_tex(tree, n, depth);
    let arg = |i: usize, p: &[String]| format!("{{{}}}", p.get(i).map(String::as_str).unwrap_or(""));
    match name {
        "mi" | "mn" | "mo" => text::collapse_ws(&text_of(tree, n)),
        "mtext" => format!("\\text{{{}}}", text::collapse_ws(&text_of(tree, n))),
        "mspace" => " ".to_string(),
        "annotation" | "annotation-xml" | "none" | "mprescripts" => String::new(),
        "semantics" => tree
            .children(n)
            .find(|c| tree.is_element(*c))
            .map(|c| mathml(tree, c, depth + 1))
            .unwrap_or_default(),
        "msup" => {
            let p = parts();
            format!("{}^{}", arg(0, &p), arg(1, &p))
        }
        "msub" => {
            let p = parts();
            format!("{}_{}", arg(0, &p), arg(1, &p))
        }
        "msubsup" => {
            let p = parts();
            format!("{}_{}^{}", arg(0, &p), arg(1, &p), arg(2, &p))
        }
        "mfrac" => {
            let p = parts();
            format!("\\frac{}{}", arg(0, &p), arg(1, &p))
        }
        "msqrt" => format!("\\sqrt{{{}}}", join(&parts())),
        "mroot" => {
            let p = parts();
            format!(
                "\\sqrt[{}]{}",
                p.get(1).map(String::as_str).unwrap_or(""),
                arg(0, &p)
            )
        }
        "mover" => {
            let p = parts();
            format!("\\overset{}{}", arg(1, &p), arg(0, &p))
        }
        "munder" => {
            let p = parts();
            format!("\\underset{}{}", arg(1, &p), arg(0, &p))
        }
        "munderover" => {
            let p = parts();
            format!("{}_{}^{}", arg(0, &p), arg(1, &p), arg(2, &p))
        }
        "mfenced" => {
            let open = tree.attr(n, "open").unwrap_or("(");
            let close = tree.attr(n, "close").unwrap_or(")");
            format!("\\left{open}{}\\right{close}", parts().join(","))
        }
        "mtable" => {
            let rows: Vec<String> = tree
                .children(n)
                .filter(|c| tree.is_element(*c))
                .map(|r| children_tex(tree, r, depth + 1).join(" & "))
                .collect();
            format!("\\begin{{matrix}}{}\\end{{matrix}}", rows.join(" \\\\ "))
        }
        _ => join(&parts()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::engine;
    use crate::limits::Limits;

    fn formula(html: &str) -> Formula {
        let tree = engine::parse_document(html, &Limits::default()).expect("parse");
        let m = tree
            .descendants(NodeId::ROOT)
            .find(|d| tree.tag_is(*d, Tag::MATH))
            .expect("math");
        math_formula(&tree, m, false)
    }

    fn tex(html: &str) -> String {
        formula(html).tex
    }

    #[test]
    fn bare_mathml_reads_as_its_tokens_with_tex_beside() {
        let f = formula("<math><mi>a</mi><mo>≠</mo><mn>0</mn><msqrt><mi>x</mi></msqrt></math>");
        assert_eq!(f.text, "a ≠ 0 x");
        assert_eq!(f.tex, "a≠0\\sqrt{x}");
        let f = formula("<math><semantics><mi>x</mi><annotation encoding=\"application/x-tex\">x^2</annotation></semantics></math>");
        assert_eq!(
            (f.text.as_str(), f.tex.as_str()),
            ("x^2", "x^2"),
            "a TeX source is both"
        );
    }

    #[test]
    fn converts_mathml() {
        let t = tex("<math><msup><mi>σ</mi><mn>2</mn></msup><mo>=</mo><mfrac><mn>1</mn><mi>n</mi></mfrac><msqrt><mi>x</mi></msqrt></math>");
        assert_eq!(t, "{σ}^{2}=\\frac{1}{n}\\sqrt{x}");
        let t = tex("<math><semantics><mi>x</mi><annotation encoding=\"application/x-tex\">x^2</annotation></semantics></math>");
        assert_eq!(t, "x^2");
    }
}
