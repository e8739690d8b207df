//! rolo: a keyboard-driven terminal editor for contact records that live in someone else's REST API.
//!
//! Layers, each knowing only the ones above it: [`backend`] (what a vendor's API looks like) →
//! [`record`] and [`validate`] (drafts and their rules) → [`http`] (requests and answers) →
//! [`app`] (state, messages, effects; pure) → [`ui`] (drawing) → [`tui`] (the event loop, the
//! terminal, the disk writers: all the I/O). [`sandbox`] is a separate HTTP server that rolo
//! reaches only through [`http`], like any vendor.

pub mod app;
pub mod backend;
pub mod commands;
pub mod config;
pub mod connect;
pub mod files;
pub mod headless;
pub mod history;
pub mod http;
pub mod import;
pub mod index;
pub mod journal;
pub mod private;
pub mod record;
pub mod redact;
pub mod sandbox;
pub mod tui;
pub mod ui;
pub mod validate;
pub mod visible;

#[cfg(test)]
mod layers;
