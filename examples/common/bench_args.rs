//! The command line of the crawl benchmarks: `[HOSTS] [ARTICLES] [RATE]` (default 200 hosts
//! × 50 articles at 5 requests/s per host) plus `--name VALUE` flags.

/// Parsed benchmark arguments.
pub struct BenchArgs {
    all: Vec<String>,
    /// Hosts of the loopback web.
    pub hosts: usize,
    /// Articles per host.
    pub articles: usize,
    /// Requests per second per host.
    pub rate: f64,
}

impl BenchArgs {
    /// From the process's arguments after the program name.
    pub fn parse(all: Vec<String>) -> BenchArgs {
        let positional: Vec<&String> = all
            .iter()
            .enumerate()
            .filter(|(i, a)| !(a.starts_with("--") || *i > 0 && all[i - 1].starts_with("--")))
            .map(|(_, a)| a)
            .collect();
        let hosts = positional.first().and_then(|a| a.parse().ok()).unwrap_or(200);
        let articles = positional.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
        let rate = positional.get(2).and_then(|a| a.parse().ok()).unwrap_or(5.0);
        BenchArgs {
            all,
            hosts,
            articles,
            rate,
        }
    }

    /// The value of `--name VALUE`.
    pub fn flag(&self, name: &str) -> Option<String> {
        self.all
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.all.get(i + 1))
            .cloned()
    }
}
