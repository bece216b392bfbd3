# The console (/console): navigation, home, users, custom sections, and the messages of
# section packages (manifest and component checks).

## Navigation and home

console-name = Console
console-cases = Cases
console-users = Users
console-data = Data
console-mail = Mail
console-sections = Sections
console-access = Access
console-portal = Portal
# { $name } is the employee's full name, { $login } their e-mail address.
console-signed-in-as = Signed in as { $name } ({ $login }).
console-home-users-text = Employees and portal users: create them and send their setup links.
console-home-objects-api = Objects available through the API:

## Users

# Follows "<name> (<login>)".
console-user-created-invited = was created and invited by e-mail.
# Follows "<name> (<login>)"; the one-time link is shown below it.
console-user-created-link = was created. Send the invitation now, or later from the list below; or give them this one-time link to choose a password (valid { $days ->
        [one] { $days } day
       *[other] { $days } days
    }):
console-send-invitation = Send invitation
console-send-invitation-again = Send the invitation again
console-all-users = All users
console-select = Select
console-login = Login
console-kind = Kind
console-roles = Roles
console-invitation = Invitation
console-created = Created
console-invite-user = Invite { $name }
console-employee = Employee
console-external = External
console-external-user = External user
console-deactivated = Deactivated
console-active = Active
# { $date } is when the invitation was accepted or sent.
console-accepted-on = Accepted { $date }
console-sent-on = Sent { $date }
console-sent-not-accepted = Sent { $date }, not accepted yet
console-not-sent = Not sent
console-send-invitations-selected = Send invitations to the selected users
console-send-invitations-hint = Each gets a new link by e-mail; an earlier link stops working.
console-new-user = New user
console-correct-fields = Please correct the fields marked below.
console-email-login = E-mail (login)
console-full-name = Full name
console-external-user-portal = External user (portal)
console-employee-console = Employee (console)
console-invite-now = Send the invitation by e-mail now
console-create-user = Create user
console-security = Security
console-security-revoke-tokens = When a user changes or resets their password, revoke their API tokens
console-security-sessions-hint = Their other sessions always end. Deactivating a user ends their sessions and revokes their tokens.
console-security-self-registration = People may register on the portal themselves (they confirm their address by e-mail)
console-security-invitation-days = An invitation's link works for (days)
console-security-recovery-minutes = A password reset link works for (minutes)
console-security-saved = Security settings saved.
console-whole-number = must be a whole number
console-organization = Organization
# Shown after the organization's name when the user administers it.
console-administrator = administrator
console-send-recovery = Send a password reset link
console-reactivate = Reactivate
console-deactivate = Deactivate
console-deactivate-hint = Their sessions and API tokens stop working at once.
# A button beside each of the user's roles.
console-remove-role = remove
# { $role } is the name of the built-in role every user of this kind is in.
console-only-role = Only “{ $role }”.
console-role-to-give = Role to give
console-add-role = Add role

## Custom sections

console-custom-sections = Custom sections
console-section = Section
console-version = Version
console-objects = Objects
console-capabilities = Capabilities
console-state = State
# The version installed before the current one.
console-version-before = (before: { $version })
# No capabilities granted.
console-capabilities-none = none
console-enabled = enabled
console-disabled = disabled
console-read-only = Read-only: { $reason }
console-enable = Enable
console-disable = Disable
console-roll-back = Roll back
console-uninstall = Uninstall
console-purge = Uninstall and delete its data
console-settings = Settings
console-settings-of = Settings of { $title } (JSON)
console-save-settings = Save settings
console-no-sections = No custom sections are installed.
console-install-or-upgrade = Install or upgrade
# The hint reads: <upload-hint-manifest> section.json, <upload-hint-component> (.wasm) <upload-hint-rest>
console-upload-hint-manifest = Upload the section's
console-upload-hint-component = its component
console-upload-hint-rest = and its icon. A newer version of an installed section upgrades it; its records stay.
console-package-files = Package files
console-grant-section = Grant the section
console-upload = Upload
console-settings-saved = Settings saved.
console-done = Done.
# { $title } and { $version } are the section's title and version.
console-section-installed = { $title } { $version } is installed.
console-choose-manifest = choose the section.json file
console-choose-component = choose the component (.wasm) file
console-not-json = is not JSON: { $error }
console-not-base64 = is not base64
console-sections-busy = This portal's custom sections are busy. Please try again in a moment.
console-section-failed = The section could not check this record: { $error }
console-grant-not-requested = the section does not ask for "{ $capability }"
console-built-in-section = "{ $code }" is a built-in section.
console-version-conflict = Version { $version } of { $code } was uploaded before with another component; raise the version.
console-no-previous-version = { $code } has no previous version to roll back to.
console-settings-too-large = must be at most 16 KiB
console-settings-not-object = must be a JSON object

## Problems of a section package (its manifest, component and icon)

console-manifest-needs = a custom section needs "{ $name }"
console-manifest-declared-twice = declared twice
console-manifest-one-initial = only one status may be initial
console-manifest-not-a-status = "{ $code }" is not a status of this object
console-manifest-not-a-field = "{ $code }" is not a field of this object
console-manifest-not-a-reference-field = "{ $code }" is not a reference field of this object
console-manifest-not-a-known-object = "{ $code }" is not a known object
console-manifest-not-a-detail = "{ $code }" is not one of this object's details
console-package-wrong-interface = this platform runs { $expected }, not { $interface }
console-component-too-large = the component is { $size } bytes, over the { $limit }-byte limit
console-component-not-wasm = this is not WebAssembly: build it with `cargo build --release --target wasm32-wasip2`
console-component-core-module = this is a core WebAssembly module, not a component: build for wasm32-wasip2
console-component-not-a-section = it does not implement { $interface }: { $error }
console-component-no-hooks = it does not export the hooks of { $interface }
console-icon-data-uri-not-base64 = the icon data URI must be base64
console-icon-data-uri-invalid = the icon data URI is not valid base64: { $error }
console-icon-path-outside = the icon path must stay inside the section's folder
console-icon-missing = the icon file is missing from the package
console-icon-too-large = the icon is over { $limit } bytes
console-icon-not-png = the icon is not a PNG image
console-icon-wrong-size = the icon is { $width }×{ $height } px; it must be { $size }×{ $size }
console-icon-not-svg = the icon is not an SVG document
console-find-user = Find by name or e-mail
console-no-users-found = No users found.

# Portal licenses.
licenses-self-service = Self-service portal
licenses-customer = Customer portal
licenses-partner = Partner portal
licenses-unknown = Choose a license: self-service, customer or partner.
licenses-not-run = This tenant does not run the { $configuration }, so it has no licenses of it.
licenses-exhausted = All { $available } licenses of the { $configuration } are in use ({ $used } held). Buy more, or free one by deactivating a user or moving them to another license.
licenses-self-service-exhausted = All { $available } self-service licenses are in use ({ $used } held). The free ones are 100 for each of the { $employees } active employees (at most 10,000){ $packs ->
    [0] {""}
   *[other] , with { $packs } bought packs of 1,000
}. Add employees or buy a pack, or free one by deactivating a user.
licenses-nav = Licenses
licenses-use = Licenses in use
licenses-license = License
licenses-used = In use
licenses-available = Available
licenses-free = Free
licenses-price = Price
licenses-not-metered = not metered
licenses-none-free = none free
licenses-price-free = free
licenses-price-per-year = { $price } USD per user a year
licenses-free-quota = Free self-service licenses: 100 for each of the { $employees } active employees, at most 10,000: { $free }{ $packs ->
    [0] {""}
   *[other] , and { $packs } bought packs of 1,000
}.
licenses-held-elsewhere = { $count } users hold licenses of a portal the tenant no longer runs; move them to another license.
licenses-set-by-operator = Billing is off: the operator of this installation sets how many customer and partner licenses the tenant has.
licenses-holders = Who holds the { $license } licenses
licenses-move-to = Move to
licenses-move-user = Move { $name } to another license
licenses-move = Move
licenses-moved = { $name } now holds a license of the { $license }.
licenses-of-new-user = Portal license (external users)
licenses-default = Default
licenses-in-use = { $used } of { $available } in use
licenses-api-calls-range = Choose a whole number from 1 to { $max }.
licenses-api-calls = API calls a day per portal user
licenses-api-calls-hint = Calls of the JSON API on the tenant's objects; pages of the portal do not count. The count starts again at midnight in the tenant's time zone. Employees are not limited.
licenses-api-calls-saved = The daily API limit is saved.

## Billing through Stripe
licenses-set-by-billing = Licenses follow the tenant's subscription: buy more or fewer below.
licenses-billing-on = Billing is on: the tenant's licenses follow its Stripe subscription, not this command.
billing-title = Billing
billing-standing-none = Nothing bought yet: the tenant uses its free self-service licenses.
billing-standing-active = The subscription is active.
billing-standing-past-due = The last payment failed. Update the card before the grace period ends.
billing-standing-blocked = Payment is overdue and the grace period is over: new portal users cannot be activated until it is paid.
billing-standing-canceled = The subscription has ended: the portal is read-only for its users. Nothing was deleted; buying licenses again reopens it.
billing-seats = { $license } licenses ({ $price } USD per user per year)
billing-packs = Packs of 1,000 self-service licenses beyond the free ones
billing-buy-hint = Stripe charges the card on file and prorates changes. You cannot buy fewer licenses than are in use.
billing-buy = Buy licenses
billing-bought = The subscription now has the licenses you chose.
billing-card = Enter or change the card
billing-card-hint = Opens Stripe's billing page, then comes back here.
billing-no-card = Enter a card first ("Enter or change the card"), then buy licenses.
billing-below-held = { $used } { $configuration } licenses are in use: move or deactivate users before buying fewer.
billing-activations-blocked = Payment is overdue and the grace period is over: new portal users cannot be activated until the subscription is paid.
billing-canceled = The subscription has ended: no portal user can be activated until licenses are bought again.
billing-notice-past-due = The last payment failed. Update the card by { $date }, or new portal users cannot be activated.
billing-notice-canceled = The subscription has ended: the portal is read-only for its users. Buy licenses on the Licenses page to reopen it.
billing-portal-read-only = This portal is read-only for now: you can read everything, but not change anything.
billing-stripe-unavailable = Stripe did not answer as expected. Nothing was bought; try again in a minute.
billing-stripe-refused = Stripe refused: { $reason }
billing-webhook-signature = The Stripe-Signature header is missing or does not match the payload.
billing-webhook-too-old = The Stripe-Signature timestamp is outside the tolerance (a replayed delivery?).
billing-webhook-not-an-event = The payload is not a Stripe event.
billing-busy = The subscription is changing at this moment. Please try again in a moment.
billing-portal-ready = Stripe's billing page is ready: enter or change the card there, then it brings you back to the Licenses page.
billing-portal-continue = Continue to Stripe
billing-portal-back = Back to Licenses
console-own-profile = Your profile ({ $login }): details, photo, password, language
