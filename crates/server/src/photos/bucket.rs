//! Where photo bytes live: `object_store` behind one small type, a directory by default and an
//! S3-compatible bucket when configured, so several server instances can share the photos as they
//! share PostgreSQL.

use bytes::Bytes;
use doorstep_core::proof::PhotoId;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use std::sync::Arc;

/// The photo store. Objects are named by the photo's SHA-256, so writing a name again writes the
/// same bytes: a plain put is idempotent and needs no conditional-put support from the bucket.
#[derive(Clone, Debug)]
pub struct Bucket {
    store: Arc<dyn ObjectStore>,
}

/// Where an S3-compatible bucket is; credentials and region come from the usual `AWS_*`
/// variables.
#[derive(Clone, Debug)]
pub struct S3Config {
    pub bucket: String,
    /// e.g. `http://127.0.0.1:9000` for MinIO; absent for AWS itself.
    pub endpoint: Option<String>,
}

impl Bucket {
    /// A directory (created if missing).
    pub fn directory(dir: &std::path::Path) -> Result<Bucket, object_store::Error> {
        std::fs::create_dir_all(dir).map_err(|e| object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(e),
        })?;
        // The device deletes its copy once told the photo is stored: the bytes must be on disk.
        let store = LocalFileSystem::new_with_prefix(dir)?.with_fsync(true);
        Ok(Bucket {
            store: Arc::new(store),
        })
    }

    pub fn s3(config: &S3Config) -> Result<Bucket, object_store::Error> {
        // reqwest is built without a TLS provider of its own (see Cargo.toml): ring is this
        // process's. Installing it again (a second bucket) changes nothing. rustls deprecates it
        // for lacking post-quantum key exchange; aws-lc, which has it, costs a long C build.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(&config.bucket);
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        Ok(Bucket {
            store: Arc::new(builder.build()?),
        })
    }

    /// Kept in memory: for tests that drive the app without a server process.
    pub fn in_memory() -> Bucket {
        Bucket {
            store: Arc::new(InMemory::new()),
        }
    }

    pub async fn put(&self, id: &PhotoId, bytes: Bytes) -> Result<(), object_store::Error> {
        self.store.put(&path(id), bytes.into()).await.map(|_| ())
    }

    /// The bytes, or `None` when the store has no such object.
    pub async fn get(&self, id: &PhotoId) -> Result<Option<Bytes>, object_store::Error> {
        match self.store.get(&path(id)).await {
            Ok(found) => found.bytes().await.map(Some),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deleting what is already gone succeeds, so a retention run that stopped halfway can run
    /// again.
    pub async fn delete(&self, id: &PhotoId) -> Result<(), object_store::Error> {
        match self.store.delete(&path(id)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Two hex digits of fan-out keep a directory store's folders small.
fn path(id: &PhotoId) -> Path {
    Path::from(format!("photos/{}/{}", &id.as_str()[..2], id.as_str()))
}
