//! Debug helper: shows, step by step, what the extractor does with one page.
//! `cargo run --release --example why -- PAGE.html[.gz] [strict|lenient]`

use newsharvest::clean::{elements, Removals};
use newsharvest::extract::readability;
use newsharvest::html::arena::{Arena, NodeId};
use newsharvest::{
    html::{decode, dom, engine},
    input, Limits, Rules,
};

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
    let mut tree = engine::parse_document(&d.text, &Limits::default())?;
    let rules = Rules::bundled()?;
    elements::remove_non_content(&mut tree);
    let body = |t: &Arena| dom::text_stats(t, NodeId::ROOT).chars;
    println!("after non-content: {} chars", body(&tree));
    let mut rm = Removals::new(true);
    elements::apply_dom_rules(&mut tree, &rules.dom, rules.dom_class_index(), strict, &mut rm);
    println!("after dom rules: {} chars", body(&tree));
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
    match readability::find_content(&tree) {
        Some(c) => {
            for id in &c.roots {
                println!(
                    "root <{}> class={:?} chars={}",
                    tree.name(*id),
                    dom::class_id(&tree, *id),
                    dom::text_stats(&tree, *id).chars
                );
            }
            let junk = readability::conditional_clean(&tree, &c.roots);
            for id in &junk {
                let t = dom::inner_text(&tree, *id);
                println!(
                    "  conditional <{}> {:?} [{}] {}",
                    tree.name(*id),
                    dom::class_id(&tree, *id),
                    t.len(),
                    newsharvest::html::text::truncate_chars(&t, 100)
                );
            }
        }
        None => println!("no candidate"),
    }
    Ok(())
}
