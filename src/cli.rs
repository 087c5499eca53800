//! Command-line flags (clap derive). Raw flags only: `main.rs` validates and runs them.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Turn news pages into clean JSONL article records.
#[derive(Debug, Parser)]
#[command(name = "newsharvest", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract articles from saved pages (.html, .html.gz, directories, `-` for stdin).
    Extract(ExtractArgs),
    /// Score extraction against gold datasets (`pages/<id>.html[.gz]` + `gold.jsonl`).
    Eval(EvalArgs),
}

/// `newsharvest extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files, directories (read recursively) or `-` for stdin.
    pub inputs: Vec<PathBuf>,
    /// URL of the page (only with a single input).
    #[arg(long)]
    pub url: Option<String>,
    /// JSONL manifest of {"path": ..., "url": ...} lines.
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Write records here instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Extra rule directory (site files and themes/), consulted before the bundled rules.
    #[arg(long = "selectors")]
    pub selectors: Vec<PathBuf>,
    /// Add the removed texts to `extraction.explain`.
    #[arg(long)]
    pub explain: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `newsharvest eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Dataset directories.
    #[arg(required = true)]
    pub datasets: Vec<PathBuf>,
    /// Write every record (with `source_path`) to this JSONL file.
    #[arg(long)]
    pub predictions: Option<PathBuf>,
    /// Write per-page scores to this JSONL file.
    #[arg(long = "per-page")]
    pub per_page: Option<PathBuf>,
    /// Fail (exit 1) when a score is below the floors in this TOML file.
    #[arg(long)]
    pub floors: Option<PathBuf>,
    /// Extra rule directory.
    #[arg(long = "selectors")]
    pub selectors: Vec<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print the scores as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}
