//! The e-mails Portico sends, with their built-in wording in each language Portico ships.

use serde::Serialize;
use serde_json::{Value, json};

use super::Wording;

/// A span of time as a message in `language` says it after "within" ("7 days", "1 Stunde").
pub fn duration_in_words(minutes: i64, language: &str) -> String {
    let (days, hours, mins) = match language {
        "de" => (
            ("Tag", "Tagen"),
            ("Stunde", "Stunden"),
            ("Minute", "Minuten"),
        ),
        _ => (("day", "days"), ("hour", "hours"), ("minute", "minutes")),
    };
    let say =
        |n: i64, (one, many): (&str, &str)| format!("{n} {}", if n == 1 { one } else { many });
    match minutes {
        m if m > 0 && m % (24 * 60) == 0 => say(m / (24 * 60), days),
        m if m > 0 && m % 60 == 0 => say(m / 60, hours),
        m => say(m, mins),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// A new user's invitation with their one-time setup link.
    Invitation,
    PasswordRecovery,
    /// Many failed sign-ins slowed the user's login down; a recovery link lets them back in.
    FailedSignIns,
    /// Support wrote on the user's case.
    CaseMessage,
    CaseStatus,
    /// The case is finished: how satisfied were you?
    FeedbackRequest,
    /// A record of a custom section awaits the recipient's approval.
    ApprovalRequest,
    /// The recipient's record was approved or rejected.
    ApprovalDecision,
    /// A message a custom section sends (its template code and values fill it in).
    SectionMessage,
    /// Someone registered on the portal: confirm the address with this link.
    RegistrationConfirmation,
    /// Someone registered with an address that has an account already: its owner is told.
    AlreadyRegistered,
    /// Someone mentioned the recipient in a comment on a record.
    Mention,
    /// A reply or comment on a record the recipient follows.
    Activity,
}

impl Template {
    pub const ALL: [Self; 13] = [
        Self::Invitation,
        Self::PasswordRecovery,
        Self::FailedSignIns,
        Self::CaseMessage,
        Self::CaseStatus,
        Self::FeedbackRequest,
        Self::ApprovalRequest,
        Self::ApprovalDecision,
        Self::SectionMessage,
        Self::RegistrationConfirmation,
        Self::AlreadyRegistered,
        Self::Mention,
        Self::Activity,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::PasswordRecovery => "password_recovery",
            Self::FailedSignIns => "failed_sign_ins",
            Self::CaseMessage => "case_message",
            Self::CaseStatus => "case_status",
            Self::FeedbackRequest => "feedback_request",
            Self::ApprovalRequest => "approval_request",
            Self::ApprovalDecision => "approval_decision",
            Self::SectionMessage => "section_message",
            Self::RegistrationConfirmation => "registration_confirmation",
            Self::AlreadyRegistered => "already_registered",
            Self::Mention => "mention",
            Self::Activity => "activity",
        }
    }

    /// What the template is for, in the reader's language.
    pub fn title(self) -> String {
        crate::tr!("mail-template-title", code = self.code())
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The values a message of this template is given, besides `tenant` and `name` (which every
    /// message has).
    pub fn variables(self) -> &'static [&'static str] {
        match self {
            Self::Invitation
            | Self::PasswordRecovery
            | Self::FailedSignIns
            | Self::RegistrationConfirmation => &["link", "link_valid_for", "link_valid_until"],
            Self::AlreadyRegistered => &["link"],
            Self::CaseMessage => &["number", "subject", "status", "link", "message", "author"],
            Self::CaseStatus | Self::FeedbackRequest => &["number", "subject", "status", "link"],
            Self::ApprovalRequest => &["object", "number", "author", "link"],
            Self::ApprovalDecision => {
                &["object", "number", "author", "decision", "comment", "link"]
            }
            Self::SectionMessage => &["section", "template", "values"],
            Self::Mention | Self::Activity => &["object", "number", "author", "message", "link"],
        }
    }

    /// The value a wording of this template must use, because the message exists to carry it
    /// (the link of an invitation, a recovery, a registration).
    pub fn required(self) -> Option<&'static str> {
        match self {
            Self::Invitation
            | Self::PasswordRecovery
            | Self::FailedSignIns
            | Self::RegistrationConfirmation
            | Self::AlreadyRegistered => Some("link"),
            _ => None,
        }
    }

    /// Example values, to check and preview a wording before it is saved.
    pub fn sample_context(self) -> Value {
        let all = json!({
            "tenant": "Acme", "name": "Ann Lee", "link": "https://acme.example/x", "link_valid_for": "7 days", "link_valid_until": "2026-12-11 09:00 UTC",
            "number": "SR-00001", "subject": "Printer", "status": "Resolved", "message": "Hello",
            "author": "Support", "object": "Equipment order", "decision": "approved",
            "comment": "Fine", "section": "Leave requests", "template": "leave request submitted",
            "values": [{ "name": "number", "value": "LR-00001" }],
        });
        let keep = ["tenant", "name"].iter().chain(self.variables());
        Value::Object(
            keep.filter_map(|k| Some(((*k).to_owned(), all.get(*k)?.clone())))
                .collect(),
        )
    }

    /// The built-in wording in `language`: English unless German (other languages get English
    /// unless the tenant writes its own wording in them).
    pub fn default_wording(self, language: &str) -> Wording {
        let (subject, text, html) = match language {
            "de" => self.german(),
            _ => self.english(),
        };
        Wording {
            subject: subject.to_owned(),
            text_body: text.to_owned(),
            html_body: html.to_owned(),
        }
    }

    fn german(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Invitation => (
                "Ihr Zugang zum Portal von {{ tenant }}",
                "Hallo {{ name }},\n\nSie wurden zum Portal von {{ tenant }} eingeladen. Wählen Sie Ihr Passwort über diesen Link; er funktioniert einmal, innerhalb von {{ link_valid_for }} (bis {{ link_valid_until }}):\n\n{{ link }}\n",
                "<p>Hallo {{ name }},</p><p>Sie wurden zum Portal von {{ tenant }} eingeladen. Wählen Sie Ihr Passwort über diesen Link; er funktioniert einmal, innerhalb von {{ link_valid_for }} (bis {{ link_valid_until }}):</p><p><a href=\"{{ link }}\">{{ link }}</a></p>",
            ),
            Self::PasswordRecovery => (
                "Ihr Passwort für {{ tenant }} zurücksetzen",
                "Hallo {{ name }},\n\nUm ein neues Passwort zu wählen, öffnen Sie diesen Link (er funktioniert einmal, innerhalb von {{ link_valid_for }} (bis {{ link_valid_until }})):\n\n{{ link }}\n\nWenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.\n",
                "<p>Hallo {{ name }},</p><p>Um ein neues Passwort zu wählen, öffnen Sie diesen Link (er funktioniert einmal, innerhalb von {{ link_valid_for }} (bis {{ link_valid_until }})):</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.</p>",
            ),
            Self::FailedSignIns => (
                "Fehlgeschlagene Anmeldeversuche bei Ihrem Konto bei {{ tenant }}",
                "Hallo {{ name }},\n\njemand hat mehrfach versucht, sich mit einem falschen Passwort bei Ihrem Konto bei {{ tenant }} anzumelden; die Anmeldung ist deshalb eine Weile verlangsamt. Falls Sie es nicht waren: Ihr Konto ist sicher, das Passwort wurde nicht gefunden.\n\nUm sofort wieder hineinzukommen, wählen Sie ein neues Passwort über diesen Link (er funktioniert einmal, innerhalb von {{ link_valid_for }} (bis {{ link_valid_until }})):\n\n{{ link }}\n",
                "<p>Hallo {{ name }},</p><p>jemand hat mehrfach versucht, sich mit einem falschen Passwort bei Ihrem Konto bei {{ tenant }} anzumelden; die Anmeldung ist deshalb eine Weile verlangsamt. Falls Sie es nicht waren: Ihr Konto ist sicher, das Passwort wurde nicht gefunden.</p><p>Um sofort wieder hineinzukommen, wählen Sie ein neues Passwort über diesen Link (er funktioniert einmal, innerhalb von {{ link_valid_for }} (bis {{ link_valid_until }})):</p><p><a href=\"{{ link }}\">{{ link }}</a></p>",
            ),
            Self::CaseMessage => (
                "Neue Nachricht zu Ihrem Fall {{ number }}: {{ subject }}",
                "Hallo {{ name }},\n\n{{ author }} hat zu Ihrem Fall {{ number }} ({{ subject }}) geschrieben:\n\n{{ message }}\n\nAntworten Sie im Portal: {{ link }}\n",
                "<p>Hallo {{ name }},</p><p>{{ author }} hat zu Ihrem Fall {{ number }} ({{ subject }}) geschrieben:</p><blockquote>{{ message }}</blockquote><p><a href=\"{{ link }}\">Im Portal antworten</a></p>",
            ),
            Self::CaseStatus => (
                "Ihr Fall {{ number }} hat jetzt den Status {{ status | label(\"case\", \"status\") }}",
                "Hallo {{ name }},\n\nIhr Fall {{ number }} ({{ subject }}) hat jetzt den Status „{{ status | label(\"case\", \"status\") }}“.\n\n{{ link }}\n",
                "<p>Hallo {{ name }},</p><p>Ihr Fall {{ number }} ({{ subject }}) hat jetzt den Status <strong>{{ status | label(\"case\", \"status\") }}</strong>.</p><p><a href=\"{{ link }}\">Fall öffnen</a></p>",
            ),
            Self::FeedbackRequest => (
                "Wie zufrieden waren Sie mit Fall {{ number }}?",
                "Hallo {{ name }},\n\nIhr Fall {{ number }} ({{ subject }}) hat den Status {{ status | label(\"case\", \"status\") }}. Bitte sagen Sie uns, wie zufrieden Sie sind:\n\n{{ link }}\n",
                "<p>Hallo {{ name }},</p><p>Ihr Fall {{ number }} ({{ subject }}) hat den Status {{ status | label(\"case\", \"status\") }}. Bitte sagen Sie uns, wie zufrieden Sie sind:</p><p><a href=\"{{ link }}\">Unseren Service bewerten</a></p>",
            ),
            Self::ApprovalRequest => (
                "{{ object }} {{ number }} wartet auf Ihre Genehmigung",
                "Hallo {{ name }},\n\n{{ author }} bittet Sie, {{ object }} {{ number }} zu genehmigen. Genehmigen oder ablehnen im Portal:\n\n{{ link }}\n",
                "<p>Hallo {{ name }},</p><p>{{ author }} bittet Sie, {{ object }} {{ number }} zu genehmigen.</p><p><a href=\"{{ link }}\">Genehmigen oder ablehnen</a></p>",
            ),
            Self::ApprovalDecision => (
                "{{ object }} {{ number }}: {{ decision }}",
                "Hallo {{ name }},\n\n{{ author }} hat über {{ object }} {{ number }} entschieden: {{ decision }}.{% if comment %}\n\n{{ comment }}{% endif %}\n\n{{ link }}\n",
                "<p>Hallo {{ name }},</p><p>{{ author }} hat über {{ object }} {{ number }} entschieden: {{ decision }}.</p>{% if comment %}<blockquote>{{ comment }}</blockquote>{% endif %}<p><a href=\"{{ link }}\">Öffnen</a></p>",
            ),
            Self::SectionMessage => (
                "{{ section }}: {{ template }}",
                "Hallo,\n\n{{ section }}: {{ template }}\n\n{% for v in values %}{{ v.name }}: {{ v.value }}\n{% endfor %}",
                "<p>Hallo,</p><p>{{ section }}: {{ template }}</p><ul>{% for v in values %}<li>{{ v.name }}: {{ v.value }}</li>{% endfor %}</ul>",
            ),
            Self::RegistrationConfirmation => (
                "Bestätigen Sie Ihre Registrierung im Portal von {{ tenant }}",
                "Hallo {{ name }},\n\nvielen Dank für Ihre Registrierung im Portal von {{ tenant }}. Um Ihre Adresse zu bestätigen und Ihr Konto zu eröffnen, öffnen Sie diesen Link innerhalb von {{ link_valid_for }} (bis {{ link_valid_until }}):\n\n{{ link }}\n\nWenn Sie sich nicht registriert haben, ignorieren Sie diese Nachricht: ohne sie wird kein Konto eröffnet.\n",
                "<p>Hallo {{ name }},</p><p>vielen Dank für Ihre Registrierung im Portal von {{ tenant }}. Um Ihre Adresse zu bestätigen und Ihr Konto zu eröffnen, öffnen Sie diesen Link innerhalb von {{ link_valid_for }} (bis {{ link_valid_until }}):</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>Wenn Sie sich nicht registriert haben, ignorieren Sie diese Nachricht: ohne sie wird kein Konto eröffnet.</p>",
            ),
            Self::AlreadyRegistered => (
                "Sie haben bereits ein Konto im Portal von {{ tenant }}",
                "Hallo {{ name }},\n\njemand, wahrscheinlich Sie, wollte sich mit dieser Adresse im Portal von {{ tenant }} registrieren; sie hat bereits ein Konto. Melden Sie sich damit an; wenn Sie Ihr Passwort vergessen haben, wählen Sie hier ein neues:\n\n{{ link }}\n\nWenn Sie es nicht waren, ignorieren Sie diese Nachricht: nichts wurde geändert.\n",
                "<p>Hallo {{ name }},</p><p>jemand, wahrscheinlich Sie, wollte sich mit dieser Adresse im Portal von {{ tenant }} registrieren; sie hat bereits ein Konto. Melden Sie sich damit an; wenn Sie Ihr Passwort vergessen haben, <a href=\"{{ link }}\">wählen Sie ein neues</a>.</p><p>Wenn Sie es nicht waren, ignorieren Sie diese Nachricht: nichts wurde geändert.</p>",
            ),
            Self::Mention => (
                "{{ author }} hat Sie bei {{ object }} {{ number }} erwähnt",
                "Hallo {{ name }},\n\n{{ author }} hat Sie in einem Kommentar zu {{ object }} {{ number }} erwähnt:\n\n{{ message }}\n\n{{ link }}\n",
                "<p>Hallo {{ name }},</p><p>{{ author }} hat Sie in einem Kommentar zu {{ object }} {{ number }} erwähnt:</p><blockquote>{{ message }}</blockquote><p><a href=\"{{ link }}\">Öffnen</a></p>",
            ),
            Self::Activity => (
                "Neu bei {{ object }} {{ number }}, dem Sie folgen",
                "Hallo {{ name }},\n\n{{ author }} hat zu {{ object }} {{ number }} geschrieben, dem Sie folgen:\n\n{{ message }}\n\n{{ link }}\n",
                "<p>Hallo {{ name }},</p><p>{{ author }} hat zu {{ object }} {{ number }} geschrieben, dem Sie folgen:</p><blockquote>{{ message }}</blockquote><p><a href=\"{{ link }}\">Öffnen</a></p>",
            ),
        }
    }

    fn english(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Invitation => (
                "Your access to the {{ tenant }} portal",
                "Hello {{ name }},\n\nYou have been invited to the {{ tenant }} portal. Choose your password with this link; it works once, within {{ link_valid_for }} (until {{ link_valid_until }}):\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>You have been invited to the {{ tenant }} portal. Choose your password with this link; it works once, within {{ link_valid_for }} (until {{ link_valid_until }}):</p><p><a href=\"{{ link }}\">{{ link }}</a></p>",
            ),
            Self::PasswordRecovery => (
                "Reset your {{ tenant }} password",
                "Hello {{ name }},\n\nTo choose a new password, open this link (it works once, within {{ link_valid_for }} (until {{ link_valid_until }})):\n\n{{ link }}\n\nIf you did not ask for this, ignore this message.\n",
                "<p>Hello {{ name }},</p><p>To choose a new password, open this link (it works once, within {{ link_valid_for }} (until {{ link_valid_until }})):</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>If you did not ask for this, ignore this message.</p>",
            ),
            Self::FailedSignIns => (
                "Failed sign-in attempts on your {{ tenant }} account",
                "Hello {{ name }},\n\nSomeone tried many times to sign in to your {{ tenant }} account with a wrong password, so signing in to it is slowed down for a while. If it was not you, your account is still safe: the password was not found.\n\nTo get back in at once, choose a new password with this link (it works once, within {{ link_valid_for }} (until {{ link_valid_until }})):\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>Someone tried many times to sign in to your {{ tenant }} account with a wrong password, so signing in to it is slowed down for a while. If it was not you, your account is still safe: the password was not found.</p><p>To get back in at once, choose a new password with this link (it works once, within {{ link_valid_for }} (until {{ link_valid_until }})):</p><p><a href=\"{{ link }}\">{{ link }}</a></p>",
            ),
            Self::CaseMessage => (
                "New message on your case {{ number }}: {{ subject }}",
                "Hello {{ name }},\n\n{{ author }} wrote on your case {{ number }} ({{ subject }}):\n\n{{ message }}\n\nReply on the portal: {{ link }}\n",
                "<p>Hello {{ name }},</p><p>{{ author }} wrote on your case {{ number }} ({{ subject }}):</p><blockquote>{{ message }}</blockquote><p><a href=\"{{ link }}\">Reply on the portal</a></p>",
            ),
            Self::CaseStatus => (
                "Your case {{ number }} is now {{ status | label(\"case\", \"status\") }}",
                "Hello {{ name }},\n\nYour case {{ number }} ({{ subject }}) is now \"{{ status | label(\"case\", \"status\") }}\".\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>Your case {{ number }} ({{ subject }}) is now <strong>{{ status | label(\"case\", \"status\") }}</strong>.</p><p><a href=\"{{ link }}\">Open the case</a></p>",
            ),
            Self::ApprovalRequest => (
                "{{ object }} {{ number }} awaits your approval",
                "Hello {{ name }},\n\n{{ author }} asks you to approve {{ object }} {{ number }}. Approve or reject it on the portal:\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>{{ author }} asks you to approve {{ object }} {{ number }}.</p><p><a href=\"{{ link }}\">Approve or reject it</a></p>",
            ),
            Self::ApprovalDecision => (
                "{{ object }} {{ number }} was {{ decision }}",
                "Hello {{ name }},\n\n{{ author }} {{ decision }} your {{ object }} {{ number }}.{% if comment %}\n\n{{ comment }}{% endif %}\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>{{ author }} {{ decision }} your {{ object }} {{ number }}.</p>{% if comment %}<blockquote>{{ comment }}</blockquote>{% endif %}<p><a href=\"{{ link }}\">Open it</a></p>",
            ),
            Self::SectionMessage => (
                "{{ section }}: {{ template }}",
                "Hello,\n\n{{ section }}: {{ template }}\n\n{% for v in values %}{{ v.name }}: {{ v.value }}\n{% endfor %}",
                "<p>Hello,</p><p>{{ section }}: {{ template }}</p><ul>{% for v in values %}<li>{{ v.name }}: {{ v.value }}</li>{% endfor %}</ul>",
            ),
            Self::RegistrationConfirmation => (
                "Confirm your registration on the {{ tenant }} portal",
                "Hello {{ name }},\n\nThank you for registering on the {{ tenant }} portal. To confirm your address and open your account, open this link within {{ link_valid_for }} (until {{ link_valid_until }}):\n\n{{ link }}\n\nIf you did not register, ignore this message: no account is opened without it.\n",
                "<p>Hello {{ name }},</p><p>Thank you for registering on the {{ tenant }} portal. To confirm your address and open your account, open this link within {{ link_valid_for }} (until {{ link_valid_until }}):</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>If you did not register, ignore this message: no account is opened without it.</p>",
            ),
            Self::AlreadyRegistered => (
                "You already have an account on the {{ tenant }} portal",
                "Hello {{ name }},\n\nSomeone, probably you, tried to register on the {{ tenant }} portal with this address, which has an account already. Sign in with it; if you forgot your password, choose a new one here:\n\n{{ link }}\n\nIf it was not you, ignore this message: nothing has changed.\n",
                "<p>Hello {{ name }},</p><p>Someone, probably you, tried to register on the {{ tenant }} portal with this address, which has an account already. Sign in with it; if you forgot your password, <a href=\"{{ link }}\">choose a new one</a>.</p><p>If it was not you, ignore this message: nothing has changed.</p>",
            ),
            Self::Mention => (
                "{{ author }} mentioned you on {{ object }} {{ number }}",
                "Hello {{ name }},\n\n{{ author }} mentioned you in a comment on {{ object }} {{ number }}:\n\n{{ message }}\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>{{ author }} mentioned you in a comment on {{ object }} {{ number }}:</p><blockquote>{{ message }}</blockquote><p><a href=\"{{ link }}\">Open it</a></p>",
            ),
            Self::Activity => (
                "New on {{ object }} {{ number }}, which you follow",
                "Hello {{ name }},\n\n{{ author }} wrote on {{ object }} {{ number }}, which you follow:\n\n{{ message }}\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>{{ author }} wrote on {{ object }} {{ number }}, which you follow:</p><blockquote>{{ message }}</blockquote><p><a href=\"{{ link }}\">Open it</a></p>",
            ),
            Self::FeedbackRequest => (
                "How did we do on case {{ number }}?",
                "Hello {{ name }},\n\nYour case {{ number }} ({{ subject }}) is {{ status | lower }}. Please tell us how satisfied you are:\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>Your case {{ number }} ({{ subject }}) is {{ status | lower }}. Please tell us how satisfied you are:</p><p><a href=\"{{ link }}\">Rate our service</a></p>",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_in_words(7 * 24 * 60, "en"), "7 days");
        assert_eq!(duration_in_words(24 * 60, "en"), "1 day");
        assert_eq!(duration_in_words(60, "en"), "1 hour");
        assert_eq!(duration_in_words(90, "en"), "90 minutes");
        assert_eq!(duration_in_words(60, "de"), "1 Stunde");
        assert_eq!(duration_in_words(2 * 24 * 60, "de"), "2 Tagen");
    }

    #[test]
    fn every_built_in_wording_passes_its_own_checks_in_every_language() {
        for template in Template::ALL {
            for language in ["en", "de"] {
                let wording = template.default_wording(language);
                crate::mail::check(template, &wording)
                    .unwrap_or_else(|e| panic!("{} in {language}: {e:?}", template.code()));
            }
        }
    }
}
