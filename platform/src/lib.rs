//! Portico: a multi-tenant portal platform. See `DESIGN.md` for the map; each module below starts
//! with what it is for.

pub mod access;
pub mod allocator;
pub mod api_limit;
pub mod app;
pub mod auth;
pub mod billing;
pub mod branding;
pub mod charts;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domains;
pub mod error;
pub mod files;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod licenses;
pub mod mail;
pub mod notifications;
pub mod organizations;
pub mod plugin_host;
pub mod profile;
pub mod records;
pub mod regional;
pub mod search;
pub mod sections;
pub mod seed;
pub mod sla;
pub mod store;
pub mod tenancy;
pub mod text;
pub mod usage;
pub mod users;
