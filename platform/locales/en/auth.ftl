# Sign-in, password, recovery and registration pages, and the messages of accounts and users.

## Sign-in page

auth-sign-in = Sign in
# Under the tenant's name on the console's sign-in page.
auth-console-for-employees = Console for { $tenant } employees
auth-customer-portal = Customer portal
auth-password = Password
auth-forgot-password = Forgot your password?
# Followed by a link "Register".
auth-new-here = New here?
auth-register = Register
# Followed by a link "Go to the portal".
auth-not-an-employee = Not an employee?
auth-go-to-portal = Go to the portal
# Followed by a link "Sign in to the console".
auth-employee-of = Employee of { $tenant }?
auth-sign-in-to-console = Sign in to the console

## Choosing a password (invitation or recovery link)

auth-choose-a-password = Choose a password
auth-choose-your-password = Choose your password
auth-welcome-to = Welcome to { $tenant }.
# Followed by the user's login (an e-mail address) in bold and a period.
auth-you-will-sign-in-as = You will sign in as
auth-new-password = New password
auth-password-hint = At least 10 characters, not your e-mail address.
auth-repeat-new-password = Repeat the new password
auth-save-password = Save password

## Forgot your password?

# The address typed (in bold) comes between auth-recovery-sent-before and auth-recovery-sent-after.
auth-recovery-sent-before = If an account of { $tenant } uses
auth-recovery-sent-after = , we have sent it an e-mail with a link to choose a new password. The link works once, for a short time.
auth-recovery-no-email = No e-mail? Check the spam folder, or make sure you typed the address you sign in with.
auth-recovery-intro = Enter the e-mail address you sign in with. We will send you a link to choose a new password.
auth-send-me-a-link = Send me a link
auth-back-to-sign-in = Back to sign-in

## Registration

# The address typed (in bold) comes between auth-registration-sent-before and auth-registration-sent-after.
auth-registration-sent-before = Thank you. We have sent an e-mail to
auth-registration-sent-after = : open the link in it to confirm your address and open your account.
auth-registration-no-email = No e-mail? Check the spam folder, or register again with the right address.
auth-registration-intro = Create your account on the { $tenant } portal. We will send you an e-mail to confirm your address.
auth-correct-these-fields = Please correct these fields:
auth-full-name = Full name
auth-repeat-password = Repeat the password
# Followed by a link "Sign in" and a period.
auth-have-an-account = Have an account?
auth-confirm-registration = Confirm your registration
# The registrant's full name (in bold) comes between auth-confirm-open-account-before and auth-confirm-open-account-after.
auth-confirm-open-account-before = Open the account of
auth-confirm-open-account-after = ({ $login }) on the { $tenant } portal?
auth-confirm-and-open = Confirm and open my account
auth-confirm-not-you = If you did not register, close this page: no account is opened without this step.
auth-registration-link-used = This link has expired or has already been used. Register again.
auth-account-open = Your account is open. Sign in with your e-mail address and password.
auth-too-many-registrations = Too many registrations. Try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
auth-address-has-account = This address has an account already: sign in, or choose "Forgot your password?".

## Sign-in refusals

auth-wrong-credentials = The login or password is incorrect.
auth-console-for-employees-only = This account is for the portal; the console is for employees.
auth-too-many-failed-attempts = Too many failed sign-in attempts. Try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
auth-sign-in-locked = Sign-in is locked after too many failed attempts. Try again in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
auth-sign-in-slowed = There were many failed sign-in attempts for this login, so it is slowed down. Try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }, or use the link we e-mailed to the account's owner.
auth-too-many-sign-ins = Too many sign-ins at once. Please try again in a moment.

## Passwords and links (field messages start in lower case: they follow the field's name)

auth-new-password-mismatch = does not match the new password
auth-password-mismatch = does not match the password
auth-not-current-password = is not your current password
auth-password-too-short = must be at least { $min } characters long
auth-password-too-long = must be at most { $max } characters long
auth-password-same-as-login = must not be the same as the login
auth-password-changed = Your password has been changed.
auth-setup-link-used = This link has expired or has already been used. Ask your administrator for a new one.
auth-link-used = This link has expired or has already been used.
auth-too-many-recovery-requests = Too many requests for a password reset link. Try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.

## API tokens and security settings

auth-token-name-length = must be 1 to 100 characters long
auth-expiry-in-future = must be in the future
auth-invitation-days-range = must be from 1 to 30 days
auth-recovery-minutes-range = must be from 10 to 1440 minutes (a day)

## Users

# $address is what was typed, in double quotes.
auth-email-invalid = { $address } is not a valid e-mail address
# "employee" and "external" are codes: keep them as they are.
auth-user-kind-invalid = must be "employee" or "external"
auth-cannot-deactivate-yourself = You cannot deactivate yourself.
auth-user-exists = a user with login { $login } already exists
auth-link-refused-deactivated = { $name } is deactivated; reactivate them first
auth-link-refused-has-password = { $name } has chosen a password already; send a password reset link instead
auth-link-refused-no-password = { $name } has no password yet; send an invitation instead
auth-invitations-sent = { $count ->
        [0] No invitation was sent.
        [one] An invitation was sent.
       *[other] { $count } invitations were sent.
    }
# $reason is one of auth-link-refused-*.
auth-invitation-not-sent = Not sent: { $reason }.
auth-choose-at-least-one-user = choose at least one user
auth-invite-at-most = invite at most { $max } users at a time
auth-registration-no-license = The portal cannot open new accounts at the moment. Your confirmation link keeps working until it expires: try again later, or contact the company's support.
