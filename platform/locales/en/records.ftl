# Lists, record pages and forms of any object, and the messages of the record store (validation,
# filters, concurrency) and of record actions.

## Pages

records-data = Data
records-nothing-available = Nothing here is available to you.
# { $object } is the object's singular title in lower case, { $title } as written.
records-new-object = New { $object }
records-new = New
# { $reason } says why (the tenant is beyond its limits).
records-read-only = These records are read-only: { $reason }.
# The filter form reads: "Filter by <field> where <operator> value <text>".
records-filter-by = Filter by
records-filter-where = where
records-op-contains = contains
records-op-is = is
records-op-is-not = is not
records-op-empty = is empty
records-op-not-empty = is not empty
records-filter-value = value
records-add-filter = Add filter
# Followed by the active filters.
records-filters = Filters:
records-clear-filters = clear
records-nothing-to-show = Nothing to show.
# { $object } is the code of the object a reference field points to.
records-number = Number
records-created-on = Created on
records-modified-on = Modified on
records-version = Version
records-comment = Comment
records-history = History
records-files = Files
records-no-files = No files.
records-attach = Attach
records-who-has-access = Who has access
records-level-read = read
records-level-edit = edit
records-level-delete = delete
records-share-with = Share with
records-level = Level
records-share = Share

## Notices

records-saved = Saved.
records-deleted = Deleted.
records-shared = Shared.
records-files-attached = Files attached.
records-done = Done.

## Refusals and problems

records-form-no-version = The form has no version.
records-choose-level = choose read, edit or delete
records-choose-file = choose at least one file
# { $object } is the object's plural title; { $reason } says why.
records-object-read-only = { $object } is read-only: { $reason }
records-stale = The record was changed in the meantime, in another window or by someone else (it is now at version { $version }). Reload it and apply your change again.
records-changed-meantime = The record changed in the meantime; reload it and try again.
# { $title } is the field's title, { $field } its name.
records-column-not-writable = You may not change the column "{ $title }" ({ $field }).
records-field-locked-in-status = "{ $title }" cannot be changed while the record is "{ $status }".
records-detail-locked = { $parent } { $number } is "{ $status }": its lines can no longer be changed.
records-locked-note = Fields that cannot be changed while the record is "{ $status }" are shown read-only.
records-status-only-actions = The status changes only through the record's actions.
# { $status } is a status code.
records-starts-as = a new record starts as "{ $status }"
# { $action } is the action's label in lower case ({ $label } as written); { $status } the record's status.
records-action-not-allowed = You may not { $action } this record.
records-action-not-allowed-in-status = You may not { $action } this record in status "{ $status }".
records-say-why = say why
records-cannot-move = A record in status "{ $from }" cannot move to "{ $to }".
# The numbering of an object's records.
records-numbering-invalid = must be a prefix, zeros in braces and a suffix, like SR-{"{"}00000{"}"}

## Field values

records-is-required = is required
# { $object } is the object's title.
records-not-a-field = is not a field of { $object }
records-must-be-number = must be a number
records-must-be-whole-number = must be a whole number
records-must-be-boolean = must be true or false
records-must-be-text = must be text
# { $kind } is a JSON Schema type.
records-must-be-type = must be a { $kind }
records-must-not-be-empty = must not be empty
records-at-least-characters = must be at least { $limit } characters long
records-at-most-characters = must be at most { $limit } characters long
records-at-least = must be at least { $limit }
records-at-most = must be at most { $limit }
records-must-be-one-of = must be one of: { $options }
records-invalid-email = is not a valid e-mail address
records-invalid-date = is not a valid date (YYYY-MM-DD)
records-invalid-date-time = is not a valid date and time (RFC 3339)
records-invalid-url = is not a valid URL
records-invalid-record-id = is not a valid record id
# { $format } is a JSON Schema format.
records-invalid-format = is not a valid { $format }
records-unexpected-form = does not have the expected form
records-not-valid = is not valid
records-must-be-object = must be an object of field values
# { $object } is the code of the object the field refers to.
records-no-target-with-id = no { $object } with this id

## List filters, sorting and paging (also answered to the API)

# { $name } is the column's name in quotes.
records-not-filterable = { $name } is not a column you can filter or sort by
records-not-groupable = { $name } cannot group a chart: choose a text, choice, reference or date field
records-not-summable = { $name } is not a number field that can be added up
# { $value } is the value given, { $column } the column's name in quotes.
records-cannot-compare = { $value } cannot be compared with { $column }
records-limit-range = limit must be between 1 and { $max }
# { $filter } is the filter as given, in quotes.
records-filter-malformed = filter { $filter } is not field:op:value
records-filter-unknown-operator = unknown filter operator { $op } (eq, ne, lt, lte, gt, gte, contains, empty, notempty)
records-filter-needs-value = filter { $filter } needs a value
records-contains-needs-text = contains needs text
records-bad-cursor = cursor is not one this API returned for this list

## Section manifests

records-manifest-object-exists = the object { $object } exists already
records-manifest-declared-twice = object "{ $object }" is declared twice
records-manifest-not-a-field = "{ $name }" is not a field of this object
records-manifest-unknown-object = "{ $object }" is not a known object
records-manifest-unknown-grantee = unknown grantee { $grantee }
records-other-fields = Other details
records-form-problems = { $count ->
    [one] The form has a problem:
   *[other] The form has { $count } problems:
}
records-picker-hint = Type to search, then choose from the list.
records-picker-matches = Matches for { $field }
records-picker-none = Nothing matches.
records-picker-no-match = Nothing you may choose is called “{ $title }”.
records-picker-several = Several records are called “{ $title }”: choose one from the list.
records-picker-several-people = Several are called “{ $title }”: choose one from the list.
records-reference-unreadable = (a record you cannot see)
records-add-line = Add { $title }
records-remove-line = Delete { $title }
records-export = Export to file
records-export-as = Format
records-export-xlsx = Excel workbook (XLSX)
records-export-csv = Comma-separated values (CSV)
records-export-format = { $format } is not a file format Portico exports: choose csv or xlsx.
records-export-busy = Your organization's exports are already running: try again when one of them has finished.
records-search-list = Find in this list
records-searched-for = Searching for “{ $words }”.
records-count-none = No records.
records-showing = { $from }–{ $to } of { $total }
records-showing-many = { $from }–{ $to } of more than { $total }
records-condition-too-big = A folder's conditions may hold at most { $conditions } filters, nested at most { $depth } groups deep.
folders-title = Folders
folders-all = All { $records }
folders-new = New folder
folders-delete = Delete folder
folders-delete-confirm = Delete the folder “{ $name }”? Its records stay.
folders-dynamic-short = filter
folders-name = Name
folders-parent = Inside folder
folders-top-level = (top level)
folders-shared-with = Shared with
folders-only-me = Only me
folders-kind = What the folder holds
folders-static = Records I put in it
folders-dynamic = Records that match conditions
folders-conditions = Conditions
folders-conditions-help = Each group holds up to three conditions; leave a row's field empty to skip it.
folders-join = Records match
folders-match-all-groups = every group (AND)
folders-match-any-group = any group (OR)
folders-group = Group { $n }
folders-group-match = In this group, match
folders-match-all = all conditions (AND)
folders-match-any = any condition (OR)
folders-created = Folder “{ $name }” created.
folders-deleted = Folder deleted; its records stay.
folders-filed = Put into the folder.
folders-unfiled = Taken out of the folder.
folders-name-length = must be 1 to { $max } characters
folders-share-own-roles = you can share a folder only with a role you are in
folders-no-parent = there is no such folder you can see
folders-needs-condition = a folder of records that match conditions needs at least one condition
folders-too-many = This list already has { $max } folders: delete some first.
folders-dynamic-not-filed = “{ $name }” holds the records that match its conditions: records cannot be put into it.
folders-only-owner = Only the person who made the folder “{ $name }”, or an administrator, may change it.
folders-in = Folders
folders-put-into = Put into folder
folders-take-out = Take out of “{ $name }”
records-columns-count = choose 1 to { $max } columns
records-columns = Columns
records-columns-save = Show these columns
records-columns-reset = Back to the usual columns
records-columns-saved = The list shows the columns you chose.
folders-choose = Folder
records-tag-filter = Tags are filtered on by name only: tag:eq:NAME.
records-tag-invalid = a tag is 1 to { $max } characters, without a colon
records-too-many-tags = A record holds at most { $max } tags: take one off first.
records-tags = Tags
records-no-tags = No tags yet.
records-add-tag = Add a tag
records-tag = Tag
records-remove-tag = Take off the tag “{ $tag }”
records-tagged = Tagged “{ $tag }”.
records-untagged = The tag “{ $tag }” is taken off.
folders-condition-malformed = must be a filter like "status:eq:New", or a group: an object whose "all" or "any" is a list of conditions
records-too-many-filters = A list takes at most { $max } filters.
records-quick-filters = Quick filters
records-quick-all = All
records-quick-mine = Created by me

records-preview = Preview
records-preview-empty = Nothing to preview yet.
records-load-more = Load more
records-not-a-file-field = is not a field that holds a file.
records-file-not-attached = must be a file attached to this record (attach it first, or send it with the form).
records-file-limit = One file, at most { $size }.
records-file-remove = Remove the file
