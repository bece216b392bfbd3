# Das Partnerportal: Partnerschaften, Partnerprogramme, Leads und Verkaufschancen.

partners-program = Partnerprogramm
partners-leads = Leads
partners-opportunities = Verkaufschancen
partners-no-account = Wählen Sie das Konto des Partners.
partners-account-without-organization = Dieses Konto hat noch keine Portalorganisation: Legen Sie zuerst eine dafür an (Portalorganisationen), dann seine Partnerschaft.
partners-one-partnership = Dieser Partner hat bereits eine Partnerschaft; ein Partner hat nur eine.
partners-due-before-start = Das Enddatum liegt vor dem Startdatum.
partners-tier-of-another-type = Diese Stufe gehört zu einem anderen Partnertyp.
partners-no-tier = Noch keine Stufe
partners-figures = { $leads } Leads, { $won } gewonnene Verkaufschancen im Wert von { $amount }, { $certified } zertifizierte Fachleute
partners-moved-up = Aufgestiegen von { $from } zu { $to } mit { $points } Punkten
partners-points-changed = Punkte zur nächsten Stufe: { $from } → { $to } (Stufe: { $tier })
partners-current-tier = Aktuelle Stufe
partners-points = Punkte
partners-points-to-go = { $points ->
    [one] Noch { $points } Punkt bis { $tier }
   *[other] Noch { $points } Punkte bis { $tier }
    }
partners-top-tier = Sie haben die höchste Stufe erreicht.
partners-next-conditions = Bedingungen für { $tier }
partners-condition-points = { $points } Punkte
partners-fulfilled = Erfüllt
partners-benefits = Ihre Vorteile
partners-no-benefits = Für diese Stufe sind keine Vorteile eingetragen.
partners-figures-title = Ihre Zahlen in diesem Zeitraum
partners-period = Zeitraum: { $from } bis { $to }
partners-leads-registered = Registrierte Leads
partners-won-count = Gewonnene Verkaufschancen
partners-won-amount = Gewonnener Betrag
partners-certified-experts = Zertifizierte Fachleute
partners-trainings = Schulungen und Zertifizierungen
partners-no-trainings = Noch keine Schulungen eingetragen.
partners-certified = Zertifiziert
partners-history = Verlauf
partners-no-program = Ihre Organisation hat noch kein aktives Partnerprogramm. Ihr Ansprechpartner bei { $tenant } kann eines einrichten.
partners-register-lead = Lead registrieren
partners-see-program = Zum Partnerprogramm
partners-analytics = Ihr Vertrieb
partners-won-by-month = Gewonnen pro Monat
partners-nothing-yet = Noch nichts
partners-account-not-partner = Eine Partnerschaft gilt für ein Konto vom Typ Partner: Ändern Sie zuerst den Typ des Kontos.
