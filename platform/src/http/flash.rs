//! One-time messages across a redirect ("Saved.", or why a form was refused), kept in a short-lived
//! cookie so that a POST can redirect to a page that can be reloaded safely (post/redirect/get).

use axum::{
    extract::FromRequestParts,
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::{
    CookieJar,
    cookie::{Cookie, SameSite},
};
use serde::Serialize;

use super::error::PageError;
use crate::error::Error;

const COOKIE: &str = "portico_flash";

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// `notice` or `error`.
    pub kind: &'static str,
    pub text: String,
}

/// The message left by the previous request, if any; reading it clears it.
#[derive(Debug)]
pub struct Flash {
    pub message: Option<Message>,
    jar: CookieJar,
}

impl<S: Send + Sync> FromRequestParts<S> for Flash {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_request_parts(parts, state).await?;
        let message = jar.get(COOKIE).and_then(|c| {
            let (kind, text) = c.value().split_once(':')?;
            let kind = match kind {
                "notice" => "notice",
                "error" => "error",
                _ => return None,
            };
            let text = percent_decode(text)?;
            Some(Message { kind, text })
        });
        Ok(Self { message, jar })
    }
}

impl Flash {
    /// Renders `page` and clears the message that was shown on it.
    pub fn show(self, page: Response) -> Response {
        if self.message.is_some() {
            (self.jar.remove(Cookie::build(COOKIE).path("/")), page).into_response()
        } else {
            page
        }
    }
}

fn cookie(kind: &str, text: &str) -> Cookie<'static> {
    Cookie::build((COOKIE, format!("{kind}:{}", percent_encode(text))))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::minutes(5))
        .build()
}

/// Redirects to `to` with a notice for the next page.
pub fn notice(to: &str, text: &str) -> Response {
    (
        CookieJar::new().add(cookie("notice", text)),
        Redirect::to(to),
    )
        .into_response()
}

/// Turns a refused form into a redirect back with the reason; failures of our own stay errors.
pub fn refused(to: &str, error: Error) -> Response {
    match error {
        error if error.is_server_side() => PageError::from(error).into_response(),
        error => {
            let text = match &error {
                Error::Invalid { fields, .. } => fields
                    .iter()
                    .map(|(field, messages)| format!("{field}: {}", messages.join("; ")))
                    .collect::<Vec<_>>()
                    .join(". "),
                other => other.to_string(),
            };
            (
                CookieJar::new().add(cookie("error", &text)),
                Redirect::to(to),
            )
                .into_response()
        }
    }
}

/// Redirects to `to` with a notice when `outcome` succeeded, or with the reason it did not.
pub fn after<T>(outcome: crate::error::Result<T>, to: &str, notice_text: &str) -> Response {
    match outcome {
        Ok(_) => notice(to, notice_text),
        Err(error) => refused(to, error),
    }
}

fn percent_encode(text: &str) -> String {
    let text: String = text.chars().take(500).collect();
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut input = text.bytes();
    while let Some(b) = input.next() {
        if b == b'%' {
            let hex = [input.next()?, input.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_survive_the_cookie() {
        let text = "Saved: \"Boston\" — 100% <ok>; done";
        assert_eq!(percent_decode(&percent_encode(text)).as_deref(), Some(text));
        assert_eq!(percent_decode("%ZZ"), None);
    }
}
