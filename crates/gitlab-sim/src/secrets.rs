//! Token secrets and the random parts of generated names.

/// The characters GitLab uses after the `glpat-` prefix of a classic token.
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS source only fails on exotic platforms; a predictable fallback is acceptable for a
    // test double, whose secrets protect nothing real.
    if getrandom::fill(&mut buf).is_err() {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (seed >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(131);
        }
    }
    buf
}

/// The default `personal_access_token_prefix`.
pub const TOKEN_PREFIX: &str = "glpat-";

/// A classic personal/project access token: the instance's prefix (`glpat-` unless an admin
/// changed it) and 20 url-safe characters.
pub fn new_token_secret(prefix: &str) -> String {
    let bytes: [u8; 20] = random_bytes();
    let mut out = String::from(prefix);
    // 256 is a multiple of 64, so masking keeps the distribution uniform.
    out.extend(bytes.iter().map(|b| URLSAFE[(b & 63) as usize] as char));
    out
}

/// A deploy token: `gldt-` and 20 url-safe characters.
pub fn new_deploy_token_secret() -> String {
    let bytes: [u8; 20] = random_bytes();
    let mut out = String::from("gldt-");
    out.extend(bytes.iter().map(|b| URLSAFE[(b & 63) as usize] as char));
    out
}

/// A pipeline trigger token: `glptt-` and `SecureRandom.hex(20)`.
pub fn new_trigger_token() -> String {
    let bytes: [u8; 20] = random_bytes();
    let mut out = String::from("glptt-");
    out.extend(bytes.iter().map(|b| format!("{b:02x}")));
    out
}

/// `SecureRandom.hex(16)`, used in bot usernames.
pub fn random_hex32() -> String {
    let bytes: [u8; 16] = random_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `SecureRandom.hex(32)`: how Doorkeeper, with GitLab's `default_generator_method :hex`, makes
/// authorization codes, access tokens and refresh tokens.
pub fn random_hex64() -> String {
    let bytes: [u8; 32] = random_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stable 32-hex-digit string derived from `seed`, so fixture bots keep their usernames
/// across restarts (FNV-1a, widened by re-hashing).
pub fn stable_hex32(seed: &str) -> String {
    let mut out = String::with_capacity(32);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u8..2 {
        for byte in seed.bytes().chain(std::iter::once(round)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.push_str(&format!("{hash:016x}"));
    }
    out
}

/// An `X-Request-Id`-like value.
pub fn request_id() -> String {
    let bytes: [u8; 13] = random_bytes();
    bytes
        .iter()
        .map(|b| URLSAFE[(b & 31) as usize + 26] as char)
        .collect::<String>()
        .to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_gitlab_shape() {
        let secret = new_token_secret(TOKEN_PREFIX);
        assert_eq!(secret.len(), 26);
        assert!(secret.starts_with("glpat-"));
        assert!(secret[6..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(new_token_secret(TOKEN_PREFIX), secret);
        assert!(new_token_secret("acme_").starts_with("acme_"));
    }

    #[test]
    fn stable_hex_is_stable_and_hex() {
        let a = stable_hex32("project 1 token 0");
        assert_eq!(a, stable_hex32("project 1 token 0"));
        assert_ne!(a, stable_hex32("project 1 token 1"));
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(random_hex32().len(), 32);
        assert_eq!(random_hex64().len(), 64);
    }
}
