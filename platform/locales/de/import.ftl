# Massenimport von Portalbenutzern (Konsole und API).
import-title = Portalbenutzer importieren
import-users-link = Aus einer Tabelle importieren
import-upload = Datei wählen
import-upload-hint = Eine CSV-Datei (UTF-8, durch Kommas oder Semikolons getrennt) oder eine Excel-Arbeitsmappe (.xlsx, ihr erstes Blatt). Die erste Zeile benennt die Spalten; darunter höchstens { $max } Zeilen. Importiert wird erst, wenn Sie jede Zeile geprüft gesehen haben.
import-file = Tabelle (CSV oder XLSX)
import-file-limit = Höchstens { $size }.
import-choose-file = Wählen Sie eine CSV- oder XLSX-Datei.
import-preview = Zeilen prüfen
import-columns = Spalten von { $file }
import-columns-hint = Geben Sie an, welche Spalte was enthält. Nur die E-Mail-Adresse ist nötig; Organisationen, Rollen und Sprachen werden nach Namen gesucht.
import-not-in-file = (nicht in der Datei)
import-column-n = Spalte { $n }
import-check-again = Erneut prüfen
import-rows = Zeilen
import-counts = { $valid } { $valid ->
    [one] Zeile kann
   *[other] Zeilen können
  } importiert werden; { $refused } nicht (Gründe unten).
import-rows-with-problems = Zeilen, die nicht importiert werden
import-rows-to-import = Zu importierende Zeilen (die ersten)
import-problems = Warum nicht
import-invite = Jedem neuen Benutzer die Einladung per E-Mail senden
import-run = { $count } { $count ->
    [one] Benutzer
   *[other] Benutzer
  } importieren
import-done = { $file } wurde importiert
import-report-counts = { $created } angelegt, { $refused } nicht importiert.
import-report-invited = Die Einladungen wurden per E-Mail gesendet.
import-download-report = Bericht herunterladen (CSV)
import-refused-rows = Nicht importierte Zeilen
import-another = Eine weitere Datei importieren
import-report-row = Zeile
import-report-outcome = Ergebnis
import-report-message = Meldung
import-outcome-created = angelegt
import-outcome-refused = nicht importiert
import-created = Angelegt.
import-field-email = E-Mail-Adresse
import-field-name = Name
import-field-organization = Organisation
import-field-roles = Rollen
import-field-language = Sprache
import-email-column-needed = Wählen Sie die Spalte mit den E-Mail-Adressen.
import-column-once = Jede Spalte kann nur ein Feld enthalten, und nur Spalten der Datei sind wählbar ({ $field }).
import-file-empty = Die Datei enthält unter ihrer Kopfzeile keine Zeilen.
import-too-many-rows = Die Datei enthält mehr als { $max } Zeilen. Teilen Sie sie in kleinere Dateien auf.
import-too-many-columns = Die Datei hat mehr als { $max } Spalten.
import-cell-too-long = Zeile { $row } hat eine Zelle mit mehr als { $max } Zeichen.
import-not-utf8 = Die Datei ist kein UTF-8-Text. Speichern Sie sie als „CSV UTF-8“ oder als Excel-Arbeitsmappe (.xlsx).
import-unreadable = Die Datei lässt sich weder als CSV noch als Excel-Arbeitsmappe (.xlsx) lesen.
import-unpacks-too-large = Die Arbeitsmappe entpackt sich auf mehr als 64 MiB; sie ist keine Personentabelle.
import-formula = Eine Zelle beginnt mit =, +, - oder @ und würde als Tabellenformel ausgeführt.
import-name-invalid = Der Name ist länger als 250 Zeichen oder enthält unzulässige Zeichen.
import-organization-unknown = Es gibt keine Portalorganisation namens „{ $name }“.
import-organization-ambiguous = Mehrere Portalorganisationen heißen „{ $name }“.
import-role-unknown = Es gibt keine Rolle „{ $name }“, die Sie Portalbenutzern geben dürfen.
import-language-unknown = „{ $name }“ ist keine Sprache, die Portico spricht (en, de).
import-duplicate = Diese Adresse kam schon weiter oben in der Datei vor.
import-has-account = Jemand mit dieser Adresse hat bereits ein Konto.
import-already-done = Diese Datei wurde bereits importiert. Laden Sie sie erneut hoch, um sie noch einmal zu importieren.
