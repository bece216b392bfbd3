//! Glue between the generated bindings and [`Section`]: converts what crosses the boundary and
//! reports panics to the host before the instance traps. Used by [`crate::export_section!`] only.

use std::sync::Once;

use crate::{
    __bindings::portico::section::{diagnostics, types},
    ActionOutcome, Context, HookError, Issue, Record, Section,
};

/// The host turns a panic into a trap of this one call; the message travels separately, through
/// the always-available `diagnostics` import, so the failed call can say why.
fn report_panics() {
    static HOOK: Once = Once::new();
    if !cfg!(target_family = "wasm") {
        return;
    }
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            diagnostics::panicked(&info.to_string());
        }));
    });
}

fn context(ctx: types::CallContext) -> Context {
    Context {
        tenant: ctx.tenant,
        user: ctx.user,
        user_name: ctx.user_name,
        language: ctx.language,
        now: ctx.now,
    }
}

fn issue(issue: Issue) -> types::FieldIssue {
    types::FieldIssue {
        field: issue.field,
        message: issue.message,
    }
}

fn hook_error(error: HookError) -> types::HookError {
    match error {
        HookError::Invalid(issues) => {
            types::HookError::Invalid(issues.into_iter().map(issue).collect())
        }
        HookError::Failed(message) => types::HookError::Failed(message),
    }
}

pub fn validate<S: Section>(
    ctx: types::CallContext,
    record: types::RecordData,
) -> Vec<types::FieldIssue> {
    report_panics();
    S::validate(&context(ctx), &record.into())
        .into_iter()
        .map(issue)
        .collect()
}

pub fn before_save<S: Section>(
    ctx: types::CallContext,
    record: types::RecordData,
    previous: Option<types::RecordData>,
) -> Result<Option<String>, types::HookError> {
    report_panics();
    let previous = previous.map(Record::from);
    match S::before_save(&context(ctx), &record.into(), previous.as_ref()) {
        Ok(changes) => Ok(changes.map(|c| serde_json::Value::Object(c).to_string())),
        Err(error) => Err(hook_error(error)),
    }
}

pub fn after_save<S: Section>(
    ctx: types::CallContext,
    record: types::RecordData,
    previous: Option<types::RecordData>,
) -> Result<(), String> {
    report_panics();
    let previous = previous.map(Record::from);
    S::after_save(&context(ctx), &record.into(), previous.as_ref())
}

pub fn on_action<S: Section>(
    ctx: types::CallContext,
    action: String,
    record: types::RecordData,
    comment: Option<String>,
) -> Result<types::ActionOutcome, types::HookError> {
    report_panics();
    let outcome: ActionOutcome =
        S::on_action(&context(ctx), &action, &record.into(), comment.as_deref())
            .map_err(hook_error)?;
    Ok(types::ActionOutcome {
        status: outcome.status,
        changes: outcome
            .changes
            .map(|c| serde_json::Value::Object(c).to_string()),
        message: outcome.message,
    })
}

pub fn widget_data<S: Section>(ctx: types::CallContext, widget: String) -> Result<String, String> {
    report_panics();
    S::widget_data(&context(ctx), &widget).map(|value| value.to_string())
}
