//! Orders partners place: each line's amount is its quantity at its unit price less its discount,
//! and the order's total is the sum of its live lines, kept whenever a line is saved or deleted.

use serde_json::{Map, Value, json};

use super::{ORDER, text};
use crate::{
    error::Result,
    records::{self, Record, Save},
    store::TenantTx,
};

/// Money is kept in cents' precision.
fn cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

/// A line's amount: quantity × unit price, less the discount (a percentage).
pub fn line_amount(quantity: f64, unit_price: f64, discount: f64) -> f64 {
    cents(quantity * unit_price * (1.0 - discount.clamp(0.0, 100.0) / 100.0))
}

pub(super) fn prepare_line(data: &mut Map<String, Value>) {
    let number = |field: &str| data.get(field).and_then(Value::as_f64);
    if let (Some(quantity), Some(price)) = (number("quantity"), number("unit_price")) {
        let amount = line_amount(quantity, price, number("discount").unwrap_or_default());
        data.insert("amount".into(), json!(amount));
    }
}

/// Sums the lines of the order `line` belongs to into its total.
pub(super) async fn total_of_order(save: Save<'_>, tx: &mut TenantTx, line: &Record) -> Result<()> {
    let Some(order_id) = text(&line.data, "order") else {
        return Ok(());
    };
    let orders = super::object(save.actor, ORDER)?;
    let Ok(id) = records::RecordId::parse(order_id) else {
        return Ok(());
    };
    let Some(order) = records::find_unchecked(tx, orders, id).await? else {
        return Ok(());
    };
    let lines = records::find_by_field_unchecked(tx, save.object, "order", order_id).await?;
    let total = cents(
        lines
            .iter()
            .filter_map(|l| l.data.get("amount").and_then(Value::as_f64))
            .sum(),
    );
    if order.data.get("total").and_then(Value::as_f64) == Some(total) {
        return Ok(());
    }
    let mut changes = Map::new();
    changes.insert("total".into(), json!(total));
    records::patch_unchecked(save.app, tx, save.actor, orders, order.id, changes).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_its_quantity_at_its_price_less_its_discount_in_cents() {
        assert_eq!(line_amount(3.0, 19.99, 0.0), 59.97);
        assert_eq!(line_amount(10.0, 100.0, 15.0), 850.0);
        assert_eq!(line_amount(1.0, 0.333, 0.0), 0.33);
        // A discount beyond the whole price gives nothing away for free below zero.
        assert_eq!(line_amount(2.0, 50.0, 150.0), 0.0);
    }
}
