//! The mobility's certificates as one ZIP archive, written by the `zip` crate (an earlier
//! hand-written writer produced central-directory records that every real reader rejected).
//! Entries are stored, not deflated: PDFs are compressed already.

use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Builds a ZIP archive of `(file name, bytes)` entries, in order.
pub fn stored_zip(entries: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .unix_permissions(0o644);
    let mut archive = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        archive.start_file(name.as_str(), options)?;
        archive.write_all(bytes)?;
    }
    Ok(archive.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn an_archive_reads_back_entry_by_entry() {
        let zip = stored_zip(&[
            ("a.pdf".into(), b"hello".to_vec()),
            ("ē.pdf".into(), vec![]),
        ])
        .unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut text = String::new();
        archive
            .by_name("a.pdf")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "hello");
        assert_eq!(archive.by_index(1).unwrap().name().unwrap(), "ē.pdf");
    }
}
