//! The OpenID Connect relying party: discovery, the authorization request (code flow with PKCE,
//! `state` and `nonce`), the code exchange, and the ID token's verification (signature by a key
//! of the provider's JWKS, issuer, audience, expiry, nonce). Written on `ring`, which the TLS
//! stack already brings, rather than a client crate tied to another HTTP stack.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// How long a provider's discovery document and keys are trusted before they are read again.
const METADATA_LIFETIME: Duration = Duration::from_secs(600);
/// Keys are read again at most this often when a token names a key we do not know (a provider
/// that rotated its keys), so forged tokens cannot make us hammer the provider.
const KEYS_REFRESH_INTERVAL: Duration = Duration::from_secs(60);
/// The most of a provider's answer we read: discovery documents and key sets are small.
const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// Clocks differ a little between us and the provider.
const CLOCK_SKEW_SECONDS: i64 = 60;

/// What went wrong with a provider, each with its own words for the person signing in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the provider cannot be reached or answered badly: {0}")]
    Unreachable(String),
    #[error("the provider refused: {0}")]
    Refused(String),
    #[error("the ID token is malformed: {0}")]
    Malformed(String),
    #[error("the ID token is signed with an algorithm we do not accept: {0}")]
    Algorithm(String),
    #[error("the ID token's signature does not verify")]
    Signature,
    #[error("the ID token comes from another issuer")]
    Issuer,
    #[error("the ID token is meant for another client")]
    Audience,
    #[error("the ID token has expired or is not valid yet")]
    Expired,
    #[error("the ID token answers another sign-in (nonce)")]
    Nonce,
    #[error("the provider did not vouch for an e-mail address")]
    NoVerifiedEmail,
}

impl Problem {
    /// The message key of the person's words for it.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Unreachable(_) => "sso-problem-unreachable",
            Self::Refused(_) => "sso-problem-refused",
            Self::Malformed(_) | Self::Algorithm(_) | Self::Signature => "sso-problem-signature",
            Self::Issuer => "sso-problem-issuer",
            Self::Audience => "sso-problem-audience",
            Self::Expired => "sso-problem-expired",
            Self::Nonce => "sso-problem-nonce",
            Self::NoVerifiedEmail => "sso-problem-email",
        }
    }
}

/// The parts of a provider's discovery document a relying party uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    /// Where the claims the ID token leaves out are asked for (the e-mail, usually).
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
}

/// A provider as we know it: its endpoints and signing keys, read at a moment.
#[derive(Debug)]
pub struct Metadata {
    pub discovery: Discovery,
    keys: Vec<Jwk>,
    read_at: Instant,
}

#[derive(Debug, Clone, Deserialize)]
struct JwkSet {
    keys: Vec<Jwk>,
}

/// One public key of a JWKS; the fields of RSA and P-256 keys.
#[derive(Debug, Clone, Deserialize)]
struct Jwk {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default, rename = "use")]
    usage: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
    #[serde(default)]
    crv: Option<String>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    y: Option<String>,
}

/// The signature algorithms we accept: what providers use, and never `none` or HMAC (whose
/// "key" would be the client secret, shared with whoever configured the tenant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Rs256,
    Es256,
}

impl Algorithm {
    fn parse(name: &str) -> Result<Self, Problem> {
        match name {
            "RS256" => Ok(Self::Rs256),
            "ES256" => Ok(Self::Es256),
            other => Err(Problem::Algorithm(other.to_owned())),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es256 => "ES256",
        }
    }

    fn key_type(self) -> &'static str {
        match self {
            Self::Rs256 => "RSA",
            Self::Es256 => "EC",
        }
    }
}

impl Jwk {
    fn fits(&self, alg: Algorithm, kid: Option<&str>) -> bool {
        self.kty == alg.key_type()
            && self.usage.as_deref().is_none_or(|u| u == "sig")
            && self.alg.as_deref().is_none_or(|a| a == alg.name())
            && kid.is_none_or(|kid| self.kid.as_deref() == Some(kid))
    }

    fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<(), Problem> {
        use ring::signature;
        let part = |value: &Option<String>| -> Result<Vec<u8>, Problem> {
            let value = value
                .as_deref()
                .ok_or_else(|| Problem::Malformed("a key lacks a part".into()))?;
            URL_SAFE_NO_PAD
                .decode(value)
                .map_err(|_| Problem::Malformed("a key part is not base64url".into()))
        };
        let verified = match alg {
            Algorithm::Rs256 => signature::RsaPublicKeyComponents {
                n: part(&self.n)?,
                e: part(&self.e)?,
            }
            .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, signature),
            Algorithm::Es256 => {
                if self.crv.as_deref() != Some("P-256") {
                    return Err(Problem::Algorithm(format!("ES256 on {:?}", self.crv)));
                }
                let point = [vec![4], part(&self.x)?, part(&self.y)?].concat();
                signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, signature)
            }
        };
        verified.map_err(|_| Problem::Signature)
    }
}

/// What the ID token must say to be accepted.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// Now, in seconds since the epoch.
    pub now: i64,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    /// The address, if the provider says it verified it (an unverified one is left out).
    pub email: Option<String>,
    pub name: Option<String>,
}

impl Identity {
    /// The address and name from a set of claims (the ID token's, or the userinfo answer's).
    fn from_claims(subject: &str, claims: &Value) -> Self {
        // Some providers send the flag as a string.
        let verified = matches!(&claims["email_verified"], Value::Bool(true))
            || claims["email_verified"].as_str() == Some("true");
        let email = claims["email"]
            .as_str()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| verified && !e.is_empty());
        let name = claims["name"]
            .as_str()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        Self {
            subject: subject.to_owned(),
            email,
            name,
        }
    }
}

/// What the token endpoint answered.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub id_token: String,
    pub access_token: Option<String>,
}

/// Verifies an ID token against the provider's keys and what this sign-in expects.
pub fn verify_id_token(
    token: &str,
    metadata: &Metadata,
    expected: Expected<'_>,
) -> Result<Identity, Problem> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Problem::Malformed("not three parts".into()));
    };
    let json = |part: &str| -> Result<Value, Problem> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| Problem::Malformed("a part is not base64url".into()))?;
        serde_json::from_slice(&bytes).map_err(|_| Problem::Malformed("a part is not JSON".into()))
    };
    let header = json(header)?;
    let alg = Algorithm::parse(header["alg"].as_str().unwrap_or("none"))?;
    let kid = header["kid"].as_str();
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| Problem::Malformed("the signature is not base64url".into()))?;
    let signed = &token[..token.rfind('.').unwrap_or_default()];
    let mut keys = metadata.keys.iter().filter(|k| k.fits(alg, kid));
    let key = match (keys.next(), keys.next()) {
        (Some(key), None) => key,
        // Without a key id, a set of several fitting keys is ambiguous.
        _ => return Err(Problem::Signature),
    };
    key.verify(alg, signed.as_bytes(), &signature)?;

    let claims = json(payload)?;
    if claims["iss"].as_str() != Some(expected.issuer) {
        return Err(Problem::Issuer);
    }
    let audiences: Vec<&str> = match &claims["aud"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let azp = claims["azp"].as_str();
    if !audiences.contains(&expected.client_id)
        || (audiences.len() > 1 || azp.is_some()) && azp != Some(expected.client_id)
    {
        return Err(Problem::Audience);
    }
    let time = |name: &str| claims[name].as_i64();
    let Some(expires) = time("exp") else {
        return Err(Problem::Malformed("no expiry".into()));
    };
    if expires + CLOCK_SKEW_SECONDS <= expected.now
        || time("iat").is_some_and(|iat| iat - CLOCK_SKEW_SECONDS > expected.now)
        || time("nbf").is_some_and(|nbf| nbf - CLOCK_SKEW_SECONDS > expected.now)
    {
        return Err(Problem::Expired);
    }
    let nonce = claims["nonce"].as_str().unwrap_or_default();
    if !super::same_secret(nonce, expected.nonce) {
        return Err(Problem::Nonce);
    }
    let subject = claims["sub"].as_str().unwrap_or_default();
    if subject.is_empty() {
        return Err(Problem::Malformed("no subject".into()));
    }
    Ok(Identity::from_claims(subject, &claims))
}

/// A PKCE verifier's S256 challenge.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// What an authorization request carries besides the provider's endpoint.
#[derive(Debug, Clone, Copy)]
pub struct AuthorizationRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_verifier: &'a str,
    pub login_hint: Option<&'a str>,
}

/// The provider's address the browser is sent to.
pub fn authorization_url(
    discovery: &Discovery,
    request: AuthorizationRequest<'_>,
) -> Result<String, Problem> {
    let challenge = pkce_challenge(request.code_verifier);
    let mut params = vec![
        ("response_type", "code"),
        ("scope", "openid email profile"),
        ("client_id", request.client_id),
        ("redirect_uri", request.redirect_uri),
        ("state", request.state),
        ("nonce", request.nonce),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    if let Some(hint) = request.login_hint {
        params.push(("login_hint", hint));
    }
    reqwest::Url::parse_with_params(&discovery.authorization_endpoint, &params)
        .map(String::from)
        .map_err(|e| Problem::Unreachable(format!("authorization endpoint: {e}")))
}

/// Percent-encodes for `client_secret_basic`, which form-encodes the id and secret first.
fn form_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Refuses an address a provider may not have: not http(s), with credentials, or plain HTTP
/// outside a development install.
pub fn check_url(url: &str, allow_http: bool) -> Result<reqwest::Url, Problem> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| Problem::Unreachable(format!("{url:?} is not a URL")))?;
    let fits = match parsed.scheme() {
        "https" => true,
        "http" => allow_http,
        _ => false,
    };
    // A name is resolved to public addresses only (`PublicOnly`); an address written out must be
    // one.
    let host = parsed.host_str().unwrap_or_default();
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let reachable = allow_http || literal.parse::<std::net::IpAddr>().map_or(true, is_public);
    if fits && !host.is_empty() && reachable && parsed.username().is_empty() {
        Ok(parsed)
    } else {
        Err(Problem::Unreachable(format!("{url:?} is not an https URL")))
    }
}

/// Reads providers over HTTP and keeps what they said for a while.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    /// Plain-HTTP providers are accepted on development installs only.
    allow_http: bool,
    known: Mutex<HashMap<String, Arc<Metadata>>>,
}

impl Client {
    /// A client on `http`; outside development (`development` false) it speaks HTTPS only, and
    /// only to public addresses: the addresses are typed by tenants' and organizations'
    /// administrators, and must not reach the server's own network.
    pub fn new(http: reqwest::ClientBuilder, development: bool) -> anyhow::Result<Self> {
        let http = match development {
            true => http,
            false => http.dns_resolver(Arc::new(PublicOnly)),
        };
        Ok(Self {
            http: http.build()?,
            allow_http: development,
            known: Mutex::default(),
        })
    }

    fn check_url(&self, url: &str) -> Result<reqwest::Url, Problem> {
        check_url(url, self.allow_http)
    }

    /// GETs a provider's JSON answer (discovery, keys, userinfo with the access token).
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<T, Problem> {
        let mut request = self
            .http
            .get(self.check_url(url)?)
            .header("accept", "application/json");
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| Problem::Unreachable(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(Problem::Unreachable(response.status().to_string()));
        }
        let body = read_bounded(response).await?;
        serde_json::from_slice(&body).map_err(|e| Problem::Unreachable(e.to_string()))
    }

    async fn read(&self, issuer: &str) -> Result<Arc<Metadata>, Problem> {
        let address = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let discovery: Discovery = self.get_json(&address, None).await?;
        // OpenID Connect Discovery 1.0, 4.3: the document must name the issuer we asked.
        if discovery.issuer != issuer {
            return Err(Problem::Issuer);
        }
        for endpoint in [&discovery.authorization_endpoint, &discovery.token_endpoint] {
            self.check_url(endpoint)?;
        }
        let keys: JwkSet = self.get_json(&discovery.jwks_uri, None).await?;
        let metadata = Arc::new(Metadata {
            discovery,
            keys: keys.keys,
            read_at: Instant::now(),
        });
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(issuer.to_owned(), metadata.clone());
        Ok(metadata)
    }

    /// The provider's endpoints and keys, read again when they are old.
    pub async fn metadata(&self, issuer: &str) -> Result<Arc<Metadata>, Problem> {
        let known = self
            .known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(issuer)
            .cloned();
        match known {
            Some(metadata) if metadata.read_at.elapsed() < METADATA_LIFETIME => Ok(metadata),
            _ => self.read(issuer).await,
        }
    }

    /// Verifies an ID token; a token signed by a key we do not know yet makes us read the
    /// provider's keys again (they rotate), at most once a minute.
    pub async fn verify(
        &self,
        issuer: &str,
        token: &str,
        expected: Expected<'_>,
    ) -> Result<Identity, Problem> {
        let metadata = self.metadata(issuer).await?;
        match verify_id_token(token, &metadata, expected) {
            Err(Problem::Signature) if metadata.read_at.elapsed() >= KEYS_REFRESH_INTERVAL => {
                let fresh = self.read(issuer).await?;
                verify_id_token(token, &fresh, expected)
            }
            outcome => outcome,
        }
    }

    /// The provider's verified address of `identity`'s subject from its userinfo endpoint, when
    /// the ID token left it out (providers that conform strictly put it there only).
    pub async fn complete(
        &self,
        discovery: &Discovery,
        tokens: &Tokens,
        identity: Identity,
    ) -> Result<Identity, Problem> {
        if identity.email.is_some() {
            return Ok(identity);
        }
        let (Some(endpoint), Some(access_token)) =
            (&discovery.userinfo_endpoint, &tokens.access_token)
        else {
            return Err(Problem::NoVerifiedEmail);
        };
        let claims: Value = self.get_json(endpoint, Some(access_token)).await?;
        // OpenID Connect Core 5.3.2: an answer about another subject is not used.
        if claims["sub"].as_str() != Some(identity.subject.as_str()) {
            return Err(Problem::Malformed("userinfo names another subject".into()));
        }
        let found = Identity::from_claims(&identity.subject, &claims);
        match found.email {
            Some(email) => Ok(Identity {
                email: Some(email),
                name: identity.name.or(found.name),
                ..identity
            }),
            None => Err(Problem::NoVerifiedEmail),
        }
    }

    /// Exchanges an authorization code for the tokens (with the PKCE verifier).
    pub async fn exchange(
        &self,
        discovery: &Discovery,
        client_id: &str,
        client_secret: &str,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<Tokens, Problem> {
        let url = self.check_url(&discovery.token_endpoint)?;
        let response = self
            .http
            .post(url)
            .basic_auth(form_encoded(client_id), Some(form_encoded(client_secret)))
            .header("accept", "application/json")
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", code_verifier),
            ])
            .send()
            .await
            .map_err(|e| Problem::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        let body: Value = serde_json::from_slice(&read_bounded(response).await?)
            .map_err(|e| Problem::Unreachable(e.to_string()))?;
        if status.is_client_error() {
            let error = body["error"].as_str().unwrap_or("invalid_request");
            return Err(Problem::Refused(error.to_owned()));
        }
        if !status.is_success() {
            return Err(Problem::Unreachable(status.to_string()));
        }
        let id_token = body["id_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Problem::Malformed("the token answer has no id_token".into()))?;
        Ok(Tokens {
            id_token,
            access_token: body["access_token"].as_str().map(str::to_owned),
        })
    }
}

/// Resolves names to their public addresses only (no loopback, private, link-local, shared or
/// documentation ranges): a provider's address cannot lead into the server's own network.
#[derive(Debug)]
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<std::net::SocketAddr> = found.filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{} has no public address", name.as_str()).into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether an address is on the public internet.
fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80
                    || first == 0x2001 && v6.segments()[1] == 0x0db8)
            }
        },
    }
}

/// Reads an answer's body, refusing one larger than a provider's answers can be.
async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, Problem> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Problem::Unreachable(e.without_url().to_string()))?
    {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(Problem::Unreachable("the answer is too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pkce_challenge_is_rfc_7636s_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn client_credentials_are_form_encoded_for_basic_authentication() {
        assert_eq!(form_encoded("a b:c/é"), "a%20b%3Ac%2F%C3%A9");
        assert_eq!(form_encoded("plain-id_1.~"), "plain-id_1.~");
    }

    #[test]
    fn providers_outside_development_are_reached_at_public_addresses_only() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1::1", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn only_https_providers_outside_development() {
        assert!(check_url("https://id.example.com", false).is_ok());
        assert!(check_url("http://id.example.com", false).is_err());
        assert!(check_url("file:///etc/passwd", false).is_err());
        assert!(check_url("https://user@id.example.com", false).is_err());
        assert!(check_url("https://10.0.0.8/realms/x", false).is_err());
        assert!(check_url("https://[::1]:8443", false).is_err());
        assert!(check_url("https://93.184.216.34", false).is_ok());
        assert!(check_url("http://127.0.0.1:4000", true).is_ok());
        assert!(check_url("ftp://127.0.0.1", true).is_err());
    }

    fn unsigned(header: Value, claims: Value) -> String {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            URL_SAFE_NO_PAD.encode(b"not a signature")
        )
    }

    /// A provider at `https://id.example.com` with `keys`, read just now.
    fn metadata(keys: Vec<Jwk>) -> Metadata {
        Metadata {
            discovery: Discovery {
                issuer: "https://id.example.com".into(),
                authorization_endpoint: "https://id.example.com/auth".into(),
                token_endpoint: "https://id.example.com/token".into(),
                jwks_uri: "https://id.example.com/jwks".into(),
                userinfo_endpoint: None,
            },
            keys,
            read_at: Instant::now(),
        }
    }

    #[test]
    fn tokens_without_an_accepted_algorithm_or_a_known_key_are_refused() {
        let metadata = metadata(vec![]);
        let expected = Expected {
            issuer: "https://id.example.com",
            client_id: "portico",
            nonce: "n",
            now: 1_000,
        };
        let claims = serde_json::json!({ "iss": "https://id.example.com", "aud": "portico" });
        for alg in ["none", "HS256", "RS384"] {
            let token = unsigned(serde_json::json!({ "alg": alg }), claims.clone());
            assert_eq!(
                verify_id_token(&token, &metadata, expected),
                Err(Problem::Algorithm(alg.into()))
            );
        }
        let token = unsigned(serde_json::json!({ "alg": "RS256" }), claims);
        assert_eq!(
            verify_id_token(&token, &metadata, expected),
            Err(Problem::Signature)
        );
        assert!(matches!(
            verify_id_token("a.b", &metadata, expected),
            Err(Problem::Malformed(_))
        ));
    }

    /// A P-256 key of our own, as a provider publishes it, and a signer of tokens with it.
    fn es256_provider() -> (Metadata, impl Fn(&Value) -> String) {
        use ring::{
            rand::SystemRandom,
            signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair},
        };
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let point = key.public_key().as_ref().to_vec();
        let jwk = Jwk {
            kty: "EC".into(),
            kid: Some("ec-1".into()),
            usage: Some("sig".into()),
            alg: Some("ES256".into()),
            n: None,
            e: None,
            crv: Some("P-256".into()),
            x: Some(URL_SAFE_NO_PAD.encode(&point[1..33])),
            y: Some(URL_SAFE_NO_PAD.encode(&point[33..])),
        };
        let metadata = metadata(vec![jwk]);
        let sign = move |claims: &Value| {
            let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","kid":"ec-1"}"#);
            let signed = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
            let signature = key.sign(&SystemRandom::new(), signed.as_bytes()).unwrap();
            format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
        };
        (metadata, sign)
    }

    #[test]
    fn an_es256_token_is_verified_claim_by_claim() {
        let (metadata, sign) = es256_provider();
        let expected = Expected {
            issuer: "https://id.example.com",
            client_id: "portico",
            nonce: "n-1",
            now: 10_000,
        };
        let good = serde_json::json!({
            "iss": "https://id.example.com", "aud": "portico", "sub": "u-1", "nonce": "n-1",
            "iat": 9_990, "exp": 10_300, "email": "Ann@Client.test", "email_verified": true,
            "name": " Ann ",
        });
        let identity = verify_id_token(&sign(&good), &metadata, expected).unwrap();
        assert_eq!(
            identity,
            Identity {
                subject: "u-1".into(),
                email: Some("ann@client.test".into()),
                name: Some("Ann".into()),
            }
        );
        let with = |changes: Value| {
            let mut claims = good.clone();
            claims
                .as_object_mut()
                .unwrap()
                .extend(changes.as_object().unwrap().clone());
            verify_id_token(&sign(&claims), &metadata, expected)
        };
        assert_eq!(
            with(serde_json::json!({ "iss": "https://evil.example" })),
            Err(Problem::Issuer)
        );
        assert_eq!(
            with(serde_json::json!({ "aud": "other" })),
            Err(Problem::Audience)
        );
        // Several audiences need the authorized party to be us.
        assert_eq!(
            with(serde_json::json!({ "aud": ["portico", "other"] })),
            Err(Problem::Audience)
        );
        assert!(with(serde_json::json!({ "aud": ["portico", "other"], "azp": "portico" })).is_ok());
        assert_eq!(
            with(serde_json::json!({ "exp": 9_000 })),
            Err(Problem::Expired)
        );
        assert_eq!(
            with(serde_json::json!({ "iat": 20_000 })),
            Err(Problem::Expired)
        );
        assert_eq!(
            with(serde_json::json!({ "nonce": "n-2" })),
            Err(Problem::Nonce)
        );
        // Within the clock skew, an expiry just past still counts.
        assert!(with(serde_json::json!({ "exp": 9_950 })).is_ok());
        // An address not verified is left out (the userinfo endpoint may still vouch for it).
        assert_eq!(
            with(serde_json::json!({ "email_verified": false }))
                .unwrap()
                .email,
            None
        );
        assert_eq!(
            with(serde_json::json!({ "email_verified": "true" }))
                .unwrap()
                .email
                .as_deref(),
            Some("ann@client.test")
        );
        // A token altered after signing fails its signature.
        let token = sign(&good);
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(
            serde_json::json!({ "iss": "https://id.example.com", "aud": "portico", "sub": "admin", "nonce": "n-1", "exp": 10_300 }).to_string(),
        );
        parts[1] = &forged;
        assert_eq!(
            verify_id_token(&parts.join("."), &metadata, expected),
            Err(Problem::Signature)
        );
    }
}
