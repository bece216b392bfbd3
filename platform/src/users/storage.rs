//! SQL for `users`.

use sqlx::{Row, any::AnyRow};

use portico_tenants::Configuration;

use super::{Email, NewUser, User, UserId, UserKind};
use crate::store::{Sql, TenantTx, Timestamp, like_pattern};

/// The columns [`from_row`] reads, as a literal so queries stay `&'static str`.
#[macro_export]
#[doc(hidden)]
macro_rules! user_columns {
    () => {
        "id, login, full_name, kind, created_at, deactivated_at, contact_id, organization_id, organization_admin, invited_at, invitation_accepted_at, language, time_zone, license, photo, start_page"
    };
}

/// The tenant's users (`$1`) with the columns [`from_row`] reads, as a subquery for statements
/// that find a user together with something else (a session, a token).
#[macro_export]
#[doc(hidden)]
macro_rules! user_query {
    () => {
        concat!(
            "SELECT ",
            $crate::user_columns!(),
            " FROM users WHERE tenant_id = $1"
        )
    };
}

pub(crate) fn from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(User {
        id: row.try_get("id")?,
        login: Email::from_db(row.try_get("login")?),
        full_name: row.try_get("full_name")?,
        kind: UserKind::parse(&kind).ok_or_else(|| sqlx::Error::Decode("bad user kind".into()))?,
        created_at: row.try_get("created_at")?,
        deactivated_at: row.try_get("deactivated_at")?,
        contact: row.try_get("contact_id")?,
        organization: row.try_get("organization_id")?,
        organization_admin: row.try_get::<i64, _>("organization_admin")? != 0,
        invited_at: row.try_get("invited_at")?,
        invitation_accepted_at: row.try_get("invitation_accepted_at")?,
        language: row.try_get("language")?,
        time_zone: row.try_get("time_zone")?,
        photo: row.try_get("photo")?,
        start_page: row.try_get("start_page")?,
        license: row
            .try_get::<Option<String>, _>("license")?
            .as_deref()
            .map(|l| {
                Configuration::parse(l).ok_or_else(|| sqlx::Error::Decode("bad license".into()))
            })
            .transpose()?,
    })
}

/// Inserts a user; `None` when the login is taken in this tenant.
pub(crate) async fn insert(
    tx: &mut TenantTx,
    new: &NewUser,
    password_hash: Option<String>,
    now: Timestamp,
) -> Result<Option<User>, sqlx::Error> {
    let tenant = tx.tenant_param();
    // Read apart from the insert: Citus takes no subquery in an INSERT's values.
    let start_page = crate::store::settings::get(tx, crate::main_page::START_PAGE).await?;
    let row = sqlx::query(concat!(
        "INSERT INTO users (tenant_id, id, login, full_name, kind, password_hash, created_at, start_page)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (tenant_id, login) DO NOTHING RETURNING ",
        crate::user_columns!()
    ))
    .bind(tenant)
    .bind(UserId::new())
    .bind(new.login.as_str())
    .bind(&new.full_name)
    .bind(new.kind.as_str())
    .bind(password_hash)
    .bind(now)
    .bind(start_page)
    .fetch_optional(tx.conn())
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn find(tx: &mut TenantTx, id: UserId) -> Result<Option<User>, sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(concat!(
        "SELECT ",
        crate::user_columns!(),
        " FROM users WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// An active user by login, with their password hash (if they have set one).
pub(crate) async fn find_active_by_login(
    tx: &mut TenantTx,
    login: &str,
) -> Result<Option<(User, Option<String>)>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let Some(row) = sqlx::query(concat!(
        "SELECT ",
        crate::user_columns!(),
        ", password_hash FROM users
         WHERE tenant_id = $1 AND login = $2 AND deactivated_at IS NULL"
    ))
    .bind(tenant)
    .bind(login)
    .fetch_optional(tx.conn())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some((from_row(&row)?, row.try_get("password_hash")?)))
}

pub(crate) async fn password_hash(
    tx: &mut TenantTx,
    id: UserId,
) -> Result<Option<String>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let hash: Option<Option<String>> =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
    Ok(hash.flatten())
}

pub(crate) async fn set_password_hash(
    tx: &mut TenantTx,
    id: UserId,
    hash: &str,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("UPDATE users SET password_hash = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(hash)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Records that an invitation went out at `at`.
pub(crate) async fn set_invited(
    tx: &mut TenantTx,
    id: UserId,
    at: Timestamp,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("UPDATE users SET invited_at = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(at)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Records that the user chose a password through an invitation at `at`.
pub(crate) async fn set_invitation_accepted(
    tx: &mut TenantTx,
    id: UserId,
    at: Timestamp,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("UPDATE users SET invitation_accepted_at = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(at)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub(crate) async fn list(tx: &mut TenantTx) -> Result<Vec<User>, sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(concat!(
        "SELECT ",
        crate::user_columns!(),
        " FROM users WHERE tenant_id = $1 AND kind <> 'system' ORDER BY login"
    ))
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Which users a page of the users list holds.
#[derive(Debug, Default)]
pub(crate) struct UserFilter<'a> {
    /// Only users of this kind.
    pub kind: Option<UserKind>,
    /// Only users not deactivated.
    pub active_only: bool,
    /// Only the members of this portal organization.
    pub organization: Option<crate::access::RoleId>,
    /// Only the users holding this license.
    pub license: Option<Configuration>,
    /// Part of the login or the name, any case.
    pub search: Option<&'a str>,
    /// The login the previous page ended with.
    pub after: Option<&'a str>,
}

impl UserFilter<'_> {
    fn push(&self, sql: &mut Sql, tenant: i64) {
        sql.bind(tenant).push(" AND kind <> 'system'");
        if let Some(kind) = self.kind {
            sql.push(" AND kind = ").bind(kind.as_str());
        }
        if self.active_only {
            sql.push(" AND deactivated_at IS NULL");
        }
        if let Some(organization) = self.organization {
            sql.push(" AND organization_id = ").bind(organization);
        }
        if let Some(license) = self.license {
            sql.push(" AND license = ").bind(license.as_str());
        }
        if let Some(words) = self.search {
            let pattern = like_pattern(&words.to_lowercase());
            sql.push(" AND (LOWER(login) LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR LOWER(full_name) LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
    }
}

/// Up to `limit` users in login order, after the filter's `after`.
pub(crate) async fn page(
    tx: &mut TenantTx,
    filter: &UserFilter<'_>,
    limit: i64,
) -> Result<Vec<User>, sqlx::Error> {
    let mut sql = Sql::new(concat!(
        "SELECT ",
        crate::user_columns!(),
        " FROM users WHERE tenant_id = "
    ));
    filter.push(&mut sql, tx.tenant_param());
    if let Some(after) = filter.after {
        sql.push(" AND login > ").bind(after.to_owned());
    }
    sql.push(" ORDER BY login LIMIT ").bind(limit);
    sql.fetch_all(tx.conn())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// How many users the filter (not its `after`) holds, counting at most `cap + 1`.
pub(crate) async fn count(
    tx: &mut TenantTx,
    filter: &UserFilter<'_>,
    cap: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM (SELECT 1 FROM users WHERE tenant_id = ");
    filter.push(&mut sql, tx.tenant_param());
    sql.push(" LIMIT ").bind(cap + 1).push(") c");
    let row = sql.fetch_optional(tx.conn()).await?;
    row.map_or(Ok(0), |r| r.try_get("n"))
}

pub(crate) async fn set_contact(
    tx: &mut TenantTx,
    id: UserId,
    contact: &str,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("UPDATE users SET contact_id = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(contact)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub(crate) async fn set_deactivated(
    tx: &mut TenantTx,
    id: UserId,
    at: Option<Timestamp>,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("UPDATE users SET deactivated_at = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(at)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Places an external user in a portal organization (or takes them out), as member or admin.
pub(crate) async fn set_organization(
    tx: &mut TenantTx,
    id: UserId,
    organization: Option<crate::access::RoleId>,
    admin: bool,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(
        "UPDATE users SET organization_id = $3, organization_admin = $4 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(organization)
    .bind(i64::from(admin))
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub(crate) async fn set_license(
    tx: &mut TenantTx,
    id: UserId,
    license: Configuration,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("UPDATE users SET license = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(license.as_str())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The active portal users of organization `$2` who hold no license of `$3` (tenant `$1`).
macro_rules! members_holding_other {
    () => {
        " WHERE tenant_id = $1 AND organization_id = $2 AND kind = 'external'
          AND deactivated_at IS NULL AND (license IS NULL OR license <> $3)"
    };
}

/// How many active portal users of an organization hold no license of `license`.
pub(crate) async fn members_holding_other_than(
    tx: &mut TenantTx,
    organization: crate::access::RoleId,
    license: Configuration,
) -> Result<u64, sqlx::Error> {
    let tenant = tx.tenant_param();
    let count: i64 = sqlx::query_scalar(concat!(
        "SELECT COUNT(*) FROM users",
        members_holding_other!()
    ))
    .bind(tenant)
    .bind(organization)
    .bind(license.as_str())
    .fetch_one(tx.conn())
    .await?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// Gives every active portal user of an organization a license of `license`.
pub(crate) async fn set_members_license(
    tx: &mut TenantTx,
    organization: crate::access::RoleId,
    license: Configuration,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(concat!(
        "UPDATE users SET license = $3",
        members_holding_other!()
    ))
    .bind(tenant)
    .bind(organization)
    .bind(license.as_str())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The licenses active external users hold, by configuration, and the active employees.
pub(crate) async fn license_use(
    tx: &mut TenantTx,
) -> Result<(std::collections::BTreeMap<Configuration, u64>, u64), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT kind, license, COUNT(*) AS n FROM users
         WHERE tenant_id = $1 AND deactivated_at IS NULL AND kind IN ('external', 'employee')
         GROUP BY kind, license",
    )
    .bind(tx.tenant_param())
    .fetch_all(tx.conn())
    .await?;
    let mut held = std::collections::BTreeMap::new();
    let mut employees = 0;
    for row in rows {
        let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or_default();
        let kind: String = row.try_get("kind")?;
        let license: Option<String> = row.try_get("license")?;
        match (
            kind.as_str(),
            license.as_deref().and_then(Configuration::parse),
        ) {
            ("employee", _) => employees += n,
            (_, Some(license)) => *held.entry(license).or_default() += n,
            _ => {}
        }
    }
    Ok((held, employees))
}

/// The active members of a portal organization.
pub(crate) async fn active_members_of(
    tx: &mut TenantTx,
    organization: crate::access::RoleId,
) -> Result<Vec<UserId>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM users WHERE tenant_id = $1 AND organization_id = $2 AND deactivated_at IS NULL",
    )
    .bind(tenant)
    .bind(organization)
    .fetch_all(tx.conn())
    .await?;
    Ok(ids.iter().filter_map(|id| id.parse().ok()).collect())
}

pub(crate) async fn by_contact(
    tx: &mut TenantTx,
    contact: &str,
) -> Result<Option<User>, sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(concat!(
        "SELECT ",
        crate::user_columns!(),
        " FROM users WHERE tenant_id = $1 AND contact_id = $2"
    ))
    .bind(tenant)
    .bind(contact)
    .fetch_optional(tx.conn())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub(crate) async fn find_by_login(
    tx: &mut TenantTx,
    login: &str,
) -> Result<Option<User>, sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(concat!(
        "SELECT ",
        crate::user_columns!(),
        " FROM users WHERE tenant_id = $1 AND login = $2"
    ))
    .bind(tenant)
    .bind(login)
    .fetch_optional(tx.conn())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// Which of `logins` have an account.
pub(crate) async fn existing_logins(
    tx: &mut TenantTx,
    logins: &[&str],
) -> Result<std::collections::HashSet<String>, sqlx::Error> {
    let mut found = std::collections::HashSet::new();
    for chunk in logins.chunks(500) {
        let (open, values, close) = tx.dialect().one_of(chunk);
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT login FROM users WHERE tenant_id = $1 AND login{open}$2{close}"
        )))
        .bind(tx.tenant_param())
        .bind(values)
        .fetch_all(tx.conn())
        .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Sets the language a user reads in (a code Portico speaks).
pub(crate) async fn set_language(
    tx: &mut TenantTx,
    id: UserId,
    language: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET language = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tx.tenant_param())
        .bind(id)
        .bind(language)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Sets the page a user lands on after signing in (`None`: the main page).
pub(crate) async fn set_start_page(
    tx: &mut TenantTx,
    id: UserId,
    start_page: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET start_page = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tx.tenant_param())
        .bind(id)
        .bind(start_page)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected())
}

pub(crate) async fn set_full_name(
    tx: &mut TenantTx,
    id: UserId,
    full_name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET full_name = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tx.tenant_param())
        .bind(id)
        .bind(full_name)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub(crate) async fn set_photo(
    tx: &mut TenantTx,
    id: UserId,
    photo: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET photo = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tx.tenant_param())
        .bind(id)
        .bind(photo)
        .execute(tx.conn())
        .await?;
    Ok(())
}
