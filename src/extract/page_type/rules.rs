//! From measurements to named signals: every threshold is a named constant here, every
//! vocabulary of types a list. In: [`Features`]. Out: the fired signals ([`SignalSet`]).
//! The table of what each signal means is `signals.rs`; the points each earns, `points.rs`.

use super::classes::Vocab;
use super::features::Features;
use super::phrases::{Family, Lex};
use super::signals::{Signal as S, SignalSet};

/// JSON-LD types of articles (top-level).
const LD_ARTICLE: &[&str] = &[
    "newsarticle",
    "article",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "askpublicnewsarticle",
    "satiricalarticle",
    "liveblogposting",
    "report",
    "scholarlyarticle",
    "advertisercontentarticle",
    "medicalscholarlyarticle",
    "review",
    "recipe",
    "howto",
];
/// Microdata item types of articles.
const MD_ARTICLE: &[&str] = &["newsarticle", "article", "blogposting", "reportagenewsarticle"];
/// JSON-LD types of technical docs (anywhere).
const LD_DOCS: &[&str] = &["techarticle", "apireference"];
/// JSON-LD types of products (top-level).
const LD_PRODUCT: &[&str] = &[
    "product",
    "productgroup",
    "productmodel",
    "individualproduct",
    "car",
    "vehicle",
    "book",
    "offer",
    "aggregateoffer",
];
/// JSON-LD types of offers (anywhere).
const LD_OFFER: &[&str] = &["offer", "aggregateoffer"];
/// JSON-LD types of threads and Q&A (anywhere).
const LD_FORUM: &[&str] = &["discussionforumposting", "qapage", "socialmediaposting"];
/// Microdata types of posts.
const MD_POSTS: &[&str] = &["discussionforumposting", "question", "answer", "comment"];
/// JSON-LD types of listings (top-level).
const LD_LISTING: &[&str] = &[
    "collectionpage",
    "itemlist",
    "searchresultspage",
    "offercatalog",
    "profilepage",
    "blog",
];
/// JSON-LD types of company, landing and service pages (top-level).
const LD_SERVICE: &[&str] = &[
    "aboutpage",
    "contactpage",
    "service",
    "professionalservice",
    "localbusiness",
    "softwareapplication",
    "webapplication",
    "mobileapplication",
    "course",
    "event",
    "educationalorganization",
];
/// A theme's boilerplate graph: JSON-LD that says nothing about the page's content.
const LD_BOILERPLATE: &[&str] = &[
    "webpage",
    "website",
    "organization",
    "breadcrumblist",
    "imageobject",
    "person",
    "searchaction",
    "corporation",
    "localbusiness",
    "wpheader",
    "wpfooter",
    "sitenavigationelement",
];
/// Forum engines named by `meta generator` or RDFa `typeof`.
const FORUM_ENGINES: &[&str] = &[
    "discourse",
    "phpbb",
    "vbulletin",
    "xenforo",
    "invision",
    "smf",
    "mybb",
    "flarum",
    "nodebb",
    "vanilla",
];
/// Docs and site generators named by `meta generator`.
const DOCS_GENERATORS: &[&str] = &[
    "sphinx",
    "mkdocs",
    "docusaurus",
    "hugo",
    "jekyll",
    "gitbook",
    "docfx",
    "vitepress",
    "mdbook",
    "antora",
    "readthedocs",
];

/// Fewer words than this on the whole page: nothing to classify (app shells, error pages).
pub(super) const EMPTY_PAGE_WORDS: u32 = 20;
/// Main-text candidate below this score: the page has no main text to speak of.
const MAIN_SHORT_WORDS: f32 = 120.0;
/// The candidate holds this share of the page: an article's page, not a portal.
const MAIN_DOMINANT_SHARE: f32 = 0.40;
/// Graded "how much main text" (each a signal; their points add up).
const CAND_LEVELS: [f32; 4] = [150.0, 300.0, 600.0, 1200.0];
/// Graded longest uninterrupted prose.
const RUN_LEVELS: [u32; 2] = [300, 600];
/// Prose blocks in the longest run: a few paragraphs / a full text.
const RUN_BLOCK_LEVELS: [u32; 2] = [3, 6];
/// Share of the page's words in prose blocks.
const PROSE_SHARE_LEVELS: [f32; 2] = [0.25, 0.50];
/// Share of the page's words in long `<p>`s.
const P_WORDS_SHARE: f32 = 0.35;
/// Long `<p>`s on a page with paragraphs of prose.
const PROSE_P_MANY: u32 = 5;
/// Short blocks per prose block on a grid of labels (products, landing pages).
const SHORT_HEAVY_RATIO: u32 = 6;
/// Link blocks per prose block on a listing.
const LINK_BLOCKS_RATIO: u32 = 2;
/// `<article>`s on a feed.
const ARTICLE_EL_MANY: u32 = 5;
/// h2/h3 inside the candidate: a structured text.
const MAIN_SUBHEADS: u32 = 3;
/// Share links of an article or product page.
const SHARE_LINKS: u32 = 2;
/// Call-to-action buttons of a landing page.
const CTA_BUTTONS: u32 = 3;
/// Subscription-price phrases of a pricing page.
const PER_MONTH_PHRASES: u32 = 2;
/// Words in `<noscript>` that make it the crawler view of an app.
const NOSCRIPT_MIN_WORDS: u32 = 50;
/// Headline words of a sentence headline (articles, threads).
const HEADLINE_LONG_WORDS: u32 = 7;
/// Headline words of a section name.
const HEADLINE_SHORT_WORDS: u32 = 3;
/// Prose words below which the word-class rates are noise.
const LEX_MIN_PROSE_WORDS: u32 = 100;
/// Rates (per 1000 prose words) at about the upper quartile of the other types.
const LEX_WE: f32 = 10.0;
const LEX_OFFER: f32 = 12.0;
const LEX_I: f32 = 12.0;
const LEX_CODE: f32 = 10.0;
const LEX_SAID: f32 = 1.0;
const LEX_EXPO: f32 = 12.0;
const LEX_PROMO: f32 = 12.0;
/// Thick sections of an article or a doc.
const SECTIONS_THICK: [u32; 2] = [3, 6];
/// Headings, and the share of them that are taglines, on a landing page.
const SECTIONS_THIN_MIN: u32 = 5;
const SECTIONS_THIN_SHARE: f32 = 0.6;
/// Words of a lede under the headline.
const LEDE_MIN_WORDS: u32 = 25;
/// Author links: one author (a post) vs one per teaser (a listing).
const AUTHOR_LINKS_FEW: std::ops::RangeInclusive<u32> = 1..=3;
const AUTHOR_LINKS_MANY: u32 = 5;
/// Slug words of a permalink, and the share of them in the headline.
const SLUG_HEADLINE_MIN_WORDS: usize = 3;
const SLUG_HEADLINE_SHARE: f32 = 0.6;
/// Dated things on a listing or a thread.
const DATES_MANY: u32 = 8;
const TIME_MANY: u32 = 5;
/// Teaser items: a related-links box has 3-5, a listing more.
const TEASER_LEVELS: [f32; 2] = [6.0, 12.0];
/// Teaser items for the teaser-shape signals, and the share with the property.
const TEASER_SHAPE_ITEMS: f32 = 5.0;
const TEASER_SHAPE_SHARE: f32 = 0.5;
/// Linked headings: the plainest teaser marker.
const HEADING_LINK_LEVELS: [u32; 3] = [3, 6, 12];
/// Headline-like links outside nav/footer.
const LONG_LINK_LEVELS: [u32; 2] = [15, 40];
/// Share of the page's words in links.
const LINKS_DENSE: f32 = 0.50;
const LINKS_MEDIUM: f32 = 0.35;
/// Links to list pages that make a pager.
const PAGE_LINKS: u32 = 2;
/// "Read more" / page-number links of a listing.
const READ_MORE_MANY: u32 = 5;
/// Price texts: one (a product), several (a grid).
const PRICES_SOME: u32 = 3;
/// Priced items in one group: a product grid.
const PRICE_GRID_ITEMS: [f32; 2] = [4.0, 12.0];
/// Product-vocabulary elements of a shop page.
const PRODUCT_CLASSES: u32 = 10;
/// Thread chrome: buttons, phrases, classes.
const REPLY_BUTTONS: u32 = 3;
const FORUM_PHRASES: u32 = 5;
const FORUM_CLASSES: u32 = 3;
const USER_CLASSES: u32 = 10;
const AGO_MANY: u32 = 3;
/// Real code, not a stray `<code>`.
const CODE_BLOCK_CHARS: u32 = 300;
const CODE_INLINE: u32 = 5;
const CODE_INLINE_ANY: u32 = 2;
/// Docs chrome: phrases, strong phrases, classes.
const DOCS_PHRASES: u32 = 3;
const DOCS_STRONG: [u32; 2] = [1, 2];
const DOCS_CLASSES: u32 = 5;
/// A big nav/aside or link list.
const NAV_BIG_LINKS: u32 = 40;
/// A nested link tree: docs sidebar / book contents; a big one.
const NAV_TREE_LINKS: [u32; 2] = [20, 60];
/// h2 + h3 of a long structured page.
const HEADINGS_MANY: u32 = 8;
/// Call-to-action phrases of a landing page.
const CTA_PHRASES: [u32; 2] = [3, 8];
/// Hero/banner/testimonial classes of a landing page.
const HERO_CLASSES: u32 = 10;
/// `<section>`s of a landing page.
const SECTIONS_MANY: u32 = 6;

/// Any of `list` in `have`.
fn any_in(have: &[String], list: &[&str]) -> bool {
    have.iter().any(|h| list.contains(&h.as_str()))
}

/// Every signal of one page.
pub(super) fn signals(f: &Features) -> SignalSet {
    let mut s = SignalSet::default();
    structured(f, &mut s);
    url(f, &mut s);
    text(f, &mut s);
    dates(f, &mut s);
    listing(f, &mut s);
    product_forum(f, &mut s);
    docs_service(f, &mut s);
    s
}

/// JSON-LD, microdata, og:type, meta.
fn structured(f: &Features, s: &mut SignalSet) {
    let h = &f.head;
    let (top, nested, it, ip) = (&h.ld_top, &h.ld_nested, &h.itemtypes, &h.itemprops);
    let all = |list: &[&str]| any_in(top, list) || any_in(nested, list);
    let ip_has = |p: &str| ip.iter().any(|x| x == p);
    let it_has = |p: &str| it.iter().any(|x| x == p);
    s.set(S::LdArticle, any_in(top, LD_ARTICLE) || any_in(it, MD_ARTICLE));
    s.set(S::LdTecharticle, all(LD_DOCS));
    s.set(S::LdProduct, any_in(top, LD_PRODUCT) || it_has("product"));
    s.set(S::LdOffer, all(LD_OFFER) || ip_has("offers") || ip_has("price"));
    let md_forum = any_in(it, MD_POSTS)
        && (it_has("answer")
            || it_has("discussionforumposting")
            || ip_has("suggestedanswer")
            || ip_has("acceptedanswer"));
    s.set(S::LdForum, all(LD_FORUM) || md_forum);
    s.set(S::LdListing, any_in(top, LD_LISTING) || it_has("itemlist"));
    s.set(S::LdService, any_in(top, LD_SERVICE));
    s.set(S::LdFaq, all(&["faqpage"]));
    s.set(
        S::LdWebpageOnly,
        !top.is_empty() && top.iter().all(|t| LD_BOILERPLATE.contains(&t.as_str())),
    );
    s.set(S::LdNone, top.is_empty() && nested.is_empty() && it.is_empty());
    s.set(S::MdArticlebody, ip_has("articlebody"));
    s.set(S::OgArticle, h.og_type == "article");
    s.set(S::OgWebsite, h.og_type == "website");
    s.set(S::OgProduct, h.og_type.contains("product"));
    s.set(S::OgNone, h.og_type.is_empty());
    s.set(S::MetaPrice, h.meta_price);
    s.set(S::MetaArticle, h.meta_article);
    s.set(S::MetaPublished, h.meta_published || ip_has("datepublished"));
    let ld_author = h.ld_nodes.iter().any(|n| n.author);
    s.set(S::Author, f.counts.author_attr || h.meta_author || ld_author);
    let dated = h
        .ld_nodes
        .iter()
        .any(|n| n.date_published && LD_ARTICLE.contains(&n.ty.as_str()));
    s.set(S::LdArticleDated, dated);
    let engine_names = format!("{} {}", h.generator, h.rdfa_typeof.join(" "));
    s.set(
        S::GeneratorForum,
        FORUM_ENGINES.iter().any(|e| engine_names.contains(e)),
    );
    s.set(
        S::GeneratorDocs,
        DOCS_GENERATORS.iter().any(|e| h.generator.contains(e)),
    );
}

/// The URL's shape, and the slug against the headline.
fn url(f: &Features, s: &mut SignalSet) {
    let u = &f.url;
    s.set(S::UrlRoot, u.root);
    s.set(S::UrlHomeIsh, u.home_ish);
    s.set(S::UrlDateSlug, u.date_slug);
    s.set(S::UrlLongSlug, u.long_slug);
    s.set(S::UrlArticleId, u.article_id);
    s.set(S::UrlListingStrong, u.listing_strong);
    s.set(S::UrlAboutPage, u.about_page);
    s.set(S::UrlListingSeg, u.listing_seg);
    s.set(S::UrlSectionLast, u.section_last);
    s.set(S::UrlPaged, u.paged);
    s.set(S::UrlSearch, u.search);
    s.set(S::UrlProduct, u.product);
    s.set(S::UrlForum, u.forum);
    s.set(S::UrlDocs, u.docs);
    s.set(S::UrlService, u.service);
    s.set(S::UrlBlogParent, u.blog_parent);
    s.set(S::UrlShallow, u.has_url && u.shallow);
    s.set(S::UrlHtmlExt, u.html_ext);
    let head = format!(
        "{} {}",
        f.headline.h1_texts.first().map_or("", String::as_str),
        f.head.title
    );
    let head = super::text::norm_words(&head);
    let head_words: Vec<&str> = head.split(' ').collect();
    let hits = u.slug.iter().filter(|w| head_words.contains(&w.as_str())).count();
    let n = u.slug.len();
    s.set(
        S::UrlSlugIsHeadline,
        n >= SLUG_HEADLINE_MIN_WORDS && hits as f32 >= SLUG_HEADLINE_SHARE * n as f32,
    );
}

/// Main text, prose, headline, word classes, sections.
fn text(f: &Features, s: &mut SignalSet) {
    let words = f.totals.words.max(1) as f32;
    let (b, c, a) = (&f.blocks, &f.cand, &f.article_el);
    s.set(S::PageEmpty, f.totals.words < EMPTY_PAGE_WORDS);
    s.set(S::MainProse3, b.run_blocks >= RUN_BLOCK_LEVELS[0]);
    s.set(S::MainProse6, b.run_blocks >= RUN_BLOCK_LEVELS[1]);
    s.set(S::MainShort, c.score < MAIN_SHORT_WORDS);
    s.set(S::MainDominant, c.words as f32 >= MAIN_DOMINANT_SHARE * words);
    s.set(S::PageProse5, f.counts.prose_p >= PROSE_P_MANY);
    s.set(
        S::PageProseShare,
        f.counts.p_words as f32 >= P_WORDS_SHARE * words,
    );
    s.set(S::ArticleElMainText, a.main_text());
    s.set(S::ArticleElHeadline, a.main_text() && (a.head_agrees || a.has_h1));
    s.set(S::ArticleElMany, a.n >= ARTICLE_EL_MANY);
    s.set(S::H1Agrees, f.headline.h1_agrees);
    s.set(S::H1One, f.counts.h1 == 1);
    s.set(S::H1None, f.counts.h1 == 0);
    for (sig, level) in [S::TextCand150, S::TextCand300, S::TextCand600, S::TextCand1200]
        .iter()
        .zip(CAND_LEVELS)
    {
        s.set(*sig, c.score >= level);
    }
    s.set(S::TextRun300, b.run_words >= RUN_LEVELS[0]);
    s.set(S::TextRun600, b.run_words >= RUN_LEVELS[1]);
    s.set(
        S::TextProseShare25,
        b.prose_words as f32 >= PROSE_SHARE_LEVELS[0] * words,
    );
    s.set(
        S::TextProseShare50,
        b.prose_words as f32 >= PROSE_SHARE_LEVELS[1] * words,
    );
    s.set(
        S::TextShortHeavy,
        b.short >= SHORT_HEAVY_RATIO * b.prose_blocks.max(1),
    );
    s.set(
        S::TextLinkBlocks,
        b.link >= LINK_BLOCKS_RATIO * b.prose_blocks.max(1),
    );
    s.set(S::TextNone, b.prose_blocks == 0);
    s.set(S::HeadlineAtMain, c.has_h1);
    s.set(S::MainSubheads, c.headings >= MAIN_SUBHEADS);
    s.set(S::Comments, f.counts.comments_section);
    s.set(S::ShareLinks, f.counts.share_links >= SHARE_LINKS);
    s.set(S::NoscriptContent, f.counts.noscript_words >= NOSCRIPT_MIN_WORDS);
    let h = &f.headline;
    s.set(S::HeadlineLong, h.words >= HEADLINE_LONG_WORDS);
    s.set(S::HeadlineShort, h.has_h1 && h.words <= HEADLINE_SHORT_WORDS);
    s.set(S::HeadlineQuestion, h.question);
    let lx = &f.lex;
    let enough = lx.n >= LEX_MIN_PROSE_WORDS;
    s.set(S::LexWe, enough && lx.of(Lex::We) >= LEX_WE);
    s.set(S::LexOffer, enough && lx.of(Lex::Offer) >= LEX_OFFER);
    s.set(S::LexI, enough && lx.of(Lex::I) >= LEX_I);
    s.set(S::LexCode, enough && lx.of(Lex::Code) >= LEX_CODE);
    s.set(S::LexSaid, enough && lx.of(Lex::Said) >= LEX_SAID);
    s.set(S::LexExpository, enough && lx.of(Lex::Expo) >= LEX_EXPO);
    s.set(S::LexPromo, enough && lx.of(Lex::Promo) >= LEX_PROMO);
    let sec = &f.sections;
    s.set(S::SectionsThick3, sec.thick >= SECTIONS_THICK[0]);
    s.set(S::SectionsThick6, sec.thick >= SECTIONS_THICK[1]);
    s.set(
        S::SectionsThin,
        sec.n >= SECTIONS_THIN_MIN && sec.thin as f32 >= SECTIONS_THIN_SHARE * sec.n as f32,
    );
    let ah = &f.after_h1;
    s.set(S::AfterH1Lede, ah.lede >= LEDE_MIN_WORDS);
    s.set(S::AfterH1Cta, ah.cta);
    s.set(S::AfterH1Cart, ah.cart);
    s.set(S::AfterH1Price, ah.price);
}

/// Dates, bylines, authors.
fn dates(f: &Features, s: &mut SignalSet) {
    let d = &f.dateline;
    let ph = |fam: Family| f.phrases[fam as usize];
    s.set(S::ReadTime, ph(Family::ReadTime) > 0);
    s.set(S::DatePublishedPhrase, ph(Family::Published) > 0);
    s.set(S::DateInMain, f.cand.time || f.cand.date_text);
    s.set(S::DateDateline, d.byline_date || d.near || d.main_start);
    s.set(S::Byline, d.byline_el || d.by_near || f.counts.by_text > 0);
    s.set(S::DatesMany, f.totals.times + f.totals.date_texts >= DATES_MANY);
    s.set(S::TimeMany, f.totals.times >= TIME_MANY);
    s.set(
        S::AuthorLinksFew,
        AUTHOR_LINKS_FEW.contains(&f.counts.author_links),
    );
    s.set(S::AuthorLinksMany, f.counts.author_links >= AUTHOR_LINKS_MANY);
}

/// Teasers, link density, pagers.
fn listing(f: &Features, s: &mut SignalSet) {
    let t = &f.groups.teasers;
    s.set(S::Teasers6, t.items >= TEASER_LEVELS[0]);
    s.set(S::Teasers12, t.items >= TEASER_LEVELS[1]);
    let shaped = t.items >= TEASER_SHAPE_ITEMS;
    s.set(S::TeasersDated, shaped && t.date >= TEASER_SHAPE_SHARE);
    s.set(S::TeasersImg, shaped && t.img >= TEASER_SHAPE_SHARE);
    s.set(S::TeasersHead, shaped && t.head >= TEASER_SHAPE_SHARE);
    let l = &f.links;
    for (sig, level) in [S::HeadingLinks3, S::HeadingLinks6, S::HeadingLinks12]
        .iter()
        .zip(HEADING_LINK_LEVELS)
    {
        s.set(*sig, l.heading_links >= level);
    }
    s.set(S::LongLinks15, l.long_links >= LONG_LINK_LEVELS[0]);
    s.set(S::LongLinks40, l.long_links >= LONG_LINK_LEVELS[1]);
    let words = f.totals.words.max(1) as f32;
    s.set(S::LinksDense, f.totals.link_words as f32 >= LINKS_DENSE * words);
    s.set(S::LinksMedium, f.totals.link_words as f32 >= LINKS_MEDIUM * words);
    let pager_class = f.counts.vocab[Vocab::Pager as usize] > 0;
    s.set(
        S::Pager,
        f.head.rel_next || f.counts.page_links >= PAGE_LINKS || pager_class,
    );
    s.set(S::ReadMoreMany, f.counts.list_texts >= READ_MORE_MANY);
}

/// Prices, carts, posts, thread chrome.
fn product_forum(f: &Features, s: &mut SignalSet) {
    let c = &f.counts;
    let v = |k: Vocab| c.vocab[k as usize];
    s.set(S::PriceAny, f.totals.price_texts >= 1);
    s.set(S::PriceSome, f.totals.price_texts >= PRICES_SOME);
    s.set(S::PriceGrid, f.groups.priced >= PRICE_GRID_ITEMS[0]);
    s.set(S::PriceGrid12, f.groups.priced >= PRICE_GRID_ITEMS[1]);
    s.set(S::CartButton, c.cart_texts > 0);
    s.set(S::CartClass, v(Vocab::Cart) > 0);
    s.set(S::CartForm, c.cart_form);
    let cart = c.cart_texts > 0 || v(Vocab::Cart) > 0 || c.cart_form;
    s.set(S::CartAny, cart);
    s.set(S::ProductClasses, v(Vocab::Product) >= PRODUCT_CLASSES);
    s.set(S::SelectVariants, c.select >= 1 && cart);
    s.set(S::PostsRepeated, f.groups.posts);
    s.set(S::PostsWithUser, f.groups.posts_user);
    s.set(S::PostsDated, f.groups.posts_dated);
    s.set(S::ReplyButtons, c.reply_texts >= REPLY_BUTTONS);
    s.set(
        S::ForumPhrases,
        f.phrases[Family::Forum as usize] >= FORUM_PHRASES,
    );
    s.set(S::ForumClasses, v(Vocab::Forum) >= FORUM_CLASSES);
    s.set(S::UserClasses, v(Vocab::User) >= USER_CLASSES);
    s.set(S::AgoMany, f.ago >= AGO_MANY);
}

/// Code, docs chrome, landing-page chrome.
fn docs_service(f: &Features, s: &mut SignalSet) {
    let c = &f.counts;
    let ph = |fam: Family| f.phrases[fam as usize];
    s.set(S::CodeBlocks, c.pre_chars >= CODE_BLOCK_CHARS);
    s.set(S::CodeInline, c.inline_code >= CODE_INLINE);
    s.set(S::CodeAny, c.pre_chars > 0 || c.inline_code >= CODE_INLINE_ANY);
    s.set(S::DocsPhrases, ph(Family::Docs) >= DOCS_PHRASES);
    s.set(S::DocsStrong, ph(Family::DocsStrong) >= DOCS_STRONG[0]);
    s.set(S::DocsStrong2, ph(Family::DocsStrong) >= DOCS_STRONG[1]);
    s.set(S::DocsClasses, c.vocab[Vocab::Toc as usize] >= DOCS_CLASSES);
    s.set(
        S::NavBig,
        f.links.nav_links_max >= NAV_BIG_LINKS || f.links.ul_links_max >= NAV_BIG_LINKS,
    );
    s.set(S::HeadingsMany, c.h23 >= HEADINGS_MANY);
    s.set(S::NavTree, f.links.nav_tree >= NAV_TREE_LINKS[0]);
    s.set(S::NavTreeBig, f.links.nav_tree >= NAV_TREE_LINKS[1]);
    s.set(S::Tables, c.table >= 1);
    s.set(S::CtaButtons, c.cta_buttons >= CTA_BUTTONS);
    s.set(S::PricingPerMonth, ph(Family::PerMonth) >= PER_MONTH_PHRASES);
    s.set(S::CtaMany, ph(Family::Cta) >= CTA_PHRASES[0]);
    s.set(S::CtaLots, ph(Family::Cta) >= CTA_PHRASES[1]);
    s.set(S::HeroClasses, c.vocab[Vocab::Hero as usize] >= HERO_CLASSES);
    s.set(S::TelLink, c.tel_links > 0);
    s.set(S::ContactForm, c.contact_form);
    s.set(S::SearchForm, c.search_form);
    s.set(S::SectionsMany, c.section >= SECTIONS_MANY);
    s.set(S::Address, c.address > 0);
    s.set(S::Textarea, c.textarea > 0);
}
