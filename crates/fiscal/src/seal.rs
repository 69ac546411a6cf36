//! The fiscal platform's seal on an invoice: an Ed25519 signature over the invoice's fields
//! (code, number, check code, business number, total, time). The platform signs with its
//! private key; the hospital's platform and every counter verify with the public key they were
//! given ([`VerifyingKey`], configured as hex), so a forged or altered invoice is refused.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::Issued;

/// The text that is signed.
fn sealed_text(issued: &Issued) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}",
        issued.code,
        issued.number,
        issued.check_code,
        issued.bus_no,
        issued.total,
        issued.issued_at.format("%Y%m%d%H%M%S%3f")
    )
}

/// A signing key derived from a secret phrase (the sandbox's; a real platform has its own).
pub fn signing_key(secret: &str) -> SigningKey {
    SigningKey::from_bytes(&Sha256::digest(secret.as_bytes()).into())
}

pub fn sign(key: &SigningKey, issued: &Issued) -> String {
    STANDARD.encode(key.sign(sealed_text(issued).as_bytes()).to_bytes())
}

/// Whether `issued.seal` is the platform's signature of exactly these fields.
pub fn verify(key: &VerifyingKey, issued: &Issued) -> bool {
    let Ok(bytes) = STANDARD.decode(&issued.seal) else { return false };
    let Ok(signature) = Signature::from_slice(&bytes) else { return false };
    key.verify(sealed_text(issued).as_bytes(), &signature).is_ok()
}

/// The public key as configured: 64 hex digits.
pub fn verifying_key_from_hex(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

pub fn verifying_key_hex(key: &VerifyingKey) -> String {
    hex::encode(key.to_bytes())
}
