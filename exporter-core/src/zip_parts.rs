//! A deterministic zip writer for Office Open XML packages.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::{ExportError, Result};

/// Flush generated XML to the compressor in pieces of this size.
const CHUNK: usize = 1 << 16;

/// Writes the parts of a package into an in-memory zip, every entry deflated
/// and dated 1980-01-01 so that the same parts give the same bytes.
pub(crate) struct Package {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    options: SimpleFileOptions,
    format: &'static str,
}

impl Package {
    pub(crate) fn new(format: &'static str, level: i64) -> Package {
        Package {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
            options: SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(level))
                .last_modified_time(DateTime::default()),
            format,
        }
    }

    /// Adds a whole part.
    pub(crate) fn part(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.zip
            .start_file(name, self.options)
            .map_err(|e| ExportError::internal(self.format, e))?;
        self.zip
            .write_all(bytes)
            .map_err(|e| ExportError::internal(self.format, e))
    }

    /// Adds a part written piece by piece through `fill`, which appends XML
    /// to the buffer it is given and calls `flush` when the buffer is large.
    pub(crate) fn streamed_part(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut PartWriter<'_>) -> Result<()>,
    ) -> Result<()> {
        self.zip
            .start_file(name, self.options)
            .map_err(|e| ExportError::internal(self.format, e))?;
        let mut writer = PartWriter {
            buf: Vec::with_capacity(CHUNK + 4096),
            zip: &mut self.zip,
            format: self.format,
        };
        fill(&mut writer)?;
        writer.flush_all()
    }

    pub(crate) fn finish(self) -> Result<Vec<u8>> {
        let format = self.format;
        Ok(self
            .zip
            .finish()
            .map_err(|e| ExportError::internal(format, e))?
            .into_inner())
    }
}

/// The buffer of a part being streamed into the package.
pub(crate) struct PartWriter<'a> {
    /// XML not yet compressed; append to it freely.
    pub buf: Vec<u8>,
    zip: &'a mut ZipWriter<Cursor<Vec<u8>>>,
    format: &'static str,
}

impl PartWriter<'_> {
    /// Compresses the buffer once it holds a chunk.
    #[inline]
    pub(crate) fn flush(&mut self) -> Result<()> {
        if self.buf.len() >= CHUNK {
            self.flush_all()?;
        }
        Ok(())
    }

    fn flush_all(&mut self) -> Result<()> {
        self.zip
            .write_all(&self.buf)
            .map_err(|e| ExportError::internal(self.format, e))?;
        self.buf.clear();
        Ok(())
    }
}
