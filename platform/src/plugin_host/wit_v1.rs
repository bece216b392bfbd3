//! Host bindings of `portico:section@1.0.0` (`sdk/wit/1.0.0`). That interface is frozen; a later
//! version gets a module of its own beside this one, so components built against 1.0.0 keep loading.

wasmtime::component::bindgen!({
    path: "../sdk/wit/1.0.0",
    world: "section",
    imports: {
        "portico:section/diagnostics.panicked": trappable,
        default: async | trappable,
    },
    exports: { default: async },
});

/// The interface name a manifest's `interface` field gives for these bindings.
pub const INTERFACE: &str = "portico:section@1.0.0";

/// Where the hooks are among a component's exports, found once at load. A call then type-checks
/// only the hook it runs, where the generated `SectionPre::instantiate` would check all five.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HookIndices {
    pub(crate) validate: wasmtime::component::ComponentExportIndex,
    pub(crate) before_save: wasmtime::component::ComponentExportIndex,
    pub(crate) after_save: wasmtime::component::ComponentExportIndex,
    pub(crate) on_action: wasmtime::component::ComponentExportIndex,
    pub(crate) widget_data: wasmtime::component::ComponentExportIndex,
}

impl HookIndices {
    /// `None` if the component lacks one of the hooks (`SectionPre::new` says which).
    pub(crate) fn find(component: &wasmtime::component::Component) -> Option<Self> {
        let (_, hooks) = component.get_export(None, "portico:section/hooks@1.0.0")?;
        let hook = |name| component.get_export_index(Some(&hooks), name);
        Some(Self {
            validate: hook("validate")?,
            before_save: hook("before-save")?,
            after_save: hook("after-save")?,
            on_action: hook("on-action")?,
            widget_data: hook("widget-data")?,
        })
    }
}
