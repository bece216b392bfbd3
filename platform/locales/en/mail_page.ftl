# The console's support settings: the Mail page (mailbox, templates, sender), the template editor,
# working-time calendars, and the checks of a mail template's wording.

## Mail page

mail-page-mail = Mail
mail-page-mailbox = Mailbox
mail-page-smtp-configured = Messages are delivered through the configured SMTP server; this is what was sent and what waits.
# Reads: <no-smtp> (PORTICO_SMTP_URL)<no-smtp-after>
mail-page-no-smtp = No SMTP server is configured
mail-page-no-smtp-after = : messages stay here, in the development mailbox.
# Followed by the recipient's address in angle brackets.
mail-page-to = To { $name }
mail-page-attempts =
    { $count ->
        [one] { $count } attempt
       *[other] { $count } attempts
    }
mail-page-text = Text
mail-page-no-mail = No mail yet.
mail-page-templates = Templates
# A badge: the tenant changed the template's built-in wording.
mail-page-customized = customized
mail-page-language-hint = Each message goes out in the language its recipient chose for their account, else in that of their contact (its Language field), else in the default below: in the tenant's own wording for that language if there is one, else in the built-in one. The default language and time zone are also those of the portal and console for everyone who has not chosen their own.
mail-page-default-language = Language when the contact names none
mail-page-time-zone = Time zone
mail-page-language-saved = Language saved.
mail-page-sender = Sender
mail-page-address = Address
# { $domains } lists the domains the sender's address may be in.
mail-page-sender-domains = In { $domains }.
# Followed by " (PORTICO_MAIL_SENDER_DOMAINS)."
mail-page-no-own-address = The operator allows no address of your own
# { $sender } is the platform's sender, used when the field is left empty.
mail-page-empty-sender = Empty: { $sender }.
mail-page-sender-saved = Sender saved.
mail-page-sender-name-invalid = must be at most 100 characters, without < > or quotes
mail-page-no-allowed-domain = none: the operator allows no domain of tenants' own
# { $allowed } lists the allowed domains, or is mail-page-no-allowed-domain.
mail-page-domain-not-allowed = must be in a domain the operator allows ({ $allowed })
mail-page-language-one-of = must be one of { $languages }

## Template editor

# Followed by the names of the values.
mail-page-values = Values this message has:
# Followed by the value, e.g. "{{ link }}".
mail-page-must-contain = The text and the HTML must contain
mail-page-subject = Subject
mail-page-escaped-hint = Values are escaped in the HTML version.
mail-page-reset = Back to the built-in wording
mail-page-preview = Preview
mail-page-cannot-save = This wording cannot be saved yet:
mail-page-as-sample = As the sample recipient would get it:
mail-page-template-saved = Template saved.
mail-page-wording-reset = The built-in wording is back.
mail-page-length = must be 1 to { $max } characters long
mail-page-does-not-render = does not render: { $error }
mail-page-template-does-not-render = the template does not render: { $error }
# { $name } is a value's name, shown as "{{ name }}"; { $known } lists the values the message has.
mail-page-unknown-value = uses {"{{"} { $name } {"}}"}, which this message does not have (it has { $known })
mail-page-required-value = must contain {"{{"} { $name } {"}}"}: the message exists to carry it

## Working-time calendars

mail-page-calendars = Calendars
mail-page-calendars-title = Working-time calendars
mail-page-support-settings = Support settings
mail-page-calendars-hint = A service agreement that names a calendar (by its id) counts response and resolution times in working hours; without one, in calendar time.
mail-page-id = Id:
mail-page-new-calendar = New calendar
# Working hours of a weekday: from <time> to <time>.
mail-page-from = from
mail-page-until = to
mail-page-holidays = Holidays
mail-page-calendar-saved = Calendar saved.
mail-page-monday = Monday
mail-page-tuesday = Tuesday
mail-page-wednesday = Wednesday
mail-page-thursday = Thursday
mail-page-friday = Friday
mail-page-saturday = Saturday
mail-page-sunday = Sunday
mail-page-unknown-time-zone = is not a known time zone, e.g. Europe/Berlin
mail-page-time-format = must be a time like 09:00
# { $day } is a weekday.
mail-page-day-needs-both = { $day } needs both a start and an end, or neither
mail-page-not-a-date = { $date } is not a date like 2026-12-25

# What each mail template is for, by its code.
mail-template-title = { $code ->
    [invitation] Portal invitation
    [password_recovery] Password recovery
    [failed_sign_ins] Failed sign-in attempts
    [case_message] New message on a case
    [case_status] Case status changed
    [feedback_request] Feedback request
    [approval_request] Approval requested
    [approval_decision] Approval decided
    [section_message] Message from a custom section
    [registration_confirmation] Registration confirmation
    [already_registered] Registration with an existing account
    [mention] Mentioned in a comment
    [activity] News of a followed record
   *[other] { $code }
}
# The state of a message in the outbox.
mail-page-state = { $status ->
    [pending] pending
    [sent] sent
    [failed] failed
   *[other] { $status }
}
