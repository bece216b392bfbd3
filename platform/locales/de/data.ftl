# Built-in objects, fields and values are written in English in the section manifests;
# this file gives their German titles by id, and anything missing shows in English.

## Section: Accounts and contacts

data-section-accounts = Konten und Kontakte

# Account
data-object-account = Konto
data-objects-account = Konten
data-field-account-name = Name
data-field-account-type = Typ
data-field-account-phone = Telefon
data-field-account-email = E-Mail
data-field-account-web = Website
data-field-account-address = Adresse
data-field-account-city = Ort
data-field-account-country = Land
data-field-account-employees = Anzahl der Mitarbeiter
data-field-account-notes = Notizen
data-value-account-type-customer = Kunde
data-value-account-type-partner = Partner
data-value-account-type-contractor = Auftragnehmer
data-value-account-type-supplier = Lieferant
data-value-account-type-manufacturer = Hersteller
data-value-account-type-competitor = Wettbewerber
data-value-account-type-our-company = Unser Unternehmen

# Address
data-object-address = Adresse
data-objects-address = Adressen
data-field-address-account = Konto
data-field-address-type = Typ
data-field-address-address = Adresse
data-field-address-city = Ort
data-field-address-zip = Postleitzahl
data-field-address-country = Land
data-value-address-type-legal = Firmensitz
data-value-address-type-delivery = Lieferadresse
data-value-address-type-billing = Rechnungsadresse
data-value-address-type-actual = Standort

# Department
data-object-department = Abteilung
data-objects-department = Abteilungen
data-field-department-name = Name
data-field-department-account = Konto

# Contact
data-object-contact = Kontakt
data-objects-contact = Kontakte
data-field-contact-full_name = Vollständiger Name
data-field-contact-email = E-Mail
data-field-contact-phone = Telefon
data-field-contact-language = Sprache
data-field-contact-job_title = Position
data-field-contact-account = Konto
data-field-contact-department = Abteilung
data-field-contact-birth_date = Geburtsdatum
data-field-contact-notes = Notizen
data-value-contact-language-english = Englisch
data-value-contact-language-deutsch = Deutsch

## Section: Knowledge base

data-section-knowledge = Wissensdatenbank

# Knowledge base article type
data-object-knowledge_type = Artikeltyp der Wissensdatenbank
data-objects-knowledge_type = Artikeltypen der Wissensdatenbank
data-field-knowledge_type-name = Name
# Written by the platform itself into the free-text field "name" (seeded or default values).

# Knowledge base article
data-object-knowledge_article = Wissensdatenbankartikel
data-objects-knowledge_article = Wissensdatenbankartikel
data-field-knowledge_article-title = Titel
data-field-knowledge_article-type = Typ
data-field-knowledge_article-state = Status
data-field-knowledge_article-body = Text
data-field-knowledge_article-tags = Schlagwörter
data-field-knowledge_article-published_on = Veröffentlicht am
data-value-knowledge_article-state-draft = Entwurf
data-value-knowledge_article-state-published = Veröffentlicht

## Section: Support

data-section-support = Support

# Service
data-object-service = Service
data-objects-service = Services
data-field-service-name = Name
data-field-service-category = Kategorie
data-field-service-response_minutes = Reaktionszeit (Minuten)
data-field-service-resolution_minutes = Lösungszeit (Minuten)
data-field-service-description = Beschreibung
data-value-service-category-service-request = Serviceanfrage
data-value-service-category-incident = Störung

# Service agreement
data-object-service_agreement = Servicevertrag
data-objects-service_agreement = Serviceverträge
data-field-service_agreement-name = Name
data-field-service_agreement-is_default = Standardvertrag
data-field-service_agreement-calendar = Kalender
data-field-service_agreement-state = Status
data-value-service_agreement-state-active = Aktiv
data-value-service_agreement-state-inactive = Inaktiv

# Service object
data-object-service_object = Serviceobjekt
data-objects-service_object = Serviceobjekte
data-field-service_object-agreement = Servicevertrag
data-field-service_object-contact = Kontakt
data-field-service_object-department = Abteilung
data-field-service_object-account = Konto

# Service under an agreement
data-object-agreement_service = Service eines Servicevertrags
data-objects-agreement_service = Services von Serviceverträgen
data-field-agreement_service-agreement = Servicevertrag
data-field-agreement_service-service = Service

# Case
data-object-case = Fall
data-objects-case = Fälle
data-field-case-subject = Betreff
data-field-case-description = Beschreibung
data-field-case-status = Status
data-field-case-service = Service
data-field-case-category = Kategorie
data-field-case-service_agreement = Servicevertrag
data-field-case-contact = Kontakt
data-field-case-account = Konto
data-field-case-response_deadline = Reaktionsfrist
data-field-case-resolution_deadline = Lösungsfrist
data-field-case-responded_on = Erste Reaktion am
data-field-case-first_resolution_on = Erstmals gelöst am
data-field-case-actual_resolution_on = Tatsächlich gelöst am
data-field-case-closed_on = Geschlossen am
data-field-case-closure_reason = Abschlussgrund
data-field-case-has_complaint = Beschwerde
data-field-case-satisfaction = Zufriedenheitsgrad
data-field-case-feedback_notes = Feedback-Anmerkungen
data-value-case-status-new = Neu
data-value-case-status-in-progress = In Bearbeitung
data-value-case-status-waiting-for-response = Warten auf Antwort
data-value-case-status-resolved = Gelöst
data-value-case-status-closed = Geschlossen
data-value-case-status-canceled = Storniert
data-value-case-status-re-opened = Wieder geöffnet
data-value-case-category-service-request = Serviceanfrage
data-value-case-category-incident = Störung
data-value-case-closure_reason-canceled-by-user = Vom Benutzer storniert
data-value-case-closure_reason-closed-by-user = Vom Benutzer geschlossen
data-value-case-closure_reason-resolved = Gelöst
data-value-case-closure_reason-duplicate = Duplikat
data-value-case-closure_reason-other = Sonstiges
# Written by the platform itself into the free-text field "subject" (seeded or default values).

## Section: Partners

data-section-partners = Partner

# Type of partner
data-object-partner_type = Partnertyp
data-objects-partner_type = Partnertypen
data-field-partner_type-name = Name

# Level of partner
data-object-partner_tier = Partnerstufe
data-objects-partner_tier = Partnerstufen
data-field-partner_tier-name = Name
data-field-partner_tier-partner_type = Partnertyp
data-field-partner_tier-rank = Reihenfolge
data-field-partner_tier-points_needed = Benötigte Punkte

# Category of partnership parameter
data-object-partner_category = Kategorie der Partnerschaftsparameter
data-objects-partner_category = Kategorien der Partnerschaftsparameter
data-field-partner_category-name = Name
data-field-partner_category-measure = Gemessen an
data-value-partner_category-measure-leads = Leads
data-value-partner_category-measure-won-amount = Betrag gewonnener Verkaufschancen
data-value-partner_category-measure-won-count = Anzahl gewonnener Verkaufschancen
data-value-partner_category-measure-certified-experts = Zertifizierte Fachleute
data-value-partner_category-measure-none = Nichts (z. B. eine Marge)
data-field-partner_category-unit = Einheit

# Level partnership parameter
data-object-tier_parameter = Parameter der Partnerstufe
data-objects-tier_parameter = Parameter der Partnerstufen
data-field-tier_parameter-tier = Partnerstufe
data-field-tier_parameter-category = Kategorie
data-field-tier_parameter-kind = Parameterart
data-value-tier_parameter-kind-obligation = Verpflichtung
data-value-tier_parameter-kind-benefit = Vorteil
data-field-tier_parameter-target = Zielwert
data-field-tier_parameter-points = Punkte
data-field-tier_parameter-value = Wert

# Partnership
data-object-partnership = Partnerschaft
data-objects-partnership = Partnerschaften
data-field-partnership-name = Name
data-field-partnership-account = Partner
data-field-partnership-partner_type = Typ
data-field-partnership-tier = Stufe
data-field-partnership-start_date = Startdatum
data-field-partnership-due_date = Enddatum
data-field-partnership-active = Aktiv
data-field-partnership-points = Punkte
data-field-partnership-leads = Registrierte Leads
data-field-partnership-recalculated_at = Zuletzt neu berechnet
data-field-partnership-won_count = Gewonnene Verkaufschancen
data-field-partnership-won_amount = Gewonnener Betrag
data-field-partnership-certified_experts = Zertifizierte Fachleute

# Partnership change
data-object-partnership_change = Änderung der Partnerschaft
data-objects-partnership_change = Änderungen der Partnerschaft
data-field-partnership_change-partnership = Partnerschaft
data-field-partnership_change-summary = Änderung
data-field-partnership_change-from_tier = Von Stufe
data-field-partnership_change-to_tier = Zu Stufe
data-field-partnership_change-points = Punkte
data-field-partnership_change-figures = Zahlen

# Lead
data-object-lead = Lead
data-objects-lead = Leads
data-field-lead-company = Unternehmen
data-field-lead-contact_name = Kontakt
data-field-lead-email = E-Mail
data-field-lead-phone = Telefon
data-field-lead-website = Website
data-field-lead-need = Bedarf
data-field-lead-budget = Budget
data-field-lead-opportunity = Verkaufschance
data-value-lead-status-new = Neu
data-value-lead-status-qualified = Qualifiziert
data-value-lead-status-converted = Umgewandelt
data-value-lead-status-disqualified = Disqualifiziert
data-field-lead-partner = Angeboten an
data-field-lead-offer_expires = Antwort bis
data-value-lead-status-offered = Einem Partner angeboten
data-value-lead-status-accepted = Vom Partner angenommen

# Opportunity
data-object-opportunity = Verkaufschance
data-objects-opportunity = Verkaufschancen
data-field-opportunity-title = Titel
data-field-opportunity-prospect = Kunde
data-field-opportunity-account = Konto
data-field-opportunity-amount = Betrag
data-field-opportunity-close_date = Abschlussdatum
data-field-opportunity-lead = Lead
data-field-opportunity-notes = Notizen
data-value-opportunity-status-qualification = Qualifizierung
data-value-opportunity-status-presentation = Präsentation
data-value-opportunity-status-proposal = Angebot
data-value-opportunity-status-negotiation = Verhandlung
data-value-opportunity-status-won = Gewonnen
data-value-opportunity-status-lost = Verloren
data-field-opportunity-registration = Deal-Registrierung

# Deal registration
data-object-deal_registration = Deal-Registrierung
data-objects-deal_registration = Deal-Registrierungen
data-field-deal_registration-prospect = Interessent (Unternehmen)
data-field-deal_registration-website = Website des Interessenten
data-field-deal_registration-contact_name = Kontakt
data-field-deal_registration-email = E-Mail des Kontakts
data-field-deal_registration-amount = Erwarteter Betrag
data-field-deal_registration-close_date = Erwarteter Abschluss
data-field-deal_registration-description = Worum es geht
data-field-deal_registration-decision_due = Entscheidung bis
data-field-deal_registration-protected_until = Geschützt bis
data-field-deal_registration-opportunity = Verkaufschance
data-field-deal_registration-conflict = Konflikt
data-field-deal_registration-conflicts_with = Konflikt mit
data-field-deal_registration-match_name = Unternehmen zum Abgleich
data-field-deal_registration-match_domain = Domain zum Abgleich
data-value-deal_registration-status-review = In Prüfung
data-value-deal_registration-status-approved = Genehmigt
data-value-deal_registration-status-rejected = Abgelehnt

# Training
data-object-partner_training = Schulung
data-objects-partner_training = Schulungen und Zertifizierungen
data-field-partner_training-person = Person
data-field-partner_training-course = Kurs
data-field-partner_training-completed_on = Abgeschlossen am
data-field-partner_training-certified = Zertifiziert

# Orders
data-object-sales_order = Auftrag
data-objects-sales_order = Aufträge
data-field-sales_order-customer = Kunde
data-field-sales_order-account = Konto
data-field-sales_order-opportunity = Verkaufschance
data-field-sales_order-order_date = Auftragsdatum
data-field-sales_order-delivery_date = Lieferdatum
data-field-sales_order-total = Gesamt
data-field-sales_order-notes = Notizen
data-value-sales_order-status-draft = Entwurf
data-value-sales_order-status-submitted = Eingereicht
data-value-sales_order-status-confirmed = Bestätigt
data-value-sales_order-status-delivered = Geliefert
data-value-sales_order-status-cancelled = Storniert
data-object-sales_order_line = Auftragsposition
data-objects-sales_order_line = Auftragspositionen
data-field-sales_order_line-order = Auftrag
data-field-sales_order_line-product = Produkt
data-field-sales_order_line-quantity = Menge
data-field-sales_order_line-unit_price = Stückpreis
data-field-sales_order_line-discount = Rabatt, %
data-field-sales_order_line-amount = Betrag

# Sales documents
data-object-partner_document = Vertriebsdokument
data-objects-partner_document = Vertriebsdokumente
data-field-partner_document-title = Titel
data-field-partner_document-kind = Art
data-field-partner_document-document_date = Datum
data-field-partner_document-account = Konto
data-field-partner_document-opportunity = Verkaufschance
data-field-partner_document-order = Auftrag
data-field-partner_document-file = Datei
data-field-partner_document-notes = Notizen

# Marketing activities
data-object-marketing_activity = Marketingaktivität
data-objects-marketing_activity = Marketingaktivitäten
data-field-marketing_activity-name = Name
data-field-marketing_activity-kind = Art
data-field-marketing_activity-start_date = Beginn
data-field-marketing_activity-end_date = Ende
data-field-marketing_activity-budget = Budget
data-field-marketing_activity-leads_expected = Erwartete Leads
data-field-marketing_activity-description = Beschreibung
data-value-marketing_activity-status-planned = Geplant
data-value-marketing_activity-status-running = Läuft
data-value-marketing_activity-status-completed = Abgeschlossen
data-value-marketing_activity-status-cancelled = Abgesagt

# Competitors
data-object-competitor_product = Wettbewerbsprodukt
data-objects-competitor_product = Wettbewerbsprodukte
data-field-competitor_product-name = Produkt
data-field-competitor_product-maker = Wettbewerber oder Hersteller
data-field-competitor_product-price = Preis
data-field-competitor_product-description = Beschreibung
data-object-opportunity_competitor = Wettbewerber im Verkauf
data-objects-opportunity_competitor = Wettbewerber in Verkäufen
data-field-opportunity_competitor-opportunity = Verkaufschance
data-field-opportunity_competitor-competitor = Wettbewerber
data-field-opportunity_competitor-product = Deren Produkt
data-field-opportunity_competitor-strengths = Stärken
data-field-opportunity_competitor-weaknesses = Schwächen
data-field-opportunity_competitor-chosen = Vom Kunden gewählt
