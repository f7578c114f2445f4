//! Passwords, tokens, cookies and the sign-in policy: what sessions are made of.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::http::request::Parts;
use base64::Engine;
pub use doorstep_core::Role;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How long sessions live and how many failed sign-ins are tolerated. The defaults are the
/// production values; tests shorten them.
#[derive(Debug, Clone)]
pub struct AuthPolicy {
    /// A supervisor's or admin's session ends after this long without a request…
    pub staff_idle: Duration,
    /// …and this long after sign-in however busy, so a forgotten desk session does not live on.
    pub staff_lifetime: Duration,
    /// A courier's device token ends this long after sign-in; it has no idle timeout because
    /// phones stay offline for hours.
    pub device_lifetime: Duration,
    /// `last_seen_at` is written at most this often, so a request is not also a write. An idle
    /// session may therefore end up to this much early.
    pub last_seen_every: Duration,
    /// How long a failed sign-in counts against its username and its client address.
    pub failure_window: Duration,
    /// Failed sign-ins for one username within the window after which attempts are refused.
    pub account_failures: u32,
    /// Failed sign-ins from one client address within the window after which attempts are
    /// refused, whatever the username.
    pub address_failures: u32,
    /// The app is served over TLS (by a proxy in front): cookies get `Secure` and the `__Host-`
    /// prefix.
    pub tls: bool,
}

impl Default for AuthPolicy {
    fn default() -> AuthPolicy {
        const MINUTE: Duration = Duration::from_secs(60);
        AuthPolicy {
            staff_idle: 30 * MINUTE,
            staff_lifetime: 12 * 60 * MINUTE,
            device_lifetime: 30 * 24 * 60 * MINUTE,
            last_seen_every: MINUTE,
            failure_window: 15 * MINUTE,
            account_failures: 5,
            address_failures: 20,
            tls: false,
        }
    }
}

impl AuthPolicy {
    /// Whether a session of `role`, opened at `created_at` and last seen at `last_seen_at`
    /// (milliseconds), has ended by `now`.
    pub fn session_expired(
        &self,
        role: Role,
        created_at: i64,
        last_seen_at: i64,
        now: i64,
    ) -> bool {
        let (lifetime, idle) = match role {
            Role::Courier => (self.device_lifetime, None),
            Role::Supervisor | Role::Admin => (self.staff_lifetime, Some(self.staff_idle)),
        };
        now - created_at >= millis(lifetime)
            || idle.is_some_and(|idle| now - last_seen_at >= millis(idle))
    }
}

/// A duration in the milliseconds the database stores times in.
pub fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// 12 characters without look-alikes (no 0/O, 1/l/I), about 70 bits: read out or typed by hand.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Argon2id with the crate's defaults, which are OWASP's minimum (19 MiB, 2 passes, 1 lane).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh 256-bit token from the OS CSPRNG, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored only as their SHA-256, so a database leak does not leak sessions.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// The session cookie's name: `__Host-` pinned to this origin when served over TLS.
fn session_cookie(tls: bool) -> &'static str {
    if tls {
        "__Host-doorstep_session"
    } else {
        "doorstep_session"
    }
}

/// The CSRF cookie: readable by the app, which echoes it in `X-CSRF-Token`.
fn csrf_cookie(tls: bool) -> &'static str {
    if tls {
        "__Host-doorstep_csrf"
    } else {
        "doorstep_csrf"
    }
}

/// The header a cookie session's state changes must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Longest username an account may have; a longer sign-in is refused before it is counted.
pub const MAX_USERNAME_CHARS: usize = 64;
/// Longest password a sign-in may send (generated ones are far shorter): hashing is not spent on
/// megabytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// `Set-Cookie` values for a browser session: the session itself (HttpOnly) and its CSRF token
/// (readable, so the app can echo it); both `SameSite=Strict`.
pub fn session_cookies(tls: bool, token: &str, csrf: &str) -> [String; 2] {
    let secure = if tls { "; Secure" } else { "" };
    [
        format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Strict{secure}",
            session_cookie(tls)
        ),
        format!(
            "{}={csrf}; Path=/; SameSite=Strict{secure}",
            csrf_cookie(tls)
        ),
    ]
}

/// `Set-Cookie` values that end the browser session.
pub fn cleared_cookies(tls: bool) -> [String; 2] {
    let secure = if tls { "; Secure" } else { "" };
    [session_cookie(tls), csrf_cookie(tls)]
        .map(|name| format!("{name}=; Path=/; Max-Age=0; SameSite=Strict{secure}"))
}

/// The session token of a request: the bearer token, or the session cookie. A cookie, which the
/// browser sends by itself, only counts for a state change with the session's CSRF token.
pub fn session_token(parts: &Parts, tls: bool) -> Option<(&str, bool)> {
    bearer(&parts.headers)
        .map(|token| (token, false))
        .or_else(|| cookie(&parts.headers, session_cookie(tls)).map(|token| (token, true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("correct horse");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn staff_sessions_end_when_idle_or_old_and_devices_only_when_old() {
        let policy = AuthPolicy::default();
        let minute = 60_000;
        let hour = 60 * minute;
        let expired = |role, created_at, last_seen_at, now| {
            policy.session_expired(role, created_at, last_seen_at, now)
        };
        for role in [Role::Supervisor, Role::Admin] {
            assert!(!expired(role, 0, 0, 29 * minute));
            assert!(expired(role, 0, 0, 30 * minute), "idle");
            assert!(!expired(role, 0, 11 * hour + 50 * minute, 12 * hour - 1));
            assert!(expired(role, 0, 12 * hour - minute, 12 * hour), "absolute");
        }
        assert!(
            !expired(Role::Courier, 0, 0, 29 * 24 * hour),
            "no idle timeout"
        );
        assert!(expired(
            Role::Courier,
            0,
            30 * 24 * hour - minute,
            30 * 24 * hour
        ));
    }

    #[test]
    fn random_passwords_avoid_look_alikes() {
        let password = random_password();
        assert_eq!(password.len(), 12);
        assert!(!password.contains(['0', 'O', '1', 'l', 'I']));
        assert_ne!(password, random_password());
    }

    #[test]
    fn tokens_are_unique_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
