//! The rest of the page: every page past sign-in, loaded while the user signs in (see
//! `tokenwarden::handover`).

use wasm_bindgen::prelude::*;

fn main() {}

/// Called by the sign-in module with what it hands over (it holds the credential).
#[wasm_bindgen]
pub fn start(handover: String) -> Result<(), JsValue> {
    if tokenwarden::run_full(handover) {
        Ok(())
    } else {
        Err(JsValue::from_str(
            "the sign-in's hand-over could not be read",
        ))
    }
}
