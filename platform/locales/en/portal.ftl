# The portal: home page, navigation, profile, and an organization's profile (shared with the console).

## Navigation

portal-nav-knowledge = Knowledge base
portal-nav-cases = Cases
portal-nav-more = More
portal-nav-organization = Organization

## Home page

portal-welcome = Welcome, { $name }
portal-how-can-we-help = How can { $tenant } help you today?
portal-search-knowledge = Search the knowledge base
portal-sections = Sections
portal-popular-articles = Popular articles
portal-no-articles = No articles yet.
portal-my-cases = My cases
# Button: a new case.
portal-new = New
portal-all-my-cases = All my cases
portal-no-cases = You have no cases.

## Profile

portal-your-account = Your account
# A user's login (their e-mail address).
portal-login = Login
portal-change-password = Change password
portal-current-password = Current password

## Organization profile

portal-organization-profile = Organization profile
portal-you-administer = You administer this organization: its profile, its addresses and its people.
portal-org-phone = Phone
portal-org-addresses = Addresses
# Button next to an address.
portal-org-delete-address = delete
portal-org-no-addresses = No addresses.
portal-org-add-an-address = Add an address
portal-org-address-type = Type
# Kinds of address (what is stored stays English; these are the labels).
portal-org-address-type-legal = Legal
portal-org-address-type-delivery = Delivery
portal-org-address-type-billing = Billing
portal-org-address-type-actual = Actual
portal-org-address = Address
portal-org-city = City
portal-org-zip = ZIP/postal code
portal-org-country = Country
portal-org-add-address = Add address
portal-org-members = Members
portal-org-roles = Roles
portal-org-administrator = Administrator
portal-org-invitation = Invitation
# Buttons after "Yes ·" / "No ·" in the Administrator column.
portal-org-revoke-admin = revoke
portal-org-make-admin = make administrator
portal-org-deactivated = Deactivated
portal-org-reactivate = reactivate
portal-org-active = Active
portal-org-deactivate = deactivate
# $at: date and time.
portal-org-invitation-accepted = Accepted { $at }
portal-org-invitation-sent = Sent { $at }
portal-org-invitation-not-sent = Not sent
portal-org-send-again = send again
portal-org-send = send
portal-org-no-members = No members yet.
portal-org-add-users-by-email = Add users by e-mail
portal-org-email-addresses = E-mail addresses
portal-org-emails-hint = Separate with commas or spaces. An existing contact with the address is reused; otherwise one is created.
portal-org-create-portal-users = Create portal users
portal-org-profile-saved = Profile saved.
portal-org-member-updated = Member updated.
portal-org-roles-saved = Roles saved.
portal-org-address-added = Address added.
portal-org-address-deleted = Address deleted.

## Organization refusals and outcomes (field messages start in lower case: they follow the field's
## name or the e-mail address)

portal-org-no-account = no account with this id
portal-org-account-has-organization = This account already has a portal organization.
portal-org-domain-invalid = must be a domain name such as client.com
portal-org-domain-taken = { $domain } belongs to another organization already
portal-org-not-address-field = is not an address field
portal-org-invited = An invitation was sent.
portal-org-already-member = is a member already
portal-org-already-has-account = already has an account
portal-org-contact-of-other-account = is the address of a contact of another account
portal-org-enter-an-email = enter at least one e-mail address
portal-org-add-at-most = add at most { $max } users at a time
portal-org-duplicate-address = is in the list already
# $contact: a contact's id.
portal-org-no-contact = no contact { $contact }
# $contact: a contact's number.
portal-org-contact-without-email = contact { $contact } has no valid e-mail address
portal-org-email-has-account = { $email } already has an account
portal-org-roles-below-only = only roles below the organization may be given
portal-org-cannot-remove-own-admin = You cannot remove your own administrator rights.
portal-awaiting-approval = { $count ->
    [one] Waiting for your approval
   *[other] Waiting for your approval ({ $count })
}
portal-open-requests = My open requests
