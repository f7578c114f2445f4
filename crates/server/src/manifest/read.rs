//! Reading an uploaded manifest on a blocking thread, handed over a chunk of lines at a time
//! through a bounded channel, so the import decides and stores each chunk while the next is read
//! and its memory does not grow with the file (the file's bytes and its waybills excepted). A
//! file that cannot be read, or whose rows cannot all be, is refused whole with its reason.

use super::decode::{decode, MAX_FILE_BYTES};
use crate::error::{ApiError, Text};
use axum::body::Bytes;
use axum::http::StatusCode;
use doorstep_core::manifest::{Line, Problem, Reader, RowProblem};
use doorstep_core::Lang;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Lines decided, and written, together.
const CHUNK_LINES: usize = 2_000;

/// The lines of a file being read.
pub struct Chunks {
    receiver: mpsc::Receiver<Result<Vec<Line>, RowProblem>>,
    reader: Option<JoinHandle<()>>,
}

/// Starts reading `body`; decoding and reading 100,000 rows is CPU work, off the async workers.
pub fn read(body: Bytes, lang: Lang) -> Chunks {
    // One chunk read ahead of the one being decided.
    let (sender, receiver) = mpsc::channel(1);
    let reader = tokio::task::spawn_blocking(move || {
        let refuse = |problem| {
            // A closed channel means the request is gone: nobody is left to tell.
            let _ = sender.blocking_send(Err(problem));
        };
        let decoded = match decode(&body) {
            Ok(decoded) => decoded,
            Err(problem) => return refuse(RowProblem::new(0, None, problem, lang)),
        };
        let lines = match Reader::new(decoded.rows(), lang) {
            Ok(lines) => lines,
            Err(problem) => return refuse(problem),
        };
        let mut chunk = Vec::with_capacity(CHUNK_LINES);
        for line in lines {
            match line {
                Ok(line) => chunk.push(line),
                Err(problem) => return refuse(problem),
            }
            if chunk.len() == CHUNK_LINES {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_LINES));
                if sender.blocking_send(Ok(full)).is_err() {
                    return;
                }
            }
        }
        if !chunk.is_empty() {
            let _ = sender.blocking_send(Ok(chunk));
        }
    });
    Chunks {
        receiver,
        reader: Some(reader),
    }
}

impl Chunks {
    /// The next chunk of lines in file order; `None` once the whole file is read.
    pub async fn next(&mut self) -> Result<Option<Vec<Line>>, ApiError> {
        match self.receiver.recv().await {
            Some(Ok(lines)) => Ok(Some(lines)),
            Some(Err(problem)) => Err(refused(&problem)),
            None => {
                // The reader has ended: a panic must not pass for the end of the file.
                if let Some(reader) = self.reader.take() {
                    reader.await.map_err(|e| ApiError::Internal(Box::new(e)))?;
                }
                Ok(None)
            }
        }
    }
}

/// The file refused as a whole, with the status that fits its reason and the reason in both
/// languages (the line, when the reason has one).
pub fn refused(problem: &RowProblem) -> ApiError {
    let status = match problem.problem {
        Problem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Problem::NotCsvOrXlsx => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let said = |lang| {
        let text = RowProblem::new(problem.line, problem.column, problem.problem, lang).message;
        match (problem.line, lang) {
            (0, _) if problem.problem == Problem::TooLarge => {
                format!("{text} ({} MiB)", MAX_FILE_BYTES / (1024 * 1024))
            }
            (0, _) => text,
            (line, Lang::Zh) => format!("第 {line} 行：{text}"),
            (line, Lang::En) => format!("line {line}: {text}"),
        }
    };
    ApiError::Refused {
        status,
        code: "manifest_file",
        message: Text::new(said(Lang::Zh), said(Lang::En)),
    }
}
