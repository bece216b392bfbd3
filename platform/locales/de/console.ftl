# The console (/console): navigation, home, users, custom sections, and the messages of
# section packages (manifest and component checks).

## Navigation and home

console-name = Konsole
console-cases = Fälle
console-users = Benutzer
console-data = Daten
console-mail = E-Mail
console-sections = Bereiche
console-access = Zugriff
console-portal = Portal
# { $name } is the employee's full name, { $login } their e-mail address.
console-signed-in-as = Angemeldet als { $name } ({ $login }).
console-home-users-text = Mitarbeiter und Portalbenutzer: Legen Sie sie an und senden Sie ihnen ihre Einrichtungslinks.
console-home-objects-api = Über die API verfügbare Objekte:

## Users

# Follows "<name> (<login>)".
console-user-created-invited = wurde angelegt und per E-Mail eingeladen.
# Follows "<name> (<login>)"; the one-time link is shown below it.
console-user-created-link = wurde angelegt. Senden Sie die Einladung jetzt oder später aus der Liste unten, oder geben Sie der Person diesen einmaligen Link, mit dem sie ein Passwort wählt (gültig { $days ->
        [one] { $days } Tag
       *[other] { $days } Tage
    }):
console-send-invitation = Einladung senden
console-send-invitation-again = Einladung erneut senden
console-all-users = Alle Benutzer
console-select = Auswählen
console-login = Anmeldename
console-kind = Art
console-roles = Rollen
console-invitation = Einladung
console-created = Angelegt
console-invite-user = { $name } einladen
console-employee = Mitarbeiter
console-external = Extern
console-external-user = Externer Benutzer
console-deactivated = Deaktiviert
console-active = Aktiv
# { $date } is when the invitation was accepted or sent.
console-accepted-on = Angenommen am { $date }
console-sent-on = Gesendet am { $date }
console-sent-not-accepted = Gesendet am { $date }, noch nicht angenommen
console-not-sent = Nicht gesendet
console-send-invitations-selected = Einladungen an die ausgewählten Benutzer senden
console-send-invitations-hint = Jeder erhält einen neuen Link per E-Mail; ein früherer Link funktioniert dann nicht mehr.
console-new-user = Neuer Benutzer
console-correct-fields = Bitte korrigieren Sie die unten markierten Felder.
console-email-login = E-Mail (Anmeldename)
console-full-name = Vollständiger Name
console-external-user-portal = Externer Benutzer (Portal)
console-employee-console = Mitarbeiter (Konsole)
console-invite-now = Einladung jetzt per E-Mail senden
console-create-user = Benutzer anlegen
console-security = Sicherheit
console-security-revoke-tokens = Wenn ein Benutzer sein Passwort ändert oder zurücksetzt, seine API-Tokens widerrufen
console-security-sessions-hint = Seine anderen Sitzungen enden immer. Das Deaktivieren eines Benutzers beendet seine Sitzungen und widerruft seine Tokens.
console-security-self-registration = Personen dürfen sich selbst im Portal registrieren (sie bestätigen ihre Adresse per E-Mail)
console-security-invitation-days = Gültigkeit eines Einladungslinks (Tage)
console-security-recovery-minutes = Gültigkeit eines Links zum Zurücksetzen des Passworts (Minuten)
console-security-saved = Sicherheitseinstellungen gespeichert.
console-whole-number = muss eine ganze Zahl sein
console-organization = Organisation
# Shown after the organization's name when the user administers it.
console-administrator = Administrator
console-send-recovery = Link zum Zurücksetzen des Passworts senden
console-reactivate = Reaktivieren
console-deactivate = Deaktivieren
console-deactivate-hint = Die Sitzungen und API-Tokens der Person funktionieren sofort nicht mehr.
# A button beside each of the user's roles.
console-remove-role = entfernen
# { $role } is the name of the built-in role every user of this kind is in.
console-only-role = Nur „{ $role }“.
console-role-to-give = Zu vergebende Rolle
console-add-role = Rolle hinzufügen

## Custom sections

console-custom-sections = Eigene Bereiche
console-section = Bereich
console-version = Version
console-objects = Objekte
console-capabilities = Fähigkeiten
console-state = Zustand
# The version installed before the current one.
console-version-before = (vorher: { $version })
# No capabilities granted.
console-capabilities-none = keine
console-enabled = aktiviert
console-disabled = deaktiviert
console-read-only = Schreibgeschützt: { $reason }
console-enable = Aktivieren
console-disable = Deaktivieren
console-roll-back = Zurücksetzen
console-uninstall = Deinstallieren
console-purge = Deinstallieren und Daten löschen
console-settings = Einstellungen
console-settings-of = Einstellungen von { $title } (JSON)
console-save-settings = Einstellungen speichern
console-no-sections = Es sind keine eigenen Bereiche installiert.
console-install-or-upgrade = Installieren oder aktualisieren
# The hint reads: <upload-hint-manifest> section.json, <upload-hint-component> (.wasm) <upload-hint-rest>
console-upload-hint-manifest = Laden Sie die Datei
console-upload-hint-component = die Komponente
console-upload-hint-rest = und das Symbol des Bereichs hoch. Eine neuere Version eines installierten Bereichs aktualisiert ihn; seine Datensätze bleiben erhalten.
console-package-files = Paketdateien
console-grant-section = Dem Bereich gewähren
console-upload = Hochladen
console-settings-saved = Einstellungen gespeichert.
console-done = Erledigt.
# { $title } and { $version } are the section's title and version.
console-section-installed = { $title } { $version } ist installiert.
console-choose-manifest = wählen Sie die Datei section.json
console-choose-component = wählen Sie die Komponentendatei (.wasm)
console-not-json = ist kein JSON: { $error }
console-not-base64 = ist kein Base64
console-sections-busy = Die eigenen Bereiche dieses Portals sind ausgelastet. Bitte versuchen Sie es gleich noch einmal.
console-section-failed = Der Bereich konnte diesen Datensatz nicht prüfen: { $error }
console-grant-not-requested = der Bereich fordert „{ $capability }“ nicht an
console-built-in-section = „{ $code }“ ist ein eingebauter Bereich.
console-version-conflict = Version { $version } von { $code } wurde bereits mit einer anderen Komponente hochgeladen; erhöhen Sie die Version.
console-no-previous-version = { $code } hat keine vorherige Version, auf die zurückgesetzt werden kann.
console-settings-too-large = darf höchstens 16 KiB groß sein
console-settings-not-object = muss ein JSON-Objekt sein

## Problems of a section package (its manifest, component and icon)

console-manifest-needs = ein eigener Bereich braucht „{ $name }“
console-manifest-declared-twice = doppelt deklariert
console-manifest-one-initial = nur ein Status darf der Anfangsstatus sein
console-manifest-not-a-status = „{ $code }“ ist kein Status dieses Objekts
console-manifest-not-a-field = „{ $code }“ ist kein Feld dieses Objekts
console-manifest-not-a-reference-field = „{ $code }“ ist kein Referenzfeld dieses Objekts
console-manifest-not-a-known-object = „{ $code }“ ist kein bekanntes Objekt
console-manifest-not-a-detail = „{ $code }“ ist keines der Details dieses Objekts
console-package-wrong-interface = diese Plattform unterstützt { $expected }, nicht { $interface }
console-component-too-large = die Komponente ist { $size } Byte groß und überschreitet die Grenze von { $limit } Byte
console-component-not-wasm = das ist kein WebAssembly: bauen Sie es mit `cargo build --release --target wasm32-wasip2`
console-component-core-module = das ist ein Core-WebAssembly-Modul, keine Komponente: bauen Sie für wasm32-wasip2
console-component-not-a-section = sie implementiert { $interface } nicht: { $error }
console-component-no-hooks = sie exportiert die Hooks von { $interface } nicht
console-icon-data-uri-not-base64 = die Daten-URI des Symbols muss Base64 sein
console-icon-data-uri-invalid = die Daten-URI des Symbols ist kein gültiges Base64: { $error }
console-icon-path-outside = der Pfad des Symbols muss innerhalb des Ordners des Bereichs bleiben
console-icon-missing = die Symboldatei fehlt im Paket
console-icon-too-large = das Symbol ist größer als { $limit } Byte
console-icon-not-png = das Symbol ist kein PNG-Bild
console-icon-wrong-size = das Symbol ist { $width }×{ $height } px groß; es muss { $size }×{ $size } px groß sein
console-icon-not-svg = das Symbol ist kein SVG-Dokument
console-find-user = Nach Name oder E-Mail suchen
console-no-users-found = Keine Benutzer gefunden.

# Portallizenzen.
licenses-self-service = Self-Service-Portal
licenses-customer = Kundenportal
licenses-partner = Partnerportal
licenses-unknown = Wählen Sie eine Lizenz: self-service, customer oder partner.
licenses-not-run = Dieser Mandant betreibt das { $configuration } nicht und hat daher keine Lizenzen dafür.
licenses-exhausted = Alle { $available } Lizenzen des { $configuration }s sind vergeben ({ $used } belegt). Kaufen Sie weitere oder geben Sie eine frei, indem Sie einen Benutzer deaktivieren oder einer anderen Lizenz zuordnen.
licenses-self-service-exhausted = Alle { $available } Self-Service-Lizenzen sind vergeben ({ $used } belegt). Frei sind 100 je aktivem Mitarbeiter ({ $employees }, höchstens 10.000){ $packs ->
    [0] {""}
   *[other] , dazu { $packs } gekaufte Pakete zu 1.000
}. Fügen Sie Mitarbeiter hinzu oder kaufen Sie ein Paket, oder geben Sie eine Lizenz frei, indem Sie einen Benutzer deaktivieren.
licenses-nav = Lizenzen
licenses-use = Belegte Lizenzen
licenses-license = Lizenz
licenses-used = Belegt
licenses-available = Verfügbar
licenses-free = Frei
licenses-price = Preis
licenses-not-metered = nicht gezählt
licenses-none-free = keine frei
licenses-price-free = kostenlos
licenses-price-per-year = { $price } USD je Benutzer und Jahr
licenses-free-quota = Kostenlose Self-Service-Lizenzen: 100 je aktivem Mitarbeiter ({ $employees }), höchstens 10.000: { $free }{ $packs ->
    [0] {""}
   *[other] , dazu { $packs } gekaufte Pakete zu 1.000
}.
licenses-held-elsewhere = { $count } Benutzer haben Lizenzen eines Portals, das der Mandant nicht mehr betreibt; ordnen Sie sie einer anderen Lizenz zu.
licenses-set-by-operator = Die Abrechnung ist aus: Der Betreiber dieser Installation legt fest, wie viele Kunden- und Partnerlizenzen der Mandant hat.
licenses-holders = Wer die Lizenzen „{ $license }“ hat
licenses-move-to = Zuordnen zu
licenses-move-user = { $name } einer anderen Lizenz zuordnen
licenses-move = Zuordnen
licenses-moved = { $name } hat jetzt eine Lizenz des { $license }s.
licenses-of-new-user = Portallizenz (externe Benutzer)
licenses-default = Übliche
licenses-in-use = { $used } von { $available } belegt
licenses-api-calls-range = Wählen Sie eine ganze Zahl von 1 bis { $max }.
licenses-api-calls = API-Aufrufe je Portalbenutzer und Tag
licenses-api-calls-hint = Aufrufe der JSON-API auf Objekte des Mandanten; Seiten des Portals zählen nicht. Die Zählung beginnt um Mitternacht in der Zeitzone des Mandanten neu. Mitarbeiter sind nicht begrenzt.
licenses-api-calls-saved = Das tägliche API-Limit ist gespeichert.

## Billing through Stripe
licenses-set-by-billing = Die Lizenzen folgen dem Abonnement des Mandanten: Unten kaufen Sie mehr oder weniger.
licenses-billing-on = Die Abrechnung ist an: Die Lizenzen des Mandanten folgen seinem Stripe-Abonnement, nicht diesem Befehl.
billing-title = Abrechnung
billing-standing-none = Noch nichts gekauft: Der Mandant nutzt seine kostenlosen Self-Service-Lizenzen.
billing-standing-active = Das Abonnement ist aktiv.
billing-standing-past-due = Die letzte Zahlung ist fehlgeschlagen. Aktualisieren Sie die Karte vor Ende der Nachfrist.
billing-standing-blocked = Die Zahlung ist überfällig und die Nachfrist vorbei: Neue Portalbenutzer können erst nach der Zahlung aktiviert werden.
billing-standing-canceled = Das Abonnement ist beendet: Das Portal ist für seine Benutzer schreibgeschützt. Nichts wurde gelöscht; ein neuer Lizenzkauf öffnet es wieder.
billing-seats = { $license }-Lizenzen ({ $price } USD pro Benutzer und Jahr)
billing-packs = Pakete zu 1.000 Self-Service-Lizenzen über die kostenlosen hinaus
billing-buy-hint = Stripe belastet die hinterlegte Karte und rechnet Änderungen anteilig ab. Sie können nicht weniger Lizenzen kaufen, als genutzt werden.
billing-buy = Lizenzen kaufen
billing-bought = Das Abonnement hat jetzt die gewählten Lizenzen.
billing-card = Karte hinterlegen oder ändern
billing-card-hint = Öffnet die Abrechnungsseite von Stripe und kehrt danach hierher zurück.
billing-no-card = Hinterlegen Sie zuerst eine Karte („Karte hinterlegen oder ändern“) und kaufen Sie dann Lizenzen.
billing-below-held = { $used } { $configuration }-Lizenzen sind in Gebrauch: Verschieben oder deaktivieren Sie Benutzer, bevor Sie weniger kaufen.
billing-activations-blocked = Die Zahlung ist überfällig und die Nachfrist vorbei: Neue Portalbenutzer können erst aktiviert werden, wenn das Abonnement bezahlt ist.
billing-canceled = Das Abonnement ist beendet: Kein Portalbenutzer kann aktiviert werden, bis wieder Lizenzen gekauft sind.
billing-notice-past-due = Die letzte Zahlung ist fehlgeschlagen. Aktualisieren Sie die Karte bis { $date }, sonst können keine neuen Portalbenutzer aktiviert werden.
billing-notice-canceled = Das Abonnement ist beendet: Das Portal ist für seine Benutzer schreibgeschützt. Kaufen Sie Lizenzen auf der Seite „Lizenzen“, um es wieder zu öffnen.
billing-portal-read-only = Dieses Portal ist vorerst schreibgeschützt: Sie können alles lesen, aber nichts ändern.
billing-stripe-unavailable = Stripe hat nicht wie erwartet geantwortet. Nichts wurde gekauft; versuchen Sie es in einer Minute erneut.
billing-stripe-refused = Stripe hat abgelehnt: { $reason }
billing-webhook-signature = Der Header Stripe-Signature fehlt oder passt nicht zu den Daten.
billing-webhook-too-old = Der Zeitstempel in Stripe-Signature liegt außerhalb der Toleranz (eine wiederholte Zustellung?).
billing-webhook-not-an-event = Die Daten sind kein Stripe-Ereignis.
billing-busy = Das Abonnement ändert sich gerade. Bitte versuchen Sie es gleich noch einmal.
billing-portal-ready = Die Abrechnungsseite von Stripe ist bereit: Hinterlegen oder ändern Sie dort die Karte, danach kehren Sie zur Seite „Lizenzen“ zurück.
billing-portal-continue = Weiter zu Stripe
billing-portal-back = Zurück zu den Lizenzen
console-own-profile = Ihr Profil ({ $login }): Angaben, Foto, Passwort, Sprache
