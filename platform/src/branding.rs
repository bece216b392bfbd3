//! A tenant's branding: the portal's title, its colours (checked against WCAG AA before they are
//! saved), its logo (PNG, JPEG or SVG, shown scaled to fit 274×37) and its favicon. The values live
//! with the tenant in the registry (so every page has them without a query); the images in the
//! file store. An SVG is read element by element and refused if it could run or fetch anything.

use std::io::Cursor;

use axum::body::Bytes;
use object_store::{ObjectStoreExt, PutPayload, path::Path};
use portico_tenants::{Branding, Image, LoginPageEntry};
use quick_xml::{Reader, events::Event};
use serde::Serialize;

use crate::{
    access::{self, Actor, Capability, SystemOperation},
    app::App,
    error::{Error, FieldErrors, Result},
    files::Upload,
    store::Access,
};

/// The box the reference product shows a logo in.
pub const LOGO_BOX: (u32, u32) = (274, 37);
pub const MAX_LOGO_BYTES: usize = 256 * 1024;
pub const MAX_FAVICON_BYTES: usize = 64 * 1024;
/// WCAG AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;
const WHITE: [u8; 3] = [255, 255, 255];

/// The title and colours as an administrator typed them (blank: Portico's own).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Look {
    pub title: String,
    pub primary: String,
    pub accent: String,
}

/// Which image of the branding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asset {
    Logo,
    Favicon,
}

impl Asset {
    pub fn name(self) -> &'static str {
        match self {
            Self::Logo => "logo",
            Self::Favicon => "favicon",
        }
    }

    fn of(self, branding: &Branding) -> Option<&Image> {
        match self {
            Self::Logo => branding.logo.as_ref(),
            Self::Favicon => branding.favicon.as_ref(),
        }
    }
}

/// Where an image of a tenant's branding is kept, by the version that made it.
fn location(tenant: i64, asset: Asset, version: i64) -> Path {
    Path::from(format!("branding/{tenant}/{}-{version}", asset.name()))
}

/// Sets the portal's title and colours (administrators, or holders of "portal main page
/// setup"). Nothing changes unless every value is sound; each problem is named by its field.
pub async fn set_look(app: &App, actor: &Actor, look: Look) -> Result<Branding> {
    access::check(actor, Capability::System(SystemOperation::MainPageSetup))?;
    let mut errors = FieldErrors::new();
    let mut new = actor.tenant.branding.clone();
    new.title = match look.title.trim() {
        "" => None,
        typed => match crate::text::name("title", typed, 80) {
            Ok(title) => Some(title),
            Err(Error::Invalid { fields, .. }) => {
                errors.extend(fields);
                None
            }
            Err(other) => return Err(other),
        },
    };
    for (field, typed, slot) in [
        ("primary", &look.primary, &mut new.primary),
        ("accent", &look.accent, &mut new.accent),
    ] {
        match checked_colour(typed) {
            Ok(colour) => *slot = colour,
            Err(message) => {
                errors.insert(field.into(), vec![message]);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::invalid_fields(errors));
    }
    store(app, actor, new, None).await
}

/// How many contact options and links the login page shows.
pub const MAX_CONTACTS: usize = 3;
pub const MAX_LINKS: usize = 5;

/// Sets the login page's contact options (a name and a phone number or e-mail address) and useful
/// links (a name and an http(s) URL), as typed in rows; blank rows are left out. Each problem is
/// named by its row's field (`contact_value_1`).
pub async fn set_login_page(
    app: &App,
    actor: &Actor,
    contacts: Vec<(String, String)>,
    links: Vec<(String, String)>,
) -> Result<Branding> {
    access::check(actor, Capability::System(SystemOperation::MainPageSetup))?;
    let mut errors = FieldErrors::new();
    let mut new = actor.tenant.branding.clone();
    new.contacts = entries(
        "contact",
        contacts,
        MAX_CONTACTS,
        contact_value,
        &mut errors,
    );
    new.links = entries("link", links, MAX_LINKS, link_url, &mut errors);
    if !errors.is_empty() {
        return Err(Error::invalid_fields(errors));
    }
    store(app, actor, new, None).await
}

/// The filled rows of a list, each checked: its name plain text, its value by `check`.
fn entries(
    kind: &str,
    rows: Vec<(String, String)>,
    max: usize,
    check: fn(&str) -> Option<String>,
    errors: &mut FieldErrors,
) -> Vec<LoginPageEntry> {
    let mut kept = Vec::new();
    for (row, (name, value)) in rows.into_iter().enumerate() {
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() && value.is_empty() {
            continue;
        }
        if row >= max {
            errors.insert(
                kind.into(),
                vec![crate::tr!("branding-too-many", max = max)],
            );
            break;
        }
        let name = match crate::text::name(&format!("{kind}_name_{row}"), name, 60) {
            Ok(name) => name,
            Err(Error::Invalid { fields, .. }) => {
                errors.extend(fields);
                continue;
            }
            Err(_) => continue,
        };
        match check(value) {
            Some(value) => kept.push(LoginPageEntry { name, value }),
            None => {
                let message = if kind == "link" {
                    crate::tr!("branding-link-url")
                } else {
                    crate::tr!("branding-contact-value")
                };
                errors.insert(format!("{kind}_value_{row}"), vec![message]);
            }
        }
    }
    kept
}

/// A phone number (digits and `+ - ( ) /` and spaces, 3 to 30 characters) or an e-mail address.
fn contact_value(typed: &str) -> Option<String> {
    let phone = (3..=30).contains(&typed.chars().count())
        && typed.chars().any(|c| c.is_ascii_digit())
        && typed
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()/".contains(c));
    if phone {
        return Some(typed.to_owned());
    }
    crate::users::Email::parse(typed)
        .ok()
        .map(|email| email.as_str().to_owned())
}

/// An http(s) URL with a host, at most 500 characters, nothing that could end an attribute.
pub(crate) fn link_url(typed: &str) -> Option<String> {
    let rest = typed
        .strip_prefix("https://")
        .or_else(|| typed.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let sound = typed.len() <= 500
        && !host.is_empty()
        && !typed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'<>`\\".contains(c));
    sound.then(|| typed.to_owned())
}

/// A built-in section of the portal menu: the code the menu keeps, the object whose read
/// permission shows it, its page, and its name in the menu.
type BuiltInEntry = (&'static str, &'static str, &'static str, fn() -> String);

const BUILT_IN_ENTRIES: [BuiltInEntry; 9] = [
    (
        "knowledge",
        crate::sections::knowledge::OBJECT,
        "/knowledge",
        || crate::tr!("portal-nav-knowledge"),
    ),
    ("cases", crate::sections::cases::OBJECT, "/cases", || {
        crate::tr!("portal-nav-cases")
    }),
    (
        "partner-program",
        crate::sections::partners::PARTNERSHIP,
        "/partner-program",
        || crate::tr!("partners-program"),
    ),
    (
        "leads",
        crate::sections::partners::LEAD,
        "/records/lead",
        || crate::tr!("partners-leads"),
    ),
    (
        "opportunities",
        crate::sections::partners::OPPORTUNITY,
        "/records/opportunity",
        || crate::tr!("partners-opportunities"),
    ),
    (
        "deal-registrations",
        crate::sections::partners::DEAL,
        "/records/deal_registration",
        || crate::tr!("partners-deal-registrations"),
    ),
    (
        "orders",
        crate::sections::partners::ORDER,
        "/records/sales_order",
        || crate::tr!("partners-orders"),
    ),
    (
        "documents",
        crate::sections::partners::DOCUMENT,
        "/records/partner_document",
        || crate::tr!("partners-documents"),
    ),
    (
        "marketing-activities",
        crate::sections::partners::ACTIVITY,
        "/records/marketing_activity",
        || crate::tr!("partners-marketing-activities"),
    ),
];

/// A section of the portal menu.
#[derive(Debug, Clone, Serialize)]
pub struct MenuEntry {
    /// `knowledge`, `cases`, or a custom section's object code.
    pub code: String,
    pub title: String,
    pub href: String,
    /// The custom section whose icon it shows.
    pub section: Option<String>,
    /// The object whose records it lists (whose read permission shows it).
    #[serde(skip)]
    object: String,
}

/// Every section the portal menu can hold, in the tenant's order (those it left out last).
pub fn menu_choices(actor: &Actor) -> Vec<(MenuEntry, bool)> {
    let all: Vec<MenuEntry> = BUILT_IN_ENTRIES
        .iter()
        .filter(|(_, object, _, _)| actor.catalog.get(object).is_some())
        .map(|(code, object, href, title)| MenuEntry {
            code: (*code).to_owned(),
            title: title(),
            href: (*href).to_owned(),
            section: None,
            object: (*object).to_owned(),
        })
        .chain(
            actor
                .catalog
                .browsable()
                .filter(|o| !crate::sections::is_built_in(&o.section))
                .map(|o| MenuEntry {
                    code: o.code.to_string(),
                    title: o.plural_shown(),
                    href: format!("/records/{}", o.code),
                    section: Some(o.section.to_string()),
                    object: o.code.to_string(),
                }),
        )
        .collect();
    let Some(chosen) = &actor.tenant.branding.menu else {
        return all.into_iter().map(|e| (e, true)).collect();
    };
    let mut ordered: Vec<(MenuEntry, bool)> = chosen
        .iter()
        .filter_map(|code| all.iter().find(|e| &e.code == code))
        .map(|e| (e.clone(), true))
        .collect();
    ordered.extend(
        all.into_iter()
            .filter(|e| !chosen.contains(&e.code))
            .map(|e| (e, false)),
    );
    ordered
}

/// The page a portal user with the start page `code` (a portal menu code) lands on after
/// signing in: that section's list, else the main page.
pub fn start_path(code: Option<&str>) -> String {
    let Some(code) = code else {
        return "/".to_owned();
    };
    if let Some((_, _, href, _)) = BUILT_IN_ENTRIES.iter().find(|(c, ..)| *c == code) {
        return (*href).to_owned();
    }
    let identifier = !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if identifier {
        format!("/records/{code}")
    } else {
        "/".to_owned()
    }
}

/// Checks a start page as typed (blank: the main page): it must be a section the portal menu
/// can hold.
pub fn start_page(actor: &Actor, typed: &str) -> Result<Option<String>> {
    match typed.trim() {
        "" => Ok(None),
        code if menu_choices(actor).iter().any(|(e, _)| e.code == code) => {
            Ok(Some(code.to_owned()))
        }
        code => Err(Error::invalid_field(
            "start_page",
            crate::tr!("branding-menu-unknown", entry = code),
        )),
    }
}

/// The portal menu as `actor` sees it: the tenant's chosen sections that the actor may read.
pub fn menu(actor: &Actor) -> Vec<MenuEntry> {
    menu_choices(actor)
        .into_iter()
        .filter(|(entry, shown)| {
            *shown
                && actor.catalog.get(&entry.object).is_some_and(|o| {
                    access::check(actor, Capability::Records(o, access::Operation::Read)).is_ok()
                })
        })
        .map(|(entry, _)| entry)
        .collect()
}

/// Chooses the portal menu's sections and their order (`None`: back to every section, built-in
/// first). Each entry must be a section the menu can hold, once.
pub async fn set_menu(app: &App, actor: &Actor, menu: Option<Vec<String>>) -> Result<Branding> {
    access::check(actor, Capability::System(SystemOperation::MainPageSetup))?;
    if let Some(entries) = &menu {
        let choices = menu_choices(actor);
        let mut seen = std::collections::BTreeSet::new();
        for entry in entries {
            if !choices.iter().any(|(e, _)| &e.code == entry) || !seen.insert(entry) {
                return Err(Error::invalid_field(
                    "menu",
                    crate::tr!("branding-menu-unknown", entry = entry.as_str()),
                ));
            }
        }
    }
    let mut new = actor.tenant.branding.clone();
    new.menu = menu;
    store(app, actor, new, None).await
}

/// Replaces the logo or the favicon (`None`: removes it).
pub async fn set_image(
    app: &App,
    actor: &Actor,
    asset: Asset,
    upload: Option<Upload>,
) -> Result<Branding> {
    access::check(actor, Capability::System(SystemOperation::MainPageSetup))?;
    let mut new = actor.tenant.branding.clone();
    let image = match &upload {
        Some(upload) => Some(
            checked_image(asset, &upload.bytes)
                .map_err(|message| Error::invalid_field(asset.name(), message))?,
        ),
        None => None,
    };
    match asset {
        Asset::Logo => new.logo = image,
        Asset::Favicon => new.favicon = image,
    }
    store(app, actor, new, upload.map(|u| (asset, u.bytes))).await
}

/// Saves `new` as the next version of the tenant's branding: its images are in place under that
/// version before the registry names it, and the old version's are removed after.
async fn store(
    app: &App,
    actor: &Actor,
    mut new: Branding,
    uploaded: Option<(Asset, Bytes)>,
) -> Result<Branding> {
    let old = actor.tenant.branding.clone();
    new.version = old.version + 1;
    let tenant = actor.tenant.id.get();
    for asset in [Asset::Logo, Asset::Favicon] {
        let bytes = match &uploaded {
            Some((a, bytes)) if *a == asset => Some(bytes.clone()),
            _ if asset.of(&new).is_some() => Some(read(app, tenant, asset, old.version).await?),
            _ => None,
        };
        if let Some(bytes) = bytes {
            app.files
                .put(
                    &location(tenant, asset, new.version),
                    PutPayload::from(bytes),
                )
                .await
                .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}")))?;
        }
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    portico_tenants::set_branding(tx.conn(), actor.tenant.id, &new)
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    access::audit(
        app,
        &mut tx,
        actor,
        "tenant.branding",
        "tenant".to_owned(),
        Some(serde_json::json!(old)),
        Some(serde_json::json!(new)),
    )
    .await?;
    tx.commit().await?;
    crate::tenancy::forget(app, &actor.tenant.slug);
    for asset in [Asset::Logo, Asset::Favicon] {
        // The old version's images are no longer named: best effort.
        let _ = app
            .files
            .delete(&location(tenant, asset, old.version))
            .await;
    }
    Ok(new)
}

async fn read(app: &App, tenant: i64, asset: Asset, version: i64) -> Result<Bytes> {
    crate::files::read(app, location(tenant, asset, version).as_ref()).await
}

/// An image of a tenant's branding, with its type, for anyone (the login page shows the logo).
pub async fn image(
    app: &App,
    tenant: &portico_tenants::Tenant,
    asset: Asset,
) -> Result<(String, Bytes)> {
    let image = asset.of(&tenant.branding).ok_or(Error::NotFound("file"))?;
    let bytes = read(app, tenant.id.get(), asset, tenant.branding.version).await?;
    Ok((image.content_type.clone(), bytes))
}

/// A colour as `#rrggbb` (blank: Portico's own), dark enough that white text on it, and it as
/// text on white, reach [`MIN_CONTRAST`].
fn checked_colour(typed: &str) -> Result<Option<String>, String> {
    let typed = typed.trim().to_ascii_lowercase();
    if typed.is_empty() {
        return Ok(None);
    }
    let rgb = parse_colour(&typed).ok_or_else(|| crate::tr!("branding-colour-format"))?;
    let ratio = contrast(rgb, WHITE);
    if ratio < MIN_CONTRAST {
        return Err(crate::tr!(
            "branding-colour-contrast",
            ratio = format!("{ratio:.2}"),
            needed = MIN_CONTRAST
        ));
    }
    Ok(Some(typed))
}

fn parse_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn luminance(rgb: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// The image's type and size if it is one Portico shows: PNG, JPEG or a safe SVG for a logo,
/// PNG or a safe SVG for a favicon.
fn checked_image(asset: Asset, bytes: &[u8]) -> Result<Image, String> {
    let max = match asset {
        Asset::Logo => MAX_LOGO_BYTES,
        Asset::Favicon => MAX_FAVICON_BYTES,
    };
    if bytes.len() > max {
        return Err(crate::tr!("branding-image-too-large", kb = max / 1024));
    }
    let (content_type, size) = match infer::get(bytes).map(|kind| kind.mime_type()) {
        Some(png @ "image/png") => (png, png_size(bytes)),
        Some(jpeg @ "image/jpeg") if asset == Asset::Logo => (jpeg, jpeg_size(bytes)),
        _ => ("image/svg+xml", Some(svg_size(bytes)?)),
    };
    let (width, height) = size
        .filter(|(w, h)| *w > 0 && *h > 0)
        .ok_or_else(|| crate::tr!("branding-image-unreadable"))?;
    Ok(Image {
        content_type: content_type.to_owned(),
        width,
        height,
    })
}

/// The size an image is shown at inside `bounds`, keeping its aspect ratio; a raster image is
/// never enlarged (it would blur), an SVG is.
pub fn fit((width, height): (u32, u32), bounds: (u32, u32), vector: bool) -> (u32, u32) {
    let scale =
        (f64::from(bounds.0) / f64::from(width)).min(f64::from(bounds.1) / f64::from(height));
    let scale = if vector { scale } else { scale.min(1.0) };
    let side = |n: u32| ((f64::from(n) * scale).round() as u32).max(1);
    (side(width), side(height))
}

pub(crate) fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    (bytes.get(12..16)? == b"IHDR").then_some(())?;
    Some((be(16)?, be(20)?))
}

pub(crate) fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    while at + 9 < bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let start_of_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if start_of_frame {
            let height = u16::from_be_bytes([bytes[at + 5], bytes[at + 6]]);
            let width = u16::from_be_bytes([bytes[at + 7], bytes[at + 8]]);
            return Some((u32::from(width), u32::from(height)));
        }
        at += 2 + length;
    }
    None
}

/// The elements an SVG logo may hold: shapes, text, gradients, groups. Nothing that runs code,
/// embeds other documents or pulls anything from elsewhere.
const SVG_ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "defs",
    "lineargradient",
    "radialgradient",
    "stop",
    "clippath",
    "mask",
    "title",
    "desc",
    "symbol",
    "use",
    "metadata",
];

/// The size of a safe SVG (from `width`/`height`, else its `viewBox`), or why it is refused.
fn svg_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let refused = |why: &str| crate::tr!("branding-svg-refused", reason = why);
    let text = std::str::from_utf8(bytes).map_err(|_| crate::tr!("branding-image-type"))?;
    let mut reader = Reader::from_reader(Cursor::new(text.as_bytes()));
    let mut buffer = Vec::new();
    let mut size = None;
    let mut elements = 0;
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|_| crate::tr!("branding-image-type"))?;
        match event {
            Event::Eof => break,
            Event::DocType(_) => return Err(refused("<!DOCTYPE>")),
            Event::PI(_) => return Err(refused("<?…?>")),
            Event::Start(element) | Event::Empty(element) => {
                let name = String::from_utf8_lossy(element.local_name().as_ref()).to_lowercase();
                if !SVG_ELEMENTS.contains(&name.as_str()) {
                    return Err(refused(&format!("<{name}>")));
                }
                if elements == 0 && name != "svg" {
                    return Err(crate::tr!("branding-image-type"));
                }
                elements += 1;
                let mut attributes = std::collections::BTreeMap::new();
                for attribute in element.attributes() {
                    let attribute = attribute.map_err(|_| crate::tr!("branding-image-type"))?;
                    let key =
                        String::from_utf8_lossy(attribute.key.local_name().as_ref()).to_lowercase();
                    let value = attribute
                        .unescape_value()
                        .map_err(|_| crate::tr!("branding-image-type"))?
                        .to_lowercase();
                    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                    if key.starts_with("on") {
                        return Err(refused(&format!("{key}=")));
                    }
                    if key == "href" && !value.starts_with('#') {
                        return Err(refused("href"));
                    }
                    if compact.contains("url(") && !compact.contains("url(#")
                        || compact.contains("javascript:")
                        || compact.contains("@import")
                    {
                        return Err(refused(&format!("{key}=")));
                    }
                    attributes.insert(key, value);
                }
                if name == "svg" && size.is_none() {
                    size = svg_dimensions(&attributes);
                }
            }
            _ => {}
        }
        buffer.clear();
    }
    if elements == 0 {
        return Err(crate::tr!("branding-image-type"));
    }
    size.ok_or_else(|| crate::tr!("branding-svg-size"))
}

fn svg_dimensions(attributes: &std::collections::BTreeMap<String, String>) -> Option<(u32, u32)> {
    let number = |text: &str| -> Option<u32> {
        let value: f64 = text.trim().trim_end_matches("px").parse().ok()?;
        (1.0..100_000.0)
            .contains(&value)
            .then(|| value.round() as u32)
    };
    if let (Some(w), Some(h)) = (attributes.get("width"), attributes.get("height"))
        && let (Some(w), Some(h)) = (number(w), number(h))
    {
        return Some((w, h));
    }
    let view_box: Vec<&str> = attributes
        .get("viewbox")?
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    match view_box.as_slice() {
        [_, _, w, h] => Some((number(w)?, number(h)?)),
        _ => None,
    }
}

/// The stylesheet that puts a tenant's colours on every page.
pub fn theme_css(branding: &Branding) -> String {
    let mut css = String::from(":root {");
    if let Some(primary) = &branding.primary {
        css.push_str(&format!(" --brand: {primary}; --brand-ink: #ffffff;"));
    }
    if let Some(accent) = branding.accent.as_ref().or(branding.primary.as_ref()) {
        css.push_str(&format!(" --accent: {accent};"));
    }
    css.push_str(" }\n");
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logo_is_scaled_to_fit_its_box_keeping_its_shape() {
        assert_eq!(fit((548, 74), LOGO_BOX, false), (274, 37));
        assert_eq!(fit((1000, 100), LOGO_BOX, false), (274, 27));
        assert_eq!(fit((100, 100), LOGO_BOX, false), (37, 37));
        assert_eq!(fit((120, 20), LOGO_BOX, false), (120, 20), "never enlarged");
        assert_eq!(fit((120, 20), LOGO_BOX, true), (222, 37), "an SVG is");
        assert_eq!(fit((10_000, 1), LOGO_BOX, false), (274, 1));
    }

    #[test]
    fn login_page_entries_are_phone_numbers_addresses_and_web_links() {
        assert_eq!(
            contact_value("+49 (30) 123-4567"),
            Some("+49 (30) 123-4567".into())
        );
        assert_eq!(
            contact_value("Help@Acme.example"),
            Some("help@acme.example".into())
        );
        assert_eq!(contact_value("call us"), None);
        assert_eq!(contact_value("12"), None);
        assert!(link_url("https://acme.example/help?x=1").is_some());
        for bad in [
            "javascript:alert(1)",
            "ftp://acme.example",
            "https://",
            "https://a b",
            "https://a\"onmouseover=x",
        ] {
            assert_eq!(link_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn colours_need_aa_contrast_with_white() {
        assert!((contrast([0, 0, 0], WHITE) - 21.0).abs() < 0.01);
        assert_eq!(checked_colour(" #1F4E8C "), Ok(Some("#1f4e8c".to_owned())));
        assert_eq!(checked_colour(""), Ok(None));
        assert!(checked_colour("#ffcc00").is_err(), "yellow on white");
        assert!(checked_colour("#777777").is_err(), "4.48:1 is not enough");
        assert!(checked_colour("#767676").is_ok(), "4.54:1 is");
        assert!(checked_colour("red").is_err());
        assert!(checked_colour("#12345").is_err());
    }

    #[test]
    fn images_are_read_for_their_size_and_type() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&548u32.to_be_bytes());
        png.extend_from_slice(&74u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0]);
        let image = checked_image(Asset::Logo, &png).unwrap();
        assert_eq!(
            (image.content_type.as_str(), image.width, image.height),
            ("image/png", 548, 74)
        );
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 17, 8, 0, 37, 1, 18, 3, 0, 0, 0,
        ];
        let image = checked_image(Asset::Logo, &jpeg).unwrap();
        assert_eq!((image.width, image.height), (274, 37));
        assert!(
            checked_image(Asset::Favicon, &jpeg).is_err(),
            "no JPEG favicons"
        );
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 40"><rect width="200" height="40" fill="#1f4e8c"/><use href="#a"/></svg>"##;
        let image = checked_image(Asset::Logo, svg).unwrap();
        assert_eq!(
            (image.content_type.as_str(), image.width, image.height),
            ("image/svg+xml", 200, 40)
        );
        assert!(checked_image(Asset::Logo, b"not an image").is_err());
        assert!(checked_image(Asset::Logo, &vec![0; MAX_LOGO_BYTES + 1]).is_err());
    }

    #[test]
    fn an_svg_that_could_run_or_fetch_anything_is_refused() {
        for hostile in [
            r#"<svg viewBox="0 0 10 10"><script>alert(1)</script></svg>"#,
            r#"<svg viewBox="0 0 10 10" onload="alert(1)"></svg>"#,
            r#"<svg viewBox="0 0 10 10"><image href="https://evil.example/x.png"/></svg>"#,
            r#"<svg viewBox="0 0 10 10"><use href="https://evil.example/s.svg#a"/></svg>"#,
            r#"<svg viewBox="0 0 10 10"><a href="javascript:alert(1)"><rect/></a></svg>"#,
            r#"<svg viewBox="0 0 10 10"><rect style="fill: url(https://evil.example/p)"/></svg>"#,
            r#"<svg viewBox="0 0 10 10"><foreignObject><iframe src="x"/></foreignObject></svg>"#,
            r#"<svg viewBox="0 0 10 10"><style>@import url(//evil.example/a.css);</style></svg>"#,
            r#"<!DOCTYPE svg [<!ENTITY x "y">]><svg viewBox="0 0 10 10"/>"#,
            r#"<svg viewBox="0 0 10 10"><rect fill="url(&#104;ttps://evil.example/p)"/></svg>"#,
            r#"<svg xmlns:x="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><use x:href="data:image/svg+xml,1"/></svg>"#,
        ] {
            assert!(svg_size(hostile.as_bytes()).is_err(), "accepted {hostile}");
        }
        assert!(svg_size(br#"<svg><rect/></svg>"#).is_err(), "no size");
        assert!(svg_size(br#"<html><svg viewBox="0 0 1 1"/></html>"#).is_err());
    }
}
