//! Writes sample certificates for looking at the layout:
//! `/tmp/sample-certificate.pdf` (English, with images) and
//! `/tmp/sample-certificate-lv.pdf` (Latvian, two pages, empty signature boxes).
//!
//! `cargo run --example sample`, then e.g. `pdftoppm -png -r 60 /tmp/sample-certificate.pdf /tmp/sample`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

fn main() {
    let started = Instant::now();
    let renderer = pdf_templates::Renderer::new();
    eprintln!("renderer ready in {:?}", started.elapsed());

    let mut english = common::english();
    english.holder.photo = Some(common::photo_png());
    english.signatures.sending.signature = Some(common::signature_png());
    english.signatures.sending.stamp = Some(common::photo_png());
    english.signatures.host.signature = Some(common::signature_png());

    let mut latvian = common::two_pages(common::latvian());
    latvian.europass_number = "TRY/2026/000001-7".into();

    for (data, path) in [
        (english, "/tmp/sample-certificate.pdf"),
        (latvian, "/tmp/sample-certificate-lv.pdf"),
    ] {
        let started = Instant::now();
        let rendered = renderer.render(&data).expect("render");
        eprintln!(
            "{path}: {} pages, {} bytes, sha256 {}, template {}, {:?}",
            rendered.pages,
            rendered.pdf.len(),
            rendered.sha256,
            rendered.template_version,
            started.elapsed()
        );
        std::fs::write(path, &rendered.pdf).expect("write");
    }
}
