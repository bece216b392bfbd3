//! Leave requests: an employee asks for days off, their manager approves or rejects.
//!
//! `validate` checks the dates, `before_save` counts the working days, and the actions move the
//! request through draft → submitted → approved/rejected, telling the people concerned by e-mail.

use portico_sdk::{
    ActionOutcome, Context, Fields, HookError, Issue, Record, Section, email, export_section, json,
    log, records,
};
use serde::Deserialize;

/// Longest leave one request may cover, in calendar days.
const MAX_SPAN_DAYS: i64 = 60;

#[derive(Debug, Deserialize)]
struct LeaveRequest {
    kind: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    reason: Option<String>,
    manager: Option<String>,
    requester_email: Option<String>,
}

struct LeaveRequests;

impl Section for LeaveRequests {
    fn validate(_ctx: &Context, record: &Record) -> Vec<Issue> {
        let leave: LeaveRequest = match record.fields() {
            Ok(leave) => leave,
            Err(e) => return vec![Issue::record(format!("unreadable request: {e}"))],
        };
        let mut issues = Vec::new();
        let start = date_field(&mut issues, "start_date", leave.start_date.as_deref());
        let end = date_field(&mut issues, "end_date", leave.end_date.as_deref());
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                issues.push(Issue::field("end_date", "The leave ends before it starts."));
            } else if end - start >= MAX_SPAN_DAYS {
                issues.push(Issue::field(
                    "end_date",
                    format!("One request covers at most {MAX_SPAN_DAYS} days."),
                ));
            } else if working_days(start, end) == 0 {
                issues.push(Issue::field("end_date", "These dates hold no working day."));
            }
        }
        let no_reason = leave.reason.as_deref().is_none_or(|r| r.trim().is_empty());
        if leave.kind.as_deref() == Some("other") && no_reason {
            issues.push(Issue::field(
                "reason",
                "Say why, for leave of kind \"other\".",
            ));
        }
        issues
    }

    fn before_save(
        _ctx: &Context,
        record: &Record,
        _previous: Option<&Record>,
    ) -> Result<Option<Fields>, HookError> {
        let leave: LeaveRequest = record
            .fields()
            .map_err(|e| HookError::Failed(e.to_string()))?;
        let dates = (
            leave.start_date.as_deref().and_then(parse_date),
            leave.end_date.as_deref().and_then(parse_date),
        );
        let (Some(start), Some(end)) = dates else {
            return Ok(None);
        };
        let days = json!(working_days(start, end));
        Ok(Some(Fields::from_iter([("days".into(), days)])))
    }

    fn on_action(
        ctx: &Context,
        action: &str,
        record: &Record,
        comment: Option<&str>,
    ) -> Result<ActionOutcome, HookError> {
        let leave: LeaveRequest = record
            .fields()
            .map_err(|e| HookError::Failed(e.to_string()))?;
        let number = record.number.clone().unwrap_or_default();
        match action {
            "submit" => {
                let manager_id = leave
                    .manager
                    .ok_or_else(|| Issue::field("manager", "Choose the manager who approves."))?;
                let manager = records::get("contact", &manager_id)?;
                let manager_email: Option<String> = manager.field("email");
                let manager_email = manager_email.ok_or_else(|| {
                    Issue::field("manager", "This manager has no e-mail address.")
                })?;
                email::send(
                    "leave_request_submitted",
                    &manager_email,
                    &json!({ "number": number, "requester": ctx.user_name }),
                )?;
                Ok(ActionOutcome::to_status("submitted")
                    .with_message("Sent to your manager for approval."))
            }
            "approve" | "reject" => {
                let approved = action == "approve";
                let comment = comment.map(str::trim).filter(|c| !c.is_empty());
                if !approved && comment.is_none() {
                    return Err(Issue::record("Say why the request is rejected.").into());
                }
                if let Some(requester) = &leave.requester_email {
                    let decision = if approved { "approved" } else { "rejected" };
                    email::send(
                        "leave_request_decided",
                        requester,
                        &json!({ "number": number, "decision": decision, "comment": comment }),
                    )?;
                }
                // The log is a courtesy: a tenant that did not grant it still gets the decision.
                let _ = log::info(&format!("{number} {action}d by {}", ctx.user));
                let status = if approved { "approved" } else { "rejected" };
                Ok(ActionOutcome::to_status(status)
                    .with_change("decided_by", ctx.user_name.as_str())
                    .with_change("decided_at", ctx.now.as_str())
                    .with_change("decision_comment", comment.unwrap_or_default()))
            }
            "withdraw" => Ok(ActionOutcome::to_status("draft").with_message("Withdrawn.")),
            other => Err(HookError::Failed(format!("unknown action \"{other}\""))),
        }
    }
}

export_section!(LeaveRequests);

/// Reads a required date field, noting an issue when it is missing or malformed.
fn date_field(issues: &mut Vec<Issue>, name: &str, value: Option<&str>) -> Option<i64> {
    let Some(value) = value else {
        issues.push(Issue::field(name, "Required."));
        return None;
    };
    let date = parse_date(value);
    if date.is_none() {
        issues.push(Issue::field(name, "Not a date (YYYY-MM-DD)."));
    }
    date
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian), if it is one.
fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if text.len() != 10 || !(1..=12).contains(&month) || day < 1 || day > month_length(year, month)
    {
        return None;
    }
    // Days from civil, counting years from March so the leap day falls last.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

fn month_length(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Monday-to-Friday days from `start` to `end`, both included.
fn working_days(start: i64, end: i64) -> i64 {
    // 1970-01-01 was a Thursday: weekday 3 when Monday is 0.
    (start..=end)
        .filter(|day| (day + 3).rem_euclid(7) < 5)
        .count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            tenant: "acme".into(),
            user: "u1".into(),
            user_name: "Ann".into(),
            language: "en".into(),
            now: "2026-03-01T10:00:00Z".into(),
        }
    }

    #[test]
    fn dates_are_days_since_the_epoch() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("24-1-1"), None);
    }

    #[test]
    fn a_week_holds_five_working_days() {
        let monday = parse_date("2026-03-02").unwrap();
        assert_eq!(working_days(monday, monday + 6), 5);
        assert_eq!(working_days(monday + 5, monday + 6), 0);
    }

    #[test]
    fn validation_names_each_bad_field() {
        let record = Record::new(
            "leave_request",
            &json!({ "kind": "other", "start_date": "2026-03-10", "end_date": "2026-03-02" }),
        )
        .unwrap();
        let fields: Vec<String> = LeaveRequests::validate(&ctx(), &record)
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(fields, ["end_date", "reason"]);
    }
}
