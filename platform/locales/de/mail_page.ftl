# The console's support settings: the Mail page (mailbox, templates, sender), the template editor,
# working-time calendars, and the checks of a mail template's wording.

## Mail page

mail-page-mail = E-Mail
mail-page-mailbox = Postfach
mail-page-smtp-configured = Nachrichten werden über den eingerichteten SMTP-Server zugestellt; hier sehen Sie, was gesendet wurde und was noch wartet.
# Reads: <no-smtp> (PORTICO_SMTP_URL)<no-smtp-after>
mail-page-no-smtp = Es ist kein SMTP-Server eingerichtet
mail-page-no-smtp-after = : Nachrichten bleiben hier, im Entwicklungspostfach.
# Followed by the recipient's address in angle brackets.
mail-page-to = An { $name }
mail-page-attempts =
    { $count ->
        [one] { $count } Versuch
       *[other] { $count } Versuche
    }
mail-page-text = Text
mail-page-no-mail = Noch keine E-Mails.
mail-page-templates = Vorlagen
# A badge: the tenant changed the template's built-in wording.
mail-page-customized = angepasst
mail-page-language-hint = Jede Nachricht wird in der Sprache versendet, die der Empfänger für sein Konto gewählt hat, sonst in der seines Kontakts (dessen Feld „Sprache“), sonst in der Standardsprache unten: im eigenen Wortlaut des Mandanten für diese Sprache, falls es einen gibt, sonst im eingebauten. Standardsprache und Zeitzone gelten auch für Portal und Konsole aller, die keine eigenen gewählt haben.
mail-page-default-language = Sprache, wenn der Kontakt keine angibt
mail-page-time-zone = Zeitzone
mail-page-language-saved = Sprache gespeichert.
mail-page-sender = Absender
mail-page-address = Adresse
# { $domains } lists the domains the sender's address may be in.
mail-page-sender-domains = In den Domains { $domains }.
# Followed by " (PORTICO_MAIL_SENDER_DOMAINS)."
mail-page-no-own-address = Der Betreiber erlaubt keine eigene Adresse
# { $sender } is the platform's sender, used when the field is left empty.
mail-page-empty-sender = Ohne Angabe: { $sender }.
mail-page-sender-saved = Absender gespeichert.
mail-page-sender-name-invalid = darf höchstens 100 Zeichen lang sein, ohne < > oder Anführungszeichen
mail-page-no-allowed-domain = keine: der Betreiber erlaubt den Mandanten keine eigene Domain
# { $allowed } lists the allowed domains, or is mail-page-no-allowed-domain.
mail-page-domain-not-allowed = muss in einer Domain liegen, die der Betreiber erlaubt ({ $allowed })
mail-page-language-one-of = muss eine der folgenden sein: { $languages }

## Template editor

# Followed by the names of the values.
mail-page-values = Werte dieser Nachricht:
# Followed by the value, e.g. "{{ link }}".
mail-page-must-contain = Text und HTML müssen Folgendes enthalten:
mail-page-subject = Betreff
mail-page-escaped-hint = In der HTML-Fassung werden Werte maskiert.
mail-page-reset = Zurück zum eingebauten Wortlaut
mail-page-preview = Vorschau
mail-page-cannot-save = Dieser Wortlaut kann noch nicht gespeichert werden:
mail-page-as-sample = So würde der Beispielempfänger die Nachricht erhalten:
mail-page-template-saved = Vorlage gespeichert.
mail-page-wording-reset = Der eingebaute Wortlaut gilt wieder.
mail-page-length = muss 1 bis { $max } Zeichen lang sein
mail-page-does-not-render = lässt sich nicht darstellen: { $error }
mail-page-template-does-not-render = die Vorlage lässt sich nicht darstellen: { $error }
# { $name } is a value's name, shown as "{{ name }}"; { $known } lists the values the message has.
mail-page-unknown-value = verwendet {"{{"} { $name } {"}}"}, den diese Nachricht nicht hat (sie hat { $known })
mail-page-required-value = muss {"{{"} { $name } {"}}"} enthalten: dafür ist die Nachricht da

## Working-time calendars

mail-page-calendars = Kalender
mail-page-calendars-title = Arbeitszeitkalender
mail-page-support-settings = Support-Einstellungen
mail-page-calendars-hint = Ein Servicevertrag, der einen Kalender (über dessen ID) nennt, zählt Reaktions- und Lösungszeiten in Arbeitsstunden; ohne Kalender in Kalenderzeit.
mail-page-id = ID:
mail-page-new-calendar = Neuer Kalender
# Working hours of a weekday: from <time> to <time>.
mail-page-from = von
mail-page-until = bis
mail-page-holidays = Feiertage
mail-page-calendar-saved = Kalender gespeichert.
mail-page-monday = Montag
mail-page-tuesday = Dienstag
mail-page-wednesday = Mittwoch
mail-page-thursday = Donnerstag
mail-page-friday = Freitag
mail-page-saturday = Samstag
mail-page-sunday = Sonntag
mail-page-unknown-time-zone = ist keine bekannte Zeitzone, z. B. Europe/Berlin
mail-page-time-format = muss eine Uhrzeit wie 09:00 sein
# { $day } is a weekday.
mail-page-day-needs-both = { $day } braucht sowohl Beginn als auch Ende oder keines von beiden
mail-page-not-a-date = { $date } ist kein Datum wie 2026-12-25

mail-template-title = { $code ->
    [invitation] Einladung zum Portal
    [password_recovery] Passwort zurücksetzen
    [failed_sign_ins] Fehlgeschlagene Anmeldeversuche
    [case_message] Neue Nachricht zu einem Fall
    [case_status] Status eines Falls geändert
    [feedback_request] Bitte um Feedback
    [approval_request] Genehmigung angefordert
    [approval_decision] Genehmigung entschieden
    [section_message] Nachricht eines eigenen Bereichs
    [registration_confirmation] Bestätigung der Registrierung
    [already_registered] Registrierung mit bestehendem Konto
    [mention] In einem Kommentar erwähnt
    [activity] Neues zu einem gefolgten Datensatz
   *[other] { $code }
}
mail-page-state = { $status ->
    [pending] ausstehend
    [sent] gesendet
    [failed] fehlgeschlagen
   *[other] { $status }
}
