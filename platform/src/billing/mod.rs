//! Billing through Stripe (the rules are `portico_tenants::billing`), on when a Stripe key is
//! configured. Each tenant is one Stripe customer with one subscription: an item per license
//! sold (customer and partner seats, packs of self-service licenses) whose quantities are the
//! licenses the tenant has. Administrators buy in the console; card entry happens on Stripe's
//! billing portal. Stripe's webhooks report what happens afterwards (renewals, failed payments,
//! cancellation): each is verified, handled once, and taken as a prompt to read the subscription
//! as Stripe now has it, so late or repeated deliveries cannot set an old state.

pub mod stripe;
pub mod webhook;

use portico_tenants::{
    Configuration, Tenant, TenantId,
    billing::{Billing, Standing},
    licenses::Purchased,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use self::stripe::{ItemChange, Stripe, Subscription};
use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::{Error, Result},
    licenses::{self, Licenses},
    store::{Access, TenantTx},
};

/// The tenant's standing: what its subscription lets its people do (always good with billing off).
pub fn standing(app: &App, tenant: &Tenant) -> Standing {
    match &app.stripe {
        Some(stripe) => tenant
            .billing
            .standing(app.clock.now().0, stripe.config().grace),
        None => Standing::Good,
    }
}

/// Refuses to activate a portal user while the tenant's payment is overdue past its grace
/// period or its subscription ended (in the caller's transaction, so it reads the tenant as
/// saved, not as this node last saw it).
pub(crate) async fn check_activation(app: &App, tx: &mut TenantTx) -> Result<()> {
    if app.stripe.is_none() {
        return Ok(());
    }
    let id = tx.tenant();
    let tenant = portico_tenants::find_by_id(tx.conn(), id)
        .await?
        .ok_or(Error::NotFound("tenant"))?;
    let standing = standing(app, &tenant);
    if standing.allows_activations() {
        return Ok(());
    }
    Err(Error::Conflict(if standing == Standing::Canceled {
        crate::tr!("billing-canceled")
    } else {
        crate::tr!("billing-activations-blocked")
    }))
}

/// What an administrator asks to have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Order {
    pub customer: u64,
    pub partner: u64,
    pub self_service_packs: u64,
}

/// The billing panel of the Licenses page.
#[derive(Debug, Clone, Serialize)]
pub struct BillingView {
    #[serde(flatten)]
    pub standing: Standing,
    /// The subscription's status as Stripe names it (none: nothing bought yet).
    pub status: Option<String>,
    pub subscribed: bool,
}

pub fn view(app: &App, tenant: &Tenant) -> Option<BillingView> {
    app.stripe.as_ref()?;
    Some(BillingView {
        standing: standing(app, tenant),
        status: tenant.billing.status.clone(),
        subscribed: tenant.billing.subscription.is_some(),
    })
}

fn configured(app: &App) -> Result<&Stripe> {
    app.stripe.as_ref().ok_or(Error::NotFound("billing"))
}

/// The tenant as saved.
async fn saved(app: &App, tenant: TenantId) -> Result<Tenant> {
    let mut conn = app.db.global().await?;
    portico_tenants::find_by_id(&mut conn, tenant)
        .await?
        .ok_or(Error::NotFound("tenant"))
}

/// A key that makes Stripe answer a repeated request (a double click, two administrators at
/// once) with the first one's result; unique to this tenant of this installation.
fn once(tenant: &Tenant, what: &str) -> String {
    format!(
        "portico-{}-{}-{what}",
        tenant.slug,
        tenant.created_at.timestamp_micros()
    )
}

/// The tenant's Stripe customer, made on first use.
async fn customer_of(app: &App, stripe: &Stripe, tenant: &Tenant) -> Result<String> {
    if let Some(customer) = &tenant.billing.customer {
        return Ok(customer.clone());
    }
    let customer = stripe
        .create_customer(&tenant.name, tenant.id.get(), &once(tenant, "customer"))
        .await?;
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let mut billing = portico_tenants::find_by_id(tx.conn(), tenant.id)
        .await?
        .ok_or(Error::NotFound("tenant"))?
        .billing;
    if billing.customer.is_none() {
        billing.customer = Some(customer.id.clone());
        portico_tenants::set_billing(tx.conn(), tenant.id, &billing).await?;
        access::audit_platform(
            app,
            &mut tx,
            "billing.customer",
            "billing".to_owned(),
            None,
            Some(json!({ "customer": customer.id })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(billing.customer.unwrap_or(customer.id))
}

/// A page of Stripe's billing portal for the tenant's administrator to enter or change the
/// card, coming back to `return_url`.
pub async fn payment_page(app: &App, actor: &Actor, return_url: &str) -> Result<String> {
    access::check(actor, Capability::ManageEmployees)?;
    let stripe = configured(app)?;
    let tenant = saved(app, actor.tenant.id).await?;
    let customer = customer_of(app, stripe, &tenant).await?;
    stripe.portal_session(&customer, return_url).await
}

/// The price of each license sold, with how many the order wants.
fn wanted(stripe: &Stripe, order: Order) -> [(String, u64); 3] {
    let config = stripe.config();
    [
        (config.price_customer.clone(), order.customer),
        (config.price_partner.clone(), order.partner),
        (
            config.price_self_service_pack.clone(),
            order.self_service_packs,
        ),
    ]
}

/// What to change in a subscription's items (id, price, quantity) to bill `wanted`.
fn changes(items: &[(String, String, u64)], wanted: &[(String, u64)]) -> Vec<ItemChange> {
    let mut changes = Vec::new();
    for (price, quantity) in wanted {
        match items.iter().find(|(_, p, _)| p == price) {
            Some((item, _, _)) if *quantity == 0 => {
                changes.push(ItemChange::Remove { item: item.clone() })
            }
            Some((item, _, had)) if had != quantity => changes.push(ItemChange::Set {
                item: item.clone(),
                quantity: *quantity,
            }),
            Some(_) => {}
            None if *quantity > 0 => changes.push(ItemChange::Add {
                price: price.clone(),
                quantity: *quantity,
            }),
            None => {}
        }
    }
    changes
}

/// The licenses a subscription pays for.
fn purchased_by(stripe: &Stripe, subscription: &Subscription) -> Purchased {
    let config = stripe.config();
    let of = |price: &str| {
        subscription
            .items
            .data
            .iter()
            .filter(|i| i.price() == Some(price))
            .map(|i| i.quantity.unwrap_or(1))
            .sum::<u64>()
    };
    Purchased {
        customer: Some(of(&config.price_customer)),
        partner: Some(of(&config.price_partner)),
        self_service_packs: of(&config.price_self_service_pack),
    }
}

/// Refuses an order of licenses of a configuration the tenant does not run, or of fewer licenses
/// than are held (users must be moved or deactivated first).
fn check_order(overview: &Licenses, order: Order) -> Result<()> {
    for (configuration, field, wanted) in [
        (Configuration::Customer, "customer", order.customer),
        (Configuration::Partner, "partner", order.partner),
        (
            Configuration::SelfService,
            "self_service_packs",
            order.self_service_packs,
        ),
    ] {
        let runs = overview
            .licenses
            .iter()
            .any(|l| l.configuration == configuration);
        if wanted > 0 && !runs {
            return Err(Error::invalid_field(
                field,
                crate::tr!(
                    "licenses-not-run",
                    configuration = licenses::title(configuration)
                ),
            ));
        }
    }
    for license in &overview.licenses {
        let (field, after) = match license.configuration {
            Configuration::Customer => ("customer", order.customer),
            Configuration::Partner => ("partner", order.partner),
            Configuration::SelfService => (
                "self_service_packs",
                overview.free_self_service.saturating_add(
                    order
                        .self_service_packs
                        .saturating_mul(portico_tenants::licenses::SELF_SERVICE_PACK),
                ),
            ),
        };
        if license.used > after {
            return Err(Error::invalid_field(
                field,
                crate::tr!(
                    "billing-below-held",
                    configuration = license.title.as_str(),
                    used = license.used
                ),
            ));
        }
    }
    Ok(())
}

/// Buys what `order` asks for: the tenant's subscription is made (charging its card at once) or
/// its quantities changed (Stripe prorates), and the tenant has those licenses.
pub async fn buy(app: &App, actor: &Actor, order: Order) -> Result<Licenses> {
    access::check(actor, Capability::ManageEmployees)?;
    let stripe = configured(app)?;
    check_order(&licenses::of_tenant(app, &actor.tenant).await?, order)?;
    let tenant = saved(app, actor.tenant.id).await?;
    let customer = customer_of(app, stripe, &tenant).await?;
    let wanted = wanted(stripe, order);
    let current = match &tenant.billing.subscription {
        Some(id) if !ended(tenant.billing.status.as_deref()) => {
            Some(stripe.subscription(id).await?)
        }
        _ => None,
    };
    let subscription = match current {
        Some(current) => {
            let items: Vec<(String, String, u64)> = current
                .items
                .data
                .iter()
                .filter_map(|i| {
                    Some((i.id.clone(), i.price()?.to_owned(), i.quantity.unwrap_or(1)))
                })
                .collect();
            let changes = changes(&items, &wanted);
            if changes.is_empty() {
                current
            } else {
                stripe.update_subscription(&current.id, &changes).await?
            }
        }
        None => {
            let items: Vec<(String, u64)> = wanted.into_iter().filter(|(_, n)| *n > 0).collect();
            if items.is_empty() {
                return licenses::of_tenant(app, &tenant).await;
            }
            let card = stripe
                .customer(&customer)
                .await?
                .invoice_settings
                .default_payment_method
                .filter(|pm| !pm.is_null());
            let Some(card) = card else {
                return Err(Error::Conflict(crate::tr!("billing-no-card")));
            };
            let key = format!(
                "subscribe-after-{}-{card}-{}-{}-{}",
                tenant.billing.subscription.as_deref().unwrap_or("none"),
                order.customer,
                order.partner,
                order.self_service_packs
            );
            stripe
                .create_subscription(&customer, tenant.id.get(), &items, &once(&tenant, &key))
                .await?
        }
    };
    let id = subscription.id.clone();
    keep(app, &tenant, &id, Some(subscription), None, Some(actor)).await?;
    licenses::of_tenant(app, &tenant).await
}

/// Whether a subscription is over (a new purchase starts another).
fn ended(status: Option<&str>) -> bool {
    matches!(status, Some("canceled" | "incomplete_expired"))
}

/// A Stripe event, as far as billing reads it.
#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: serde_json::Value,
}

impl Event {
    /// The subscription the event is about, if it is about one.
    fn subscription(&self) -> Option<&str> {
        let object = &self.data.object;
        if self.kind.starts_with("customer.subscription.") {
            object["id"].as_str()
        } else if self.kind.starts_with("invoice.") {
            object["subscription"]
                .as_str()
                .or_else(|| object["parent"]["subscription_details"]["subscription"].as_str())
        } else {
            None
        }
    }
}

/// What became of a webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// The tenant's billing now follows the subscription.
    Applied,
    /// This event was handled before: nothing changed.
    Duplicate,
    /// Not about a subscription of a tenant here.
    Ignored,
}

/// Handles one webhook delivery: `body` as received, with its `Stripe-Signature` header.
pub async fn receive(app: &App, signature: Option<&str>, body: &[u8]) -> Result<Delivery> {
    let stripe = configured(app)?;
    webhook::verify(
        stripe.config().webhook_secret.expose(),
        signature,
        body,
        app.clock.now().0,
    )
    .map_err(|refused| {
        Error::BadRequest(match refused {
            webhook::SignatureError::OutsideTolerance => crate::tr!("billing-webhook-too-old"),
            _ => crate::tr!("billing-webhook-signature"),
        })
    })?;
    let event: Event = serde_json::from_slice(body)
        .map_err(|_| Error::BadRequest(crate::tr!("billing-webhook-not-an-event")))?;
    let Some(subscription) = event.subscription() else {
        return Ok(Delivery::Ignored);
    };
    // Whose subscription it is (events come late, twice or out of order: what is recorded is
    // read afresh below).
    let subscription = stripe.subscription(subscription).await?;
    let tenant = match subscription
        .metadata
        .get("portico_tenant")
        .and_then(|id| id.parse().ok())
    {
        Some(id) => saved(app, TenantId::from_db(id)).await,
        None => Err(Error::NotFound("tenant")),
    };
    let tenant = match tenant {
        Ok(tenant) => tenant,
        Err(Error::NotFound(_)) => return Ok(Delivery::Ignored),
        Err(other) => return Err(other),
    };
    // Asked again now that the tenant was read: what is recorded is no older than the
    // tenant's state the recording starts from.
    keep(app, &tenant, &subscription.id, None, Some(&event), None).await
}

/// How many times a recording asks Stripe again when others keep overtaking it.
const TURNS: usize = 3;

/// Takes the subscription's state as the tenant's: `known` when it was read after `tenant`
/// (a purchase's answer), else it is asked for now. Another recording may come between asking
/// and writing, holding a newer state (a late webhook reads 5 seats, a purchase of 8 is
/// recorded, then the webhook would write 5): then this one asks Stripe again instead of
/// writing what it read.
async fn keep(
    app: &App,
    tenant: &Tenant,
    subscription: &str,
    known: Option<Subscription>,
    event: Option<&Event>,
    actor: Option<&Actor>,
) -> Result<Delivery> {
    let stripe = configured(app)?;
    let (mut tenant, mut known) = (tenant.clone(), known);
    for _ in 0..TURNS {
        let state = match known.take() {
            Some(state) => state,
            None => stripe.subscription(subscription).await?,
        };
        if let Some(delivery) = record(app, &tenant, &state, event, actor).await? {
            return Ok(delivery);
        }
        tenant = saved(app, tenant.id).await?;
    }
    Err(Error::Unavailable {
        message: crate::tr!("billing-busy"),
        retry_after: std::time::Duration::from_secs(1),
    })
}

/// Takes the subscription's state as the tenant's, once per event (`None`: a purchase just
/// made), with an audit entry saying what changed; `None` without writing anything when
/// another recording came after `tenant` was read.
async fn record(
    app: &App,
    tenant: &Tenant,
    subscription: &Subscription,
    event: Option<&Event>,
    actor: Option<&Actor>,
) -> Result<Option<Delivery>> {
    let stripe = configured(app)?;
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    portico_tenants::lock(tx.conn(), tenant.id).await?;
    let before = portico_tenants::find_by_id(tx.conn(), tenant.id)
        .await?
        .ok_or(Error::NotFound("tenant"))?
        .billing;
    if before.revision != tenant.billing.revision {
        return Ok(None);
    }
    if let Some(event) = event {
        let first: Option<String> = sqlx::query_scalar(
            "INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO NOTHING RETURNING id",
        )
        .bind(&event.id)
        .bind(&event.kind)
        .bind(now)
        .fetch_optional(tx.conn())
        .await?;
        if first.is_none() {
            return Ok(Some(Delivery::Duplicate));
        }
    }
    // Another customer's subscription, or an ended one replaced since: not this tenant's now.
    let current = before.subscription.as_deref();
    if before.customer.as_deref() != Some(subscription.customer.as_str())
        || (current.is_some_and(|c| c != subscription.id) && !ended(before.status.as_deref()))
    {
        tx.commit().await?;
        return Ok(Some(Delivery::Ignored));
    }
    let mut billing: Billing = before.clone();
    billing.revision += 1;
    billing.subscription = Some(subscription.id.clone());
    billing.observe(&subscription.status, now.0);
    portico_tenants::set_billing(tx.conn(), tenant.id, &billing).await?;
    let purchased = Billing::subscription_counts(&subscription.status)
        .then(|| purchased_by(stripe, subscription));
    let before_purchased = match purchased {
        Some(purchased) => Some(licenses::store_purchased(app, &mut tx, purchased).await?),
        None => None,
    };
    let action = match event {
        Some(event) => format!("billing.{}", event.kind),
        None => "billing.purchase".to_owned(),
    };
    let state = |billing: &Billing, purchased: Option<Purchased>| json!({ "status": billing.status, "past_due_since": billing.past_due_since, "licenses": purchased });
    let (before, after) = (
        Some(state(&before, before_purchased)),
        Some(state(&billing, purchased)),
    );
    match actor {
        Some(actor) => {
            access::audit(
                app,
                &mut tx,
                actor,
                &action,
                "billing".to_owned(),
                before,
                after,
            )
            .await?
        }
        None => {
            access::audit_platform(app, &mut tx, &action, "billing".to_owned(), before, after)
                .await?
        }
    }
    tx.commit().await?;
    Ok(Some(Delivery::Applied))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, price: &str, quantity: u64) -> (String, String, u64) {
        (id.to_owned(), price.to_owned(), quantity)
    }

    #[test]
    fn an_order_changes_only_what_differs() {
        let items = [item("si_c", "customer", 5), item("si_p", "partner", 2)];
        let wanted = [
            ("customer".to_owned(), 8),
            ("partner".to_owned(), 0),
            ("pack".to_owned(), 1),
        ];
        assert_eq!(
            changes(&items, &wanted),
            vec![
                ItemChange::Set {
                    item: "si_c".into(),
                    quantity: 8
                },
                ItemChange::Remove {
                    item: "si_p".into()
                },
                ItemChange::Add {
                    price: "pack".into(),
                    quantity: 1
                },
            ]
        );
        let same = [("customer".to_owned(), 5), ("partner".to_owned(), 2)];
        assert!(changes(&items, &same).is_empty());
    }
}
