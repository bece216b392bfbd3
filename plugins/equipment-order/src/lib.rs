//! Equipment orders: an order with lines (item, quantity, unit price) and a budget. The section
//! checks each line's quantity and price, the order's budget against the tenant's ceiling, and on
//! submit that the lines fit the budget.

use portico_sdk::{
    ActionOutcome, Context, HookError, Issue, Record, Section, export_section, json, records,
    settings,
};
use serde::Deserialize;

/// Lines read for one order; an order with more is refused rather than half-counted.
const MAX_LINES: u32 = 200;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Settings {
    /// Largest budget one order may have.
    max_order_budget: Option<f64>,
    /// Largest quantity on one line.
    max_quantity: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct Line {
    quantity: Option<i64>,
    unit_price: Option<f64>,
}

struct EquipmentOrders;

impl EquipmentOrders {
    fn settings() -> Settings {
        // Without the settings capability the built-in ceilings apply.
        settings::read().unwrap_or_default()
    }

    fn validate_line(record: &Record) -> Vec<Issue> {
        let mut issues = Vec::new();
        let max_quantity = Self::settings().max_quantity.unwrap_or(100);
        match record.field::<i64>("quantity") {
            Some(q) if (1..=max_quantity).contains(&q) => {}
            _ => issues.push(Issue::field(
                "quantity",
                format!("Order between 1 and {max_quantity} of an item."),
            )),
        }
        match record.field::<f64>("unit_price") {
            Some(p) if p > 0.0 && p.is_finite() => {}
            _ => issues.push(Issue::field("unit_price", "The price must be above zero.")),
        }
        issues
    }

    fn validate_order(record: &Record) -> Vec<Issue> {
        let ceiling = Self::settings().max_order_budget.unwrap_or(50_000.0);
        match record.field::<f64>("budget") {
            Some(b) if b > 0.0 && b <= ceiling => Vec::new(),
            _ => vec![Issue::field(
                "budget",
                format!("The budget must be above zero and at most {ceiling:.2}."),
            )],
        }
    }

    fn submit(record: &Record) -> Result<ActionOutcome, HookError> {
        let budget: f64 = record
            .field("budget")
            .ok_or_else(|| Issue::field("budget", "Set a budget first."))?;
        let lines = records::query("order_line", &json!({ "order": record.id }), MAX_LINES, 0)?;
        if lines.is_empty() {
            return Err(Issue::record("Add at least one line.").into());
        }
        if lines.len() as u32 >= MAX_LINES {
            return Err(
                Issue::record(format!("An order has fewer than {MAX_LINES} lines.")).into(),
            );
        }
        let mut total = 0.0;
        for line in &lines {
            let line: Line = line
                .fields()
                .map_err(|e| HookError::Failed(e.to_string()))?;
            total += line.quantity.unwrap_or(0) as f64 * line.unit_price.unwrap_or(0.0);
        }
        if total > budget {
            return Err(Issue::field(
                "budget",
                format!("The lines total {total:.2}, over the budget of {budget:.2}."),
            )
            .into());
        }
        Ok(ActionOutcome::to_status("submitted")
            .with_change("total", total)
            .with_message(format!("Submitted: {} lines, {total:.2}.", lines.len())))
    }
}

impl Section for EquipmentOrders {
    fn validate(_ctx: &Context, record: &Record) -> Vec<Issue> {
        match record.object.as_str() {
            "order_line" => Self::validate_line(record),
            _ => Self::validate_order(record),
        }
    }

    fn on_action(
        _ctx: &Context,
        action: &str,
        record: &Record,
        comment: Option<&str>,
    ) -> Result<ActionOutcome, HookError> {
        match action {
            "submit" => Self::submit(record),
            "approve" => Ok(ActionOutcome::to_status("approved")),
            "reject" => {
                let comment = comment.map(str::trim).filter(|c| !c.is_empty());
                let comment = comment.ok_or_else(|| Issue::record("Say why."))?;
                Ok(ActionOutcome::to_status("rejected").with_change("rejection_comment", comment))
            }
            other => Err(HookError::Failed(format!("unknown action \"{other}\""))),
        }
    }
}

export_section!(EquipmentOrders);
