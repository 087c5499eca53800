//! The scorecard's points: per scored type a bias, and per (signal, type) the points a fired
//! signal adds. Generated, do not edit by hand: fitted by `/work/staging/issue22/rust/fit_rust.py`
//! (a multinomial logistic regression over the six types with every signal weight held >= 0
//! and allowed only toward the types `signals.rs` lets it support; weights x 4, rounded) on the
//! signals `examples/page_type_eval.rs --dump-features` computed on wcxb-pages-dev +
//! wcxb-articles-dev, then written here by `gen_points.py`.
//! Provenance: fit_rust.py (L1 = L2 = 0.002, SCALE 4, offset tolerance 0.002) on the Rust signals
//! of commit d207615's classifier over the 1358 pages of wcxb-pages-dev + wcxb-articles-dev; full
//! set article-vs-not F1 0.950, six-way 0.910; 5-fold group CV by registered domain F1 0.943,
//! six-way 0.892.

use super::signals::Signal as S;
use super::PageType::{self, Article, Documentation, Forum, Listing, Product, Service};

/// Bias of each scored type, in `super::SCORED` order (how common the type is when
/// nothing else speaks).
pub(super) const BIAS: [i32; 6] = [1, 2, -2, 0, -2, 1];

/// Shift of the article score that gives the best article-vs-not F1 on the fitting pages
/// (the crawler's decision: what it writes); of the shifts within 0.002 of the best F1,
/// the highest, since a lost article is silent and an extra non-article record is not.
pub(super) const ARTICLE_OFFSET: i32 = 0;

/// (signal, type, points): what speaks for each type, strongest first.
#[rustfmt::skip]
pub(super) const POINTS: &[(S, PageType, i32)] = &[
    // article
    (S::DateDateline, Article, 4),
    (S::UrlBlogParent, Article, 4),
    (S::UrlLongSlug, Article, 3),
    (S::ArticleElMainText, Article, 2),
    (S::DatePublishedPhrase, Article, 2),
    (S::HeadlineLong, Article, 2),
    (S::LdArticle, Article, 2),
    (S::OgArticle, Article, 2),
    (S::ShareLinks, Article, 2),
    (S::UrlSlugIsHeadline, Article, 2),
    (S::AfterH1Lede, Article, 1),
    (S::ArticleElHeadline, Article, 1),
    (S::Author, Article, 1),
    (S::Byline, Article, 1),
    (S::LdArticleDated, Article, 1),
    (S::LexExpository, Article, 1),
    (S::MainDominant, Article, 1),
    (S::MainProse6, Article, 1),
    (S::MainSubheads, Article, 1),
    (S::MetaArticle, Article, 1),
    (S::MetaPublished, Article, 1),
    (S::PageProseShare, Article, 1),
    (S::SectionsThick3, Article, 1),
    (S::SectionsThick6, Article, 1),
    (S::TextCand1200, Article, 1),
    (S::TextCand150, Article, 1),
    (S::TextCand300, Article, 1),
    (S::TextCand600, Article, 1),
    // listing
    (S::LongLinks15, Listing, 3),
    (S::HeadlineShort, Listing, 2),
    (S::LinksMedium, Listing, 2),
    (S::Pager, Listing, 2),
    (S::PriceAny, Listing, 2),
    (S::ProductClasses, Listing, 2),
    (S::Teasers12, Listing, 2),
    (S::TeasersImg, Listing, 2),
    (S::TextShortHeavy, Listing, 2),
    (S::UrlListingSeg, Listing, 2),
    (S::CartAny, Listing, 1),
    (S::DatesMany, Listing, 1),
    (S::HeadingLinks12, Listing, 1),
    (S::LdListing, Listing, 1),
    (S::LongLinks40, Listing, 1),
    (S::MainShort, Listing, 1),
    (S::ReadMoreMany, Listing, 1),
    (S::Teasers6, Listing, 1),
    (S::TeasersDated, Listing, 1),
    (S::TextLinkBlocks, Listing, 1),
    (S::UrlShallow, Listing, 1),
    // forum
    (S::UrlForum, Forum, 8),
    (S::LdForum, Forum, 3),
    (S::UserClasses, Forum, 3),
    (S::DateDateline, Forum, 2),
    (S::DatesMany, Forum, 2),
    (S::ForumClasses, Forum, 2),
    (S::ForumPhrases, Forum, 2),
    (S::LexI, Forum, 2),
    (S::PostsRepeated, Forum, 2),
    (S::ReplyButtons, Forum, 2),
    (S::TimeMany, Forum, 2),
    (S::UrlArticleId, Forum, 2),
    (S::UrlLongSlug, Forum, 2),
    (S::GeneratorForum, Forum, 1),
    (S::HeadlineLong, Forum, 1),
    (S::HeadlineQuestion, Forum, 1),
    (S::MetaPublished, Forum, 1),
    (S::PostsWithUser, Forum, 1),
    // product
    (S::UrlProduct, Product, 5),
    (S::CartAny, Product, 4),
    (S::LdProduct, Product, 4),
    (S::LdOffer, Product, 3),
    (S::CartButton, Product, 2),
    (S::CartClass, Product, 2),
    (S::OgProduct, Product, 2),
    (S::ProductClasses, Product, 2),
    (S::AfterH1Cart, Product, 1),
    (S::AfterH1Price, Product, 1),
    (S::CartForm, Product, 1),
    (S::MetaPrice, Product, 1),
    (S::PriceAny, Product, 1),
    (S::PriceSome, Product, 1),
    (S::SectionsThin, Product, 1),
    (S::UrlArticleId, Product, 1),
    // documentation
    (S::UrlDocs, Documentation, 6),
    (S::CodeAny, Documentation, 3),
    (S::DocsPhrases, Documentation, 3),
    (S::DocsStrong, Documentation, 3),
    (S::LexCode, Documentation, 3),
    (S::CodeInline, Documentation, 2),
    (S::DocsStrong2, Documentation, 2),
    (S::HeadlineAtMain, Documentation, 1),
    (S::MainDominant, Documentation, 1),
    (S::MainProse3, Documentation, 1),
    (S::MainSubheads, Documentation, 1),
    (S::NavTree, Documentation, 1),
    // service
    (S::LexOffer, Service, 4),
    (S::UrlService, Service, 3),
    (S::AfterH1Cta, Service, 2),
    (S::CtaButtons, Service, 2),
    (S::CtaMany, Service, 2),
    (S::LexPromo, Service, 2),
    (S::LexWe, Service, 2),
    (S::SectionsMany, Service, 2),
    (S::UrlHomeIsh, Service, 2),
    (S::UrlRoot, Service, 2),
    (S::CtaLots, Service, 1),
    (S::HeroClasses, Service, 1),
    (S::LdFaq, Service, 1),
    (S::LdService, Service, 1),
    (S::SectionsThin, Service, 1),
    (S::TelLink, Service, 1),
    (S::UrlShallow, Service, 1),
];
