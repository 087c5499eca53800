//! The errors of the output stage, each with its cause kept as `#[source]`. Callers that
//! speak `io::Result` (the crawl's sink) get them through `From<OutputError> for
//! io::Error`, which keeps the kind of an underlying I/O error (a broken pipe stays a
//! broken pipe, a held lock stays `ResourceBusy`).

use std::io;

/// Something went wrong writing records.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Reading or writing a file (or stdout) failed.
    #[error("{context}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A record could not be encoded as JSON.
    #[error("encoding a record as JSON")]
    Json(#[source] serde_json::Error),
    /// The Parquet encoder failed.
    #[error("writing Parquet")]
    Parquet(#[source] ::parquet::errors::ParquetError),
    /// A record does not fit the Parquet schema (a field the schema does not have, a value
    /// of another type): the schema in `output::parquet::schema` is behind `Record`.
    #[error("the record does not fit the Parquet schema at `{path}`: {reason}")]
    Schema {
        /// The field, dotted (`extraction.removed`).
        path: String,
        /// What does not fit.
        reason: String,
    },
    /// The options ask for a format the output cannot have (`--format parquet -o x.jsonl`).
    #[error("{0}")]
    Usage(String),
    /// A record encoded for one format was given to a writer of another (a bug).
    #[error("a record encoded as {encoded} was given to a {writer} writer")]
    FormatMismatch {
        /// The record's encoding.
        encoded: &'static str,
        /// The writer's format.
        writer: &'static str,
    },
    /// The output was already finished.
    #[error("the output is already finished")]
    Finished,
}

impl OutputError {
    /// An I/O error while doing `context`.
    pub fn io(context: impl Into<String>, source: io::Error) -> OutputError {
        OutputError::Io {
            context: context.into(),
            source,
        }
    }

    /// The I/O error kind behind this error, when it is one.
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            OutputError::Io { source, .. } => Some(source.kind()),
            OutputError::Parquet(::parquet::errors::ParquetError::External(e)) => {
                e.downcast_ref::<io::Error>().map(io::Error::kind)
            }
            _ => None,
        }
    }
}

impl From<::parquet::errors::ParquetError> for OutputError {
    fn from(e: ::parquet::errors::ParquetError) -> OutputError {
        OutputError::Parquet(e)
    }
}

impl From<OutputError> for io::Error {
    fn from(e: OutputError) -> io::Error {
        match e {
            // Already an I/O error: the caller's own context comes on top, as before.
            OutputError::Io { source, .. } => source,
            other => io::Error::new(other.io_kind().unwrap_or(io::ErrorKind::Other), other),
        }
    }
}
