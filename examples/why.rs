//! Debug helper: shows, step by step, what the extractor does with one page.
//! `cargo run --release --example why -- PAGE.html[.gz] [strict|lenient]`

use newsharvest::clean::{elements, Removals};
use newsharvest::extract::readability;
use newsharvest::{
    html::{decode, dom},
    input, Rules,
};
use scraper::Html;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or_else(|| anyhow::anyhow!("usage: why PAGE [lenient]"))?;
    let strict = args.get(2).map(|s| s != "lenient").unwrap_or(true);
    let src = input::Source {
        path: Some(path.into()),
        url: None,
    };
    let bytes = input::read(&src, newsharvest::limits::DEFAULT_MAX_PAGE_BYTES)?;
    let d = decode::decode_html(&bytes, None);
    let mut html = Html::parse_document(&d.text);
    let rules = Rules::bundled()?;
    elements::remove_non_content(&mut html);
    let body = |h: &Html| dom::text_stats(h.tree.root()).chars;
    println!("after non-content: {} chars", body(&html));
    let mut rm = Removals::new(true);
    elements::apply_dom_rules(&mut html, &rules.dom, rules.dom_class_index(), strict, &mut rm);
    println!("after dom rules: {} chars", body(&html));
    for r in rm.explain.iter().flatten() {
        if r.text.len() > 150 {
            println!(
                "  {} [{}] {}",
                r.rule,
                r.text.len(),
                newsharvest::html::text::truncate_chars(&r.text, 120)
            );
        }
    }
    match readability::find_content(&html) {
        Some(c) => {
            for id in &c.roots {
                if let Some(n) = html.tree.get(*id) {
                    println!(
                        "root <{}> class={:?} chars={}",
                        dom::tag(&n).unwrap_or("?"),
                        dom::class_id(&n),
                        dom::text_stats(n).chars
                    );
                }
            }
            let junk = readability::conditional_clean(&html, &c.roots);
            for id in &junk {
                if let Some(n) = html.tree.get(*id) {
                    let t = dom::inner_text(n);
                    println!(
                        "  conditional <{}> {:?} [{}] {}",
                        dom::tag(&n).unwrap_or("?"),
                        dom::class_id(&n),
                        t.len(),
                        newsharvest::html::text::truncate_chars(&t, 100)
                    );
                }
            }
        }
        None => println!("no candidate"),
    }
    Ok(())
}
