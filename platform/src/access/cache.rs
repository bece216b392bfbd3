//! Per-tenant policies and per-user memberships, kept between requests. Both carry the tenant's
//! access version; a request reads the current version with its credential (see
//! `store::Versions`) and reloads what is stale, so a change made on any node is seen by every
//! node at its next request.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use portico_tenants::TenantId;

use super::{
    policy::{Membership, Policy},
    storage,
};
use crate::{
    store::TenantTx,
    users::{User, UserId},
};

/// More cached memberships than this and the cache starts afresh (a crude but bounded policy).
const MAX_MEMBERSHIPS: usize = 100_000;

/// A user's effective roles, stamped with the access version they were computed under.
type Memberships = HashMap<(TenantId, UserId), (i64, Arc<Membership>)>;

#[derive(Debug, Default)]
pub struct AccessCache {
    policies: Mutex<HashMap<TenantId, Arc<Policy>>>,
    memberships: Mutex<Memberships>,
}

impl AccessCache {
    /// The tenant's policy at access `version` (loaded in `tx` unless cached).
    pub async fn policy(
        &self,
        tx: &mut TenantTx,
        version: i64,
    ) -> Result<Arc<Policy>, sqlx::Error> {
        let tenant = tx.tenant();
        let cached = self.lock_policies().get(&tenant).cloned();
        if let Some(policy) = cached.filter(|p| p.version == version) {
            return Ok(policy);
        }
        let policy = Arc::new(storage::load_policy(tx, version).await?);
        self.lock_policies().insert(tenant, policy.clone());
        Ok(policy)
    }

    /// The user's effective roles under `policy`.
    pub async fn membership(
        &self,
        tx: &mut TenantTx,
        policy: &Policy,
        user: &User,
    ) -> Result<Arc<Membership>, sqlx::Error> {
        let key = (tx.tenant(), user.id);
        let cached = self.lock_memberships().get(&key).cloned();
        if let Some((_, membership)) = cached.filter(|(v, _)| *v == policy.version) {
            return Ok(membership);
        }
        let (direct, organization) = storage::memberships(tx, user.id).await?;
        let membership = Arc::new(policy.membership(user.id, user.kind, &direct, organization));
        let mut memberships = self.lock_memberships();
        if memberships.len() >= MAX_MEMBERSHIPS {
            memberships.clear();
        }
        memberships.insert(key, (policy.version, membership.clone()));
        Ok(membership)
    }

    fn lock_policies(&self) -> std::sync::MutexGuard<'_, HashMap<TenantId, Arc<Policy>>> {
        self.policies
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock_memberships(&self) -> std::sync::MutexGuard<'_, Memberships> {
        self.memberships
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
