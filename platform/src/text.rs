//! Rules for text that comes from outside, applied where it enters: no NUL or other control
//! characters anywhere (tab, newline and carriage return only in text that may span lines), and
//! no bidirectional overrides in names (they make "gpj.exe" read as "exe.jpg"). A database that
//! refuses a NUL would otherwise answer a 500; a header would refuse a control character.

use serde_json::Value;

use crate::error::{Error, FieldErrors, Result};

/// Markdown as sanitized HTML: what authors write cannot inject scripts or styles.
pub fn render_markdown(source: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(
        source,
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH,
    );
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

/// The characters that reorder text when displayed (embeddings, overrides, isolates).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The first character not allowed in text that may (`multiline`) or may not span lines.
pub fn forbidden_char(text: &str, multiline: bool) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r')))
}

fn control() -> String {
    crate::tr!("error-control-characters-field")
}

fn bidi() -> String {
    crate::tr!("error-direction-characters")
}

/// Checks every string (and every key) of a JSON document; problems are reported by JSON
/// pointer, all at once.
pub fn check_json(value: &Value) -> Result<()> {
    fn report(errors: &mut FieldErrors, pointer: &str) {
        let at = if pointer.is_empty() { "/" } else { pointer };
        errors.entry(at.to_owned()).or_default().push(control());
    }
    fn walk(value: &Value, pointer: &mut String, errors: &mut FieldErrors) {
        match value {
            Value::String(text) if forbidden_char(text, true).is_some() => report(errors, pointer),
            Value::Array(items) => {
                for (n, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{n}"));
                    walk(item, pointer, errors);
                    pointer.truncate(len);
                }
            }
            Value::Object(fields) => {
                for (key, item) in fields {
                    let len = pointer.len();
                    pointer.push('/');
                    let shown: String = key.chars().filter(|c| !c.is_control()).collect();
                    pointer.push_str(&shown.replace('~', "~0").replace('/', "~1"));
                    if forbidden_char(key, false).is_some() {
                        report(errors, pointer);
                    }
                    walk(item, pointer, errors);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut errors = FieldErrors::new();
    walk(value, &mut String::new(), &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_fields(errors))
    }
}

/// Checks the fields of a submitted form (names must be single-line, values may span lines).
pub fn check_form<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<()> {
    let mut errors = FieldErrors::new();
    for (name, value) in fields {
        if forbidden_char(name, false).is_some() || forbidden_char(value, true).is_some() {
            let name = name.chars().filter(|c| !c.is_control()).collect::<String>();
            errors.entry(name).or_default().push(control());
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_fields(errors))
    }
}

/// A name (of a person, an organization, a role): one line of plain text, trimmed, 1 to `max`
/// characters.
pub fn name(field: &str, text: &str, max: usize) -> Result<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max {
        return Err(Error::invalid_field(
            field,
            crate::tr!("error-length", max = max),
        ));
    }
    if forbidden_char(text, false).is_some() {
        return Err(Error::invalid_field(field, control()));
    }
    if text.chars().any(is_bidi_control) {
        return Err(Error::invalid_field(field, bidi()));
    }
    Ok(text.to_owned())
}

/// `text` without bidirectional controls (for file names, which are kept rather than refused).
pub fn without_bidi_controls(text: &str) -> String {
    text.chars().filter(|c| !is_bidi_control(*c)).collect()
}

/// Whether a URL's path or query, percent-decoded, holds a control character (ids in paths end
/// up in queries and headers).
pub fn url_part_has_control(part: &str) -> bool {
    let bytes = part.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                decoded.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    forbidden_char(&String::from_utf8_lossy(&decoded), false).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn control_characters_are_found_and_line_breaks_kept_where_allowed() {
        assert_eq!(forbidden_char("a\u{0}b", true), Some('\u{0}'));
        assert_eq!(forbidden_char("line\nnext\ttab\r", true), None);
        assert_eq!(forbidden_char("line\nnext", false), Some('\n'));
        assert_eq!(forbidden_char("bell\u{7}", true), Some('\u{7}'));
        assert_eq!(forbidden_char("c1\u{85}", true), Some('\u{85}'));
        assert_eq!(forbidden_char("Zoë 日本", false), None);
    }

    #[test]
    fn json_problems_are_named_by_pointer() {
        let Err(Error::Invalid { fields, .. }) = check_json(
            &json!({ "data": { "title": "x\u{0}", "list": ["ok", "\u{1b}"] }, "a/b\u{0}": 1 }),
        ) else {
            panic!("accepted");
        };
        assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            ["/a~1b", "/data/list/1", "/data/title"]
        );
        assert!(check_json(&json!({ "body": "two\nlines" })).is_ok());
    }

    #[test]
    fn names_refuse_controls_and_direction_overrides() {
        assert_eq!(name("full_name", "  Ann Lee ", 250).unwrap(), "Ann Lee");
        assert!(name("full_name", "Ann\u{0}", 250).is_err());
        assert!(name("full_name", "Ann\nLee", 250).is_err());
        assert!(name("full_name", "Ann \u{202E}eeL", 250).is_err());
        assert!(name("full_name", "", 250).is_err());
        assert_eq!(without_bidi_controls("gpj\u{202E}.exe"), "gpj.exe");
    }

    #[test]
    fn encoded_controls_in_urls_are_found() {
        assert!(url_part_has_control("/cases/%00"));
        assert!(url_part_has_control("/files/a%0d%0aSet-Cookie:x"));
        assert!(url_part_has_control("q=%C2%85"));
        assert!(!url_part_has_control("/knowledge?q=caf%C3%A9+%2F"));
        assert!(!url_part_has_control("/x%zz"));
    }
}
