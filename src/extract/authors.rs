//! Author names (temporary minimal version; replaced by the full normaliser).
/// Normalise raw author strings.
pub fn normalize_authors<S: AsRef<str>>(raw: &[S]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in raw {
        let t = crate::text::collapse_ws(r.as_ref());
        let t = t.strip_prefix("By ").unwrap_or(&t).to_string();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}
