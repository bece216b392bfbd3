//! End-to-end tests: the real server (router, middleware, services, SQL) on a real port, against a
//! fresh SQLite file and a fresh PostgreSQL database per test, driven like a browser or a script
//! would drive it; and the real `portico` binary for the command line.

mod harness;
mod statement_log;

mod access;
mod access_model;
mod api_document;
mod billing;
mod branding;
mod browser;
mod cli;
mod console;
mod console_access;
mod domains;
mod exports;
mod folders;
mod hardening;
mod imports;
mod knowledge;
mod licenses;
mod localization;
mod mail;
mod main_page;
mod nodes;
mod notifications;
mod onboarding;
mod organizations;
mod partners;
mod plugins;
mod profile;
mod record_forms;
mod record_pages;
mod records_api;
mod request_path;
mod row_level_security;
mod schema;
mod sections;
mod sessions;
mod sign_in;
mod smtp;
mod sso;
mod support;
mod tenancy;
