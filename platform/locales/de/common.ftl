language-name = Deutsch
format-date-time = %d.%m.%Y, %H:%M %Z
format-date = %d.%m.%Y
format-decimal-mark = ,
format-thousands-separator = .
format-money = { $amount } { $currency }

common-save = Speichern
common-cancel = Abbrechen
common-delete = Löschen
common-show = Anzeigen
common-any = Alle
common-none = Keine
common-yes = Ja
common-no = Nein
common-back = Zurück
common-next-page = Nächste Seite
common-previous-page = Vorherige Seite
common-search = Suchen
common-name = Name
common-email = E-Mail
common-status = Status
common-actions = Aktionen
common-sign-out = Abmelden
common-home = Startseite
common-profile = Profil
common-main-navigation = Hauptmenü
common-language = Sprache
common-change-language = Wechseln
common-skip-to-content = Zum Inhalt springen

error-status = { $status ->
    [400] Ungültige Anfrage
    [401] Nicht angemeldet
    [403] Nicht erlaubt
    [404] Nicht gefunden
    [405] Methode nicht erlaubt
    [408] Zeitüberschreitung
    [409] Konflikt
    [410] Nicht mehr verfügbar
    [413] Zu groß
    [415] Nicht unterstützter Dateityp
    [422] Nicht verarbeitbar
    [429] Zu viele Anfragen
    [500] Interner Fehler
    [503] Nicht verfügbar
   *[other] Fehler
}

error-not-found = { $what ->
    [user] Benutzer nicht gefunden.
    [organization] Organisation nicht gefunden.
    [record] Datensatz nicht gefunden.
    [file] Datei nicht gefunden.
    [action] Aktion nicht gefunden.
    [section] Bereich nicht gefunden.
    [tenant] Mandant nicht gefunden.
    [role] Rolle nicht gefunden.
    [token] Token nicht gefunden.
    [template] Vorlage nicht gefunden.
    [operation] Operation nicht gefunden.
    [comment] Kommentar nicht gefunden.
    [address] Adresse nicht gefunden.
    [share] Freigabe nicht gefunden.
    [rule] Regel nicht gefunden.
    [page] Seite nicht gefunden.
    [object] Objekt nicht gefunden.
    [icon] Symbol nicht gefunden.
    [calendar] Kalender nicht gefunden.
    [account] Konto nicht gefunden.
   *[other] Nicht gefunden.
}

error-internal = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es erneut; wenn es wieder passiert, wenden Sie sich an den Support.
error-nothing-here = Unter dieser Adresse gibt es nichts.
error-api-not-found = Nicht gefunden.
error-no-endpoint = Diesen Endpunkt gibt es nicht.
error-body-too-large = Der Inhalt der Anfrage ist zu groß.
error-json-content-type = Senden Sie den Inhalt als JSON mit Content-Type: application/json.
error-body-invalid = Der Inhalt der Anfrage ist ungültig: { $detail }
error-several-hosts = Die Anfrage nennt mehr als einen Host.
error-control-characters = Die Adresse enthält Steuerzeichen.
error-cross-site = Anfragen von anderen Websites sind nicht erlaubt.
error-form-too-large = Das Formular ist zu groß.
error-form-unreadable = Das Formular konnte nicht gelesen werden.
error-form-unreadable-detail = Das Formular konnte nicht gelesen werden: { $detail }
error-form-expired = Dieses Formular ist abgelaufen. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.
error-sign-in-required = Anmeldung erforderlich.
error-invalid-fields = { $count ->
    [one] { $count } ungültige Feldangabe
   *[other] { $count } ungültige Feldangaben
}
error-database-unavailable = Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es gleich noch einmal.
error-list-too-slow = Das Lesen dieser Liste hat zu lange gedauert. Grenzen Sie sie mit einem Filter, einem Ordner oder einer genaueren Suche ein.
error-portal-unavailable = Dieses Portal ist vorübergehend nicht verfügbar. Bitte versuchen Sie es später erneut.
error-api-sign-in = Melden Sie sich an oder senden Sie ein API-Token als Authorization: Bearer.
error-upload-too-large = Das Formular oder eine seiner Dateien ist zu groß.
error-too-many-files = Hängen Sie höchstens { $count } Dateien auf einmal an.
error-control-characters-field = darf keine Steuerzeichen enthalten
error-direction-characters = darf keine Zeichen enthalten, die die Schreibrichtung umkehren
error-length = muss 1 bis { $max } Zeichen lang sein

regional-unknown-language = muss eine der folgenden sein: { $known }
regional-unknown-time-zone = ist keine bekannte Zeitzone, z. B. Europe/Berlin
regional-saved = Sprache und Zeitzone gespeichert.
regional-title = Sprache und Zeitzone
regional-language = Sprache
regional-time-zone = Zeitzone
regional-automatic = Automatisch
regional-automatic-language = Automatisch (Standard des Portals, sonst die Ihres Browsers)
regional-automatic-time-zone = Automatisch (Standard des Portals: { $zone })
regional-save = Speichern

common-menu = Menü
common-offline-title = Sie sind offline
common-offline-text = Das Portal braucht eine Verbindung, um Ihre Fälle und Antworten zu zeigen. Stellen Sie die Verbindung wieder her und laden Sie diese Seite neu.
files-limit = Bis zu { $count } Dateien, jede höchstens { $size }.
files-too-large = „{ $name }“ ist größer als { $size }: Wählen Sie eine kleinere Datei.
api-limit-reached = Sie haben die heute erlaubten { $limit } API-Aufrufe gemacht. Um Mitternacht beginnt die Zählung neu (siehe Retry-After).
