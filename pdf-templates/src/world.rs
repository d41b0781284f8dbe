//! The Typst `World`: everything the compiler may see while compiling one certificate.
//!
//! Split in two: [`Assets`] (library, fonts, parsed template) built once and shared by every
//! render, and [`CertificateWorld`], the few per-certificate files on top. The compiler can
//! read exactly the fixed virtual paths below and nothing else: no file system, no packages,
//! no system fonts (so a server without fonts renders the same bytes as a laptop).

use crate::image::ImageSlot;
use crate::template::{CERTIFICATE_PATH, CERTIFICATE_TYP, DATA_PATH, LABELS_JSON, LABELS_PATH};
use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The shared, immutable part of the world.
pub(crate) struct Assets {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    labels: Bytes,
    labels_id: FileId,
    data_id: FileId,
    image_ids: [(ImageSlot, FileId); ImageSlot::ALL.len()],
    qr_id: FileId,
}

impl Assets {
    pub(crate) fn new() -> Self {
        // Libertinus Serif, New Computer Modern and DejaVu Sans Mono, embedded in the binary;
        // all cover the Latvian letters.
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        let book = FontBook::from_fonts(&fonts);
        let main = Source::new(file_id(CERTIFICATE_PATH), CERTIFICATE_TYP.to_string());
        Self {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
            main,
            labels: Bytes::from_string(LABELS_JSON),
            labels_id: file_id(LABELS_PATH),
            data_id: file_id(DATA_PATH),
            image_ids: ImageSlot::ALL.map(|slot| (slot, file_id(slot.virtual_path()))),
            qr_id: file_id(QR_PATH),
        }
    }
}

impl Assets {
    /// Whether the certificate can print `c`: line breaks and tabs, or a character some
    /// embedded font has a glyph for (Typst falls back from Libertinus Serif to the others).
    /// Other control characters and uncovered characters would fail the PDF/A export, which
    /// forbids missing glyphs; checking first lets the error name the field.
    pub(crate) fn printable(&self, c: char) -> bool {
        match c {
            '\n' | '\r' | '\t' => true,
            ' '..='~' => true, // Libertinus covers all of printable ASCII.
            c if c.is_control() => false,
            c => self
                .fonts
                .iter()
                .any(|font| font.info().coverage.contains(u32::from(c))),
        }
    }
}

impl Assets {
    /// Every character [`printable`](Self::printable) accepts, ascending.
    pub(crate) fn printable_characters(&self) -> Vec<char> {
        let covered = self
            .fonts
            .iter()
            .flat_map(|font| font.info().coverage.iter())
            .filter_map(char::from_u32);
        let mut all: Vec<char> = ['\t', '\n', '\r']
            .into_iter()
            .chain(' '..='~')
            .chain(covered)
            .filter(|&c| self.printable(c))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// The file id of a fixed virtual path in the project root. Interning is global and permanent,
/// which is fine for this handful of constant paths.
fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("the fixed virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The verification QR code's one fixed path (made by the renderer, never uploaded).
pub(crate) const QR_PATH: &str = "/images/verification-qr";

/// One certificate's world: the shared assets plus its data and images.
pub(crate) struct CertificateWorld<'a> {
    assets: &'a Assets,
    data: Bytes,
    images: [Option<Bytes>; ImageSlot::ALL.len()],
    qr: Option<Bytes>,
    today: Option<Datetime>,
}

impl<'a> CertificateWorld<'a> {
    /// `data` is the JSON the template reads; `images` are in the order of [`ImageSlot::ALL`];
    /// `qr` is the verification QR code as a PNG;
    /// `today` is what Typst's `datetime.today()` answers (the issue date: never the clock, so
    /// the output stays reproducible).
    pub(crate) fn new(
        assets: &'a Assets,
        data: Vec<u8>,
        images: [Option<Bytes>; ImageSlot::ALL.len()],
        qr: Option<Bytes>,
        today: NaiveDate,
    ) -> Self {
        // `None` (Typst then reports an error if the template asks) for years Typst's date
        // type cannot hold; the renderer refuses those before getting here.
        let today = Datetime::from_ymd(today.year(), today.month() as u8, today.day() as u8);
        Self {
            assets,
            data: Bytes::new(data),
            images,
            qr,
            today,
        }
    }
}

impl World for CertificateWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.assets.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.assets.book
    }

    fn main(&self) -> FileId {
        self.assets.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.assets.main.id() {
            Ok(self.assets.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let assets = self.assets;
        if id == assets.main.id() {
            return Ok(Bytes::from_string(assets.main.clone()));
        }
        if id == assets.labels_id {
            return Ok(assets.labels.clone());
        }
        if id == assets.data_id {
            return Ok(self.data.clone());
        }
        if id == assets.qr_id {
            return self
                .qr
                .clone()
                .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()));
        }
        for ((_, slot_id), image) in assets.image_ids.iter().zip(&self.images) {
            if id == *slot_id {
                return image
                    .clone()
                    .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()));
            }
        }
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.assets.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}
