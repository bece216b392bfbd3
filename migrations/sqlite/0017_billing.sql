-- Billing: what the payment provider last said of each tenant's account (JSON: its customer,
-- subscription, status, and since when payment fails); NULL while it never bought through billing.
ALTER TABLE tenants ADD COLUMN billing TEXT;

-- Stripe events already handled, by id: a delivery seen before changes nothing.
CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    received_at TEXT NOT NULL
);
