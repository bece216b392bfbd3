# Sign-in, password, recovery and registration pages, and the messages of accounts and users.

## Sign-in page

auth-sign-in = Anmelden
# Under the tenant's name on the console's sign-in page.
auth-console-for-employees = Konsole für Mitarbeiter von { $tenant }
auth-customer-portal = Kundenportal
auth-password = Passwort
auth-forgot-password = Passwort vergessen?
# Followed by a link "Register".
auth-new-here = Neu hier?
auth-register = Registrieren
# Followed by a link "Go to the portal".
auth-not-an-employee = Kein Mitarbeiter?
auth-go-to-portal = Zum Portal
# Followed by a link "Sign in to the console".
auth-employee-of = Mitarbeiter von { $tenant }?
auth-sign-in-to-console = Bei der Konsole anmelden

## Choosing a password (invitation or recovery link)

auth-choose-a-password = Passwort wählen
auth-choose-your-password = Wählen Sie Ihr Passwort
auth-welcome-to = Willkommen bei { $tenant }.
# Followed by the user's login (an e-mail address) in bold and a period.
auth-you-will-sign-in-as = Sie melden sich mit dieser Adresse an:
auth-new-password = Neues Passwort
auth-password-hint = Mindestens 10 Zeichen, nicht Ihre E-Mail-Adresse.
auth-repeat-new-password = Neues Passwort wiederholen
auth-save-password = Passwort speichern

## Forgot your password?

# The address typed (in bold) comes between auth-recovery-sent-before and auth-recovery-sent-after.
auth-recovery-sent-before = Falls ein Konto bei { $tenant } die Adresse
auth-recovery-sent-after = { " " }verwendet, haben wir an diese Adresse eine E-Mail mit einem Link gesendet, über den Sie ein neues Passwort wählen können. Der Link funktioniert nur einmal und nur für kurze Zeit.
auth-recovery-no-email = Keine E-Mail erhalten? Sehen Sie im Spam-Ordner nach, oder prüfen Sie, ob Sie die Adresse eingegeben haben, mit der Sie sich anmelden.
auth-recovery-intro = Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden. Wir senden Ihnen einen Link, mit dem Sie ein neues Passwort wählen können.
auth-send-me-a-link = Link zusenden
auth-back-to-sign-in = Zurück zur Anmeldung

## Registration

# The address typed (in bold) comes between auth-registration-sent-before and auth-registration-sent-after.
auth-registration-sent-before = Vielen Dank. Wir haben eine E-Mail gesendet an
auth-registration-sent-after = : Öffnen Sie den Link darin, um Ihre Adresse zu bestätigen und Ihr Konto zu eröffnen.
auth-registration-no-email = Keine E-Mail erhalten? Sehen Sie im Spam-Ordner nach, oder registrieren Sie sich erneut mit der richtigen Adresse.
auth-registration-intro = Erstellen Sie Ihr Konto im Portal von { $tenant }. Wir senden Ihnen eine E-Mail, um Ihre Adresse zu bestätigen.
auth-correct-these-fields = Bitte korrigieren Sie diese Felder:
auth-full-name = Vollständiger Name
auth-repeat-password = Passwort wiederholen
# Followed by a link "Sign in" and a period.
auth-have-an-account = Sie haben bereits ein Konto?
auth-confirm-registration = Registrierung bestätigen
# The registrant's full name (in bold) comes between auth-confirm-open-account-before and auth-confirm-open-account-after.
auth-confirm-open-account-before = Das Konto von
auth-confirm-open-account-after = ({ $login }) im Portal von { $tenant } eröffnen?
auth-confirm-and-open = Bestätigen und mein Konto eröffnen
auth-confirm-not-you = Falls Sie sich nicht registriert haben, schließen Sie diese Seite: Ohne diesen Schritt wird kein Konto eröffnet.
auth-registration-link-used = Dieser Link ist abgelaufen oder wurde bereits verwendet. Registrieren Sie sich erneut.
auth-account-open = Ihr Konto ist eröffnet. Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an.
auth-too-many-registrations = Zu viele Registrierungen. Versuchen Sie es in { $seconds ->
        [one] einer Sekunde
       *[other] { $seconds } Sekunden
    } erneut.
auth-address-has-account = Für diese Adresse gibt es bereits ein Konto: Melden Sie sich an, oder wählen Sie „Passwort vergessen?“.

## Sign-in refusals

auth-wrong-credentials = Anmeldename oder Passwort ist falsch.
auth-console-for-employees-only = Dieses Konto ist für das Portal bestimmt; die Konsole ist Mitarbeitern vorbehalten.
auth-too-many-failed-attempts = Zu viele fehlgeschlagene Anmeldeversuche. Versuchen Sie es in { $seconds ->
        [one] einer Sekunde
       *[other] { $seconds } Sekunden
    } erneut.
auth-sign-in-locked = Die Anmeldung ist nach zu vielen fehlgeschlagenen Versuchen gesperrt. Versuchen Sie es in { $minutes ->
        [one] einer Minute
       *[other] { $minutes } Minuten
    } erneut.
auth-sign-in-slowed = Für diesen Anmeldenamen gab es viele fehlgeschlagene Anmeldeversuche, daher wird die Anmeldung verlangsamt. Versuchen Sie es in { $seconds ->
        [one] einer Sekunde
       *[other] { $seconds } Sekunden
    } erneut, oder verwenden Sie den Link, den wir dem Inhaber des Kontos per E-Mail gesendet haben.
auth-too-many-sign-ins = Zu viele gleichzeitige Anmeldungen. Bitte versuchen Sie es gleich noch einmal.

## Passwords and links (field messages start in lower case: they follow the field's name)

auth-new-password-mismatch = stimmt nicht mit dem neuen Passwort überein
auth-password-mismatch = stimmt nicht mit dem Passwort überein
auth-not-current-password = ist nicht Ihr aktuelles Passwort
auth-password-too-short = muss mindestens { $min } Zeichen lang sein
auth-password-too-long = darf höchstens { $max } Zeichen lang sein
auth-password-same-as-login = darf nicht mit dem Anmeldenamen übereinstimmen
auth-password-changed = Ihr Passwort wurde geändert.
auth-setup-link-used = Dieser Link ist abgelaufen oder wurde bereits verwendet. Bitten Sie Ihren Administrator um einen neuen Link.
auth-link-used = Dieser Link ist abgelaufen oder wurde bereits verwendet.
auth-too-many-recovery-requests = Zu viele Anfragen nach einem Link zum Zurücksetzen des Passworts. Versuchen Sie es in { $seconds ->
        [one] einer Sekunde
       *[other] { $seconds } Sekunden
    } erneut.

## API tokens and security settings

auth-token-name-length = muss 1 bis 100 Zeichen lang sein
auth-expiry-in-future = muss in der Zukunft liegen
auth-invitation-days-range = muss zwischen 1 und 30 Tagen liegen
auth-recovery-minutes-range = muss zwischen 10 und 1440 Minuten (einem Tag) liegen

## Users

# $address is what was typed, in double quotes.
auth-email-invalid = { $address } ist keine gültige E-Mail-Adresse
# "employee" and "external" are codes: keep them as they are.
auth-user-kind-invalid = muss "employee" oder "external" sein
auth-cannot-deactivate-yourself = Sie können sich nicht selbst deaktivieren.
auth-user-exists = ein Benutzer mit dem Anmeldenamen { $login } existiert bereits
auth-link-refused-deactivated = { $name } ist deaktiviert; reaktivieren Sie den Benutzer zuerst
auth-link-refused-has-password = { $name } hat bereits ein Passwort gewählt; senden Sie stattdessen einen Link zum Zurücksetzen des Passworts
auth-link-refused-no-password = { $name } hat noch kein Passwort; senden Sie stattdessen eine Einladung
auth-invitations-sent = { $count ->
        [0] Es wurde keine Einladung gesendet.
        [one] Eine Einladung wurde gesendet.
       *[other] { $count } Einladungen wurden gesendet.
    }
# $reason is one of auth-link-refused-*.
auth-invitation-not-sent = Nicht gesendet: { $reason }.
auth-choose-at-least-one-user = wählen Sie mindestens einen Benutzer aus
auth-invite-at-most = laden Sie höchstens { $max } Benutzer auf einmal ein
auth-registration-no-license = Das Portal kann im Moment keine neuen Konten eröffnen. Ihr Bestätigungslink bleibt gültig, bis er abläuft: Versuchen Sie es später erneut oder wenden Sie sich an den Support des Unternehmens.
