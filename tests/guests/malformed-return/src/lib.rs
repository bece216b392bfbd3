//! Written against the raw bindings, not the SDK, to return what the SDK never would: field changes
//! and widget data that are not JSON, and text that is not the shape the host expects.
use portico_sdk::__bindings::{
    __export_section_world,
    exports::portico::section::hooks::Guest,
    portico::section::types::{ActionOutcome, CallContext, FieldIssue, HookError, RecordData},
};

struct Raw;

impl Guest for Raw {
    fn validate(_ctx: CallContext, _record: RecordData) -> Vec<FieldIssue> {
        Vec::new()
    }

    fn before_save(
        _ctx: CallContext,
        _record: RecordData,
        _previous: Option<RecordData>,
    ) -> Result<Option<String>, HookError> {
        Ok(Some("not json {".into()))
    }

    fn after_save(
        _ctx: CallContext,
        _record: RecordData,
        _previous: Option<RecordData>,
    ) -> Result<(), String> {
        Ok(())
    }

    fn on_action(
        _ctx: CallContext,
        _action: String,
        _record: RecordData,
        _comment: Option<String>,
    ) -> Result<ActionOutcome, HookError> {
        Ok(ActionOutcome {
            status: None,
            changes: Some("[1, 2, 3]".into()),
            message: None,
        })
    }

    fn widget_data(_ctx: CallContext, _widget: String) -> Result<String, String> {
        Ok("{{{".into())
    }
}

__export_section_world!(Raw);
