//! The vocabulary of permissions: roles, grantees, operations, record levels, column access.

use std::{fmt, str::FromStr};

use serde::Serialize;
use uuid::Uuid;

use crate::{store::uuid_text_column, users::UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RoleId(pub(crate) Uuid);
uuid_text_column!(RoleId);

impl RoleId {
    pub(crate) fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl fmt::Display for RoleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for RoleId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// Who a permission is granted to: a role (and so every member of it and of the roles below it)
/// or one user. Stored as the role's or user's id, which never collide (both are UUIDs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Grantee {
    Role(RoleId),
    User(UserId),
}

impl Grantee {
    pub fn key(&self) -> String {
        match self {
            Self::Role(id) => id.to_string(),
            Self::User(id) => id.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// "All external users" or "All employees".
    Root,
    Organizational,
    Functional,
    /// A portal organization: linked to an Account; its members are that customer's people.
    Organization,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Root => "root",
            Self::Organizational => "organizational",
            Self::Functional => "functional",
            Self::Organization => "organization",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "root" => Self::Root,
            "organizational" => Self::Organizational,
            "functional" => Self::Functional,
            "organization" => Self::Organization,
            _ => return None,
        })
    }
}

/// Which tree a role belongs to; external users may only be placed in external roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    External,
    Employee,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::External => "external",
            Self::Employee => "employee",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "external" => Some(Self::External),
            "employee" => Some(Self::Employee),
            _ => None,
        }
    }
}

/// An operation on an object's records (gate 2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Create,
    Read,
    Update,
    Delete,
}

impl Operation {
    pub const ALL: [Self; 4] = [Self::Create, Self::Read, Self::Update, Self::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Read => "read",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == s)
    }

    /// The record level an operation on an existing record needs (gate 3).
    pub fn needed_level(self) -> Option<Level> {
        match self {
            Self::Create => None,
            Self::Read => Some(Level::Read),
            Self::Update => Some(Level::Edit),
            Self::Delete => Some(Level::Delete),
        }
    }
}

/// Rights on one record; each level includes the ones below it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Read = 1,
    Edit = 2,
    Delete = 3,
}

impl Level {
    pub fn as_i64(self) -> i64 {
        self as i64
    }

    pub fn from_i64(n: i64) -> Option<Self> {
        match n {
            1 => Some(Self::Read),
            2 => Some(Self::Edit),
            3 => Some(Self::Delete),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(Self::Read),
            "edit" => Some(Self::Edit),
            "delete" => Some(Self::Delete),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Edit => "edit",
            Self::Delete => "delete",
        }
    }
}

/// What a grantee may do with a column (gate 4). A column with no entries is editable.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ColumnAccess {
    Hidden,
    ReadOnly,
    Editable,
}

impl ColumnAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hidden => "hidden",
            Self::ReadOnly => "read_only",
            Self::Editable => "editable",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hidden" => Some(Self::Hidden),
            "read_only" => Some(Self::ReadOnly),
            "editable" => Some(Self::Editable),
            _ => None,
        }
    }
}

/// Functions granted to roles or users outside of object permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemOperation {
    /// Create portal organizations and portal users, manage their membership.
    ManagePortalUsers,
    MainPageSetup,
    ExportToFile,
    /// Configure roles and permissions, read the audit log, use "explain".
    AccessRightsWorkspace,
    // The portal basics every external user gets by default:
    ViewMainPage,
    ChangeOwnPassword,
    UseFolders,
    FeedComments,
    FeedLikes,
}

impl SystemOperation {
    pub const ALL: [Self; 9] = [
        Self::ManagePortalUsers,
        Self::MainPageSetup,
        Self::ExportToFile,
        Self::AccessRightsWorkspace,
        Self::ViewMainPage,
        Self::ChangeOwnPassword,
        Self::UseFolders,
        Self::FeedComments,
        Self::FeedLikes,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::ManagePortalUsers => "manage_portal_users",
            Self::MainPageSetup => "main_page_setup",
            Self::ExportToFile => "export_to_file",
            Self::AccessRightsWorkspace => "access_rights_workspace",
            Self::ViewMainPage => "view_main_page",
            Self::ChangeOwnPassword => "change_own_password",
            Self::UseFolders => "use_folders",
            Self::FeedComments => "feed_comments",
            Self::FeedLikes => "feed_likes",
        }
    }

    pub fn title(self) -> String {
        match self {
            Self::ManagePortalUsers => crate::tr!("access-sysop-manage-portal-users"),
            Self::MainPageSetup => crate::tr!("access-sysop-main-page-setup"),
            Self::ExportToFile => crate::tr!("access-sysop-export-to-file"),
            Self::AccessRightsWorkspace => crate::tr!("access-sysop-access-rights-workspace"),
            Self::ViewMainPage => crate::tr!("access-sysop-view-main-page"),
            Self::ChangeOwnPassword => crate::tr!("access-sysop-change-own-password"),
            Self::UseFolders => crate::tr!("access-sysop-use-folders"),
            Self::FeedComments => crate::tr!("access-sysop-feed-comments"),
            Self::FeedLikes => crate::tr!("access-sysop-feed-likes"),
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.code() == code)
    }
}

/// Well-known roles every tenant has.
pub mod system_roles {
    pub const ALL_EXTERNAL: &str = "all_external";
    pub const ALL_EMPLOYEES: &str = "all_employees";
    pub const ADMINISTRATORS: &str = "administrators";
    /// "Partner portal users": partner organizations are placed below it.
    pub const PARTNERS: &str = "partner_users";
}

/// The grantee of a default-rights rule that means "the organization of the record's author".
pub const AUTHOR_ORGANIZATION: &str = "author_organization";
