//! Just enough of OpenSSH's public-key format to validate a deploy key the way GitLab does
//! (`Gitlab::SSHPublicKey`) and to compute its fingerprints.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use md5::Md5;
use sha2::{Digest, Sha256};

/// A parsed `type base64 [comment]` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// GitLab's name for the technology: `rsa`, `dsa`, `ecdsa`, `ed25519`, `ecdsa_sk`,
    /// `ed25519_sk`.
    pub technology: &'static str,
    pub bits: u32,
    /// MD5 of the key blob as colon-separated hex (`Key#fingerprint`).
    pub fingerprint_md5: String,
    /// `SHA256:` and the unpadded base64 SHA-256 of the key blob, as `ssh-keygen -l` prints it.
    pub fingerprint_sha256: String,
}

/// `Gitlab::SSHPublicKey.supported_algorithms`.
pub const ALGORITHMS: [(&str, &str); 8] = [
    ("ssh-rsa", "rsa"),
    ("ssh-dss", "dsa"),
    ("ecdsa-sha2-nistp256", "ecdsa"),
    ("ecdsa-sha2-nistp384", "ecdsa"),
    ("ecdsa-sha2-nistp521", "ecdsa"),
    ("ssh-ed25519", "ed25519"),
    ("sk-ecdsa-sha2-nistp256@openssh.com", "ecdsa_sk"),
    ("sk-ssh-ed25519@openssh.com", "ed25519_sk"),
];

/// `Gitlab::SSHPublicKey.sanitize`: line breaks removed, surrounding blanks trimmed.
pub fn sanitize(key: &str) -> String {
    key.replace(['\n', '\r'], "").trim().to_owned()
}

/// Reads one SSH wire-format string (u32 length, bytes).
fn read_string<'a>(blob: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let len_bytes: [u8; 4] = blob.get(*pos..*pos + 4)?.try_into().ok()?;
    let len = u32::from_be_bytes(len_bytes) as usize;
    let start = *pos + 4;
    let value = blob.get(start..start.checked_add(len)?)?;
    *pos = start + len;
    Some(value)
}

/// Bit length of an SSH `mpint`.
fn mpint_bits(bytes: &[u8]) -> u32 {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    match trimmed.first() {
        Some(first) => (trimmed.len() as u32 - 1) * 8 + (8 - first.leading_zeros()),
        None => 0,
    }
}

/// Parses a public key line; `None` when GitLab would find it invalid.
pub fn parse(line: &str) -> Option<PublicKey> {
    let line = sanitize(line);
    let mut parts = line.split_whitespace();
    let algorithm = parts.next()?;
    let encoded = parts.next()?;
    let technology = ALGORITHMS
        .iter()
        .find(|(name, _)| *name == algorithm)
        .map(|(_, tech)| *tech)?;
    let blob = STANDARD.decode(encoded).ok()?;
    let mut pos = 0;
    if read_string(&blob, &mut pos)? != algorithm.as_bytes() {
        return None;
    }
    let bits = match technology {
        "rsa" => {
            let _exponent = read_string(&blob, &mut pos)?;
            mpint_bits(read_string(&blob, &mut pos)?)
        }
        "dsa" => mpint_bits(read_string(&blob, &mut pos)?),
        "ecdsa" | "ecdsa_sk" => match read_string(&blob, &mut pos)? {
            b"nistp256" => 256,
            b"nistp384" => 384,
            b"nistp521" => 521,
            _ => return None,
        },
        _ => {
            if read_string(&blob, &mut pos)?.len() != 32 {
                return None;
            }
            256
        }
    };
    let md5 = Md5::digest(&blob);
    let fingerprint_md5 = md5
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    let fingerprint_sha256 = format!("SHA256:{}", STANDARD_NO_PAD.encode(Sha256::digest(&blob)));
    Some(PublicKey {
        technology,
        bits,
        fingerprint_md5,
        fingerprint_sha256,
    })
}

/// GitLab's default key restrictions: DSA is forbidden, everything else allowed at any size.
/// Returns the `key` error for a key the instance refuses, in `SshKeyValidator`'s words.
pub fn restriction_error(key: Option<&PublicKey>) -> Option<String> {
    match key {
        Some(k) if k.technology != "dsa" => None,
        // An unparsable key has no type, which the settings treat as forbidden too.
        _ => Some(
            "type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK".to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_garbage_and_mismatched_types() {
        assert!(parse("not a key").is_none());
        assert!(parse("ssh-ed25519 !!!").is_none());
        // An ed25519 blob announced as RSA.
        assert!(parse(
            "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        )
        .is_none());
    }
}
