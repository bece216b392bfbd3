# Support cases: portal and console pages, deadline indicators, messages of the case rules.

## Pages and navigation
cases-my-cases = My cases
cases-new-case = New case
cases-cases = Cases
cases-console = Console
cases-crumb-new = New

## New-case form
cases-service = Service
cases-choose-service = Choose a service
cases-service-agreement = Service agreement
cases-choose-agreement-option = Choose an agreement
cases-several-agreements-hint = Several agreements cover you; choose the one this case is about.
# { $name } is the name of the only service agreement that applies.
cases-service-agreement-named = Service agreement: { $name }
cases-subject = Subject
cases-subject-hint = Leave it empty to use the service's name.
cases-description = Description
cases-files = Files
cases-files-hint = Up to 10 files: images, PDF, office documents, text.
cases-submit = Submit

## Case page (portal)
cases-cancel-case = Cancel case
cases-close-case = Close case
cases-reopen-case = Re-open case
cases-how-satisfied = How satisfied are you?
cases-satisfaction = Satisfaction
cases-notes = Notes
cases-send-feedback = Send feedback
cases-not-happy = Not happy with how this went?
cases-your-complaint = Your complaint
cases-complain = Complain

## Case page (common part)
# aria-label of the workflow bar.
cases-stage = Stage
cases-complaint-filed = A complaint was filed on this case.
cases-details = Details
cases-category = Category
cases-registered = Registered
cases-response-by = Response by
cases-resolution-by = Resolution by
cases-closed-on = Closed on
cases-closure-reason = Closure reason
cases-conversation = Conversation
# Marks a complaint (in the case list and in the conversation).
cases-complaint-pill = complaint
# Marks a message that was sent by e-mail.
cases-via-email = e-mail
cases-no-messages = No messages yet.
cases-message = Message
cases-send = Send
cases-closed-no-posting = The case is closed: messages can no longer be posted.

## Case list
cases-number = Number
cases-response = Response
cases-resolution = Resolution
cases-no-cases = No cases.

## Deadline indicators; { $time } is a duration such as "2 h 5 min".
cases-time-left-title = Time left
cases-time-left = { $time } left
cases-overdue = Overdue
cases-overdue-by = overdue { $time }
cases-met = met
cases-met-late = met late
cases-duration-minutes = { $minutes } min
cases-duration-hours-minutes = { $hours } h { $minutes } min
cases-duration-days-hours = { $days } d { $hours } h

## Console: case queue and case page
cases-with-complaint = With a complaint
cases-sort = Sort
cases-sort-newest = Newest first
cases-resolution-deadline = Resolution deadline
cases-response-deadline = Response deadline
cases-case-numbers = Case numbers
# Followed by a text field with the numbering template.
cases-numbering-label = New cases are numbered
# Followed by an example template (SR-{00000}) and cases-numbering-example.
cases-numbering-hint = A prefix, zeros in braces for the counter's width, and an optional suffix:
cases-numbering-example = gives SR-00042.
cases-move-to = Move to
cases-change-status = Change status
cases-assignee = Assignee
cases-employee = Employee
cases-assign = Assign

## Notices after an action
cases-submitted = Your case was submitted.
cases-complaint-sent = Your complaint was sent to the support team.
cases-sent = Sent.
cases-done = Done.
cases-feedback-thanks = Thank you for your feedback.
cases-numbering-saved = New cases will be numbered that way.
cases-status-changed = Status changed.
cases-assigned = Assigned.

## Errors (field errors follow the field's name, hence lowercase)
cases-choose-satisfaction = Choose how satisfied you are, from 1 to 5.
cases-satisfaction-range = must be from 1 to 5
cases-choose-employee = choose an employee
cases-assignee-not-active = must be an active employee
cases-not-a-user-id = is not a user id
cases-kind-invalid = must be message or complaint
# { $max } is the longest a message may be, in characters.
cases-message-length = must be 1 to { $max } characters long
# { $from } and { $to } are statuses.
cases-illegal-move = A case in status "{ $from }" cannot move to "{ $to }".
cases-cannot-cancel = A case in status "{ $status }" cannot be canceled.
cases-cannot-close = A case in status "{ $status }" cannot be closed.
cases-cannot-reopen = A case in status "{ $status }" cannot be reopened.
cases-feedback-not-yet = Feedback can be given once the case is resolved, closed or canceled.
cases-closed-no-messages = This case is closed, so it takes no more messages. Use "Complain" to tell the support team about the service.
cases-agreement-calendar-no-working-time = The service agreement's calendar: the calendar has no working time in the next three years
# { $names } lists the agreements to choose from.
cases-choose-one-agreement = choose one of: { $names }
cases-no-such-service = no service with this id
# { $agreement } is the service agreement's name.
cases-service-not-provided = is not provided under "{ $agreement }"
cases-calendar-name-length = must be 1 to 120 characters long
cases-calendar-day-order = each working day must end after it starts
cases-email-sent-to = E-mail to { $name }
cases-cancel-confirm = Cancel this case? Support stops working on it.
