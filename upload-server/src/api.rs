//! The JSON the API sends and receives, as types: handlers build these, and
//! the OpenAPI document at `GET /api/openapi.json` is generated from them
//! and from the handlers' `#[utoipa::path]` attributes, so the two cannot
//! drift apart.

use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

pub use crate::db::{ExportSource, ExportStatus};

/// A table cell: text, a finite number, a boolean, a link or empty.
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A finite number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A link: the text shown and an http, https or mailto address.
    Link(LinkCell),
}

/// A link cell.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LinkCell {
    /// The text shown; the address when empty or missing.
    text: Option<String>,
    /// An http, https or mailto address, at most 2,079 bytes, no spaces.
    #[schema(pattern = "^(https?://|mailto:)[!-~]{1,2000}$")]
    url: String,
}

/// A file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// PDF.
    Pdf,
    /// Word (OOXML).
    Docx,
    /// Excel (OOXML).
    Xlsx,
    /// Comma-separated values (RFC 4180, UTF-8).
    Csv,
}

impl ExportFormat {
    /// The core's format.
    pub fn core(self) -> exporter_core::Format {
        match self {
            ExportFormat::Pdf => exporter_core::Format::Pdf,
            ExportFormat::Docx => exporter_core::Format::Docx,
            ExportFormat::Xlsx => exporter_core::Format::Xlsx,
            ExportFormat::Csv => exporter_core::Format::Csv,
        }
    }
}

impl From<exporter_core::Format> for ExportFormat {
    fn from(format: exporter_core::Format) -> ExportFormat {
        match format {
            exporter_core::Format::Pdf => ExportFormat::Pdf,
            exporter_core::Format::Docx => ExportFormat::Docx,
            exporter_core::Format::Xlsx => ExportFormat::Xlsx,
            exporter_core::Format::Csv => ExportFormat::Csv,
        }
    }
}

/// The kinds of artifact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactType {
    /// A table.
    Table,
    /// A workbook: several tables (a table is a workbook of one).
    Sheet,
}

impl ArtifactType {
    /// The JSON and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactType::Table => "table",
            ArtifactType::Sheet => "sheet",
        }
    }

    /// The type of a database spelling; rows written before there were
    /// other types are tables.
    pub fn from_db(kind: &str) -> ArtifactType {
        match kind {
            "sheet" => ArtifactType::Sheet,
            _ => ArtifactType::Table,
        }
    }
}

/// The events the web app reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventName {
    /// A file was made in the browser (its upload may come later, or never).
    ArtifactExported,
}

/// The table an artifact holds (the same JSON `rowpress` exports): with
/// `headers`, or with `columns` whose keys name the values of rows given
/// as objects.
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum TableData {
    /// Headers, and rows as arrays.
    Headers(HeadersTable),
    /// Columns, and rows as arrays or objects keyed by the columns' keys.
    Columns(ColumnsTable),
}

/// A table with `headers`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct HeadersTable {
    /// Optional title, used for the document title and file name.
    title: Option<String>,
    /// Its sheet's name in a workbook (XLSX's tab, checked against
    /// Excel's rules when rendered); PDF and DOCX show it above a sheet
    /// without a title.
    name: Option<String>,
    /// One header per column.
    headers: Vec<String>,
    /// Rows of cells; a short row is padded with empty cells.
    rows: Vec<Vec<Option<Cell>>>,
}

/// A column of a table given with `columns`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Column {
    /// Its header.
    header: String,
    /// Its key in rows given as objects.
    key: Option<String>,
    /// What its cells are, read from their text (`date` is `YYYY-MM-DD`,
    /// `datetime` `YYYY-MM-DDTHH:MM[:SS[.fff]]` without a time zone,
    /// `time` `HH:MM[:SS]`); a cell that is not is kept with a warning.
    #[serde(rename = "type")]
    kind: Option<ColumnType>,
    /// An Excel number-format code for its cells (needs `type`), such as
    /// `#,##0.00`, `0.0%` or `yyyy-mm-dd hh:mm`; a code Rowpress cannot
    /// show as Excel does is shown as General, with a warning.
    #[schema(min_length = 1, max_length = 255)]
    format: Option<String>,
    /// Alignment of its header and cells: `left`, `center` or `right`.
    align: Option<ColumnAlign>,
    /// Width in characters (the width of `0`), 1 to 255.
    #[schema(minimum = 1, maximum = 255)]
    width: Option<f64>,
}

/// What a column's cells are.
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Text.
    Text,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DDTHH:MM[:SS[.fff]]`.
    Datetime,
    /// `HH:MM[:SS]`.
    Time,
    /// A link: an http, https or mailto URL, or a link cell.
    Link,
}

/// How a column's text sits in its cells.
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "lowercase")]
pub enum ColumnAlign {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// A row given as an object: each value (a cell, or null for an empty
/// one) under its column's key; a key not given is an empty cell, a key no
/// column has is refused (422 `UNKNOWN_KEY`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RecordRow(std::collections::HashMap<String, Cell>);

/// A row: an array of cells, or an object keyed by the columns' keys.
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum Row {
    /// Cells by position.
    Cells(Vec<Option<Cell>>),
    /// Cells by key.
    Record(RecordRow),
}

/// A table with `columns`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ColumnsTable {
    /// Optional title, used for the document title and file name.
    title: Option<String>,
    /// Its sheet's name in a workbook, as [`HeadersTable`]'s.
    name: Option<String>,
    /// One per column, in order.
    columns: Vec<Column>,
    /// Rows; a short array row is padded with empty cells.
    rows: Vec<Row>,
}

/// Several tables exported as one file: XLSX has a worksheet each; PDF
/// and DOCX have them in order, each starting a page; CSV takes a
/// workbook of one sheet only.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct WorkbookData {
    /// Optional title, used for the document title and file name.
    title: Option<String>,
    /// The tables, in order.
    #[schema(min_items = 1)]
    sheets: Vec<TableData>,
}

/// What an artifact holds: a table (`table` and `sheet` artifacts), or a
/// workbook (`sheet` artifacts).
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum ArtifactData {
    /// One table.
    Table(TableData),
    /// Several tables.
    Workbook(WorkbookData),
}

/// `POST /api/artifacts` body.
#[derive(Deserialize, ToSchema)]
pub struct NewArtifact<'a> {
    /// `table` holds one table; `sheet` a workbook (or one table).
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    /// Title; by default the table's (or workbook's) own.
    pub title: Option<String>,
    /// The table or workbook, kept as the text it was sent as (checked
    /// while read, never built into a tree).
    #[serde(borrow)]
    #[schema(value_type = ArtifactData)]
    pub data: &'a serde_json::value::RawValue,
}

/// A table artifact.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    /// UUID.
    pub id: String,
    /// `table`.
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    /// Title, if any.
    pub title: Option<String>,
    /// RFC 3339 time of creation.
    pub created_at: String,
    /// The table or workbook (absent in lists), as the JSON text it was
    /// stored as.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ArtifactData>)]
    pub data: Option<Box<serde_json::value::RawValue>>,
}

/// A page of the caller's artifacts, newest first.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactList {
    /// Artifacts without their data.
    pub items: Vec<Artifact>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// One export of an artifact.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Export {
    /// UUID.
    pub id: String,
    /// The artifact exported.
    pub artifact_id: String,
    /// The file's format.
    pub format: ExportFormat,
    /// A download URL made for this response, valid for the server's
    /// URL_TTL; null unless `completed`.
    pub url: Option<String>,
    /// `processing`, `completed` or `failed`.
    pub status: ExportStatus,
    /// `upload` (the bytes were sent) or `server` (rendered here).
    pub source: ExportSource,
    /// RFC 3339 time of creation.
    pub created_at: String,
    /// Size of the file in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// What a server render kept another way than given, one line each
    /// naming row and column (`row 3, column 2: ...`): the first 100, then
    /// a count of the rest. Empty for uploads and for renders that kept
    /// every value as given.
    pub warnings: Vec<String>,
}

/// A page of exports, newest first.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportList {
    /// This page.
    pub items: Vec<Export>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// `POST /api/artifacts/export` body: have the server render the file.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenderRequest {
    /// The artifact to export.
    pub artifact_id: String,
    /// The format to render.
    pub format: ExportFormat,
}

/// `POST /api/dev/login` body.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DevLogin {
    /// Any user id: the token is issued for it without a password.
    pub user_id: String,
}

/// A bearer token.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// HS256 JWT, valid 12 hours.
    pub token: String,
    /// Its subject.
    pub user_id: String,
}

/// `GET /healthz`.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` while the process serves.
    pub status: String,
}

/// `GET /readyz`: what answers.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// The database answered a query.
    pub database: bool,
    /// Storage answered.
    pub storage: bool,
}

/// `POST /api/events` body: something the web app did.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientEvent {
    /// What happened.
    pub event: EventName,
    /// The artifact's type.
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    /// The file's format.
    pub format: ExportFormat,
    /// The artifact exported.
    pub artifact_id: String,
    /// How long the export took in the browser.
    pub duration_ms: u64,
    /// Rows exported.
    #[serde(default)]
    pub rows: u64,
    /// Size of the file made.
    #[serde(default)]
    pub size_bytes: u64,
    /// Made while offline (its upload waits).
    #[serde(default)]
    pub offline: bool,
}

/// The body of every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// A stable code and a one-line message.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable: `UNAUTHORIZED`, `NOT_FOUND`, `BAD_REQUEST`, `UNPROCESSABLE`,
    /// `PAYLOAD_TOO_LARGE`, `UNSUPPORTED_MEDIA_TYPE`, `CONFLICT`,
    /// `UNAVAILABLE`, `INTERNAL`, or an exporter code such as `TOO_LARGE`.
    #[schema(example = "NOT_FOUND")]
    pub code: String,
    /// For people; says what and where.
    #[schema(example = "artifact not found")]
    pub message: String,
}

/// The document's fixed parts; paths come from the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rowpress upload server",
        description = "Stores PDF, DOCX and XLSX files exported in the browser (or renders them), records each export and hands out download URLs."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "artifacts", description = "Table artifacts"),
        (name = "exports", description = "Exported files"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme the operations name.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
