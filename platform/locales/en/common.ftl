# The language's own name, as the language switch shows it.
language-name = English
# How this language writes dates and times (chrono format strings:
# https://docs.rs/chrono/latest/chrono/format/strftime/).
format-date-time = %Y-%m-%d %H:%M %Z
format-date = %Y-%m-%d
# How this language writes numbers: decimal mark and thousands separator.
format-decimal-mark = .
format-thousands-separator = ,
# An amount of money: { $amount } is the number as this language writes it, { $currency } its code.
format-money = { $currency } { $amount }

common-save = Save
common-cancel = Cancel
common-delete = Delete
common-show = Show
common-any = Any
common-none = None
common-yes = Yes
common-no = No
common-back = Back
common-next-page = Next page
common-previous-page = Previous page
common-search = Search
common-name = Name
common-email = E-mail
common-status = Status
common-actions = Actions
common-sign-out = Sign out
common-home = Home
common-profile = Profile
common-main-navigation = Main
common-language = Language
common-change-language = Change
common-skip-to-content = Skip to content

# The title of an error page, by HTTP status.
error-status = { $status ->
    [400] Bad Request
    [401] Unauthorized
    [403] Forbidden
    [404] Not Found
    [405] Method Not Allowed
    [408] Request Timeout
    [409] Conflict
    [410] Gone
    [413] Payload Too Large
    [415] Unsupported Media Type
    [422] Unprocessable Entity
    [429] Too Many Requests
    [500] Internal Server Error
    [503] Service Unavailable
   *[other] Error
}

# Something the request names does not exist (or is not the reader's to see).
error-not-found = { $what ->
    [user] User not found.
    [organization] Organization not found.
    [record] Record not found.
    [file] File not found.
    [action] Action not found.
    [section] Section not found.
    [tenant] Tenant not found.
    [role] Role not found.
    [token] Token not found.
    [template] Template not found.
    [operation] Operation not found.
    [comment] Comment not found.
    [address] Address not found.
    [share] Share not found.
    [rule] Rule not found.
    [page] Page not found.
    [object] Object not found.
    [icon] Icon not found.
    [calendar] Calendar not found.
    [account] Account not found.
   *[other] Not found.
}

error-internal = Something went wrong on our side. Please try again; if it keeps happening, contact support.
error-nothing-here = There is nothing at this address.
error-api-not-found = Not found.
error-no-endpoint = No such endpoint.
error-body-too-large = The request body is too large.
error-json-content-type = Send the body as JSON with Content-Type: application/json.
error-body-invalid = The request body is not valid: { $detail }
error-several-hosts = The request names more than one host.
error-control-characters = The address contains control characters.
error-cross-site = Cross-site requests are not allowed.
error-form-too-large = The form is too large.
error-form-unreadable = The form could not be read.
error-form-unreadable-detail = The form could not be read: { $detail }
error-form-expired = This form has expired. Go back, reload the page and try again.
error-sign-in-required = Sign-in required.
error-invalid-fields = { $count ->
    [one] { $count } invalid field value
   *[other] { $count } invalid field values
}
error-database-unavailable = The service is temporarily unavailable. Please try again in a moment.
error-list-too-slow = Reading this list took too long. Narrow it with a filter, a folder or a more precise search.
error-portal-unavailable = This portal is temporarily unavailable. Please try again later.
error-api-sign-in = Sign in, or send an API token as Authorization: Bearer.
error-upload-too-large = The form or one of its files is too large.
error-too-many-files = Attach at most { $count } files at a time.
# Field messages follow the field's name ("name: must be …").
error-control-characters-field = must not contain control characters
error-direction-characters = must not contain characters that reverse the direction of text
error-length = must be 1 to { $max } characters long

regional-unknown-language = must be one of { $known }
regional-unknown-time-zone = is not a known time zone, e.g. Europe/Berlin
regional-saved = Language and time zone saved.
regional-title = Language and time zone
regional-language = Language
regional-time-zone = Time zone
regional-automatic = Automatic
regional-automatic-language = Automatic (the portal's default, then your browser's)
regional-automatic-time-zone = Automatic (the portal's default: { $zone })
regional-save = Save

common-menu = Menu
common-offline-title = You are offline
common-offline-text = The portal needs a connection to show your cases and answers. Reconnect, then reload this page.
files-limit = Up to { $count } files, each at most { $size }.
files-too-large = “{ $name }” is larger than { $size }: choose a smaller file.
api-limit-reached = You have made the { $limit } API calls allowed today. The count starts again at midnight (see Retry-After).
