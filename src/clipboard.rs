//! Copying a secret. The Clipboard API can refuse (no secure context, no permission, an old
//! browser), so callers report both outcomes and fall back to selecting the text.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

pub async fn copy(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let clipboard = window.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "the browser refused to write to the clipboard".to_string())
}

/// Selects the whole content of the input with `id`, so Ctrl+C copies it.
pub fn select_all(id: &str) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
    if let Some(input) = el {
        let _ = input.focus();
        input.select();
    }
}
