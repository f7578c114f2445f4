//! A manifest file's bytes into rows of text cells for `doorstep_core::manifest::Reader`: XLSX
//! (its first sheet) by its zip signature, otherwise CSV in UTF-8 (with or without a byte-order
//! mark) or, when that fails, GBK/GB18030 as Chinese Excel writes it.

use calamine::{Data, Reader, Xlsx};
use doorstep_core::manifest::Problem;
use std::borrow::Cow;
use std::io::Cursor;

/// Most bytes one manifest upload may have.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// A decoded file, whose rows are read lazily: a CSV never becomes a second copy of itself as
/// cells, and a UTF-8 one is read where it lies. A sheet is held whole (calamine's `Range`).
pub enum Decoded<'a> {
    Csv { text: Cow<'a, str>, delimiter: u8 },
    Sheet(calamine::Range<Data>),
}

/// Line (1 is the first) and cells of one row.
pub type Row = (u32, Vec<String>);

const ZIP: &[u8] = b"PK\x03\x04";
/// Signatures of files people pick by mistake: Excel 97–2003 (`.xls`), PDF, PNG, JPEG, gzip.
const NOT_A_TABLE: [&[u8]; 5] = [
    b"\xD0\xCF\x11\xE0",
    b"%PDF",
    b"\x89PNG",
    b"\xFF\xD8\xFF",
    b"\x1F\x8B",
];

/// Reads the file's format and text; the rows come from [`Decoded::rows`].
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, Problem> {
    if bytes.starts_with(ZIP) {
        let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|_| Problem::NotCsvOrXlsx)?;
        let sheet = workbook
            .worksheet_range_at(0)
            .ok_or(Problem::NoRows)?
            .map_err(|_| Problem::Unreadable)?;
        return Ok(Decoded::Sheet(sheet));
    }
    if NOT_A_TABLE.iter().any(|magic| bytes.starts_with(magic)) || bytes.contains(&0) {
        return Err(Problem::NotCsvOrXlsx);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or(Problem::Unreadable)?,
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(Problem::NotCsvOrXlsx);
    }
    Ok(Decoded::Csv {
        delimiter: delimiter(&text),
        text,
    })
}

/// A comma, unless the first line separates by tabs only (a sheet copied as text).
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    }
}

impl Decoded<'_> {
    pub fn rows(&self) -> Box<dyn Iterator<Item = Row> + '_> {
        match self {
            Decoded::Csv { text, delimiter } => {
                let reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(*delimiter)
                    .from_reader(text.as_bytes());
                Box::new(reader.into_records().map_while(Result::ok).map(|record| {
                    // After a CRLF, a record's position is still at the line feed before it.
                    let line = record.position().map_or(0, |p| {
                        p.line() + u64::from(text.as_bytes().get(p.byte() as usize) == Some(&b'\n'))
                    });
                    let cells = record.iter().map(str::to_string).collect();
                    (u32::try_from(line).unwrap_or(u32::MAX), cells)
                }))
            }
            Decoded::Sheet(sheet) => {
                let first = sheet.start().map_or(0, |(row, _)| row);
                Box::new(sheet.rows().enumerate().map(move |(i, cells)| {
                    let line = first.saturating_add(u32::try_from(i).unwrap_or(u32::MAX)) + 1;
                    (line, cells.iter().map(cell_text).collect())
                }))
            }
        }
    }
}

/// A cell as the text a person sees: dates as `YYYY-MM-DD`, whole numbers without `.0` (so
/// waybills and phone numbers typed as numbers survive), booleans as `true` / `false`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(at) if at.is_datetime() => {
            let (year, month, day, ..) = at.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::DateTime(at) => at.as_f64().to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> Vec<Row> {
        decode(bytes).unwrap().rows().collect()
    }

    #[test]
    fn reads_utf8_with_or_without_a_bom_and_gbk() {
        let text = "运单号,电话,地址\r\nSF1,\"138,1\",愚园路\r\n";
        let expected = vec![
            (1, vec!["运单号".into(), "电话".into(), "地址".into()]),
            (2, vec!["SF1".into(), "138,1".into(), "愚园路".into()]),
        ];
        assert_eq!(rows(text.as_bytes()), expected);
        assert_eq!(rows(&[b"\xEF\xBB\xBF", text.as_bytes()].concat()), expected);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(rows(&gbk), expected);
    }

    #[test]
    fn lines_count_quoted_line_breaks_and_short_rows_still_read() {
        let found = rows(b"a,b\n\"x\ny\",1\nz\n");
        assert_eq!(found[1], (2, vec!["x\ny".into(), "1".into()]));
        assert_eq!(found[2], (4, vec!["z".into()]));
    }

    #[test]
    fn files_that_are_not_tables_are_named() {
        for bytes in [
            &b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"[..],
            b"%PDF-1.7",
            b"a,b\x00c",
            b"PK\x03\x04not really a zip",
        ] {
            assert_eq!(
                decode(bytes).err(),
                Some(Problem::NotCsvOrXlsx),
                "{bytes:?}"
            );
        }
        assert_eq!(decode(b"\x81\x20\xFE\xFF").err(), Some(Problem::Unreadable));
    }

    #[test]
    fn spreadsheet_cells_read_as_people_see_them() {
        assert_eq!(cell_text(&Data::Float(13812345634.0)), "13812345634");
        assert_eq!(cell_text(&Data::Float(12.5)), "12.5");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        let date =
            calamine::ExcelDateTime::new(46363.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "2026-12-07");
    }
}
