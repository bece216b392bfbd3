//! Message catalogs: every text a person reads, in their language and time zone. The catalogs are
//! Fluent files (`platform/locales/<language>/<area>.ftl`, embedded at build time); a language is
//! a folder of them, English the one every other falls back to, id by id.
//!
//! Each request runs in its viewer's [`Locale`] (set once by the `localize` middleware), so a
//! service makes a message with [`tr!`] where it decides on it, without every signature carrying
//! the locale. Outside a request (jobs, the CLI) messages are English in UTC.

use std::{borrow::Cow, fmt::Write as _, sync::LazyLock};

use chrono::{DateTime, NaiveDate, Utc, format::StrftimeItems};
use chrono_tz::Tz;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use unic_langid::LanguageIdentifier;

/// `(language code, [(file name, Fluent source)])` for every folder of `platform/locales`.
const SOURCES: &[(&str, &[(&str, &str)])] = include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));

const ENGLISH: &str = "en";

struct Catalog {
    code: &'static str,
    id: LanguageIdentifier,
    bundle: FluentBundle<FluentResource>,
}

/// Every catalog, English first. A catalog that does not parse is a bug the catalog test finds;
/// here its broken entries are left out (and fall back to English) rather than failing start-up.
static CATALOGS: LazyLock<Vec<Catalog>> = LazyLock::new(|| {
    let mut catalogs: Vec<Catalog> = SOURCES
        .iter()
        .map(|(code, files)| {
            let id: LanguageIdentifier = code.parse().expect("a catalog folder is a language code");
            let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
            // Isolation marks (U+2068/9) would end up inside attributes and e-mail subjects.
            bundle.set_use_isolating(false);
            for (file, source) in *files {
                let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(
                    |(partial, errors)| {
                        tracing::error!(code, file, ?errors, "message catalog does not parse");
                        partial
                    },
                );
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(code, file, ?errors, "message catalog has duplicate ids");
                }
            }
            Catalog { code, id, bundle }
        })
        .collect();
    catalogs.sort_by_key(|c| c.code != ENGLISH);
    assert_eq!(
        catalogs.first().map(|c| c.code),
        Some(ENGLISH),
        "English catalogs exist"
    );
    catalogs
});

/// A language Portico speaks: one of the catalog folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language(usize);

impl Default for Language {
    fn default() -> Self {
        Self::ENGLISH
    }
}

impl Language {
    pub const ENGLISH: Self = Self(0);

    /// Every language, English first.
    pub fn all() -> impl Iterator<Item = Self> {
        (0..CATALOGS.len()).map(Self)
    }

    /// The language of a code (`de`, `de-AT` → `de`), if Portico speaks it.
    pub fn parse(code: &str) -> Option<Self> {
        let wanted: LanguageIdentifier = code.trim().parse().ok()?;
        CATALOGS
            .iter()
            .position(|c| c.id.language == wanted.language)
            .map(Self)
    }

    /// The first language of an `Accept-Language` header Portico speaks, by the client's order.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        fluent_langneg::accepted_languages::parse(header)
            .iter()
            .find_map(|wanted| Self::parse(wanted.language.as_str()))
    }

    pub fn code(self) -> &'static str {
        CATALOGS[self.0].code
    }

    /// The language's own name (`Deutsch`), as a language switch shows it.
    pub fn name(self) -> String {
        self.message("language-name", None)
    }

    /// The message `id` in this language, falling back to English, then to the id itself (which
    /// the catalog test makes sure never happens).
    pub fn message(self, id: &str, args: Option<&FluentArgs>) -> String {
        [self.0, Self::ENGLISH.0]
            .into_iter()
            .find_map(|index| format(&CATALOGS[index].bundle, id, args))
            .unwrap_or_else(|| {
                tracing::warn!(id, "message id missing from the catalogs");
                id.to_owned()
            })
    }
}

fn format(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: Option<&FluentArgs>,
) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::warn!(id, ?errors, "message formatted with errors");
    }
    Some(text.into_owned())
}

/// A value given to a message (`{ $count }`): numbers choose plural forms.
#[derive(Debug)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<Arg> for FluentValue<'static> {
    fn from(arg: Arg) -> Self {
        match arg {
            Arg::Text(text) => FluentValue::String(Cow::Owned(text)),
            Arg::Number(n) => FluentValue::from(n),
        }
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&String> for Arg {
    fn from(text: &String) -> Self {
        Self::Text(text.clone())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Self::Number(f64::from(n))
            }
        }
    )*};
}
number_args!(u16, i32, u32, f64);

macro_rules! large_number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            #[expect(clippy::cast_precision_loss, reason = "counts and sizes shown to people")]
            fn from(n: $t) -> Self {
                Self::Number(n as f64)
            }
        }
    )*};
}
large_number_args!(i64, u64, usize);

/// The message `id` in the current request's language (see [`tr!`]).
pub fn message(id: &str, args: Vec<(&str, Arg)>) -> String {
    let args = (!args.is_empty()).then(|| {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(name.to_owned(), FluentValue::from(value));
        }
        fluent
    });
    current().language.message(id, args.as_ref())
}

/// A message in the language of the request being served: `tr!("auth-wrong-credentials")`, or
/// with values, `tr!("error-length", max = 100)`.
#[macro_export]
macro_rules! tr {
    ($id:literal) => {
        $crate::i18n::message($id, Vec::new())
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::message(
            $id,
            vec![$((stringify!($name), $crate::i18n::Arg::from($value))),+],
        )
    };
}

/// Built-in data in the reader's language. The sections Portico ships name their objects,
/// fields and fixed values in English (their manifests); a language's `data.ftl` may translate
/// each by id (`data-object-case`, `data-field-case-status`), and what it lacks shows in English.
/// Values are stored as written: only what is shown changes.
pub fn data(id: &str, english: &str) -> String {
    format(&CATALOGS[current().language.0].bundle, id, None).unwrap_or_else(|| english.to_owned())
}

/// An object's title (`plural`: its plural) as the reader sees it.
pub fn object_title(object: &str, english: &str, plural: bool) -> String {
    let kind = if plural { "objects" } else { "object" };
    data(&format!("data-{kind}-{object}"), english)
}

pub fn field_title(object: &str, field: &str, english: &str) -> String {
    data(&format!("data-field-{object}-{field}"), english)
}

/// A fixed value of a field (`In progress`) as the reader sees it.
pub fn value_label(object: &str, field: &str, value: &str) -> String {
    data(
        &format!("data-value-{object}-{field}-{}", slug(value)),
        value,
    )
}

/// The template filter `label`: a fixed value of a built-in field as the reader sees it
/// (`{{ status | label("case", "status") }}`).
pub fn label_filter(value: minijinja::Value, object: &str, field: &str) -> String {
    match value.as_str() {
        Some(text) => value_label(object, field, text),
        None if value.is_none() || value.is_undefined() => String::new(),
        None => value.to_string(),
    }
}

/// A value as part of a message id: lower case, each run of other characters one `-`.
fn slug(value: &str) -> String {
    let mut slug = String::new();
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Who is reading: their language and time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    pub language: Language,
    pub time_zone: Tz,
}

impl Default for Locale {
    fn default() -> Self {
        Self {
            language: Language::ENGLISH,
            time_zone: Tz::UTC,
        }
    }
}

tokio::task_local! {
    static CURRENT: Locale;
}

/// The locale of the request being served (English in UTC outside one).
pub fn current() -> Locale {
    CURRENT.try_with(|locale| *locale).unwrap_or_default()
}

/// Runs `work` (a request) in `locale`.
pub async fn scope<F: Future>(locale: Locale, work: F) -> F::Output {
    CURRENT.scope(locale, work).await
}

/// Runs `work` in `locale`, outside an async request (e-mail rendering, tests).
pub fn sync_scope<R>(locale: Locale, work: impl FnOnce() -> R) -> R {
    CURRENT.sync_scope(locale, work)
}

/// Where a reader's language comes from, first match wins: their own choice, the tenant's
/// default, what their browser asks for, English.
pub fn negotiate(
    user: Option<&str>,
    tenant: Option<&str>,
    accept_language: Option<&str>,
) -> Language {
    user.and_then(Language::parse)
        .or_else(|| tenant.and_then(Language::parse))
        .or_else(|| accept_language.and_then(Language::from_accept_language))
        .unwrap_or_default()
}

/// A time zone by its IANA name (`Europe/Berlin`).
pub fn parse_time_zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

/// Every time zone by its IANA name, for a choice.
pub fn time_zone_names() -> Vec<&'static str> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|zone| zone.name())
        .collect()
}

impl Locale {
    /// A moment as this reader writes it, in their time zone (`04.12.2026, 17:05 CET`).
    pub fn date_time(self, at: DateTime<Utc>) -> String {
        self.strftime(&at.with_timezone(&self.time_zone), "format-date-time")
    }

    /// A day as this reader writes it.
    pub fn date(self, day: NaiveDate) -> String {
        self.strftime(&day, "format-date")
    }

    /// The day a moment falls on in this reader's time zone, as they write it.
    pub fn day_of(self, at: DateTime<Utc>) -> String {
        self.date(at.with_timezone(&self.time_zone).date_naive())
    }

    fn strftime(self, value: &impl FormatWith, id: &str) -> String {
        let pattern = self.language.message(id, None);
        // A catalog's pattern with a bad directive must not fail a page: English's instead.
        let pattern = if valid_strftime(&pattern) {
            pattern
        } else {
            Language::ENGLISH.message(id, None)
        };
        value.format_with(&pattern)
    }

    /// A number with this reader's decimal mark and thousands separator.
    pub fn number(self, value: f64, decimals: usize) -> String {
        let mark = self.language.message("format-decimal-mark", None);
        let separator = self.language.message("format-thousands-separator", None);
        let plain = format!("{:.*}", decimals, value.abs());
        let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
        let mut out = String::new();
        if value < 0.0 && plain.bytes().any(|b| matches!(b, b'1'..=b'9')) {
            out.push('-');
        }
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push_str(&separator);
            }
            out.push(digit);
        }
        if !fraction.is_empty() {
            let _ = write!(out, "{mark}{fraction}");
        }
        out
    }

    /// An amount of money in `currency` (`EUR`), two decimals, as this reader writes it.
    pub fn money(self, amount: f64, currency: &str) -> String {
        let mut args = FluentArgs::new();
        args.set("amount", self.number(amount, 2));
        args.set("currency", currency.to_owned());
        self.language.message("format-money", Some(&args))
    }
}

/// Whether a chrono format string has only directives chrono knows.
pub fn valid_strftime(pattern: &str) -> bool {
    !StrftimeItems::new(pattern).any(|item| matches!(item, chrono::format::Item::Error))
}

trait FormatWith {
    fn format_with(&self, pattern: &str) -> String;
}

impl FormatWith for DateTime<Tz> {
    fn format_with(&self, pattern: &str) -> String {
        self.format(pattern).to_string()
    }
}

impl FormatWith for NaiveDate {
    fn format_with(&self, pattern: &str) -> String {
        self.format(pattern).to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn ids(language: Language) -> BTreeSet<String> {
        let (_, files) = SOURCES
            .iter()
            .find(|(code, _)| *code == language.code())
            .unwrap();
        files
            .iter()
            .flat_map(|(file, source)| {
                let resource =
                    FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(_, errors)| {
                        panic!("{}/{file} does not parse: {errors:?}", language.code())
                    });
                resource
                    .entries()
                    .filter_map(|entry| match entry {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Every message id the templates (`t`) and the Rust code (`tr!`) use, with the file.
    fn used_ids() -> BTreeSet<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = BTreeSet::new();
        let mut pending = vec![root.join("templates"), root.join("src")];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for opener in ["t(", "tr!("] {
                    for (at, _) in text.match_indices(opener) {
                        let preceded_by_word = text[..at]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_');
                        // rustfmt may put the id on the next line.
                        let Some(rest) = text[at + opener.len()..].trim_start().strip_prefix('"')
                        else {
                            continue;
                        };
                        let id: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                            .collect();
                        if !preceded_by_word && rest[id.len()..].starts_with('"') && !id.is_empty()
                        {
                            used.insert((id, path.display().to_string()));
                        }
                    }
                }
            }
        }
        used
    }

    #[test]
    fn every_language_has_every_english_message_and_no_other() {
        let english = ids(Language::ENGLISH);
        assert!(
            english.len() > 100,
            "the English catalogs hold the product's texts"
        );
        for language in Language::all().skip(1) {
            let own = ids(language);
            let missing: Vec<_> = english.difference(&own).collect();
            // Built-in data is English in the manifests: only other languages translate it.
            let unknown: Vec<_> = own
                .difference(&english)
                .filter(|id| !id.starts_with("data-"))
                .collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", language.code());
            assert!(
                unknown.is_empty(),
                "{} has ids English lacks: {unknown:?}",
                language.code()
            );
        }
    }

    #[test]
    fn every_catalog_parses_and_names_each_message_once() {
        for (code, files) in SOURCES {
            let mut seen = BTreeSet::new();
            for (file, source) in *files {
                let resource = FluentResource::try_new((*source).to_owned())
                    .unwrap_or_else(|(_, errors)| panic!("{code}/{file}: {errors:?}"));
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(message) = entry {
                        let id = message.id.name;
                        assert!(
                            seen.insert(id.to_owned()),
                            "{code}/{file}: {id} is defined twice"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_message_the_code_uses_exists() {
        let english = ids(Language::ENGLISH);
        let unknown: Vec<_> = used_ids()
            .into_iter()
            .filter(|(id, _)| !english.contains(id))
            .collect();
        assert!(
            unknown.is_empty(),
            "ids used but not in the catalogs: {unknown:?}"
        );
    }

    #[test]
    fn every_language_formats_dates_and_numbers() {
        for language in Language::all() {
            for id in ["format-date-time", "format-date"] {
                let pattern = language.message(id, None);
                assert!(
                    valid_strftime(&pattern),
                    "{}: {id} = {pattern}",
                    language.code()
                );
            }
        }
        let berlin = Locale {
            language: Language::parse("de").unwrap(),
            time_zone: "Europe/Berlin".parse().unwrap(),
        };
        let at = "2026-12-04T16:05:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(berlin.date_time(at), "04.12.2026, 17:05 CET");
        assert_eq!(berlin.number(1234567.5, 2), "1.234.567,50");
        assert_eq!(berlin.money(800.0, "EUR"), "800,00 EUR");
        let english = Locale::default();
        assert_eq!(english.date_time(at), "2026-12-04 16:05 UTC");
        assert_eq!(english.number(-1234.5, 1), "-1,234.5");
        assert_eq!(english.money(800.0, "USD"), "USD 800.00");
    }

    #[test]
    fn a_language_comes_from_the_user_then_the_tenant_then_the_browser() {
        let de = Language::parse("de").unwrap();
        assert_eq!(negotiate(Some("de"), Some("en"), Some("en")), de);
        assert_eq!(negotiate(None, Some("de-AT"), Some("en")), de);
        assert_eq!(negotiate(None, None, Some("fr-CH, de;q=0.8, en;q=0.5")), de);
        assert_eq!(negotiate(Some("xx"), None, Some("fr")), Language::ENGLISH);
    }

    #[test]
    fn built_in_data_shows_translated_where_a_language_has_it() {
        let de = Locale {
            language: Language::parse("de").unwrap(),
            time_zone: Tz::UTC,
        };
        sync_scope(de, || {
            assert_eq!(
                value_label("case", "status", "In progress"),
                "In Bearbeitung"
            );
            assert_eq!(
                value_label("case", "status", "Re-opened"),
                "Wieder geöffnet"
            );
            assert_eq!(field_title("case", "subject", "Subject"), "Betreff");
            assert_eq!(object_title("case", "Cases", true), "Fälle");
            assert_eq!(value_label("case", "status", "Made up"), "Made up");
        });
        assert_eq!(value_label("case", "status", "In progress"), "In progress");
        assert_eq!(slug(" Waiting for  response! "), "waiting-for-response");
    }

    #[test]
    fn messages_take_values_and_fall_back_to_english() {
        let de = Language::parse("de").unwrap();
        let text = sync_scope(
            Locale {
                language: de,
                time_zone: Tz::UTC,
            },
            || tr!("common-save"),
        );
        assert_eq!(text, "Speichern");
        assert_eq!(tr!("common-save"), "Save", "outside a request: English");
    }
}
