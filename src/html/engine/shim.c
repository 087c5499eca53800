/*
 * newsharvest's C side of the lexbor binding (src/html/engine/ffi.rs is the Rust side).
 *
 * It owns the parts that must read lexbor's own structs, so that Rust never mirrors them:
 *   - nh_parse_*: a document or fragment parse, fed in chunks, with a token callback placed
 *     between lexbor's tokenizer and its tree builder. The callback caps the attributes of
 *     each start tag, asks a Rust filter whether to forward the token (the nesting model and
 *     the node / time budget live in Rust) and forwards it to the tree builder's own callback.
 *   - nh_counted_interface_create: every node lexbor's tree builder creates goes through
 *     lxb_html_interface_create; build.rs renames the callers to this function (a -D on the
 *     command line), so the node count is exact even for nodes no token asked for
 *     (reconstructed formatting elements). The vendored sources stay byte-identical.
 *   - nh_hash_insert: lexbor's name tables (tags, attribute names) are hash tables of 128
 *     buckets that never grow, so N distinct names cost N^2/256 string compares (100,000
 *     distinct attribute names: 4 s; 300,000 on one tag: minutes, inside one token, where
 *     no deadline check can stop it). build.rs renames lexbor_hash_insert's callers to this
 *     function, which grows the table (rehashing the stored names) before inserting.
 *   - nh_str_append: lexbor grows a string by exactly what is appended, so text appended
 *     piece by piece to one text node (the text between tags the nesting cap drops, or
 *     between end tags the tree builder ignores) was copied whole at every piece: quadratic
 *     time, and memory that the pool's cache could not reuse (100,000 pieces: 650 MB).
 *     build.rs renames lexbor_str_append's callers to this function, which doubles a
 *     string that already has text when it must grow.
 *   - nh_parse_new turns lexbor's DOM behaviours off (<option>/<select> steps: quadratic
 *     in the options of a <select>, and not part of the parser's tree) and resets a reused
 *     document; nh_fix_foreign_attrs keeps "href" next to "xlink:href" as html5ever does.
 *   - nh_fill: the finished tree walked in document order into flat, plain records (nh_node,
 *     nh_attr) that Rust copies into its arena. `<template>` contents come as a fragment
 *     record, the template's first child, as html5ever/scraper build them.
 *   - nh_layout / nh_tag_*: sizes, offsets and lexbor's tag tables, for Rust's layout tests
 *     and its tag-id map.
 * Nothing here allocates except through lexbor; nh_parse_destroy frees the parse state and
 * nh_doc_destroy the document (which Rust may keep for the next parse on the thread).
 */

/* build.rs renames three lexbor functions in every lexbor file (-D) so that the calls land
 * here; in this file the names mean lexbor's own functions again, defined by the vendored
 * html/interface.c, core/hash.c and core/str.c included below (build.rs leaves them out of
 * its list). */
#undef lxb_html_interface_create
#undef lexbor_hash_insert
#undef lexbor_str_append

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lexbor/html/interfaces/document.h"
#include "lexbor/html/interfaces/template_element.h"
#include "lexbor/html/interface.h"
#include "lexbor/html/parser.h"
#include "lexbor/html/tokenizer.h"
#include "lexbor/html/token.h"
#include "lexbor/html/tag.h"
#include "lexbor/dom/interfaces/attr.h"
#include "lexbor/dom/interfaces/character_data.h"
#include "lexbor/dom/interfaces/document_fragment.h"
#include "lexbor/dom/interfaces/document_type.h"
#include "lexbor/dom/interfaces/element.h"

#include "lexbor/html/interface.c"
#include "lexbor/core/hash.c"
#include "lexbor/core/str.c"

/* What the Rust filter answers for a token. */
#define NH_FORWARD 0u
#define NH_DROP 1u
#define NH_STOP 2u

/* Text, comment and doctype tokens forwarded without asking the filter, in a row: the
 * filter sees every tag, every NH_QUIET_TOKENS-th other token (its clock check) and any
 * token once the node cap is passed. */
#define NH_QUIET_TOKENS 32u

/* Token flags passed to the filter. */
#define NH_TOKEN_CLOSE 1u
#define NH_TOKEN_SELF_CLOSING 2u

/* Kinds of nh_node records: lexbor's node type numbers. */
#define NH_ELEMENT 1u
#define NH_TEXT 3u
#define NH_COMMENT 8u
#define NH_DOCTYPE 10u
#define NH_FRAGMENT 11u

/*
 * The Rust filter: sees every token (tag id, NH_TOKEN_* flags, nodes created so far) and
 * answers NH_FORWARD, NH_DROP or NH_STOP.
 */
typedef uint32_t (*nh_filter_f)(void *ctx, uintptr_t tag_id, uint32_t flags, size_t nodes);

/* One node of the finished tree, in document order. */
typedef struct {
    /* Text of a text or comment node, the name of a doctype, or the name of an element
     * whose tag lexbor does not know (tag >= nh_tag_last_entry()); else NULL. */
    const lxb_char_t *data;
    size_t data_len;
    /* lexbor's tag id (elements). */
    uintptr_t tag;
    /* NH_ELEMENT, NH_TEXT, NH_COMMENT, NH_DOCTYPE or NH_FRAGMENT. */
    uint32_t kind;
    /* 1 for the children of the walk's top. */
    uint32_t depth;
    /* lexbor's namespace id (elements). */
    uint32_t ns;
    /* How many nh_attr records follow for this element. */
    uint32_t attrs;
} nh_node;

/* One attribute of an element, named as html5ever names it. */
typedef struct {
    const lxb_char_t *name;
    size_t name_len;
    /* NULL for an attribute without a value. */
    const lxb_char_t *value;
    size_t value_len;
    /* lexbor's id of the name (the same name has the same id in one document). */
    uintptr_t name_id;
    /* lexbor's namespace id: the element's for a plain attribute, XLINK/XML/XMLNS for an
     * adjusted foreign one. */
    uint32_t ns;
    uint32_t pad;
} nh_attr;

/* One parse: the document, its parser hooks and the walk over the result. */
typedef struct {
    lxb_html_document_t *doc;
    lxb_html_tokenizer_t *tkz;
    /* The tree builder's token callback, which ours wraps. */
    lxb_html_tokenizer_token_f tree_cb;
    void *tree_ctx;
    nh_filter_f filter;
    void *filter_ctx;
    /* Attributes kept on one start tag. */
    size_t max_attrs;
    /* Attributes still allowed over all <html> and <body> start tags. */
    size_t root_attrs_left;
    /* Nodes lexbor created (nh_counted_interface_create), and the cap the filter enforces. */
    size_t created;
    size_t max_nodes;
    /* Text, comment and doctype tokens since the filter last saw one. */
    uint32_t quiet;
    int fragment;
    /* The fragment parse's <html> root. */
    lxb_dom_node_t *fragment_root;
    /* The walk over the subtree of `top`: the next node to emit and its depth. */
    lxb_dom_node_t *top;
    lxb_dom_node_t *node;
    uint32_t depth;
} nh_parse;

static lxb_dom_node_t *
nh_first_child(lxb_dom_node_t *node);

/* What lexbor's files call instead of lxb_html_interface_create (build.rs's -D): counts
 * the node, then creates it. */
lxb_dom_interface_t *
nh_counted_interface_create(lxb_html_document_t *document, lxb_tag_id_t tag_id,
                            lxb_ns_id_t ns);

lxb_dom_interface_t *
nh_counted_interface_create(lxb_html_document_t *document, lxb_tag_id_t tag_id,
                            lxb_ns_id_t ns)
{
    lxb_dom_document_t *owner = lxb_html_document_original_ref(document);

    if (owner != NULL && owner->user != NULL) {
        ((nh_parse *) owner->user)->created++;
    }

    return lxb_html_interface_create(document, tag_id, ns);
}

/* Entries per bucket before a name table grows, and by how much it grows. */
#define NH_HASH_LOAD 4
#define NH_HASH_GROWTH 8

/* Rehash every entry into a table NH_HASH_GROWTH times larger. Every insert mode of lexbor
 * (raw, lower, upper) hashes the key as it stores it, so lexbor_hash_make_id of the stored
 * string is the entry's hash. Out of memory: the old table stays (slower, still correct). */
static void
nh_hash_grow(lexbor_hash_t *hash)
{
    size_t size = hash->table_size * NH_HASH_GROWTH;
    lexbor_hash_entry_t **table = lexbor_calloc(size, sizeof(lexbor_hash_entry_t *));

    if (table == NULL) {
        return;
    }

    for (size_t i = 0; i < hash->table_size; i++) {
        lexbor_hash_entry_t *entry = hash->table[i];

        while (entry != NULL) {
            lexbor_hash_entry_t *next = entry->next;
            size_t idx = lexbor_hash_make_id(lexbor_hash_entry_str(entry), entry->length)
                         % size;

            entry->next = table[idx];
            table[idx] = entry;
            entry = next;
        }
    }

    lexbor_free(hash->table);
    hash->table = table;
    hash->table_size = size;
}

/* What lexbor's files call instead of lexbor_hash_insert (build.rs's -D). */
void *
nh_hash_insert(lexbor_hash_t *hash, const lexbor_hash_insert_t *insert,
               const lxb_char_t *key, size_t length);

void *
nh_hash_insert(lexbor_hash_t *hash, const lexbor_hash_insert_t *insert,
               const lxb_char_t *key, size_t length)
{
    if (lexbor_dobject_allocated(hash->entries) >= hash->table_size * NH_HASH_LOAD) {
        nh_hash_grow(hash);
    }

    return lexbor_hash_insert(hash, insert, key, length);
}

/* What lexbor's files call instead of lexbor_str_append (build.rs's -D): the same, but a
 * string that already holds text grows to at least twice its length, so appending N pieces
 * copies O(N) bytes in all, not O(N^2). A first fill (an empty string) takes what it needs,
 * as before: most strings are written once. */
lxb_char_t *
nh_str_append(lexbor_str_t *str, lexbor_mraw_t *mraw, const lxb_char_t *buff, size_t length);

lxb_char_t *
nh_str_append(lexbor_str_t *str, lexbor_mraw_t *mraw, const lxb_char_t *buff, size_t length)
{
    size_t need, want;
    lxb_char_t *data;

    if (length == 0) {
        return str->data;
    }
    if (str->length > (SIZE_MAX / 2) - length - 1) {
        return NULL;
    }
    need = str->length + length + 1;
    if (str->data == NULL || need > lexbor_str_size(str)) {
        want = need;
        if (str->data != NULL && str->length > 0) {
            want += str->length;
        }
        data = str->data == NULL ? lexbor_mraw_alloc(mraw, want)
                                 : lexbor_mraw_realloc(mraw, str->data, want);
        if (data == NULL) {
            return NULL;
        }
        str->data = data;
    }
    data = &str->data[str->length];
    memcpy(data, buff, length);
    str->length += length;
    str->data[str->length] = '\0';

    return data;
}

static int
nh_is_tag(uintptr_t tag_id)
{
    return tag_id >= LXB_TAG__BEGIN;
}

/* Keep the first `keep` attributes of a start tag; returns how many it has now. */
static size_t
nh_cap_attrs(lxb_html_token_t *token, size_t keep)
{
    size_t n = 0;
    lxb_html_token_attr_t *attr = token->attr_first;

    if (keep == 0) {
        token->attr_first = NULL;
        token->attr_last = NULL;
        return 0;
    }

    while (attr != NULL) {
        n++;
        if (n == keep) {
            attr->next = NULL;
            token->attr_last = attr;
            break;
        }
        attr = attr->next;
    }

    return n;
}

/* The local part of an attribute name that the tree builder may turn into a namespaced
 * attribute in SVG/MathML ("href" of "xlink:href", "lang" of "xml:lang", "xlink" of
 * "xmlns:xlink"); NULL for other names. */
static const lxb_char_t *
nh_foreign_local(const lxb_html_token_attr_t *attr, size_t *len)
{
    static const char *const prefixes[] = {"xlink:", "xml:", "xmlns:"};
    const lxb_char_t *name;
    size_t name_len;

    if (attr->name == NULL) {
        return NULL;
    }

    name = lexbor_hash_entry_str(&attr->name->entry);
    name_len = attr->name->entry.length;

    if (name_len < 5 || name[0] != 'x') {
        return NULL;
    }

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t plen = strlen(prefixes[i]);

        if (name_len > plen && memcmp(name, prefixes[i], plen) == 0) {
            *len = name_len - plen;
            return name + plen;
        }
    }

    return NULL;
}

static int
nh_attr_named(const lxb_html_token_attr_t *attr, const lxb_char_t *name, size_t len)
{
    return attr->name != NULL && attr->name->entry.length == len
           && memcmp(lexbor_hash_entry_str(&attr->name->entry), name, len) == 0;
}

static void
nh_unlink_attr(lxb_html_token_t *token, lxb_html_token_attr_t *attr)
{
    if (attr->prev != NULL) {
        attr->prev->next = attr->next;
    }
    else {
        token->attr_first = attr->next;
    }

    if (attr->next != NULL) {
        attr->next->prev = attr->prev;
    }
    else {
        token->attr_last = attr->prev;
    }

    attr->next = NULL;
    attr->prev = NULL;
}

static void
nh_append_attr(lxb_html_token_t *token, lxb_html_token_attr_t *attr)
{
    attr->prev = token->attr_last;
    attr->next = NULL;

    if (token->attr_last != NULL) {
        token->attr_last->next = attr;
    }
    else {
        token->attr_first = attr;
    }

    token->attr_last = attr;
}

/*
 * Make lexbor keep the attributes html5ever keeps when a tag has "xlink:href" (or another
 * name the tree builder namespaces in SVG/MathML) as well as "href". lexbor's tree builder
 * drops a token attribute whose name equals the local name of one it already added, and an
 * adjusted "xlink:href" has the local name "href": so "xlink:href" before "href" loses the
 * "href", and a repeated "xlink:href" is kept twice. Here, a repeated prefixed name is
 * dropped (the first wins, as everywhere in HTML), and a prefixed attribute followed by
 * one named like its local part moves to the end (its namespace keeps the two apart; only
 * the order of such attributes changes). Tags without prefixed names (nearly all) cost one
 * scan of their attribute names.
 */
static void
nh_fix_foreign_attrs(lxb_html_token_t *token)
{
    lxb_html_token_attr_t *attr, *next, *stop = NULL;
    const lxb_char_t *local;
    size_t len;
    int prefixed = 0;

    /* Drop repeated prefixed names (source order: nothing has moved yet). */
    for (attr = token->attr_first; attr != NULL; attr = next) {
        next = attr->next;
        if (nh_foreign_local(attr, &len) == NULL) {
            continue;
        }
        prefixed = 1;
        for (lxb_html_token_attr_t *a = token->attr_first; a != attr; a = a->next) {
            if (a->name == attr->name) {
                nh_unlink_attr(token, attr);
                break;
            }
        }
    }

    if (!prefixed) {
        return;
    }

    /* Move each prefixed attribute followed by its local name to the end, in order. */
    for (attr = token->attr_first; attr != NULL && attr != stop; attr = next) {
        next = attr->next;
        local = nh_foreign_local(attr, &len);
        if (local == NULL) {
            continue;
        }
        for (lxb_html_token_attr_t *a = next; a != NULL; a = a->next) {
            if (nh_attr_named(a, local, len)) {
                nh_unlink_attr(token, attr);
                nh_append_attr(token, attr);
                if (stop == NULL) {
                    stop = attr;
                }
                break;
            }
        }
    }
}

static lxb_html_token_t *
nh_token_cb(lxb_html_tokenizer_t *tkz, lxb_html_token_t *token, void *ctx)
{
    nh_parse *p = ctx;
    uint32_t flags = 0;
    uint32_t verdict;

    if (!nh_is_tag(token->tag_id)) {
        if (++p->quiet < NH_QUIET_TOKENS && p->created <= p->max_nodes) {
            return p->tree_cb(tkz, token, p->tree_ctx);
        }
        p->quiet = 0;
    }
    else {
        if (token->type & LXB_HTML_TOKEN_TYPE_CLOSE) {
            flags |= NH_TOKEN_CLOSE;
        }
        else {
            if (token->tag_id == LXB_TAG_HTML || token->tag_id == LXB_TAG_BODY) {
                size_t keep = p->max_attrs < p->root_attrs_left ? p->max_attrs
                                                                : p->root_attrs_left;
                p->root_attrs_left -= nh_cap_attrs(token, keep);
            }
            else if (token->attr_first != NULL) {
                (void) nh_cap_attrs(token, p->max_attrs);
            }
            if (token->attr_first != NULL) {
                nh_fix_foreign_attrs(token);
            }
        }
        if (token->type & LXB_HTML_TOKEN_TYPE_CLOSE_SELF) {
            flags |= NH_TOKEN_SELF_CLOSING;
        }
    }

    verdict = p->filter(p->filter_ctx, token->tag_id, flags, p->created);
    if (verdict == NH_DROP) {
        return token;
    }
    if (verdict == NH_STOP) {
        tkz->status = LXB_STATUS_ABORTED;
        return NULL;
    }

    return p->tree_cb(tkz, token, p->tree_ctx);
}

static void
nh_hook(nh_parse *p)
{
    lxb_html_parser_t *parser = p->doc->dom_document.parser;

    p->tkz = parser->tkz;
    p->tree_cb = p->tkz->callback_token_done;
    p->tree_ctx = p->tkz->callback_token_ctx;
    lxb_html_tokenizer_callback_token_done_set(p->tkz, nh_token_cb, p);
}

static void
nh_unhook(nh_parse *p)
{
    if (p->tkz != NULL) {
        lxb_html_tokenizer_callback_token_done_set(p->tkz, p->tree_cb, p->tree_ctx);
        p->tkz = NULL;
    }
}

/* No "pop" steps for any element (see nh_parse_new): a table of NULLs. */
static const lxb_html_document_open_elements_pop_f nh_no_pop[LXB_TAG__LAST_ENTRY];

/* A new lexbor document, or NULL when out of memory. */
lxb_html_document_t *
nh_doc_new(void)
{
    return lxb_html_document_create();
}

void
nh_doc_destroy(lxb_html_document_t *doc)
{
    (void) lxb_html_document_destroy(doc);
}

/*
 * A new parse into `doc` (fresh, or one whose last parse ended and was walked: its memory
 * pools, name tables and parser are reused, which saves allocations and page faults), or
 * NULL when out of memory. The parse does not own the document.
 */
nh_parse *
nh_parse_new(lxb_html_document_t *doc, nh_filter_f filter, void *filter_ctx,
             size_t max_attrs, size_t max_root_attrs, size_t max_nodes)
{
    nh_parse *p = lexbor_calloc(1, sizeof(nh_parse));

    if (p == NULL) {
        return NULL;
    }

    /* Back to an empty document (the tree of the last parse goes; pools stay allocated).
     * The compatibility mode is not reset by lexbor's clean. */
    lxb_html_document_clean(doc);
    doc->dom_document.compat_mode = LXB_DOM_DOCUMENT_CMODE_NO_QUIRKS;
    /* html5ever's default: <noscript> content is raw text, as in a browser. */
    doc->dom_document.scripting = true;
    doc->dom_document.user = p;
    /* No DOM behaviours during the parse, only the parser's tree (html5ever runs none):
     * lexbor's HTML documents run <option>/<select> steps on every insertion, attribute
     * change and pop of an option (selectedness: quadratic in the options of a <select>,
     * 20,000 options take 1 s; and cloning the selected option into <selectedcontent>,
     * which changes the tree). */
    lxb_dom_document_mutation_init(&doc->dom_document);
    doc->open_pop = nh_no_pop;

    p->doc = doc;
    p->filter = filter;
    p->filter_ctx = filter_ctx;
    p->max_attrs = max_attrs;
    p->root_attrs_left = max_root_attrs;
    p->max_nodes = max_nodes;

    return p;
}

void
nh_parse_destroy(nh_parse *p)
{
    if (p == NULL) {
        return;
    }

    nh_unhook(p);
    p->doc->dom_document.user = NULL;
    lexbor_free(p);
}

lxb_status_t
nh_document_begin(nh_parse *p)
{
    lxb_status_t status = lxb_html_document_parse_chunk_begin(p->doc);

    if (status == LXB_STATUS_OK) {
        nh_hook(p);
    }

    return status;
}

/* Parse as the content of a <body> (html5ever's fragment default). */
lxb_status_t
nh_fragment_begin(nh_parse *p)
{
    lxb_status_t status;
    lxb_dom_element_t *body;

    body = lxb_dom_document_create_element(&p->doc->dom_document,
                                           (const lxb_char_t *) "body", 4, NULL);
    if (body == NULL) {
        return LXB_STATUS_ERROR_MEMORY_ALLOCATION;
    }

    status = lxb_html_document_parse_fragment_chunk_begin(p->doc, body);
    if (status == LXB_STATUS_OK) {
        p->fragment = 1;
        nh_hook(p);
    }

    return status;
}

lxb_status_t
nh_chunk(nh_parse *p, const lxb_char_t *data, size_t len)
{
    if (p->fragment) {
        return lxb_html_document_parse_fragment_chunk(p->doc, data, len);
    }

    return lxb_html_document_parse_chunk(p->doc, data, len);
}

lxb_status_t
nh_end(nh_parse *p)
{
    lxb_status_t status = LXB_STATUS_OK;

    if (p->fragment) {
        p->fragment_root = lxb_html_document_parse_fragment_chunk_end(p->doc);
        if (p->fragment_root == NULL) {
            status = LXB_STATUS_ERROR;
        }
    }
    else {
        status = lxb_html_document_parse_chunk_end(p->doc);
    }

    nh_unhook(p);

    if (status == LXB_STATUS_OK) {
        /* The walk: a fragment's <html> root at depth 1, or a document's children. */
        if (p->fragment) {
            p->top = p->fragment_root;
            p->node = p->top;
        }
        else {
            p->top = lxb_dom_interface_node(p->doc);
            p->node = nh_first_child(p->top);
        }
        p->depth = 1;
    }

    return status;
}

static int
nh_is_template(const lxb_dom_node_t *node)
{
    return node->type == LXB_DOM_NODE_TYPE_ELEMENT
           && node->local_name == LXB_TAG_TEMPLATE && node->ns == LXB_NS_HTML;
}

/* A template's content fragment (the fragment's host is the template). */
static int
nh_is_content(const lxb_dom_node_t *node)
{
    return node->type == LXB_DOM_NODE_TYPE_DOCUMENT_FRAGMENT
           && ((const lxb_dom_document_fragment_t *) node)->host != NULL;
}

/* The walk's view of the tree: a template's first child is its content fragment, whose
 * next sibling is the template's own first child. */
static lxb_dom_node_t *
nh_first_child(lxb_dom_node_t *node)
{
    if (nh_is_template(node)) {
        return lxb_dom_interface_node(
            ((lxb_html_template_element_t *) node)->content);
    }

    return node->first_child;
}

static lxb_dom_node_t *
nh_next_sibling(lxb_dom_node_t *node)
{
    if (nh_is_content(node)) {
        return ((lxb_dom_document_fragment_t *) node)->host->node.first_child;
    }

    return node->next;
}

static lxb_dom_node_t *
nh_parent(lxb_dom_node_t *node)
{
    if (nh_is_content(node)) {
        return lxb_dom_interface_node(((lxb_dom_document_fragment_t *) node)->host);
    }

    return node->parent;
}

/* Move the walk to the next node in document order (past the subtree unless `descend`). */
static void
nh_advance(nh_parse *p, int descend)
{
    lxb_dom_node_t *node = p->node;
    lxb_dom_node_t *next = descend ? nh_first_child(node) : NULL;

    if (next != NULL) {
        p->node = next;
        p->depth++;
        return;
    }

    for (;;) {
        if (node == p->top) {
            p->node = NULL;
            return;
        }

        next = nh_next_sibling(node);
        if (next != NULL) {
            p->node = next;
            return;
        }

        node = nh_parent(node);
        p->depth--;
        if (node == NULL) {
            p->node = NULL;
            return;
        }
    }
}

static size_t
nh_count_attrs(const lxb_dom_element_t *el)
{
    size_t n = 0;

    for (const lxb_dom_attr_t *a = el->first_attr; a != NULL; a = a->next) {
        n++;
    }

    return n;
}

static void
nh_attr_record(const lxb_dom_attr_t *a, nh_attr *out)
{
    const lxb_dom_attr_data_t *data;
    lxb_dom_attr_id_t id;

    /* html5ever's local name: "href" of xlink:href (lexbor's local name), "viewBox" of an
     * SVG attribute (lexbor's qualified name, set only when the case is adjusted), else
     * the lowercase name. */
    if (a->node.ns >= LXB_NS_XLINK || a->qualified_name == 0) {
        id = a->node.local_name;
    }
    else {
        id = a->qualified_name;
    }

    data = lxb_dom_attr_data_by_id(a->node.owner_document->attrs, id);
    if (data != NULL) {
        out->name = lexbor_hash_entry_str(&data->entry);
        out->name_len = data->entry.length;
    }
    else {
        out->name = NULL;
        out->name_len = 0;
    }

    out->name_id = id;
    out->ns = (uint32_t) a->node.ns;
    out->pad = 0;

    if (a->value != NULL && a->value->data != NULL) {
        out->value = a->value->data;
        out->value_len = a->value->length;
    }
    else {
        out->value = NULL;
        out->value_len = 0;
    }
}

/*
 * Continue the walk: up to `cap` nodes into `nodes` and their attributes into `attrs`
 * (up to `attr_cap`, written count in *attrs_len). Returns the number of nodes written;
 * 0 when the walk is over. An element whose attributes do not fit ends the batch (and is
 * truncated to `attr_cap` only when it alone does not fit).
 */
size_t
nh_fill(nh_parse *p, nh_node *nodes, size_t cap, nh_attr *attrs, size_t attr_cap,
        size_t *attrs_len)
{
    size_t n = 0, a = 0;

    while (p->node != NULL && n < cap) {
        lxb_dom_node_t *node = p->node;
        nh_node *out = &nodes[n];

        out->data = NULL;
        out->data_len = 0;
        out->tag = 0;
        out->ns = 0;
        out->attrs = 0;
        out->depth = p->depth;

        switch (node->type) {
            case LXB_DOM_NODE_TYPE_ELEMENT: {
                lxb_dom_element_t *el = lxb_dom_interface_element(node);
                size_t count = nh_count_attrs(el);

                if (a + count > attr_cap) {
                    if (n > 0) {
                        goto done;
                    }
                    count = attr_cap;
                }

                out->kind = NH_ELEMENT;
                out->tag = node->local_name;
                out->ns = (uint32_t) node->ns;

                if (node->local_name >= LXB_TAG__LAST_ENTRY) {
                    out->data = lxb_dom_element_local_name(el, &out->data_len);
                }

                size_t i = 0;
                for (const lxb_dom_attr_t *at = el->first_attr; at != NULL && i < count;
                     at = at->next, i++)
                {
                    nh_attr_record(at, &attrs[a + i]);
                }
                a += count;
                out->attrs = (uint32_t) count;
                break;
            }

            case LXB_DOM_NODE_TYPE_TEXT:
            case LXB_DOM_NODE_TYPE_CDATA_SECTION:
            case LXB_DOM_NODE_TYPE_COMMENT: {
                const lxb_dom_character_data_t *cd = (const lxb_dom_character_data_t *) node;

                out->kind = node->type == LXB_DOM_NODE_TYPE_COMMENT ? NH_COMMENT : NH_TEXT;
                out->data = cd->data.data;
                out->data_len = cd->data.length;
                break;
            }

            case LXB_DOM_NODE_TYPE_DOCUMENT_TYPE:
                out->kind = NH_DOCTYPE;
                out->data = lxb_dom_document_type_name(
                    (lxb_dom_document_type_t *) node, &out->data_len);
                break;

            case LXB_DOM_NODE_TYPE_DOCUMENT_FRAGMENT:
                out->kind = NH_FRAGMENT;
                break;

            default:
                /* Processing instructions and the like: the HTML parser makes none. Skip
                 * the node and its subtree. */
                out->kind = 0;
                break;
        }

        if (out->kind == 0) {
            nh_advance(p, 0);
            continue;
        }

        n++;
        nh_advance(p, 1);
    }

done:
    *attrs_len = a;
    return n;
}

/* Sizes and offsets of the records, for the Rust layout tests. */
size_t
nh_layout(uint32_t which)
{
    switch (which) {
        case 0: return sizeof(nh_node);
        case 1: return offsetof(nh_node, data);
        case 2: return offsetof(nh_node, data_len);
        case 3: return offsetof(nh_node, tag);
        case 4: return offsetof(nh_node, kind);
        case 5: return offsetof(nh_node, depth);
        case 6: return offsetof(nh_node, ns);
        case 7: return offsetof(nh_node, attrs);
        case 8: return sizeof(nh_attr);
        case 9: return offsetof(nh_attr, name);
        case 10: return offsetof(nh_attr, name_len);
        case 11: return offsetof(nh_attr, value);
        case 12: return offsetof(nh_attr, value_len);
        case 13: return offsetof(nh_attr, name_id);
        case 14: return offsetof(nh_attr, ns);
        case 15: return offsetof(nh_attr, pad);
        default: return (size_t) -1;
    }
}

/* lexbor's first dynamic tag id: ids below it are its static table. */
uintptr_t
nh_tag_last_entry(void)
{
    return LXB_TAG__LAST_ENTRY;
}

/* The lowercase name of a static tag id (NULL when none). */
const lxb_char_t *
nh_tag_name(uintptr_t tag_id, size_t *len)
{
    *len = 0;
    if (tag_id >= LXB_TAG__LAST_ENTRY) {
        return NULL;
    }

    return lxb_tag_name_by_id(tag_id, len);
}

/* The case-adjusted name of a static tag id inside SVG ("clipPath"), or NULL. */
const lxb_char_t *
nh_tag_svg_name(uintptr_t tag_id, size_t *len)
{
    const lxb_html_tag_fixname_t *fix = lxb_html_tag_fixname_svg(tag_id);

    *len = 0;
    if (fix == NULL || fix->name == NULL) {
        return NULL;
    }

    *len = fix->len;
    return fix->name;
}
