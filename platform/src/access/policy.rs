//! A tenant's permission configuration, loaded once per change and shared by every request: the
//! role trees and the grants of gates 1, 2 and 4, system operations, and default-rights rules.
//! Every decision that does not depend on a particular record is a pure function of it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::model::{
    Audience, ColumnAccess, Level, Operation, RoleId, RoleKind, SystemOperation, system_roles,
};
use crate::users::{UserId, UserKind};

#[derive(Debug, Clone, Serialize)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub kind: RoleKind,
    pub audience: Audience,
    pub parent: Option<RoleId>,
    /// For a portal organization, its Account record.
    pub account: Option<String>,
    pub system_code: Option<String>,
}

/// "Records of `object` created by members of `author_role` grant `level` to `grantee`."
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub object: String,
    pub author_role: RoleId,
    /// A role id, a user id, or [`super::model::AUTHOR_ORGANIZATION`].
    pub grantee: String,
    pub level: Level,
}

#[derive(Debug, Default)]
pub struct Policy {
    pub version: i64,
    pub(super) roles: BTreeMap<RoleId, Role>,
    pub(super) portal_objects: BTreeSet<String>,
    pub(super) object_grants: HashMap<(String, Operation), BTreeSet<String>>,
    /// object → field → (grantee, access)
    pub(super) columns: HashMap<String, BTreeMap<String, Vec<(String, ColumnAccess)>>>,
    pub(super) operations: HashMap<SystemOperation, BTreeSet<String>>,
    pub(super) rules: HashMap<String, Vec<Rule>>,
}

/// A user's place in the role trees: their roles with every ancestor, and the grantee keys (their
/// own id and those roles) that permissions may name.
#[derive(Debug, Clone, Default)]
pub struct Membership {
    pub roles: Vec<RoleId>,
    pub grantees: BTreeSet<String>,
    /// Member of "Administrators": every gate opens.
    pub admin: bool,
}

/// Which grantee a decision rests on, for "explain".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecidedBy {
    pub grantee: String,
    pub name: String,
}

impl Policy {
    pub fn role(&self, id: RoleId) -> Option<&Role> {
        self.roles.get(&id)
    }

    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.values()
    }

    pub fn system_role(&self, code: &str) -> Option<&Role> {
        self.roles
            .values()
            .find(|r| r.system_code.as_deref() == Some(code))
    }

    pub fn root_of(&self, audience: Audience) -> Option<&Role> {
        self.system_role(match audience {
            Audience::External => system_roles::ALL_EXTERNAL,
            Audience::Employee => system_roles::ALL_EMPLOYEES,
        })
    }

    /// `role` and every role above it, nearest first.
    pub fn ancestry(&self, role: RoleId) -> Vec<RoleId> {
        let mut chain = Vec::new();
        let mut next = Some(role);
        while let Some(id) = next {
            // A cycle cannot be stored (parents are set on creation and checked on moves), but a
            // corrupt tree must not hang a request.
            if chain.contains(&id) {
                break;
            }
            chain.push(id);
            next = self.roles.get(&id).and_then(|r| r.parent);
        }
        chain
    }

    /// Whether `role` is `ancestor` or lies below it.
    pub fn is_within(&self, role: RoleId, ancestor: RoleId) -> bool {
        self.ancestry(role).contains(&ancestor)
    }

    /// Roles strictly below `ancestor`.
    pub fn descendants(&self, ancestor: RoleId) -> Vec<&Role> {
        self.roles
            .values()
            .filter(|r| r.id != ancestor && self.is_within(r.id, ancestor))
            .collect()
    }

    /// A human name for a grantee key.
    pub fn grantee_name(&self, key: &str, user_name: impl Fn(&str) -> Option<String>) -> String {
        key.parse::<RoleId>()
            .ok()
            .and_then(|id| self.roles.get(&id))
            .map(|r| r.name.clone())
            .or_else(|| user_name(key))
            .unwrap_or_else(|| key.to_owned())
    }

    /// The user's effective roles: those they were given, their organization, the root of their
    /// kind, and every ancestor of these.
    pub fn membership(
        &self,
        user: UserId,
        kind: UserKind,
        direct: &[RoleId],
        organization: Option<RoleId>,
    ) -> Membership {
        let root = kind.audience().and_then(|side| self.root_of(side));
        let mut roles: Vec<RoleId> = Vec::new();
        for start in direct
            .iter()
            .copied()
            .chain(organization)
            .chain(root.map(|r| r.id))
        {
            for id in self.ancestry(start) {
                if !roles.contains(&id) {
                    roles.push(id);
                }
            }
        }
        let admin = self
            .system_role(system_roles::ADMINISTRATORS)
            .is_some_and(|a| roles.contains(&a.id));
        let mut grantees: BTreeSet<String> = roles.iter().map(ToString::to_string).collect();
        grantees.insert(user.to_string());
        Membership {
            roles,
            grantees,
            admin,
        }
    }

    /// Gate 1: whether external users may reach `object` at all.
    pub fn on_portal(&self, object: &str) -> bool {
        self.portal_objects.contains(object)
    }

    pub fn portal_objects(&self) -> &BTreeSet<String> {
        &self.portal_objects
    }

    /// Gate 2: the first of the member's grantees holding `operation` on `object`.
    pub fn operation_granted(
        &self,
        member: &Membership,
        object: &str,
        operation: Operation,
    ) -> Option<String> {
        self.object_grants
            .get(&(object.to_owned(), operation))
            .and_then(|holders| holders.iter().find(|g| member.grantees.contains(*g)))
            .cloned()
    }

    /// Grantees holding `operation` on `object`.
    pub fn operation_holders(&self, object: &str, operation: Operation) -> BTreeSet<String> {
        self.object_grants
            .get(&(object.to_owned(), operation))
            .cloned()
            .unwrap_or_default()
    }

    /// Gate 4: the most permissive access any of the member's grantees has to the column, and the
    /// grantee it comes from; a column nobody configured for them is editable.
    pub fn column_access(
        &self,
        member: &Membership,
        object: &str,
        field: &str,
    ) -> (ColumnAccess, Option<String>) {
        let entries = self
            .columns
            .get(object)
            .and_then(|fields| fields.get(field))
            .into_iter()
            .flatten()
            .filter(|(grantee, _)| member.grantees.contains(grantee));
        entries
            .max_by_key(|(_, access)| *access)
            .map_or((ColumnAccess::Editable, None), |(grantee, access)| {
                (*access, Some(grantee.clone()))
            })
    }

    /// The configured column entries of an object: field → (grantee, access).
    pub fn column_entries(&self, object: &str) -> BTreeMap<String, Vec<(String, ColumnAccess)>> {
        self.columns.get(object).cloned().unwrap_or_default()
    }

    pub fn system_operation(
        &self,
        member: &Membership,
        operation: SystemOperation,
    ) -> Option<String> {
        self.operations
            .get(&operation)
            .and_then(|holders| holders.iter().find(|g| member.grantees.contains(*g)))
            .cloned()
    }

    pub fn operation_grantees(&self, operation: SystemOperation) -> BTreeSet<String> {
        self.operations.get(&operation).cloned().unwrap_or_default()
    }

    pub fn rules(&self, object: &str) -> &[Rule] {
        self.rules.get(object).map_or(&[], Vec::as_slice)
    }

    pub fn all_rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.values().flatten()
    }
}
