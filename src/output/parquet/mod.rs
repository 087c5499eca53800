//! Parquet output: records as typed columns (the schema in [`schema`]), zstd-compressed
//! pages, row groups bounded in memory. Records arrive as their JSON value (serde's), are
//! shredded into column buffers ([`columns`]) and written as a row group when
//! [`ROW_GROUP_BYTES`] or [`ROW_GROUP_RECORDS`] is reached; [`ParquetWriter::close`] writes
//! the last row group and the footer. A Parquet file is readable only once closed: a
//! killed run leaves an unreadable file (the shard protocol of `output::shards` never
//! publishes one). Uses the `parquet` crate's column writers directly, without arrow.

pub mod columns;
pub mod read;
pub mod schema;

use crate::output::{Dest, Durability, Encoded, Format, OutputError, RecordWriter, Repr};
use ::parquet::basic::{Compression as Codec, ZstdLevel};
use ::parquet::file::metadata::KeyValue;
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use columns::Columns;
use std::io::Write;
use std::sync::Arc;

/// Record data buffered before a row group is written: bounds the writer's memory (the
/// buffers plus the compressed pages of the column being written), while keeping row
/// groups large enough for readers that split work by row group (DuckDB, Spark).
pub const ROW_GROUP_BYTES: u64 = 64 << 20;

/// Records per row group at most: many tiny records would otherwise make one row group of
/// millions of level entries.
pub const ROW_GROUP_RECORDS: usize = 100_000;

/// zstd level of the pages: the level of JSONL `.zst` output, fast with a good ratio on text.
const ZSTD_LEVEL: i32 = crate::output::compression::ZSTD_LEVEL;

/// The footer's key for the record schema version (`Record::schema_version`).
pub const SCHEMA_VERSION_KEY: &str = "newsharvest.schema_version";

/// Writes records to a Parquet file (or any byte sink).
pub struct ParquetWriter<W: Write + Send> {
    file: SerializedFileWriter<W>,
    columns: Columns,
}

impl<W: Write + Send> ParquetWriter<W> {
    /// Start a Parquet file on `sink` (its magic bytes are written at once).
    pub fn new(sink: W) -> Result<ParquetWriter<W>, OutputError> {
        let props = WriterProperties::builder()
            .set_compression(Codec::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?))
            .set_created_by(format!("newsharvest {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(vec![KeyValue::new(
                SCHEMA_VERSION_KEY.to_string(),
                crate::model::SCHEMA_VERSION.to_string(),
            )]))
            .build();
        let file = SerializedFileWriter::new(sink, schema::message_type()?, Arc::new(props))?;
        Ok(ParquetWriter {
            file,
            columns: Columns::new(),
        })
    }

    /// Add one record (its serde JSON value); returns the bytes of its values. A row group
    /// is written when the buffers are full.
    pub fn push(&mut self, record: serde_json::Value) -> Result<u64, OutputError> {
        let bytes = self.columns.push(record)?;
        if self.columns.bytes() >= ROW_GROUP_BYTES || self.columns.rows() >= ROW_GROUP_RECORDS {
            self.write_row_group()?;
        }
        Ok(bytes)
    }

    /// Write the buffered records as a row group (nothing when none are buffered).
    fn write_row_group(&mut self) -> Result<(), OutputError> {
        if self.columns.rows() == 0 {
            return Ok(());
        }
        let mut group = self.file.next_row_group()?;
        self.columns.write_to(&mut group)?;
        group.close()?;
        Ok(())
    }

    /// Flush the bytes written so far to the sink (the file is still unreadable: the
    /// footer comes with [`ParquetWriter::close`]).
    pub fn flush(&mut self) -> Result<(), OutputError> {
        self.file
            .flush()
            .map_err(|e| OutputError::io("flushing the Parquet output", e))
    }

    /// Write the last row group and the footer; returns the sink.
    pub fn close(mut self) -> Result<W, OutputError> {
        self.write_row_group()?;
        Ok(self.file.into_inner()?)
    }
}

/// A Parquet file (or stdout) as a [`RecordWriter`].
pub struct ParquetFile {
    writer: ParquetWriter<Dest>,
    /// The destination, for errors (`stdout` or the path).
    what: String,
}

impl ParquetFile {
    /// Records to `dest`.
    pub(crate) fn new(dest: Dest, what: String) -> Result<ParquetFile, OutputError> {
        Ok(ParquetFile {
            writer: ParquetWriter::new(dest)?,
            what,
        })
    }
}

impl RecordWriter for ParquetFile {
    fn format(&self) -> Format {
        Format::Parquet
    }

    fn write_encoded(&mut self, record: Encoded) -> Result<u64, OutputError> {
        match record.0 {
            Repr::Value(v) => self.writer.push(v),
            Repr::Line(_) => Err(record.mismatch(Format::Parquet)),
        }
    }

    fn flush(&mut self) -> Result<(), OutputError> {
        self.writer.flush()
    }

    fn finish(self: Box<Self>, durability: Durability) -> Result<(), OutputError> {
        let dest = self.writer.close()?;
        if durability == Durability::Sync {
            dest.sync()
                .map_err(|e| OutputError::io(format!("syncing {}", self.what), e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests;
