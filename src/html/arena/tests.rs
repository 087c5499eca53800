//! Tests of the arena: names, links, walks and moves.

use super::*;

fn small() -> (Arena, [NodeId; 4]) {
    let mut a = Arena::new(NodeKind::Document);
    let html = a.create_element(Tag::HTML, Namespace::Html, []).expect("room");
    a.append(NodeId::ROOT, html).expect("append");
    let div = a
        .create_element(
            Tag::DIV,
            Namespace::Html,
            [(AttrName::CLASS, Namespace::None, "a  b")],
        )
        .expect("room");
    a.append(html, div).expect("append");
    let t1 = a.create_text(NodeKind::Text, "one").expect("room");
    let t2 = a.create_text(NodeKind::Text, "two").expect("room");
    a.append(div, t1).expect("append");
    a.append(div, t2).expect("append");
    (a, [html, div, t1, t2])
}

#[test]
fn known_names_are_sorted_and_found() {
    assert!(tags::TAG_NAMES
        .windows(2)
        .all(|w| w[0].as_bytes() < w[1].as_bytes()));
    assert!(KNOWN_ATTRS.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()));
    assert_eq!(Tag::known("div"), Some(Tag::DIV));
    assert_eq!(Tag::known("clipPath"), Some(Tag::SVG_CLIPPATH));
    assert_eq!(Tag::known("my-widget"), None);
    for (name, id) in [
        ("class", AttrName::CLASS),
        ("id", AttrName::ID),
        ("href", AttrName::HREF),
        ("type", AttrName::TYPE),
        ("title", AttrName::TITLE),
        ("style", AttrName::STYLE),
        ("src", AttrName::SRC),
        ("role", AttrName::ROLE),
        ("rel", AttrName::REL),
        ("property", AttrName::PROPERTY),
        ("name", AttrName::NAME),
        ("lang", AttrName::LANG),
        ("itemprop", AttrName::ITEMPROP),
        ("hidden", AttrName::HIDDEN),
        ("datetime", AttrName::DATETIME),
        ("content", AttrName::CONTENT),
        ("alt", AttrName::ALT),
    ] {
        assert_eq!(AttrName::known(name), Some(id), "{name}");
    }
}

#[test]
fn links_iterate_and_move() {
    let (mut a, [html, div, t1, t2]) = small();
    assert_eq!(a.children(div).collect::<Vec<_>>(), vec![t1, t2]);
    assert_eq!(a.text_content(NodeId::ROOT), "onetwo");
    assert_eq!(a.ancestors(t2).collect::<Vec<_>>(), vec![div, html, NodeId::ROOT]);
    assert_eq!(
        a.descendants(NodeId::ROOT).collect::<Vec<_>>(),
        vec![NodeId::ROOT, html, div, t1, t2]
    );
    assert_eq!(a.classes(div).collect::<Vec<_>>(), vec!["a", "b"]);
    assert_eq!(a.attr(div, "class"), Some("a  b"));
    assert_eq!(a.append(div, html), Err(MoveError::IntoItself));
    assert_eq!(a.append(t1, t2), Err(MoveError::NotAParent));
    a.insert_before(t1, t2).expect("move");
    assert_eq!(a.text_content(div), "twoone");
    a.insert_after(t1, t2).expect("move");
    assert_eq!(a.text_content(div), "onetwo");
    a.detach(t1);
    assert_eq!(a.text_content(div), "two");
    assert_eq!(a.parent(t1), None);
    assert_eq!(a.prev_sibling(t2), None);
    a.append(html, t1).expect("move");
    assert_eq!(a.text_content(html), "twoone");
    assert_eq!(a.last_child(html), Some(t1));
    a.detach(div);
    assert_eq!(a.children(html).collect::<Vec<_>>(), vec![t1]);
    // A detached subtree keeps its own links.
    assert_eq!(a.text_content(div), "two");
}
