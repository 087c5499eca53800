//! Where pages come from when extracting files: paths, directories (recursively, sorted),
//! `.gz` files, stdin (`-`) and JSONL manifests of `{"path","url"}`. Reads bytes only; no
//! decoding or parsing here.

use flate2::read::MultiGzDecoder;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest page accepted (after gunzip): bigger inputs are cut, never buffered unbounded.
pub const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

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
    #[error("{path}:{line}: bad manifest line: {message}")]
    Manifest {
        /// The manifest.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

fn io_err(path: &Path, source: std::io::Error) -> InputError {
    InputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// True for file names this tool reads from directories.
pub fn is_page_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_lowercase();
    [".html", ".htm", ".xhtml", ".html.gz", ".htm.gz"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Expand the command-line inputs: `-` is stdin, a directory yields its page files
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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    for entry in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let path = entry.map_err(|e| io_err(dir, e))?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if is_page_file(&path) {
            out.push(path);
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
/// the manifest's directory. Blank lines are skipped.
pub fn read_manifest(manifest: &Path) -> Result<Vec<Source>, InputError> {
    let text = std::fs::read_to_string(manifest).map_err(|e| io_err(manifest, e))?;
    let base = manifest.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let m: ManifestLine = serde_json::from_str(line).map_err(|e| InputError::Manifest {
            path: manifest.display().to_string(),
            line: i + 1,
            message: e.to_string(),
        })?;
        let path = if m.path.is_absolute() {
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

/// Read a source's bytes, gunzipping `.gz` files (and gzip bytes on stdin), capped at
/// [`MAX_PAGE_BYTES`].
pub fn read(src: &Source) -> Result<Vec<u8>, InputError> {
    let raw = match &src.path {
        Some(p) => {
            let f = std::fs::File::open(p).map_err(|e| io_err(p, e))?;
            let mut buf = Vec::new();
            f.take(MAX_PAGE_BYTES)
                .read_to_end(&mut buf)
                .map_err(|e| io_err(p, e))?;
            buf
        }
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_PAGE_BYTES)
                .read_to_end(&mut buf)
                .map_err(|e| io_err(Path::new("-"), e))?;
            buf
        }
    };
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        MultiGzDecoder::new(&raw[..])
            .take(MAX_PAGE_BYTES)
            .read_to_end(&mut out)
            .map_err(|e| io_err(Path::new(&src.display()), e))?;
        return Ok(out);
    }
    Ok(raw)
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
        assert_eq!(read(&srcs[1]).expect("read"), b"<p>a</p>");
        std::fs::write(
            dir.join("m.jsonl"),
            "{\"path\":\"b.html\",\"url\":\"https://x.test/b\"}\n\n",
        )
        .expect("write");
        let m = read_manifest(&dir.join("m.jsonl")).expect("manifest");
        assert_eq!(m[0].url.as_deref(), Some("https://x.test/b"));
        assert_eq!(read(&m[0]).expect("read"), b"<p>b</p>");
        std::fs::write(dir.join("bad.jsonl"), "{\"pth\":1}\n").expect("write");
        assert!(read_manifest(&dir.join("bad.jsonl"))
            .expect_err("bad")
            .to_string()
            .contains("bad.jsonl:1"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
