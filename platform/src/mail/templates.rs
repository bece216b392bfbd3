//! The e-mails Portico sends, with their built-in English wording.

use serde::Serialize;
use serde_json::{Value, json};

use super::Wording;

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
}

impl Template {
    pub const ALL: [Self; 11] = [
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
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Invitation => "Portal invitation",
            Self::PasswordRecovery => "Password recovery",
            Self::FailedSignIns => "Failed sign-in attempts",
            Self::CaseMessage => "New message on a case",
            Self::CaseStatus => "Case status changed",
            Self::FeedbackRequest => "Feedback request",
            Self::ApprovalRequest => "Approval requested",
            Self::ApprovalDecision => "Approval decided",
            Self::SectionMessage => "Message from a custom section",
            Self::RegistrationConfirmation => "Registration confirmation",
            Self::AlreadyRegistered => "Registration with an existing account",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Example values, to check a tenant's wording renders before it is saved.
    pub fn sample_context(self) -> Value {
        json!({
            "tenant": "Acme", "name": "Ann Lee", "link": "https://acme.example/x", "link_valid_for": "7 days",
            "number": "SR-00001", "subject": "Printer", "status": "Resolved", "message": "Hello",
            "author": "Support", "object": "Equipment order", "decision": "approved",
            "comment": "Fine", "section": "Leave requests", "template": "leave request submitted",
            "values": [{ "name": "number", "value": "LR-00001" }],
        })
    }

    pub fn default_wording(self) -> Wording {
        let (subject, text, html): (&str, &str, &str) = match self {
            Self::Invitation => (
                "Your access to the {{ tenant }} portal",
                "Hello {{ name }},\n\nYou have been invited to the {{ tenant }} portal. Choose your password with this link; it works once, within {{ link_valid_for }}:\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>You have been invited to the {{ tenant }} portal. Choose your password with this link; it works once, within {{ link_valid_for }}:</p><p><a href=\"{{ link }}\">{{ link }}</a></p>",
            ),
            Self::PasswordRecovery => (
                "Reset your {{ tenant }} password",
                "Hello {{ name }},\n\nTo choose a new password, open this link (it works once, within {{ link_valid_for }}):\n\n{{ link }}\n\nIf you did not ask for this, ignore this message.\n",
                "<p>Hello {{ name }},</p><p>To choose a new password, open this link (it works once, within {{ link_valid_for }}):</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>If you did not ask for this, ignore this message.</p>",
            ),
            Self::FailedSignIns => (
                "Failed sign-in attempts on your {{ tenant }} account",
                "Hello {{ name }},\n\nSomeone tried many times to sign in to your {{ tenant }} account with a wrong password, so signing in to it is slowed down for a while. If it was not you, your account is still safe: the password was not found.\n\nTo get back in at once, choose a new password with this link (it works once, within {{ link_valid_for }}):\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>Someone tried many times to sign in to your {{ tenant }} account with a wrong password, so signing in to it is slowed down for a while. If it was not you, your account is still safe: the password was not found.</p><p>To get back in at once, choose a new password with this link (it works once, within {{ link_valid_for }}):</p><p><a href=\"{{ link }}\">{{ link }}</a></p>",
            ),
            Self::CaseMessage => (
                "New message on your case {{ number }}: {{ subject }}",
                "Hello {{ name }},\n\n{{ author }} wrote on your case {{ number }} ({{ subject }}):\n\n{{ message }}\n\nReply on the portal: {{ link }}\n",
                "<p>Hello {{ name }},</p><p>{{ author }} wrote on your case {{ number }} ({{ subject }}):</p><blockquote>{{ message }}</blockquote><p><a href=\"{{ link }}\">Reply on the portal</a></p>",
            ),
            Self::CaseStatus => (
                "Your case {{ number }} is now {{ status }}",
                "Hello {{ name }},\n\nYour case {{ number }} ({{ subject }}) is now \"{{ status }}\".\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>Your case {{ number }} ({{ subject }}) is now <strong>{{ status }}</strong>.</p><p><a href=\"{{ link }}\">Open the case</a></p>",
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
                "Hello {{ name }},\n\nThank you for registering on the {{ tenant }} portal. To confirm your address and open your account, open this link within {{ link_valid_for }}:\n\n{{ link }}\n\nIf you did not register, ignore this message: no account is opened without it.\n",
                "<p>Hello {{ name }},</p><p>Thank you for registering on the {{ tenant }} portal. To confirm your address and open your account, open this link within {{ link_valid_for }}:</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>If you did not register, ignore this message: no account is opened without it.</p>",
            ),
            Self::AlreadyRegistered => (
                "You already have an account on the {{ tenant }} portal",
                "Hello {{ name }},\n\nSomeone, probably you, tried to register on the {{ tenant }} portal with this address, which has an account already. Sign in with it; if you forgot your password, choose a new one here:\n\n{{ link }}\n\nIf it was not you, ignore this message: nothing has changed.\n",
                "<p>Hello {{ name }},</p><p>Someone, probably you, tried to register on the {{ tenant }} portal with this address, which has an account already. Sign in with it; if you forgot your password, <a href=\"{{ link }}\">choose a new one</a>.</p><p>If it was not you, ignore this message: nothing has changed.</p>",
            ),
            Self::FeedbackRequest => (
                "How did we do on case {{ number }}?",
                "Hello {{ name }},\n\nYour case {{ number }} ({{ subject }}) is {{ status | lower }}. Please tell us how satisfied you are:\n\n{{ link }}\n",
                "<p>Hello {{ name }},</p><p>Your case {{ number }} ({{ subject }}) is {{ status | lower }}. Please tell us how satisfied you are:</p><p><a href=\"{{ link }}\">Rate our service</a></p>",
            ),
        };
        Wording {
            subject: subject.to_owned(),
            text_body: text.to_owned(),
            html_body: html.to_owned(),
        }
    }
}
