//! A record (any `Serialize` value) straight to Python objects: the dict `json.loads` would
//! read from `serde_json::to_string` of it, built without the JSON text in between. Same
//! shapes as serde_json's: structs and maps are dicts in serialisation order (map keys as
//! `str`), sequences and tuples lists, `None`/unit `None`, non-finite floats `None`, unit
//! variants their name, other variants a one-key dict, bytes a list of ints. Field names
//! are interned strings (one object per name, not one per record).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3::IntoPyObjectExt;
use serde::ser::{self, Serialize};
use std::fmt;

/// The value as Python objects (the GIL is held: `py`).
pub fn to_py<T: Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    value.serialize(ToPy { py }).map_err(|e| e.0)
}

/// A Python error carried through serde.
pub struct Error(PyErr);

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(pyo3::exceptions::PyValueError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e)
    }
}

type Out = Result<Py<PyAny>, Error>;

/// The serializer: one Python object per value.
#[derive(Clone, Copy)]
struct ToPy<'py> {
    py: Python<'py>,
}

impl<'py> ToPy<'py> {
    fn obj<T: IntoPyObject<'py>>(self, v: T) -> Out {
        Ok(v.into_py_any(self.py)?)
    }

    fn none(self) -> Out {
        Ok(self.py.None())
    }

    /// `{name: value}` (a variant with data, as serde_json writes it).
    fn tagged(self, name: &'static str, value: Py<PyAny>) -> Out {
        let d = PyDict::new(self.py);
        d.set_item(PyString::intern(self.py, name), value)?;
        Ok(d.into_any().unbind())
    }
}

impl<'py> ser::Serializer for ToPy<'py> {
    type Ok = Py<PyAny>;
    type Error = Error;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Seq<'py>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Map<'py>;
    type SerializeStructVariant = Map<'py>;

    fn serialize_bool(self, v: bool) -> Out {
        self.obj(v)
    }
    fn serialize_i8(self, v: i8) -> Out {
        self.obj(v)
    }
    fn serialize_i16(self, v: i16) -> Out {
        self.obj(v)
    }
    fn serialize_i32(self, v: i32) -> Out {
        self.obj(v)
    }
    fn serialize_i64(self, v: i64) -> Out {
        self.obj(v)
    }
    fn serialize_i128(self, v: i128) -> Out {
        self.obj(v)
    }
    fn serialize_u8(self, v: u8) -> Out {
        self.obj(v)
    }
    fn serialize_u16(self, v: u16) -> Out {
        self.obj(v)
    }
    fn serialize_u32(self, v: u32) -> Out {
        self.obj(v)
    }
    fn serialize_u64(self, v: u64) -> Out {
        self.obj(v)
    }
    fn serialize_u128(self, v: u128) -> Out {
        self.obj(v)
    }
    fn serialize_f32(self, v: f32) -> Out {
        // serde_json writes an f32 by its shortest f32 digits, read back as that decimal.
        if !v.is_finite() {
            return self.none();
        }
        match v.to_string().parse::<f64>() {
            Ok(f) => self.obj(f),
            Err(_) => self.obj(f64::from(v)),
        }
    }
    fn serialize_f64(self, v: f64) -> Out {
        if v.is_finite() {
            self.obj(v)
        } else {
            self.none()
        }
    }
    fn serialize_char(self, v: char) -> Out {
        self.obj(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Out {
        self.obj(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Out {
        let items: Vec<u8> = v.to_vec();
        Ok(PyList::new(self.py, items)?.into_any().unbind())
    }
    fn serialize_none(self) -> Out {
        self.none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out {
        self.none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out {
        self.none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Out {
        Ok(PyString::intern(self.py, variant).into_any().unbind())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Out {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Out {
        let inner = value.serialize(self)?;
        self.tagged(variant, inner)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Seq<'py>, Error> {
        Ok(Seq::new(self, None))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Seq<'py>, Error> {
        Ok(Seq::new(self, None))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Seq<'py>, Error> {
        Ok(Seq::new(self, None))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Seq<'py>, Error> {
        Ok(Seq::new(self, Some(variant)))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'py>, Error> {
        Ok(Map::new(self, None))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Map<'py>, Error> {
        Ok(Map::new(self, None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Map<'py>, Error> {
        Ok(Map::new(self, Some(variant)))
    }
}

/// A list being filled; `variant` wraps it as `{variant: [...]}`.
pub struct Seq<'py> {
    to: ToPy<'py>,
    items: Vec<Py<PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> Seq<'py> {
    fn new(to: ToPy<'py>, variant: Option<&'static str>) -> Seq<'py> {
        Seq {
            to,
            items: Vec::new(),
            variant,
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(self.to)?);
        Ok(())
    }

    fn finish(self) -> Out {
        let list = PyList::new(self.to.py, self.items)?.into_any().unbind();
        match self.variant {
            Some(v) => self.to.tagged(v, list),
            None => Ok(list),
        }
    }
}

/// serde's four list-shaped traits, all one [`Seq`].
macro_rules! seq_traits {
    ($($tr:ident::$method:ident),*) => {
        $(impl ser::$tr for Seq<'_> {
            type Ok = Py<PyAny>;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Out {
                self.finish()
            }
        })*
    };
}

seq_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A dict being filled; `variant` wraps it as `{variant: {...}}`.
pub struct Map<'py> {
    to: ToPy<'py>,
    dict: Bound<'py, PyDict>,
    /// A map key waiting for its value (`serialize_key` then `serialize_value`).
    key: Option<Py<PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> Map<'py> {
    fn new(to: ToPy<'py>, variant: Option<&'static str>) -> Map<'py> {
        Map {
            to,
            dict: PyDict::new(to.py),
            key: None,
            variant,
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let v = value.serialize(self.to)?;
        self.dict.set_item(PyString::intern(self.to.py, key), v)?;
        Ok(())
    }

    fn finish(self) -> Out {
        let dict = self.dict.into_any().unbind();
        match self.variant {
            Some(v) => self.to.tagged(v, dict),
            None => Ok(dict),
        }
    }
}

impl ser::SerializeMap for Map<'_> {
    type Ok = Py<PyAny>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeyToPy { to: self.to })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("map value without a key"))?;
        let v = value.serialize(self.to)?;
        self.dict.set_item(key, v)?;
        Ok(())
    }
    fn end(self) -> Out {
        self.finish()
    }
}

/// serde's two struct-shaped traits, both one [`Map`].
macro_rules! struct_traits {
    ($($tr:ident),*) => {
        $(impl ser::$tr for Map<'_> {
            type Ok = Py<PyAny>;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value)
            }
            fn end(self) -> Out {
                self.finish()
            }
        })*
    };
}

struct_traits!(SerializeStruct, SerializeStructVariant);

/// A map key as serde_json writes it: a string, numbers and bools as their text.
#[derive(Clone, Copy)]
struct KeyToPy<'py> {
    to: ToPy<'py>,
}

impl KeyToPy<'_> {
    fn text(self, s: &str) -> Out {
        self.to.obj(s)
    }

    fn not_a_key(self) -> Out {
        no_key()
    }
}

/// serde_json's refusal of a key that is no string, number or bool.
fn no_key<T>() -> Result<T, Error> {
    Err(<Error as ser::Error>::custom("key must be a string"))
}

/// The `Serializer` methods of a key whose text is its `Display` (numbers, bools).
macro_rules! display_keys {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Out {
            self.text(&v.to_string())
        })*
    };
}

impl ser::Serializer for KeyToPy<'_> {
    type Ok = Py<PyAny>;
    type Error = Error;
    type SerializeSeq = ser::Impossible<Py<PyAny>, Error>;
    type SerializeTuple = ser::Impossible<Py<PyAny>, Error>;
    type SerializeTupleStruct = ser::Impossible<Py<PyAny>, Error>;
    type SerializeTupleVariant = ser::Impossible<Py<PyAny>, Error>;
    type SerializeMap = ser::Impossible<Py<PyAny>, Error>;
    type SerializeStruct = ser::Impossible<Py<PyAny>, Error>;
    type SerializeStructVariant = ser::Impossible<Py<PyAny>, Error>;

    display_keys!(
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_u128: u128,
        serialize_char: char,
    );
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        no_key()
    }

    fn serialize_f32(self, v: f32) -> Out {
        if v.is_finite() {
            self.text(&v.to_string())
        } else {
            self.not_a_key()
        }
    }
    fn serialize_f64(self, v: f64) -> Out {
        if v.is_finite() {
            self.text(&v.to_string())
        } else {
            self.not_a_key()
        }
    }
    fn serialize_str(self, v: &str) -> Out {
        self.text(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Out {
        self.not_a_key()
    }
    fn serialize_none(self) -> Out {
        self.not_a_key()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out {
        self.not_a_key()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out {
        self.not_a_key()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Out {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Out {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Out {
        self.not_a_key()
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        no_key()
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        no_key()
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        no_key()
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        no_key()
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, Error> {
        no_key()
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        no_key()
    }
}
