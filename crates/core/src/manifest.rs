//! The day's manifest: rows of a station's parcel list, already decoded from CSV or XLSX into
//! text cells, become [`Parcel`]s with their assignee, or the reasons a row is refused. Pure, so
//! the server, the fuzz targets and the tests all read a file the same way.

use crate::day::Day;
use crate::money::parse_yuan;
use crate::record::{Address, ParcelFlags, ParcelKind, Recipient};
use crate::waybill::{Carrier, Waybill, WaybillError};
use crate::Lang;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most data rows one file may hold.
pub const MAX_ROWS: usize = 200_000;
/// Longest text a cell may hold, in characters.
pub const MAX_CELL_CHARS: usize = 200;
/// How many rows from the top are searched for the header (Excel exports often put a title above).
const HEADER_SEARCH_ROWS: usize = 5;

/// A column the manifest understands, by any of its Chinese or English header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Waybill,
    Carrier,
    Kind,
    Name,
    Phone,
    Address,
    Bulky,
    Fresh,
    Fragile,
    /// The amount to collect on delivery, in yuan; empty or 0 when there is none.
    Cod,
    Due,
    Courier,
    Area,
}

impl Column {
    pub const ALL: [Column; 13] = [
        Column::Waybill,
        Column::Carrier,
        Column::Kind,
        Column::Name,
        Column::Phone,
        Column::Address,
        Column::Bulky,
        Column::Fresh,
        Column::Fragile,
        Column::Cod,
        Column::Due,
        Column::Courier,
        Column::Area,
    ];
    /// A file without these is not a manifest.
    pub const REQUIRED: [Column; 3] = [Column::Waybill, Column::Phone, Column::Address];

    /// Header names, compared after [`header_key`]: Chinese as stations' systems export them,
    /// English as the template names them.
    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Waybill => &[
                "运单号",
                "快递单号",
                "单号",
                "运单编号",
                "waybill",
                "waybillno",
                "trackingnumber",
            ],
            Column::Carrier => &["快递公司", "承运商", "快递品牌", "carrier"],
            Column::Kind => &["类型", "业务类型", "派揽", "kind", "type"],
            Column::Name => &[
                "收件人",
                "收件人姓名",
                "姓名",
                "recipient",
                "name",
                "recipientname",
            ],
            Column::Phone => &[
                "电话",
                "手机",
                "手机号",
                "收件人电话",
                "收件人手机",
                "联系电话",
                "phone",
                "mobile",
            ],
            Column::Address => &["地址", "收件地址", "收件人地址", "详细地址", "address"],
            Column::Bulky => &["大件", "bulky"],
            Column::Fresh => &["生鲜", "fresh"],
            Column::Fragile => &["易碎", "易碎品", "fragile"],
            Column::Cod => &[
                "代收货款",
                "代收金额",
                "代收",
                "到付金额",
                "cod",
                "codamount",
                "cashondelivery",
            ],
            Column::Due => &[
                "应送达日期",
                "时效日期",
                "截止日期",
                "应送达",
                "due",
                "duedate",
            ],
            Column::Courier => &["快递员", "派件员", "业务员", "投递员", "courier"],
            Column::Area => &["片区", "区域", "片区编码", "area", "areacode"],
        }
    }

    pub fn from_header(header: &str) -> Option<Column> {
        let key = header_key(header);
        Column::ALL
            .into_iter()
            .find(|c| c.names().contains(&key.as_str()))
    }

    /// The name the supervisor reads in a problem list.
    pub fn label(self, lang: Lang) -> &'static str {
        use Lang::*;
        match (self, lang) {
            (Column::Waybill, Zh) => "运单号",
            (Column::Waybill, En) => "waybill",
            (Column::Carrier, Zh) => "快递公司",
            (Column::Carrier, En) => "carrier",
            (Column::Kind, Zh) => "类型",
            (Column::Kind, En) => "kind",
            (Column::Name, Zh) => "收件人",
            (Column::Name, En) => "recipient",
            (Column::Phone, Zh) => "电话",
            (Column::Phone, En) => "phone",
            (Column::Address, Zh) => "地址",
            (Column::Address, En) => "address",
            (Column::Bulky, Zh) => "大件",
            (Column::Bulky, En) => "bulky",
            (Column::Fresh, Zh) => "生鲜",
            (Column::Fresh, En) => "fresh",
            (Column::Fragile, Zh) => "易碎",
            (Column::Fragile, En) => "fragile",
            (Column::Cod, Zh) => "代收货款",
            (Column::Cod, En) => "cash on delivery",
            (Column::Due, Zh) => "应送达日期",
            (Column::Due, En) => "due date",
            (Column::Courier, Zh) => "快递员",
            (Column::Courier, En) => "courier",
            (Column::Area, Zh) => "片区",
            (Column::Area, En) => "area",
        }
    }
}

/// A header cell compared without case, spaces, underscores, dashes or a trailing colon.
fn header_key(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | ':' | '：' | '*'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Why a file or a row was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    // The file as a whole.
    NotCsvOrXlsx,
    Unreadable,
    TooLarge,
    TooManyRows,
    NoHeader,
    MissingColumn,
    NoRows,
    // One row.
    BadWaybill,
    UnknownCarrier,
    BadKind,
    NoPhone,
    BadPhone,
    NoAddress,
    BadFlag,
    BadAmount,
    BadDate,
    TooLong,
    DuplicateWaybill,
    UnknownCourier,
    NoAssignee,
}

impl Problem {
    pub fn message(self, lang: Lang) -> &'static str {
        use Lang::*;
        use Problem::*;
        match (self, lang) {
            (NotCsvOrXlsx, Zh) => "文件不是 CSV 或 XLSX 表格",
            (NotCsvOrXlsx, En) => "The file is not a CSV or XLSX spreadsheet",
            (Unreadable, Zh) => "无法识别文件编码（支持 UTF-8、GBK/GB18030）或文件已损坏",
            (Unreadable, En) => "The file's encoding is unreadable (UTF-8 and GBK/GB18030 are read) or the file is damaged",
            (TooLarge, Zh) => "文件超过大小上限",
            (TooLarge, En) => "The file is over the size limit",
            (TooManyRows, Zh) => "文件行数超过上限",
            (TooManyRows, En) => "The file has more rows than the limit",
            (NoHeader, Zh) => "找不到表头（须含运单号、电话、地址列）",
            (NoHeader, En) => "No header row found (it needs waybill, phone and address columns)",
            (MissingColumn, Zh) => "缺少必需的列",
            (MissingColumn, En) => "A required column is missing",
            (NoRows, Zh) => "文件中没有快件",
            (NoRows, En) => "The file holds no parcels",
            (BadWaybill, Zh) => "运单号无效",
            (BadWaybill, En) => "The waybill number is not valid",
            (UnknownCarrier, Zh) => "无法识别的快递公司",
            (UnknownCarrier, En) => "Unknown carrier",
            (BadKind, Zh) => "类型应为“派件”或“揽收”",
            (BadKind, En) => "The kind must be delivery or pickup",
            (NoPhone, Zh) => "缺少收件人电话",
            (NoPhone, En) => "The recipient's phone is missing",
            (BadPhone, Zh) => "电话应为 11 位手机号，或隐私号加分机号（如 17012345678-1234）",
            (BadPhone, En) => "The phone must be an 11-digit mobile, or a virtual number with an extension (17012345678-1234)",
            (NoAddress, Zh) => "缺少收件地址",
            (NoAddress, En) => "The address is missing",
            (BadFlag, Zh) => "应填“是”或“否”",
            (BadFlag, En) => "Must be yes or no",
            (BadAmount, Zh) => "金额应为元，最多两位小数",
            (BadAmount, En) => "The amount must be yuan with at most two decimals",
            (BadDate, Zh) => "不是日期（如 2026-12-07）",
            (BadDate, En) => "Not a date (such as 2026-12-07)",
            (TooLong, Zh) => "内容过长",
            (TooLong, En) => "The text is too long",
            (DuplicateWaybill, Zh) => "运单号在文件中重复",
            (DuplicateWaybill, En) => "The waybill appears twice in the file",
            (UnknownCourier, Zh) => "本站没有这个快递员",
            (UnknownCourier, En) => "No courier of this station has this username",
            (NoAssignee, Zh) => "未指定快递员，也没有匹配的片区规则",
            (NoAssignee, En) => "No courier given and no area rule matches",
        }
    }
}

/// One refused row (or the whole file, at line 0), with the reason in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowProblem {
    /// Line of the file (1 is the first), or the spreadsheet row.
    pub line: u32,
    pub column: Option<Column>,
    pub problem: Problem,
    pub message: String,
}

impl RowProblem {
    pub fn new(line: u32, column: Option<Column>, problem: Problem, lang: Lang) -> RowProblem {
        let mut message = String::new();
        if let Some(column) = column {
            message.push_str(column.label(lang));
            message.push_str(match lang {
                Lang::Zh => "：",
                Lang::En => ": ",
            });
        }
        message.push_str(problem.message(lang));
        RowProblem {
            line,
            column,
            problem,
            message,
        }
    }
}

/// A parcel of the day, as the manifest names it. The phone is the full number: it reaches the
/// courier's device only to be dialled, and every view masks it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Parcel {
    pub waybill: Waybill,
    pub carrier: Carrier,
    pub kind: ParcelKind,
    pub recipient: Recipient,
    /// The extension of a privacy waybill's virtual number, dialled after it.
    pub extension: Option<String>,
    pub flags: ParcelFlags,
    /// The amount to collect, when `flags.cash_on_delivery`.
    pub cod_fen: Option<u32>,
    pub due: Option<Day>,
}

impl Parcel {
    /// The `tel:` address that dials the recipient.
    pub fn tel_uri(&self) -> String {
        tel_uri(&self.recipient.phone, self.extension.as_deref())
    }
}

/// The `tel:` address that dials a number and then a virtual number's extension (a comma
/// pauses before the extension's digits).
pub fn tel_uri(phone: &str, extension: Option<&str>) -> String {
    match extension {
        Some(ext) => format!("tel:{phone},{ext}"),
        None => format!("tel:{phone}"),
    }
}

/// A parcel on a courier's route: the manifest's day and the parcel's place in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteParcel {
    pub day: Day,
    /// Position in the manifest, the route's initial order.
    pub seq: u32,
    pub parcel: Parcel,
}

/// One good row: the parcel and whom the file gives it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    pub line: u32,
    pub parcel: Parcel,
    /// The courier's username, when the file names one.
    pub courier: Option<String>,
    /// The area code, when the file names one.
    pub area: Option<String>,
}

/// One data row of a file: a parcel, or the reason the row is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Good(Box<ManifestRow>),
    Bad(RowProblem),
}

/// Reads decoded rows (line number and cells) one at a time, so a file of any length is never
/// held as parcels all at once. The header is the first of the top rows that names the required
/// columns. Yields each data row as a [`Line`]; a problem with the file as a whole (too many rows,
/// no data row at all) is an `Err` item, after which nothing more is read.
pub struct Reader<I> {
    rows: I,
    columns: Vec<Option<Column>>,
    /// First line of every good waybill so far: the only state that grows with the file.
    seen: HashMap<Waybill, u32>,
    count: usize,
    lang: Lang,
    done: bool,
}

impl<I: Iterator<Item = (u32, Vec<String>)>> Reader<I> {
    /// Finds the header; a file without one is refused whole.
    pub fn new(rows: impl IntoIterator<IntoIter = I>, lang: Lang) -> Result<Self, RowProblem> {
        let mut rows = rows.into_iter();
        let mut best_missing: Option<(u32, Column)> = None;
        for _ in 0..HEADER_SEARCH_ROWS {
            let Some((line, cells)) = rows.next() else {
                break;
            };
            let found: Vec<Option<Column>> = cells.iter().map(|c| Column::from_header(c)).collect();
            let missing = Column::REQUIRED
                .into_iter()
                .find(|r| !found.contains(&Some(*r)));
            match missing {
                None => {
                    return Ok(Reader {
                        rows,
                        columns: found,
                        seen: HashMap::new(),
                        count: 0,
                        lang,
                        done: false,
                    })
                }
                Some(column) if found.iter().any(Option::is_some) => {
                    best_missing.get_or_insert((line, column));
                }
                Some(_) => {}
            }
        }
        Err(match best_missing {
            Some((line, column)) => {
                RowProblem::new(line, Some(column), Problem::MissingColumn, lang)
            }
            None => RowProblem::new(0, None, Problem::NoHeader, lang),
        })
    }

    fn line(&mut self, line: u32, cells: &[String]) -> Line {
        let columns = &self.columns;
        let cell = |column: Column| -> &str {
            columns
                .iter()
                .position(|c| *c == Some(column))
                .and_then(|i| cells.get(i))
                .map_or("", |s| s.trim())
        };
        let lang = self.lang;
        match read_row(line, cell) {
            Ok(row) => match self.seen.get(&row.parcel.waybill) {
                Some(first) => {
                    let mut problem = RowProblem::new(
                        line,
                        Some(Column::Waybill),
                        Problem::DuplicateWaybill,
                        lang,
                    );
                    problem.message.push_str(&match lang {
                        Lang::Zh => format!("（首次出现在第 {first} 行）"),
                        Lang::En => format!(" (first on line {first})"),
                    });
                    Line::Bad(problem)
                }
                None => {
                    self.seen.insert(row.parcel.waybill.clone(), line);
                    Line::Good(Box::new(row))
                }
            },
            Err((column, problem)) => Line::Bad(RowProblem::new(line, Some(column), problem, lang)),
        }
    }
}

impl<I: Iterator<Item = (u32, Vec<String>)>> Iterator for Reader<I> {
    type Item = Result<Line, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        while let Some((line, cells)) = self.rows.next() {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            self.count += 1;
            if self.count > MAX_ROWS {
                self.done = true;
                return Some(Err(RowProblem::new(
                    line,
                    None,
                    Problem::TooManyRows,
                    self.lang,
                )));
            }
            return Some(Ok(self.line(line, &cells)));
        }
        self.done = true;
        (self.count == 0).then(|| Err(RowProblem::new(0, None, Problem::NoRows, self.lang)))
    }
}

fn read_row<'a>(
    line: u32,
    cell: impl Fn(Column) -> &'a str,
) -> Result<ManifestRow, (Column, Problem)> {
    for column in Column::ALL {
        if cell(column).chars().count() > MAX_CELL_CHARS {
            return Err((column, Problem::TooLong));
        }
    }
    let waybill = Waybill::parse(cell(Column::Waybill))
        .map_err(|_: WaybillError| (Column::Waybill, Problem::BadWaybill))?;
    let carrier = match cell(Column::Carrier) {
        "" => waybill.detect_carrier().unwrap_or(Carrier::Other),
        name => carrier_named(name).ok_or((Column::Carrier, Problem::UnknownCarrier))?,
    };
    let kind = parse_kind(cell(Column::Kind)).ok_or((Column::Kind, Problem::BadKind))?;
    let (phone, extension) = match cell(Column::Phone) {
        "" => return Err((Column::Phone, Problem::NoPhone)),
        text => parse_contact(text).ok_or((Column::Phone, Problem::BadPhone))?,
    };
    let address = match cell(Column::Address) {
        "" => return Err((Column::Address, Problem::NoAddress)),
        text => split_address(text),
    };
    let flag = |column: Column| parse_yes_no(cell(column)).ok_or((column, Problem::BadFlag));
    let cod_fen = match cell(Column::Cod) {
        "" => None,
        text => Some(parse_yuan(text).ok_or((Column::Cod, Problem::BadAmount))?).filter(|f| *f > 0),
    };
    let flags = ParcelFlags {
        bulky: flag(Column::Bulky)?,
        fresh: flag(Column::Fresh)?,
        fragile: flag(Column::Fragile)?,
        cash_on_delivery: cod_fen.is_some(),
    };
    let due = match cell(Column::Due) {
        "" => None,
        text => Some(Day::parse(text).ok_or((Column::Due, Problem::BadDate))?),
    };
    let name = Some(cell(Column::Name).to_string()).filter(|n| !n.is_empty());
    let text = |column: Column| Some(cell(column).to_string()).filter(|t| !t.is_empty());
    Ok(ManifestRow {
        line,
        parcel: Parcel {
            waybill,
            carrier,
            kind,
            recipient: Recipient {
                name,
                phone,
                address,
            },
            extension,
            flags,
            cod_fen,
            due,
        },
        courier: text(Column::Courier),
        area: text(Column::Area),
    })
}

/// A carrier by its code, its Chinese or English name, or the short name people use (顺丰, 中通).
fn carrier_named(name: &str) -> Option<Carrier> {
    let key = header_key(name);
    Carrier::ALL.into_iter().find(|c| {
        let zh = c.name(Lang::Zh);
        let short: String = zh.chars().take(2).collect();
        key == c.code().replace('_', "")
            || key == header_key(c.name(Lang::En))
            || key == zh.to_lowercase()
            || (*c != Carrier::Other && key == short.to_lowercase())
    })
}

fn parse_kind(text: &str) -> Option<ParcelKind> {
    match header_key(text).as_str() {
        "" | "派件" | "派送" | "投递" | "delivery" => Some(ParcelKind::Delivery),
        "揽收" | "揽件" | "寄件" | "收件" | "pickup" => Some(ParcelKind::Pickup),
        _ => None,
    }
}

fn parse_yes_no(text: &str) -> Option<bool> {
    match header_key(text).as_str() {
        "" | "否" | "无" | "n" | "no" | "0" | "false" => Some(false),
        "是" | "有" | "y" | "yes" | "1" | "true" | "√" | "✓" | "✔" => Some(true),
        _ => None,
    }
}

/// A mobile number, or a privacy waybill's virtual number with its extension
/// (`17012345678-1234`, `17012345678转1234`, `17012345678,1234`).
pub fn parse_contact(text: &str) -> Option<(String, Option<String>)> {
    let text: String = text
        .replace("ext", "x")
        .chars()
        .map(fullwidth_to_ascii)
        .filter(|c| !c.is_whitespace())
        .collect();
    let split = ['转', ',', '，', '#', 'x', 'X']
        .iter()
        .find_map(|sep| text.split_once(*sep))
        .or_else(|| {
            // Dashes may be formatting (138-1234-5634) or the extension's separator.
            let digits = text.bytes().filter(u8::is_ascii_digit).count();
            (digits > 11).then(|| text.rsplit_once('-')).flatten()
        });
    let (number, extension) = match split {
        Some((number, ext)) => (number, Some(ext)),
        None => (text.as_str(), None),
    };
    let mobile = crate::phone::parse_mobile(number).ok()?;
    match extension {
        None => Some((mobile, None)),
        Some(ext) if (1..=6).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_digit()) => {
            Some((mobile, Some(ext.to_string())))
        }
        Some(_) => None,
    }
}

fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '－' | '—' => '-',
        '＃' => '#',
        other => other,
    }
}

/// Splits an address written in one string into compound, building, unit and room where its shape
/// is clear (`愚园路1088弄5号楼2单元1203室`, `愚园路1088弄5-2-1203`); otherwise the whole string is
/// the compound and nothing is guessed.
pub fn split_address(text: &str) -> Address {
    let normal: String = text
        .chars()
        .map(fullwidth_to_ascii)
        .filter(|c| !c.is_whitespace())
        .collect();
    split_dashed(&normal)
        .or_else(|| split_marked(&normal))
        .unwrap_or_else(|| Address {
            compound: text.trim().to_string(),
            ..Address::default()
        })
}

/// The trailing run of ASCII digits of `s`, and what comes before it.
fn trailing_number(s: &str) -> Option<(&str, &str)> {
    let start = s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    (start < s.len()).then(|| s.split_at(start))
}

/// `…5-2-1203` (building, unit, room) or `…5-1203` (building, room).
fn split_dashed(s: &str) -> Option<Address> {
    let (rest, room) = trailing_number(s.strip_suffix('室').unwrap_or(s))?;
    let (rest, second) = trailing_number(rest.strip_suffix('-')?)?;
    let (compound, building, unit) = match rest.strip_suffix('-').and_then(trailing_number) {
        Some((compound, building)) => (compound, building, second),
        None => (rest, second, ""),
    };
    address(compound, building, unit, room)
}

/// `…5号楼2单元1203室`, `…5栋1203`, `…5幢2单元1203`.
fn split_marked(s: &str) -> Option<Address> {
    let (rest, room) = trailing_number(s.strip_suffix('室').unwrap_or(s))?;
    let (rest, unit) = match rest.strip_suffix("单元").and_then(trailing_number) {
        Some((rest, unit)) => (rest, unit),
        None => (rest, ""),
    };
    let marked = ["号楼", "栋", "幢", "座", "号"]
        .iter()
        .find_map(|m| rest.strip_suffix(m))?;
    let (compound, building) = trailing_number(marked)?;
    address(compound, building, unit, room)
}

fn address(compound: &str, building: &str, unit: &str, room: &str) -> Option<Address> {
    // A compound that is only a number, or ends without a name, is not a confident split.
    if compound.chars().count() < 2 || compound.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(Address {
        compound: compound.to_string(),
        building: building.to_string(),
        unit: unit.to_string(),
        room: room.to_string(),
    })
}

/// The courier a row goes to: the file's courier column if it names one (it must be a courier
/// of the station), else the station's area rule for the row's area code, else for its compound.
/// `courier_id` looks a username up; `rule` an area code or compound.
pub fn assignee<C: Copy>(
    row: &ManifestRow,
    courier_id: impl Fn(&str) -> Option<C>,
    rule: impl Fn(&str) -> Option<C>,
) -> Result<C, (Column, Problem)> {
    if let Some(username) = &row.courier {
        return courier_id(username).ok_or((Column::Courier, Problem::UnknownCourier));
    }
    row.area
        .as_deref()
        .and_then(&rule)
        .or_else(|| rule(&row.parcel.recipient.address.compound))
        .ok_or((Column::Courier, Problem::NoAssignee))
}

/// What importing a file would do, or did once confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManifestPreview {
    pub day: Day,
    /// Rows with a parcel, good or bad.
    pub rows: u32,
    pub added: u32,
    pub changed: u32,
    pub unchanged: u32,
    /// Rows that would change a parcel that already has an outcome: left as they are.
    pub kept: u32,
    /// Parcels per courier after the import, by username.
    pub per_courier: Vec<CourierParcels>,
    /// Refused rows, file order; at most [`MAX_LISTED_PROBLEMS`], `problem_count` has them all.
    pub problems: Vec<RowProblem>,
    pub problem_count: u32,
    /// Names this preview's changes: confirming sends it back, and the server refuses when the
    /// day's parcels changed in between.
    pub fingerprint: String,
    /// Whether this answer is the confirmed import, stored.
    pub stored: bool,
}

/// Most problems listed in one preview.
pub const MAX_LISTED_PROBLEMS: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourierParcels {
    pub courier: String,
    pub parcels: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file's good rows and refused ones, or why it is refused whole.
    #[derive(Debug)]
    struct Manifest {
        rows: Vec<ManifestRow>,
        problems: Vec<RowProblem>,
    }

    fn read(rows: Vec<(u32, Vec<String>)>, lang: Lang) -> Result<Manifest, RowProblem> {
        let mut manifest = Manifest {
            rows: Vec::new(),
            problems: Vec::new(),
        };
        for line in Reader::new(rows, lang)? {
            match line? {
                Line::Good(row) => manifest.rows.push(*row),
                Line::Bad(problem) => manifest.problems.push(problem),
            }
        }
        Ok(manifest)
    }

    fn rows(lines: &[&str]) -> Vec<(u32, Vec<String>)> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, l.split(',').map(str::to_string).collect()))
            .collect()
    }

    #[test]
    fn reads_chinese_headers_under_a_title_row() {
        let manifest = read(
            rows(&[
                "长宁站 12月7日 派件清单,,,",
                "运单号,收件人,手机号,收件地址,大件,代收金额,快递员,应送达日期",
                "SF1234567890123,张三,13812345634,愚园路1088弄5号楼2单元1203室,是,12.50,li,2026/12/7",
            ]),
            Lang::Zh,
        )
        .unwrap();
        assert!(manifest.problems.is_empty(), "{:?}", manifest.problems);
        let row = &manifest.rows[0];
        assert_eq!(row.line, 3);
        assert_eq!(row.parcel.carrier, Carrier::Sf);
        assert_eq!(row.parcel.recipient.address.building, "5");
        assert_eq!(row.parcel.recipient.address.unit, "2");
        assert_eq!(row.parcel.recipient.address.room, "1203");
        assert!(row.parcel.flags.bulky && row.parcel.flags.cash_on_delivery);
        assert_eq!(row.parcel.cod_fen, Some(1250));
        assert_eq!(row.courier.as_deref(), Some("li"));
        assert_eq!(
            row.parcel.due.map(|d| d.to_string()).as_deref(),
            Some("2026-12-07")
        );
    }

    #[test]
    fn every_bad_row_names_its_line_and_column() {
        let manifest = read(
            rows(&[
                "waybill,phone,address,kind,fresh,due,carrier",
                "SF1234567890123,13812345634,Room 1,,,,",
                "SF12,13812345634,Room 1,,,,",
                "SF1234567890124,12345,Room 1,,,,",
                "SF1234567890125,13812345634,,,,,",
                "SF1234567890126,13812345634,Room 1,return,,,",
                "SF1234567890127,13812345634,Room 1,,maybe,,",
                "SF1234567890128,13812345634,Room 1,,,soon,",
                "SF1234567890129,13812345634,Room 1,,,,Pigeon Post",
                "SF1234567890123,13812345634,Room 1,,,,",
            ]),
            Lang::En,
        )
        .unwrap();
        assert_eq!(manifest.rows.len(), 1);
        let found: Vec<(u32, Option<Column>, Problem)> = manifest
            .problems
            .iter()
            .map(|p| (p.line, p.column, p.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, Some(Column::Waybill), Problem::BadWaybill),
                (4, Some(Column::Phone), Problem::BadPhone),
                (5, Some(Column::Address), Problem::NoAddress),
                (6, Some(Column::Kind), Problem::BadKind),
                (7, Some(Column::Fresh), Problem::BadFlag),
                (8, Some(Column::Due), Problem::BadDate),
                (9, Some(Column::Carrier), Problem::UnknownCarrier),
                (10, Some(Column::Waybill), Problem::DuplicateWaybill),
            ]
        );
        assert_eq!(
            manifest.problems[7].message,
            "waybill: The waybill appears twice in the file (first on line 2)"
        );
    }

    #[test]
    fn rows_are_read_one_at_a_time_and_a_refusal_ends_the_file() {
        let header = (1, vec!["waybill".into(), "phone".into(), "address".into()]);
        let row = |n: u32| {
            let cells = [format!("SF{:013}", n), "13812345634".into(), "x".into()];
            (n + 1, cells.to_vec())
        };
        let endless = std::iter::once(header.clone()).chain((1..).map(row));
        let first: Vec<_> = Reader::new(endless, Lang::En).unwrap().take(2).collect();
        assert!(
            matches!(&first[..], [Ok(Line::Good(a)), Ok(Line::Good(b))] if a.line == 2 && b.line == 3)
        );

        let too_many = std::iter::once(header).chain((1..=MAX_ROWS as u32 + 5).map(row));
        let mut reader = Reader::new(too_many, Lang::En).unwrap();
        let refused = reader.by_ref().find_map(Result::err).unwrap();
        assert_eq!(refused.problem, Problem::TooManyRows);
        assert_eq!(refused.line, MAX_ROWS as u32 + 2);
        assert!(reader.next().is_none());
    }

    #[test]
    fn a_file_without_the_required_columns_is_refused_whole() {
        let missing = read(
            rows(&["waybill,phone", "SF1234567890123,13812345634"]),
            Lang::En,
        );
        assert_eq!(missing.unwrap_err().problem, Problem::MissingColumn);
        let nothing = read(rows(&["a,b,c", "1,2,3"]), Lang::En);
        assert_eq!(nothing.unwrap_err().problem, Problem::NoHeader);
        let empty = read(rows(&["waybill,phone,address", ",,"]), Lang::En);
        assert_eq!(empty.unwrap_err().problem, Problem::NoRows);
    }

    #[test]
    fn virtual_numbers_keep_their_extension() {
        for text in [
            "17012345678-1234",
            "17012345678转1234",
            "170 1234 5678,1234",
            "17012345678＃1234",
        ] {
            assert_eq!(
                parse_contact(text),
                Some(("17012345678".into(), Some("1234".into()))),
                "{text}"
            );
        }
        assert_eq!(
            parse_contact("138-1234-5634"),
            Some(("13812345634".into(), None))
        );
        assert_eq!(
            parse_contact("１３８１２３４５６３４"),
            Some(("13812345634".into(), None))
        );
        assert_eq!(parse_contact("17012345678-12a"), None);
        assert_eq!(parse_contact("021-12345678"), None);
    }

    #[test]
    fn addresses_split_where_their_shape_is_clear() {
        let split = |s: &str| {
            let a = split_address(s);
            (a.compound, a.building, a.unit, a.room)
        };
        let s = |a: &str, b: &str, c: &str, d: &str| (a.into(), b.into(), c.into(), d.into());
        assert_eq!(
            split("长宁区愚园路1088弄5号楼2单元1203室"),
            s("长宁区愚园路1088弄", "5", "2", "1203")
        );
        assert_eq!(
            split("愚园路1088弄 5-2-1203"),
            s("愚园路1088弄", "5", "2", "1203")
        );
        assert_eq!(
            split("愚园路1088弄5-1203"),
            s("愚园路1088弄", "5", "", "1203")
        );
        assert_eq!(split("华山路328号3栋601"), s("华山路328号", "3", "", "601"));
        assert_eq!(
            split("古北路555弄12号1101室"),
            s("古北路555弄", "12", "", "1101")
        );
        // No confident split: kept whole.
        assert_eq!(split("长宁路999号 前台"), s("长宁路999号 前台", "", "", ""));
        assert_eq!(split("12-1203"), s("12-1203", "", "", ""));
    }

    #[test]
    fn carriers_by_name_code_or_waybill() {
        assert_eq!(carrier_named("中通"), Some(Carrier::Zto));
        assert_eq!(carrier_named("ZTO Express"), Some(Carrier::Zto));
        assert_eq!(carrier_named("china_post"), Some(Carrier::ChinaPost));
        assert_eq!(carrier_named("顺丰速运"), Some(Carrier::Sf));
        assert_eq!(carrier_named("飞鸽"), None);
    }

    #[test]
    fn assignment_prefers_the_file_then_the_area_then_the_compound() {
        let row = |courier: Option<&str>, area: Option<&str>| ManifestRow {
            line: 2,
            parcel: read(
                rows(&[
                    "waybill,phone,address",
                    "SF1234567890123,13812345634,愚园路1088弄5-2-1203",
                ]),
                Lang::En,
            )
            .unwrap()
            .rows[0]
                .parcel
                .clone(),
            courier: courier.map(str::to_string),
            area: area.map(str::to_string),
        };
        let couriers = |u: &str| (u == "li").then_some(1);
        let rules = |k: &str| match k {
            "A7" => Some(2),
            "愚园路1088弄" => Some(3),
            _ => None,
        };
        assert_eq!(
            assignee(&row(Some("li"), Some("A7")), couriers, rules),
            Ok(1)
        );
        assert_eq!(
            assignee(&row(Some("wang"), None), couriers, rules),
            Err((Column::Courier, Problem::UnknownCourier))
        );
        assert_eq!(assignee(&row(None, Some("A7")), couriers, rules), Ok(2));
        assert_eq!(assignee(&row(None, Some("B1")), couriers, rules), Ok(3));
        assert_eq!(
            assignee(&row(None, None), couriers, |_| None::<i64>),
            Err((Column::Courier, Problem::NoAssignee))
        );
    }

    #[test]
    fn tel_dials_the_extension_after_a_pause() {
        let mut parcel = read(
            rows(&[
                "waybill,phone,address",
                "SF1234567890123,17012345678-1234,x",
            ]),
            Lang::En,
        )
        .unwrap()
        .rows
        .remove(0)
        .parcel;
        assert_eq!(parcel.tel_uri(), "tel:17012345678,1234");
        parcel.extension = None;
        assert_eq!(parcel.tel_uri(), "tel:17012345678");
    }
}
