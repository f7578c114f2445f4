//! Reads a `text/event-stream` body as it arrives, for tests of the live feed: bytes in, whole
//! events (or heartbeat comments) out.

/// One block of the stream, up to its blank line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseBlock {
    pub event: Option<String>,
    pub id: Option<String>,
    pub data: String,
    /// A block of comment lines only: the server's heartbeat.
    pub comment: bool,
}

#[derive(Default)]
pub struct SseReader {
    pending: String,
}

impl SseReader {
    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.push_str(&String::from_utf8_lossy(bytes));
    }

    /// The next whole block received, if any.
    pub fn next_block(&mut self) -> Option<SseBlock> {
        let end = self.pending.find("\n\n")?;
        let text: String = self.pending.drain(..end + 2).collect();
        let mut block = SseBlock {
            comment: true,
            ..SseBlock::default()
        };
        for line in text.lines().filter(|l| !l.is_empty()) {
            if line.starts_with(':') {
                continue;
            }
            block.comment = false;
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value).to_string();
            match field {
                "event" => block.event = Some(value),
                "id" => block.id = Some(value),
                "data" => block.data.push_str(&value),
                _ => {}
            }
        }
        Some(block)
    }
}

/// A live stream held over HTTP, as a second server instance or a benchmark holds it.
pub struct LiveFeed {
    response: reqwest::Response,
    reader: SseReader,
}

impl LiveFeed {
    /// Opens `GET /api/v1/live` at `base` with `token`; panics unless the server answers 200.
    pub async fn open(base: &str, token: &str) -> LiveFeed {
        let response = reqwest::Client::new()
            .get(format!("{base}/api/v1/live"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "the live stream opens");
        LiveFeed {
            response,
            reader: SseReader::default(),
        }
    }

    /// The next event past heartbeats; panics after 10 s without one or if the stream ends.
    pub async fn next_event(&mut self) -> SseBlock {
        let wait = std::time::Duration::from_secs(10);
        loop {
            while let Some(block) = self.reader.next_block() {
                if !block.comment {
                    return block;
                }
            }
            let chunk = tokio::time::timeout(wait, self.response.chunk())
                .await
                .expect("the live stream says something within 10 s")
                .unwrap()
                .expect("the live stream is open");
            self.reader.push(&chunk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_come_out_whole_whatever_the_chunks() {
        let mut reader = SseReader::default();
        reader.push(b":\n\nevent: chan");
        assert!(reader.next_block().unwrap().comment);
        assert_eq!(reader.next_block(), None);
        reader.push(b"ges\nid: 7\ndata: 7\n\n");
        let block = reader.next_block().unwrap();
        assert_eq!(
            (
                block.event.as_deref(),
                block.id.as_deref(),
                block.data.as_str()
            ),
            (Some("changes"), Some("7"), "7")
        );
    }
}
