//! Records → column buffers: each record (as the JSON value serde makes of it) is walked
//! against the declared schema and split into its leaf columns with their definition and
//! repetition levels (the Dremel shredding Parquet stores), then a row group's worth is
//! handed to the Parquet column writers. Does not open files or decide when a row group
//! is full (see `mod.rs`).
//!
//! Levels, for a leaf: `def` counts how many of its optional and repeated ancestors (and
//! itself) are present; `rep` says at which repeated ancestor a new list element starts
//! (0: a new record). A null or an empty list writes one entry with no value.

use super::schema::{Field, Kind, RECORD};
use crate::output::OutputError;
use ::parquet::column::writer::ColumnWriter;
use ::parquet::data_type::ByteArray;
use ::parquet::file::writer::SerializedRowGroupWriter;
use serde_json::Value;
use std::io::Write;

/// The values of one leaf column, by physical type.
#[derive(Debug)]
enum Values {
    /// Strings.
    Bytes(Vec<ByteArray>),
    /// `INT32` (uint16, uint32 as their bits).
    Int32(Vec<i32>),
    /// `INT64` (uint64 as its bits).
    Int64(Vec<i64>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Bytes(v) => v.len(),
            Values::Int32(v) => v.len(),
            Values::Int64(v) => v.len(),
        }
    }

    fn truncate(&mut self, n: usize) {
        match self {
            Values::Bytes(v) => v.truncate(n),
            Values::Int32(v) => v.truncate(n),
            Values::Int64(v) => v.truncate(n),
        }
    }

    fn clear(&mut self) {
        self.truncate(0);
    }
}

/// One leaf column being buffered.
#[derive(Debug)]
struct Column {
    /// Definition level of every entry (a value or a null).
    def: Vec<i16>,
    /// Repetition level of every entry.
    rep: Vec<i16>,
    /// The non-null values.
    values: Values,
    /// The highest definition level: a value is present at this level.
    max_def: i16,
    /// The highest repetition level (0: not under a list).
    max_rep: i16,
}

impl Column {
    fn write_to(&self, writer: &mut ColumnWriter<'_>) -> Result<(), OutputError> {
        let def = (self.max_def > 0).then_some(&self.def[..]);
        let rep = (self.max_rep > 0).then_some(&self.rep[..]);
        match (&self.values, writer) {
            (Values::Bytes(v), ColumnWriter::ByteArrayColumnWriter(w)) => w.write_batch(v, def, rep)?,
            (Values::Int32(v), ColumnWriter::Int32ColumnWriter(w)) => w.write_batch(v, def, rep)?,
            (Values::Int64(v), ColumnWriter::Int64ColumnWriter(w)) => w.write_batch(v, def, rep)?,
            _ => {
                return Err(OutputError::Schema {
                    path: "(column)".into(),
                    reason: "the buffered values and the Parquet column differ in type".into(),
                })
            }
        };
        Ok(())
    }
}

/// The buffered rows of one row group, column by column in the schema's leaf order.
#[derive(Debug)]
pub struct Columns {
    cols: Vec<Column>,
    rows: usize,
    bytes: u64,
    /// Each column's lengths before the record being added, to undo a record that did not
    /// fit the schema half-way (kept to reuse its allocation).
    marks: Vec<(usize, usize)>,
}

/// The levels where a value sits.
#[derive(Debug, Clone, Copy)]
struct Levels {
    def: i16,
    rep: i16,
    /// Repeated ancestors: the repetition level a next element of a list here gets.
    depth: i16,
}

impl Default for Columns {
    fn default() -> Columns {
        Columns::new()
    }
}

impl Columns {
    /// Empty buffers for the columns of [`RECORD`].
    pub fn new() -> Columns {
        let mut cols = Vec::new();
        for f in RECORD {
            layout(f.kind, i16::from(f.nullable), 0, &mut cols);
        }
        Columns {
            cols,
            rows: 0,
            bytes: 0,
            marks: Vec::new(),
        }
    }

    /// Rows buffered.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Bytes of the buffered values (strings' UTF-8, integers' width): the memory a row
    /// group holds, give or take the levels.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Add one record, given as its JSON value (serde's), and return its size in bytes.
    /// A record that does not fit the schema is refused and leaves the buffers as they were.
    pub fn push(&mut self, record: Value) -> Result<u64, OutputError> {
        self.marks.clear();
        self.marks
            .extend(self.cols.iter().map(|c| (c.def.len(), c.values.len())));
        let mut s = Shredder {
            cols: &mut self.cols,
            leaf: 0,
            bytes: 0,
            path: Vec::new(),
        };
        let top = Levels {
            def: 0,
            rep: 0,
            depth: 0,
        };
        let result = match record {
            Value::Object(obj) => s.fields(RECORD, obj, top),
            _ => Err(s.mismatch("expected an object")),
        };
        match result {
            Ok(()) => {
                let bytes = s.bytes;
                self.rows += 1;
                self.bytes += bytes;
                Ok(bytes)
            }
            Err(e) => {
                for (c, &(levels, values)) in self.cols.iter_mut().zip(&self.marks) {
                    c.def.truncate(levels);
                    c.rep.truncate(levels);
                    c.values.truncate(values);
                }
                Err(e)
            }
        }
    }

    /// Write the buffered rows as the columns of one row group, then empty the buffers.
    pub fn write_to<W: Write + Send>(
        &mut self,
        group: &mut SerializedRowGroupWriter<'_, W>,
    ) -> Result<(), OutputError> {
        for col in &self.cols {
            let Some(mut column) = group.next_column()? else {
                return Err(OutputError::Schema {
                    path: "(column)".into(),
                    reason: "the Parquet schema has fewer columns than the buffers".into(),
                });
            };
            col.write_to(column.untyped())?;
            column.close()?;
        }
        for col in &mut self.cols {
            col.def.clear();
            col.rep.clear();
            col.values.clear();
        }
        self.rows = 0;
        self.bytes = 0;
        Ok(())
    }
}

/// Append the leaf columns of a value of `kind` at definition level `def` (when present)
/// and repetition level `rep` (its repeated ancestors).
fn layout(kind: Kind, def: i16, rep: i16, out: &mut Vec<Column>) {
    let leaf = |values| Column {
        def: Vec::new(),
        rep: Vec::new(),
        values,
        max_def: def,
        max_rep: rep,
    };
    match kind {
        Kind::Str => out.push(leaf(Values::Bytes(Vec::new()))),
        Kind::U16 | Kind::U32 => out.push(leaf(Values::Int32(Vec::new()))),
        Kind::U64 => out.push(leaf(Values::Int64(Vec::new()))),
        // The repeated group adds a level of each; the element and the key/value are required.
        Kind::List(element) => layout(*element, def + 1, rep + 1, out),
        Kind::Map(value) => {
            layout(Kind::Str, def + 1, rep + 1, out);
            layout(*value, def + 1, rep + 1, out);
        }
        Kind::Struct(fields) => {
            for f in fields {
                layout(f.kind, def + i16::from(f.nullable), rep, out);
            }
        }
    }
}

/// One record being split into the columns.
struct Shredder<'a> {
    cols: &'a mut [Column],
    /// The leaf column the next value goes to.
    leaf: usize,
    /// Bytes of the values written.
    bytes: u64,
    /// The field being written, for errors.
    path: Vec<&'static str>,
}

impl Shredder<'_> {
    fn mismatch(&self, reason: impl Into<String>) -> OutputError {
        OutputError::Schema {
            path: if self.path.is_empty() {
                "(record)".into()
            } else {
                self.path.join(".")
            },
            reason: reason.into(),
        }
    }

    /// The fields of a struct (or the record), from its JSON object; a key the schema does
    /// not have is refused.
    fn fields(
        &mut self,
        fields: &'static [Field],
        mut obj: serde_json::Map<String, Value>,
        lv: Levels,
    ) -> Result<(), OutputError> {
        for f in fields {
            self.path.push(f.name);
            self.field(f, obj.remove(f.name), lv)?;
            self.path.pop();
        }
        match obj.keys().next() {
            Some(unknown) => {
                let path = self.path.iter().copied().chain([unknown.as_str()]);
                Err(OutputError::Schema {
                    path: path.collect::<Vec<_>>().join("."),
                    reason: "not in the Parquet schema".into(),
                })
            }
            None => Ok(()),
        }
    }

    fn field(&mut self, f: &Field, value: Option<Value>, lv: Levels) -> Result<(), OutputError> {
        match value {
            None | Some(Value::Null) if f.nullable => {
                self.nulls(f.kind, lv);
                Ok(())
            }
            None | Some(Value::Null) => Err(self.mismatch("missing, and the column is not nullable")),
            Some(v) if f.nullable => self.value(
                f.kind,
                v,
                Levels {
                    def: lv.def + 1,
                    ..lv
                },
            ),
            Some(v) => self.value(f.kind, v, lv),
        }
    }

    /// A null (or an empty list) at `lv`: one entry without a value in every leaf below.
    fn nulls(&mut self, kind: Kind, lv: Levels) {
        self.null_leaves(kind.leaves(), lv);
    }

    fn null_leaves(&mut self, leaves: usize, lv: Levels) {
        for _ in 0..leaves {
            if let Some(c) = self.cols.get_mut(self.leaf) {
                c.def.push(lv.def);
                c.rep.push(lv.rep);
            }
            self.leaf += 1;
        }
    }

    fn value(&mut self, kind: Kind, v: Value, lv: Levels) -> Result<(), OutputError> {
        match (kind, v) {
            (Kind::Str, Value::String(s)) => {
                self.bytes += s.len() as u64;
                self.leaf_value(lv, |values| match values {
                    Values::Bytes(b) => {
                        b.push(ByteArray::from(s.into_bytes()));
                        true
                    }
                    _ => false,
                })
            }
            (Kind::U16 | Kind::U32 | Kind::U64, Value::Number(n)) => {
                let max = match kind {
                    Kind::U16 => u64::from(u16::MAX),
                    Kind::U32 => u64::from(u32::MAX),
                    _ => u64::MAX,
                };
                let Some(n) = n.as_u64().filter(|n| *n <= max) else {
                    return Err(self.mismatch(format!("{n} is not an unsigned integer up to {max}")));
                };
                self.bytes += if max > u64::from(u32::MAX) { 8 } else { 4 };
                // Unsigned integers are stored as their bits; the logical type says unsigned.
                self.leaf_value(lv, |values| match (values, u32::try_from(n)) {
                    (Values::Int32(v), Ok(n)) => {
                        v.push(i32::from_ne_bytes(n.to_ne_bytes()));
                        true
                    }
                    (Values::Int64(v), _) => {
                        v.push(i64::from_ne_bytes(n.to_ne_bytes()));
                        true
                    }
                    _ => false,
                })
            }
            (Kind::List(element), Value::Array(items)) => {
                self.repeated(kind, *element, items.into_iter().map(|v| (None, v)), lv)
            }
            (Kind::Map(value), Value::Object(entries)) => {
                self.repeated(kind, *value, entries.into_iter().map(|(k, v)| (Some(k), v)), lv)
            }
            (Kind::Struct(fields), Value::Object(obj)) => self.fields(fields, obj, lv),
            (kind, v) => Err(self.mismatch(format!("expected {kind:?}-shaped data, found {v}"))),
        }
    }

    /// Push one present value into the current leaf (`push` returns false when the column
    /// holds another type).
    fn leaf_value(&mut self, lv: Levels, push: impl FnOnce(&mut Values) -> bool) -> Result<(), OutputError> {
        let pushed = match self.cols.get_mut(self.leaf) {
            Some(c) => {
                c.def.push(lv.def);
                c.rep.push(lv.rep);
                push(&mut c.values)
            }
            None => false,
        };
        if !pushed {
            return Err(self.mismatch("the column holds another type"));
        }
        self.leaf += 1;
        Ok(())
    }

    /// The elements of a list (`key` `None`) or the entries of a map (`key` the map key):
    /// each starts at the same leaves, one level deeper; an empty one is a single entry
    /// without a value.
    fn repeated(
        &mut self,
        container: Kind,
        element: Kind,
        items: impl Iterator<Item = (Option<String>, Value)>,
        lv: Levels,
    ) -> Result<(), OutputError> {
        let start = self.leaf;
        let mut any = false;
        for (i, (key, item)) in items.enumerate() {
            any = true;
            self.leaf = start;
            let at = Levels {
                def: lv.def + 1,
                rep: if i == 0 { lv.rep } else { lv.depth + 1 },
                depth: lv.depth + 1,
            };
            if let Some(k) = key {
                self.value(Kind::Str, Value::String(k), at)?;
            }
            self.value(element, item, at)?;
        }
        if !any {
            self.leaf = start;
            self.nulls(container, lv);
        }
        Ok(())
    }
}
