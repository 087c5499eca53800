//! Builds the vendored lexbor HTML parser (`vendor/lexbor/`, see its README) and our C shim
//! (`src/html/engine/shim.c`) into one static library with the `cc` crate: no system
//! library, no download, no bindgen. lexbor's warnings are silenced (vendor code, built as
//! upstream ships it); the shim is ours and built with the same flags.
//!
//! Three lexbor functions are intercepted without editing the vendored files: every lexbor
//! file is compiled with `-Dlxb_html_interface_create=nh_counted_interface_create` (each node
//! the tree builder creates is counted: the node cap is exact),
//! `-Dlexbor_hash_insert=nh_hash_insert` (lexbor's fixed 128-bucket name tables grow: linear
//! in distinct names, not quadratic) and `-Dlexbor_str_append=nh_str_append` (a text node
//! appended to piece by piece grows geometrically: linear, not quadratic).
//! `html/interface.c`, `core/hash.c` and `core/str.c`, which define the real functions, are
//! left out of the list and compiled inside the shim, where the names mean lexbor's own
//! functions again. See `shim.c`.
//!
//! `NEWSHARVEST_SANITIZE=1` builds the C (only the C) with AddressSanitizer and UBSan, with
//! lexbor's own pool poisoning on (`LEXBOR_HAVE_ADDRESS_SANITIZER`), and links the shared
//! sanitizer runtimes (`libasan`, `libubsan` of the C compiler) as native libraries of this
//! crate, so every binary, test and example that links it is instrumented; stable Rust,
//! nothing else to set (Linux, gcc or clang):
//! `NEWSHARVEST_SANITIZE=1 cargo test --release --test engine_fuzz --test engine_conformance`.
//! Switching the variable rebuilds only this crate's C (the Rust dependencies are unchanged).
//! Leak checking is LeakSanitizer's default; run with `ASAN_OPTIONS=detect_leaks=0` to skip.

use std::path::{Path, PathBuf};

/// lexbor's modules an HTML parse needs (`single.pl --module-deps --recursive html`: core,
/// dom, ns, tag) and the POSIX port (memory, fs and timing functions of `core`).
const MODULES: &[&str] = &["core", "dom", "html", "ns", "tag", "ports/posix/lexbor/core"];
/// The files the shim compiles itself (see the module comment).
const INCLUDED_BY_SHIM: &[&str] = &["html/interface.c", "core/hash.c", "core/str.c"];
/// The renamed functions (see the module comment).
const RENAMED: &[(&str, &str)] = &[
    ("lxb_html_interface_create", "nh_counted_interface_create"),
    ("lexbor_hash_insert", "nh_hash_insert"),
    ("lexbor_str_append", "nh_str_append"),
];
/// Where the vendored sources live; their include paths are relative to this directory.
const SOURCE_ROOT: &str = "vendor/lexbor/source";
/// Our side of the binding.
const SHIM: &str = "src/html/engine/shim.c";

fn c_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            c_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "c") {
            out.push(path);
        }
    }
}

/// Link the ASan and UBSan runtimes (shared) into everything that links this crate. rustc
/// links with `-nodefaultlibs`, so the compiler driver's `-fsanitize=…` would not add them;
/// as native libraries of this crate they come before libc, which puts libasan first among
/// the executable's libraries, as ASan requires (no `LD_PRELOAD` needed).
fn link_sanitizer_runtimes(build: &cc::Build) {
    let compiler = build.get_compiler();
    for lib in ["asan", "ubsan"] {
        let out = std::process::Command::new(compiler.path())
            .arg(format!("-print-file-name=lib{lib}.so"))
            .output();
        let path = out
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| PathBuf::from(s.trim()));
        if let Some(dir) = path.as_deref().and_then(Path::parent) {
            println!("cargo:rustc-link-search=native={}", dir.display());
        }
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
}

fn main() {
    let root = Path::new(SOURCE_ROOT).join("lexbor");
    let mut files = Vec::new();
    for module in MODULES {
        c_files(&root.join(module), &mut files);
    }
    let skip: Vec<PathBuf> = INCLUDED_BY_SHIM.iter().map(|f| root.join(f)).collect();
    files.retain(|f| !skip.contains(f));

    let sanitize = std::env::var("NEWSHARVEST_SANITIZE").is_ok_and(|v| v == "1");
    let mut build = cc::Build::new();
    build
        .files(&files)
        .file(SHIM)
        .include(SOURCE_ROOT)
        .define("LEXBOR_STATIC", None)
        .flag_if_supported("-std=c99")
        .warnings(false)
        .extra_warnings(false)
        .flag_if_supported("-w");
    for (from, to) in RENAMED {
        build.define(from, Some(*to));
    }
    if !build.get_compiler().is_like_msvc() {
        // The POSIX port's clock_gettime and friends (lexbor's port.conf).
        build.define("_POSIX_C_SOURCE", Some("199309L"));
    }
    if sanitize {
        build
            .opt_level(1)
            .debug(true)
            .flag("-fsanitize=address,undefined")
            .flag("-fno-omit-frame-pointer")
            .flag("-fno-sanitize-recover=undefined")
            .define("LEXBOR_HAVE_ADDRESS_SANITIZER", None);
        link_sanitizer_runtimes(&build);
    } else {
        build.opt_level(2);
    }
    build.compile("newsharvest_lexbor");

    println!("cargo:rerun-if-changed={SOURCE_ROOT}");
    println!("cargo:rerun-if-changed={SHIM}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=NEWSHARVEST_SANITIZE");
}
