//! The few calls of the Stripe API billing makes, as Stripe documents them (form-encoded
//! requests, JSON answers, `Authorization: Bearer` with the secret key). A thin client rather
//! than `async-stripe`: that crate's generated types fail on the answers of the local
//! Stripe-compatible server the tests run against, and double the build time.

use std::{collections::HashMap, time::Duration};

use serde::{Deserialize, de::DeserializeOwned};

use crate::{
    config::StripeConfig,
    error::{Error, Result},
};

/// How long one call may take: a purchase waits for it, nothing else does.
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct Stripe {
    http: reqwest::Client,
    config: StripeConfig,
}

#[derive(Debug, Deserialize)]
pub struct Customer {
    pub id: String,
    #[serde(default)]
    pub invoice_settings: InvoiceSettings,
}

#[derive(Debug, Default, Deserialize)]
pub struct InvoiceSettings {
    pub default_payment_method: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    pub status: String,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
    pub items: List<SubscriptionItem>,
}

#[derive(Debug, Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
}

#[derive(Debug, Deserialize)]
pub struct SubscriptionItem {
    pub id: String,
    #[serde(default)]
    pub quantity: Option<u64>,
    /// Prices replaced plans; a plan made as a price answers as both, and the reverse.
    #[serde(default)]
    price: Option<Named>,
    #[serde(default)]
    plan: Option<Named>,
}

impl SubscriptionItem {
    /// The id of the price (or plan) this item bills.
    pub fn price(&self) -> Option<&str> {
        self.price
            .as_ref()
            .or(self.plan.as_ref())
            .map(|p| p.id.as_str())
    }
}

#[derive(Debug, Deserialize)]
struct Named {
    id: String,
}

#[derive(Debug, Deserialize)]
struct PortalSession {
    url: String,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: Option<String>,
}

/// One change to a subscription's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemChange {
    Add { price: String, quantity: u64 },
    Set { item: String, quantity: u64 },
    Remove { item: String },
}

impl Stripe {
    pub fn new(config: StripeConfig) -> anyhow::Result<Self> {
        let http = crate::app::outbound_http(TIMEOUT)?;
        Ok(Self { http, config })
    }

    pub fn config(&self) -> &StripeConfig {
        &self.config
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<T> {
        let unavailable = |detail: String| {
            // Never the request itself: it carries the key.
            tracing::warn!(what, %detail, "Stripe did not answer as expected");
            Error::Unavailable {
                message: crate::tr!("billing-stripe-unavailable"),
                retry_after: Duration::from_secs(30),
            }
        };
        let response = request
            .bearer_auth(self.config.secret_key.expose())
            .send()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        if status.is_success() {
            serde_json::from_slice(&body).map_err(|e| unavailable(e.to_string()))
        } else if status.is_client_error() {
            // Stripe's own words for what it refused (a declined card, a missing payment method).
            let message = serde_json::from_slice::<ErrorBody>(&body)
                .ok()
                .and_then(|b| b.error.message)
                .unwrap_or_else(|| status.to_string());
            Err(Error::Conflict(crate::tr!(
                "billing-stripe-refused",
                reason = message
            )))
        } else {
            Err(unavailable(status.to_string()))
        }
    }

    fn post(&self, path: &str, form: &[(String, String)]) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.config.api_base))
            .form(form)
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.config.api_base))
    }

    /// Makes the tenant's customer; `once` makes a repeated call (two purchases at once) answer
    /// the first one's customer instead of making a second.
    pub async fn create_customer(&self, name: &str, tenant: i64, once: &str) -> Result<Customer> {
        let form = vec![
            ("name".to_owned(), name.to_owned()),
            ("metadata[portico_tenant]".to_owned(), tenant.to_string()),
        ];
        let request = self
            .post("/v1/customers", &form)
            .header("Idempotency-Key", once);
        self.send(request, "create customer").await
    }

    pub async fn customer(&self, id: &str) -> Result<Customer> {
        self.send(self.get(&format!("/v1/customers/{id}")), "read customer")
            .await
    }

    /// Subscribes the customer to `items` (price, quantity), charging its default payment
    /// method at once: a declined card is refused now, not later.
    pub async fn create_subscription(
        &self,
        customer: &str,
        tenant: i64,
        items: &[(String, u64)],
        once: &str,
    ) -> Result<Subscription> {
        let mut form = vec![
            ("customer".to_owned(), customer.to_owned()),
            ("metadata[portico_tenant]".to_owned(), tenant.to_string()),
            (
                "payment_behavior".to_owned(),
                "error_if_incomplete".to_owned(),
            ),
        ];
        for (i, (price, quantity)) in items.iter().enumerate() {
            // `plan` takes a price id too, and is what every Stripe-compatible server knows.
            form.push((format!("items[{i}][plan]"), price.clone()));
            form.push((format!("items[{i}][quantity]"), quantity.to_string()));
        }
        let request = self
            .post("/v1/subscriptions", &form)
            .header("Idempotency-Key", once);
        self.send(request, "create subscription").await
    }

    /// Changes a subscription's items; Stripe prorates as it always does.
    pub async fn update_subscription(
        &self,
        id: &str,
        changes: &[ItemChange],
    ) -> Result<Subscription> {
        let mut form = Vec::new();
        for (i, change) in changes.iter().enumerate() {
            let key = |field: &str| format!("items[{i}][{field}]");
            match change {
                ItemChange::Add { price, quantity } => {
                    form.push((key("plan"), price.clone()));
                    form.push((key("quantity"), quantity.to_string()));
                }
                ItemChange::Set { item, quantity } => {
                    form.push((key("id"), item.clone()));
                    form.push((key("quantity"), quantity.to_string()));
                }
                ItemChange::Remove { item } => {
                    form.push((key("id"), item.clone()));
                    form.push((key("deleted"), "true".to_owned()));
                }
            }
        }
        let request = self.post(&format!("/v1/subscriptions/{id}"), &form);
        self.send(request, "update subscription").await
    }

    pub async fn subscription(&self, id: &str) -> Result<Subscription> {
        let request = self.get(&format!("/v1/subscriptions/{id}"));
        self.send(request, "read subscription").await
    }

    /// A page of Stripe's billing portal where the customer enters or changes a card, and
    /// comes back to `return_url`.
    pub async fn portal_session(&self, customer: &str, return_url: &str) -> Result<String> {
        let form = vec![
            ("customer".to_owned(), customer.to_owned()),
            ("return_url".to_owned(), return_url.to_owned()),
        ];
        let request = self.post("/v1/billing_portal/sessions", &form);
        let session: PortalSession = self.send(request, "open billing portal").await?;
        Ok(session.url)
    }
}
