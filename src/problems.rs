//! Problems found while loading a project: every loader pushes into one
//! [`Problems`] collector so that a single run reports everything at once.
//!
//! A [`Problem`] has a stable [`Code`] saying what kind of problem it is
//! (`yaml-syntax`, `adoption-rate-mismatch`…; the full list with what each
//! means and what to do is `docs/problems.md`), a [`Location`] (a file with
//! the line and column where they are known, or the command line), a
//! [`Severity`], and a message and hint in Japanese. `check --format json`
//! prints exactly these fields.
//!
//! The collector is bounded, so that a hostile or broken input cannot make a
//! run print (or hold) millions of lines:
//!
//! - at most [`MAX_PER_FILE`] problems are kept per file: the first ones by
//!   line, column, severity and text, whatever order they were found in. The
//!   rest are counted, and [`Problems::sorted`] ends that file's list with one
//!   summary problem ([`Code::ProblemsOmitted`], 「ほか N 件…」) giving the
//!   total and how many are errors; [`Problems::error_count`] and
//!   [`Problems::warning_count`] count every problem, kept or not.
//!   `check --format json` prints the same list, so it is complete in its
//!   counts and bounded in size the same way.
//! - every value quoted in a message (「…」) is cut to [`MAX_VALUE_CHARS`]
//!   characters plus 「…」, and a message or hint as a whole to
//!   [`MAX_TEXT_CHARS`]; control characters are shown as `[U+0008]` (line
//!   breaks and tabs as spaces), so a message is one line and cannot drive the
//!   terminal.

use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

/// How many problems of one file are kept and printed.
pub const MAX_PER_FILE: usize = 50;
/// How many characters of a quoted value (「…」) a message shows.
pub const MAX_VALUE_CHARS: usize = 80;
/// How many characters a message or a hint may have in all.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// How bad a problem is: errors stop the build, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// What a [`Location`] is in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A file or folder, named as the run named it (under `--project`).
    File(PathBuf),
    /// The command line's arguments (`--only`, `--prefecture`): no file, so
    /// no line or column; printed as `(コマンドライン)`, `file: null` in JSON.
    /// Listed after every file.
    CommandLine,
}

/// Where a problem is: a file with its 1-based line and column where they are
/// known (a whole file or folder has neither; a column needs a line), or the
/// command line.
///
/// The constructors say what is known: [`Location::file`], [`Location::line`],
/// [`Location::at`], and [`Location::new`] for positions that were computed
/// and may be missing. Line and column numbers start at 1: passing 0 is a bug
/// (debug builds panic; release builds treat it as unknown).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    source: Source,
    line: Option<NonZeroUsize>,
    column: Option<NonZeroUsize>,
}

/// A 1-based position number.
fn position(n: usize) -> Option<NonZeroUsize> {
    debug_assert!(n > 0, "line and column numbers start at 1");
    NonZeroUsize::new(n)
}

impl Location {
    /// A whole file or folder.
    pub fn file(path: impl Into<PathBuf>) -> Location {
        Location {
            source: Source::File(path.into()),
            line: None,
            column: None,
        }
    }

    /// A line of a file (no column: the whole line, row or entry).
    pub fn line(path: impl Into<PathBuf>, line: usize) -> Location {
        Location {
            line: position(line),
            ..Location::file(path)
        }
    }

    /// A line and column of a file.
    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize) -> Location {
        Location {
            column: position(column),
            ..Location::line(path, line)
        }
    }

    /// A position that was computed and may be unknown: a column without a
    /// line is dropped.
    pub fn new(path: impl Into<PathBuf>, line: Option<usize>, column: Option<usize>) -> Location {
        match (line, column) {
            (Some(line), Some(column)) => Location::at(path, line, column),
            (Some(line), None) => Location::line(path, line),
            (None, _) => Location::file(path),
        }
    }

    /// The command line's arguments.
    pub fn command_line() -> Location {
        Location {
            source: Source::CommandLine,
            line: None,
            column: None,
        }
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The file, `None` for the command line.
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::File(path) => Some(path),
            Source::CommandLine => None,
        }
    }

    /// The same place with its file named another way (e.g. relative to the
    /// project); the command line stays as it is.
    pub fn with_path(&self, f: impl FnOnce(&Path) -> PathBuf) -> Location {
        Location {
            source: match &self.source {
                Source::File(path) => Source::File(f(path)),
                Source::CommandLine => Source::CommandLine,
            },
            ..self.clone()
        }
    }

    /// The 1-based line, when known.
    pub fn line_number(&self) -> Option<usize> {
        self.line.map(NonZeroUsize::get)
    }

    /// The 1-based column, when known.
    pub fn column_number(&self) -> Option<usize> {
        self.column.map(NonZeroUsize::get)
    }
}

/// `file:line:column`, `file:line`, `file`, or `(コマンドライン)`.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::File(path) => write!(f, "{}", path.display())?,
            Source::CommandLine => f.write_str("(コマンドライン)")?,
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// The kinds of problem, each with its stable code (`as_str`), the severity
/// it is reported with, and its documentation; `docs/problems.md` lists the
/// same codes (a test keeps the two in step).
macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $severity:ident; )*) => {
        /// What kind of problem a [`Problem`] is. Each variant has a stable
        /// kebab-case code, grouped by the input it is about, printed by
        /// `check --format json` and documented in `docs/problems.md`. New
        /// kinds may be added; a code, once published, keeps its meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable code, e.g. `yaml-syntax`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity problems of this kind have; `None` when it
            /// depends ([`Code::ProblemsOmitted`]).
            pub fn severity(self) -> Option<Severity> {
                match self {
                    $(Code::$variant => codes!(@severity $severity),)*
                }
            }
        }
    };
    (@severity Error) => { Some(Severity::Error) };
    (@severity Warning) => { Some(Severity::Warning) };
    (@severity Either) => { None };
}

codes! {
    // The command line.
    /// An `--only` or `--prefecture` code is not six digits with the right check digit.
    CliBadCode = "cli-bad-code", Error;
    /// An `--only` or `--prefecture` code is well formed but names no site:
    /// it is not in the master list, or `--prefecture` names a municipality.
    CliUnknownCode = "cli-unknown-code", Error;

    // Any input file.
    /// A file or folder cannot be read (missing, no permission, an I/O error).
    FileUnreadable = "file-unreadable", Error;
    /// A text file (Markdown, YAML) is not UTF-8.
    FileEncoding = "file-encoding", Error;
    /// A file or folder name cannot become part of an output path or link
    /// (`\`, `..`, `:`, `#`, `%`, spaces, control characters, names Windows reserves…).
    FileName = "file-name", Error;
    /// Two file or folder names differ only in case, so they would be one
    /// file on Windows or macOS.
    FileNameCase = "file-name-case", Error;
    /// A file in an input folder is not read: not Markdown in `content/`, `.yml`
    /// in `data/subsidies/`, not a table in `data/adoption/`.
    FileIgnored = "file-ignored", Warning;

    // Every YAML file: config.yaml, data/sites.yaml, data/subsidies/*.yaml, front matter.
    /// The YAML cannot be read: indentation, an unclosed quote, a `: ` in a
    /// value, a tab, a stray `---`, an alias…
    YamlSyntax = "yaml-syntax", Error;
    /// A value has the wrong type or shape for its key: a list where one value
    /// is needed, text where a number or `true`/`false` is, an empty value, a
    /// word that is not one of the key's choices, a tag.
    YamlWrongType = "yaml-wrong-type", Error;
    /// A key is written twice in one mapping.
    YamlDuplicateKey = "yaml-duplicate-key", Error;
    /// A value holds a control character (also written as an escape such as
    /// `"\b"`), or a line break or tab where one line is expected.
    YamlControlCharacter = "yaml-control-character", Error;

    // config.yaml.
    /// `config.yaml` cannot be read (usually: it is not there).
    ConfigMissing = "config-missing", Error;
    /// `config.yaml` has a key outside its schema.
    ConfigUnknownKey = "config-unknown-key", Error;
    /// `config.yaml` lacks a required key.
    ConfigMissingKey = "config-missing-key", Error;
    /// A value in `config.yaml` is out of range or unreadable: a KPI share
    /// outside 0–1, a date, the tax rate, a paper size, a hosting URL, the
    /// accessibility policy's level, or one of its dates before `policy_date`.
    ConfigBadValue = "config-bad-value", Error;
    /// `config.yaml` has no `accessibility` policy, so the sites' policy pages
    /// cannot give its dates.
    ConfigNoAccessibilityPolicy = "config-no-accessibility-policy", Warning;
    /// Some sites have no public URL, so links to them are left out.
    ConfigUnlinkedSites = "config-unlinked-sites", Warning;
    /// A key of `adoption.sources` names no file of `data/adoption/` (a typo
    /// or a renamed file): the file it meant is shown without its source.
    ConfigUnknownAdoptionSource = "config-unknown-adoption-source", Warning;

    // content/: folders, front matter, news and events, Markdown bodies.
    /// A file under `content/prefectures/` or `content/municipalities/` is not
    /// in a folder named by a prefecture's or municipality's code.
    ContentFolder = "content-folder", Error;
    /// A page's name is one outreach uses for a page it makes, or an
    /// `_index.md` is at the top of `content/`.
    ContentReservedName = "content-reserved-name", Error;
    /// A Markdown file does not start with front matter (`---` … `---`).
    FrontMatterMissing = "front-matter-missing", Error;
    /// Front matter has a key its kind of page does not take.
    FrontMatterUnknownKey = "front-matter-unknown-key", Error;
    /// Front matter lacks a key its kind of page requires.
    FrontMatterMissingKey = "front-matter-missing-key", Error;
    /// A front-matter value cannot be read or is not allowed: a date, a time,
    /// a URL, a phone number, an FAQ audience, a news kind, a capacity of 0.
    FrontMatterBadValue = "front-matter-bad-value", Error;
    /// A news item (`kind: お知らせ`) has a key only events take.
    NewsEventKey = "news-event-key", Error;
    /// Dates or times of a news item or event are in the wrong order
    /// (`expires` before `date`, `event_end` before `event_date`, `apply_by`
    /// after the event, `end_time` not after `start_time`).
    NewsDateOrder = "news-date-order", Error;
    /// A news item or event has been listed for over a year without `expires`.
    NewsStale = "news-stale", Warning;
    /// An event lacks what a reader needs: `event_date`, a `venue` or
    /// `online: true`, or `start_time` beside `end_time`.
    EventIncomplete = "event-incomplete", Error;
    /// A Markdown body holds a control character.
    MarkdownControlCharacter = "markdown-control-character", Error;
    /// An `@/` link names a page that does not exist (or that this page's site does not have).
    MarkdownMissingLink = "markdown-missing-link", Error;
    /// Quotes, lists and HTML elements are nested deeper than 100 levels.
    MarkdownNesting = "markdown-nesting", Error;
    /// A page would load an image or other resource from another server.
    MarkdownRemoteResource = "markdown-remote-resource", Error;
    /// A page would load a resource from an address that does not work from a
    /// sub-path or from disk (`data:`, a path starting with `/`).
    MarkdownResourceAddress = "markdown-resource-address", Error;
    /// A character that shows differently (or not at all) on other systems:
    /// half-width kana, circled numbers, full-width letters and digits…
    LintCharacter = "lint-character", Warning;
    /// Spaces spread out a short Japanese word (「氏　名」).
    LintWordSpacing = "lint-word-spacing", Warning;
    /// A link's text does not say where it leads (「こちら」「ここ」「クリック」, or 8 characters or fewer).
    LintLinkText = "lint-link-text", Warning;
    /// An image (Markdown or `<img>`) has no alternative text.
    LintImageAlt = "lint-image-alt", Warning;
    /// A heading level is skipped (見出し2 then 見出し4; the body starts at `##`).
    LintHeadingLevel = "lint-heading-level", Warning;
    /// A link to a news item or event past its `expires`.
    LintExpiredLink = "lint-expired-link", Warning;

    // data/sites.yaml.
    /// `data/sites.yaml` has a key outside its schema.
    SitesUnknownKey = "sites-unknown-key", Error;
    /// An entry of `data/sites.yaml` is not a code of the master list.
    SitesUnknownSite = "sites-unknown-site", Error;
    /// A site's `url` does not start with `http://` or `https://`.
    SitesBadUrl = "sites-bad-url", Error;

    // data/municipalities.csv.
    /// A row of the master list has a malformed code, a wrong check digit, or
    /// a code that does not start with its prefecture code.
    MunicipalitiesBadCode = "municipalities-bad-code", Error;

    // Every CSV and .xlsx table (adoption, offices, master list).
    /// A table file is over a limit: its size, unpacked size, zip entries or cells.
    TableTooLarge = "table-too-large", Error;
    /// A table file cannot be read as CSV or `.xlsx` (old `.xls`, a broken
    /// archive, no sheet, an unclosed quote…).
    TableFormat = "table-format", Error;
    /// Some bytes of a CSV file could not be decoded: probably another encoding.
    TableEncoding = "table-encoding", Warning;
    /// A table file has no rows.
    TableEmpty = "table-empty", Error;
    /// No header row was found in the first ten non-blank rows.
    TableNoHeader = "table-no-header", Error;
    /// A column is named twice in the header.
    TableDuplicateColumn = "table-duplicate-column", Error;
    /// A required column is missing from the header.
    TableMissingColumn = "table-missing-column", Error;
    /// A cell holds a control character; its row is left out.
    TableControlCharacter = "table-control-character", Error;

    // data/adoption/.
    /// `data/adoption/` cannot be read: no adoption figures.
    AdoptionFolderUnreadable = "adoption-folder-unreadable", Warning;
    /// An adoption file's name does not start with a real date (`YYYY-MM-DD`).
    AdoptionFileName = "adoption-file-name", Error;
    /// An adoption file's date is after the build date.
    AdoptionFutureDate = "adoption-future-date", Warning;
    /// A row's local government cannot be identified from its code or name
    /// (unknown, ambiguous, empty, or a prefecture number where a prefecture is needed).
    AdoptionUnknownGovernment = "adoption-unknown-government", Error;
    /// A row's code and name are of different local governments (the code is used).
    AdoptionNameMismatch = "adoption-name-mismatch", Warning;
    /// A count or rate cell cannot be read as a number, or is over 10,000,000.
    AdoptionBadNumber = "adoption-bad-number", Error;
    /// A row has more using offices than offices.
    AdoptionUsingExceedsOffices = "adoption-using-exceeds-offices", Error;
    /// A printed rate does not match using ÷ offices.
    AdoptionRateMismatch = "adoption-rate-mismatch", Error;
    /// The same local government (or a totals row) appears twice in one file,
    /// or in two files of one date.
    AdoptionDuplicateRow = "adoption-duplicate-row", Error;
    /// The totals row does not equal the sum of the rows.
    AdoptionTotalsMismatch = "adoption-totals-mismatch", Error;
    /// A snapshot lacks rows for some prefectures or municipalities.
    AdoptionMissingRows = "adoption-missing-rows", Warning;
    /// A prefecture's row does not match the sum of its municipalities' rows.
    AdoptionPrefectureSumMismatch = "adoption-prefecture-sum-mismatch", Warning;

    // data/offices.csv.
    /// A cell is empty or cannot be read: service type, start date, the
    /// illustrative flag, a reading that is not kana, a phone number, the
    /// shape of a 法人番号, a text over 120 characters.
    OfficesBadValue = "offices-bad-value", Error;
    /// An office number is not ten characters in the 介護保険事業所番号 shape.
    OfficesBadNumber = "offices-bad-number", Error;
    /// An office number's check digit (10th) does not match its first nine digits.
    OfficesCheckDigit = "offices-check-digit", Warning;
    /// A 法人番号's check digit (its first digit) does not match the other twelve.
    OfficesCorporateCheckDigit = "offices-corporate-check-digit", Error;
    /// An address names a prefecture other than that of the office's municipality code.
    OfficesAddressMismatch = "offices-address-mismatch", Error;
    /// An office's municipality code is unknown or is a prefecture's.
    OfficesUnknownMunicipality = "offices-unknown-municipality", Error;
    /// An office starts using the system after the build date.
    OfficesFutureStart = "offices-future-start", Warning;
    /// The same office number and service type appear twice.
    OfficesDuplicateRow = "offices-duplicate-row", Error;

    // data/subsidies/*.yaml.
    /// A programme's file name (its id) has characters other than a–z, 0–9, `-`, `_`.
    SubsidyFileName = "subsidy-file-name", Warning;
    /// A programme's file is empty.
    SubsidyEmptyFile = "subsidy-empty-file", Error;
    /// A programme has a key outside its schema.
    SubsidyUnknownKey = "subsidy-unknown-key", Error;
    /// A programme lacks a required key, or leaves it empty.
    SubsidyMissingKey = "subsidy-missing-key", Error;
    /// A programme's value cannot be read or is not allowed: provider, an
    /// eligible word, rate, amounts, a date, a URL, `true`/`false`, a choice,
    /// an empty list item, an area code not in the master list.
    SubsidyBadValue = "subsidy-bad-value", Error;
    /// The application window ends before it starts.
    SubsidyWindowOrder = "subsidy-window-order", Error;
    /// `fee_basis` needs `licence_fee.consumption_tax` in `config.yaml`.
    SubsidyNeedsTaxRate = "subsidy-needs-tax-rate", Error;
    /// A list holds the same item twice.
    SubsidyDuplicateItem = "subsidy-duplicate-item", Warning;
    /// `covers` names the licence fee in other words than 「ライセンス料」, so the estimate leaves it out.
    SubsidyCoversWording = "subsidy-covers-wording", Warning;
    /// A municipality's programme lists `areas`.
    SubsidyAreasNotAllowed = "subsidy-areas-not-allowed", Error;
    /// A prefecture's programme lists an area that is not one of its
    /// municipalities (another prefecture's, or the prefecture itself).
    SubsidyAreaOutsidePrefecture = "subsidy-area-outside-prefecture", Error;
    /// An area is inside a prefecture also listed in `areas`.
    SubsidyAreaRedundant = "subsidy-area-redundant", Warning;
    /// A key has no effect without another: `areas_illustrative` without
    /// `areas`, `ceiling_per` without `ceiling_yen`.
    SubsidyIneffectiveKey = "subsidy-ineffective-key", Warning;
    /// `illustrative` and the name's 「（架空）」 disagree.
    SubsidyIllustrativeLabel = "subsidy-illustrative-label", Warning;
    /// `combinable_with` names the programme itself or a programme file that does not exist.
    SubsidyBadCombination = "subsidy-bad-combination", Error;
    /// `combinable_with` names a programme that does not allow it back, so the
    /// estimate does not combine them.
    SubsidyOneSidedCombination = "subsidy-one-sided-combination", Warning;

    // data/accessibility/*.yaml: accessibility test records.
    /// A record's file name does not start with a real date (`YYYY-MM-DD`),
    /// or ends in `.yml` instead of `.yaml`.
    AccessibilityFileName = "accessibility-file-name", Error;
    /// A record's date is after the build date: it is not used yet.
    AccessibilityFutureDate = "accessibility-future-date", Warning;
    /// A record has a key outside its schema.
    AccessibilityUnknownKey = "accessibility-unknown-key", Error;
    /// A record lacks a required key or leaves it empty: `tester`, `method`,
    /// `period` (with `start` and `end`), `technologies`, `sites` and their
    /// pages, `criteria`, a criterion's `result`.
    AccessibilityMissingKey = "accessibility-missing-key", Error;
    /// A record's value cannot be read or is not allowed: a date, a site code,
    /// a tested page's path (or the same page twice), a criterion number, a result word.
    AccessibilityBadValue = "accessibility-bad-value", Error;
    /// The test period ends before it starts, or after the record's date.
    AccessibilityDateOrder = "accessibility-date-order", Error;
    /// Some of the 38 level A and AA criteria have no result.
    AccessibilityMissingCriteria = "accessibility-missing-criteria", Error;
    /// Two records of the same date name the same site.
    AccessibilityDuplicateRecord = "accessibility-duplicate-record", Error;
    /// Some criteria are not met or not checked, and the record has no `plan`:
    /// the results page says 「配慮」, not 「一部準拠」.
    AccessibilityNoPlan = "accessibility-no-plan", Warning;

    // The theme: templates, static files, fonts, posters.
    /// The theme has no `templates/` folder.
    ThemeMissing = "theme-missing", Error;
    /// A template cannot be parsed (Tera syntax).
    ThemeTemplateSyntax = "theme-template-syntax", Error;
    /// A template names something that does not exist: a filter, function,
    /// test, block, parent or included template.
    ThemeTemplateReference = "theme-template-reference", Error;
    /// A template failed while a page was made (usually a variable it does not get).
    ThemeTemplateRender = "theme-template-render", Error;
    /// A font file of the theme is not a TrueType or OpenType font.
    FontInvalid = "font-invalid", Error;
    /// The theme's `fonts/` folder has no font.
    FontMissing = "font-missing", Error;
    /// The theme's `posters/` folder is missing or has no `.svg`.
    PosterNoTemplates = "poster-no-templates", Error;
    /// A poster template uses a font family that no loaded font provides.
    PosterUnknownFont = "poster-unknown-font", Error;
    /// A poster template's `data-tag` is not a known role, or a figure has no `data-alt`.
    PosterStructure = "poster-structure", Error;
    /// A poster template cannot be parsed (Tera syntax or a missing reference).
    PosterTemplate = "poster-template", Error;
    /// `posters.designs` in `config.yaml` names a design the theme does not have.
    PosterUnknownDesign = "poster-unknown-design", Error;
    /// A poster could not be made while building (template, SVG, font, PDF or PNG).
    PosterFailed = "poster-failed", Error;

    // The build: output folder and cache.
    /// A work folder left by an older outreach's interrupted build (it is kept).
    OutputLeftover = "output-leftover", Warning;
    /// The output folder was refused or could not be written (shown by `serve`;
    /// `build` prints the same refusal and exits 1).
    OutputFailed = "output-failed", Error;
    /// The build cache cannot be read or is damaged: everything is rebuilt.
    CacheUnusable = "cache-unusable", Warning;
    /// The build cache cannot be written: the next build rebuilds everything.
    CacheNotSaved = "cache-not-saved", Warning;
    /// `outreach bench` cannot write the project it generates to measure.
    BenchUnwritable = "bench-unwritable", Error;

    // The report itself.
    /// A file had more than 50 problems: the rest are counted, not listed.
    /// An error when any left out is an error, else a warning.
    ProblemsOmitted = "problems-omitted", Either;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem: its kind, where it is, how bad, what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    pub location: Location,
    pub severity: Severity,
    /// What is wrong, in Japanese, naming the offending value.
    pub message: String,
    /// What the editor should do about it, in Japanese.
    pub hint: String,
}

impl Problem {
    /// How problems of one file are ordered: by line, column, severity and
    /// text (the code last, so the printed order does not depend on it).
    fn order_key(&self) -> impl Ord + '_ {
        (
            (self.location.line, self.location.column, self.severity),
            &self.message,
            &self.hint,
            self.code,
        )
    }
}

/// The stable JSON form (`check --format json`): `code`, `file` (`null` for
/// the command line), `line` and `column` (`null` when unknown), `severity`,
/// `message`, `hint`.
impl serde::Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut p = s.serialize_struct("Problem", 7)?;
        p.serialize_field("code", &self.code)?;
        p.serialize_field(
            "file",
            &self
                .location
                .path()
                .map(|f| f.to_string_lossy().into_owned()),
        )?;
        p.serialize_field("line", &self.location.line_number())?;
        p.serialize_field("column", &self.location.column_number())?;
        p.serialize_field("severity", &self.severity)?;
        p.serialize_field("message", &self.message)?;
        p.serialize_field("hint", &self.hint)?;
        p.end()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "エラー",
            Severity::Warning => "警告",
        };
        write!(f, "{}: {kind}: {}", self.location, self.message)?;
        if !self.hint.is_empty() {
            write!(f, "（対処: {}）", self.hint)?;
        }
        Ok(())
    }
}

/// The problems of one file: the first [`MAX_PER_FILE`] kept, the rest counted.
#[derive(Debug, Default)]
struct FileProblems {
    /// A max-heap, so the last problem by position is the one to drop.
    kept: BinaryHeap<InFile>,
    omitted_errors: usize,
    omitted_warnings: usize,
}

/// A problem ordered within its file (all share the file, so it is not compared).
#[derive(Debug, PartialEq, Eq)]
struct InFile(Problem);

impl InFile {
    fn position(&self) -> (Option<NonZeroUsize>, Option<NonZeroUsize>, Severity) {
        (
            self.0.location.line,
            self.0.location.column,
            self.0.severity,
        )
    }
}

impl Ord for InFile {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.order_key().cmp(&other.0.order_key())
    }
}

impl PartialOrd for InFile {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl FileProblems {
    fn omit(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.omitted_errors += 1,
            Severity::Warning => self.omitted_warnings += 1,
        }
    }

    fn omitted(&self) -> usize {
        self.omitted_errors + self.omitted_warnings
    }

    /// The closing problem of a file whose list was cut.
    fn summary(&self, source: &Source) -> Option<Problem> {
        let omitted = self.omitted();
        if omitted == 0 {
            return None;
        }
        let total = self.kept.len() + omitted;
        Some(Problem {
            code: Code::ProblemsOmitted,
            location: Location {
                source: source.clone(),
                line: None,
                column: None,
            },
            severity: if self.omitted_errors > 0 {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: format!(
                "このファイルの問題は全部で {total} 件あり、ほか {omitted} 件（エラー {} 件、警告 {} 件）は表示を省略しました",
                self.omitted_errors, self.omitted_warnings
            ),
            hint: format!(
                "表示された {} 件を直してから、もう一度 check を実行してください",
                self.kept.len()
            ),
        })
    }
}

/// Collects problems from every loader. Output is sorted so runs are stable.
#[derive(Debug, Default)]
pub struct Problems {
    files: BTreeMap<Source, FileProblems>,
    errors: usize,
    warnings: usize,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    /// Report an error of kind `code` at `location`.
    pub fn error(
        &mut self,
        code: Code,
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(code, location, Severity::Error, message, hint);
    }

    /// Report a warning of kind `code` at `location`.
    pub fn warning(
        &mut self,
        code: Code,
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(code, location, Severity::Warning, message, hint);
    }

    fn push(
        &mut self,
        code: Code,
        location: Location,
        severity: Severity,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        debug_assert!(
            code.severity().is_none_or(|s| s == severity),
            "{code} is documented as {:?}, reported as {severity:?}",
            code.severity()
        );
        // A problem that comes after a full file's last kept one is only counted.
        if let Some(entry) = self.files.get_mut(&location.source)
            && entry.kept.len() == MAX_PER_FILE
            && entry
                .kept
                .peek()
                .is_some_and(|last| (location.line, location.column, severity) > last.position())
        {
            entry.omit(severity);
            self.count(severity);
            return;
        }
        self.add(Problem {
            code,
            location,
            severity,
            message: clean(&message.into()),
            hint: clean(&hint.into()),
        });
    }

    fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    /// Keep `problem` if it is among the first [`MAX_PER_FILE`] of its file;
    /// count it either way. An exact repeat of a kept problem is dropped.
    fn add(&mut self, problem: Problem) {
        let entry = match self.files.get_mut(&problem.location.source) {
            Some(entry) => entry,
            None => self
                .files
                .entry(problem.location.source.clone())
                .or_default(),
        };
        if entry.kept.iter().any(|p| p.0 == problem) {
            return;
        }
        let severity = problem.severity;
        entry.kept.push(InFile(problem));
        if entry.kept.len() > MAX_PER_FILE {
            let dropped = entry.kept.pop().expect("more than the limit");
            entry.omit(dropped.0.severity);
        }
        self.count(severity);
    }

    pub fn extend(&mut self, other: Problems) {
        for (source, problems) in other.files {
            let (errors, warnings) = (problems.omitted_errors, problems.omitted_warnings);
            for problem in problems.kept {
                self.add(problem.0);
            }
            if errors + warnings > 0 {
                let entry = self.files.entry(source).or_default();
                entry.omitted_errors += errors;
                entry.omitted_warnings += warnings;
                self.errors += errors;
                self.warnings += warnings;
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Every error found, including those left out of [`Problems::sorted`].
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// Every warning found, including those left out of [`Problems::sorted`].
    pub fn warning_count(&self) -> usize {
        self.warnings
    }

    pub fn is_empty(&self) -> bool {
        self.errors + self.warnings == 0
    }

    /// The kept problems, by file (the command line last), line and column;
    /// a file with more than [`MAX_PER_FILE`] problems ends with one summary
    /// problem ([`Code::ProblemsOmitted`]).
    pub fn sorted(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (source, problems) in &self.files {
            let mut kept: Vec<&Problem> = problems.kept.iter().map(|p| &p.0).collect();
            kept.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
            out.extend(kept.into_iter().cloned());
            out.extend(problems.summary(source));
        }
        out
    }
}

/// A message or hint made safe to print on one line: control characters
/// shown, quoted values (「…」) and the whole text shortened.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * MAX_TEXT_CHARS));
    let mut chars = 0usize;
    // How deep inside 「」 we are, and how many characters of the current
    // outermost quoted value have been seen.
    let mut depth = 0usize;
    let mut quoted = 0usize;
    let mut cut = false;
    for c in text.chars() {
        let inside = depth > 0;
        match c {
            '「' => depth += 1,
            '」' if inside => depth -= 1,
            _ => {}
        }
        if !inside && depth > 0 {
            quoted = 0;
        }
        if inside && depth > 0 {
            quoted += 1;
            if quoted > MAX_VALUE_CHARS {
                continue;
            }
        }
        if inside && depth == 0 && quoted > MAX_VALUE_CHARS {
            out.push('…');
            chars += 1;
        }
        if chars >= MAX_TEXT_CHARS {
            cut = true;
            break;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                use fmt::Write as _;
                let _ = write!(out, "[U+{:04X}]", u32::from(c));
                chars += "[U+0000]".len() - 1;
            }
            c => out.push(c),
        }
        chars += 1;
    }
    if cut || (depth > 0 && quoted > MAX_VALUE_CHARS) {
        out.push('…');
    }
    out
}

/// The one problem whose message contains every needle (for tests).
#[cfg(test)]
pub(crate) fn find_one<'a>(problems: &'a [Problem], needles: &[&str]) -> &'a Problem {
    let found: Vec<&Problem> = problems
        .iter()
        .filter(|p| needles.iter().all(|n| p.message.contains(n)))
        .collect();
    assert_eq!(found.len(), 1, "{needles:?} in {problems:#?}");
    found[0]
}

/// The problems of one kind (for tests).
#[cfg(test)]
pub(crate) fn with_code(problems: &[Problem], code: Code) -> Vec<&Problem> {
    problems.iter().filter(|p| p.code == code).collect()
}

/// The one problem of a kind (for tests).
#[cfg(test)]
pub(crate) fn one_with_code(problems: &[Problem], code: Code) -> &Problem {
    let found = with_code(problems, code);
    assert_eq!(found.len(), 1, "{code} in {problems:#?}");
    found[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_problems_keep_fifty_per_file_and_count_all() {
        let mut problems = Problems::new();
        let started = std::time::Instant::now();
        // A million bad rows, found in line order as loaders find them.
        for line in 1..=1_000_000 {
            let at = Location::at("a.csv", line, 1);
            if line % 10 == 0 {
                problems.warning(Code::AdoptionMissingRows, at, format!("w{line}"), "");
            } else {
                problems.error(Code::AdoptionBadNumber, at, format!("e{line}"), "");
            }
        }
        problems.error(Code::TableEmpty, Location::line("b.csv", 3), "b", "");
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        assert_eq!(problems.error_count(), 900_001);
        assert_eq!(problems.warning_count(), 100_000);
        let sorted = problems.sorted();
        assert_eq!(sorted.len(), MAX_PER_FILE + 1 + 1);
        let lines: Vec<Option<usize>> = sorted[..MAX_PER_FILE]
            .iter()
            .map(|p| p.location.line_number())
            .collect();
        assert_eq!(lines, (1..=MAX_PER_FILE).map(Some).collect::<Vec<_>>());
        let summary = &sorted[MAX_PER_FILE];
        assert_eq!(summary.code, Code::ProblemsOmitted);
        assert_eq!(summary.location, Location::file("a.csv"));
        assert_eq!(summary.severity, Severity::Error);
        assert!(
            summary.message.contains("全部で 1000000 件")
                && summary.message.contains("ほか 999950 件")
                && summary.message.contains("エラー 899955 件")
                && summary.message.contains("警告 99995 件"),
            "{summary}"
        );
        assert_eq!(
            sorted[MAX_PER_FILE + 1].location.path(),
            Some(Path::new("b.csv"))
        );
        // What a terminal gets is small.
        let printed: usize = sorted.iter().map(|p| p.to_string().len() + 1).sum();
        assert!(printed < 10_000, "{printed} bytes");
    }

    #[test]
    fn the_first_fifty_by_line_are_kept_whatever_the_order_found() {
        let mut problems = Problems::new();
        for line in (1..=10_000).rev() {
            problems.error(Code::TableEmpty, Location::line("a.csv", line), "e", "");
        }
        let sorted = problems.sorted();
        let lines: Vec<Option<usize>> = sorted[..MAX_PER_FILE]
            .iter()
            .map(|p| p.location.line_number())
            .collect();
        assert_eq!(lines, (1..=MAX_PER_FILE).map(Some).collect::<Vec<_>>());
        assert_eq!(sorted[MAX_PER_FILE].code, Code::ProblemsOmitted);
        assert!(sorted[MAX_PER_FILE].message.contains("ほか 9950 件"));
        assert_eq!(problems.error_count(), 10_000);
    }

    #[test]
    fn repeats_are_dropped_and_extend_keeps_the_bound() {
        let mut a = Problems::new();
        a.error(Code::YamlSyntax, Location::at("x", 1, 1), "same", "");
        a.error(Code::YamlSyntax, Location::at("x", 1, 1), "same", "");
        assert_eq!(a.error_count(), 1);
        let mut b = Problems::new();
        for line in 1..=60 {
            b.warning(
                Code::LintCharacter,
                Location::line("x", line + 100),
                "w",
                "",
            );
        }
        a.extend(b);
        assert_eq!(a.warning_count(), 60);
        let sorted = a.sorted();
        assert_eq!(sorted.len(), MAX_PER_FILE + 1);
        assert_eq!(sorted[0].message, "same");
        assert!(sorted[MAX_PER_FILE].message.contains("ほか 11 件"));
        assert_eq!(sorted[MAX_PER_FILE].severity, Severity::Warning);
        assert_eq!(sorted[MAX_PER_FILE].code, Code::ProblemsOmitted);
    }

    #[test]
    fn locations_say_what_is_known_and_print_as_before() {
        assert_eq!(Location::at("a.md", 3, 7).to_string(), "a.md:3:7");
        assert_eq!(Location::line("a.md", 3).to_string(), "a.md:3");
        assert_eq!(Location::file("data").to_string(), "data");
        assert_eq!(Location::new("a.md", None, Some(4)), Location::file("a.md"));
        assert_eq!(
            Location::new("a.md", Some(2), None),
            Location::line("a.md", 2)
        );
        assert_eq!(
            Location::new("a.md", Some(2), Some(4)),
            Location::at("a.md", 2, 4)
        );
        let cli = Location::command_line();
        assert_eq!(cli.to_string(), "(コマンドライン)");
        assert_eq!((cli.path(), cli.line_number()), (None, None));
        let p = Problem {
            code: Code::CliUnknownCode,
            location: cli,
            severity: Severity::Error,
            message: "m".into(),
            hint: "h".into(),
        };
        assert_eq!(p.to_string(), "(コマンドライン): エラー: m（対処: h）");
    }

    #[test]
    fn json_has_code_file_line_and_column_with_null_for_unknown() {
        let mut problems = Problems::new();
        problems.error(Code::CliBadCode, Location::command_line(), "c", "");
        problems.warning(Code::FileIgnored, Location::file("content/a.txt"), "w", "h");
        problems.error(
            Code::YamlSyntax,
            Location::at("config.yaml", 2, 8),
            "e",
            "h",
        );
        let json = serde_json::to_value(problems.sorted()).unwrap();
        // Files first (by path, then line), the command line last.
        assert_eq!(
            json,
            serde_json::json!([
                {"code": "yaml-syntax", "file": "config.yaml", "line": 2, "column": 8,
                 "severity": "error", "message": "e", "hint": "h"},
                {"code": "file-ignored", "file": "content/a.txt", "line": null, "column": null,
                 "severity": "warning", "message": "w", "hint": "h"},
                {"code": "cli-bad-code", "file": null, "line": null, "column": null,
                 "severity": "error", "message": "c", "hint": ""},
            ])
        );
    }

    #[test]
    fn docs_list_every_code_with_its_severity_and_no_other() {
        let doc = include_str!("../docs/problems.md");
        let table = &doc[doc.find("## Every code").expect("the code table")..];
        let mut listed = BTreeMap::new();
        for row in table.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = row.split(" | ").collect();
            let code = cells[0].trim_start_matches("| `").trim_end_matches('`');
            assert!(
                listed.insert(code, cells[1]).is_none(),
                "{code} is listed twice in docs/problems.md"
            );
            assert!(
                cells.len() == 4 && cells[2].len() > 10 && cells[3].len() > 10,
                "{code}: a row needs what it means and what to do: {row}"
            );
        }
        let codes: BTreeMap<&str, &str> = Code::ALL
            .iter()
            .map(|c| {
                let severity = match c.severity() {
                    Some(Severity::Error) => "error",
                    Some(Severity::Warning) => "warning",
                    None => "error or warning",
                };
                (c.as_str(), severity)
            })
            .collect();
        let missing: Vec<_> = codes.keys().filter(|c| !listed.contains_key(*c)).collect();
        let unknown: Vec<_> = listed.keys().filter(|c| !codes.contains_key(*c)).collect();
        assert!(missing.is_empty(), "not in docs/problems.md: {missing:?}");
        assert!(
            unknown.is_empty(),
            "docs/problems.md lists no such code: {unknown:?}"
        );
        assert_eq!(listed, codes, "severities in docs/problems.md");
    }

    #[test]
    fn codes_are_unique_kebab_case_and_grouped_by_input() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.split('-').count() >= 2
                    && s.split('-').all(|w| !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{s}"
            );
            assert_eq!(serde_json::to_value(code).unwrap(), s);
        }
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "documented as")]
    fn a_code_is_reported_with_its_documented_severity() {
        let mut problems = Problems::new();
        problems.warning(Code::YamlSyntax, Location::file("a"), "m", "");
    }

    #[test]
    fn long_values_are_shortened_and_controls_shown() {
        let long = "あ".repeat(500_000);
        let mut problems = Problems::new();
        problems.error(
            Code::FrontMatterBadValue,
            Location::at("x", 1, 1),
            format!("名称「{long}」が見つかりません"),
            format!("「{long}」"),
        );
        let p = &problems.sorted()[0];
        let expected = format!("名称「{}…」が見つかりません", "あ".repeat(MAX_VALUE_CHARS));
        assert_eq!(p.message, expected);
        assert_eq!(p.hint, format!("「{}…」", "あ".repeat(MAX_VALUE_CHARS)));
        assert_eq!(clean("a\u{8}b\nc\u{1b}[2J"), "a[U+0008]b c[U+001B][2J");
        // Shown control characters count as what they print.
        let controls = clean(&"\u{1}".repeat(5_000));
        assert!(
            controls.chars().count() <= MAX_TEXT_CHARS + 8,
            "{}",
            controls.len()
        );
        // Nested quotes count as one value; text outside quotes is capped as a whole.
        assert_eq!(clean("「a「b」c」"), "「a「b」c」");
        let unquoted = "x".repeat(5_000);
        let c = clean(&unquoted);
        assert_eq!(c.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(c.ends_with('…'));
        // An unclosed quote is cut too.
        assert_eq!(
            clean(&format!("「{}", "y".repeat(100))),
            format!("「{}…", "y".repeat(MAX_VALUE_CHARS))
        );
    }
}
