# Who may do what: the console's access screens (roles, organizations, objects, system
# operations, explain, audit log) and the permission messages of the access service.

## Navigation and page names

access-title = Zugriff
access-roles = Rollen
access-users = Benutzer
access-organizations = Organisationen
access-portal-organizations = Portal-Organisationen
access-objects = Objekte
access-system-operations = Systemoperationen
access-explain = Erklären
access-audit-log = Prüfprotokoll

## Overview

access-overview-intro =
    Wer was darf: Nichts ist erlaubt, was nicht gewährt wurde. Externe Benutzer durchlaufen vier Stufen in dieser Reihenfolge —
    die Objektliste des Portals, Objektoperationen, Datensatzrechte, Spaltenberechtigungen.
access-roles-description = Die Bäume unter „All external users“ und „All employees“, mit ihren Mitgliedern.
access-organizations-description = Portal-Organisationen der Konten Ihrer Kunden, ihre Benutzer und Administratoren.
access-objects-description = Was im Portal verfügbar ist; Operationen, Standardrechte-Regeln und Spalten je Objekt.
access-system-operations-description = Portalbenutzer verwalten, Startseite einrichten, Export, der Arbeitsbereich für Zugriffsrechte und die Grundfunktionen des Portals.
access-explain-description = Warum ein Benutzer etwas darf oder nicht darf, Stufe für Stufe.
access-audit-description = Jede Änderung von Berechtigungen: wer, wann, was, vorher und nachher.

## Roles

access-role-trees = Rollenbäume
# Badges of the kinds of role.
access-kind-root = Wurzel
access-kind-organizational = organisatorisch
access-kind-functional = funktional
access-kind-organization = Organisation
access-member-count =
    { $count ->
        [one] { $count } Mitglied
       *[other] { $count } Mitglieder
    }
access-remove = entfernen
access-root-every-external = Jeder externe Benutzer gehört hierher.
access-root-every-employee = Jeder Mitarbeiter gehört hierher.
# { $role } is the role's name.
access-user-to-add = Benutzer, der zu { $role } hinzugefügt wird
access-add-member = Mitglied hinzufügen
access-new-name-of = Neuer Name für { $role }
access-rename = Umbenennen
access-delete-role = Rolle löschen
access-new-role = Neue Rolle
access-kind = Art
access-kind-organizational-title = Organisatorisch
access-kind-functional-title = Funktional
access-parent = Übergeordnete Rolle
access-parent-hint = Eine Rolle erbt jede Berechtigung der Rollen über ihr.
access-create-role = Rolle anlegen

## Organizations

access-no-organizations = Noch keine Organisationen.
access-new-organization = Neue Organisation
access-account = Konto
access-organization-name-hint = Leer lassen, um den Namen des Kontos zu verwenden.
access-create-organization = Organisation anlegen
access-registration = Registrierung
access-registration-domain-label = Wer sich mit einer Adresse unter dieser Domain registriert, wird Mitglied der Organisation
access-registration-domain-hint = Nur für eine Domain, die der Organisation selbst gehört: Jeder, der dort E-Mails empfangen kann, wird Mitglied. Leer: Niemand wird durch Registrierung Mitglied.
access-add-existing-contacts = Vorhandene Kontakte hinzufügen
access-contacts = Kontakte
access-create-portal-users = Portalbenutzer anlegen

## Objects

access-objects-hint = Stufe 1: Externe Benutzer erreichen nur die Objekte auf der Liste des Portals, egal was ihnen sonst gewährt ist.
access-object = Objekt
access-section = Bereich
access-available-on-portal = Im Portal verfügbar
access-on-portal = Im Portal
access-remove-from-portal = aus dem Portal entfernen
access-make-available = verfügbar machen
access-permissions = Berechtigungen
access-object-on-portal = Im Portal verfügbar.
# Shown in bold, followed by a colon and access-object-not-on-portal-detail.
access-object-not-on-portal = Nicht auf der Liste des Portals
access-object-not-on-portal-detail = Externe Benutzer können es nicht erreichen, egal was unten gewährt ist.
access-object-operations = Objektoperationen
# { $object } is the object's plural title in lower case, { $title } as written.
access-object-operations-hint = Stufe 2: wer { $title } erstellen, lesen, bearbeiten und löschen darf. Rollen geben ihre Berechtigungen an die Rollen unter ihnen weiter.
access-role-or-user = Rolle oder Benutzer
access-role-or-user-to-grant = Rolle oder Benutzer, der die Berechtigung erhält
# The operations as column heads and check boxes.
access-op-create-title = Erstellen
access-op-read-title = Lesen
access-op-update-title = Bearbeiten
access-op-delete-title = Löschen
access-grant = Gewähren
access-rules = Standardrechte-Regeln
access-rules-hint = Stufe 3: Standardmäßig sieht nur der Autor einen Datensatz. Eine Regel gibt weiteren Personen ein Recht auf jeden Datensatz, den Mitglieder einer Rolle ab jetzt erstellen.
# A rule reads: "Records created by <role> → <grantee> may <level>".
access-rule-created-by = Datensätze, erstellt von
# { $level } is read, edit or delete.
access-rule-may =
    darf { $level ->
        [read] lesen
        [edit] bearbeiten
        [delete] löschen
       *[other] { $level }
    }
access-delete-link = löschen
access-no-rules = Keine Regeln.
# The form for a new rule reads: "Records created by members of <role> grant <level> to <grantee>".
access-rule-author-role = Datensätze, erstellt von Mitgliedern von
access-rule-grant = Recht
access-rule-to = für
access-level-read = Lesen
access-level-edit = Bearbeiten
access-level-delete = Löschen
access-author-organization = Die Organisation des Autors
access-add-rule = Regel hinzufügen
access-columns = Spalten
access-columns-hint = Stufe 4: Eine ausgeblendete Spalte verschwindet aus Seiten, Listen, Filtern, Sortierung und der API; eine schreibgeschützte lehnt Änderungen ab. Bei mehreren Rollen gewinnt die großzügigste Einstellung; eine Spalte, für die niemand etwas eingestellt hat, ist bearbeitbar.
access-column = Spalte
access-access = Zugriff
# The form reads: "Column <field> for <role or user> is <access>".
access-column-for = für
access-column-is = ist
access-column-hidden = ausgeblendet
access-column-read-only = schreibgeschützt
access-column-editable = bearbeitbar
access-column-remove-setting = (Einstellung entfernen)
access-set = Festlegen

## System operations

access-revoke = entziehen
access-nobody-but-admins = Niemand außer Administratoren.
# { $operation } is the operation's title.
access-grant-operation-to = „{ $operation }“ gewähren für
access-sysop-manage-portal-users = Portalbenutzer verwalten
access-sysop-main-page-setup = Startseite des Portals einrichten
access-sysop-export-to-file = In Datei exportieren
access-sysop-access-rights-workspace = Arbeitsbereich Zugriffsrechte
access-sysop-view-main-page = Startseite des Portals ansehen
access-sysop-change-own-password = Eigenes Passwort ändern
access-sysop-use-folders = Ordner verwenden
access-sysop-feed-comments = Eigene Feed-Kommentare schreiben, bearbeiten und löschen
access-sysop-feed-likes = Feed-Kommentare mit „Gefällt mir“ markieren

## Explain

access-explain-heading = Eine Berechtigung erklären
access-user = Benutzer
access-operation = Operation
access-record-id-optional = Datensatz-ID (optional)
# The operations to choose from.
access-op-read = Lesen
access-op-create = Erstellen
access-op-update = Bearbeiten
access-op-delete = Löschen
# The answer's heading. { $login } is the user's login, { $operation } the operation's code
# (read, create, update, delete), { $object } the object's code, { $record } the record's id.
access-explain-allowed =
    { $login } darf { $object } { $operation ->
        [read] lesen
        [create] erstellen
        [update] bearbeiten
        [delete] löschen
       *[other] { $operation }
    }
access-explain-allowed-record =
    { $login } darf Datensatz { $record } von { $object } { $operation ->
        [read] lesen
        [create] erstellen
        [update] bearbeiten
        [delete] löschen
       *[other] { $operation }
    }
# When not allowed the heading is: denied-before, then access-explain-not in bold, then denied-after.
access-explain-denied-before = { $login } darf { $object }
access-explain-not = nicht
access-explain-denied-after =
    { $operation ->
        [read] lesen
        [create] erstellen
        [update] bearbeiten
        [delete] löschen
       *[other] { $operation }
    }
access-explain-denied-record-before = { $login } darf Datensatz { $record } von { $object }
access-explain-denied-record-after =
    { $operation ->
        [read] lesen
        [create] erstellen
        [update] bearbeiten
        [delete] löschen
       *[other] { $operation }
    }
access-gate-portal-object = Portalobjekte
access-gate-object-operation = Objektoperation
access-gate-record = Datensatzrechte
access-outcome-allow = erlaubt
access-outcome-deny = verweigert
access-outcome-skipped = übersprungen
access-outcome-not-applicable = nicht anwendbar
# Reasons of each gate's decision.
access-explain-admin = Administratoren haben jede Berechtigung
access-explain-portal-not-applicable = die Objektliste des Portals gilt nur für externe Benutzer
# { $object } is the object's plural title.
access-explain-on-portal = { $object } steht auf der Liste der im Portal verfügbaren Objekte
access-explain-not-on-portal = { $object } steht nicht auf der Liste der im Portal verfügbaren Objekte
access-explain-earlier-denied = eine frühere Stufe hat verweigert
# { $grantee } is a role or user; { $operation } read, create, update or delete; { $object } the
# object's plural title in lower case, { $title } as written.
access-explain-grantee-may =
    { $grantee } darf { $title } { $operation ->
        [read] lesen
        [create] erstellen
        [update] bearbeiten
        [delete] löschen
       *[other] { $operation }
    }
access-explain-no-role-may =
    keine Rolle des Benutzers darf { $title } { $operation ->
        [read] lesen
        [create] erstellen
        [update] bearbeiten
        [delete] löschen
       *[other] { $operation }
    }
access-explain-create-no-right = zum Erstellen eines Datensatzes ist kein Datensatzrecht nötig
access-explain-no-record = kein Datensatz angegeben: Listen zeigen die Datensätze, auf die der Benutzer ein Recht hat
# { $level }, { $held } and { $needed } are read, edit or delete.
access-explain-holds =
    der Benutzer hat auf diesen Datensatz das Recht „{ $level ->
        [read] Lesen
        [edit] Bearbeiten
        [delete] Löschen
       *[other] { $level }
    }“
access-explain-holds-only =
    der Benutzer hat auf diesen Datensatz nur das Recht „{ $held ->
        [read] Lesen
        [edit] Bearbeiten
        [delete] Löschen
       *[other] { $held }
    }“; nötig ist „{ $needed ->
        [read] Lesen
        [edit] Bearbeiten
        [delete] Löschen
       *[other] { $needed }
    }“
# { $object } is the object's title in lower case ({ $title } as written); { $source } the code of an author's right.
access-explain-no-right = der Benutzer hat kein Recht auf diesen Datensatz ({ $title }): Standardmäßig hat nur sein Autor eines ({ $source }); Regeln, Freigaben oder Prozesse erweitern das
access-explain-all-columns = jede Spalte ist sichtbar und bearbeitbar
# { $columns } is a list of field names.
access-explain-hidden = ausgeblendet: { $columns }
access-explain-read-only = schreibgeschützt: { $columns }

## Audit log

access-audit-when = Wann
access-audit-who = Wer
access-audit-what = Was
access-audit-subject = Gegenstand
access-audit-before = Vorher
access-audit-after = Nachher
# Who made a change nobody made.
access-audit-system = System
access-audit-empty = Noch keine Änderungen.
access-audit-older = Ältere Einträge

## Notices after a change

access-role-created = Rolle angelegt.
access-role-renamed = Rolle umbenannt.
access-role-deleted = Rolle gelöscht.
access-member-added = Mitglied hinzugefügt.
access-member-removed = Mitglied entfernt.
access-organization-created = Organisation angelegt.
access-profile-saved = Profil gespeichert.
access-registration-domain-saved = Registrierungsdomain gespeichert.
access-roles-saved = Rollen gespeichert.
access-member-updated = Mitglied aktualisiert.
access-address-added = Adresse hinzugefügt.
access-address-deleted = Adresse gelöscht.
access-saved = Gespeichert.
access-operation-permissions-saved = Berechtigungen für Operationen gespeichert.
access-rule-added = Regel hinzugefügt. Sie gilt für Datensätze, die ab jetzt erstellt werden.
access-rule-deleted = Regel gelöscht.
access-column-permission-saved = Spaltenberechtigung gespeichert.
access-recovery-link-sent = Ein Link zum Zurücksetzen des Passworts wurde per E-Mail gesendet.
access-user-reactivated = Benutzer reaktiviert.
access-user-deactivated = Benutzer deaktiviert: Seine Sitzungen und Tokens funktionieren nicht mehr.

## Refusals and problems with a form

access-choose-role-kind = bitte organisatorisch oder funktional wählen
access-not-a-role = ist keine Rolle
access-choose-level = bitte Lesen, Bearbeiten oder Löschen wählen
access-choose-column-access = bitte ausgeblendet, schreibgeschützt oder bearbeitbar wählen
access-choose-operation = bitte eine Operation wählen
access-console-for-employees = Die Konsole ist für Mitarbeiter.
access-only-admins-manage-employees = Nur Administratoren dürfen Mitarbeiter verwalten.
access-may-not-manage-portal-users = Sie dürfen keine Portalbenutzer verwalten.
access-may-not-change-access = Sie dürfen keine Zugriffsberechtigungen ändern.
access-may-not-change-password = Sie dürfen Ihr Passwort hier nicht ändern.
access-may-not-administer-organization = Sie dürfen diese Organisation nicht verwalten.
# { $operation } is a system operation's title.
access-may-not-use = Sie dürfen „{ $operation }“ nicht verwenden.
# { $object } is the object's plural title.
access-not-on-portal = { $object } ist im Portal nicht verfügbar.
# { $operation } is read, create, update or delete; { $object } the object's plural title in
# lower case, { $title } as written.
access-may-not-operate =
    Sie dürfen { $title } nicht { $operation ->
        [read] lesen
        [create] erstellen
        [update] bearbeiten
        [delete] löschen
       *[other] { $operation }
    }.
# { $level } is read, edit or delete.
access-may-not-record =
    Sie dürfen diesen Datensatz nicht { $level ->
        [read] lesen
        [edit] bearbeiten
        [delete] löschen
       *[other] { $level }
    }.
access-share-limit = Sie dürfen einen Datensatz nur freigeben, wenn Sie ihn bearbeiten dürfen, und dabei nicht mehr Rechte vergeben, als Sie selbst haben.
access-not-grantee = ist keine Rolle und kein Benutzer dieses Mandanten
access-kind-invalid = muss „organizational“ oder „functional“ sein (Organisationen werden für Konten angelegt)
# { $role } is the role's name.
access-role-built-in = „{ $role }“ ist fest eingebaut und kann nicht gelöscht werden.
access-role-in-use = „{ $role }“ hat noch untergeordnete Rollen oder Benutzer in seiner Organisation; entfernen Sie diese zuerst.
access-may-not-assign = Sie dürfen „{ $role }“ keine Benutzer zuweisen.
access-membership-automatic = Die Mitgliedschaft in einer Wurzelrolle oder einer Organisation ergibt sich aus der Art und der Organisation des Benutzers.
access-role-audience-mismatch = externe Benutzer dürfen nur Rollen unter „All external users“ haben, Mitarbeiter nur unter „All employees“
access-rule-exists = Dieselbe Regel gibt es bereits.
# { $field } is the field's name in quotes, { $object } the object's title.
access-not-a-column = { $field } ist keine Spalte von { $object }
access-limit-range = muss zwischen 1 und 200 liegen
access-find-organization = Nach Name suchen
access-role-choice = Rolle: { $name }
access-partner-type-needs-portal-users = Dieses Konto hat eine Portal-Organisation, und sein Typ entscheidet, ob sie zum Partnerportal gehört: Nur wer Portalbenutzer verwalten darf, kann ihn ändern.
