//! The look of a form: page geometry, type sizes, spacing and rules, in one place.
//!
//! Sizes follow Chinese office practice: body text 五号 (10.5 pt), table text 小五 (9 pt),
//! the form title 小二 (18 pt) centred.

/// A4 width in points (210 mm).
pub const A4_WIDTH: f32 = 595.276;
/// A4 height in points (297 mm).
pub const A4_HEIGHT: f32 = 841.89;
/// Page margin on every side: 20 mm.
pub const MARGIN: f32 = 56.693;
/// Baseline of the footer, measured up from the bottom edge (10 mm).
pub const FOOTER_BASELINE: f32 = 28.35;
/// Footer size.
pub const FOOTER_SIZE: f32 = 9.0;
/// Between a footer's text (`<!-- checkgen-footer: … -->`) and the page number: two
/// ideographic spaces.
pub const FOOTER_SEPARATOR: &str = "\u{3000}\u{3000}";

/// Tables with at least this many columns turn an `Auto` document landscape.
pub const LANDSCAPE_COLUMNS: usize = 7;

/// Body text size (五号).
pub const BODY_SIZE: f32 = 10.5;
/// Body line height as a multiple of the size.
pub const BODY_LEADING: f32 = 1.6;
/// Space after a paragraph, list or other block.
pub const BLOCK_GAP: f32 = 6.0;

/// Heading sizes by level (1–6).
pub const HEADING_SIZES: [f32; 6] = [18.0, 14.0, 12.0, 11.0, 10.5, 10.5];
/// Space above a heading (not at the top of a page).
pub const HEADING_ABOVE: [f32; 6] = [6.0, 12.0, 10.0, 8.0, 6.0, 6.0];
/// Space below a heading.
pub const HEADING_BELOW: [f32; 6] = [12.0, 6.0, 4.0, 3.0, 2.0, 2.0];
/// Heading line height multiple.
pub const HEADING_LEADING: f32 = 1.4;
/// A heading moves to the next page unless this much room is left under it for what follows.
pub const KEEP_WITH_NEXT_MIN: f32 = 2.0 * BODY_SIZE * BODY_LEADING;

/// Table text size (小五).
pub const TABLE_SIZE: f32 = 9.0;
/// Table line height multiple.
pub const TABLE_LEADING: f32 = 1.45;
/// Horizontal padding inside a cell.
pub const CELL_PAD_X: f32 = 4.0;
/// Vertical padding inside a cell.
pub const CELL_PAD_Y: f32 = 3.5;
/// Grey of the header row.
pub const HEADER_FILL: f32 = 0.88;
/// Table rule width.
pub const RULE_WIDTH: f32 = 0.6;
/// Columns get up to this many ems of their natural width before any is wrapped harder.
pub const COMFORTABLE_EMS: f32 = 6.0;
/// Width granted to a column that is empty in every row (filled in by hand).
pub const FILL_IN_EMS: f32 = 12.0;
/// Columns whose widest content is at most this many ems are centred (序号, 页码…).
pub const NARROW_COLUMN_EMS: f32 = 4.0;

/// Indent per list level.
pub const LIST_INDENT: f32 = 21.0;
/// Deeper lists stop indenting here, so text never runs out of room.
pub const MAX_LIST_DEPTH: usize = 8;
/// Indent of a block quote's text.
pub const QUOTE_INDENT: f32 = 14.0;
/// Block quotes nested deeper than this stop indenting.
pub const MAX_QUOTE_DEPTH: usize = 6;
/// Grey of a block quote's bar and text.
pub const QUOTE_GRAY: f32 = 0.45;
/// Width of a block quote's bar.
pub const QUOTE_BAR_WIDTH: f32 = 2.0;

/// Background of code blocks.
pub const CODE_FILL: f32 = 0.95;
/// Code block text size.
pub const CODE_SIZE: f32 = 9.0;

/// Grey level of the ground behind inline code: a shade darker than a code block's, so that
/// a word or two stands out from the text around it.
pub const CODE_SPAN_FILL: f32 = 0.9;
