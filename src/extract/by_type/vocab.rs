//! The vocabularies of the extraction by type, as data: class/id tokens of per-post chrome
//! on forums, of reviews and other products on product pages, of page furniture on service
//! pages, and the text patterns of per-post chrome lines. A class or id is split into
//! tokens at every non-alphanumeric character (`post-signature` → `post`, `signature`) and
//! a token must equal a listed word.

use crate::model::PageType;
use regex::Regex;
use std::sync::LazyLock;

/// Per-post chrome of a forum: signatures, reaction bars, reply/quote/like buttons, user
/// statistics (post counts, ranks, reputation). The username and the post date are kept.
pub const FORUM_CHROME: &[&str] = &[
    "signature",
    "signatures",
    "sig",
    "reactions",
    "reaction",
    "likes",
    "actions",
    "controls",
    "buttons",
    "postcount",
    "joindate",
    "reputation",
    "rank",
    "badges",
    "usertitle",
    "userstats",
    "extrainfo",
    "share",
    "report",
];

/// Reviews and questions of a product page (left out: the gold keeps the product's own text).
pub const PRODUCT_REVIEWS: &[&str] = &[
    "review",
    "reviews",
    "reviewlist",
    "testimonials",
    "questions",
    "qa",
    "comments",
];

/// Other products shown on a product page.
pub const PRODUCT_OTHERS: &[&str] = &[
    "related",
    "recommendations",
    "recommended",
    "upsell",
    "upsells",
    "crosssell",
    "carousel",
    "recently",
    "similar",
];

/// Page furniture of a service page besides nav/header/footer/aside elements.
pub const SERVICE_FURNITURE: &[&str] = &[
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "navbar",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "modal",
    "popup",
    "skip",
];

/// Landmark roles of page furniture.
pub const FURNITURE_ROLES: &[&str] = &["navigation", "banner", "contentinfo", "search", "complementary"];

/// A whole line of per-post chrome: a user statistic ("Posts: 4,032", "Joined: May 2019",
/// "Reputation: 12"), a button label ("Reply", "Quote", "Like", a quote's "Click to
/// expand..."), a counter ("3 likes"). A quote's "X said:" header stays: the gold keeps it.
pub static FORUM_CHROME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:posts|messages|joined|join date|registered|member since|reputation|reaction score|points|location|rank|likes received|solutions|karma|trophies)\s*:?\s*[\w ,./-]{0,30}|(?:reply|quote|like|share|report|multi-?quote|reply with quote|thanks|link|permalink|click to (?:expand|shrink)\s*(?:\.\.\.|…)?|#\d+|\d+\s+(?:likes?|replies|reply|views?|posts?))\s*)$",
    )
    .expect("constant regex")
});

/// Block rules (ids of `[[block]]` in `selectors/_global.toml`) that a page type's body is
/// exempt from: a listing's items are linked titles on their own, which the link-only
/// paragraph rule takes for a link inserted into an article.
pub const EXEMPT_BLOCK_RULES: &[(PageType, &[&str])] = &[(PageType::Listing, &["insert.link-only"])];

/// True when a lowercased class/id value holds one of `words` as a token.
pub fn has_token(class_id: &str, words: &[&str]) -> bool {
    class_id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|t| !t.is_empty() && words.contains(&t))
}
