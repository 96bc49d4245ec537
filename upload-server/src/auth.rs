//! Bearer tokens (JWT, HS256) and signed download URLs, each with its own
//! key derived from AUTH_SECRET, so one can never stand for the other.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::AppState;
use crate::error::ApiError;

type HmacSha256 = Hmac<Sha256>;

/// Keys derived from the configured secret.
#[derive(Clone)]
pub struct Keys {
    jwt: [u8; 32],
    url: [u8; 32],
    /// Signs the development login's tokens: only a server running with
    /// `--dev-login` accepts them, so a production server sharing the
    /// secret never honours a token handed out without a password.
    dev: [u8; 32],
}

/// Which tokens a server accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Tokens of `upload-server token` (and of whatever issues them with
    /// the secret).
    Real,
    /// Tokens of the development login.
    Dev,
}

impl Keys {
    /// Derives the token and URL keys from `secret` (HMAC-SHA256 with fixed labels).
    pub fn from_secret(secret: &[u8]) -> Keys {
        Keys {
            jwt: derive(secret, b"rowpress/jwt/v1"),
            url: derive(secret, b"rowpress/download-url/v1"),
            dev: derive(secret, b"rowpress/dev-login-jwt/v1"),
        }
    }

    fn token_key(&self, kind: TokenKind) -> &[u8; 32] {
        match kind {
            TokenKind::Real => &self.jwt,
            TokenKind::Dev => &self.dev,
        }
    }

    /// A token for `user`, valid for `ttl`.
    ///
    /// # Errors
    ///
    /// When `user` is not a valid user id.
    pub fn issue(&self, user: &str, ttl: Duration) -> Result<String, String> {
        self.issue_kind(TokenKind::Real, user, ttl)
    }

    /// A token of `kind` for `user`, valid for `ttl`.
    ///
    /// # Errors
    ///
    /// When `user` is not a valid user id.
    pub fn issue_kind(&self, kind: TokenKind, user: &str, ttl: Duration) -> Result<String, String> {
        check_user_id(user)?;
        let now = unix_now();
        let claims = Claims {
            sub: user.to_owned(),
            iat: now,
            exp: now + ttl.as_secs(),
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(self.token_key(kind)),
        )
        .map_err(|e| e.to_string())
    }

    /// The user a token names, if it is valid: HS256 only (so `alg: none`
    /// and key confusion are refused), signed with our key, not expired.
    pub fn verify(&self, token: &str) -> Option<String> {
        self.verify_kind(TokenKind::Real, token)
    }

    /// The user a token of `kind` names, if it is valid.
    pub fn verify_kind(&self, kind: TokenKind, token: &str) -> Option<String> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(
            token,
            &DecodingKey::from_secret(self.token_key(kind)),
            &validation,
        )
        .ok()?;
        check_user_id(&data.claims.sub).ok()?;
        Some(data.claims.sub)
    }

    /// The signature of a download of `key` until `expires` (Unix seconds).
    pub fn sign_download(&self, key: &str, expires: u64) -> String {
        hex::encode(self.download_mac(key, expires).finalize().into_bytes())
    }

    /// The MAC over what a download URL grants: the key and its expiry.
    fn download_mac(&self, key: &str, expires: u64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.url).expect("HMAC takes keys of any length");
        mac.update(key.as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    /// Whether `signature` signs `key` until `expires`, and that is not past;
    /// compared in constant time.
    pub fn check_download(&self, key: &str, expires: u64, signature: &str) -> bool {
        if expires < unix_now() {
            return false;
        }
        let Ok(given) = hex::decode(signature) else {
            return false;
        };
        self.download_mac(key, expires).verify_slice(&given).is_ok()
    }
}

fn derive(secret: &[u8], label: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: u64,
    exp: u64,
}

/// User ids become part of storage keys: letters, digits, `-` and `_`, 1 to 64.
///
/// # Errors
///
/// A message saying what is allowed.
pub fn check_user_id(user: &str) -> Result<(), String> {
    if (1..=64).contains(&user.len())
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err(format!(
            "user id {user:?} must be 1 to 64 letters, digits, '-' or '_'"
        ))
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The authenticated user of a request (`Authorization: Bearer <JWT>`).
pub struct AuthUser(pub String);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(ApiError::Unauthorized)?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or(ApiError::Unauthorized)?;
        let token = token.trim();
        state
            .keys
            .verify(token)
            .or_else(|| {
                state
                    .config
                    .dev_login
                    .then(|| state.keys.verify_kind(TokenKind::Dev, token))
                    .flatten()
            })
            .map(AuthUser)
            .ok_or(ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_tampering() {
        let keys = Keys::from_secret(b"secret");
        let token = keys.issue("alice", Duration::from_secs(60)).unwrap();
        assert_eq!(keys.verify(&token).as_deref(), Some("alice"));
        assert_eq!(Keys::from_secret(b"other").verify(&token), None);
        let mut parts: Vec<&str> = token.split('.').collect();
        let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"; // {"alg":"none","typ":"JWT"}
        parts[0] = none_header;
        assert_eq!(keys.verify(&format!("{}.{}.", parts[0], parts[1])), None);
        assert!(keys.issue("../x", Duration::from_secs(60)).is_err());
    }

    #[test]
    fn download_signatures_bind_key_and_expiry() {
        let keys = Keys::from_secret(b"secret");
        let exp = unix_now() + 60;
        let sig = keys.sign_download("exports/a/b.pdf", exp);
        assert!(keys.check_download("exports/a/b.pdf", exp, &sig));
        assert!(!keys.check_download("exports/a/c.pdf", exp, &sig));
        assert!(!keys.check_download("exports/a/b.pdf", exp + 1, &sig));
        let past = unix_now() - 1;
        assert!(!keys.check_download(
            "exports/a/b.pdf",
            past,
            &keys.sign_download("exports/a/b.pdf", past)
        ));
        // The token key and URL key differ.
        assert_ne!(keys.jwt, keys.url);
    }

    #[test]
    fn dev_tokens_are_not_real_tokens() {
        let keys = Keys::from_secret(b"the same secret");
        let dev = keys
            .issue_kind(TokenKind::Dev, "alice", Duration::from_secs(60))
            .unwrap();
        assert_eq!(keys.verify(&dev), None, "a real server refuses it");
        assert_eq!(
            keys.verify_kind(TokenKind::Dev, &dev).as_deref(),
            Some("alice")
        );
        let real = keys.issue("alice", Duration::from_secs(60)).unwrap();
        assert_eq!(keys.verify_kind(TokenKind::Dev, &real), None);
    }
}
