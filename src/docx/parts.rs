//! The package parts around the body: content types, relationships, properties, styles,
//! settings, the footer and the document element with its section properties.

use std::fmt::Write as _;

use super::{escape, DocxOptions, Page, BODY_FONT_EAST_ASIA, HEADING_FONT_EAST_ASIA, LATIN_FONT};
use crate::layout::FOOTER_SEPARATOR;

const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// The namespaces of the document and footer parts: `w14` for the checkbox controls, which
/// readers without it ignore (`mc:Ignorable`) and show as the ☐ they contain.
const NAMESPACES: &str = concat!(
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
    r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
    r#"xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" "#,
    r#"mc:Ignorable="w14""#
);

pub(super) const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
    r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    r#"</Types>"#
);

pub(super) const PACKAGE_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
    r#"</Relationships>"#
);

pub(super) const DOCUMENT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
    r#"</Relationships>"#
);

pub(super) const APP: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">"#,
    r#"<Application>checkgen</Application>"#,
    r#"</Properties>"#
);

/// Word 2013 and later compatibility; `w:evenAndOddHeaders` off; fields updated by Word as
/// usual (PAGE and NUMPAGES need no prompt).
pub(super) const SETTINGS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:zoom w:percent="100"/>"#,
    r#"<w:defaultTabStop w:val="420"/>"#,
    r#"<w:characterSpacingControl w:val="compressPunctuation"/>"#,
    r#"<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>"#,
    r#"</w:settings>"#
);

/// `docProps/core.xml`: title, subject, keywords, language and, with a timestamp, the dates.
pub(super) fn core(title: &str, options: &DocxOptions) -> String {
    let mut xml = String::from(DECLARATION);
    xml.push_str(concat!(
        r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
        r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#
    ));
    if !title.is_empty() {
        let _ = write!(xml, "<dc:title>{}</dc:title>", escape(title));
    }
    if !options.subject.is_empty() {
        let _ = write!(xml, "<dc:subject>{}</dc:subject>", escape(&options.subject));
    }
    if !options.keywords.is_empty() {
        let _ = write!(
            xml,
            "<cp:keywords>{}</cp:keywords>",
            escape(&options.keywords.join(", "))
        );
    }
    xml.push_str("<dc:language>zh-CN</dc:language>");
    if let Some(seconds) = options.timestamp {
        let when = w3c_date_time(seconds);
        for element in ["created", "modified"] {
            let _ = write!(
                xml,
                r#"<dcterms:{element} xsi:type="dcterms:W3CDTF">{when}</dcterms:{element}>"#
            );
        }
    }
    xml.push_str("</cp:coreProperties>");
    xml
}

/// `2026-11-30T09:30:00Z`.
fn w3c_date_time(seconds: i64) -> String {
    let (year, month, day) = crate::date::civil(seconds);
    let time = seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

/// `word/document.xml`: the body, then the section: A4 in the given orientation, the
/// margins of the PDF, the footer.
pub(super) fn document(body: &str, page: Page, landscape: bool) -> String {
    let orient = if landscape {
        r#" w:orient="landscape""#
    } else {
        ""
    };
    let footer_distance = page.margin / 2;
    format!(
        concat!(
            "{declaration}<w:document {namespaces}><w:body>{body}",
            r#"<w:sectPr><w:footerReference w:type="default" r:id="rId3"/>"#,
            r#"<w:pgSz w:w="{width}" w:h="{height}"{orient}/>"#,
            r#"<w:pgMar w:top="{margin}" w:right="{margin}" w:bottom="{margin}" w:left="{margin}" w:header="{footer}" w:footer="{footer}" w:gutter="0"/>"#,
            r#"<w:cols w:space="425"/><w:docGrid w:linePitch="312"/></w:sectPr>"#,
            "</w:body></w:document>"
        ),
        declaration = DECLARATION,
        namespaces = NAMESPACES,
        body = body,
        width = page.width,
        height = page.height,
        orient = orient,
        margin = page.margin,
        footer = footer_distance,
    )
}

/// `word/footer1.xml`: the Markdown's footer line, if any, then `第 X 页 共 Y 页` with the
/// page number and the page count as fields, centred — the text of the PDF's footer.
pub(super) fn footer(line: Option<&str>) -> String {
    let text = |t: &str| {
        format!(
            r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
            escape(t)
        )
    };
    let field = |instruction: &str| {
        format!(
            concat!(
                r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
                r#"<w:r><w:instrText xml:space="preserve"> {} </w:instrText></w:r>"#,
                r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r>"#,
                r#"<w:r><w:t>1</w:t></w:r>"#,
                r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#
            ),
            instruction
        )
    };
    let mut runs = String::new();
    if let Some(line) = line {
        runs.push_str(&text(&format!("{line}{FOOTER_SEPARATOR}")));
    }
    runs.push_str(&text("第 "));
    runs.push_str(&field("PAGE"));
    runs.push_str(&text(" 页 共 "));
    runs.push_str(&field("NUMPAGES"));
    runs.push_str(&text(" 页"));
    format!(
        r#"{DECLARATION}<w:ftr {NAMESPACES}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{runs}</w:p></w:ftr>"#
    )
}

/// Heading sizes in half-points, levels 1–6, as the PDF's (18, 14, 12, 11, 10.5, 10.5 pt).
const HEADING_SIZES: [u32; 6] = [36, 28, 24, 22, 21, 21];

/// `word/styles.xml`: the defaults (宋体 for Chinese, Times New Roman for Latin, 10.5 pt), the
/// built-in heading styles with their outline levels, and the styles of table text, code and
/// the footer.
pub(super) fn styles() -> String {
    let mut xml = String::from(DECLARATION);
    let _ = write!(
        xml,
        concat!(
            r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
            r#"<w:docDefaults><w:rPrDefault><w:rPr>"#,
            r#"<w:rFonts w:ascii="{latin}" w:eastAsia="{body}" w:hAnsi="{latin}" w:cs="{latin}"/>"#,
            r#"<w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="21"/>"#,
            r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>"#,
            r#"</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"#,
            r#"<w:spacing w:after="120" w:line="300" w:lineRule="auto"/>"#,
            r#"</w:pPr></w:pPrDefault></w:docDefaults>"#,
            r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>"#,
            r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>"#,
            r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>"#,
            r#"<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#,
        ),
        latin = LATIN_FONT,
        body = BODY_FONT_EAST_ASIA,
    );
    for (index, size) in HEADING_SIZES.iter().enumerate() {
        let level = index + 1;
        let centred = if level == 1 {
            r#"<w:jc w:val="center"/>"#
        } else {
            ""
        };
        let _ = write!(
            xml,
            concat!(
                r#"<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/>"#,
                r#"<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/>"#,
                r#"<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="{after}"/>{centred}<w:outlineLvl w:val="{outline}"/></w:pPr>"#,
                r#"<w:rPr><w:rFonts w:eastAsia="{heading}"/><w:b/><w:bCs/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>"#
            ),
            level = level,
            before = if level == 1 { 120 } else { 200 },
            after = if level == 1 { 240 } else { 100 },
            centred = centred,
            outline = index,
            heading = HEADING_FONT_EAST_ASIA,
            size = size,
        );
    }
    xml.push_str(concat!(
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/>"#,
        r#"<w:pPr><w:spacing w:after="0" w:line="260" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#,
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="Code"><w:name w:val="Code"/><w:basedOn w:val="Normal"/>"#,
        r#"<w:pPr><w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/><w:spacing w:after="120" w:line="240" w:lineRule="auto"/></w:pPr>"#,
        r#"<w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#,
        r#"<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>"#,
        r#"<w:pPr><w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#,
        r#"</w:styles>"#
    ));
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_w3c_utc() {
        assert_eq!(w3c_date_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(w3c_date_time(1_764_495_000), "2025-11-30T09:30:00Z");
    }

    #[test]
    fn the_footer_numbers_pages_with_fields_after_its_line() {
        let xml = footer(Some("编号：A-1"));
        let page = xml.find(" PAGE ").unwrap();
        let pages = xml.find(" NUMPAGES ").unwrap();
        assert!(xml.find("编号：A-1").unwrap() < page && page < pages);
        assert!(xml.contains("第 ") && xml.contains(" 页 共 "));
    }
}
