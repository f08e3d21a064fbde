//! Yew components. Pages read the app context; everything below a page gets data and `on_*`
//! callbacks as props.

pub mod bulk_dialog;
pub mod connect;
pub mod credential_form;
pub mod credential_table;
pub mod credentials_page;
pub mod enable_key_dialog;
pub mod expiry_picker;
pub mod field;
pub mod header;
pub mod inventory;
pub mod load;
pub mod modal;
pub mod places;
pub mod reveal;
pub mod revoke_dialog;
pub mod rotate_dialog;
pub mod token_check;
