//! "Explain": the decision of each gate for a user, an object, an operation and optionally a record,
//! with the role, user or rule that decided it. It runs the same checks the services run, so it
//! cannot disagree with them.

use serde::Serialize;

use super::{
    Actor, Capability, ColumnAccess, Operation, check,
    records::{self, source},
};
use crate::{
    app::App,
    error::{Error, Result},
    records::{ObjectType, RecordId, SYSTEM_FIELDS},
    store::Access,
    users::{self, UserId, UserKind},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Allow,
    Deny,
    /// An earlier gate decided.
    Skipped,
    /// The gate does not apply (e.g. the portal list for employees, record rights on create).
    NotApplicable,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateDecision {
    pub gate: &'static str,
    pub outcome: Outcome,
    pub reason: String,
    /// The role or user whose grant decided, if one did.
    pub decided_by: Option<Decider>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Decider {
    pub grantee: String,
    pub name: String,
    /// How the grant was made (record rights: author, rule:<id>, share, process:<name>).
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnDecision {
    pub field: String,
    pub access: ColumnAccess,
    pub decided_by: Option<Decider>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub user: UserId,
    pub login: String,
    pub object: String,
    pub operation: Operation,
    pub record: Option<RecordId>,
    pub allowed: bool,
    pub gates: Vec<GateDecision>,
    /// Gate 4 in detail: every column's access for this user.
    pub columns: Vec<ColumnDecision>,
}

/// Explains what `user` may do. The caller needs the access-rights workspace.
pub async fn explain(
    app: &App,
    caller: &Actor,
    user: UserId,
    object: &str,
    operation: Operation,
    record: Option<&str>,
) -> Result<Explanation> {
    check(caller, Capability::ConfigureAccess)?;
    let object = crate::records::object_type(caller, object)?.clone();
    let record = record.map(RecordId::parse).transpose()?;
    let mut tx = app.db.begin(caller.tenant.id, Access::Read).await?;
    let user = users::storage::find(&mut tx, user)
        .await?
        .ok_or(Error::NotFound("user"))?;
    let subject = super::actor(app, &mut tx, caller.tenant.clone(), user).await?;
    let name = |key: &str| {
        subject.policy.grantee_name(key, |_| {
            (key == subject.user.to_string()).then(|| subject.login.to_string())
        })
    };
    let decider = |key: String, source: Option<String>| Decider {
        name: name(&key),
        grantee: key,
        source,
    };

    let mut gates = Vec::with_capacity(4);
    let mut open = true;
    let mut push =
        |gate: &'static str, outcome: Outcome, reason: String, decided_by: Option<Decider>| {
            gates.push(GateDecision {
                gate,
                outcome,
                reason,
                decided_by,
            });
        };

    // Gate 1: the portal's object list.
    let code = object.code.as_str();
    if subject.is_admin() {
        push(
            "portal_object",
            Outcome::Allow,
            crate::tr!("access-explain-admin"),
            None,
        );
    } else if subject.kind != UserKind::External {
        push(
            "portal_object",
            Outcome::NotApplicable,
            crate::tr!("access-explain-portal-not-applicable"),
            None,
        );
    } else if subject.policy.on_portal(code) {
        push(
            "portal_object",
            Outcome::Allow,
            crate::tr!("access-explain-on-portal", object = &object.plural),
            None,
        );
    } else {
        push(
            "portal_object",
            Outcome::Deny,
            crate::tr!("access-explain-not-on-portal", object = &object.plural),
            None,
        );
        open = false;
    }

    // Gate 2: object operation permission.
    if !open {
        push(
            "object_operation",
            Outcome::Skipped,
            crate::tr!("access-explain-earlier-denied"),
            None,
        );
    } else if subject.is_admin() {
        push(
            "object_operation",
            Outcome::Allow,
            crate::tr!("access-explain-admin"),
            None,
        );
    } else {
        match subject
            .policy
            .operation_granted(&subject.membership, code, operation)
        {
            Some(grantee) => push(
                "object_operation",
                Outcome::Allow,
                crate::tr!(
                    "access-explain-grantee-may",
                    grantee = name(&grantee),
                    operation = operation.as_str(),
                    object = object.plural.to_lowercase(),
                    title = &object.plural
                ),
                Some(decider(grantee, None)),
            ),
            None => {
                push(
                    "object_operation",
                    Outcome::Deny,
                    crate::tr!(
                        "access-explain-no-role-may",
                        operation = operation.as_str(),
                        object = object.plural.to_lowercase(),
                        title = &object.plural
                    ),
                    None,
                );
                open = false;
            }
        }
    }

    // Gate 3: record rights.
    match (operation.needed_level(), record) {
        _ if !open => push(
            "record",
            Outcome::Skipped,
            crate::tr!("access-explain-earlier-denied"),
            None,
        ),
        (None, _) => push(
            "record",
            Outcome::NotApplicable,
            crate::tr!("access-explain-create-no-right"),
            None,
        ),
        (Some(_), None) => push(
            "record",
            Outcome::NotApplicable,
            crate::tr!("access-explain-no-record"),
            None,
        ),
        (Some(needed), Some(record)) => {
            match records::level(&mut tx, &subject, &object.code, record).await? {
                Some((held, by)) if held >= needed => push(
                    "record",
                    Outcome::Allow,
                    crate::tr!("access-explain-holds", level = held.as_str()),
                    by.map(|(grantee, source)| decider(grantee, Some(source))),
                ),
                Some((held, by)) => {
                    push(
                        "record",
                        Outcome::Deny,
                        crate::tr!(
                            "access-explain-holds-only",
                            held = held.as_str(),
                            needed = needed.as_str()
                        ),
                        by.map(|(g, s)| decider(g, Some(s))),
                    );
                    open = false;
                }
                None => {
                    push("record", Outcome::Deny, no_right_reason(&object), None);
                    open = false;
                }
            }
        }
    }

    // Gate 4: columns (writes are refused only for the columns they touch, so this gate reports).
    let columns = column_decisions(&subject, &object, &decider);
    let hidden: Vec<&str> = columns
        .iter()
        .filter(|c| c.access == ColumnAccess::Hidden)
        .map(|c| c.field.as_str())
        .collect();
    let read_only: Vec<&str> = columns
        .iter()
        .filter(|c| c.access == ColumnAccess::ReadOnly)
        .map(|c| c.field.as_str())
        .collect();
    if !open {
        push(
            "column",
            Outcome::Skipped,
            crate::tr!("access-explain-earlier-denied"),
            None,
        );
    } else if hidden.is_empty() && read_only.is_empty() {
        push(
            "column",
            Outcome::Allow,
            crate::tr!("access-explain-all-columns"),
            None,
        );
    } else {
        let mut reason = Vec::new();
        if !hidden.is_empty() {
            reason.push(crate::tr!(
                "access-explain-hidden",
                columns = hidden.join(", ")
            ));
        }
        if !read_only.is_empty() {
            reason.push(crate::tr!(
                "access-explain-read-only",
                columns = read_only.join(", ")
            ));
        }
        push("column", Outcome::Allow, reason.join("; "), None);
    }

    Ok(Explanation {
        user: subject.user,
        login: subject.login.to_string(),
        object: code.to_owned(),
        operation,
        record,
        allowed: open,
        gates,
        columns,
    })
}

fn no_right_reason(object: &ObjectType) -> String {
    crate::tr!(
        "access-explain-no-right",
        object = object.title.to_lowercase(),
        title = &object.title,
        source = source::AUTHOR
    )
}

fn column_decisions(
    subject: &Actor,
    object: &ObjectType,
    decider: &dyn Fn(String, Option<String>) -> Decider,
) -> Vec<ColumnDecision> {
    object
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .chain(SYSTEM_FIELDS.iter().copied())
        .map(|field| {
            let (access, by) = if subject.is_admin() {
                (ColumnAccess::Editable, None)
            } else {
                subject
                    .policy
                    .column_access(&subject.membership, object.code.as_str(), field)
            };
            ColumnDecision {
                field: field.to_owned(),
                access,
                decided_by: by.map(|g| decider(g, None)),
            }
        })
        .collect()
}
