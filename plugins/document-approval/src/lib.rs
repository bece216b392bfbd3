//! Document approval: a document goes to review and needs the approval of several people; one
//! rejection (with a comment) sends it back. Approvals are counted by the section itself.

use portico_sdk::{
    ActionOutcome, Context, Fields, HookError, Issue, Record, Section, export_section, json, log,
    settings,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Document {
    required_approvals: Option<u32>,
    #[serde(default)]
    approved_by: String,
}

#[derive(Debug, Deserialize)]
struct Settings {
    default_required_approvals: Option<u32>,
}

/// Approvals needed when neither the document nor the settings say.
const DEFAULT_REQUIRED: u32 = 2;

struct DocumentApprovals;

impl DocumentApprovals {
    fn document(record: &Record) -> Result<Document, HookError> {
        record
            .fields()
            .map_err(|e| HookError::Failed(format!("unreadable document: {e}")))
    }
}

impl Section for DocumentApprovals {
    fn validate(_ctx: &Context, record: &Record) -> Vec<Issue> {
        let mut issues = Vec::new();
        if let Some(n) = record.field::<i64>("required_approvals")
            && !(1..=10).contains(&n)
        {
            issues.push(Issue::field(
                "required_approvals",
                "Between 1 and 10 approvals.",
            ));
        }
        // The document itself: uploaded, or where it lives.
        if record.field::<String>("file").is_none() && record.field::<String>("link").is_none() {
            issues.push(Issue::field("link", "Attach the document or give its link."));
        }
        issues
    }

    fn before_save(
        _ctx: &Context,
        record: &Record,
        _previous: Option<&Record>,
    ) -> Result<Option<Fields>, HookError> {
        if Self::document(record)?.required_approvals.is_some() {
            return Ok(None);
        }
        let settings: Settings = settings::read()?;
        let required = settings
            .default_required_approvals
            .unwrap_or(DEFAULT_REQUIRED);
        let required = json!(required);
        Ok(Some(Fields::from_iter([(
            "required_approvals".into(),
            required,
        )])))
    }

    fn on_action(
        ctx: &Context,
        action: &str,
        record: &Record,
        comment: Option<&str>,
    ) -> Result<ActionOutcome, HookError> {
        let document = Self::document(record)?;
        let mut approvers: Vec<&str> = document
            .approved_by
            .split(',')
            .filter(|id| !id.is_empty())
            .collect();
        match action {
            "send_for_review" => Ok(ActionOutcome::to_status("in_review")
                .with_change("approved_by", "")
                .with_message("Sent for review.")),
            "approve" => {
                if approvers.contains(&ctx.user.as_str()) {
                    return Err(Issue::record("You have already approved this document.").into());
                }
                approvers.push(&ctx.user);
                let required = document.required_approvals.unwrap_or(DEFAULT_REQUIRED) as usize;
                let given = approvers.len();
                let outcome = if given >= required {
                    ActionOutcome::to_status("approved")
                        .with_message(format!("Approved by all {required} approvers."))
                } else {
                    ActionOutcome::default()
                        .with_message(format!("{given} of {required} approvals."))
                };
                let _ = log::info(&format!("approval {given}/{required} by {}", ctx.user));
                Ok(outcome.with_change("approved_by", approvers.join(",")))
            }
            "reject" => {
                let comment = comment.map(str::trim).filter(|c| !c.is_empty());
                let comment = comment.ok_or_else(|| Issue::record("Say what must change."))?;
                Ok(ActionOutcome::to_status("rejected")
                    .with_change("approved_by", "")
                    .with_change("rejection_comment", comment)
                    .with_message("Rejected; the author can revise and resend it."))
            }
            "revise" => Ok(ActionOutcome::to_status("draft")),
            other => Err(HookError::Failed(format!("unknown action \"{other}\""))),
        }
    }
}

export_section!(DocumentApprovals);

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(user: &str) -> Context {
        Context {
            tenant: "acme".into(),
            user: user.into(),
            user_name: user.into(),
            language: "en".into(),
            now: "2026-03-01T10:00:00Z".into(),
        }
    }

    fn document(approved_by: &str) -> Record {
        Record::new(
            "document",
            &json!({ "title": "Policy", "required_approvals": 2, "approved_by": approved_by }),
        )
        .unwrap()
        .with_status("in_review")
    }

    #[test]
    fn the_last_required_approval_approves() {
        let first =
            DocumentApprovals::on_action(&ctx("u1"), "approve", &document(""), None).unwrap();
        assert_eq!(first.status, None);
        let last =
            DocumentApprovals::on_action(&ctx("u2"), "approve", &document("u1"), None).unwrap();
        assert_eq!(last.status.as_deref(), Some("approved"));
        assert_eq!(last.changes.unwrap()["approved_by"], "u1,u2");
    }

    #[test]
    fn nobody_approves_twice_and_rejections_need_a_comment() {
        let twice = DocumentApprovals::on_action(&ctx("u1"), "approve", &document("u1"), None);
        assert!(matches!(twice, Err(HookError::Invalid(_))));
        let silent = DocumentApprovals::on_action(&ctx("u2"), "reject", &document(""), Some(" "));
        assert!(matches!(silent, Err(HookError::Invalid(_))));
    }
}
