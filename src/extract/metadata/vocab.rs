//! The words of bylines, in one place: the labels that introduce a writer ("By", "Written
//! by", "Eingestellt von", "Autor:"), the words that join names, the particles inside them,
//! the job titles after them, the folders of author pages, and the labels of a byline's
//! dates. Two readers use them: the byline scanner
//! ([`super::byline`]) decides with them where a byline *starts* on the page, the name
//! normaliser ([`super::authors`]) *strips* them from the text it is given. Where the two
//! deliberately differ (a scan must not take "Published by …" for a byline; the normaliser
//! may strip it from text already known to be one), the difference is a named list here, not
//! a second copy. Data and regex pieces only: nothing here reads a page.

/// One-word labels before a writer's name: "By", "Von", "Por", "Par".
pub(super) const BY_WORDS: &[&str] = &["by", "von", "por", "par"];

/// Participles that say "written" before each language's word for "by" ("Written by",
/// "Eingestellt von", "Escrito por", "Écrit par", "Scritto da"), for both readers. Regex
/// pieces, matched case-insensitively.
pub(super) const WRITTEN_BY: &[(&str, &[&str])] = &[
    (
        "by",
        &[
            "written", "reported", "story", "words", "text", "article", "posted",
        ],
    ),
    (
        "von",
        &[
            "eingestellt",
            "erstellt",
            "gespeichert",
            "verfasst",
            "geschrieben",
            "gepostet",
        ],
    ),
    ("por", &["escrito", "publicado", "redactado"]),
    ("par", &["écrit", "publié", "rédigé"]),
    ("da", &["scritto", "pubblicato"]),
];

/// Participles only the scanner takes as a byline start: "Photos and text by", "Ein Beitrag
/// von" open a byline, and nothing else.
pub(super) const SCAN_ONLY_WRITTEN_BY: &[(&str, &[&str])] =
    &[("by", &["photos? and text"]), ("von", &[r"ein\s+beitrag"])];

/// Participles only the normaliser strips: in page text "Published by …" names a publisher
/// and "Alle Beiträge von …" is an archive link, but in an author string they precede the
/// name ("Reporting by Jane Doe; Editing by …").
pub(super) const STRIP_ONLY_WRITTEN_BY: &[(&str, &[&str])] = &[
    ("by", &["published", "compiled", r"(?:additional\s+)?reporting"]),
    ("von", &[r"alle\s+beiträge"]),
];

/// Nouns that label a name ("Author: Jane", "Autorin: Max"), for both readers. Regex pieces,
/// matched case-insensitively.
pub(super) const AUTHOR_NOUNS: &[&str] = &["authors?", "autor(?:in|en)?", "auteur", "autore"];

/// Words that always join two names ("A and B", "A und B", "A et B", "A & B").
pub(super) const NAME_JOINERS: &[&str] = &["and", "und", "et", "&"];

/// One-letter words that join names ("A y B", "A e B", "A i B") but are also particles
/// inside one name ("Ortega y Gasset"): see [`NAME_PARTICLES`].
pub(super) const INITIAL_JOINERS: &[&str] = &["y", "e", "i"];

/// Lower-case particles that occur inside personal names.
pub(super) const NAME_PARTICLES: &[&str] = &[
    "de", "da", "das", "do", "dos", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den",
    "ten", "ter", "y", "e", "i", "bin", "ibn", "al",
];

/// URL folders of author pages (`/author/jane-doe`), for both readers: the scanner takes a
/// link into one as a byline, the normaliser reads a name from the slug after one.
pub(super) const AUTHOR_PAGE_DIRS: &[&str] = &[
    "author",
    "authors",
    "autor",
    "autoren",
    "auteur",
    "auteurs",
    "contributor",
    "contributors",
    "writer",
    "writers",
    "journalist",
    "journalists",
];

/// Folders only the scanner follows: an editor's page linked from the article
/// (`/about/editors/jon-fingas/`).
pub(super) const LINK_ONLY_AUTHOR_DIRS: &[&str] = &["editors"];

/// Folders only the normaliser reads a name from: an author string that is such a URL names
/// a person, but a link into `/people/` or `/team/` on a page is as often a staff list.
pub(super) const SLUG_ONLY_AUTHOR_DIRS: &[&str] = &[
    "autore",
    "autori",
    "autores",
    "people",
    "person",
    "profile",
    "profiles",
    "staff",
    "by",
    "journalisten",
    "columnist",
    "columnists",
    "reporter",
    "reporters",
    "redaktion",
    "team",
];

/// The labels Yoast SEO writes in `twitter:labelN` (in the site's language) when
/// `twitter:dataN` names the writer.
pub(super) const YOAST_WRITTEN_BY: &[&str] = &[
    "written by",
    "author",
    "verfasst von",
    "geschrieben von",
    "autor",
    "autorin",
    "escrito por",
    "écrit par",
    "rédigé par",
    "scritto da",
    "geschreven door",
    "napisane przez",
    "skrevet av",
    "skrivet av",
    "kirjoittanut",
];

/// Capitalised words that qualify a job title after a name ("Senior Politics Editor").
pub(super) const ROLE_MODIFIERS: &[&str] = &[
    "Senior",
    "Junior",
    "Chief",
    "Deputy",
    "Associate",
    "Assistant",
    "Managing",
    "Executive",
    "Contributing",
    "Staff",
    "Special",
    "Foreign",
    "National",
    "International",
    "Political",
    "Politics",
    "Business",
    "Science",
    "Sport",
    "Sports",
    "Health",
    "Technology",
    "Tech",
    "Digital",
    "News",
    "Investigative",
    "Freelance",
    "Local",
    "Metro",
    "Feature",
    "Features",
    "Opinion",
    "Entertainment",
    "Culture",
    "Travel",
    "Data",
    "Video",
    "Photo",
    "Web",
    "Breaking",
];
/// Capitalised job titles cut from the end of a name ("Howard BlumeStaff Writer").
pub(super) const ROLE_NOUNS: &[&str] = &[
    "Writer",
    "Reporter",
    "Correspondent",
    "Editor",
    "Contributor",
    "Columnist",
    "Journalist",
    "Producer",
    "Photographer",
    "Analyst",
];
/// Labels of the dates a byline carries ("Published", "Updated", "Mis à jour"), as regex
/// pieces matched case-insensitively. The date parser tolerates a wider list before a whole
/// date string (`dates::LABEL_RE`: also "created", "dated", "date"…); in a byline those words
/// would cut names.
pub(super) const DATE_LABELS: &[&str] = &[
    "published",
    "updated",
    "modified",
    "posted",
    "veröffentlicht",
    "aktualisiert",
    "publiée?",
    r"mise?\s+à\s+jour",
    "publicad[oa]",
    "actualizado",
    "atualizado",
    "pubblicato",
    "aggiornato",
    "opublikowano",
    "gepubliceerd",
    "bijgewerkt",
    "stand",
];

/// Words between a date label and its date ("Published on", "Mis à jour le").
pub(super) const DATE_LABEL_LINKS: &[&str] = &["on", "at", "am", "le", "el", "em", "il", "op"];

/// `words` as one regex alternation (the words are regex pieces already).
pub(super) fn any_of(words: &[&str]) -> String {
    words.join("|")
}

/// The "<participle> <by-word>" labels of [`WRITTEN_BY`] with the `extra` participles of one
/// reader, as one regex alternation: `(?i:written|…)\s+by|(?i:eingestellt|…)\s+von|…`.
pub(super) fn written_by(extra: &[(&str, &[&str])]) -> String {
    WRITTEN_BY
        .iter()
        .map(|(by, words)| {
            let more = extra.iter().filter(|(b, _)| b == by).flat_map(|(_, w)| w.iter());
            let all: Vec<&str> = words.iter().chain(more).copied().collect();
            format!(r"(?i:{})\s+{by}", all.join("|"))
        })
        .collect::<Vec<_>>()
        .join("|")
}
