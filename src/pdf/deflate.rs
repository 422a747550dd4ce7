//! zlib compression of the page contents and the other streams of a file.

use flate2::{Compress, Compression, FlushCompress, Status};
use simd_adler32::Adler32;

use crate::layout::Reuse;

use super::Error;

/// The fastest level. Level 2 makes page contents a fifth smaller and takes three times as
/// long over them (0.8 against 0.27 ms for a 17-page checklist).
const LEVEL: u32 = 1;

/// An 8 KiB window: page contents repeat themselves within a few lines (the same operators,
/// fonts and column positions), so a larger one finds nothing more (0.1 % on the largest
/// form) and costs the compressor 96 KiB more memory to clear.
const WINDOW_BITS: u8 = 13;

/// A zlib compressor reused across streams: a fresh one allocates and zeroes 160 KiB of
/// tables, which for a few dozen small page streams would cost more than compressing them.
/// It carries whether what it compresses may be kept for the next document (see `memo`).
pub struct Deflater {
    compress: Compress,
    reuse: Reuse,
}

impl Deflater {
    /// A compressor at [`LEVEL`] whose work is kept for the next document on this thread, or
    /// not.
    pub fn new(reuse: Reuse) -> Self {
        Deflater {
            compress: Compress::new_with_window_bits(Compression::new(LEVEL), true, WINDOW_BITS),
            reuse,
        }
    }

    /// Whether its work may be kept for the next document.
    pub fn reuse(&self) -> Reuse {
        self.reuse
    }

    /// `data`, zlib-compressed.
    pub fn deflate(&mut self, data: &[u8]) -> Result<Vec<u8>, Error> {
        self.deflate_parts(&[data])
    }

    /// The start of a zlib stream holding `data`, which [`Open::close`] ends with bytes stored
    /// uncompressed: a page's contents before its footer, which the forms of a campaign
    /// share, so that the footer, which differs, costs no compression of the rest.
    pub fn open(&mut self, data: &[u8]) -> Result<Open, Error> {
        let failed = |e: &dyn std::fmt::Display| Error::Write(format!("compression failed: {e}"));
        self.compress.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let consumed = usize::try_from(self.compress.total_in()).unwrap_or(usize::MAX);
            let rest = data.get(consumed..).unwrap_or_default();
            // A sync flush ends the compressed data on a byte boundary, with everything given
            // so far decodable; room left in `out` afterwards means it is all out.
            self.compress
                .compress_vec(rest, &mut out, FlushCompress::Sync)
                .map_err(|e| failed(&e))?;
            let done = usize::try_from(self.compress.total_in()).unwrap_or(usize::MAX);
            if done == data.len() && out.len() < out.capacity() {
                break;
            }
            out.reserve(out.capacity().max(4096));
        }
        let mut adler = Adler32::new();
        adler.write(data);
        Ok(Open {
            bytes: out,
            checksum: adler.finish(),
        })
    }

    /// The concatenation of `parts`, zlib-compressed, without copying them together first.
    pub fn deflate_parts(&mut self, parts: &[&[u8]]) -> Result<Vec<u8>, Error> {
        let failed = |e: &dyn std::fmt::Display| Error::Write(format!("compression failed: {e}"));
        self.compress.reset();
        let total: usize = parts.iter().map(|part| part.len()).sum();
        let mut out = Vec::with_capacity(total / 2 + 64);
        let mut before = 0;
        for (index, part) in parts.iter().enumerate() {
            let last = index + 1 == parts.len();
            let flush = if last {
                FlushCompress::Finish
            } else {
                FlushCompress::None
            };
            loop {
                let consumed =
                    usize::try_from(self.compress.total_in()).unwrap_or(usize::MAX) - before;
                let rest = part.get(consumed..).unwrap_or_default();
                let status = self
                    .compress
                    .compress_vec(rest, &mut out, flush)
                    .map_err(|e| failed(&e))?;
                let done = usize::try_from(self.compress.total_in()).unwrap_or(usize::MAX) - before;
                match status {
                    Status::StreamEnd => return Ok(out),
                    Status::Ok | Status::BufError if !last && done == part.len() => break,
                    Status::Ok | Status::BufError => out.reserve(out.capacity().max(4096)),
                }
            }
            before += part.len();
        }
        Err(failed(&"the stream did not end"))
    }
}

/// A zlib stream begun by [`Deflater::open`]: its header and the data compressed so far,
/// ending on a byte boundary, and the Adler-32 checksum of that data.
#[derive(Debug, Clone)]
pub struct Open {
    bytes: Vec<u8>,
    checksum: u32,
}

impl Open {
    /// The whole stream: the data compressed so far, then `tail` in stored blocks (RFC 1951
    /// §3.2.4; the last marked final), then the checksum of both (RFC 1950).
    pub fn close(&self, tail: &[u8]) -> Vec<u8> {
        const MAX: usize = u16::MAX as usize;
        let blocks = tail.len().div_ceil(MAX).max(1);
        let mut out = Vec::with_capacity(self.bytes.len() + tail.len() + blocks * 5 + 4);
        out.extend_from_slice(&self.bytes);
        for block in 0..blocks {
            let part = &tail[(block * MAX).min(tail.len())..((block + 1) * MAX).min(tail.len())];
            // BFINAL on the last; BTYPE 00 (stored), then the rest of the byte left empty.
            out.push(u8::from(block + 1 == blocks));
            let len = u16::try_from(part.len()).expect("a block holds at most 65,535 bytes");
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&(!len).to_le_bytes());
            out.extend_from_slice(part);
        }
        let mut adler = Adler32::from_checksum(self.checksum);
        adler.write(tail);
        out.extend_from_slice(&adler.finish().to_be_bytes());
        out
    }

    /// Bytes held, for the bound of the cache that keeps it.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_compressor_round_trips_many_streams() {
        use std::io::Read;
        let mut deflater = Deflater::new(Reuse::Document);
        for n in [1, 50, 3000] {
            let data = "第一条 为了保障网络安全，维护网络空间主权。".repeat(n);
            let packed = deflater.deflate(data.as_bytes()).unwrap();
            assert!(n == 1 || packed.len() < data.len() / 4);
            let mut back = String::new();
            flate2::read::ZlibDecoder::new(&packed[..])
                .read_to_string(&mut back)
                .unwrap();
            assert_eq!(back, data);
        }
    }

    #[test]
    fn parts_compress_as_their_concatenation() {
        use std::io::Read;
        let mut deflater = Deflater::new(Reuse::Document);
        let head = "1 0 2 40 ".repeat(300);
        let body = "<</Type/StructElem/S/TD/P 12 0 R/K 3>>".repeat(2000);
        for parts in [
            vec![&head[..], &body[..]],
            vec!["", &body[..]],
            vec![&head[..], ""],
        ] {
            let bytes: Vec<&[u8]> = parts.iter().map(|part| part.as_bytes()).collect();
            let packed = deflater.deflate_parts(&bytes).unwrap();
            let mut back = String::new();
            flate2::read::ZlibDecoder::new(&packed[..])
                .read_to_string(&mut back)
                .unwrap();
            assert_eq!(back, parts.concat());
        }
    }

    #[test]
    fn an_open_stream_closed_with_stored_bytes_decodes_to_both() {
        use std::io::Read;
        let mut deflater = Deflater::new(Reuse::Document);
        let body = "BT /NotoR 9 Tf 0 g 56.69 785.2 Td (\x00\x01) Tj ET\n".repeat(200);
        for tail in [&b""[..], b"BT 1 0 Td (x) Tj ET\n", &vec![b'q'; 70_000]] {
            let open = deflater.open(body.as_bytes()).unwrap();
            assert!(open.len() < body.len() / 4);
            let stream = open.close(tail);
            let mut decoded = Vec::new();
            flate2::read::ZlibDecoder::new(&stream[..])
                .read_to_end(&mut decoded)
                .unwrap();
            let mut expected = body.as_bytes().to_vec();
            expected.extend_from_slice(tail);
            assert_eq!(decoded, expected, "the checksum is checked too");
        }
    }
}
