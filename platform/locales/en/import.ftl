# Bulk import of portal users (console and API).
import-title = Import portal users
import-users-link = Import from a spreadsheet
import-upload = Choose a file
import-upload-hint = A CSV file (UTF-8, separated by commas or semicolons) or an Excel workbook (.xlsx, its first sheet). The first row names the columns; at most { $max } rows below it. Nothing is imported before you have seen every row checked.
import-file = Spreadsheet (CSV or XLSX)
import-file-limit = At most { $size }.
import-choose-file = Choose a CSV or XLSX file.
import-preview = Check the rows
import-columns = Columns of { $file }
import-columns-hint = Say which column holds what. Only the e-mail address is needed; organizations, roles and languages are looked up by name.
import-not-in-file = (not in the file)
import-column-n = Column { $n }
import-check-again = Check again
import-rows = Rows
import-counts = { $valid } { $valid ->
    [one] row can
   *[other] rows can
  } be imported; { $refused } cannot (see why below).
import-rows-with-problems = Rows that will not be imported
import-rows-to-import = Rows to import (the first ones)
import-problems = Why not
import-invite = Send each new user their invitation by e-mail
import-run = Import { $count } { $count ->
    [one] user
   *[other] users
  }
import-done = { $file } was imported
import-report-counts = { $created } created, { $refused } not imported.
import-report-invited = Invitations were sent by e-mail.
import-download-report = Download the report (CSV)
import-refused-rows = Rows not imported
import-another = Import another file
import-report-row = Row
import-report-outcome = Outcome
import-report-message = Message
import-outcome-created = created
import-outcome-refused = not imported
import-created = Created.
import-field-email = E-mail address
import-field-name = Name
import-field-organization = Organization
import-field-roles = Roles
import-field-language = Language
import-email-column-needed = Choose the column that holds the e-mail addresses.
import-column-once = Each column can hold only one field, and only columns of the file can be chosen ({ $field }).
import-file-empty = The file holds no rows below its header.
import-too-many-rows = The file holds more than { $max } rows. Split it into smaller files.
import-too-many-columns = The file has more than { $max } columns.
import-cell-too-long = Row { $row } has a cell longer than { $max } characters.
import-not-utf8 = The file is not UTF-8 text. Save it as "CSV UTF-8", or as an Excel workbook (.xlsx).
import-unreadable = The file cannot be read as CSV or as an Excel workbook (.xlsx).
import-unpacks-too-large = The workbook unpacks to more than 64 MiB; it is not a spreadsheet of people.
import-formula = A cell starts with =, +, - or @ and would run as a spreadsheet formula.
import-name-invalid = The name is longer than 250 characters or holds characters that are not allowed.
import-organization-unknown = There is no portal organization called "{ $name }".
import-organization-ambiguous = Several portal organizations are called "{ $name }".
import-role-unknown = There is no role called "{ $name }" that you may give to portal users.
import-language-unknown = "{ $name }" is not a language Portico speaks (en, de).
import-duplicate = This address came earlier in the file.
import-has-account = Someone with this address already has an account.
import-already-done = This file was already imported. Upload it again to import it again.
