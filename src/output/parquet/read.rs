//! Reading a Parquet file of records back as JSON values (one object per record, the
//! schema's field names; a null column is `null`, a map an object), with the `parquet`
//! crate's row reader. For the tests that check a written file with a real reader, and for
//! tools; the pipeline itself never reads its output.

use crate::output::OutputError;
use ::parquet::file::reader::{FileReader, SerializedFileReader};
use ::parquet::record::{Field, Row};
use serde_json::{Map, Value};
use std::path::Path;

/// Every record of the Parquet file at `path`, in order.
pub fn values(path: &Path) -> Result<Vec<Value>, OutputError> {
    let file =
        std::fs::File::open(path).map_err(|e| OutputError::io(format!("opening {}", path.display()), e))?;
    let reader = SerializedFileReader::new(file)?;
    let rows = reader.get_row_iter(None)?;
    rows.map(|row| Ok(row_value(&row?))).collect()
}

fn row_value(row: &Row) -> Value {
    Value::Object(
        row.get_column_iter()
            .map(|(name, field)| (name.clone(), field_value(field)))
            .collect::<Map<String, Value>>(),
    )
}

fn field_value(field: &Field) -> Value {
    match field {
        Field::Null => Value::Null,
        Field::Bool(b) => Value::Bool(*b),
        Field::Str(s) => Value::String(s.clone()),
        Field::Byte(n) => Value::from(*n),
        Field::Short(n) => Value::from(*n),
        Field::Int(n) => Value::from(*n),
        Field::Long(n) => Value::from(*n),
        Field::UByte(n) => Value::from(*n),
        Field::UShort(n) => Value::from(*n),
        Field::UInt(n) => Value::from(*n),
        Field::ULong(n) => Value::from(*n),
        Field::Group(row) => row_value(row),
        Field::ListInternal(list) => Value::Array(list.elements().iter().map(field_value).collect()),
        Field::MapInternal(map) => Value::Object(
            map.entries()
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Field::Str(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (key, field_value(v))
                })
                .collect(),
        ),
        // Not in the record schema (floats, dates, decimals, bytes): shown as text.
        other => Value::String(other.to_string()),
    }
}
