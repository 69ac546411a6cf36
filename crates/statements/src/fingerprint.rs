//! The content fingerprint of a statement file (SHA-256 of its bytes as downloaded), by which
//! an import recognises a statement it has already taken in.

use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of the bytes.
pub fn fingerprint(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A reader that fingerprints everything read through it, so a streamed file is hashed in the
/// same pass that parses it.
pub struct FingerprintReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R> std::fmt::Debug for FingerprintReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FingerprintReader")
    }
}

impl<R: Read> FingerprintReader<R> {
    pub fn new(inner: R) -> FingerprintReader<R> {
        FingerprintReader { inner, hasher: Sha256::new() }
    }
    /// The fingerprint of what was read so far (the whole file once parsing has finished).
    pub fn fingerprint(&self) -> String {
        hex(&self.hasher.clone().finalize())
    }
}

impl<R: Read> Read for FingerprintReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(digest.len() * 2);
    for byte in digest {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_sha256_and_streaming_agrees() {
        assert_eq!(fingerprint(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let mut reader = FingerprintReader::new(&b"abc"[..]);
        let mut sink = Vec::new();
        reader.read_to_end(&mut sink).unwrap();
        assert_eq!(reader.fingerprint(), fingerprint(b"abc"));
    }
}
