//! Sharded extraction as a batch engine runs it: N ranks of `extract --shard I/N -o DIR/`
//! (or `auto/N` from Slurm's or Kubernetes' rank variables), plus a rerun of one rank,
//! together write exactly the records of one unsharded run; a rerun replaces its rank's
//! output; `--shard-by record` divides the records of one WARC file.

mod common;

use common::{gzip, warc_record};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsharvest"))
}

/// The binary, run in `dir`.
fn bin_in(dir: &Path) -> Command {
    let mut c = bin();
    c.current_dir(dir);
    c
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nh-shard-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp");
    d
}

/// The golden fixture pages.
fn fixture_pages() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("case-"))
        .map(|e| e.path().join("page.html"))
        .collect();
    pages.sort();
    pages
}

/// A WARC file (one gzip member per record) with a response for each page.
fn write_warc(path: &Path, pages: &[PathBuf]) {
    let mut members = vec![gzip(&warc_record("warcinfo", "", b"software: test\r\n"))];
    for (i, p) in pages.iter().enumerate() {
        let body = std::fs::read(p).expect("page");
        let http = [
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".as_slice(),
            &body,
        ]
        .concat();
        members.push(gzip(&warc_record(
            "response",
            &format!("https://w.test/story/{i}"),
            &http,
        )));
    }
    std::fs::write(path, members.concat()).expect("warc");
}

/// A corpus in `d/corpus`: the fixture pages as files, three sections of them, and a WARC
/// file of 12 of them. Returned as the relative path `corpus`: the commands run in `d`, so
/// the inputs' keys (their paths as given) and so the ranks' shares are the same every time.
fn corpus(d: &Path) -> PathBuf {
    let root = d.join("corpus");
    let pages = fixture_pages();
    for section in ["world", "sport", "culture"] {
        std::fs::create_dir_all(root.join(section)).expect("section");
        for p in &pages {
            let name = p.parent().and_then(Path::file_name).expect("case name");
            std::fs::copy(
                p,
                root.join(section)
                    .join(format!("{}.html", name.to_string_lossy())),
            )
            .expect("copy");
        }
    }
    std::fs::create_dir_all(root.join("warc")).expect("warc dir");
    write_warc(&root.join("warc/crawl.warc.gz"), &pages[..pages.len().min(12)]);
    PathBuf::from("corpus")
}

/// Lines of a JSONL output (zstd when so named), counted.
fn lines(path: &Path) -> BTreeMap<String, usize> {
    let raw = std::fs::read(path).expect("output");
    let text = if path.to_string_lossy().ends_with(".zst") {
        String::from_utf8(zstd::decode_all(&raw[..]).expect("zstd")).expect("utf-8")
    } else {
        String::from_utf8(raw).expect("utf-8")
    };
    let mut m = BTreeMap::new();
    for l in text.lines() {
        serde_json::from_str::<serde_json::Value>(l).expect("a readable line");
        *m.entry(l.to_string()).or_insert(0) += 1;
    }
    m
}

/// The union of the complete rank outputs of a directory, and the markers' record counts.
fn union(dir: &Path, ranks: u32) -> (BTreeMap<String, usize>, Vec<u64>) {
    let mut all = BTreeMap::new();
    let mut counts = Vec::new();
    for i in 0..ranks {
        let stem = format!("rank-{i:05}-of-{ranks:05}");
        let marker: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{stem}.done"))).expect("marker"))
                .expect("marker json");
        let out = lines(&dir.join(format!("{stem}.jsonl.zst")));
        let n: usize = out.values().sum();
        assert_eq!(marker["records"].as_u64(), Some(n as u64), "{stem}");
        counts.push(n as u64);
        for (l, c) in out {
            *all.entry(l).or_insert(0) += c;
        }
    }
    let names: Vec<String> = std::fs::read_dir(dir)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    (all, counts)
}

fn run(cmd: &mut Command) -> std::process::Output {
    let o = cmd.output().expect("run newsharvest");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn four_ranks_and_a_rerun_write_exactly_the_records_of_one_run() {
    let d = tmp("ranks");
    let root = corpus(&d);
    let single = d.join("single.jsonl");
    run(bin_in(&d)
        .args(["extract", "--quiet"])
        .arg(&root)
        .arg("-o")
        .arg(&single));
    let want = lines(&single);
    assert_eq!(want.values().sum::<usize>(), 3 * fixture_pages().len() + 12);

    let out = d.join("out");
    let out_arg = format!("{}/", out.display());
    for i in 0..4 {
        run(bin_in(&d)
            .args(["extract", "--quiet", "--shard", &format!("{i}/4"), "-o", &out_arg])
            .arg(&root));
    }
    let (first, counts) = union(&out, 4);
    assert_eq!(first, want, "4 ranks = one run");
    assert!(counts.iter().all(|n| *n > 0), "every rank had work: {counts:?}");
    // A rerun of rank 2 (after a kill left its temporary file) replaces its output.
    std::fs::write(out.join(".rank-00002-of-00004.jsonl.zst.tmp"), b"half a shard").expect("leftover");
    run(bin_in(&d)
        .args(["extract", "--quiet", "--shard", "2/4", "-o", &out_arg])
        .arg(&root));
    let (again, _) = union(&out, 4);
    assert_eq!(again, want, "a rerun replaces, never duplicates");

    // The same ranks from the batch engines' variables: a Slurm array numbered 1-4, and a
    // Kubernetes Indexed Job.
    let auto = d.join("auto");
    let auto_arg = format!("{}/", auto.display());
    for i in 0..4u32 {
        let mut cmd = bin_in(&d);
        cmd.args(["extract", "--quiet", "--shard", "auto/4", "-o", &auto_arg])
            .arg(&root)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX");
        if i % 2 == 0 {
            cmd.env("SLURM_ARRAY_TASK_ID", (i + 1).to_string())
                .env("SLURM_ARRAY_TASK_MIN", "1")
                .env("SLURM_ARRAY_TASK_COUNT", "4");
        } else {
            cmd.env("JOB_COMPLETION_INDEX", i.to_string());
        }
        run(&mut cmd);
    }
    assert_eq!(union(&auto, 4).0, want, "auto/4 = one run");
    // A rank without its variable, or of another count, is refused (exit 2).
    let o = bin_in(&d)
        .args(["extract", "--quiet", "--shard", "auto/4", "-o", &auto_arg])
        .arg(&root)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("SLURM_ARRAY_TASK_ID"));
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn records_of_one_warc_file_are_divided_with_shard_by_record() {
    let d = tmp("records");
    let root = corpus(&d);
    let warc = root.join("warc/crawl.warc.gz");
    let single = d.join("single.jsonl");
    run(bin_in(&d)
        .args(["extract", "--quiet"])
        .arg(&warc)
        .arg("-o")
        .arg(&single));
    let want = lines(&single);
    assert_eq!(want.values().sum::<usize>(), 12);
    let out = d.join("out");
    let out_arg = format!("{}/", out.display());
    for i in 0..3 {
        run(bin_in(&d)
            .args([
                "extract",
                "--quiet",
                "--shard-by",
                "record",
                "--shard",
                &format!("{i}/3"),
            ])
            .args(["-o", &out_arg])
            .arg(&warc));
    }
    let (got, counts) = union(&out, 3);
    assert_eq!(got, want);
    assert!(
        counts.iter().filter(|n| **n > 0).count() >= 2,
        "one file divided: {counts:?}"
    );
    // By file, the one WARC file goes to one rank whole.
    let by_file = d.join("by-file");
    let by_file_arg = format!("{}/", by_file.display());
    for i in 0..3 {
        run(bin_in(&d)
            .args([
                "extract",
                "--quiet",
                "--shard",
                &format!("{i}/3"),
                "-o",
                &by_file_arg,
            ])
            .arg(&warc));
    }
    let (got, counts) = union(&by_file, 3);
    assert_eq!(got, want);
    assert_eq!(counts.iter().filter(|n| **n > 0).count(), 1, "{counts:?}");
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn stdin_cannot_be_sharded_and_stdout_still_streams() {
    let page = fixture_pages().into_iter().next().expect("a fixture");
    let o = bin()
        .args(["extract", "--quiet", "--shard", "0/2", "-"])
        .stdin(std::fs::File::open(&page).expect("page"))
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stdin"));
    // `-` to stdout, as `rdd.pipe` uses it, is unchanged.
    let o = bin()
        .args(["extract", "--quiet", "-"])
        .stdin(std::fs::File::open(&page).expect("page"))
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
}

#[test]
fn a_rank_is_one_attempt_at_a_time_and_never_a_shared_file() {
    let d = tmp("attempts");
    let root = corpus(&d);
    // -o FILE with --shard: N ranks would overwrite one another (exit 2).
    let o = bin_in(&d)
        .args(["extract", "--quiet", "--shard", "0/2", "-o", "out.jsonl"])
        .arg(&root)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("directory"));
    assert!(!d.join("out.jsonl").exists());
    // While another attempt of rank 1 holds its lock (a requeued task whose first attempt
    // still runs), a second attempt exits 5 and leaves the first one's files alone.
    let out = d.join("out");
    std::fs::create_dir_all(&out).expect("out");
    let held = std::fs::File::create(out.join(".rank-00001-of-00002.lock")).expect("lock file");
    held.try_lock().expect("lock");
    let o = bin_in(&d)
        .args([
            "extract",
            "--quiet",
            "--shard",
            "1/2",
            "-o",
            &format!("{}/", out.display()),
        ])
        .arg(&root)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(5), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join(".rank-00001-of-00002.jsonl.zst.tmp").exists());
    drop(held);
    run(bin_in(&d)
        .args([
            "extract",
            "--quiet",
            "--shard",
            "1/2",
            "-o",
            &format!("{}/", out.display()),
        ])
        .arg(&root));
    assert!(out.join("rank-00001-of-00002.done").exists());
    let _ = std::fs::remove_dir_all(d);
}

/// The records of a rank's Parquet output as the JSON lines of a JSONL run, counted.
fn parquet_lines(path: &Path) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for v in newsharvest::output::parquet::read::values(path).expect("a readable Parquet file") {
        let rec: newsharvest::Record = serde_json::from_value(v).expect("a record");
        *m.entry(serde_json::to_string(&rec).expect("json")).or_insert(0) += 1;
    }
    m
}

#[test]
fn parquet_ranks_write_exactly_the_records_of_one_run() {
    let d = tmp("parquet");
    let root = corpus(&d);
    let single = d.join("single.jsonl");
    run(bin_in(&d)
        .args(["extract", "--quiet"])
        .arg(&root)
        .arg("-o")
        .arg(&single));
    let want = lines(&single);
    let out = d.join("out");
    let out_arg = format!("{}/", out.display());
    let rank = |i: u32, format: &str| {
        run(bin_in(&d)
            .args([
                "extract",
                "--quiet",
                "--format",
                format,
                "--shard",
                &format!("{i}/3"),
                "-o",
                &out_arg,
            ])
            .arg(&root));
    };
    for i in 0..3 {
        rank(i, "parquet");
    }
    let mut got = BTreeMap::new();
    for i in 0..3 {
        let stem = format!("rank-{i:05}-of-00003");
        let marker: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(format!("{stem}.done"))).expect("marker"))
                .expect("marker json");
        assert_eq!(marker["output"], format!("{stem}.parquet"));
        let records = parquet_lines(&out.join(format!("{stem}.parquet")));
        assert_eq!(
            marker["records"].as_u64(),
            Some(records.values().sum::<usize>() as u64)
        );
        for (l, c) in records {
            *got.entry(l).or_insert(0) += c;
        }
    }
    assert_eq!(got, want, "3 Parquet ranks = one JSONL run");
    // A rerun of rank 1 in JSONL replaces its Parquet output (and a kill's leftover).
    std::fs::write(out.join(".rank-00001-of-00003.parquet.tmp"), b"half a file").expect("leftover");
    rank(1, "jsonl");
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("rank-00001"))
        .collect();
    assert_eq!(names.len(), 2, "its output and its marker: {names:?}");
    assert!(!out.join(".rank-00001-of-00003.parquet.tmp").exists());
    assert!(out.join("rank-00001-of-00003.jsonl.zst").exists());
    let _ = std::fs::remove_dir_all(d);
}
