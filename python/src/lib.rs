//! `newsharvest._newsharvest`: the Python module over the Rust library. Every function is a
//! thin call into `newsharvest` (the one implementation: no logic lives here), with the GIL
//! released while a page is processed. Records come back as the dicts of the CLI's JSON
//! Lines schema (built from the same serialisation by [`to_py`], without the JSON text), so
//! `None` stands where the CLI writes `null`.

mod to_py;

use newsharvest::model::Record;
use newsharvest::{input, process, record, Limits, Options, Page, Rules};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

create_exception!(
    _newsharvest,
    ExtractError,
    PyException,
    "No record could be made from a page; the message says why (empty page, not HTML, no \
     article text, too large, timeout, or an unreadable WARC record)."
);

/// A page as Python hands it over: text (already decoded) or bytes (decoded by their
/// declared or detected charset, as the CLI decodes files).
enum Html {
    Text(String),
    /// A `bytes` object, read in place (immutable, and kept alive here).
    Shared(Py<PyBytes>),
    /// A `bytearray`'s bytes, copied (Python code may change it meanwhile).
    Bytes(Vec<u8>),
}

impl Html {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Html> {
        if let Ok(s) = obj.cast::<PyString>() {
            // Lone surrogates (text decoded with `surrogateescape`) become U+FFFD.
            return Ok(Html::Text(s.to_string_lossy().into_owned()));
        }
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Html::Shared(b.clone().unbind()));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Html::Bytes(b.to_vec()));
        }
        Err(PyTypeError::new_err(format!(
            "html must be str or bytes, not {}",
            obj.get_type().name()?
        )))
    }

    /// The page's bytes (borrowed while `self` lives) and whether they are decoded text.
    fn view<'a>(&'a self, py: Python<'a>) -> (&'a [u8], bool) {
        match self {
            Html::Text(s) => (s.as_bytes(), true),
            Html::Shared(b) => (b.bind(py).as_bytes(), false),
            Html::Bytes(b) => (&b[..], false),
        }
    }
}

/// Rules and options of an [`Extractor`] (cheap to clone: the rules are shared).
#[derive(Clone)]
struct Setup {
    rules: Arc<Rules>,
    opts: Options,
}

/// The bundled rules, loaded once.
fn bundled() -> PyResult<Arc<Rules>> {
    static RULES: OnceLock<Result<Arc<Rules>, String>> = OnceLock::new();
    RULES
        .get_or_init(|| {
            Rules::bundled()
                .map(Arc::new)
                .map_err(|e| newsharvest::error::chain(&e))
        })
        .clone()
        .map_err(PyValueError::new_err)
}

/// `selectors` as Python may give it: None, one path, or an iterable of paths.
fn selector_dirs(selectors: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    let Some(s) = selectors else {
        return Ok(Vec::new());
    };
    if s.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(one) = s.extract::<PathBuf>() {
        return Ok(vec![one]);
    }
    s.try_iter()?.map(|p| p?.extract::<PathBuf>()).collect()
}

fn rules_for(dirs: &[PathBuf]) -> PyResult<Arc<Rules>> {
    if dirs.is_empty() {
        return bundled();
    }
    Rules::load(dirs)
        .map(Arc::new)
        .map_err(|e| PyValueError::new_err(format!("loading rules: {}", newsharvest::error::chain(&e))))
}

/// One page (its [`Html::view`]) → its record, or the reason it has none.
fn extract_record(
    setup: &Setup,
    (bytes, text): (&[u8], bool),
    url: Option<&str>,
    content_type: Option<&str>,
) -> Result<Record, String> {
    // Python text is already decoded: a `<meta charset>` in it must not decode it again.
    let ct = if text {
        Some("text/html; charset=utf-8")
    } else {
        content_type
    };
    let page = Page {
        bytes,
        url,
        content_type: ct,
        content_language: None,
    };
    let art = process(&page, &setup.rules, &setup.opts).map_err(|e| e.to_string())?;
    Ok(record::to_record(art, None))
}

/// The `errors=` argument: `lenient` (`"none"` or `"skip"`) or `"raise"`; true for raise.
fn raises(errors: &str, lenient: &str) -> PyResult<bool> {
    match errors {
        "raise" => Ok(true),
        e if e == lenient => Ok(false),
        other => Err(PyValueError::new_err(format!(
            "errors must be '{lenient}' or 'raise', not {other:?}"
        ))),
    }
}

/// Reusable extraction settings: the rules are loaded once. Safe to share between threads.
#[pyclass(frozen, module = "newsharvest")]
struct Extractor {
    setup: Setup,
}

#[pymethods]
impl Extractor {
    /// `Extractor(selectors=None, *, explain=False, markdown=False, links=False,
    /// article_html=False, max_page_size=None, max_nodes=None, max_nesting=None,
    /// page_timeout=None)`: `markdown` adds the body as GitHub-flavoured Markdown
    /// (`record["markdown"]`, links as `[text](url)` with `links`), `article_html` as minimal,
    /// safe HTML (`record["article_html"]`); `selectors` adds rule directories to the
    /// bundled rules; the limits default to the CLI's (32 MiB, 1,500,000 nodes, nesting
    /// 512, 10 s; `page_timeout=0` for none).
    #[new]
    // One argument per Python keyword: the signature is the Python API.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (selectors=None, *, explain=false, markdown=false, links=false, article_html=false, max_page_size=None, max_nodes=None, max_nesting=None, page_timeout=None))]
    fn new(
        selectors: Option<&Bound<'_, PyAny>>,
        explain: bool,
        markdown: bool,
        links: bool,
        article_html: bool,
        max_page_size: Option<usize>,
        max_nodes: Option<usize>,
        max_nesting: Option<usize>,
        page_timeout: Option<f64>,
    ) -> PyResult<Extractor> {
        let rules = rules_for(&selector_dirs(selectors)?)?;
        let mut limits = Limits::default();
        if let Some(b) = max_page_size {
            limits.max_bytes = b;
        }
        if let Some(n) = max_nodes {
            limits.max_nodes = n;
        }
        if let Some(d) = max_nesting {
            limits.max_depth = d;
        }
        if let Some(t) = page_timeout {
            if !(t >= 0.0 && t.is_finite()) {
                return Err(PyValueError::new_err("page_timeout must be >= 0 seconds"));
            }
            limits.timeout = if t > 0.0 {
                Some(
                    Duration::try_from_secs_f64(t)
                        .map_err(|e| PyValueError::new_err(format!("page_timeout: {e}")))?,
                )
            } else {
                None
            };
        }
        Ok(Extractor {
            setup: Setup {
                rules,
                opts: Options {
                    explain,
                    markdown,
                    links,
                    article_html,
                    limits,
                },
            },
        })
    }

    /// Extract one page (str or bytes) into a record dict; raises `ExtractError` when no
    /// record can be made. `content_type` is the HTTP header (its charset decodes bytes).
    #[pyo3(signature = (html, url=None, *, content_type=None))]
    fn extract(
        &self,
        py: Python<'_>,
        html: &Bound<'_, PyAny>,
        url: Option<String>,
        content_type: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let html = Html::from_py(html)?;
        let view = html.view(py);
        let rec = py
            .detach(|| extract_record(&self.setup, view, url.as_deref(), content_type.as_deref()))
            .map_err(ExtractError::new_err)?;
        to_py::to_py(py, &rec)
    }

    /// Extract many pages on all cores (or `threads`), the GIL released: `pages` yields
    /// `html` or `(html, url)`. Returns the records in input order; a page that fails is
    /// `None` (`errors="none"`), or raises `ExtractError` naming it (`errors="raise"`).
    /// `pages` is read in batches, so a generator is never held in memory whole.
    #[pyo3(signature = (pages, threads=None, *, errors="none"))]
    fn extract_many(
        &self,
        py: Python<'_>,
        pages: &Bound<'_, PyAny>,
        threads: Option<usize>,
        errors: &str,
    ) -> PyResult<Vec<Py<PyAny>>> {
        let mut batches = Batches::new(&self.setup, pages, threads, errors)?;
        let mut out = Vec::new();
        while let Some(batch) = batches.next_batch(py)? {
            out.extend(batch);
        }
        Ok(out)
    }

    /// `extract_many` as a stream: yields each page's record (or `None`) in input order,
    /// working ahead one batch on all cores. For iterables too large for one list.
    #[pyo3(signature = (pages, threads=None, *, errors="none"))]
    fn iter_extract(
        &self,
        pages: &Bound<'_, PyAny>,
        threads: Option<usize>,
        errors: &str,
    ) -> PyResult<RecordStream> {
        Ok(RecordStream {
            batches: Mutex::new(Batches::new(&self.setup, pages, threads, errors)?),
            ready: Mutex::new(std::collections::VecDeque::new()),
        })
    }

    /// The records of the HTML responses in a WARC file (`.warc`, `.warc.gz`), in order,
    /// read as a stream. Pages without a record are skipped (counted in `.failed`), or
    /// raise `ExtractError` with `errors="raise"`.
    #[pyo3(signature = (path, *, errors="skip"))]
    fn read_warc(&self, path: PathBuf, errors: &str) -> PyResult<WarcRecords> {
        WarcRecords::open(self.setup.clone(), path, errors)
    }
}

/// `(html, url)`, `[html, url]`, `(html,)` or a bare `html`.
fn page_item(item: &Bound<'_, PyAny>) -> PyResult<(Html, Option<String>)> {
    if item.is_instance_of::<pyo3::types::PyTuple>() || item.is_instance_of::<pyo3::types::PyList>() {
        let html = Html::from_py(&item.get_item(0)?)?;
        let url: Option<String> = match item.len()? {
            1 => None,
            _ => item.get_item(1)?.extract()?,
        };
        Ok((html, url))
    } else {
        Ok((Html::from_py(item)?, None))
    }
}

/// Pages read from a Python iterable a batch at a time and extracted in parallel.
struct Batches {
    setup: Setup,
    pages: Py<pyo3::types::PyIterator>,
    /// `threads=N`: a pool of its own; else rayon's global pool (all cores).
    pool: Option<rayon::ThreadPool>,
    raise: bool,
    /// Pages read so far (for error messages).
    seen: usize,
    done: bool,
}

impl Batches {
    fn new(
        setup: &Setup,
        pages: &Bound<'_, PyAny>,
        threads: Option<usize>,
        errors: &str,
    ) -> PyResult<Batches> {
        let raise = raises(errors, "none")?;
        let pool = threads
            .map(|n| rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build())
            .transpose()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Batches {
            setup: setup.clone(),
            pages: pages.try_iter()?.unbind(),
            pool,
            raise,
            seen: 0,
            done: false,
        })
    }

    /// The next batch's records (`None` once the pages are used up).
    fn next_batch(&mut self, py: Python<'_>) -> PyResult<Option<Vec<Py<PyAny>>>> {
        if self.done {
            return Ok(None);
        }
        let threads = self
            .pool
            .as_ref()
            .map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
        let size = 64 * threads.max(1);
        let mut inputs: Vec<(Html, Option<String>)> = Vec::with_capacity(size);
        // Items that are no page (a number, a tuple without html): their error, by index.
        let mut bad: Vec<(usize, PyErr)> = Vec::new();
        let mut it = self.pages.bind(py).clone();
        while inputs.len() + bad.len() < size {
            match it.next() {
                Some(item) => match page_item(&item?) {
                    Ok(page) => inputs.push(page),
                    Err(e) if self.raise => {
                        self.done = true;
                        return Err(e);
                    }
                    Err(e) => bad.push((inputs.len() + bad.len(), e)),
                },
                None => {
                    self.done = true;
                    break;
                }
            }
        }
        if inputs.is_empty() && bad.is_empty() {
            return Ok(None);
        }
        let setup = &self.setup;
        let views: Vec<_> = inputs.iter().map(|(h, u)| (h.view(py), u.as_deref())).collect();
        let run = || -> Vec<Result<Record, String>> {
            views
                .par_iter()
                .map(|(h, u)| extract_record(setup, *h, *u, None))
                .collect()
        };
        let pool = &self.pool;
        let results = py.detach(|| match pool {
            Some(p) => p.install(run),
            None => run(),
        });
        let mut out = Vec::with_capacity(results.len() + bad.len());
        let mut bad = bad.into_iter().peekable();
        for (i, r) in results.into_iter().enumerate() {
            while bad.next_if(|(at, _)| *at == out.len()).is_some() {
                out.push(py.None());
            }
            match r {
                Ok(rec) => out.push(to_py::to_py(py, &rec)?),
                Err(msg) if self.raise => {
                    let n = self.seen + out.len();
                    let name = inputs[i].1.clone().unwrap_or_else(|| format!("page {n}"));
                    self.done = true;
                    return Err(ExtractError::new_err(format!("{name}: {msg}")));
                }
                Err(_) => out.push(py.None()),
            }
        }
        out.extend(bad.map(|_| py.None()));
        self.seen += out.len();
        Ok(Some(out))
    }
}

/// The records of `Extractor.iter_extract`, in input order.
#[pyclass(frozen, module = "newsharvest")]
struct RecordStream {
    batches: Mutex<Batches>,
    ready: Mutex<std::collections::VecDeque<Py<PyAny>>>,
}

#[pymethods]
impl RecordStream {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        // Like a generator: one thread at a time (waiting here with the GIL held would
        // deadlock the thread that works on the batch without it).
        let busy = || {
            pyo3::exceptions::PyRuntimeError::new_err("iter_extract stream already running in another thread")
        };
        let mut ready = match self.ready.try_lock() {
            Ok(r) => r,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return Err(busy()),
        };
        if ready.is_empty() {
            let mut batches = match self.batches.try_lock() {
                Ok(b) => b,
                Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => return Err(busy()),
            };
            if let Some(batch) = batches.next_batch(py)? {
                ready.extend(batch);
            }
        }
        Ok(ready.pop_front())
    }
}

/// An iterator over the records of a WARC file (see `Extractor.read_warc`).
#[pyclass(frozen, module = "newsharvest")]
struct WarcRecords {
    setup: Setup,
    jobs: Mutex<input::Jobs>,
    raise: bool,
    failed: Mutex<u64>,
}

impl WarcRecords {
    fn open(setup: Setup, path: PathBuf, errors: &str) -> PyResult<WarcRecords> {
        let raise = raises(errors, "skip")?;
        if !input::is_warc_file(&path) {
            return Err(PyValueError::new_err(format!(
                "{}: not a WARC file name (.warc, .warc.gz)",
                path.display()
            )));
        }
        if !path.is_file() {
            return Err(pyo3::exceptions::PyFileNotFoundError::new_err(
                path.display().to_string(),
            ));
        }
        let source = input::Source {
            path: Some(path),
            url: None,
        };
        let jobs = input::Jobs::new(vec![source], setup.opts.limits.max_bytes);
        Ok(WarcRecords {
            setup,
            jobs: Mutex::new(jobs),
            raise,
            failed: Mutex::new(0),
        })
    }
}

#[pymethods]
impl WarcRecords {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        loop {
            let next = py.detach(|| {
                let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
                let job = jobs.next()?;
                Some(match job {
                    input::Job::Warc(p) => p
                        .extract(&self.setup.rules, &self.setup.opts)
                        .map_err(|e| format!("{}: {e}", p.source_path)),
                    input::Job::Bad(msg) => Err(msg),
                    input::Job::File(src) => Err(format!("{}: not a WARC record", src.display())),
                })
            });
            match next {
                None => return Ok(None),
                Some(Ok(rec)) => return to_py::to_py(py, &rec).map(Some),
                Some(Err(msg)) => {
                    *self.failed.lock().unwrap_or_else(|p| p.into_inner()) += 1;
                    if self.raise {
                        return Err(ExtractError::new_err(msg));
                    }
                }
            }
        }
    }

    /// Pages skipped so far because no record could be made.
    #[getter]
    fn failed(&self) -> u64 {
        *self.failed.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Run the command line (`python -m newsharvest ARGS`): `argv` starts with the program
/// name. Returns the exit code.
#[pyfunction]
fn cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| newsharvest::app::run(argv).0)
}

/// The Rust module behind `newsharvest`.
#[pymodule]
fn _newsharvest(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Extractor>()?;
    m.add_class::<WarcRecords>()?;
    m.add_class::<RecordStream>()?;
    m.add_function(wrap_pyfunction!(cli, m)?)?;
    m.add("ExtractError", m.py().get_type::<ExtractError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
