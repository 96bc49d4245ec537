//! A small, deterministic ZIP writer for Office Open XML packages (DOCX).
//!
//! Written here rather than taken from the `zip` crate: that crate's writer,
//! generic over its output and with every compressor inlined, added about
//! 180 KB to the wasm build a second time beside rust_xlsxwriter's copy
//! (docs/decisions.md). A package needs little of ZIP: deflated entries,
//! CRC-32, a central directory (APPNOTE.TXT 6.3.10, sections 4.3.7, 4.3.12,
//! 4.3.16).

use std::io::Write;

use flate2::Compression;
use flate2::write::DeflateEncoder;

use crate::error::{ExportError, Result};

/// Flush generated XML to the compressor in pieces of this size.
const CHUNK: usize = 1 << 16;
/// MS-DOS date of 1980-01-01, the earliest a ZIP entry can carry: every
/// entry gets it, so the same parts give the same bytes.
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;
const VERSION: u16 = 20;
const DEFLATED: u16 = 8;

struct Entry {
    name: String,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

/// Writes the parts of a package into an in-memory zip, every entry deflated.
pub(crate) struct Package {
    out: Vec<u8>,
    entries: Vec<Entry>,
    level: u32,
    format: &'static str,
}

impl Package {
    pub(crate) fn new(format: &'static str, level: u32) -> Package {
        Package {
            out: Vec::new(),
            entries: Vec::new(),
            level,
            format,
        }
    }

    /// Adds a whole part.
    pub(crate) fn part(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.streamed_part(name, |w| {
            w.buf.extend_from_slice(bytes);
            Ok(())
        })
    }

    /// Adds a part written piece by piece through `fill`, which appends XML
    /// to the buffer it is given and calls `flush` when the buffer is large.
    pub(crate) fn streamed_part(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut PartWriter) -> Result<()>,
    ) -> Result<()> {
        let mut writer = PartWriter {
            buf: Vec::with_capacity(CHUNK + 4096),
            crc: crc32fast::Hasher::new(),
            size: 0,
            encoder: DeflateEncoder::new(Vec::new(), Compression::new(self.level)),
            format: self.format,
        };
        fill(&mut writer)?;
        writer.flush_all()?;
        let crc = writer.crc.finalize();
        let size = writer.size;
        let data = writer
            .encoder
            .finish()
            .map_err(|e| ExportError::internal(self.format, e))?;
        let entry = Entry {
            name: name.to_owned(),
            crc,
            compressed: self.fits(data.len())?,
            size: self.fits(size)?,
            offset: self.fits(self.out.len())?,
        };
        let out = &mut self.out;
        put32(out, 0x0403_4b50);
        put16(out, VERSION);
        put16(out, 0); // flags: names are ASCII, sizes known
        put16(out, DEFLATED);
        put16(out, DOS_TIME);
        put16(out, DOS_DATE);
        put32(out, entry.crc);
        put32(out, entry.compressed);
        put32(out, entry.size);
        put16(out, name_len(name));
        put16(out, 0); // extra field length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&data);
        self.entries.push(entry);
        Ok(())
    }

    /// The whole package, central directory included.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>> {
        let directory_start = self.fits(self.out.len())?;
        let out = &mut self.out;
        for e in &self.entries {
            put32(out, 0x0201_4b50);
            put16(out, VERSION); // made by: MS-DOS, spec 2.0
            put16(out, VERSION);
            put16(out, 0);
            put16(out, DEFLATED);
            put16(out, DOS_TIME);
            put16(out, DOS_DATE);
            put32(out, e.crc);
            put32(out, e.compressed);
            put32(out, e.size);
            put16(out, name_len(&e.name));
            put16(out, 0); // extra field
            put16(out, 0); // comment
            put16(out, 0); // disk number
            put16(out, 0); // internal attributes
            put32(out, 0); // external attributes
            put32(out, e.offset);
            out.extend_from_slice(e.name.as_bytes());
        }
        let directory_size = self.fits(self.out.len())? - directory_start;
        let count = u16::try_from(self.entries.len())
            .map_err(|_| ExportError::internal(self.format, "too many parts"))?;
        let out = &mut self.out;
        put32(out, 0x0605_4b50);
        put16(out, 0); // this disk
        put16(out, 0); // disk with the directory
        put16(out, count);
        put16(out, count);
        put32(out, directory_size);
        put32(out, directory_start);
        put16(out, 0); // comment length
        self.fits(self.out.len())?;
        Ok(self.out)
    }

    /// Sizes and offsets past 4 GiB would need ZIP64, which we do not write.
    fn fits(&self, n: usize) -> Result<u32> {
        u32::try_from(n).map_err(|_| ExportError::TooLarge {
            format: self.format,
            limit: "4 GiB",
        })
    }
}

/// Part names are short constants.
fn name_len(name: &str) -> u16 {
    u16::try_from(name.len()).unwrap_or(u16::MAX)
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The buffer of a part being streamed into the package.
pub(crate) struct PartWriter {
    /// XML not yet compressed; append to it freely.
    pub buf: Vec<u8>,
    crc: crc32fast::Hasher,
    size: usize,
    encoder: DeflateEncoder<Vec<u8>>,
    format: &'static str,
}

impl PartWriter {
    /// Compresses the buffer once it holds a chunk.
    #[inline]
    pub(crate) fn flush(&mut self) -> Result<()> {
        if self.buf.len() >= CHUNK {
            self.flush_all()?;
        }
        Ok(())
    }

    fn flush_all(&mut self) -> Result<()> {
        self.crc.update(&self.buf);
        self.size += self.buf.len();
        self.encoder
            .write_all(&self.buf)
            .map_err(|e| ExportError::internal(self.format, e))?;
        self.buf.clear();
        Ok(())
    }
}
