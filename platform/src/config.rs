//! Typed configuration: defaults that run, then an optional TOML file, then `PORTICO_*` environment
//! variables. A bad value stops start-up with one line naming the setting.

use std::{fmt, net::SocketAddr, path::PathBuf};

use serde::Deserialize;

use crate::store::Dialect;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub database_max_connections: u32,
    /// How long a request waits for a database connection before it answers 503.
    pub database_acquire_timeout: std::time::Duration,
    /// How long one statement of a list (its page, count or totals) may run on PostgreSQL
    /// before it is cancelled and the reader asked to narrow the list.
    pub list_timeout: std::time::Duration,
    pub listen: SocketAddr,
    pub base_domain: String,
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy_headers: bool,
    /// Where e-mail goes; without it, mail stays in the outbox (the console's mailbox).
    pub smtp_url: Option<SecretUrl>,
    pub mail_from: String,
    /// Domains a tenant may send its mail from (its own sender address); none: only the platform's.
    pub mail_sender_domains: Vec<String>,
    /// How often the mail worker looks for due messages.
    pub mail_poll_interval: std::time::Duration,
    /// Largest attachment accepted, in bytes.
    pub max_attachment_bytes: u64,
    /// Bounds on connections and how long requests may take to arrive.
    pub connections: crate::http::server::Limits,
    /// The most API calls a day a tenant may allow each portal user.
    pub api_calls_ceiling: u64,
    /// Whether portal users' API calls are counted and limited a day (an installation that
    /// meters nothing may turn it off).
    pub api_limit: bool,
    /// The bearer token of the operator API (none: the operator API is off).
    pub operator_token: Option<Secret>,
    /// Billing through Stripe (none: licenses are set by the operator).
    pub stripe: Option<StripeConfig>,
    /// The key that seals secrets kept in the database (identity providers' client secrets);
    /// none: single sign-on cannot be configured.
    pub secrets_key: Option<SecretsKey>,
    /// The DNS server that checks tenants' own domains (none: the system's, `/etc/resolv.conf`).
    pub dns_server: Option<SocketAddr>,
}

/// 32 random bytes, given base64-encoded (`openssl rand -base64 32`); its `Debug` shows none.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretsKey(pub(crate) [u8; 32]);

impl fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl SecretsKey {
    fn parse(text: &str) -> Option<Self> {
        use base64::Engine;
        let text = text.trim();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text))
            .ok()?;
        Some(Self(bytes.try_into().ok()?))
    }
}

/// How Portico bills tenants through Stripe.
#[derive(Debug, Clone)]
pub struct StripeConfig {
    /// The secret API key (`sk_...`).
    pub secret_key: Secret,
    /// The signing secret of the webhook endpoint (`whsec_...`).
    pub webhook_secret: Secret,
    /// Where the Stripe API answers (another address only for a Stripe-compatible test server).
    pub api_base: String,
    /// The per-seat, per-year prices (or plans) of customer and partner licenses, and of a pack
    /// of self-service licenses.
    pub price_customer: String,
    pub price_partner: String,
    pub price_self_service_pack: String,
    /// How long a tenant whose payment failed keeps activating users.
    pub grace: chrono::Duration,
}

/// A secret (a key, a token); its `Debug` shows none of it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// A URL that may hold a password; its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

impl SecretUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&DatabaseUrl(self.0.clone()), f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A database URL; its `Debug` hides any password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self
            .0
            .split_once("://")
            .and_then(|(s, rest)| Some((s, rest.split_once('@')?)))
        {
            Some((scheme, (userinfo, host))) => {
                let user = userinfo.split(':').next().unwrap_or_default();
                write!(f, "\"{scheme}://{user}:***@{host}\"")
            }
            None => write!(f, "{:?}", self.0),
        }
    }
}

/// One setting that could not be used, named as the operator would set it.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {setting}: {problem}")]
pub struct ConfigError {
    pub setting: String,
    pub problem: String,
}

fn invalid(setting: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: setting.to_owned(),
        problem: problem.into(),
    }
}

/// The keys a `portico.toml` may hold; each mirrors a `PORTICO_*` variable.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    database_max_connections: Option<u32>,
    database_acquire_timeout_ms: Option<u64>,
    list_timeout_ms: Option<u64>,
    listen: Option<String>,
    base_domain: Option<String>,
    data_dir: Option<PathBuf>,
    log_format: Option<String>,
    trust_proxy_headers: Option<bool>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    mail_sender_domains: Option<String>,
    max_attachment_bytes: Option<u64>,
    api_calls_ceiling: Option<u64>,
    api_limit: Option<bool>,
    operator_token: Option<String>,
    stripe_secret_key: Option<String>,
    stripe_webhook_secret: Option<String>,
    stripe_api_base: Option<String>,
    stripe_price_customer: Option<String>,
    stripe_price_partner: Option<String>,
    stripe_price_self_service_pack: Option<String>,
    billing_grace_days: Option<u64>,
    max_connections: Option<u64>,
    max_connections_per_client: Option<u64>,
    header_timeout_secs: Option<u64>,
    body_timeout_secs: Option<u64>,
    body_deadline_secs: Option<u64>,
    secrets_key: Option<String>,
    dns_server: Option<String>,
}

impl Config {
    /// Loads the configuration from the process environment and an optional file.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, ConfigError> {
        Self::from_sources(file, |name| std::env::var(name).ok())
    }

    /// Builds the configuration from a file and an environment lookup (tests pass their own).
    pub fn from_sources(
        file: Option<&std::path::Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let file = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    invalid("--config", format!("cannot read {}: {e}", path.display()))
                })?;
                toml::from_str::<FileConfig>(&text).map_err(|e| {
                    invalid("--config", format!("{}: {}", path.display(), e.message()))
                })?
            }
            None => FileConfig::default(),
        };
        let pick = |var: &str, from_file: Option<String>| env(var).or(from_file);

        let data_dir = env("PORTICO_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./data"));
        let database_url = pick("PORTICO_DATABASE_URL", file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}/portico.db", data_dir.display()));
        let Ok(dialect) = Dialect::from_url(&database_url) else {
            return Err(invalid(
                "PORTICO_DATABASE_URL",
                "expected sqlite://PATH or postgres://USER@HOST/DATABASE",
            ));
        };
        let database_max_connections = positive(
            "PORTICO_DATABASE_MAX_CONNECTIONS",
            env("PORTICO_DATABASE_MAX_CONNECTIONS"),
            file.database_max_connections.map(u64::from),
            default_database_connections(dialect),
        )?;
        let database_max_connections = u32::try_from(database_max_connections)
            .map_err(|_| invalid("PORTICO_DATABASE_MAX_CONNECTIONS", "is too large"))?;
        let database_acquire_timeout = std::time::Duration::from_millis(positive(
            "PORTICO_DATABASE_ACQUIRE_TIMEOUT_MS",
            env("PORTICO_DATABASE_ACQUIRE_TIMEOUT_MS"),
            file.database_acquire_timeout_ms,
            750,
        )?);
        let list_timeout = std::time::Duration::from_millis(positive(
            "PORTICO_LIST_TIMEOUT_MS",
            env("PORTICO_LIST_TIMEOUT_MS"),
            file.list_timeout_ms,
            5_000,
        )?);
        let listen = pick("PORTICO_LISTEN", file.listen).unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen = listen.parse().map_err(|_| {
            invalid(
                "PORTICO_LISTEN",
                format!("{listen:?} is not an address like 127.0.0.1:8080"),
            )
        })?;
        let base_domain = pick("PORTICO_BASE_DOMAIN", file.base_domain)
            .unwrap_or_else(|| "localhost".into())
            .to_ascii_lowercase();
        if !is_hostname(&base_domain) {
            return Err(invalid(
                "PORTICO_BASE_DOMAIN",
                format!(
                    "{base_domain:?} is not a host name like portico.example.com (no scheme, no port)"
                ),
            ));
        }
        let log_format = match pick("PORTICO_LOG_FORMAT", file.log_format).as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "PORTICO_LOG_FORMAT",
                    format!("{other:?} is not \"text\" or \"json\""),
                ));
            }
        };
        let trust_proxy_headers = match env("PORTICO_TRUST_PROXY_HEADERS").as_deref() {
            None => file.trust_proxy_headers.unwrap_or(false),
            Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => {
                return Err(invalid(
                    "PORTICO_TRUST_PROXY_HEADERS",
                    format!("{other:?} is not true or false"),
                ));
            }
        };
        let smtp_url = pick("PORTICO_SMTP_URL", file.smtp_url).filter(|u| !u.is_empty());
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(invalid(
                "PORTICO_SMTP_URL",
                "expected smtp://HOST:PORT or smtps://USER:PASSWORD@HOST",
            ));
        }
        let mail_from = pick("PORTICO_MAIL_FROM", file.mail_from)
            .unwrap_or_else(|| format!("Portico <no-reply@{base_domain}>"));
        if !mail_from.contains('@') {
            return Err(invalid(
                "PORTICO_MAIL_FROM",
                format!("{mail_from:?} is not an address like Name <no-reply@example.com>"),
            ));
        }
        let mail_sender_domains = pick("PORTICO_MAIL_SENDER_DOMAINS", file.mail_sender_domains)
            .unwrap_or_default()
            .split(',')
            .map(|d| d.trim().to_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        let max_attachment_bytes = positive(
            "PORTICO_MAX_ATTACHMENT_BYTES",
            env("PORTICO_MAX_ATTACHMENT_BYTES"),
            file.max_attachment_bytes,
            10 * 1024 * 1024,
        )?;
        let seconds = |setting: &str, from_file: Option<u64>, default: u64| {
            positive(setting, env(setting), from_file, default).map(std::time::Duration::from_secs)
        };
        let max_connections = positive(
            "PORTICO_MAX_CONNECTIONS",
            env("PORTICO_MAX_CONNECTIONS"),
            file.max_connections,
            default_max_connections(),
        )?;
        let max_connections_per_client = positive(
            "PORTICO_MAX_CONNECTIONS_PER_CLIENT",
            env("PORTICO_MAX_CONNECTIONS_PER_CLIENT"),
            file.max_connections_per_client,
            256,
        )?;
        let connections = crate::http::server::Limits {
            max_connections: usize::try_from(max_connections).unwrap_or(usize::MAX),
            // Behind a proxy every connection comes from the proxy: it bounds its clients.
            max_connections_per_client: (!trust_proxy_headers)
                .then(|| usize::try_from(max_connections_per_client).unwrap_or(usize::MAX)),
            header_timeout: seconds("PORTICO_HEADER_TIMEOUT_SECS", file.header_timeout_secs, 10)?,
            body_idle_timeout: seconds("PORTICO_BODY_TIMEOUT_SECS", file.body_timeout_secs, 15)?,
            body_deadline: seconds("PORTICO_BODY_DEADLINE_SECS", file.body_deadline_secs, 300)?,
        };
        let api_calls_ceiling = positive(
            "PORTICO_API_CALLS_CEILING",
            env("PORTICO_API_CALLS_CEILING"),
            file.api_calls_ceiling,
            100_000,
        )?;
        let api_limit = match env("PORTICO_API_LIMIT").as_deref() {
            None => file.api_limit.unwrap_or(true),
            Some("on") => true,
            Some("off") => false,
            Some(other) => {
                return Err(invalid(
                    "PORTICO_API_LIMIT",
                    format!("{other:?} is neither on nor off"),
                ));
            }
        };
        let stripe = match pick("PORTICO_STRIPE_SECRET_KEY", file.stripe_secret_key)
            .filter(|k| !k.is_empty())
        {
            None => None,
            Some(secret_key) => {
                let required = |setting: &str, value: Option<String>| {
                    value.filter(|v| !v.trim().is_empty()).ok_or_else(|| {
                        invalid(setting, "needed when PORTICO_STRIPE_SECRET_KEY is set")
                    })
                };
                let grace_days = positive(
                    "PORTICO_BILLING_GRACE_DAYS",
                    env("PORTICO_BILLING_GRACE_DAYS"),
                    file.billing_grace_days,
                    14,
                )?;
                if grace_days > 365 {
                    return Err(invalid("PORTICO_BILLING_GRACE_DAYS", "at most 365 days"));
                }
                Some(StripeConfig {
                    secret_key: Secret(secret_key),
                    webhook_secret: Secret(required(
                        "PORTICO_STRIPE_WEBHOOK_SECRET",
                        pick("PORTICO_STRIPE_WEBHOOK_SECRET", file.stripe_webhook_secret),
                    )?),
                    api_base: pick("PORTICO_STRIPE_API_BASE", file.stripe_api_base)
                        .unwrap_or_else(|| "https://api.stripe.com".to_owned())
                        .trim_end_matches('/')
                        .to_owned(),
                    price_customer: required(
                        "PORTICO_STRIPE_PRICE_CUSTOMER",
                        pick("PORTICO_STRIPE_PRICE_CUSTOMER", file.stripe_price_customer),
                    )?,
                    price_partner: required(
                        "PORTICO_STRIPE_PRICE_PARTNER",
                        pick("PORTICO_STRIPE_PRICE_PARTNER", file.stripe_price_partner),
                    )?,
                    price_self_service_pack: required(
                        "PORTICO_STRIPE_PRICE_SELF_SERVICE_PACK",
                        pick(
                            "PORTICO_STRIPE_PRICE_SELF_SERVICE_PACK",
                            file.stripe_price_self_service_pack,
                        ),
                    )?,
                    grace: chrono::Duration::days(i64::try_from(grace_days).unwrap_or(365)),
                })
            }
        };
        let secrets_key =
            match pick("PORTICO_SECRETS_KEY", file.secrets_key).filter(|k| !k.trim().is_empty()) {
                None => None,
                Some(text) => Some(SecretsKey::parse(&text).ok_or_else(|| {
                    invalid(
                        "PORTICO_SECRETS_KEY",
                        "expected 32 random bytes in base64 (openssl rand -base64 32)",
                    )
                })?),
            };
        let dns_server = match pick("PORTICO_DNS_SERVER", file.dns_server).filter(|s| !s.is_empty())
        {
            None => None,
            Some(text) => Some(text.parse().map_err(|_| {
                invalid(
                    "PORTICO_DNS_SERVER",
                    format!("{text:?} is not an address like 192.0.2.53:53"),
                )
            })?),
        };
        Ok(Self {
            database_url: DatabaseUrl(database_url),
            database_max_connections,
            database_acquire_timeout,
            list_timeout,
            listen,
            base_domain,
            data_dir,
            log_format,
            trust_proxy_headers,
            smtp_url: smtp_url.map(SecretUrl),
            mail_from,
            mail_sender_domains,
            mail_poll_interval: std::time::Duration::from_secs(5),
            max_attachment_bytes,
            connections,
            api_calls_ceiling,
            api_limit,
            operator_token: pick("PORTICO_OPERATOR_TOKEN", file.operator_token)
                .filter(|t| !t.is_empty())
                .map(Secret),
            stripe,
            secrets_key,
            dns_server,
        })
    }

    /// Development installs (`localhost`) speak plain HTTP on the listening port; anything else
    /// is assumed to sit behind TLS on the standard port.
    pub fn is_local(&self) -> bool {
        self.base_domain == "localhost" || self.base_domain.ends_with(".localhost")
    }

    /// The address a tenant's users reach, e.g. `http://demo.localhost:8080`.
    pub fn tenant_origin(&self, slug: &str) -> String {
        if self.is_local() {
            format!("http://{slug}.{}:{}", self.base_domain, self.listen.port())
        } else {
            format!("https://{slug}.{}", self.base_domain)
        }
    }
}

/// SQLite's work runs in this process, each connection on a thread of its own: beyond two per
/// core, more connections only add threads and page caches (on two cores, 16 held 35 MiB more
/// than 4 under the load bench, for the same rates). PostgreSQL's connections mostly wait on the
/// database server.
fn default_database_connections(dialect: Dialect) -> u64 {
    match dialect {
        Dialect::Sqlite => {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u64);
            (2 * cores).max(4)
        }
        Dialect::Postgres => 16,
    }
}

/// Connections the server keeps open by default: as many as the process may open files, less
/// room for the database pool, files and the refusals beyond the bound; at most 10,000.
fn default_max_connections() -> u64 {
    let open_files = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|l| l.starts_with("Max open files"))?
                .split_whitespace()
                .nth(3)?
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(1024);
    open_files.saturating_sub(512).clamp(64, 10_000)
}

/// A positive whole number from the environment (as text) or the file, else `default`.
fn positive(
    setting: &str,
    from_env: Option<String>,
    from_file: Option<u64>,
    default: u64,
) -> Result<u64, ConfigError> {
    match from_env {
        Some(text) => text
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| invalid(setting, format!("{text:?} is not a positive number"))),
        None => match from_file {
            Some(0) => Err(invalid(setting, "0 is not a positive number")),
            Some(n) => Ok(n),
            None => Ok(default),
        },
    }
}

pub(crate) fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_sources(None, |k| vars.get(k).cloned())
    }

    #[test]
    fn defaults_run_the_embedded_database_on_localhost() {
        let config = load(&[]).unwrap();
        assert_eq!(config.database_url.expose(), "sqlite://./data/portico.db");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.base_domain, "localhost");
        assert_eq!(config.tenant_origin("demo"), "http://demo.localhost:8080");
        assert_eq!(config.log_format, LogFormat::Text);
    }

    #[test]
    fn the_pool_fits_the_database_unless_set() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
        let sqlite = load(&[]).unwrap();
        assert_eq!(sqlite.database_max_connections, (2 * cores).max(4));
        let postgres = load(&[("PORTICO_DATABASE_URL", "postgres://app@db/portico")]).unwrap();
        assert_eq!(postgres.database_max_connections, 16);
        let set = load(&[("PORTICO_DATABASE_MAX_CONNECTIONS", "9")]).unwrap();
        assert_eq!(set.database_max_connections, 9);
    }

    #[test]
    fn each_bad_setting_is_named() {
        for (var, value) in [
            ("PORTICO_LISTEN", "8080"),
            ("PORTICO_BASE_DOMAIN", "https://example.com"),
            ("PORTICO_BASE_DOMAIN", "example.com:80"),
            ("PORTICO_DATABASE_URL", "mysql://x"),
            ("PORTICO_LOG_FORMAT", "xml"),
            ("PORTICO_DATABASE_MAX_CONNECTIONS", "0"),
        ] {
            let err = load(&[(var, value)]).unwrap_err();
            assert_eq!(err.setting, var);
            assert!(
                err.to_string()
                    .starts_with(&format!("invalid configuration: {var}: "))
            );
        }
    }

    #[test]
    fn file_values_are_overridden_by_the_environment() {
        let path = std::env::temp_dir().join(format!("portico-{}.toml", uuid::Uuid::new_v4()));
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\nbase_domain = \"portico.example\"\n",
        )
        .unwrap();
        let config = Config::from_sources(Some(&path), |k| {
            (k == "PORTICO_LISTEN").then(|| "127.0.0.1:9100".to_owned())
        })
        .unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:9100");
        assert_eq!(config.tenant_origin("acme"), "https://acme.portico.example");

        std::fs::write(&path, "lisen = \"x\"\n").unwrap();
        let err = Config::from_sources(Some(&path), |_| None).unwrap_err();
        assert_eq!(err.setting, "--config");
        assert!(err.problem.contains("lisen"), "{}", err.problem);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn billing_needs_its_prices_and_keeps_its_keys_out_of_debug_output() {
        let err = load(&[("PORTICO_STRIPE_SECRET_KEY", "sk_live_abc")]).unwrap_err();
        assert_eq!(err.setting, "PORTICO_STRIPE_WEBHOOK_SECRET");
        let config = load(&[
            ("PORTICO_STRIPE_SECRET_KEY", "sk_live_abc"),
            ("PORTICO_STRIPE_WEBHOOK_SECRET", "whsec_def"),
            ("PORTICO_STRIPE_PRICE_CUSTOMER", "price_c"),
            ("PORTICO_STRIPE_PRICE_PARTNER", "price_p"),
            ("PORTICO_STRIPE_PRICE_SELF_SERVICE_PACK", "price_s"),
            ("PORTICO_OPERATOR_TOKEN", "operator-ghi"),
        ])
        .unwrap();
        let stripe = config.stripe.as_ref().unwrap();
        assert_eq!(stripe.grace, chrono::Duration::days(14));
        assert_eq!(stripe.api_base, "https://api.stripe.com");
        let shown = format!("{config:?}");
        for secret in ["sk_live_abc", "whsec_def", "operator-ghi"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            load(&[("PORTICO_BILLING_GRACE_DAYS", "400")]).is_ok(),
            "read only with billing on"
        );
    }

    #[test]
    fn database_passwords_stay_out_of_debug_output() {
        let url = DatabaseUrl::new("postgres://app:s3cret@db/portico");
        assert_eq!(format!("{url:?}"), "\"postgres://app:***@db/portico\"");
    }
}
