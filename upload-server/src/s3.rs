//! The S3 backend (AWS or any S3-compatible store): the same key scheme as
//! local storage, and presigned GET URLs made on each request, never stored.

use std::io;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{
    Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumMode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;

use crate::config::Config;
use crate::storage::{Object, Storage};

/// A bucket.
pub struct S3Storage {
    client: Client,
    bucket: String,
}

impl S3Storage {
    /// A client for the configured bucket: region, endpoint and path style
    /// from the configuration, credentials from it or the standard AWS chain.
    ///
    /// # Errors
    ///
    /// When no bucket is configured.
    pub async fn new(config: &Config) -> Result<S3Storage, String> {
        let bucket = config
            .aws_s3_bucket
            .clone()
            .ok_or("STORAGE_BACKEND=s3 needs AWS_S3_BUCKET")?;
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(region) = &config.aws_region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let (Some(id), Some(secret)) = (&config.aws_access_key_id, &config.aws_secret_access_key)
        {
            loader = loader.credentials_provider(Credentials::new(
                id,
                secret,
                None,
                None,
                "rowpress-config",
            ));
        }
        let shared = loader.load().await;
        let mut s3 = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(config.s3_force_path_style)
            // Checksums only where S3 requires them: S3-compatible servers
            // differ in which of the newer checksum headers they accept.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if shared.region().is_none() {
            s3 = s3.region(Region::new("us-east-1"));
        }
        if let Some(endpoint) = &config.s3_endpoint {
            s3 = s3.endpoint_url(endpoint);
        }
        Ok(S3Storage {
            client: Client::from_conf(s3.build()),
            bucket,
        })
    }
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

#[async_trait]
impl Storage for S3Storage {
    async fn put(&self, object: Object<'_>) -> io::Result<()> {
        let len = object.bytes.len() as u64;
        // One PUT: S3 stores the object whole or not at all, and with
        // x-amz-checksum-sha256 it refuses bytes that do not hash to it.
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(object.key)
            .content_type(object.content_type)
            .content_disposition(crate::naming::content_disposition(object.file_name))
            .checksum_sha256(BASE64.encode(object.sha256))
            .body(ByteStream::from(object.bytes))
            .send()
            .await
            .map_err(|e| other(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        // Then what the bucket holds is checked: its size, and its SHA-256
        // where the store reports one.
        let head = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(object.key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await
            .map_err(|e| other(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let stored = head.content_length().and_then(|n| u64::try_from(n).ok());
        let digest_differs = head
            .checksum_sha256()
            .and_then(|c| BASE64.decode(c).ok())
            .is_some_and(|d| d != object.sha256);
        if stored != Some(len) || digest_differs {
            return Err(io::Error::other(format!(
                "the stored object differs from the upload ({stored:?} of {len} bytes)"
            )));
        }
        Ok(())
    }

    async fn get(&self, key: &str) -> io::Result<Option<Bytes>> {
        let answer = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        let object = match answer {
            Ok(o) => o,
            Err(e)
                if e.as_service_error().is_some_and(
                    aws_sdk_s3::operation::get_object::GetObjectError::is_no_such_key,
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(other(aws_sdk_s3::error::DisplayErrorContext(e))),
        };
        let expected = object.content_length().and_then(|n| u64::try_from(n).ok());
        let bytes = object.body.collect().await.map_err(other)?.into_bytes();
        // A body cut short is an error, never a shorter table.
        if expected.is_some_and(|n| n != bytes.len() as u64) {
            return Err(io::Error::other(format!(
                "{key}: got {} of {expected:?} bytes",
                bytes.len()
            )));
        }
        Ok(Some(bytes))
    }

    async fn delete(&self, key: &str) -> io::Result<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map(drop)
            .map_err(|e| other(aws_sdk_s3::error::DisplayErrorContext(e)))
    }

    async fn size(&self, key: &str) -> io::Result<Option<u64>> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => Ok(Some(
                head.content_length()
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
            )),
            Err(e)
                if e.as_service_error().is_some_and(
                    aws_sdk_s3::operation::head_object::HeadObjectError::is_not_found,
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(other(aws_sdk_s3::error::DisplayErrorContext(e))),
        }
    }

    async fn download_url(
        &self,
        _export_id: &str,
        key: &str,
        file_name: &str,
        ttl: Duration,
    ) -> io::Result<String> {
        let presigning = PresigningConfig::expires_in(ttl).map_err(other)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(crate::naming::content_disposition(file_name))
            .presigned(presigning)
            .await
            .map_err(|e| other(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(request.uri().to_owned())
    }

    async fn ready(&self) -> bool {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .is_ok()
    }
}
