//! Checks a pasted OpenSSH public key before it is sent as a deploy key, so a typo, a truncated
//! copy or (worst of all) a private key is caught here instead of in GitLab's reply or on the
//! wire. The blob is decoded and walked field by field; the fingerprint is the one `ssh-keygen
//! -lf` and GitLab's key pages print, so the user can compare it with their own machine.
//!
//! Key types follow GitLab's supported list (`doc/user/ssh.md`, `Gitlab::SSHPublicKey`): RSA,
//! ECDSA, ED25519 and their security-key variants. DSA has been refused by default since GitLab
//! 11.0 (`doc/security/ssh_keys_restrictions.md`).

use base64ct::{Base64, Base64Unpadded, Encoding};
use sha2::{Digest, Sha256};
use std::fmt;

/// Smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: u32 = 2048;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    Ed25519,
    EcdsaP256,
    EcdsaP384,
    EcdsaP521,
    Rsa,
    SkEd25519,
    SkEcdsaP256,
}

impl KeyKind {
    pub const ALL: [KeyKind; 7] = [
        KeyKind::Ed25519,
        KeyKind::EcdsaP256,
        KeyKind::EcdsaP384,
        KeyKind::EcdsaP521,
        KeyKind::Rsa,
        KeyKind::SkEd25519,
        KeyKind::SkEcdsaP256,
    ];

    /// The type string that starts the key line and the blob.
    pub fn ssh_name(self) -> &'static str {
        match self {
            KeyKind::Ed25519 => "ssh-ed25519",
            KeyKind::EcdsaP256 => "ecdsa-sha2-nistp256",
            KeyKind::EcdsaP384 => "ecdsa-sha2-nistp384",
            KeyKind::EcdsaP521 => "ecdsa-sha2-nistp521",
            KeyKind::Rsa => "ssh-rsa",
            KeyKind::SkEd25519 => "sk-ssh-ed25519@openssh.com",
            KeyKind::SkEcdsaP256 => "sk-ecdsa-sha2-nistp256@openssh.com",
        }
    }

    /// Name as GitLab and `ssh-keygen -l` show it.
    pub fn label(self) -> &'static str {
        match self {
            KeyKind::Ed25519 => "ED25519",
            KeyKind::EcdsaP256 | KeyKind::EcdsaP384 | KeyKind::EcdsaP521 => "ECDSA",
            KeyKind::Rsa => "RSA",
            KeyKind::SkEd25519 => "ED25519-SK",
            KeyKind::SkEcdsaP256 => "ECDSA-SK",
        }
    }

    fn from_ssh_name(name: &str) -> Option<KeyKind> {
        KeyKind::ALL.into_iter().find(|k| k.ssh_name() == name)
    }

    /// ECDSA curve name inside the blob and the length of its uncompressed point.
    fn curve(self) -> Option<(&'static str, usize)> {
        match self {
            KeyKind::EcdsaP256 | KeyKind::SkEcdsaP256 => Some(("nistp256", 65)),
            KeyKind::EcdsaP384 => Some(("nistp384", 97)),
            KeyKind::EcdsaP521 => Some(("nistp521", 133)),
            _ => None,
        }
    }
}

/// A public key that passed every check, ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub kind: KeyKind,
    pub bits: Option<u32>,
    pub comment: Option<String>,
    /// `type blob [comment]`, single spaces, no line breaks.
    pub normalized: String,
    /// `SHA256:` + unpadded base64 of the blob's SHA-256.
    pub fingerprint_sha256: String,
}

/// Why a pasted key was refused. No variant carries what was pasted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    Empty,
    /// The paste is a private key. Nothing was sent.
    PrivateKey,
    Dsa,
    UnknownType,
    /// An SSH2 (RFC 4716) block, which needs converting to one OpenSSH line.
    Rfc4716,
    MoreThanOneKey,
    MissingBlob,
    BadBase64,
    /// The blob names another type than the line does.
    TypeMismatch,
    /// The blob is cut short, has extra bytes or a field of the wrong size.
    Malformed,
    RsaTooShort(u32),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Empty => f.write_str("Paste a public key, the contents of a .pub file."),
            KeyError::PrivateKey => f.write_str(
                "This is a private key. A private key must never leave your machine; nothing was \
                 sent. Paste the matching public key instead (the .pub file), and if you pasted \
                 this private key anywhere else, replace it.",
            ),
            KeyError::Dsa => f.write_str(
                "DSA (ssh-dss) keys are not accepted by GitLab. Create an ED25519 key with \
                 ssh-keygen -t ed25519.",
            ),
            KeyError::UnknownType => f.write_str(
                "This does not start with a supported key type: ssh-ed25519, ecdsa-sha2-nistp256, \
                 -nistp384, -nistp521, ssh-rsa or a security-key (sk-) type.",
            ),
            KeyError::Rfc4716 => f.write_str(
                "This key is in SSH2 format. Convert it to one OpenSSH line with \
                 ssh-keygen -i -f FILE and paste the result.",
            ),
            KeyError::MoreThanOneKey => f.write_str("Paste one key, on one line."),
            KeyError::MissingBlob => f.write_str(
                "The key type must be followed by the key itself; the paste is cut short.",
            ),
            KeyError::BadBase64 => f.write_str(
                "The key part is damaged (it is not valid base64). Copy the whole line again.",
            ),
            KeyError::TypeMismatch => f.write_str(
                "The key's content does not match the type written before it. Copy the whole line \
                 again without editing it.",
            ),
            KeyError::Malformed => {
                f.write_str("The key part is damaged or cut short. Copy the whole line again.")
            }
            KeyError::RsaTooShort(bits) => write!(
                f,
                "This RSA key has {bits} bits; at least {MIN_RSA_BITS} are needed. Create an \
                 ED25519 key with ssh-keygen -t ed25519."
            ),
        }
    }
}

/// Markers of private keys: PEM headers (OpenSSH, PKCS#1, SEC1, PKCS#8, encrypted), PuTTY files,
/// and the base64 of `openssh-key-v1` when only the body was copied.
const PRIVATE_MARKERS: [&str; 3] = ["PRIVATE KEY", "PuTTY-User-Key-File", "b3BlbnNzaC1rZXktdjE"];

/// Parses one OpenSSH public key line as pasted.
pub fn parse(input: &str) -> Result<PublicKey, KeyError> {
    if PRIVATE_MARKERS.iter().any(|m| input.contains(m)) {
        return Err(KeyError::PrivateKey);
    }
    let input = input.trim();
    if input.is_empty() {
        return Err(KeyError::Empty);
    }
    if input.starts_with("---- BEGIN SSH2") {
        return Err(KeyError::Rfc4716);
    }
    if input.lines().filter(|l| !l.trim().is_empty()).count() > 1 {
        return Err(KeyError::MoreThanOneKey);
    }
    let mut words = input.split_ascii_whitespace();
    let type_name = words.next().ok_or(KeyError::Empty)?;
    let kind = match KeyKind::from_ssh_name(type_name) {
        Some(k) => k,
        None if type_name == "ssh-dss" => return Err(KeyError::Dsa),
        None => return Err(KeyError::UnknownType),
    };
    let blob_text = words.next().ok_or(KeyError::MissingBlob)?;
    let blob = Base64::decode_vec(blob_text).map_err(|_| KeyError::BadBase64)?;
    let bits = check_blob(kind, &blob)?;
    let comment: Vec<&str> = words.collect();
    let comment = (!comment.is_empty()).then(|| comment.join(" "));

    let mut normalized = String::with_capacity(input.len());
    normalized.push_str(type_name);
    normalized.push(' ');
    normalized.push_str(blob_text);
    if let Some(c) = &comment {
        normalized.push(' ');
        normalized.push_str(c);
    }
    Ok(PublicKey {
        kind,
        bits: Some(bits),
        comment,
        normalized,
        fingerprint_sha256: fingerprint(&blob),
    })
}

/// `SHA256:…` as `ssh-keygen -lf` prints it.
pub fn fingerprint(blob: &[u8]) -> String {
    let mut out = String::from("SHA256:");
    out.push_str(&Base64Unpadded::encode_string(&Sha256::digest(blob)));
    out
}

/// Reads the SSH wire format: `uint32` length-prefixed strings.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn string(&mut self) -> Result<&'a [u8], KeyError> {
        let (len, rest) = self.0.split_first_chunk::<4>().ok_or(KeyError::Malformed)?;
        let len = u32::from_be_bytes(*len) as usize;
        if len > rest.len() {
            return Err(KeyError::Malformed);
        }
        let (s, rest) = rest.split_at(len);
        self.0 = rest;
        Ok(s)
    }

    fn sized(&mut self, len: usize) -> Result<&'a [u8], KeyError> {
        let s = self.string()?;
        if s.len() == len {
            Ok(s)
        } else {
            Err(KeyError::Malformed)
        }
    }
}

/// Walks the blob of `kind`; returns the key size in bits.
fn check_blob(kind: KeyKind, blob: &[u8]) -> Result<u32, KeyError> {
    let mut r = Reader(blob);
    if r.string().map_err(|_| KeyError::Malformed)? != kind.ssh_name().as_bytes() {
        return Err(KeyError::TypeMismatch);
    }
    let bits = match kind {
        KeyKind::Ed25519 | KeyKind::SkEd25519 => {
            r.sized(32)?;
            256
        }
        KeyKind::Rsa => {
            let e = r.string()?;
            let n = r.string()?;
            let bits = mpint_bits(n).ok_or(KeyError::Malformed)?;
            if mpint_bits(e).is_none() || bits < 512 {
                return Err(KeyError::Malformed);
            }
            if bits < MIN_RSA_BITS {
                return Err(KeyError::RsaTooShort(bits));
            }
            bits
        }
        _ => {
            let (curve, point_len) = kind.curve().ok_or(KeyError::Malformed)?;
            if r.string()? != curve.as_bytes() {
                return Err(KeyError::Malformed);
            }
            // OpenSSH sends uncompressed points only.
            if r.sized(point_len)?.first() != Some(&4) {
                return Err(KeyError::Malformed);
            }
            match kind {
                KeyKind::EcdsaP384 => 384,
                KeyKind::EcdsaP521 => 521,
                _ => 256,
            }
        }
    };
    if matches!(kind, KeyKind::SkEd25519 | KeyKind::SkEcdsaP256) {
        // The FIDO application, "ssh:" unless set otherwise.
        if r.string()?.is_empty() {
            return Err(KeyError::Malformed);
        }
    }
    if r.0.is_empty() {
        Ok(bits)
    } else {
        Err(KeyError::Malformed)
    }
}

/// Bits of a positive SSH `mpint`; None for zero or negative numbers.
fn mpint_bits(m: &[u8]) -> Option<u32> {
    if m.first()? & 0x80 != 0 {
        return None;
    }
    let start = m.iter().position(|&b| b != 0)?;
    let digits = &m[start..];
    let top = 8 - digits[0].leading_zeros();
    u32::try_from(digits.len() - 1)
        .ok()?
        .checked_mul(8)?
        .checked_add(top)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Generated with ssh-keygen for these tests; the private halves were discarded.
    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN02aYViRbGTinK0qKaKzJJGNLnaTWlnYp4P0sWAIY+o tw-test-ed25519@example";
    const ECDSA256: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFa5qhK+QArUVxyS1AAClzS4+0V2zd0Vci+v/m6UC+GdNE6iNNT+rh3txX2ZvoAHea7ouL8y/ADWwfExyB2sZc4= tw-test-ecdsa256@example";
    const ECDSA384: &str = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBPtzjzbB7lvQqTUaZ5k3JxZwv8IuTJ17NmkEi0sot5aASoD3iJmlDr93JQX5IqQA39RgRDpP2pVeXCxP13JqzBbKUysizdJCfcIrbrfvv6vHY1nZaTpA1CcoPJas4Cu6iQ== tw-test-ecdsa384@example";
    const ECDSA521: &str = "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBADSlfSUvDFA7epEd7HBa6ZBVwa9bqnsK/d+1w3tJtBYOBSgslah8hpyNkFaUiK2m5tkCUTUoBV594Wnq4IXqYD/RgA68NNu9uwdeuI0ag9+imT6Obgxf0OovychYkPjmHWMmvbalgUbB0AihIiTyerHdVdgDCPjfOtBjTbw9UJfzS2SUA== tw-test-ecdsa521@example";
    const RSA2048: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCXOf46CrXtGAEPx83VEA3kLlb4CpMdhqcemQ1IpP5rV1LG62WFlMegOHAAwI4bfTjf9x55R0DwKd53J/uey2o73lfILy++iM/S0DfatJa/UyN0pJw5FUv3/oMKRLmwlJnCxRl73EpbyJMfcp2kNa9Q8tJEP4WH6QA+S9ymd2iArCAbtbmXJHpwXS4UhYXE3TyeS/w4aQ9ae6XwM0yQLRkEAHPzKCLTXXuIfEdD7pqQyS/PsmY9fcv3udxlNEAd/A/nfo4l/6hBHtnIduc2CfA46obsdo6nCIX0767QgU80+kKScq475NICUFowtEA+NXyoXO7pFh8a58LDCgNEsQx1 tw-test-rsa2048@example";
    const RSA3072: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDFJkUVSeLM3LABFW2CQqDAOOU54lA/MIKCaJdlfnmafD3OTP9vA2ofoVNWRI/ibiF18uVK8VOaYBWqHAttiyzf8l+3HnQj1y+vvfIoUlHgoUCioIWiOE5RWcIHULfxlQPLZmqkg6TtTIlT6g+3x3T2ND62CJEfSQqnTV++0k01QlZTOWP2vaGt+NY22Mjd2bckBqrTChgsACX1TJ/a7b6fqGQ9Tz/1/Wak9mtoZfI0MJ3Nfx8aPO2zcNud+oucxsN80NVc3kiRceqXI4e/NX81l0CsM8eSUhG2ooEw/tA7YsMiXTPiT4CVuSXK86kiIJ/+J5prh28R34kwtahhrmZKW5rplWVYVuqr7liafrvDjdtPnEVFdl7tl/yP13aBVU7mQdjcCWYT0ibbSX5XWBS7KEwLvVCOmYFvjpop7LlP2RBs2BPTCRrNLIiMBlf6ds5C7N0T8hYsoz4RtuNiuWxmbr+zfBtOqUAKY0/c8zvLAoeecn509RKdz7Py03P/0d0= tw-test-rsa3072@example";
    const RSA1024: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCy335JGVaT2Gubcp6QxY55AK0YJOcFMN98bTcGSQ4Tg8eSbBzIYY5SKAOtUTIoBM+9vsEP/IyVntTKzHwp8CFZhukcGuj8hHFzIrBBc9RpT2KNwUyP5wv4jaBi8eg9J1CVpye1s/DlBZUAtzCiyRYCan8GF0N14mpYsrrMa6juqw== tw-test-rsa1024@example";
    const DSA: &str = "ssh-dss AAAAB3NzaC1kc3MAAACBAKykG0n3hSiz+G2EOd6oynmCI5y0z8oScWnLBYFpDZ+2c4cbXjrb7GF7pvkRNdf+Cq5vJ74d64jliGxZZxDLM30qj3FTgtyAZaa83yMRaZ+72zfARMyv65GKyjn0rib3jDPp8WmBAyJ6rXLbCgTKs6m5Fw4uKpTLMcjgd1OnKF9/AAAAFQDB/MJGeoae/fhHYrbE2sAxQrL+twAAAIBmtKg/NhIO0eqSNhNlVSBZ/HmA9/41YHc0pnrGrVCHrYO1oxHHCpwIY0HAreKbZW5wlriG4zB8rCMC1JvGRh4C3ivuCRejLzfqDqH6Kqgb23LW+PttnO5+YXJ+vLas7ruQ5RAtIGWnOOqQimY7ZcB49PWEFAHJQjwQoJWZddSO9QAAAIAYchN5goo3iZ7jy+5IOLr6S/NKk0063nNeVrHHs3g8sjZLet3gA9UbYEVQ6tSalQNxYXIzlmVufV/MGvDifbj3o0r1xtG7zMsHm23ooTIxsWFgnUWwBiNUU8itCMDzuEYAiErqznP8V3OCpNn9lOyURm4ECTvDJnv2FwtKOOdQTA== root@vm";
    // Security-key blobs built by hand (no hardware key here): fixed bytes in the right layout.
    const SK_ED25519: &str = "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gAAAABHNzaDo= yubikey@example";
    const SK_ECDSA: &str = "sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAIbmlzdHAyNTYAAABBBAIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEEAAAAEc3NoOg==";

    #[test]
    fn fingerprints_match_ssh_keygen() {
        // Expected values are what `ssh-keygen -lf` printed for each line above.
        let cases = [
            (
                ED25519,
                KeyKind::Ed25519,
                256,
                "SHA256:vGHGSvdp5Bx9on4HIjXtkqfoO08PV6gG8gkB7AFql8o",
            ),
            (
                ECDSA256,
                KeyKind::EcdsaP256,
                256,
                "SHA256:4eh7tMgbSrDP1kR8qzxYZv/rUuZiv+UqdQk9Cr9vVpw",
            ),
            (
                ECDSA384,
                KeyKind::EcdsaP384,
                384,
                "SHA256:YHWXfZmjcKRAGAixYz/RPVYLIpa2Me/zIlKLVM8S1XY",
            ),
            (
                ECDSA521,
                KeyKind::EcdsaP521,
                521,
                "SHA256:LTbkCvhhlUszdwLPEOej8RhBeO9fyHeSrH4lNYiFTkc",
            ),
            (
                RSA2048,
                KeyKind::Rsa,
                2048,
                "SHA256:T1o6OtcgQKB4C0yJXwnEk6dsIaupCHcigy5Vo4b317c",
            ),
            (
                RSA3072,
                KeyKind::Rsa,
                3072,
                "SHA256:UcNsocmUy+/R3RPe9MByhmvimyjnKrhoE+kZPEKQHyc",
            ),
            (
                SK_ED25519,
                KeyKind::SkEd25519,
                256,
                "SHA256:nX0hpi5mKbTIJ10yBq5/sLQhiI1Y0RBAqN0drDdgJWs",
            ),
        ];
        for (line, kind, bits, fp) in cases {
            let key = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(key.kind, kind, "{line}");
            assert_eq!(key.bits, Some(bits), "{line}");
            assert_eq!(key.fingerprint_sha256, fp, "{line}");
            assert_eq!(key.normalized, line);
        }
        // ssh-keygen refuses this made-up curve point, so its fingerprint is sha256 + base64 of
        // the blob computed separately.
        let sk = parse(SK_ECDSA).unwrap();
        assert_eq!(
            (sk.kind, sk.bits, sk.comment),
            (KeyKind::SkEcdsaP256, Some(256), None)
        );
        assert_eq!(
            sk.fingerprint_sha256,
            "SHA256:hPk6Wl/cnDugga+jMK74LoPbV7jd3Zv+uE67/YPC4tc"
        );
    }

    #[test]
    fn keeps_the_comment_and_tidies_whitespace() {
        let key = parse(&format!("\r\n  {}\r\n", ED25519.replace(' ', " \t "))).unwrap();
        assert_eq!(key.normalized, ED25519);
        assert_eq!(key.comment.as_deref(), Some("tw-test-ed25519@example"));

        let spaced = format!("{ED25519}  laptop   2024 ");
        let key = parse(&spaced).unwrap();
        assert_eq!(
            key.comment.as_deref(),
            Some("tw-test-ed25519@example laptop 2024")
        );
        assert!(key.normalized.ends_with("@example laptop 2024"));

        let bare = ED25519.rsplit_once(' ').unwrap().0;
        let key = parse(bare).unwrap();
        assert_eq!((key.comment, key.normalized.as_str()), (None, bare));
    }

    #[test]
    fn refuses_weak_or_unknown_types() {
        assert_eq!(parse(RSA1024), Err(KeyError::RsaTooShort(1024)));
        assert!(KeyError::RsaTooShort(1024)
            .to_string()
            .contains("1024 bits"));
        assert_eq!(parse(DSA), Err(KeyError::Dsa));
        assert_eq!(parse("ssh-foo AAAA"), Err(KeyError::UnknownType));
        assert_eq!(
            parse("glpat-abcdefghijklmnopqrst"),
            Err(KeyError::UnknownType)
        );
        assert_eq!(
            parse("no-pty ssh-ed25519 AAAA"),
            Err(KeyError::UnknownType),
            "authorized_keys options are not a key"
        );
        assert!(!KeyError::UnknownType.to_string().contains("glpat"));
    }

    #[test]
    fn refuses_damaged_keys() {
        let blob = ED25519.split(' ').nth(1).unwrap();
        // The ed25519 blob under another type name.
        assert_eq!(
            parse(&format!("ssh-rsa {blob}")),
            Err(KeyError::TypeMismatch)
        );
        assert_eq!(
            parse(&format!(
                "ecdsa-sha2-nistp384 {}",
                ECDSA256.split(' ').nth(1).unwrap()
            )),
            Err(KeyError::TypeMismatch)
        );
        // Cut short: a prefix of the blob that is still valid base64.
        assert_eq!(
            parse(&format!("ssh-ed25519 {}", &blob[..48])),
            Err(KeyError::Malformed)
        );
        let rsa_blob = RSA2048.split(' ').nth(1).unwrap();
        assert_eq!(
            parse(&format!("ssh-rsa {}", &rsa_blob[..200])),
            Err(KeyError::Malformed)
        );
        // Extra bytes after the key.
        let mut raw = Base64::decode_vec(blob).unwrap();
        raw.push(0);
        assert_eq!(
            parse(&format!("ssh-ed25519 {}", Base64::encode_string(&raw))),
            Err(KeyError::Malformed)
        );
        assert_eq!(
            parse(&format!("ssh-ed25519 {}", &blob[..blob.len() - 1])),
            Err(KeyError::BadBase64)
        );
        // Only canonical base64, as ssh-keygen writes it: padding required, no stray low bits.
        let padded = ECDSA256.split(' ').nth(1).unwrap();
        assert!(padded.ends_with("c4="));
        let unpadded = padded.trim_end_matches('=');
        let stray_bits = padded.replace("c4=", "c5=");
        for blob in [unpadded, &stray_bits] {
            assert_eq!(
                parse(&format!("ecdsa-sha2-nistp256 {blob}")),
                Err(KeyError::BadBase64),
                "{blob}"
            );
        }
        assert_eq!(parse("ssh-ed25519 not*base64"), Err(KeyError::BadBase64));
        assert_eq!(parse("ssh-ed25519"), Err(KeyError::MissingBlob));
        assert_eq!(parse(""), Err(KeyError::Empty));
        assert_eq!(parse(" \r\n\t "), Err(KeyError::Empty));
        assert_eq!(
            parse(&format!("{ED25519}\n{ECDSA256}")),
            Err(KeyError::MoreThanOneKey)
        );
        assert_eq!(
            parse("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----"),
            Err(KeyError::Rfc4716)
        );
    }

    #[test]
    fn refuses_private_keys_of_every_format() {
        let pastes = [
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtcN8Qskd\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB2ZlM4MjP9d\n-----END EC PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0w\n-----END ENCRYPTED PRIVATE KEY-----",
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\nPublic-Lines: 2\n",
            "  b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW  ",
        ];
        for p in pastes {
            assert_eq!(parse(p), Err(KeyError::PrivateKey), "{p}");
        }
        let msg = KeyError::PrivateKey.to_string();
        assert!(msg.contains("never leave your machine") && msg.contains("nothing was sent"));
    }

    #[test]
    fn no_input_panics() {
        let mut odd = vec![
            String::new(),
            "\0".into(),
            "ssh-rsa AAAA".into(),
            "ssh-rsa AAAAB3NzaC1yc2E=".into(),
            "ssh-rsa AAAAB3NzaC1yc2EAAAAA".into(),
            "ssh-rsa AAAAB3NzaC1yc2EAAAABAQAAAAA=".into(),
            "ssh-rsa AAAAB3NzaC1yc2EAAAABAQAAAAGA".into(),
            "ssh-ed25519 /////w==".into(),
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5/////w==".into(),
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY=".into(),
            "sk-ssh-ed25519@openssh.com ====".into(),
            "🔑 🔑 🔑".into(),
            "ssh-ed25519 ÄÖÜ".into(),
            "\u{feff}ssh-ed25519 AAAA".into(),
            "x".repeat(100_000),
        ];
        for line in [ED25519, ECDSA256, ECDSA521, RSA2048, SK_ED25519, SK_ECDSA] {
            for cut in (0..line.len()).step_by(7) {
                odd.push(line[..cut].to_string());
            }
        }
        for s in &odd {
            let _ = parse(s);
        }
        assert_eq!(mpint_bits(&[]), None);
        assert_eq!(mpint_bits(&[0, 0]), None);
        assert_eq!(mpint_bits(&[0x80]), None, "negative");
        assert_eq!(mpint_bits(&[0, 0x80]), Some(8));
        assert_eq!(mpint_bits(&[1, 0]), Some(9));
    }
}
