//! Everything tokenwarden decides without a browser: GitLab token models, scope and role catalogs,
//! form validation, GitLab requests as data and one classifier of GitLab responses.
//!
//! Kept free of yew, web-sys and gloo so it builds and tests on the host; the app crate only wires
//! it to the DOM and to `fetch`.

pub mod capability;
pub mod config;
pub mod csp;
pub mod error;
pub mod expiry;
pub mod features;
pub mod gitlab_url;
pub mod inventory;
pub mod json;
pub mod kind;
pub mod models;
pub mod oauth;
pub mod pagination;
pub mod reconcile;
pub mod request;
pub mod retry;
pub mod role;
pub mod route;
pub mod scope;
pub mod secret;
pub mod snippets;
pub mod ssh_key;
pub mod text;
pub mod token_prefix;
pub mod validate;

pub use error::{ApiError, ErrorKind, Field, FieldSet};
pub use expiry::{ExpiryChoice, EXPIRY_PRESETS};
pub use gitlab_url::GitLabUrl;
pub use kind::Kind;
pub use pagination::PageInfo;
pub use request::{ApiRequest, Method, ProjectRef};
pub use role::AccessLevel;
pub use route::{ListQuery, Route};
pub use secret::Secret;
