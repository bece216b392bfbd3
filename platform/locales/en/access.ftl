# Who may do what: the console's access screens (roles, organizations, objects, system
# operations, explain, audit log) and the permission messages of the access service.

## Navigation and page names

access-title = Access
access-roles = Roles
access-users = Users
access-organizations = Organizations
access-portal-organizations = Portal organizations
access-objects = Objects
access-system-operations = System operations
access-explain = Explain
access-audit-log = Audit log

## Overview

access-overview-intro =
    Who may do what: nothing is allowed unless granted. External users pass four gates in order —
    the portal's object list, object operations, record rights, column permissions.
access-roles-description = The trees under “All external users” and “All employees”, with members.
access-organizations-description = Portal organizations of your customers' accounts, their users and administrators.
access-objects-description = What is available on the portal; operations, default-rights rules and columns per object.
access-system-operations-description = Manage portal users, main page setup, export, the access-rights workspace, and the portal basics.
access-explain-description = Why a user may or may not do something, gate by gate.
access-audit-description = Every change of permissions: who, when, what, before and after.

## Roles

access-role-trees = Role trees
# Badges of the kinds of role.
access-kind-root = root
access-kind-organizational = organizational
access-kind-functional = functional
access-kind-organization = organization
access-member-count =
    { $count ->
        [one] { $count } member
       *[other] { $count } members
    }
access-remove = remove
access-root-every-external = Every external user belongs here.
access-root-every-employee = Every employee belongs here.
# { $role } is the role's name.
access-user-to-add = User to add to { $role }
access-add-member = Add member
access-new-name-of = New name of { $role }
access-rename = Rename
access-delete-role = Delete role
access-new-role = New role
access-kind = Kind
access-kind-organizational-title = Organizational
access-kind-functional-title = Functional
access-parent = Parent
access-parent-hint = A role inherits every permission of the roles above it.
access-create-role = Create role

## Organizations

access-no-organizations = No organizations yet.
access-new-organization = New organization
access-account = Account
access-organization-name-hint = Leave empty to use the account's name.
access-create-organization = Create organization
access-registration = Registration
access-registration-domain-label = People who register with an address at this domain join the organization
access-registration-domain-hint = Only for a domain that is the organization's own: anyone who can receive mail at it joins. Empty: nobody joins by registering.
access-add-existing-contacts = Add existing contacts
access-contacts = Contacts
access-create-portal-users = Create portal users

## Objects

access-objects-hint = Gate 1: external users reach only the objects on the portal's list, whatever else they are granted.
access-object = Object
access-section = Section
access-available-on-portal = Available on the portal
access-on-portal = On the portal
access-remove-from-portal = remove from the portal
access-make-available = make available
access-permissions = Permissions
access-object-on-portal = Available on the portal.
# Shown in bold, followed by a colon and access-object-not-on-portal-detail.
access-object-not-on-portal = Not on the portal's list
access-object-not-on-portal-detail = external users cannot reach it, whatever is granted below.
access-object-operations = Object operations
# { $object } is the object's plural title in lower case, { $title } as written.
access-object-operations-hint = Gate 2: who may create, read, update and delete { $object }. Roles pass their permissions to the roles below them.
access-role-or-user = Role or user
access-role-or-user-to-grant = Role or user to grant
# The operations as column heads and check boxes.
access-op-create-title = Create
access-op-read-title = Read
access-op-update-title = Update
access-op-delete-title = Delete
access-grant = Grant
access-rules = Default-rights rules
access-rules-hint = Gate 3: by default only a record's author may see it. A rule gives more people a right on every record created from now on by members of a role.
# A rule reads: "Records created by <role> → <grantee> may <level>".
access-rule-created-by = Records created by
# { $level } is read, edit or delete.
access-rule-may = may { $level }
access-delete-link = delete
access-no-rules = No rules.
# The form for a new rule reads: "Records created by members of <role> grant <level> to <grantee>".
access-rule-author-role = Records created by members of
access-rule-grant = grant
access-rule-to = to
access-level-read = read
access-level-edit = edit
access-level-delete = delete
access-author-organization = The author's organization
access-add-rule = Add rule
access-columns = Columns
access-columns-hint = Gate 4: a hidden column vanishes from pages, lists, filters, sorting and the API; a read-only one refuses changes. With several roles, the most permissive setting wins; a column nobody set is editable.
access-column = Column
access-access = Access
# The form reads: "Column <field> for <role or user> is <access>".
access-column-for = for
access-column-is = is
access-column-hidden = hidden
access-column-read-only = read-only
access-column-editable = editable
access-column-remove-setting = (remove setting)
access-set = Set

## System operations

access-revoke = revoke
access-nobody-but-admins = Nobody but administrators.
# { $operation } is the operation's title.
access-grant-operation-to = Grant { $operation } to
access-sysop-manage-portal-users = Manage portal users
access-sysop-main-page-setup = Portal main page setup
access-sysop-export-to-file = Export to file
access-sysop-access-rights-workspace = Access rights workspace
access-sysop-view-main-page = View the portal main page
access-sysop-change-own-password = Change own password
access-sysop-use-folders = Use folders
access-sysop-feed-comments = Post, edit and delete own feed comments
access-sysop-feed-likes = Like feed comments

## Explain

access-explain-heading = Explain a permission
access-user = User
access-operation = Operation
access-record-id-optional = Record id (optional)
# The operations to choose from.
access-op-read = read
access-op-create = create
access-op-update = update
access-op-delete = delete
# The answer's heading. { $login } is the user's login, { $operation } the operation's code
# (read, create, update, delete), { $object } the object's code, { $record } the record's id.
access-explain-allowed = { $login } may { $operation } { $object }
access-explain-allowed-record = { $login } may { $operation } { $object } record { $record }
# When not allowed the heading is: denied-before, then access-explain-not in bold, then denied-after.
access-explain-denied-before = { $login } may
access-explain-not = not
access-explain-denied-after = { $operation } { $object }
access-explain-denied-record-before = { $login } may
access-explain-denied-record-after = { $operation } { $object } record { $record }
access-gate-portal-object = Portal objects
access-gate-object-operation = Object operation
access-gate-record = Record rights
access-outcome-allow = allow
access-outcome-deny = deny
access-outcome-skipped = skipped
access-outcome-not-applicable = not applicable
# Reasons of each gate's decision.
access-explain-admin = administrators hold every permission
access-explain-portal-not-applicable = the portal list applies to external users
# { $object } is the object's plural title.
access-explain-on-portal = { $object } is on the list of objects available on the portal
access-explain-not-on-portal = { $object } is not on the list of objects available on the portal
access-explain-earlier-denied = an earlier gate denied
# { $grantee } is a role or user; { $operation } read, create, update or delete; { $object } the
# object's plural title in lower case, { $title } as written.
access-explain-grantee-may = { $grantee } may { $operation } { $object }
access-explain-no-role-may = no role of the user may { $operation } { $object }
access-explain-create-no-right = creating a record needs no record right
access-explain-no-record = no record given: lists show the records the user holds a right on
# { $level }, { $held } and { $needed } are read, edit or delete.
access-explain-holds = the user holds { $level } on this record
access-explain-holds-only = the user holds only { $held } on this record; { $needed } is needed
# { $object } is the object's title in lower case ({ $title } as written); { $source } the code of an author's right.
access-explain-no-right = the user holds no right on this { $object }: by default only its author does ({ $source }), widened by rules, sharing or processes
access-explain-all-columns = every column is visible and editable
# { $columns } is a list of field names.
access-explain-hidden = hidden: { $columns }
access-explain-read-only = read-only: { $columns }

## Audit log

access-audit-when = When
access-audit-who = Who
access-audit-what = What
access-audit-subject = Subject
access-audit-before = Before
access-audit-after = After
# Who made a change nobody made.
access-audit-system = system
access-audit-empty = No changes yet.
access-audit-older = Older entries

## Notices after a change

access-role-created = Role created.
access-role-renamed = Role renamed.
access-role-deleted = Role deleted.
access-member-added = Member added.
access-member-removed = Member removed.
access-organization-created = Organization created.
access-profile-saved = Profile saved.
access-registration-domain-saved = Registration domain saved.
access-roles-saved = Roles saved.
access-member-updated = Member updated.
access-address-added = Address added.
access-address-deleted = Address deleted.
access-saved = Saved.
access-operation-permissions-saved = Operation permissions saved.
access-rule-added = Rule added. It applies to records created from now on.
access-rule-deleted = Rule deleted.
access-column-permission-saved = Column permission saved.
access-recovery-link-sent = A password reset link was sent by e-mail.
access-user-reactivated = User reactivated.
access-user-deactivated = User deactivated: their sessions and tokens no longer work.

## Refusals and problems with a form

access-choose-role-kind = choose organizational or functional
access-not-a-role = is not a role
access-choose-level = choose read, edit or delete
access-choose-column-access = choose hidden, read-only or editable
access-choose-operation = choose an operation
access-console-for-employees = The console is for employees.
access-only-admins-manage-employees = Only administrators may manage employees.
access-may-not-manage-portal-users = You may not manage portal users.
access-may-not-change-access = You may not change access permissions.
access-may-not-change-password = You may not change your password here.
access-may-not-administer-organization = You may not administer this organization.
# { $operation } is a system operation's title.
access-may-not-use = You may not use "{ $operation }".
# { $object } is the object's plural title.
access-not-on-portal = { $object } is not available on the portal.
# { $operation } is read, create, update or delete; { $object } the object's plural title in
# lower case, { $title } as written.
access-may-not-operate = You may not { $operation } { $object }.
# { $level } is read, edit or delete.
access-may-not-record = You may not { $level } this record.
access-share-limit = You may share a record only if you may edit it, and give no more than you hold.
access-not-grantee = is not a role or user of this tenant
access-kind-invalid = must be "organizational" or "functional" (organizations are created for accounts)
# { $role } is the role's name.
access-role-built-in = "{ $role }" is built in and cannot be deleted.
access-role-in-use = "{ $role }" still has roles below it or users in its organization; remove them first.
access-may-not-assign = You may not assign users to "{ $role }".
access-membership-automatic = Membership of a root or an organization follows from the user's kind and organization.
access-role-audience-mismatch = external users may only have roles under "All external users", employees only under "All employees"
access-rule-exists = The same rule exists already.
# { $field } is the field's name in quotes, { $object } the object's title.
access-not-a-column = { $field } is not a column of { $object }
access-limit-range = must be from 1 to 200
access-find-organization = Find by name
access-role-choice = Role: { $name }
access-partner-type-needs-portal-users = This account has a portal organization, and its type decides whether that organization is in the partner portal: only someone who may manage portal users can change it.
