//! The element names known at compile time: [`Tag`] constants for lexbor 3.0.0's static tag
//! table (every HTML element and the SVG/MathML names the tree builder treats specially) plus
//! SVG's case-adjusted names (`clipPath`, `foreignObject`), which are distinct names from
//! their lowercase forms as in html5ever. Sorted by bytes, so a name is found by binary
//! search. Names outside this list are interned per document ([`super::Arena`]); a lexbor
//! update that adds tags needs no change here (the engine maps lexbor's ids by name).
//! Generated from `vendor/lexbor/source/lexbor/tag/res.h` and `html/tag_res.h`.

use super::Tag;

/// Number of known tag names; ids at or above it are a document's own names.
pub const KNOWN_TAGS: u32 = 229;

/// The known tag names, indexed by [`Tag`] id, sorted by bytes.
pub(crate) const TAG_NAMES: [&str; KNOWN_TAGS as usize] = [
    "a",
    "abbr",
    "acronym",
    "address",
    "altGlyph",
    "altGlyphDef",
    "altGlyphItem",
    "altglyph",
    "altglyphdef",
    "altglyphitem",
    "animateColor",
    "animateMotion",
    "animateTransform",
    "animatecolor",
    "animatemotion",
    "animatetransform",
    "annotation-xml",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "bgsound",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "clipPath",
    "clippath",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "desc",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feImage",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
    "feblend",
    "fecolormatrix",
    "fecomponenttransfer",
    "fecomposite",
    "feconvolvematrix",
    "fediffuselighting",
    "fedisplacementmap",
    "fedistantlight",
    "fedropshadow",
    "feflood",
    "fefunca",
    "fefuncb",
    "fefuncg",
    "fefuncr",
    "fegaussianblur",
    "feimage",
    "femerge",
    "femergenode",
    "femorphology",
    "feoffset",
    "fepointlight",
    "fespecularlighting",
    "fespotlight",
    "fetile",
    "feturbulence",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "foreignObject",
    "foreignobject",
    "form",
    "frame",
    "frameset",
    "glyphRef",
    "glyphref",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "image",
    "img",
    "input",
    "ins",
    "isindex",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "linearGradient",
    "lineargradient",
    "link",
    "listing",
    "main",
    "malignmark",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "meta",
    "meter",
    "mfenced",
    "mglyph",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "multicol",
    "nav",
    "nextid",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "path",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "radialGradient",
    "radialgradient",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "selectedcontent",
    "slot",
    "small",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textPath",
    "textarea",
    "textpath",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

#[allow(missing_docs)]
impl Tag {
    pub const A: Tag = Tag(0);
    pub const ABBR: Tag = Tag(1);
    pub const ACRONYM: Tag = Tag(2);
    pub const ADDRESS: Tag = Tag(3);
    pub const SVG_ALTGLYPH: Tag = Tag(4);
    pub const SVG_ALTGLYPHDEF: Tag = Tag(5);
    pub const SVG_ALTGLYPHITEM: Tag = Tag(6);
    pub const ALTGLYPH: Tag = Tag(7);
    pub const ALTGLYPHDEF: Tag = Tag(8);
    pub const ALTGLYPHITEM: Tag = Tag(9);
    pub const SVG_ANIMATECOLOR: Tag = Tag(10);
    pub const SVG_ANIMATEMOTION: Tag = Tag(11);
    pub const SVG_ANIMATETRANSFORM: Tag = Tag(12);
    pub const ANIMATECOLOR: Tag = Tag(13);
    pub const ANIMATEMOTION: Tag = Tag(14);
    pub const ANIMATETRANSFORM: Tag = Tag(15);
    pub const ANNOTATION_XML: Tag = Tag(16);
    pub const APPLET: Tag = Tag(17);
    pub const AREA: Tag = Tag(18);
    pub const ARTICLE: Tag = Tag(19);
    pub const ASIDE: Tag = Tag(20);
    pub const AUDIO: Tag = Tag(21);
    pub const B: Tag = Tag(22);
    pub const BASE: Tag = Tag(23);
    pub const BASEFONT: Tag = Tag(24);
    pub const BDI: Tag = Tag(25);
    pub const BDO: Tag = Tag(26);
    pub const BGSOUND: Tag = Tag(27);
    pub const BIG: Tag = Tag(28);
    pub const BLINK: Tag = Tag(29);
    pub const BLOCKQUOTE: Tag = Tag(30);
    pub const BODY: Tag = Tag(31);
    pub const BR: Tag = Tag(32);
    pub const BUTTON: Tag = Tag(33);
    pub const CANVAS: Tag = Tag(34);
    pub const CAPTION: Tag = Tag(35);
    pub const CENTER: Tag = Tag(36);
    pub const CITE: Tag = Tag(37);
    pub const SVG_CLIPPATH: Tag = Tag(38);
    pub const CLIPPATH: Tag = Tag(39);
    pub const CODE: Tag = Tag(40);
    pub const COL: Tag = Tag(41);
    pub const COLGROUP: Tag = Tag(42);
    pub const DATA: Tag = Tag(43);
    pub const DATALIST: Tag = Tag(44);
    pub const DD: Tag = Tag(45);
    pub const DEL: Tag = Tag(46);
    pub const DESC: Tag = Tag(47);
    pub const DETAILS: Tag = Tag(48);
    pub const DFN: Tag = Tag(49);
    pub const DIALOG: Tag = Tag(50);
    pub const DIR: Tag = Tag(51);
    pub const DIV: Tag = Tag(52);
    pub const DL: Tag = Tag(53);
    pub const DT: Tag = Tag(54);
    pub const EM: Tag = Tag(55);
    pub const EMBED: Tag = Tag(56);
    pub const SVG_FEBLEND: Tag = Tag(57);
    pub const SVG_FECOLORMATRIX: Tag = Tag(58);
    pub const SVG_FECOMPONENTTRANSFER: Tag = Tag(59);
    pub const SVG_FECOMPOSITE: Tag = Tag(60);
    pub const SVG_FECONVOLVEMATRIX: Tag = Tag(61);
    pub const SVG_FEDIFFUSELIGHTING: Tag = Tag(62);
    pub const SVG_FEDISPLACEMENTMAP: Tag = Tag(63);
    pub const SVG_FEDISTANTLIGHT: Tag = Tag(64);
    pub const SVG_FEDROPSHADOW: Tag = Tag(65);
    pub const SVG_FEFLOOD: Tag = Tag(66);
    pub const SVG_FEFUNCA: Tag = Tag(67);
    pub const SVG_FEFUNCB: Tag = Tag(68);
    pub const SVG_FEFUNCG: Tag = Tag(69);
    pub const SVG_FEFUNCR: Tag = Tag(70);
    pub const SVG_FEGAUSSIANBLUR: Tag = Tag(71);
    pub const SVG_FEIMAGE: Tag = Tag(72);
    pub const SVG_FEMERGE: Tag = Tag(73);
    pub const SVG_FEMERGENODE: Tag = Tag(74);
    pub const SVG_FEMORPHOLOGY: Tag = Tag(75);
    pub const SVG_FEOFFSET: Tag = Tag(76);
    pub const SVG_FEPOINTLIGHT: Tag = Tag(77);
    pub const SVG_FESPECULARLIGHTING: Tag = Tag(78);
    pub const SVG_FESPOTLIGHT: Tag = Tag(79);
    pub const SVG_FETILE: Tag = Tag(80);
    pub const SVG_FETURBULENCE: Tag = Tag(81);
    pub const FEBLEND: Tag = Tag(82);
    pub const FECOLORMATRIX: Tag = Tag(83);
    pub const FECOMPONENTTRANSFER: Tag = Tag(84);
    pub const FECOMPOSITE: Tag = Tag(85);
    pub const FECONVOLVEMATRIX: Tag = Tag(86);
    pub const FEDIFFUSELIGHTING: Tag = Tag(87);
    pub const FEDISPLACEMENTMAP: Tag = Tag(88);
    pub const FEDISTANTLIGHT: Tag = Tag(89);
    pub const FEDROPSHADOW: Tag = Tag(90);
    pub const FEFLOOD: Tag = Tag(91);
    pub const FEFUNCA: Tag = Tag(92);
    pub const FEFUNCB: Tag = Tag(93);
    pub const FEFUNCG: Tag = Tag(94);
    pub const FEFUNCR: Tag = Tag(95);
    pub const FEGAUSSIANBLUR: Tag = Tag(96);
    pub const FEIMAGE: Tag = Tag(97);
    pub const FEMERGE: Tag = Tag(98);
    pub const FEMERGENODE: Tag = Tag(99);
    pub const FEMORPHOLOGY: Tag = Tag(100);
    pub const FEOFFSET: Tag = Tag(101);
    pub const FEPOINTLIGHT: Tag = Tag(102);
    pub const FESPECULARLIGHTING: Tag = Tag(103);
    pub const FESPOTLIGHT: Tag = Tag(104);
    pub const FETILE: Tag = Tag(105);
    pub const FETURBULENCE: Tag = Tag(106);
    pub const FIELDSET: Tag = Tag(107);
    pub const FIGCAPTION: Tag = Tag(108);
    pub const FIGURE: Tag = Tag(109);
    pub const FONT: Tag = Tag(110);
    pub const FOOTER: Tag = Tag(111);
    pub const SVG_FOREIGNOBJECT: Tag = Tag(112);
    pub const FOREIGNOBJECT: Tag = Tag(113);
    pub const FORM: Tag = Tag(114);
    pub const FRAME: Tag = Tag(115);
    pub const FRAMESET: Tag = Tag(116);
    pub const SVG_GLYPHREF: Tag = Tag(117);
    pub const GLYPHREF: Tag = Tag(118);
    pub const H1: Tag = Tag(119);
    pub const H2: Tag = Tag(120);
    pub const H3: Tag = Tag(121);
    pub const H4: Tag = Tag(122);
    pub const H5: Tag = Tag(123);
    pub const H6: Tag = Tag(124);
    pub const HEAD: Tag = Tag(125);
    pub const HEADER: Tag = Tag(126);
    pub const HGROUP: Tag = Tag(127);
    pub const HR: Tag = Tag(128);
    pub const HTML: Tag = Tag(129);
    pub const I: Tag = Tag(130);
    pub const IFRAME: Tag = Tag(131);
    pub const IMAGE: Tag = Tag(132);
    pub const IMG: Tag = Tag(133);
    pub const INPUT: Tag = Tag(134);
    pub const INS: Tag = Tag(135);
    pub const ISINDEX: Tag = Tag(136);
    pub const KBD: Tag = Tag(137);
    pub const KEYGEN: Tag = Tag(138);
    pub const LABEL: Tag = Tag(139);
    pub const LEGEND: Tag = Tag(140);
    pub const LI: Tag = Tag(141);
    pub const SVG_LINEARGRADIENT: Tag = Tag(142);
    pub const LINEARGRADIENT: Tag = Tag(143);
    pub const LINK: Tag = Tag(144);
    pub const LISTING: Tag = Tag(145);
    pub const MAIN: Tag = Tag(146);
    pub const MALIGNMARK: Tag = Tag(147);
    pub const MAP: Tag = Tag(148);
    pub const MARK: Tag = Tag(149);
    pub const MARQUEE: Tag = Tag(150);
    pub const MATH: Tag = Tag(151);
    pub const MENU: Tag = Tag(152);
    pub const META: Tag = Tag(153);
    pub const METER: Tag = Tag(154);
    pub const MFENCED: Tag = Tag(155);
    pub const MGLYPH: Tag = Tag(156);
    pub const MI: Tag = Tag(157);
    pub const MN: Tag = Tag(158);
    pub const MO: Tag = Tag(159);
    pub const MS: Tag = Tag(160);
    pub const MTEXT: Tag = Tag(161);
    pub const MULTICOL: Tag = Tag(162);
    pub const NAV: Tag = Tag(163);
    pub const NEXTID: Tag = Tag(164);
    pub const NOBR: Tag = Tag(165);
    pub const NOEMBED: Tag = Tag(166);
    pub const NOFRAMES: Tag = Tag(167);
    pub const NOSCRIPT: Tag = Tag(168);
    pub const OBJECT: Tag = Tag(169);
    pub const OL: Tag = Tag(170);
    pub const OPTGROUP: Tag = Tag(171);
    pub const OPTION: Tag = Tag(172);
    pub const OUTPUT: Tag = Tag(173);
    pub const P: Tag = Tag(174);
    pub const PARAM: Tag = Tag(175);
    pub const PATH: Tag = Tag(176);
    pub const PICTURE: Tag = Tag(177);
    pub const PLAINTEXT: Tag = Tag(178);
    pub const PRE: Tag = Tag(179);
    pub const PROGRESS: Tag = Tag(180);
    pub const Q: Tag = Tag(181);
    pub const SVG_RADIALGRADIENT: Tag = Tag(182);
    pub const RADIALGRADIENT: Tag = Tag(183);
    pub const RB: Tag = Tag(184);
    pub const RP: Tag = Tag(185);
    pub const RT: Tag = Tag(186);
    pub const RTC: Tag = Tag(187);
    pub const RUBY: Tag = Tag(188);
    pub const S: Tag = Tag(189);
    pub const SAMP: Tag = Tag(190);
    pub const SCRIPT: Tag = Tag(191);
    pub const SEARCH: Tag = Tag(192);
    pub const SECTION: Tag = Tag(193);
    pub const SELECT: Tag = Tag(194);
    pub const SELECTEDCONTENT: Tag = Tag(195);
    pub const SLOT: Tag = Tag(196);
    pub const SMALL: Tag = Tag(197);
    pub const SOURCE: Tag = Tag(198);
    pub const SPACER: Tag = Tag(199);
    pub const SPAN: Tag = Tag(200);
    pub const STRIKE: Tag = Tag(201);
    pub const STRONG: Tag = Tag(202);
    pub const STYLE: Tag = Tag(203);
    pub const SUB: Tag = Tag(204);
    pub const SUMMARY: Tag = Tag(205);
    pub const SUP: Tag = Tag(206);
    pub const SVG: Tag = Tag(207);
    pub const TABLE: Tag = Tag(208);
    pub const TBODY: Tag = Tag(209);
    pub const TD: Tag = Tag(210);
    pub const TEMPLATE: Tag = Tag(211);
    pub const SVG_TEXTPATH: Tag = Tag(212);
    pub const TEXTAREA: Tag = Tag(213);
    pub const TEXTPATH: Tag = Tag(214);
    pub const TFOOT: Tag = Tag(215);
    pub const TH: Tag = Tag(216);
    pub const THEAD: Tag = Tag(217);
    pub const TIME: Tag = Tag(218);
    pub const TITLE: Tag = Tag(219);
    pub const TR: Tag = Tag(220);
    pub const TRACK: Tag = Tag(221);
    pub const TT: Tag = Tag(222);
    pub const U: Tag = Tag(223);
    pub const UL: Tag = Tag(224);
    pub const VAR: Tag = Tag(225);
    pub const VIDEO: Tag = Tag(226);
    pub const WBR: Tag = Tag(227);
    pub const XMP: Tag = Tag(228);
}

/// Words of a [`TagSet`]: one bit per known tag.
const SET_WORDS: usize = (KNOWN_TAGS as usize).div_ceil(64);

/// A set of known tags, built at compile time from their names, tested with a bit lookup:
/// what the walks that visit every node use instead of comparing names. A document's own
/// (interned) names are never in a set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagSet([u64; SET_WORDS]);

impl TagSet {
    /// The set of these names; a name that is not a known tag stops the build (the
    /// constant is evaluated by the compiler).
    pub const fn of(names: &[&str]) -> TagSet {
        let mut bits = [0u64; SET_WORDS];
        let mut i = 0;
        while i < names.len() {
            let t = known_const(names[i]);
            bits[t / 64] |= 1 << (t % 64);
            i += 1;
        }
        TagSet(bits)
    }

    /// The set with `tag` added.
    pub const fn with(self, tag: Tag) -> TagSet {
        let mut bits = self.0;
        let t = tag.0 as usize;
        if t < KNOWN_TAGS as usize {
            bits[t / 64] |= 1 << (t % 64);
        }
        TagSet(bits)
    }

    /// True when `tag` is in the set.
    pub const fn contains(self, tag: Tag) -> bool {
        let t = tag.0 as usize;
        t < KNOWN_TAGS as usize && self.0[t / 64] & (1 << (t % 64)) != 0
    }
}

/// The index of a known tag name, for constants (a linear search: compile time only).
const fn known_const(name: &str) -> usize {
    let mut i = 0;
    while i < TAG_NAMES.len() {
        if bytes_eq(TAG_NAMES[i].as_bytes(), name.as_bytes()) {
            return i;
        }
        i += 1;
    }
    panic!("not a known tag name")
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
