//! Every `unsafe` line of the lexbor binding, and the only place that sees a raw pointer.
//!
//! Rust talks to a small C shim of ours (`shim.c`), not to lexbor's structs. The shim walks
//! lexbor's tree and hands out flat records ([`NhNode`], [`NhAttr`]: a few integers and
//! pointer/length pairs), and it wraps lexbor's token callback. Why a shim instead of
//! `#[repr(C)]` mirrors of `lxb_dom_node_t`, `lxb_dom_element_t`, … walked from Rust:
//! lexbor's structs are large, have conditional members (`LXB_DOM_NODE_USER_VARIABLES`),
//! change between releases and need inline-function logic to read (attribute name ids that
//! are pointers, template contents, SVG name fix-ups); a mirror would be a second copy of
//! that knowledge in `unsafe` Rust. The shim's records are ours, tiny and stable, and their
//! layout is checked against what the C compiler reports (`nh_layout`, tests below). The
//! shim is called once per batch of nodes, not once per node.
//!
//! The safe surface: [`Parser`] (one parse: begin, chunks, end, then the filled batches)
//! and [`Batch`] / [`NodeView`] / [`AttrView`] (borrowed views into lexbor's memory, alive
//! as long as the parser). The token filter is a safe Rust trait ([`TokenFilter`]) called
//! through a trampoline that catches panics (a panic never unwinds into C: the parse stops
//! and the panic resumes after the C call returns).

use std::any::Any;
use std::ffi::c_void;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

/// lexbor's status codes (`lxb_status_t`); 0 is success.
pub(super) type Status = u32;

/// The shim's answers to a token (`NH_FORWARD`, `NH_DROP`, `NH_STOP` in shim.c).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub(super) enum Verdict {
    /// Give the token to the tree builder.
    Forward = 0,
    /// Drop it.
    Drop = 1,
    /// Stop the parse.
    Stop = 2,
}

/// `NH_TOKEN_CLOSE`: an end tag.
pub(super) const TOKEN_CLOSE: u32 = 1;
/// `NH_TOKEN_SELF_CLOSING`: `<tag/>`.
pub(super) const TOKEN_SELF_CLOSING: u32 = 2;

/// lexbor's tag ids below this are tokens, not tags (`LXB_TAG__BEGIN`): text, comment,
/// doctype, end of file.
pub(super) const TAG_BEGIN: usize = 6;

/// The token filter: sees the tokens on their way from the tokenizer to the tree builder
/// (every tag; text, comments and doctypes only now and then, see [`Parser::new`]).
pub(super) trait TokenFilter {
    /// `tag`: lexbor's tag id (below [`TAG_BEGIN`] for text, comments, doctype and end of
    /// file); `flags`: [`TOKEN_CLOSE`], [`TOKEN_SELF_CLOSING`]; `nodes`: nodes created so far.
    fn token(&mut self, tag: usize, flags: u32, nodes: usize) -> Verdict;
}

/// Record kinds of [`NhNode::kind`] (lexbor's node type numbers).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum RawKind {
    Element,
    Text,
    Comment,
    Doctype,
    Fragment,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct NhNode {
    data: *const u8,
    data_len: usize,
    tag: usize,
    kind: u32,
    depth: u32,
    ns: u32,
    attrs: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct NhAttr {
    name: *const u8,
    name_len: usize,
    value: *const u8,
    value_len: usize,
    name_id: usize,
    ns: u32,
    pad: u32,
}

/// The shim's parse state (opaque).
#[repr(C)]
struct NhParse {
    _private: [u8; 0],
}

/// lexbor's `lxb_html_document_t` (opaque).
#[repr(C)]
struct LxbDocument {
    _private: [u8; 0],
}

type FilterFn = extern "C" fn(ctx: *mut c_void, tag: usize, flags: u32, nodes: usize) -> u32;

extern "C" {
    fn nh_doc_new() -> *mut LxbDocument;
    fn nh_doc_destroy(doc: *mut LxbDocument);
    fn nh_parse_new(
        doc: *mut LxbDocument,
        filter: FilterFn,
        ctx: *mut c_void,
        max_attrs: usize,
        max_root_attrs: usize,
        max_nodes: usize,
    ) -> *mut NhParse;
    fn nh_parse_destroy(p: *mut NhParse);
    fn nh_document_begin(p: *mut NhParse) -> Status;
    fn nh_fragment_begin(p: *mut NhParse) -> Status;
    fn nh_chunk(p: *mut NhParse, data: *const u8, len: usize) -> Status;
    fn nh_end(p: *mut NhParse) -> Status;
    fn nh_fill(
        p: *mut NhParse,
        nodes: *mut NhNode,
        cap: usize,
        attrs: *mut NhAttr,
        attr_cap: usize,
        attrs_len: *mut usize,
    ) -> usize;
    #[cfg(test)]
    fn nh_layout(which: u32) -> usize;
    fn nh_tag_last_entry() -> usize;
    fn nh_tag_name(tag: usize, len: *mut usize) -> *const u8;
    fn nh_tag_svg_name(tag: usize, len: *mut usize) -> *const u8;
}

/// Nodes per [`Parser::fill`] batch.
const BATCH_NODES: usize = 512;
/// Attributes per batch: more than one element can have (256 from a start tag or a clone of
/// one, 1024 over all `<html>`/`<body>` tags merged into the root), so a batch always takes
/// at least one whole element.
const BATCH_ATTRS: usize = 2048;

/// The filter and a panic it raised, behind the pointer the shim calls back with.
struct Ctx<F> {
    filter: F,
    panic: Option<Box<dyn Any + Send>>,
}

extern "C" fn trampoline<F: TokenFilter>(ctx: *mut c_void, tag: usize, flags: u32, nodes: usize) -> u32 {
    // SAFETY: `ctx` is the `Box<Ctx<F>>` that `Parser::new` leaked for this parse; the
    // shim calls back only from inside `nh_chunk`/`nh_end`, while `Parser` holds no other
    // reference to it (those calls take `&mut self`).
    let ctx = unsafe { &mut *ctx.cast::<Ctx<F>>() };
    if ctx.panic.is_some() {
        return Verdict::Stop as u32;
    }
    match catch_unwind(AssertUnwindSafe(|| ctx.filter.token(tag, flags, nodes))) {
        Ok(v) => v as u32,
        Err(payload) => {
            ctx.panic = Some(payload);
            Verdict::Stop as u32
        }
    }
}

/// A lexbor document: its memory pools, name tables and parser, reusable by the next
/// parse on the same thread once a parse into it has ended (see `shim.c`'s `nh_parse_new`),
/// with the walk's batch buffers (reused with it).
pub(super) struct Doc {
    raw: NonNull<LxbDocument>,
    nodes: Vec<NhNode>,
    attrs: Vec<NhAttr>,
}

impl Doc {
    /// A fresh document; `None` when out of memory.
    pub(super) fn new() -> Option<Doc> {
        // SAFETY: plain call; the pointer is owned by the returned `Doc`.
        let raw = NonNull::new(unsafe { nh_doc_new() })?;
        Some(Doc {
            raw,
            nodes: Vec::new(),
            attrs: Vec::new(),
        })
    }
}

impl Drop for Doc {
    fn drop(&mut self) {
        // SAFETY: the document came from `nh_doc_new` and no parse uses it any more (a
        // `Parser` owns its `Doc` and destroys its parse state first).
        unsafe { nh_doc_destroy(self.raw.as_ptr()) }
    }
}

/// One lexbor parse (document or fragment) of text borrowed for `'i`, with its filter.
pub(super) struct Parser<'i, F: TokenFilter> {
    raw: NonNull<NhParse>,
    ctx: NonNull<Ctx<F>>,
    /// The document parsed into (`None` once taken back by `into_doc`).
    doc: Option<Doc>,
    /// lexbor may keep pointers into the chunks it was given until the parse ends.
    _input: PhantomData<&'i str>,
}

impl<'i, F: TokenFilter> Parser<'i, F> {
    /// A parse into `doc` whose start tags keep at most `max_attrs` attributes, and all
    /// `<html>` and `<body>` start tags together at most `max_root_attrs`; the filter sees
    /// every tag, every 32nd other token, and every token once more than `max_nodes` nodes
    /// exist. `None` when out of memory.
    pub(super) fn new(
        doc: Doc,
        filter: F,
        max_attrs: usize,
        max_root_attrs: usize,
        max_nodes: usize,
    ) -> Option<Self> {
        let ctx = NonNull::from(Box::leak(Box::new(Ctx { filter, panic: None })));
        // SAFETY: `doc` is a live document this parse owns; the shim stores the document,
        // function and context pointers, which stay valid until `nh_parse_destroy` in `Drop`.
        let raw = unsafe {
            nh_parse_new(
                doc.raw.as_ptr(),
                trampoline::<F>,
                ctx.as_ptr().cast(),
                max_attrs,
                max_root_attrs,
                max_nodes,
            )
        };
        let Some(raw) = NonNull::new(raw) else {
            // SAFETY: the box leaked above, never shared (the shim failed before storing it).
            drop(unsafe { Box::from_raw(ctx.as_ptr()) });
            return None;
        };
        Some(Parser {
            raw,
            ctx,
            doc: Some(doc),
            _input: PhantomData,
        })
    }

    /// Start a document parse.
    pub(super) fn begin_document(&mut self) -> Result<(), Status> {
        // SAFETY: `raw` is a live parse.
        let s = unsafe { nh_document_begin(self.raw.as_ptr()) };
        self.after_call(s)
    }

    /// Start a fragment parse (the content of a `<body>`).
    pub(super) fn begin_fragment(&mut self) -> Result<(), Status> {
        // SAFETY: `raw` is a live parse.
        let s = unsafe { nh_fragment_begin(self.raw.as_ptr()) };
        self.after_call(s)
    }

    /// Feed the next piece of the text.
    pub(super) fn chunk(&mut self, text: &'i str) -> Result<(), Status> {
        // SAFETY: `text` outlives the parse (`'i`); lexbor reads `len` bytes from it.
        let s = unsafe { nh_chunk(self.raw.as_ptr(), text.as_ptr(), text.len()) };
        self.after_call(s)
    }

    /// End the parse (the tree is complete and the walk can start).
    pub(super) fn end(&mut self) -> Result<(), Status> {
        // SAFETY: `raw` is a live parse.
        let s = unsafe { nh_end(self.raw.as_ptr()) };
        self.after_call(s)
    }

    /// Resume a panic the filter raised inside C, else turn the status into a result.
    fn after_call(&mut self, status: Status) -> Result<(), Status> {
        // SAFETY: no C call is running, so nothing else uses the context.
        let ctx = unsafe { self.ctx.as_mut() };
        if let Some(payload) = ctx.panic.take() {
            std::panic::resume_unwind(payload);
        }
        if status == 0 {
            Ok(())
        } else {
            Err(status)
        }
    }

    /// The filter (between C calls).
    pub(super) fn filter(&self) -> &F {
        // SAFETY: no C call is running (`&self` cannot coexist with the `&mut self` ones).
        unsafe { &self.ctx.as_ref().filter }
    }

    /// The document back, for the next parse on this thread. Only after [`Parser::end`]
    /// succeeded: a document whose parse stopped half-way is dropped instead.
    pub(super) fn into_doc(mut self) -> Option<Doc> {
        self.doc.take()
    }

    /// The next batch of the tree walk (after [`Parser::end`]); empty when it is over.
    pub(super) fn fill(&mut self) -> Batch<'_> {
        let Some(doc) = self.doc.as_mut() else {
            return Batch {
                nodes: &[],
                attrs: &[],
                _parser: PhantomData,
            };
        };
        doc.nodes.clear();
        doc.attrs.clear();
        doc.nodes.reserve(BATCH_NODES);
        doc.attrs.reserve(BATCH_ATTRS);
        let mut attrs_len = 0usize;
        // SAFETY: the buffers have room for `BATCH_NODES` / `BATCH_ATTRS` records; the shim
        // writes at most that many and reports how many.
        let n = unsafe {
            nh_fill(
                self.raw.as_ptr(),
                doc.nodes.as_mut_ptr(),
                BATCH_NODES,
                doc.attrs.as_mut_ptr(),
                BATCH_ATTRS,
                &mut attrs_len,
            )
        };
        let n = n.min(BATCH_NODES);
        let attrs_len = attrs_len.min(BATCH_ATTRS);
        // SAFETY: the shim initialised the first `n` / `attrs_len` records.
        unsafe {
            doc.nodes.set_len(n);
            doc.attrs.set_len(attrs_len);
        }
        Batch {
            nodes: &doc.nodes,
            attrs: &doc.attrs,
            _parser: PhantomData,
        }
    }
}

impl<F: TokenFilter> Drop for Parser<'_, F> {
    fn drop(&mut self) {
        // SAFETY: `raw` came from `nh_parse_new` and is destroyed once (it unhooks the token
        // callback and clears the document's pointer to it); the context box was leaked in
        // `new` and is no longer referenced by C after that. The document, if still here,
        // drops after this and is destroyed.
        unsafe {
            nh_parse_destroy(self.raw.as_ptr());
            drop(Box::from_raw(self.ctx.as_ptr()));
        }
    }
}

/// Bytes at `ptr` (lexbor's memory, alive as long as the parse).
fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: the shim hands out pointer/length pairs of lexbor strings, which live in the
    // document's memory pools until `nh_parse_destroy`; the returned lifetime is bounded by
    // the `Batch` (and so the `Parser`) it came from.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

/// A batch of walked nodes, borrowed from the parser.
pub(super) struct Batch<'p> {
    nodes: &'p [NhNode],
    attrs: &'p [NhAttr],
    _parser: PhantomData<&'p ()>,
}

impl<'p> Batch<'p> {
    /// True when the walk is over.
    pub(super) fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The nodes of the batch, in document order.
    pub(super) fn iter(&self) -> impl Iterator<Item = NodeView<'p>> + 'p {
        let attrs = self.attrs;
        let mut at = 0usize;
        self.nodes.iter().map(move |n| {
            let count = n.attrs as usize;
            let own = attrs.get(at..at + count).unwrap_or(&[]);
            at += count;
            NodeView {
                kind: match n.kind {
                    1 => RawKind::Element,
                    3 => RawKind::Text,
                    8 => RawKind::Comment,
                    10 => RawKind::Doctype,
                    _ => RawKind::Fragment,
                },
                depth: n.depth,
                tag: n.tag,
                ns: n.ns,
                data: bytes(n.data, n.data_len),
                attrs: own,
            }
        })
    }
}

/// One walked node.
pub(super) struct NodeView<'p> {
    pub(super) kind: RawKind,
    /// 1 for the top's children.
    pub(super) depth: u32,
    /// lexbor's tag id (elements).
    pub(super) tag: usize,
    /// lexbor's namespace id (elements).
    pub(super) ns: u32,
    /// Text, comment, doctype name, or the name of a tag lexbor has no static id for.
    pub(super) data: &'p [u8],
    attrs: &'p [NhAttr],
}

impl<'p> NodeView<'p> {
    /// The element's attributes.
    pub(super) fn attrs(&self) -> impl Iterator<Item = AttrView<'p>> + 'p {
        self.attrs.iter().map(|a| AttrView {
            name: bytes(a.name, a.name_len),
            value: bytes(a.value, a.value_len),
            name_id: a.name_id,
            ns: a.ns,
        })
    }
}

/// One attribute of a walked element.
pub(super) struct AttrView<'p> {
    /// The local name, as html5ever names it.
    pub(super) name: &'p [u8],
    pub(super) value: &'p [u8],
    /// lexbor's id of the name (stable within the document).
    pub(super) name_id: usize,
    /// lexbor's namespace id.
    pub(super) ns: u32,
}

/// lexbor's first dynamic tag id (ids below are its static table).
pub(super) fn tag_last_entry() -> usize {
    // SAFETY: returns a constant.
    unsafe { nh_tag_last_entry() }
}

/// The names of lexbor's static tag `id`: lowercase, and SVG's case-adjusted one.
pub(super) fn tag_names(id: usize) -> (&'static [u8], &'static [u8]) {
    let (mut l1, mut l2) = (0usize, 0usize);
    // SAFETY: both return pointers into lexbor's static tables (or NULL) and their lengths.
    let (p1, p2) = unsafe { (nh_tag_name(id, &mut l1), nh_tag_svg_name(id, &mut l2)) };
    (bytes(p1, l1), bytes(p2, l2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    fn c(which: u32) -> usize {
        // SAFETY: returns a constant.
        unsafe { nh_layout(which) }
    }

    #[test]
    fn records_have_the_c_layout() {
        assert_eq!(c(0), size_of::<NhNode>());
        assert_eq!(c(1), offset_of!(NhNode, data));
        assert_eq!(c(2), offset_of!(NhNode, data_len));
        assert_eq!(c(3), offset_of!(NhNode, tag));
        assert_eq!(c(4), offset_of!(NhNode, kind));
        assert_eq!(c(5), offset_of!(NhNode, depth));
        assert_eq!(c(6), offset_of!(NhNode, ns));
        assert_eq!(c(7), offset_of!(NhNode, attrs));
        assert_eq!(c(8), size_of::<NhAttr>());
        assert_eq!(c(9), offset_of!(NhAttr, name));
        assert_eq!(c(10), offset_of!(NhAttr, name_len));
        assert_eq!(c(11), offset_of!(NhAttr, value));
        assert_eq!(c(12), offset_of!(NhAttr, value_len));
        assert_eq!(c(13), offset_of!(NhAttr, name_id));
        assert_eq!(c(14), offset_of!(NhAttr, ns));
        assert_eq!(c(15), offset_of!(NhAttr, pad));
        assert_eq!(c(16), usize::MAX);
    }

    #[test]
    fn static_tag_table_is_read() {
        assert!(tag_last_entry() > TAG_BEGIN);
        let names: Vec<_> = (TAG_BEGIN..tag_last_entry()).map(tag_names).collect();
        assert!(names.iter().any(|(l, _)| *l == b"div"));
        assert!(names.iter().any(|(l, s)| *l == b"clippath" && *s == b"clipPath"));
    }
}
