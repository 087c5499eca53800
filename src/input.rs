//! Where pages come from when extracting files: paths, directories (recursively, sorted),
//! `.gz` files, stdin (`-`), JSONL manifests of `{"path","url"}`, and WARC archives, whose
//! HTML responses [`Jobs`] streams record by record through [`crate::warc`]. Reads bytes
//! only; no decoding or parsing of pages here.

use crate::warc::{Counts, WarcPage, WarcPages};
use flate2::read::MultiGzDecoder;
use serde::Deserialize;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Read buffer of a WARC file.
const WARC_BUFFER: usize = 256 * 1024;

/// One page to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file, or `None` for stdin.
    pub path: Option<PathBuf>,
    /// URL hint for the page.
    pub url: Option<String>,
}

impl Source {
    /// How the source is named in records and messages.
    pub fn display(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "-".to_string(),
        }
    }
}

/// Errors while listing or reading inputs.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A manifest line is not `{"path": ..., "url": ...}`.
    #[error("{path}:{line}: bad manifest line")]
    Manifest {
        /// The manifest.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
}

fn io_err(path: &Path, source: std::io::Error) -> InputError {
    InputError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn lowercase_name(p: &Path) -> String {
    p.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_lowercase()
}

/// True for page file names this tool reads from directories.
pub fn is_page_file(p: &Path) -> bool {
    let name = lowercase_name(p);
    [".html", ".htm", ".xhtml", ".html.gz", ".htm.gz"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// True for WARC archives (`.warc`, `.warc.gz`): read record by record, not as one page.
pub fn is_warc_file(p: &Path) -> bool {
    let name = lowercase_name(p);
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// Expand the command-line inputs: `-` is stdin, a directory yields its page and WARC files
/// recursively in sorted order, anything else is a file.
pub fn expand(inputs: &[PathBuf], url: Option<&str>) -> Result<Vec<Source>, InputError> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(Source {
                path: None,
                url: url.map(str::to_string),
            });
        } else if input.is_dir() {
            let mut files = Vec::new();
            walk(input, &mut files)?;
            files.sort();
            out.extend(files.into_iter().map(|p| Source {
                path: Some(p),
                url: None,
            }));
        } else {
            out.push(Source {
                path: Some(input.clone()),
                url: url.map(str::to_string),
            });
        }
    }
    Ok(out)
}

/// Page and WARC files under `dir`, following symbolic links; a link loop or an
/// unreadable entry is an error naming the path.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            io_err(&path, e.into())
        })?;
        let path = entry.path();
        if entry.file_type().is_file() && (is_page_file(path) || is_warc_file(path)) {
            out.push(entry.into_path());
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestLine {
    path: PathBuf,
    #[serde(default)]
    url: Option<String>,
}

/// Read a manifest: one `{"path","url"}` object per line; relative paths are relative to
/// the manifest's directory, or to the working directory for `-` (stdin: one Spark
/// `rdd.pipe` partition, say). Blank lines are skipped.
pub fn read_manifest(manifest: &Path) -> Result<Vec<Source>, InputError> {
    let stdin = manifest.as_os_str() == "-";
    let text = if stdin {
        std::io::read_to_string(std::io::stdin()).map_err(|e| io_err(manifest, e))?
    } else {
        std::fs::read_to_string(manifest).map_err(|e| io_err(manifest, e))?
    };
    let base = manifest.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let m: ManifestLine = serde_json::from_str(line).map_err(|source| InputError::Manifest {
            path: manifest.display().to_string(),
            line: i + 1,
            source,
        })?;
        let path = if m.path.is_absolute() || stdin {
            m.path
        } else {
            base.join(m.path)
        };
        out.push(Source {
            path: Some(path),
            url: m.url,
        });
    }
    Ok(out)
}

/// Read a source's bytes, gunzipping `.gz` files (and gzip bytes on stdin), at most
/// `max + 1` bytes: never more is buffered, and [`crate::process`] tells a page over its
/// `max_bytes` limit by that extra byte.
pub fn read(src: &Source, max: usize) -> Result<Vec<u8>, InputError> {
    let cap = (max as u64).saturating_add(1);
    let name = src.display();
    let err = |e| io_err(Path::new(&name), e);
    let mut reader: Box<dyn Read> = match &src.path {
        Some(p) => Box::new(File::open(p).map_err(|e| io_err(p, e))?),
        None => Box::new(std::io::stdin().lock()),
    };
    // The first two bytes tell gzip; a pipe may deliver them in separate reads.
    let mut magic = Vec::with_capacity(2);
    (&mut reader).take(2).read_to_end(&mut magic).map_err(err)?;
    let gzip = magic == [0x1f, 0x8b];
    let reader = BufReader::new(std::io::Cursor::new(magic).chain(reader));
    let mut out = Vec::new();
    if gzip {
        MultiGzDecoder::new(reader).take(cap).read_to_end(&mut out)
    } else {
        reader.take(cap).read_to_end(&mut out)
    }
    .map_err(err)?;
    Ok(out)
}

/// One page to process.
pub enum Job {
    /// A page file or stdin, read by the worker.
    File(Source),
    /// An HTML response read from a WARC file.
    Warc(Box<WarcPage>),
    /// A WARC record or file that could not be read: the message for stderr.
    Bad(String),
}

/// The pages of the inputs, in order: page files as they are, WARC files opened when
/// reached and streamed one HTML response at a time.
pub struct Jobs {
    sources: std::vec::IntoIter<Source>,
    /// The WARC file being read.
    warc: Option<WarcPages<BufReader<File>>>,
    /// Counts of the WARC files finished.
    counts: Counts,
    /// Bytes of the inputs finished (compressed size for `.warc.gz`), for progress.
    done_bytes: u64,
    /// Largest WARC payload read (`--max-page-size`).
    max_payload: usize,
}

impl Jobs {
    /// Jobs for these sources; WARC payloads over `max_payload` bytes are reported as too
    /// large.
    pub fn new(sources: Vec<Source>, max_payload: usize) -> Jobs {
        Jobs {
            sources: sources.into_iter(),
            warc: None,
            counts: Counts::default(),
            done_bytes: 0,
            max_payload,
        }
    }

    /// What the WARC files held so far.
    pub fn warc_counts(&self) -> Counts {
        let mut c = self.counts;
        if let Some(w) = &self.warc {
            c.add(&w.counts());
        }
        c
    }

    /// Bytes of input read so far (file sizes; compressed bytes of WARC files).
    pub fn bytes_read(&self) -> u64 {
        self.done_bytes + self.warc.as_ref().map_or(0, |w| w.bytes_read())
    }
}

/// Size of an input file, 0 when unknown (stdin).
pub fn input_size(src: &Source) -> u64 {
    src.path
        .as_ref()
        .and_then(|p| std::fs::metadata(p).ok())
        .map_or(0, |m| m.len())
}

fn open_warc(p: &Path, max_payload: usize) -> Result<WarcPages<BufReader<File>>, InputError> {
    let f = File::open(p).map_err(|e| io_err(p, e))?;
    WarcPages::new(BufReader::with_capacity(WARC_BUFFER, f), &p.display().to_string())
        .map(|w| w.with_max_payload(max_payload))
        .map_err(|e| io_err(p, e))
}

impl Iterator for Jobs {
    type Item = Job;

    fn next(&mut self) -> Option<Job> {
        loop {
            if let Some(w) = &mut self.warc {
                match w.next() {
                    Some(Ok(page)) => return Some(Job::Warc(Box::new(page))),
                    Some(Err(msg)) => return Some(Job::Bad(msg)),
                    None => {
                        self.counts.add(&w.counts());
                        self.done_bytes += w.bytes_read();
                        self.warc = None;
                    }
                }
            }
            let src = self.sources.next()?;
            match &src.path {
                Some(p) if is_warc_file(p) => match open_warc(p, self.max_payload) {
                    Ok(w) => self.warc = Some(w),
                    Err(e) => return Some(Job::Bad(e.to_string())),
                },
                _ => {
                    self.done_bytes += input_size(&src);
                    return Some(Job::File(src));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_gz_and_lists_dirs_sorted() {
        let dir = std::env::temp_dir().join(format!("nh-input-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
        std::fs::write(dir.join("b.html"), "<p>b</p>").expect("write");
        std::fs::write(dir.join("notes.txt"), "x").expect("write");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<p>a</p>").expect("gz");
        std::fs::write(dir.join("sub/a.html.gz"), gz.finish().expect("gz")).expect("write");
        let srcs = expand(std::slice::from_ref(&dir), None).expect("expand");
        assert_eq!(srcs.len(), 2);
        assert!(srcs[0].display().ends_with("b.html"));
        assert_eq!(read(&srcs[1], 1 << 20).expect("read"), b"<p>a</p>");
        assert_eq!(read(&srcs[1], 3).expect("read").len(), 4, "one byte over the cap");
        std::fs::write(
            dir.join("m.jsonl"),
            "{\"path\":\"b.html\",\"url\":\"https://x.test/b\"}\n\n",
        )
        .expect("write");
        let m = read_manifest(&dir.join("m.jsonl")).expect("manifest");
        assert_eq!(m[0].url.as_deref(), Some("https://x.test/b"));
        assert_eq!(read(&m[0], 1 << 20).expect("read"), b"<p>b</p>");
        std::fs::write(dir.join("bad.jsonl"), "{\"pth\":1}\n").expect("write");
        assert!(read_manifest(&dir.join("bad.jsonl"))
            .expect_err("bad")
            .to_string()
            .contains("bad.jsonl:1"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
