# Lists, record pages and forms of any object, and the messages of the record store (validation,
# filters, concurrency) and of record actions.

## Pages

records-data = Daten
records-nothing-available = Hier ist nichts für Sie verfügbar.
# { $object } is the object's singular title in lower case, { $title } as written.
records-new-object = { $title } anlegen
records-new = Neu
# { $reason } says why (the tenant is beyond its limits).
records-read-only = Diese Datensätze sind schreibgeschützt: { $reason }.
# The filter form reads: "Filter by <field> where <operator> value <text>".
records-filter-by = Filtern nach
records-filter-where = Bedingung
records-op-contains = enthält
records-op-is = ist
records-op-is-not = ist nicht
records-op-empty = ist leer
records-op-not-empty = ist nicht leer
records-filter-value = Wert
records-add-filter = Filter hinzufügen
# Followed by the active filters.
records-filters = Filter:
records-clear-filters = zurücksetzen
records-nothing-to-show = Nichts anzuzeigen.
# { $object } is the code of the object a reference field points to.
records-number = Nummer
records-created-on = Erstellt am
records-modified-on = Geändert am
records-version = Version
records-comment = Kommentar
records-history = Verlauf
records-files = Dateien
records-no-files = Keine Dateien.
records-attach = Anhängen
records-who-has-access = Wer Zugriff hat
records-level-read = Lesen
records-level-edit = Bearbeiten
records-level-delete = Löschen
records-share-with = Freigeben für
records-level = Recht
records-share = Freigeben

## Notices

records-saved = Gespeichert.
records-deleted = Gelöscht.
records-shared = Freigegeben.
records-files-attached = Dateien angehängt.
records-done = Erledigt.

## Refusals and problems

records-form-no-version = Das Formular enthält keine Version.
records-choose-level = bitte Lesen, Bearbeiten oder Löschen wählen
records-choose-file = bitte mindestens eine Datei wählen
# { $object } is the object's plural title; { $reason } says why.
records-object-read-only = { $object } ist schreibgeschützt: { $reason }
records-stale = Der Datensatz wurde zwischenzeitlich geändert, in einem anderen Fenster oder von jemand anderem (er ist jetzt bei Version { $version }). Laden Sie ihn neu und wiederholen Sie Ihre Änderung.
records-changed-meantime = Der Datensatz wurde zwischenzeitlich geändert; laden Sie ihn neu und versuchen Sie es erneut.
# { $title } is the field's title, { $field } its name.
records-column-not-writable = Sie dürfen die Spalte „{ $title }“ ({ $field }) nicht ändern.
records-field-locked-in-status = „{ $title }“ kann nicht geändert werden, solange der Datensatz den Status „{ $status }“ hat.
records-detail-locked = { $parent } { $number } hat den Status „{ $status }“: seine Zeilen können nicht mehr geändert werden.
records-locked-note = Felder, die im Status „{ $status }“ nicht geändert werden können, werden schreibgeschützt angezeigt.
records-status-only-actions = Der Status ändert sich nur über die Aktionen des Datensatzes.
# { $status } is a status code.
records-starts-as = ein neuer Datensatz beginnt im Status „{ $status }“
# { $action } is the action's label in lower case ({ $label } as written); { $status } the record's status.
records-action-not-allowed = Sie dürfen die Aktion „{ $label }“ für diesen Datensatz nicht ausführen.
records-action-not-allowed-in-status = Sie dürfen die Aktion „{ $label }“ für diesen Datensatz im Status „{ $status }“ nicht ausführen.
records-say-why = bitte geben Sie eine Begründung an
records-cannot-move = Ein Datensatz im Status „{ $from }“ kann nicht in den Status „{ $to }“ wechseln.
# The numbering of an object's records.
records-numbering-invalid = muss aus einem Präfix, Nullen in geschweiften Klammern und einem Suffix bestehen, etwa SR-{"{"}00000{"}"}

## Field values

records-is-required = ist ein Pflichtfeld
# { $object } is the object's title.
records-not-a-field = ist kein Feld von { $object }
records-must-be-number = muss eine Zahl sein
records-must-be-whole-number = muss eine ganze Zahl sein
records-must-be-boolean = muss wahr oder falsch sein
records-must-be-text = muss ein Text sein
# { $kind } is a JSON Schema type.
records-must-be-type = muss vom Typ { $kind } sein
records-must-not-be-empty = darf nicht leer sein
records-at-least-characters = muss mindestens { $limit } Zeichen lang sein
records-at-most-characters = darf höchstens { $limit } Zeichen lang sein
records-at-least = muss mindestens { $limit } sein
records-at-most = darf höchstens { $limit } sein
records-must-be-one-of = muss einer dieser Werte sein: { $options }
records-invalid-email = ist keine gültige E-Mail-Adresse
records-invalid-date = ist kein gültiges Datum (JJJJ-MM-TT)
records-invalid-date-time = ist kein gültiges Datum mit Uhrzeit (RFC 3339)
records-invalid-url = ist keine gültige URL
records-invalid-record-id = ist keine gültige Datensatz-ID
# { $format } is a JSON Schema format.
records-invalid-format = ist kein gültiger Wert im Format { $format }
records-unexpected-form = hat nicht die erwartete Form
records-not-valid = ist ungültig
records-must-be-object = muss ein Objekt mit Feldwerten sein
# { $object } is the code of the object the field refers to.
records-no-target-with-id = kein Datensatz vom Typ { $object } mit dieser ID

## List filters, sorting and paging (also answered to the API)

# { $name } is the column's name in quotes.
records-not-filterable = { $name } ist keine Spalte, nach der Sie filtern oder sortieren können
records-not-groupable = Nach { $name } kann ein Diagramm nicht gruppieren: wählen Sie ein Text-, Auswahl-, Verweis- oder Datumsfeld
records-not-summable = { $name } ist kein Zahlenfeld, das sich summieren lässt
# { $value } is the value given, { $column } the column's name in quotes.
records-cannot-compare = { $value } lässt sich nicht mit { $column } vergleichen
records-limit-range = limit muss zwischen 1 und { $max } liegen
# { $filter } is the filter as given, in quotes.
records-filter-malformed = Filter { $filter } hat nicht die Form field:op:value
records-filter-unknown-operator = unbekannter Filteroperator { $op } (eq, ne, lt, lte, gt, gte, contains, empty, notempty)
records-filter-needs-value = Filter { $filter } braucht einen Wert
records-contains-needs-text = contains braucht einen Text
records-bad-cursor = cursor ist keiner, den diese API für diese Liste geliefert hat

## Section manifests

records-manifest-object-exists = das Objekt { $object } gibt es bereits
records-manifest-declared-twice = Objekt „{ $object }“ ist doppelt deklariert
records-manifest-not-a-field = „{ $name }“ ist kein Feld dieses Objekts
records-manifest-unknown-object = „{ $object }“ ist kein bekanntes Objekt
records-manifest-unknown-grantee = unbekannter Empfänger { $grantee }
records-other-fields = Weitere Angaben
records-form-problems = { $count ->
    [one] Das Formular hat einen Fehler:
   *[other] Das Formular hat { $count } Fehler:
}
records-picker-hint = Tippen Sie zum Suchen und wählen Sie dann aus der Liste.
records-picker-matches = Treffer für { $field }
records-picker-none = Nichts gefunden.
records-picker-no-match = Nichts, das Sie wählen dürfen, heißt „{ $title }“.
records-picker-several = Mehrere Datensätze heißen „{ $title }“: Wählen Sie einen aus der Liste.
records-picker-several-people = Mehrere heißen „{ $title }“: Wählen Sie einen aus der Liste.
records-reference-unreadable = (ein Datensatz, den Sie nicht sehen können)
records-add-line = { $title } hinzufügen
records-remove-line = { $title } löschen
records-export = In Datei exportieren
records-export-as = Format
records-export-xlsx = Excel-Arbeitsmappe (XLSX)
records-export-csv = Kommagetrennte Werte (CSV)
records-export-format = { $format } ist kein Dateiformat, in das Portico exportiert: Wählen Sie csv oder xlsx.
records-export-busy = Die Exporte Ihrer Organisation laufen bereits: Versuchen Sie es erneut, wenn einer davon beendet ist.
records-search-list = In dieser Liste suchen
records-searched-for = Suche nach „{ $words }“.
records-count-none = Keine Datensätze.
records-showing = { $from }–{ $to } von { $total }
records-showing-many = { $from }–{ $to } von mehr als { $total }
records-condition-too-big = Die Bedingungen eines Ordners dürfen höchstens { $conditions } Filter enthalten, höchstens { $depth } Gruppen tief verschachtelt.
folders-title = Ordner
folders-all = Alle { $records }
folders-new = Neuer Ordner
folders-delete = Ordner löschen
folders-delete-confirm = Den Ordner „{ $name }“ löschen? Seine Datensätze bleiben erhalten.
folders-dynamic-short = Filter
folders-name = Name
folders-parent = Im Ordner
folders-top-level = (oberste Ebene)
folders-shared-with = Freigegeben für
folders-only-me = Nur mich
folders-kind = Was der Ordner enthält
folders-static = Datensätze, die ich hineinlege
folders-dynamic = Datensätze, die Bedingungen erfüllen
folders-conditions = Bedingungen
folders-conditions-help = Jede Gruppe enthält bis zu drei Bedingungen; lassen Sie das Feld einer Zeile leer, um sie zu überspringen.
folders-join = Datensätze erfüllen
folders-match-all-groups = jede Gruppe (UND)
folders-match-any-group = irgendeine Gruppe (ODER)
folders-group = Gruppe { $n }
folders-group-match = In dieser Gruppe erfüllen
folders-match-all = alle Bedingungen (UND)
folders-match-any = eine der Bedingungen (ODER)
folders-created = Ordner „{ $name }“ angelegt.
folders-deleted = Ordner gelöscht; seine Datensätze bleiben erhalten.
folders-filed = In den Ordner gelegt.
folders-unfiled = Aus dem Ordner genommen.
folders-name-length = muss 1 bis { $max } Zeichen lang sein
folders-share-own-roles = Sie können einen Ordner nur für eine Rolle freigeben, der Sie angehören
folders-no-parent = einen solchen Ordner, den Sie sehen können, gibt es nicht
folders-needs-condition = ein Ordner für Datensätze, die Bedingungen erfüllen, braucht mindestens eine Bedingung
folders-too-many = Diese Liste hat bereits { $max } Ordner: Löschen Sie zuerst einige.
folders-dynamic-not-filed = „{ $name }“ enthält die Datensätze, die seine Bedingungen erfüllen: Datensätze können nicht hineingelegt werden.
folders-only-owner = Nur die Person, die den Ordner „{ $name }“ angelegt hat, oder ein Administrator darf ihn ändern.
folders-in = Ordner
folders-put-into = In Ordner legen
folders-take-out = Aus „{ $name }“ nehmen
records-columns-count = Wählen Sie 1 bis { $max } Spalten
records-columns = Spalten
records-columns-save = Diese Spalten zeigen
records-columns-reset = Zurück zu den üblichen Spalten
records-columns-saved = Die Liste zeigt die gewählten Spalten.
folders-choose = Ordner
records-tag-filter = Nach Schlagwörtern wird nur über den Namen gefiltert: tag:eq:NAME.
records-tag-invalid = ein Schlagwort hat 1 bis { $max } Zeichen, ohne Doppelpunkt
records-too-many-tags = Ein Datensatz hat höchstens { $max } Schlagwörter: Entfernen Sie zuerst eines.
records-tags = Schlagwörter
records-no-tags = Noch keine Schlagwörter.
records-add-tag = Schlagwort hinzufügen
records-tag = Schlagwort
records-remove-tag = Schlagwort „{ $tag }“ entfernen
records-tagged = Mit „{ $tag }“ verschlagwortet.
records-untagged = Das Schlagwort „{ $tag }“ ist entfernt.
folders-condition-malformed = muss ein Filter wie "status:eq:New" sein, oder eine Gruppe: ein Objekt, dessen "all" oder "any" eine Liste von Bedingungen ist
records-too-many-filters = Eine Liste nimmt höchstens { $max } Filter.
records-quick-filters = Schnellfilter
records-quick-all = Alle
records-quick-mine = Von mir angelegt

records-preview = Vorschau
records-preview-empty = Noch nichts zur Vorschau.
records-load-more = Mehr laden
records-not-a-file-field = ist kein Feld für eine Datei.
records-file-not-attached = muss eine an diesen Datensatz angehängte Datei sein (zuerst anhängen oder mit dem Formular senden).
records-file-limit = Eine Datei, höchstens { $size }.
records-file-remove = Datei entfernen
