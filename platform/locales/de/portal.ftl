# The portal: home page, navigation, profile, and an organization's profile (shared with the console).

## Navigation

portal-nav-knowledge = Wissensdatenbank
portal-nav-cases = Fälle
portal-nav-more = Mehr
portal-nav-organization = Organisation

## Home page

portal-welcome = Willkommen, { $name }
portal-how-can-we-help = Wie kann { $tenant } Ihnen heute helfen?
portal-search-knowledge = Wissensdatenbank durchsuchen
portal-sections = Bereiche
portal-popular-articles = Beliebte Artikel
portal-no-articles = Noch keine Artikel.
portal-my-cases = Meine Fälle
# Button: a new case.
portal-new = Neu
portal-all-my-cases = Alle meine Fälle
portal-no-cases = Sie haben keine Fälle.

## Profile

portal-your-account = Ihr Konto
# A user's login (their e-mail address).
portal-login = Anmeldename
portal-change-password = Passwort ändern
portal-current-password = Aktuelles Passwort

## Organization profile

portal-organization-profile = Organisationsprofil
portal-you-administer = Sie verwalten diese Organisation: ihr Profil, ihre Adressen und ihre Personen.
portal-org-phone = Telefon
portal-org-addresses = Adressen
# Button next to an address.
portal-org-delete-address = löschen
portal-org-no-addresses = Keine Adressen.
portal-org-add-an-address = Eine Adresse hinzufügen
portal-org-address-type = Art
# Kinds of address (what is stored stays English; these are the labels).
portal-org-address-type-legal = Firmensitz
portal-org-address-type-delivery = Lieferadresse
portal-org-address-type-billing = Rechnungsadresse
portal-org-address-type-actual = Standort
portal-org-address = Adresse
portal-org-city = Ort
portal-org-zip = Postleitzahl
portal-org-country = Land
portal-org-add-address = Adresse hinzufügen
portal-org-members = Mitglieder
portal-org-roles = Rollen
portal-org-administrator = Administrator
portal-org-invitation = Einladung
# Buttons after "Yes ·" / "No ·" in the Administrator column.
portal-org-revoke-admin = entziehen
portal-org-make-admin = zum Administrator machen
portal-org-deactivated = Deaktiviert
portal-org-reactivate = reaktivieren
portal-org-active = Aktiv
portal-org-deactivate = deaktivieren
# $at: date and time.
portal-org-invitation-accepted = Angenommen am { $at }
portal-org-invitation-sent = Gesendet am { $at }
portal-org-invitation-not-sent = Nicht gesendet
portal-org-send-again = erneut senden
portal-org-send = senden
portal-org-no-members = Noch keine Mitglieder.
portal-org-add-users-by-email = Benutzer per E-Mail hinzufügen
portal-org-email-addresses = E-Mail-Adressen
portal-org-emails-hint = Trennen Sie die Adressen durch Kommas oder Leerzeichen. Ein vorhandener Kontakt mit der Adresse wird wiederverwendet, andernfalls wird ein neuer angelegt.
portal-org-create-portal-users = Portalbenutzer anlegen
portal-org-profile-saved = Profil gespeichert.
portal-org-member-updated = Mitglied aktualisiert.
portal-org-roles-saved = Rollen gespeichert.
portal-org-address-added = Adresse hinzugefügt.
portal-org-address-deleted = Adresse gelöscht.

## Organization refusals and outcomes (field messages start in lower case: they follow the field's
## name or the e-mail address)

portal-org-no-account = kein Konto mit dieser ID
portal-org-account-has-organization = Dieses Konto hat bereits eine Portal-Organisation.
portal-org-domain-invalid = muss ein Domainname wie client.com sein
portal-org-domain-taken = { $domain } gehört bereits zu einer anderen Organisation
portal-org-not-address-field = ist kein Adressfeld
portal-org-invited = Eine Einladung wurde gesendet.
portal-org-already-member = ist bereits Mitglied
portal-org-already-has-account = hat bereits ein Konto
portal-org-contact-of-other-account = ist die Adresse eines Kontakts eines anderen Kontos
portal-org-enter-an-email = geben Sie mindestens eine E-Mail-Adresse ein
portal-org-add-at-most = fügen Sie höchstens { $max } Benutzer auf einmal hinzu
portal-org-duplicate-address = steht bereits in der Liste
# $contact: a contact's id.
portal-org-no-contact = kein Kontakt { $contact }
# $contact: a contact's number.
portal-org-contact-without-email = Kontakt { $contact } hat keine gültige E-Mail-Adresse
portal-org-email-has-account = { $email } hat bereits ein Konto
portal-org-roles-below-only = nur Rollen unterhalb der Organisation dürfen vergeben werden
portal-org-cannot-remove-own-admin = Sie können sich Ihre eigenen Administratorrechte nicht entziehen.
portal-awaiting-approval = { $count ->
    [one] Wartet auf Ihre Freigabe
   *[other] Warten auf Ihre Freigabe ({ $count })
}
portal-open-requests = Meine offenen Anträge
