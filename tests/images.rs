//! `render` with images: local PNG and JPEG files laid out (read back with poppler's
//! `pdfimages -list`, `pdftotext` and `pdfinfo -struct-text`, and the figure's /Alt with
//! lopdf), everything else reported with its line, `--strict` refusing. Missing poppler tools
//! fail the tests.

mod common;

use std::path::Path;

use common::{checkgen_in, code, external, stderr};

/// `pdfimages -list`: per image, (type, width, height, colour, encoding, x-ppi, y-ppi).
fn images(pdf: &Path) -> Vec<(String, u32, u32, String, String, u32, u32)> {
    let out = external("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "pdfimages failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let n = |i: usize| f[i].parse::<u32>().unwrap();
            (
                f[2].to_string(),
                n(3),
                n(4),
                f[5].to_string(),
                f[8].to_string(),
                n(12),
                n(13),
            )
        })
        .collect()
}

fn fixtures(dir: &Path) {
    let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images");
    std::fs::create_dir_all(dir.join("img")).unwrap();
    for name in ["diagram.png", "photo.jpg"] {
        std::fs::copy(images.join(name), dir.join("img").join(name)).unwrap();
    }
}

/// The acceptance case: a footnote, a PNG (with transparency), a JPEG, a code block, raw HTML
/// and math; images relative to the Markdown file, rendered from another directory.
const DOCUMENT: &str = "# 现场照片\n\
\n\
检查过程见下图。[^1]\n\
\n\
![机房拓扑](img/diagram.png)\n\
\n\
现场照片：![机柜 `A-01` 照片](img/photo.jpg)拍摄于检查当日。\n\
\n\
```\nlet x = 1;\n```\n\
\n\
<div>附件</div>\n\
\n\
$E = mc^2$\n\
\n\
[^1]: 照片由检查人员拍摄。\n";

#[test]
fn png_and_jpeg_are_laid_out_the_rest_is_warned_about_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc");
    fixtures(&doc);
    std::fs::write(doc.join("a.md"), DOCUMENT).unwrap();
    let out = checkgen_in(dir.path(), &["render", "doc/a.md", "-o", "a.pdf"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let warnings = stderr(&out);
    assert!(
        warnings.contains(
            "doc/a.md: not laid out: raw HTML (shown as text) at line 13; \
             math (shown as text) at line 15\n"
        ),
        "{warnings}"
    );
    assert!(!warnings.contains("image"), "{warnings}");
    let pdf = dir.path().join("a.pdf");
    // At their natural size at 96 dpi (both fit the text width): the PNG's colour deflated
    // with its alpha as a soft mask, the JPEG as it is.
    assert_eq!(
        images(&pdf),
        [
            (
                "image".into(),
                160,
                90,
                "rgb".into(),
                "image".into(),
                96,
                96
            ),
            (
                "smask".into(),
                160,
                90,
                "gray".into(),
                "image".into(),
                96,
                96
            ),
            (
                "image".into(),
                400,
                267,
                "rgb".into(),
                "jpeg".into(),
                96,
                96
            ),
        ]
    );
    let jpeg = std::fs::read(doc.join("img/photo.jpg")).unwrap();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.windows(jpeg.len()).any(|w| w == jpeg),
        "the JPEG is embedded unchanged"
    );
    let text = external("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let text = String::from_utf8_lossy(&text.stdout);
    for shown in [
        "检查过程见下图。[1]",
        "现场照片：",
        "拍摄于检查当日。",
        "let x = 1;",
        "[1] 照片由检查人员拍摄。",
    ] {
        assert!(text.contains(shown), "{shown} missing: {text}");
    }
    // The alternative text is not drawn: it is the figure's /Alt.
    assert!(!text.contains("机房拓扑"), "{text}");
    let structure = external("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    let structure = String::from_utf8_lossy(&structure.stdout);
    assert_eq!(structure.matches("Figure").count(), 2, "{structure}");
    let doc_pdf = lopdf::Document::load(&pdf).unwrap();
    let mut alts: Vec<String> = doc_pdf
        .objects
        .values()
        .filter_map(|object| {
            let dict = object.as_dict().ok()?;
            (dict.get(b"S").ok()?.as_name().ok()? == b"Figure").then(|| {
                lopdf::decode_text_string(dict.get(b"Alt").expect("a figure has /Alt")).unwrap()
            })
        })
        .collect();
    alts.sort();
    assert_eq!(alts, ["机房拓扑", "机柜 A-01 照片"]);

    let strict = checkgen_in(
        dir.path(),
        &["render", "doc/a.md", "-o", "strict.pdf", "--strict"],
    );
    assert_eq!(code(&strict), 1, "{}", stderr(&strict));
    assert!(!dir.path().join("strict.pdf").exists());
}

/// A PNG of `width` × `height` grey pixels.
fn png(path: &Path, width: u32, height: u32) {
    let file = std::fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    let pixels: Vec<u8> = (0..width * height).map(|i| (i % 251) as u8).collect();
    writer.write_image_data(&pixels).unwrap();
}

#[test]
fn large_images_shrink_to_the_text_width_and_the_page_height() {
    let dir = tempfile::tempdir().unwrap();
    png(&dir.path().join("wide.png"), 2000, 500);
    png(&dir.path().join("tall.png"), 400, 4000);
    std::fs::write(
        dir.path().join("a.md"),
        "宽图：\n\n![宽](wide.png)\n\n长图：\n\n![长](tall.png)\n",
    )
    .unwrap();
    let out = checkgen_in(
        dir.path(),
        &["render", "a.md", "--orientation", "portrait", "--strict"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let listed = images(&dir.path().join("a.pdf"));
    // 2000 px across the 481.9 pt text width of a portrait page: 299 pixels per inch.
    assert!((298..=299).contains(&listed[0].5), "{listed:?}");
    assert_eq!(listed[0].5, listed[0].6, "{listed:?}");
    // 4000 px within one page's text height (728.5 pt less the footer's room): more than
    // 4000 / (728.5 / 72) = 395 pixels per inch, the same both ways.
    let (x_ppi, y_ppi) = (listed[1].5, listed[1].6);
    assert!(y_ppi >= 395 && x_ppi == y_ppi, "{listed:?}");
    let pages = external("pdfinfo", &[dir.path().join("a.pdf").to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&pages.stdout).contains("Pages:           2"),
        "the tall image starts a page of its own"
    );
}

#[test]
fn missing_remote_and_unsupported_images_are_named_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.gif"), b"GIF89a\x01\x00\x01\x00").unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "![无](none.png)\n\n![远](https://example.org/a.png)\n\n![动](a.gif)\n\n| 表 |\n| --- |\n| ![格](a.gif) |\n",
    )
    .unwrap();
    let out = checkgen_in(dir.path(), &["render", "a.md"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "a.md: not laid out: image none.png (no such file; its alternative text is shown) \
             at line 1; image https://example.org/a.png (an address, not a local file: nothing \
             is fetched; its alternative text is shown) at line 3; image a.gif (not a PNG or \
             baseline/progressive JPEG file; its alternative text is shown) at lines 5, 9"
        ),
        "{}",
        stderr(&out)
    );
    let listed = external(
        "pdfimages",
        &["-list", dir.path().join("a.pdf").to_str().unwrap()],
    );
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 2);
}
