//! The named signals of the page-type scorecard: one table row per signal with its stable
//! name (what `page_type_evidence` shows, the same strings as the prototype's
//! `signals_table.md`), the types it may add points to (the fit gives a signal points only
//! toward these; an empty list means "computed for reports, not evidence"), and what it
//! means. Signals are booleans, held in a [`SignalSet`] bitset. Computing them is
//! `rules.rs`'s job; their points are in `points.rs`.

use super::PageType;

/// Shorthands of the scored types in the table below.
const A: PageType = PageType::Article;
const L: PageType = PageType::Listing;
const F: PageType = PageType::Forum;
const P: PageType = PageType::Product;
const D: PageType = PageType::Documentation;
const S: PageType = PageType::Service;

/// Defines [`Signal`], its names and the types each may support, from one table.
macro_rules! signals {
    ($($var:ident = $name:literal, [$($t:ident),*], $doc:literal;)*) => {
        /// One named boolean fact about a page (see the table in this file).
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        #[repr(u8)]
        pub enum Signal {
            $(#[doc = $doc] $var,)*
        }

        impl Signal {
            /// Every signal, in table order.
            pub const ALL: &'static [Signal] = &[$(Signal::$var,)*];
        }

        /// The stable names, in table order.
        const NAMES: &[&str] = &[$($name,)*];

        /// The types each signal may support, in table order.
        const SUPPORTS: &[&[PageType]] = &[$(&[$($t),*],)*];

        /// What each signal means, in table order.
        const DOCS: &[&str] = &[$($doc,)*];
    };
}

impl Signal {
    /// The stable name shown in the evidence (`date:dateline`, `url:forum`, ...).
    pub fn name(self) -> &'static str {
        NAMES.get(self as usize).copied().unwrap_or("")
    }

    /// The types this signal may add points to (empty: not evidence, kept for reports).
    pub fn supports(self) -> &'static [PageType] {
        SUPPORTS.get(self as usize).copied().unwrap_or(&[])
    }

    /// What the signal means (its row of the table).
    pub fn doc(self) -> &'static str {
        DOCS.get(self as usize).copied().unwrap_or("")
    }

    /// The signal with this name.
    pub fn from_name(name: &str) -> Option<Signal> {
        NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|i| Signal::ALL.get(i).copied())
    }
}

/// Words of the bitset ([`Signal::ALL`] fits in `64 * SET_WORDS` bits).
const SET_WORDS: usize = 4;

/// A set of fired signals.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct SignalSet([u64; SET_WORDS]);

impl SignalSet {
    /// Mark `s` as fired when `on`.
    pub fn set(&mut self, s: Signal, on: bool) {
        let i = s as usize;
        if on {
            self.0[i / 64] |= 1 << (i % 64);
        } else {
            self.0[i / 64] &= !(1 << (i % 64));
        }
    }

    /// True when `s` fired.
    pub fn has(&self, s: Signal) -> bool {
        let i = s as usize;
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    /// The fired signals, in table order.
    pub fn iter(&self) -> impl Iterator<Item = Signal> + '_ {
        Signal::ALL.iter().copied().filter(move |s| self.has(*s))
    }
}

signals! {
    LdArticle = "ld:article", [A],
        "JSON-LD top-level @type (root, list item, @graph member, mainEntity) is an article type \
         (NewsArticle, Article, BlogPosting, Report, Review, Recipe, HowTo, ...), or microdata itemtype \
         NewsArticle/Article/BlogPosting";
    LdTecharticle = "ld:techarticle", [D],
        "JSON-LD @type TechArticle or APIReference anywhere";
    LdProduct = "ld:product", [P],
        "top-level JSON-LD Product/ProductGroup/Book/Car/Offer..., or microdata itemtype Product";
    LdOffer = "ld:offer", [L, P],
        "JSON-LD Offer/AggregateOffer anywhere, or itemprop offers/price";
    LdForum = "ld:forum", [F],
        "JSON-LD DiscussionForumPosting/QAPage/SocialMediaPosting anywhere, or microdata \
         Answer/DiscussionForumPosting with (suggested|accepted)Answer";
    LdListing = "ld:listing", [L],
        "top-level JSON-LD CollectionPage/ItemList/SearchResultsPage/OfferCatalog/ProfilePage/Blog, or \
         microdata ItemList";
    LdService = "ld:service", [S],
        "top-level JSON-LD \
         AboutPage/ContactPage/Service/ProfessionalService/LocalBusiness/SoftwareApplication/Course/Event";
    LdFaq = "ld:faq", [P, S],
        "JSON-LD FAQPage anywhere";
    LdWebpageOnly = "ld:webpage-only", [L, P, D, S],
        "JSON-LD present but its top-level types are only \
         WebPage/WebSite/Organization/BreadcrumbList/ImageObject/Person/SearchAction (a theme's \
         boilerplate graph)";
    LdNone = "ld:none", [],
        "no JSON-LD and no microdata (not offered to the fit: says nothing of the type)";
    MdArticlebody = "md:articlebody", [A],
        "itemprop=articleBody";
    OgArticle = "og:article", [A],
        "og:type = article";
    OgWebsite = "og:website", [L, F, P, D, S],
        "og:type = website";
    OgProduct = "og:product", [L, P],
        "og:type contains 'product'";
    OgNone = "og:none", [],
        "no og:type (not offered)";
    MetaPrice = "meta:price", [P],
        "meta product:price:*, og:price:*, product:availability or itemprop price";
    MetaArticle = "meta:article", [A],
        "any meta article:* (published_time, section, tag, author)";
    MetaPublished = "meta:published", [A, F],
        "meta article:published_time, pubdate, publishdate, parsely-pub-date, sailthru.date, \
         dc.date.issued, date, or itemprop datePublished";
    UrlRoot = "url:root", [L, P, S],
        "path is / and no query";
    UrlHomeIsh = "url:home-ish", [L, P, S],
        "path is empty, a language code (/en, /en-us) or /home, /index.*";
    UrlDateSlug = "url:date-slug", [A],
        "a year segment before a slug of >= 2 words (/2024/05/12/slug)";
    UrlLongSlug = "url:long-slug", [A, F],
        "last segment has >= 4 words (split on - _ +), not a .php/.asp script";
    UrlArticleId = "url:article-id", [A, F, P],
        "last segment has a run of >= 5 digits (not a year), or a numeric id/articleid/story/newsid/p \
         query value";
    UrlListingStrong = "url:listing-strong", [L],
        "guard input: tag/category/author/search/page/archive (+ de/fr/es/it/pl forms) followed by at \
         most one short segment (/tag/port/, /author/jane/, /category/city/page/2/)";
    UrlAboutPage = "url:about-page", [S],
        "guard input: last segment (or its first word) is \
         about/contact/impressum/privacy/terms/legal/careers/team/company/... (+ other languages)";
    UrlListingSeg = "url:listing-seg", [L],
        "like url:listing-strong with more words: topic(s), collection(s), c, shop, browse, catalog, \
         department, subject, directory, chart, rankings";
    UrlSectionLast = "url:section-last", [L, S],
        "last segment is a section word (news, blog, articles, events, resources, products, deals, ...) \
         or a single short segment, and no article id";
    UrlPaged = "url:paged", [L],
        "page/p/pg/start/offset query or /page/N";
    UrlSearch = "url:search", [L],
        "guard input: query q/s/query/search/keywords/k/term, or a /search segment";
    UrlProduct = "url:product", [P],
        "a product/products/p/dp/item/itm/listing/app/sku/... segment before the last, a shop./store. \
         host, or -p-1234, /p/x, 12345.html, /dp/ in the path";
    UrlForum = "url:forum", [F],
        "forum(s)/thread(s)/t/topic/questions/q/discussion(s)/community/comments/board/r/qa/talk/... \
         before the last segment, a forum./community./discuss. host, viewtopic.php/showthread.php, or \
         topic=/thread= in the query";
    UrlDocs = "url:docs", [D],
        "docs/doc/documentation/reference/api/manual/guide(s)/learn/tutorial(s)/handbook/man/kb/support/h \
         elp/wiki/book/latest/stable/dev(eloper) segment, a docs./developer./learn./wiki./help. host, a \
         version segment (/v1.2/), /man1/, /docs-...";
    UrlService = "url:service", [S],
        "about/contact/services/solutions/pricing/plans/features/platform/company/careers/legal/... \
         segment anywhere";
    UrlBlogParent = "url:blog-parent", [A],
        "a blog/news/articles/stories/posts/press/insights/magazine/... segment before a slug of >= 2 \
         words, or a blog./news. host";
    UrlShallow = "url:shallow", [L, P, S],
        "at most one path segment";
    UrlHtmlExt = "url:html-ext", [],
        ".html/.htm/.php/.asp(x) last segment (not offered)";
    PageEmpty = "page:empty", [],
        "< 20 words on the page (not offered)";
    MainProse3 = "main:prose3", [A, F, D],
        "the longest run of prose blocks has >= 3 blocks";
    MainProse6 = "main:prose6", [A, F, D],
        "the longest run of prose blocks has >= 6 blocks";
    MainShort = "main:short", [L, P, S],
        "main-text candidate score < 120 words";
    MainDominant = "main:dominant", [A, F, D],
        "the main-text candidate holds >= 40% of the page's words";
    PageProse5 = "page:prose5", [A, F, D],
        ">= 5 <p> of >= 25 words on the page";
    PageProseShare = "page:prose-share", [A, F, D],
        "words in <p> of >= 25 words are >= 35% of the page's words";
    ArticleElMainText = "article-el:main-text", [A, F],
        "the largest <article> holds >= 30% of the page's words and >= 2 prose <p>, and does not nest >= \
         3 <article>s";
    ArticleElHeadline = "article-el:headline", [A, F],
        "article-el:main-text and that <article> has an <h1>, or an h1/h2 agreeing with <title>/og:title";
    ArticleElMany = "article-el:many", [L, F],
        ">= 5 <article> elements";
    H1Agrees = "h1:agrees", [],
        "an <h1> agrees with <title>/og:title (not offered: every type has it)";
    H1One = "h1:one", [],
        "exactly one <h1> (not offered)";
    H1None = "h1:none", [],
        "no <h1> (not offered)";
    TextCand150 = "text:cand150", [A, F, D],
        "main-text candidate score >= 150 (score: words of each prose block credited to its parent, half \
         to its grandparent; the best element wins)";
    TextCand300 = "text:cand300", [A, F, D],
        "candidate score >= 300";
    TextCand600 = "text:cand600", [A, F, D],
        "candidate score >= 600";
    TextCand1200 = "text:cand1200", [A, F, D],
        "candidate score >= 1200";
    TextRun300 = "text:run300", [A, F, D],
        "the longest run of prose blocks (headings, captions and up to 2 short blocks do not break it; a \
         link-list block or 3 non-prose blocks do) has >= 300 words";
    TextRun600 = "text:run600", [A, F, D],
        "longest prose run >= 600 words";
    TextProseShare50 = "text:prose-share50", [A, F, D],
        "prose blocks (>= 20 words, < 30% link words, outside nav/footer/aside/small forms/page header) \
         hold >= 50% of the page's words";
    TextProseShare25 = "text:prose-share25", [A, F, D],
        "prose blocks hold >= 25% of the page's words";
    TextShortHeavy = "text:short-heavy", [L, P, S],
        "short blocks >= 6 x prose blocks";
    TextLinkBlocks = "text:link-blocks", [L],
        "link-dominated blocks >= 2 x prose blocks";
    TextNone = "text:none", [L, P, S],
        "no prose block";
    Author = "author", [A, F],
        "rel=author, itemprop=author, meta author/article:author, or a top-level JSON-LD node with author";
    LdArticleDated = "ld:article-dated", [A],
        "a top-level JSON-LD node of an article type that has datePublished";
    ReadTime = "read-time", [A],
        "'N min read' / 'reading time' (+ de/fr/es/it)";
    DatePublishedPhrase = "date:published-phrase", [A, D],
        "'published|updated|posted|last updated (on)' followed by a month name or a digit (+ de/fr/es/it)";
    DateInMain = "date:in-main", [A, F],
        "a <time> in the main-text candidate or a date in its first 1500 characters";
    HeadlineAtMain = "headline:at-main", [A, P, D],
        "an <h1> inside the main-text candidate or among its 3 preceding siblings";
    MainSubheads = "main:subheads", [A, D],
        ">= 3 h2/h3 inside the main-text candidate";
    Comments = "comments", [A, F],
        "#comments, #respond, #disqus_thread, .comments-area, .comment-list";
    ShareLinks = "share-links", [A, P],
        ">= 2 social share links (facebook sharer, twitter intent, linkedin share, pinterest, reddit \
         submit, mailto:?)";
    CtaButtons = "cta:buttons", [P, S],
        ">= 3 links/buttons of <= 10 words with a call-to-action text";
    PricingPerMonth = "pricing:per-month", [S],
        ">= 2 of '/mo', 'per month', '/user', '/year', ...";
    NoscriptContent = "noscript:content", [L, F],
        "a <noscript> with >= 50 words (kept as page content: Discourse-style crawler views)";
    HeadlineLong = "headline:long", [A, F],
        "the <h1> (else the longest part of <title>) has >= 7 words";
    HeadlineShort = "headline:short", [L, P, D, S],
        "there is an <h1> and it has <= 3 words";
    HeadlineQuestion = "headline:question", [A, F],
        "the <h1> (else the title) ends with '?'";
    LexWe = "lex:we", [S],
        ">= 10 per 1000 prose words are we/our/us (+ de/fr/es/it/nl/pl/pt)";
    LexOffer = "lex:offer", [S],
        ">= 12 per 1000 prose words from {contact, call, quote, free, consultation, schedule, enroll, \
         apply, book, services, solutions, customers, clients, team, experts, professional(s), offer(s), \
         provide(s), pricing, trial, demo, ...}";
    LexI = "lex:i", [A, F],
        ">= 12 per 1000 prose words are I/my/me (+ other languages)";
    LexCode = "lex:code", [D],
        ">= 10 per 1000 prose words from {function, return(s), parameter(s), default, example, syntax, \
         command, install, configure, api, method, class, string, value, true, false, null, file, \
         option(s), argument(s), type, ...}";
    LexSaid = "lex:said", [A],
        ">= 1 per 1000 prose words from {said, says, told, according, reported, announced, added, stated, \
         + de/fr/es/it/nl/pl/pt}";
    LexExpository = "lex:expository", [A, F, D],
        ">= 12 per 1000 prose words from {however, although, because, therefore, whereas, while, since, \
         thus, may, might, often, typically, usually, generally, example, instance, such, research, \
         study, found, suggests, likely, whether, which, was, were, had, been, ...}";
    LexPromo = "lex:promo", [P, S],
        ">= 12 per 1000 prose words from {best, leading, trusted, award, winning, expert(s), affordable, \
         quality, certified, licensed, guarantee(d), estimate, 24, 7, today, reliable, premier, top, \
         seamless, innovative, solutions, tailored, unlock, empower, transform, boost, discover, explore, \
         join, started, now}";
    SectionsThick3 = "sections:thick3", [A, D],
        ">= 3 headings followed by >= 100 words of non-link text before the next heading";
    SectionsThick6 = "sections:thick6", [A, D],
        ">= 6 such headings";
    SectionsThin = "sections:thin", [L, P, S],
        ">= 5 headings and >= 60% of them followed by < 30 words (a landing page's taglines)";
    AfterH1Lede = "after-h1:lede", [A, F, D],
        "one of the first 4 non-furniture blocks after the headline is prose (>= 25 words)";
    AfterH1Cta = "after-h1:cta", [S],
        "a link/button with a call-to-action text (get started, book, request a demo, contact us, free \
         trial, sign up, call now, ...) in the 12 blocks after the headline";
    AfterH1Cart = "after-h1:cart", [P],
        "an add-to-cart/buy text in the 12 blocks after the headline";
    AfterH1Price = "after-h1:price", [P],
        "a price in a short block (<= 40 words) among the 12 after the headline";
    AuthorLinksFew = "author-links:few", [A],
        "1-3 links to /author/, /profile/, /people/, /staff/ pages";
    AuthorLinksMany = "author-links:many", [L],
        ">= 5 such links";
    UrlSlugIsHeadline = "url:slug-is-headline", [A, F],
        ">= 60% of the >= 3 slug words appear in the <h1> or <title>";
    DateDateline = "date:dateline", [A, F],
        "a date (month-name or numeric forms, several languages) within 300 characters before / 600 after \
         the headline's start in the page's text stream, or in a byline element under the headline, or in \
         the first 80 words of the main-text candidate";
    Byline = "byline", [A, F],
        "an author/byline/date/meta class element, <time>, rel=author or itemprop author/datePublished \
         within 80 words after the headline, or 'By Name' near it, or a short 'By Name' text";
    DatesMany = "dates:many", [L, F],
        ">= 8 <time> elements plus short texts with a date or 'N days ago'";
    TimeMany = "time:many", [L, F],
        ">= 5 <time> elements";
    Teasers6 = "teasers:6", [L],
        ">= 6 teaser items: the best group of >= 3 same-shaped siblings (tag + class tokens without \
         digits) outside nav/header/footer, >= 60% of them with a link of >= 3 words, 3-200 words each; \
         items = n x share with such a link";
    Teasers12 = "teasers:12", [L],
        ">= 12 teaser items";
    TeasersDated = "teasers:dated", [L],
        ">= 5 teaser items and >= 50% of them dated";
    TeasersImg = "teasers:img", [L],
        ">= 5 teaser items and >= 50% with an image";
    TeasersHead = "teasers:head", [L],
        ">= 5 teaser items and >= 50% with a heading";
    HeadingLinks3 = "heading-links:3", [L],
        ">= 3 headings that are links (h* containing <a>, or <a> containing h*) outside nav/footer/aside";
    HeadingLinks6 = "heading-links:6", [L],
        ">= 6 heading links";
    HeadingLinks12 = "heading-links:12", [L],
        ">= 12 heading links";
    LongLinks15 = "long-links:15", [L],
        ">= 15 links of >= 6 words outside nav/footer/aside (teaser titles)";
    LongLinks40 = "long-links:40", [L],
        ">= 40 such links";
    LinksDense = "links:dense", [L],
        "link words >= 50% of the page's words";
    LinksMedium = "links:medium", [L],
        "link words >= 35% of the page's words";
    Pager = "pager", [L, F, D],
        "rel=next (link or a), >= 2 links with page=N / /page/N, or a pagination/pager/load-more class";
    ReadMoreMany = "read-more:many", [L],
        ">= 5 links/buttons reading 'read more', 'continue reading', 'more', 'next', 'previous', a page \
         number, ...";
    PriceAny = "price:any", [L, P, S],
        ">= 1 short text (<= 12 words, few children) with a price (currency sign/code next to digits)";
    PriceSome = "price:some", [L, P, S],
        ">= 3 such price texts";
    PriceGrid = "price:grid", [L],
        "a group of same-shaped siblings with a price in >= 50% of them and >= 4 priced items";
    PriceGrid12 = "price:grid12", [L],
        ">= 12 priced items in such a group";
    CartButton = "cart:button", [L, P],
        "a button/input/link whose whole text is add to cart/bag/basket, buy (it) now, in den Warenkorb, \
         ajouter au panier, pre-order, sold out, select options, ...";
    CartClass = "cart:class", [L, P],
        "a class/id containing add-to-cart/addtocart/buy-now/cart-button/atc/purchase";
    CartForm = "cart:form", [L, P],
        "a form whose action/class mentions cart/basket/checkout/bag, or with \
         quantity/qty/product_id/variant inputs";
    CartAny = "cart:any", [L, P],
        "cart:button or cart:class or cart:form";
    ProductClasses = "product:classes", [L, P],
        ">= 10 elements with product/sku/variant/swatch/quantity/stock/gallery/rating/review in class/id";
    SelectVariants = "select:variants", [P],
        "a <select> on a page with cart evidence";
    PostsRepeated = "posts:repeated", [F],
        "a group of >= 3 same-shaped siblings outside nav, >= 15 words each on average, < 35% link words, \
         < 50% with a heading link, >= 50% with a user-ish class or a date";
    PostsWithUser = "posts:with-user", [F],
        "such a group with >= 50% of members carrying a user/author/avatar/poster/member class";
    PostsDated = "posts:dated", [F],
        "such a group with >= 50% of members dated";
    ReplyButtons = "reply-buttons", [F],
        ">= 3 links/buttons/spans reading reply, quote, share, report, like, permalink, flag, cite, ...";
    ForumPhrases = "forum:phrases", [F],
        ">= 5 of: replies, posted by/on, joined, posts:, thread starter, accepted answer, answered, \
         asked, votes, solved, quote, #N, ...";
    ForumClasses = "forum:classes", [F],
        ">= 3 elements with forum/thread/topic/discussion/bbcode/quote in class/id";
    UserClasses = "user:classes", [F],
        ">= 10 elements with user(name|info|card)/avatar/author/poster/member in class/id";
    AgoMany = "ago:many", [F],
        ">= 3 'N days/hours/... ago'";
    GeneratorForum = "generator:forum", [F],
        "meta generator or RDFa typeof names a forum engine (Discourse, phpBB, vBulletin, XenForo, \
         Invision, SMF, MyBB, Flarum, NodeBB, Vanilla)";
    CodeBlocks = "code:blocks", [D],
        ">= 300 characters in <pre>";
    CodeInline = "code:inline", [D],
        ">= 5 <code> outside <pre>";
    CodeAny = "code:any", [D],
        "any <pre> text or >= 2 inline <code>";
    DocsPhrases = "docs:phrases", [D],
        ">= 3 of: on this page, table of contents, edit this page, see also, parameters, returns, syntax, \
         example, prerequisites, last updated, version N, deprecated, note:, warning:, tip:";
    DocsStrong = "docs:strong", [D],
        ">= 1 of: on this page, in this article, edit this page, edit on github, was this page helpful, \
         table of contents, api reference, view source, improve this page, suggest an edit, next page, \
         previous page, documentation, release notes, changelog";
    DocsStrong2 = "docs:strong2", [D],
        ">= 2 of those";
    DocsClasses = "docs:classes", [D],
        ">= 5 elements with toc/table-of-contents/on-this-page/docs-/sidebar- \
         nav/menu__link/api/highlight/syntax/sphinx/mkdocs/docusaurus/md-/rst-/theme-doc in class/id";
    NavBig = "nav:big", [L, D],
        "a nav/aside with >= 40 links, or a link-only list with >= 40 links";
    GeneratorDocs = "generator:docs", [D],
        "meta generator names a docs/site generator (Sphinx, MkDocs, Docusaurus, Hugo, Jekyll, GitBook, \
         DocFX, VitePress, mdBook, Antora, Read the Docs)";
    HeadingsMany = "headings:many", [A, D],
        ">= 8 h2+h3";
    NavTree = "nav:tree", [D],
        "a nested list (ul/ol > li > ul/ol) with >= 20 links, >= 70% link words, outside header/footer: a \
         docs sidebar or a book's table of contents";
    NavTreeBig = "nav:tree-big", [D],
        "such a tree with >= 60 links";
    Tables = "tables", [P, D],
        "at least one <table>";
    CtaMany = "cta:many", [S],
        ">= 3 call-to-action phrases in the page text (contact us, get started, request a demo, book a, \
         free trial, schedule a, sign up, learn more, talk to sales, our services, testimonials, trusted \
         by, pricing, ...)";
    CtaLots = "cta:lots", [S],
        ">= 8 such phrases";
    HeroClasses = "hero:classes", [P, S],
        ">= 10 elements with \
         hero/banner/cta/testimonial/pricing/feature/benefit/faq/contact/landing/logos/partners/clients \
         in class/id";
    TelLink = "tel-link", [S],
        "a tel: link";
    ContactForm = "contact-form", [S],
        "a form with a textarea and an e-mail input";
    SearchForm = "search-form", [],
        "a search form (not offered: nearly every page has one)";
    SectionsMany = "sections:many", [S],
        ">= 6 <section>";
    Address = "address", [S],
        "an <address>";
    Textarea = "textarea", [F, S],
        "a <textarea>";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        assert!(Signal::ALL.len() <= 64 * SET_WORDS);
        assert_eq!(NAMES.len(), Signal::ALL.len());
        for (i, s) in Signal::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
            assert_eq!(Signal::from_name(s.name()), Some(*s));
            assert!(!s.supports().contains(&PageType::Other), "{}", s.name());
        }
    }
}
