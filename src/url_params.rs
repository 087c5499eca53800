//! Query parameters that never change what a page is: visitor and campaign tracking
//! (`utm_*`, `fbclid`, …) and session ids. The crawl drops them from its canonical URLs
//! (`crawl::urls::canonicalize`); the renderer drops them from the links and images it
//! writes. Pure functions over `key=value` pairs, no I/O.

use url::Url;

/// Query parameter names that only track the visitor or campaign and never change the page.
/// Matched ASCII case-insensitively against the percent-decoded key.
pub const TRACKING_PARAMS: &[&str] = &[
    "fbclid",               // Facebook click id
    "gclid",                // Google Ads click id
    "dclid",                // Google Display click id
    "gbraid",               // Google Ads iOS app-to-web id
    "wbraid",               // Google Ads iOS web-to-app id
    "msclkid",              // Microsoft Ads click id
    "mc_cid",               // Mailchimp campaign id
    "mc_eid",               // Mailchimp subscriber id
    "igshid",               // Instagram share id
    "yclid",                // Yandex click id
    "_ga",                  // Google Analytics cross-domain linker
    "_gl",                  // Google Analytics linker (gtag)
    "ref_src",              // Twitter/X referral source
    "ref_url",              // Twitter/X referral page
    "spm",                  // Alibaba/Taobao tracking
    "twclid",               // Twitter/X Ads click id
    "ttclid",               // TikTok Ads click id
    "li_fat_id",            // LinkedIn first-party ad id
    "_hsenc",               // HubSpot email tracking
    "_hsmi",                // HubSpot email tracking
    "mkt_tok",              // Marketo email tracking
    "oly_anon_id",          // Omeda
    "oly_enc_id",           // Omeda
    "vero_id",              // Vero email tracking
    "_openstat",            // Yandex Openstat
    "xtor",                 // AT Internet (Le Monde, Le Figaro, most French news sites)
    "ncid",                 // Yahoo/Verizon Media campaign id
    "ocid",                 // MSN/Microsoft Start campaign id
    "cmpid",                // campaign id (Economist, Telegraph, many others)
    "cmp",                  // Guardian share and campaign codes (CMP=share_btn_tw)
    "smid",                 // New York Times share id
    "icid",                 // internal campaign id
    "ito",                  // Times/Sun internal tracking
    "s_cid",                // Adobe Analytics campaign id
    "sr_share",             // share tracking
    "mbid",                 // Marketo/Mailchimp ids
    "rb_clickid",           // Outbrain/Revcontent click id
    "_branch_match_id",     // Branch deep-link id
    "__twitter_impression", // Twitter embed impression flag
    // Session ids: the same page under a new URL for every visitor (a crawler trap).
    "phpsessid",  // PHP
    "jsessionid", // Java servlets (also as a `;jsessionid=` path parameter)
    "sessionid",  // generic
    "session_id", // generic
    "sessid",     // generic
    "cfid",       // ColdFusion
    "cftoken",    // ColdFusion
    "oscsid",     // osCommerce
    "zenid",      // Zen Cart
];

/// Query parameter name prefixes that mark a whole family of tracking parameters.
pub const TRACKING_PARAM_PREFIXES: &[&str] = &[
    "utm_",         // Google Analytics campaign parameters (utm_source, utm_medium, ...)
    "pk_",          // Matomo/Piwik campaign parameters
    "mtm_",         // Matomo campaign parameters (new names)
    "at_",          // AT Internet (at_medium, at_campaign)
    "ns_",          // comScore (ns_campaign, ns_mchannel; BBC)
    "fb_",          // Facebook (fb_action_ids, fb_ref, fb_source)
    "wt.",          // Webtrends (WT.mc_id)
    "aspsessionid", // ASP classic session cookie (ASPSESSIONIDQSTRCBAT)
];

/// Query keys that are session ids only when the value looks like a session token
/// ([`SESSION_TOKEN_MIN_CHARS`] letters and digits): `sid` is a story id on some sites
/// (Slashdot's `sid=07/01/01/1234`), a session on others.
pub const SESSION_PARAMS_IF_TOKEN: &[&str] = &["sid", "s"];
/// A session token is at least this long (Heritrix strips `sid` values of 32).
pub const SESSION_TOKEN_MIN_CHARS: usize = 16;

/// The percent-decoded value of a raw `key=value` query pair.
fn decoded_value(pair: &str) -> String {
    let raw = pair.split_once('=').map_or("", |(_, v)| v);
    url::form_urlencoded::parse(format!("x={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A value that looks like a session token: long, letters and digits only, both present.
fn is_session_token(v: &str) -> bool {
    v.len() >= SESSION_TOKEN_MIN_CHARS
        && v.bytes().all(|b| b.is_ascii_alphanumeric())
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_alphabetic())
}

/// A `sid=<token>`-like pair (see [`SESSION_PARAMS_IF_TOKEN`]).
fn is_session_pair(key: &str, raw: &str) -> bool {
    SESSION_PARAMS_IF_TOKEN.contains(&key.to_ascii_lowercase().as_str())
        && is_session_token(&decoded_value(raw))
}

/// The percent-decoded key of a raw `key=value` query pair.
pub fn decoded_key(pair: &str) -> String {
    let raw_key = pair.split('=').next().unwrap_or(pair);
    url::form_urlencoded::parse(raw_key.as_bytes())
        .next()
        .map(|(k, _)| k.into_owned())
        .unwrap_or_default()
}

/// Whether a (decoded) query key is a known tracking parameter.
fn is_tracking_param(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&key.as_str()) || TRACKING_PARAM_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// Whether a raw `key=value` query pair is tracking or a session id.
pub fn is_noise_pair(pair: &str) -> bool {
    let key = decoded_key(pair);
    is_tracking_param(&key) || is_session_pair(&key, pair)
}

/// `url` without its tracking and session query pairs; the other pairs keep their order and
/// their encoding, and a query left empty goes.
pub fn without_noise(mut url: Url) -> Url {
    let Some(query) = url.query() else {
        return url;
    };
    if !query.split('&').any(is_noise_pair) {
        return url;
    }
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !is_noise_pair(p))
        .collect();
    let kept = kept.join("&");
    url.set_query((!kept.is_empty()).then_some(kept.as_str()));
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_and_session_pairs_go_the_rest_keeps_order_and_encoding() {
        let u = |s: &str| without_noise(Url::parse(s).unwrap()).to_string();
        assert_eq!(
            u("https://a.test/x?b=2&utm_source=tw&a=%C3%A9&fbclid=1#f"),
            "https://a.test/x?b=2&a=%C3%A9#f"
        );
        assert_eq!(
            u("https://a.test/x?utm_medium=x&UTM_Campaign=y"),
            "https://a.test/x"
        );
        assert_eq!(u("https://a.test/x?sid=1234"), "https://a.test/x?sid=1234");
        assert_eq!(
            u("https://a.test/x?sid=a1b2c3d4e5f6g7h8i9&id=3"),
            "https://a.test/x?id=3"
        );
        assert_eq!(u("https://a.test/x?id=3"), "https://a.test/x?id=3");
    }
}
