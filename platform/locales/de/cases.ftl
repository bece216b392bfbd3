# Support cases: portal and console pages, deadline indicators, messages of the case rules.

## Pages and navigation
cases-my-cases = Meine Fälle
cases-new-case = Neuer Fall
cases-cases = Fälle
cases-console = Konsole
cases-crumb-new = Neu

## New-case form
cases-service = Service
cases-choose-service = Service auswählen
cases-service-agreement = Servicevertrag
cases-choose-agreement-option = Servicevertrag auswählen
cases-several-agreements-hint = Für Sie gelten mehrere Serviceverträge; wählen Sie den, um den es in diesem Fall geht.
# { $name } is the name of the only service agreement that applies.
cases-service-agreement-named = Servicevertrag: { $name }
cases-subject = Betreff
cases-subject-hint = Leer lassen, um den Namen des Service zu verwenden.
cases-description = Beschreibung
cases-files = Dateien
cases-files-hint = Bis zu 10 Dateien: Bilder, PDF, Office-Dokumente, Text.
cases-submit = Absenden

## Case page (portal)
cases-cancel-case = Fall stornieren
cases-close-case = Fall schließen
cases-reopen-case = Fall wieder öffnen
cases-how-satisfied = Wie zufrieden sind Sie?
cases-satisfaction = Zufriedenheit
cases-notes = Anmerkungen
cases-send-feedback = Feedback senden
cases-not-happy = Sind Sie mit dem Ablauf nicht zufrieden?
cases-your-complaint = Ihre Beschwerde
cases-complain = Beschweren

## Case page (common part)
# aria-label of the workflow bar.
cases-stage = Phase
cases-complaint-filed = Zu diesem Fall wurde eine Beschwerde eingereicht.
cases-details = Details
cases-category = Kategorie
cases-registered = Erfasst
cases-response-by = Reaktion bis
cases-resolution-by = Lösung bis
cases-closed-on = Geschlossen am
cases-closure-reason = Abschlussgrund
cases-conversation = Verlauf
# Marks a complaint (in the case list and in the conversation).
cases-complaint-pill = Beschwerde
# Marks a message that was sent by e-mail.
cases-via-email = E-Mail
cases-no-messages = Noch keine Nachrichten.
cases-message = Nachricht
cases-send = Senden
cases-closed-no-posting = Der Fall ist geschlossen: Es können keine Nachrichten mehr gesendet werden.

## Case list
cases-number = Nummer
cases-response = Reaktion
cases-resolution = Lösung
cases-no-cases = Keine Fälle.

## Deadline indicators; { $time } is a duration such as "2 h 5 min".
cases-time-left-title = Verbleibende Zeit
cases-time-left = noch { $time }
cases-overdue = Überfällig
cases-overdue-by = { $time } überfällig
cases-met = eingehalten
cases-met-late = verspätet eingehalten
cases-duration-minutes = { $minutes } Min.
cases-duration-hours-minutes = { $hours } Std. { $minutes } Min.
cases-duration-days-hours = { $days } Tg. { $hours } Std.

## Console: case queue and case page
cases-with-complaint = Mit Beschwerde
cases-sort = Sortierung
cases-sort-newest = Neueste zuerst
cases-resolution-deadline = Lösungsfrist
cases-response-deadline = Reaktionsfrist
cases-case-numbers = Fallnummern
# Followed by a text field with the numbering template.
cases-numbering-label = Nummernformat für neue Fälle
# Followed by an example template (SR-{00000}) and cases-numbering-example.
cases-numbering-hint = Ein Präfix, Nullen in geschweiften Klammern für die Stellenzahl des Zählers und ein optionales Suffix:
cases-numbering-example = ergibt SR-00042.
cases-move-to = Wechseln zu
cases-change-status = Status ändern
cases-assignee = Bearbeiter
cases-employee = Mitarbeiter
cases-assign = Zuweisen

## Notices after an action
cases-submitted = Ihr Fall wurde übermittelt.
cases-complaint-sent = Ihre Beschwerde wurde an das Support-Team gesendet.
cases-sent = Gesendet.
cases-done = Erledigt.
cases-feedback-thanks = Vielen Dank für Ihr Feedback.
cases-numbering-saved = Neue Fälle werden künftig so nummeriert.
cases-status-changed = Status geändert.
cases-assigned = Zugewiesen.

## Errors (field errors follow the field's name, hence lowercase)
cases-choose-satisfaction = Wählen Sie, wie zufrieden Sie sind, von 1 bis 5.
cases-satisfaction-range = muss zwischen 1 und 5 liegen
cases-choose-employee = wählen Sie einen Mitarbeiter
cases-assignee-not-active = muss ein aktiver Mitarbeiter sein
cases-not-a-user-id = ist keine Benutzer-ID
cases-kind-invalid = muss „message“ oder „complaint“ sein
# { $max } is the longest a message may be, in characters.
cases-message-length = muss 1 bis { $max } Zeichen lang sein
# { $from } and { $to } are statuses.
cases-illegal-move = Ein Fall im Status „{ $from }“ kann nicht zu „{ $to }“ wechseln.
cases-cannot-cancel = Ein Fall im Status „{ $status }“ kann nicht storniert werden.
cases-cannot-close = Ein Fall im Status „{ $status }“ kann nicht geschlossen werden.
cases-cannot-reopen = Ein Fall im Status „{ $status }“ kann nicht wieder geöffnet werden.
cases-feedback-not-yet = Feedback ist möglich, sobald der Fall gelöst, geschlossen oder storniert ist.
cases-closed-no-messages = Dieser Fall ist geschlossen und nimmt keine Nachrichten mehr an. Mit „Beschweren“ können Sie dem Support-Team Ihre Meinung zum Service mitteilen.
cases-agreement-calendar-no-working-time = Kalender des Servicevertrags: Der Kalender enthält in den nächsten drei Jahren keine Arbeitszeit
# { $names } lists the agreements to choose from.
cases-choose-one-agreement = wählen Sie einen der folgenden Serviceverträge: { $names }
cases-no-such-service = es gibt keinen Service mit dieser ID
# { $agreement } is the service agreement's name.
cases-service-not-provided = wird unter „{ $agreement }“ nicht angeboten
cases-calendar-name-length = muss 1 bis 120 Zeichen lang sein
cases-calendar-day-order = jeder Arbeitstag muss nach seinem Beginn enden
cases-email-sent-to = E-Mail an { $name }
cases-cancel-confirm = Diesen Fall stornieren? Der Support arbeitet dann nicht mehr daran.
