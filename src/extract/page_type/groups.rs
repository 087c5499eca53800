//! Repeated structure: for each element with at least [`GROUP_MIN_MEMBERS`] element
//! children, the children are grouped by signature (tag + class tokens without digits, see
//! `classes::signature`); a signature shared by that many children is a group. Three kinds
//! are kept: the best teaser group (most members with a title link: a listing's items; every
//! teaser group's members are kept too), post groups (text blocks with a user or a date each
//! and no linked title: a thread's posts), and the best price group (a product grid). The members' nodes are kept ([`GroupNodes`]) for
//! the extraction by type (`crate::extract::by_type`). In: the [`Walk`]. Out: [`Groups`].

use super::walk::{Walk, IN_NAV_HEADER_FOOTER};
use crate::html::arena::{NodeId, Tag};
use serde::Serialize;

/// Fewer same-shaped siblings is not a repetition.
const GROUP_MIN_MEMBERS: usize = 3;
/// A group with fewer words in all is decoration (icons, dots), not content.
const GROUP_MIN_WORDS: u32 = 10;
/// Share of members with a title link that makes a group teasers.
const TEASER_LINK_SHARE: f32 = 0.6;
/// Mean words per teaser: a title at least, a summary at most.
const TEASER_MIN_MEAN_WORDS: f32 = 3.0;
const TEASER_MAX_MEAN_WORDS: f32 = 200.0;
/// Mean words per post: a post is text.
const POST_MIN_MEAN_WORDS: f32 = 15.0;
/// Mean words per post of a post-like group (one with linked headings).
const POST_LIKE_MIN_MEAN_WORDS: f32 = 30.0;
/// Added to a strict post group's words when groups are compared: it always wins.
const STRICT_POST_BONUS: u32 = 1 << 24;
/// A post is not mostly links.
const POST_MAX_LINK_SHARE: f32 = 0.35;
/// A teaser has a linked title, a post does not.
const POST_MAX_HEADLINK_SHARE: f32 = 0.5;
/// Most posts name a user or carry a date.
const POST_USER_OR_DATE_SHARE: f32 = 0.5;
/// Share of priced members that makes a price group.
const PRICE_GROUP_SHARE: f32 = 0.5;

/// The best teaser group.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Teasers {
    /// Members with a title link.
    pub items: f32,
    /// Share of members with a date.
    pub date: f32,
    /// Share with an image.
    pub img: f32,
    /// Share with a heading.
    pub head: f32,
}

/// The members of the groups found, in document order (for the extraction, not the
/// signals).
#[derive(Clone, Debug, Default)]
pub struct GroupNodes {
    /// The best teaser group's members.
    pub teasers: Vec<NodeId>,
    /// Every teaser group's members, groups in document order of their containers (the
    /// listing plan picks the one nearest the headline).
    pub teaser_groups: Vec<Vec<NodeId>>,
    /// The post group with the most words.
    pub posts: Vec<NodeId>,
    /// The best price group's members.
    pub priced: Vec<NodeId>,
}

/// The repeated structures of the page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Groups {
    pub teasers: Teasers,
    /// A post group exists.
    pub posts: bool,
    /// A post group with a user class in most members.
    pub posts_user: bool,
    /// A post group with a date in most members.
    pub posts_dated: bool,
    /// Priced members of the best price group.
    pub priced: f32,
    /// Their nodes.
    #[serde(skip)]
    pub nodes: GroupNodes,
}

/// Shares of a group's members with each property.
struct Shape {
    n: f32,
    words: u32,
    link_share: f32,
    title_link: f32,
    img: f32,
    date: f32,
    price: f32,
    user: f32,
    head: f32,
    headlink: f32,
}

fn shape(w: &Walk, members: &[usize]) -> Shape {
    let n = members.len() as f32;
    let share = |f: &dyn Fn(usize) -> bool| members.iter().filter(|k| f(**k)).count() as f32 / n;
    let a = |k: usize| &w.aggs[k];
    let words: u32 = members.iter().map(|k| a(*k).w).sum();
    let lw: u32 = members.iter().map(|k| a(*k).lw).sum();
    Shape {
        n,
        words,
        link_share: lw as f32 / words.max(1) as f32,
        title_link: share(&|k| a(k).title_links > 0),
        img: share(&|k| a(k).imgs > 0),
        date: share(&|k| a(k).times > 0 || a(k).dates > 0),
        price: share(&|k| a(k).prices > 0),
        user: share(&|k| a(k).user > 0),
        head: share(&|k| a(k).heads > 0),
        headlink: share(&|k| a(k).hl > 0),
    }
}

/// Find the groups (see the module comment).
pub(super) fn groups(w: &Walk) -> Groups {
    let mut out = Groups::default();
    let mut kids: Vec<(u64, usize)> = Vec::new();
    let mut members: Vec<usize> = Vec::new();
    // Words of the post group kept so far.
    let mut post_words = 0;
    for (i, e) in w.els.iter().enumerate() {
        if (w.aggs[i].kids as usize) < GROUP_MIN_MEMBERS {
            continue;
        }
        kids.clear();
        kids.extend(
            w.children(i)
                .filter(|k| !matches!(w.els[*k].tag, Tag::BR | Tag::HR))
                .map(|k| (w.els[k].sig, k)),
        );
        if kids.len() < GROUP_MIN_MEMBERS {
            continue;
        }
        kids.sort_unstable();
        let in_nav =
            e.ctx & IN_NAV_HEADER_FOOTER != 0 || matches!(e.tag, Tag::NAV | Tag::HEADER | Tag::FOOTER);
        let mut start = 0;
        while start < kids.len() {
            let sig = kids[start].0;
            let end = start + kids[start..].iter().take_while(|(s, _)| *s == sig).count();
            if end - start >= GROUP_MIN_MEMBERS && !in_nav {
                members.clear();
                members.extend(kids[start..end].iter().map(|(_, k)| *k));
                members.sort_unstable();
                let s = shape(w, &members);
                if s.words >= GROUP_MIN_WORDS {
                    keep(&mut out, &s, w, &members, &mut post_words);
                }
            }
            start = end;
        }
    }
    out
}

/// Keep what a group says (and its members) if it beats the best so far.
fn keep(out: &mut Groups, s: &Shape, w: &Walk, members: &[usize], post_words: &mut u32) {
    let ids = || members.iter().map(|k| w.els[*k].id).collect::<Vec<NodeId>>();
    let mean = s.words as f32 / s.n;
    let teaser =
        s.title_link >= TEASER_LINK_SHARE && (TEASER_MIN_MEAN_WORDS..=TEASER_MAX_MEAN_WORDS).contains(&mean);
    if teaser {
        out.nodes.teaser_groups.push(ids());
    }
    if teaser && s.n * s.title_link > out.teasers.items {
        out.teasers = Teasers {
            items: s.n * s.title_link,
            date: s.date,
            img: s.img,
            head: s.head,
        };
        out.nodes.teasers = ids();
    }
    // Post-like: a post but for linked headings, which on some engines are the usernames
    // (`<h4><a>user</a></h4>`). Only the extraction takes such groups; the signals (fitted
    // with the stricter test) do not.
    let post_like = mean >= POST_MIN_MEAN_WORDS
        && s.link_share < POST_MAX_LINK_SHARE
        && (s.user >= POST_USER_OR_DATE_SHARE || s.date >= POST_USER_OR_DATE_SHARE);
    if post_like && s.headlink < POST_MAX_HEADLINK_SHARE {
        out.posts = true;
        out.posts_user |= s.user >= POST_USER_OR_DATE_SHARE;
        out.posts_dated |= s.date >= POST_USER_OR_DATE_SHARE;
    }
    // A strict post group beats any post-like one; a post-like one needs longer posts (an
    // author card with a rank and a post count is not a post).
    let strict = post_like && s.headlink < POST_MAX_HEADLINK_SHARE;
    let words = if strict {
        s.words.saturating_add(STRICT_POST_BONUS)
    } else {
        s.words
    };
    let long = mean >= POST_LIKE_MIN_MEAN_WORDS;
    if post_like && (strict || long) && words > *post_words {
        *post_words = words;
        out.nodes.posts = ids();
    }
    if s.price >= PRICE_GROUP_SHARE && s.n * s.price > out.priced {
        out.priced = s.n * s.price;
        out.nodes.priced = ids();
    }
}
