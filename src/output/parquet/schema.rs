//! The Parquet schema of a [`crate::Record`], declared once as data ([`RECORD`]): typed
//! columns with the record's JSON field names, lists of strings, a map, nested structs.
//! From it come the Parquet message type ([`message_type`]), the leaf columns the shredder
//! fills, and the table of docs/output.md (a test keeps the two in step). It does not read
//! or write records (see `columns.rs`).
//!
//! A field added to `Record` must be added here too: a record with a field this schema
//! does not have is refused when encoded, and the round-trip test of `output::parquet`
//! (every field of a fully populated record) fails until it is.

use ::parquet::basic::{LogicalType, Repetition, Type as Physical};
use ::parquet::errors::ParquetError;
use ::parquet::schema::types::{Type, TypePtr};
use std::sync::Arc;

/// The type of a field.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A UTF-8 string (`BYTE_ARRAY`, logical type `STRING`).
    Str,
    /// An unsigned 16-bit integer (`INT32`, logical type `INTEGER(16, false)`).
    U16,
    /// An unsigned 32-bit integer (`INT32`, logical type `INTEGER(32, false)`).
    U32,
    /// An unsigned 64-bit integer (`INT64`, logical type `INTEGER(64, false)`).
    U64,
    /// A list of non-null elements (`LIST`, the standard three levels:
    /// `<name> { repeated group list { required element } }`).
    List(&'static Kind),
    /// A map from strings to non-null values (`MAP`:
    /// `<name> { repeated group key_value { required key; required value } }`).
    Map(&'static Kind),
    /// A nested struct.
    Struct(&'static [Field]),
}

/// One named field of a struct (or of the record itself).
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The name: the JSON field name of the record.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// May it be null (or absent in the JSON)?
    pub nullable: bool,
}

const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        nullable: false,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        nullable: true,
    }
}

/// The name of a list's repeated group and of its element (the Parquet LIST convention,
/// which pyarrow, DuckDB, Polars and Spark read as a list).
pub const LIST_GROUP: &str = "list";
/// See [`LIST_GROUP`].
pub const LIST_ELEMENT: &str = "element";
/// The name of a map's repeated group and of its key and value (the Parquet MAP convention).
pub const MAP_GROUP: &str = "key_value";
/// See [`MAP_GROUP`].
pub const MAP_KEY: &str = "key";
/// See [`MAP_GROUP`].
pub const MAP_VALUE: &str = "value";

/// `extraction.explain[]`: a removed text and its rule.
const REMOVAL: &[Field] = &[req("rule", Kind::Str), req("text", Kind::Str)];

/// `images[]`: an image of the body.
const IMAGE: &[Field] = &[
    req("url", Kind::Str),
    opt("alt", Kind::Str),
    opt("caption", Kind::Str),
];

/// `extraction`: how the article was found and what the cleaner removed.
const EXTRACTION: &[Field] = &[
    req("method", Kind::Str),
    req("removed", Kind::Map(&Kind::U32)),
    opt("explain", Kind::List(&Kind::Struct(REMOVAL))),
    req("charset", Kind::Str),
    req("page_type_evidence", Kind::List(&Kind::Str)),
];

/// `http`: the response of a crawled record.
const HTTP: &[Field] = &[
    req("status", Kind::U16),
    opt("content_type", Kind::Str),
    opt("charset", Kind::Str),
    opt("etag", Kind::Str),
    opt("last_modified", Kind::Str),
];

/// `crawl`: how the crawler reached the page.
const CRAWL: &[Field] = &[req("discovered_via", Kind::Str), req("depth", Kind::U32)];

/// `duplicate_of`: the record whose text this one repeats.
const DUPLICATE_OF: &[Field] = &[req("id", Kind::Str), req("url", Kind::Str)];

/// The record (schema v1), in the order of `Record`'s fields.
pub const RECORD: &[Field] = &[
    req("id", Kind::Str),
    opt("url", Kind::Str),
    opt("canonical_url", Kind::Str),
    opt("source_domain", Kind::Str),
    opt("site_name", Kind::Str),
    opt("title", Kind::Str),
    req("page_type", Kind::Str),
    req("text", Kind::Str),
    opt("markdown", Kind::Str),
    opt("article_html", Kind::Str),
    req("authors", Kind::List(&Kind::Str)),
    opt("date_published", Kind::Str),
    opt("date_published_source", Kind::Str),
    opt("date_modified", Kind::Str),
    opt("date_modified_source", Kind::Str),
    opt("language", Kind::Str),
    opt("description", Kind::Str),
    opt("image_url", Kind::Str),
    req("images", Kind::List(&Kind::Struct(IMAGE))),
    opt("section", Kind::Str),
    req("tags", Kind::List(&Kind::Str)),
    req("breadcrumbs", Kind::List(&Kind::Str)),
    req("word_count", Kind::U64),
    req("content_hash", Kind::Str),
    opt("source_path", Kind::Str),
    req("extraction", Kind::Struct(EXTRACTION)),
    req("schema_version", Kind::U32),
    opt("date_fetched", Kind::Str),
    opt("http", Kind::Struct(HTTP)),
    opt("crawl", Kind::Struct(CRAWL)),
    opt("revision", Kind::U32),
    opt("duplicate_of", Kind::Struct(DUPLICATE_OF)),
];

/// The name of the Parquet message (the root group).
const MESSAGE: &str = "record";

impl Kind {
    /// Leaf columns under a value of this kind.
    pub fn leaves(self) -> usize {
        match self {
            Kind::Str | Kind::U16 | Kind::U32 | Kind::U64 => 1,
            Kind::List(element) => element.leaves(),
            Kind::Map(value) => 1 + value.leaves(),
            Kind::Struct(fields) => fields.iter().map(|f| f.kind.leaves()).sum(),
        }
    }
}

/// The Parquet message type of [`RECORD`].
pub fn message_type() -> Result<TypePtr, ParquetError> {
    let fields = RECORD
        .iter()
        .map(|f| field_type(f.name, f.kind, repetition(f.nullable)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Arc::new(
        Type::group_type_builder(MESSAGE).with_fields(fields).build()?,
    ))
}

fn repetition(nullable: bool) -> Repetition {
    if nullable {
        Repetition::OPTIONAL
    } else {
        Repetition::REQUIRED
    }
}

fn field_type(name: &str, kind: Kind, rep: Repetition) -> Result<TypePtr, ParquetError> {
    let leaf = |physical, logical| {
        Type::primitive_type_builder(name, physical)
            .with_repetition(rep)
            .with_logical_type(Some(logical))
            .build()
            .map(Arc::new)
    };
    match kind {
        Kind::Str => leaf(Physical::BYTE_ARRAY, LogicalType::String),
        Kind::U16 => leaf(Physical::INT32, LogicalType::integer(16, false)),
        Kind::U32 => leaf(Physical::INT32, LogicalType::integer(32, false)),
        Kind::U64 => leaf(Physical::INT64, LogicalType::integer(64, false)),
        Kind::List(element) => {
            let element = field_type(LIST_ELEMENT, *element, Repetition::REQUIRED)?;
            let group = Type::group_type_builder(LIST_GROUP)
                .with_repetition(Repetition::REPEATED)
                .with_fields(vec![element])
                .build()?;
            group_of(name, rep, LogicalType::List, Arc::new(group))
        }
        Kind::Map(value) => {
            let key = field_type(MAP_KEY, Kind::Str, Repetition::REQUIRED)?;
            let value = field_type(MAP_VALUE, *value, Repetition::REQUIRED)?;
            let group = Type::group_type_builder(MAP_GROUP)
                .with_repetition(Repetition::REPEATED)
                .with_fields(vec![key, value])
                .build()?;
            group_of(name, rep, LogicalType::Map, Arc::new(group))
        }
        Kind::Struct(fields) => {
            let fields = fields
                .iter()
                .map(|f| field_type(f.name, f.kind, repetition(f.nullable)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Arc::new(
                Type::group_type_builder(name)
                    .with_repetition(rep)
                    .with_fields(fields)
                    .build()?,
            ))
        }
    }
}

fn group_of(
    name: &str,
    rep: Repetition,
    logical: LogicalType,
    repeated: TypePtr,
) -> Result<TypePtr, ParquetError> {
    Ok(Arc::new(
        Type::group_type_builder(name)
            .with_repetition(rep)
            .with_logical_type(Some(logical))
            .with_fields(vec![repeated])
            .build()?,
    ))
}

/// Every column as the docs table shows it: dotted path (`extraction.removed`), type
/// (`string`, `uint32`, `list<string>`, `map<string, uint32>`, `struct`), nullable. Structs
/// come before their fields; a list of structs shows its fields as `explain[].rule`.
pub fn columns_for_docs() -> Vec<(String, String, bool)> {
    fn walk(prefix: &str, fields: &[Field], out: &mut Vec<(String, String, bool)>) {
        for f in fields {
            let path = format!("{prefix}{}", f.name);
            out.push((path.clone(), type_name(f.kind), f.nullable));
            match f.kind {
                Kind::Struct(inner) => walk(&format!("{path}."), inner, out),
                Kind::List(Kind::Struct(inner)) => walk(&format!("{path}[]."), inner, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk("", RECORD, &mut out);
    out
}

fn type_name(kind: Kind) -> String {
    match kind {
        Kind::Str => "string".into(),
        Kind::U16 => "uint16".into(),
        Kind::U32 => "uint32".into(),
        Kind::U64 => "uint64".into(),
        Kind::List(e) => format!("list<{}>", type_name(*e)),
        Kind::Map(v) => format!("map<string, {}>", type_name(*v)),
        Kind::Struct(_) => "struct".into(),
    }
}
