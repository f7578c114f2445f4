//! Photos go up after their records: each photo whose record's current revision the server has
//! acknowledged is sent under its SHA-256 (the server keeps it once however often it comes) and
//! leaves the device once the server has it. A photo is never deleted on any other answer.

use super::SyncOutcome;
use crate::api::{self, ApiFailure};
use crate::storage::{Outbox, PhotoEntry, PhotoOwner, PhotoStore};
use doorstep_core::Lang;

/// What the server's answer to an upload means for the photo on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    /// Stored now (201) or already (200): it leaves the device.
    Delete,
    /// 404: no record of this courier names it on the server yet; 400: the bytes were damaged
    /// on the way (the sealed copy on the device is whole). It goes again next round.
    Keep,
    /// Refused for good (413, 415, …): kept, set aside with the server's message.
    SetAside(String),
    /// No answer, a server error, or the session is gone: the round ends here.
    Stop(SyncOutcome),
}

fn next(answer: Result<u16, ApiFailure>) -> Next {
    match answer {
        Ok(_) => Next::Delete,
        Err(ApiFailure::Http {
            status: 400 | 404, ..
        }) => Next::Keep,
        Err(ApiFailure::Http { status: 401, .. }) => Next::Stop(SyncOutcome::SignedOut),
        Err(failure) if failure.is_transient() => Next::Stop(SyncOutcome::Unreachable),
        Err(ApiFailure::Http { message, .. }) => Next::SetAside(message),
        Err(ApiFailure::Network) => Next::Stop(SyncOutcome::Unreachable),
    }
}

/// The photos to send: named by a record whose current revision the server has acknowledged,
/// and not refused before.
fn due(photos: Vec<PhotoEntry>, owners: &[PhotoOwner]) -> Vec<PhotoEntry> {
    let acknowledged = |photo: &PhotoEntry| {
        owners
            .iter()
            .any(|o| o.acknowledged && o.photos.contains(&photo.id))
    };
    photos
        .into_iter()
        .filter(|p| p.attention.is_none() && acknowledged(p))
        .collect()
}

/// Sends every photo that is due, one at a time.
pub async fn upload(outbox: &Outbox, store: &PhotoStore, token: &str, lang: Lang) -> SyncOutcome {
    let (owners, photos) = match (outbox.photo_owners().await, store.list().await) {
        (Ok(owners), Ok(photos)) => (owners, photos),
        (Err(e), _) | (_, Err(e)) => return e.into(),
    };
    for photo in due(photos, &owners) {
        let bytes = match store.bytes(&photo.id).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => continue,
            Err(e) => return e.into(),
        };
        let kept = match next(api::put_photo(token, &photo.id, bytes, lang).await) {
            Next::Delete => store.delete(std::slice::from_ref(&photo.id)).await,
            Next::Keep => Ok(()),
            Next::SetAside(message) => store.set_aside(photo, &message).await,
            Next::Stop(outcome) => return outcome,
        };
        if let Err(e) = kept {
            return e.into();
        }
    }
    SyncOutcome::Done
}

#[cfg(test)]
mod tests {
    use super::*;
    use doorstep_core::proof::PhotoId;
    use uuid::Uuid;

    fn failure(status: u16) -> Result<u16, ApiFailure> {
        Err(ApiFailure::Http {
            status,
            code: "x".into(),
            message: format!("HTTP {status}"),
            details: Vec::new(),
        })
    }

    #[test]
    fn a_photo_leaves_the_device_only_once_the_server_has_it() {
        assert_eq!(next(Ok(201)), Next::Delete);
        assert_eq!(next(Ok(200)), Next::Delete, "sent twice, stored once");
        assert_eq!(
            next(failure(404)),
            Next::Keep,
            "its record is not there yet"
        );
        assert_eq!(next(failure(400)), Next::Keep, "damaged on the way");
        for refused in [403, 413, 415] {
            assert_eq!(
                next(failure(refused)),
                Next::SetAside(format!("HTTP {refused}"))
            );
        }
        assert_eq!(next(failure(401)), Next::Stop(SyncOutcome::SignedOut));
        for transient in [500, 503, 429] {
            assert_eq!(
                next(failure(transient)),
                Next::Stop(SyncOutcome::Unreachable)
            );
        }
        assert_eq!(
            next(Err(ApiFailure::Network)),
            Next::Stop(SyncOutcome::Unreachable)
        );
    }

    fn photo(n: u8, taken_at: i64) -> PhotoEntry {
        PhotoEntry {
            id: PhotoId::of(&[n]),
            record: Some(Uuid::from_u128(u128::from(n))),
            taken_at,
            attention: None,
        }
    }

    #[test]
    fn only_photos_of_acknowledged_records_go_up() {
        let owner = |n: u8, photos: &[u8], acknowledged: bool| PhotoOwner {
            record: Uuid::from_u128(u128::from(n)),
            photos: photos.iter().map(|p| PhotoId::of(&[*p])).collect(),
            acknowledged,
        };
        let owners = [
            owner(1, &[1, 2], true),
            owner(3, &[3], false),
            owner(4, &[4], true),
        ];
        let mut refused = photo(4, 0);
        refused.attention = Some("HTTP 415".into());
        // Photo 5 is only the draft's.
        let photos = vec![
            photo(1, 10),
            photo(2, 20),
            photo(3, 5),
            refused,
            photo(5, 1),
        ];
        let sent: Vec<PhotoId> = due(photos, &owners).into_iter().map(|p| p.id).collect();
        assert_eq!(sent, vec![PhotoId::of(&[1]), PhotoId::of(&[2])]);
    }
}
