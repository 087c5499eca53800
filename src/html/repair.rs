//! Repairs of markup that no parser recovers from, applied to the decoded page before the
//! parse. Today one: a `<title>` that is never closed. The tree builder reads a title as
//! raw text up to `</title>`, so without one the whole page becomes the title and the body
//! is empty. In: the decoded page. Out: the page, unchanged unless it needed the repair.

use std::borrow::Cow;

/// Close a `<title>` that has no `</title>` anywhere at the first `<` after it: a title holds
/// no markup, so that `<` starts the body (or the rest of the head).
pub fn close_unclosed_title(text: &str) -> Cow<'_, str> {
    let Some(open) = find_ascii_ci(text.as_bytes(), b"<title") else {
        return Cow::Borrowed(text);
    };
    if find_ascii_ci(text.as_bytes(), b"</title").is_some() {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let Some(tag_end) = bytes[open..]
        .iter()
        .position(|b| *b == b'>')
        .map(|p| open + p + 1)
    else {
        return Cow::Borrowed(text);
    };
    let Some(next) = bytes[tag_end..]
        .iter()
        .position(|b| *b == b'<')
        .map(|p| tag_end + p)
    else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + TITLE_CLOSE.len());
    out.push_str(&text[..next]);
    out.push_str(TITLE_CLOSE);
    out.push_str(&text[next..]);
    Cow::Owned(out)
}

/// The end tag the repair inserts.
const TITLE_CLOSE: &str = "</title>";

/// Byte offset of the first ASCII case-insensitive occurrence of `needle`.
fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle.first()?.to_ascii_lowercase();
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), hay).find(|&i| {
        hay.get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closes_a_title_left_open() {
        let page = "<html><head><title>Headline | Site\n<meta charset=utf-8></head><body><p>Text</p>";
        assert_eq!(
            close_unclosed_title(page),
            "<html><head><title>Headline | Site\n</title><meta charset=utf-8></head><body><p>Text</p>"
        );
    }

    #[test]
    fn leaves_closed_and_missing_titles_alone() {
        for page in [
            "<TITLE>A</Title><p>x",
            "<p>no title</p>",
            "<title>A <b>x</b></TITLE>",
        ] {
            assert!(matches!(close_unclosed_title(page), Cow::Borrowed(_)), "{page}");
        }
    }
}
