//! Limits on what anonymous callers can make the service do: guess passwords, send e-mails.
//!
//! Login attempts (R-SESSION) are counted before the password is verified, by a reservation
//! that decides and counts in one transaction holding the counters' rows: of concurrent wrong
//! passwords at most [`MAX_ATTEMPTS_PER_ADDRESS`] are ever verified. Counting after verifying
//! (check, verify, count) let every request that checked before the others counted through.
//!
//! What is counted, and why:
//! - Per e-mail and client address: [`MAX_ATTEMPTS_PER_ADDRESS`] attempts in
//!   [`WINDOW`] block that address for [`BLOCK`]. An attacker guessing from one address is
//!   stopped, and the owner, logging in from anywhere else, is not: guessing from elsewhere
//!   cannot lock anybody out (counting per e-mail alone let five requests lock an NEC user
//!   out for 15 minutes).
//! - Per e-mail, over all addresses: [`MAX_ATTEMPTS_PER_EMAIL`] attempts in [`WINDOW`] block
//!   the e-mail for [`BLOCK`], so that guessing spread over many addresses stays slow, except
//!   from addresses where the account logged in successfully within [`KNOWN_ADDRESS_FOR`]:
//!   the owner's usual office or home still gets in with the right password (they remain
//!   subject to their own per-address limit). IPv6 addresses count per /64 network, which is
//!   what one subscriber gets: otherwise every address of it would be another attacker.
//!
//! The client address is the TCP peer. Behind a reverse proxy that is the proxy for every
//! client, and the per-address limit becomes a per-e-mail one again; the proxy's forwarded
//! address is not trusted (anybody can send the header) until the service is told which
//! proxy to trust.
//!
//! Counters are keyed by hashes (e-mail and address are personal data), like every other
//! secret-ish key here, and unknown e-mails are counted like known ones: the answers and their
//! timing do not tell which e-mails have accounts.

use crate::secrets::token_hash;
use crate::Services;
use chrono::{DateTime, Duration, Utc};
use domain::values::Email;
use eventstore::error::CommandError;
use std::net::IpAddr;

/// Attempts for one e-mail from one address within [`WINDOW`] before that address is blocked.
pub const MAX_ATTEMPTS_PER_ADDRESS: i32 = 5;
/// Attempts for one e-mail from all addresses within [`WINDOW`] before addresses that never
/// logged in to it are blocked.
pub const MAX_ATTEMPTS_PER_EMAIL: i32 = 30;
pub const WINDOW: Duration = Duration::minutes(15);
pub const BLOCK: Duration = Duration::minutes(15);
/// An address where the account logged in this recently is not blocked by the per-e-mail
/// ceiling.
pub const KNOWN_ADDRESS_FOR: Duration = Duration::days(90);

/// A login attempt's counters, reserved and not yet proven right.
pub struct LoginAttempt {
    address: String,
    email: String,
    known: String,
}

/// One counter as stored: attempts in the window that started at `window_started_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter {
    pub attempts: i32,
    pub window_started_at: DateTime<Utc>,
    pub blocked_until: Option<DateTime<Utc>>,
}

impl Counter {
    fn new(now: DateTime<Utc>) -> Self {
        Self {
            attempts: 0,
            window_started_at: now,
            blocked_until: None,
        }
    }

    /// The counter at `now`: a window that is over (and not blocked) starts again.
    fn at(self, now: DateTime<Utc>) -> Self {
        let blocked = self.blocked_until.is_some_and(|until| until > now);
        if !blocked && self.window_started_at <= now - WINDOW {
            Self::new(now)
        } else {
            self
        }
    }

    fn blocked_for(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.blocked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// One more attempt; reaching `limit` blocks from now on.
    fn counted(self, limit: i32, now: DateTime<Utc>) -> Self {
        let attempts = self.attempts + 1;
        let blocked_until = match self.blocked_for(now) {
            Some(_) => self.blocked_until,
            None if attempts >= limit => Some(now + BLOCK),
            None => None,
        };
        Self {
            attempts,
            blocked_until,
            ..self
        }
    }
}

/// What a login attempt may do, decided on the counters as they are.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Verify the password; the counters after counting this attempt.
    Verify { address: Counter, email: Counter },
    /// Refused unverified, counting nothing.
    Throttled { retry_after: Duration },
}

/// The rule, without storage: see the module's comment.
pub fn decide(
    address: Counter,
    email: Counter,
    known_address: bool,
    now: DateTime<Utc>,
) -> Verdict {
    let (address, email) = (address.at(now), email.at(now));
    let blocked = [
        address.blocked_for(now),
        email.blocked_for(now).filter(|_| !known_address),
    ];
    if let Some(retry_after) = blocked.into_iter().flatten().max() {
        return Verdict::Throttled { retry_after };
    }
    Verdict::Verify {
        address: address.counted(MAX_ATTEMPTS_PER_ADDRESS, now),
        email: email.counted(MAX_ATTEMPTS_PER_EMAIL, now),
    }
}

/// The address counted: IPv4 whole, IPv6 by its /64 network; `None` (not over HTTP): one
/// address for all such callers.
pub fn address_of(client: Option<IpAddr>) -> String {
    match client.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "unknown".into(),
    }
}

type Row = (String, i32, DateTime<Utc>, Option<DateTime<Utc>>);

/// Reserves an attempt for `email` from `client`, or refuses it as throttled. Concurrent
/// attempts for the same e-mail queue on its counter's row for these few statements (never
/// while a password is hashed), so each decides on the counts of all before it.
pub async fn reserve_login(
    services: &Services,
    email: &Email,
    client: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<LoginAttempt, CommandError> {
    let address = address_of(client);
    let attempt = LoginAttempt {
        address: token_hash(&format!("login:{email}|{address}")),
        email: token_hash(&format!("login:{email}")),
        known: token_hash(&format!("known:{email}|{address}")),
    };
    let keys = [attempt.address.clone(), attempt.email.clone()];
    let mut tx = services.pool.begin().await?;
    // Rows are created and locked in key order: two attempts never wait for each other in
    // opposite orders.
    sqlx::query(
        "INSERT INTO login_throttle (key, failures, window_started_at)
         SELECT key, 0, $2 FROM unnest($1::text[]) AS key ORDER BY key
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(&keys[..])
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT key, failures, window_started_at, blocked_until FROM login_throttle
          WHERE key = ANY($1) ORDER BY key FOR UPDATE",
    )
    .bind(&keys[..])
    .fetch_all(&mut *tx)
    .await?;
    let counter = |key: &str| {
        rows.iter()
            .find(|row| row.0 == key)
            .map(|&(_, attempts, window_started_at, blocked_until)| Counter {
                attempts,
                window_started_at,
                blocked_until,
            })
            .unwrap_or(Counter::new(now))
    };
    let known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM login_addresses WHERE key = $1 AND last_login_at > $2)",
    )
    .bind(&attempt.known)
    .bind(now - KNOWN_ADDRESS_FOR)
    .fetch_one(&mut *tx)
    .await?;
    match decide(
        counter(&attempt.address),
        counter(&attempt.email),
        known,
        now,
    ) {
        Verdict::Throttled { retry_after } => {
            tx.rollback().await?;
            Err(CommandError::Throttled {
                retry_after_seconds: retry_after.num_seconds().max(1),
            })
        }
        Verdict::Verify { address, email } => {
            let counters = [(&attempt.address, address), (&attempt.email, email)];
            sqlx::query(
                "UPDATE login_throttle AS t
                    SET failures = c.attempts, window_started_at = c.window_started_at,
                        blocked_until = c.blocked_until
                   FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::timestamptz[])
                        AS c(key, attempts, window_started_at, blocked_until)
                  WHERE t.key = c.key",
            )
            .bind(counters.map(|(key, _)| key.clone()).to_vec())
            .bind(counters.map(|(_, c)| c.attempts).to_vec())
            .bind(counters.map(|(_, c)| c.window_started_at).to_vec())
            .bind(counters.map(|(_, c)| c.blocked_until).to_vec())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(attempt)
        }
    }
}

impl LoginAttempt {
    /// The password was right: this address starts afresh, the attempt is given back to the
    /// e-mail's count, and the address is known for the account from now on.
    pub async fn succeeded(
        self,
        services: &Services,
        now: DateTime<Utc>,
    ) -> Result<(), CommandError> {
        sqlx::query(
            "WITH cleared AS (DELETE FROM login_throttle WHERE key = $1),
                  given_back AS (
                    UPDATE login_throttle
                       SET failures = GREATEST(failures - 1, 0),
                           blocked_until = CASE WHEN failures - 1 < $4 THEN NULL
                                                ELSE blocked_until END
                     WHERE key = $2)
             INSERT INTO login_addresses (key, last_login_at) VALUES ($3, $5)
             ON CONFLICT (key) DO UPDATE SET last_login_at = EXCLUDED.last_login_at",
        )
        .bind(&self.address)
        .bind(&self.email)
        .bind(&self.known)
        .bind(MAX_ATTEMPTS_PER_EMAIL)
        .bind(now)
        .execute(&services.pool)
        .await?;
        Ok(())
    }
}

/// Counts one more use of `what` (e.g. a reset mail for an e-mail) and says whether it is
/// within `limit` per `window`, in one statement (so concurrent uses are all counted). The
/// window starts with its first use and is fixed: at most `limit` uses start in any one of
/// them.
pub async fn within_limit(
    services: &Services,
    what: &str,
    limit: i32,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<bool, CommandError> {
    let within: bool = sqlx::query_scalar(
        "INSERT INTO login_throttle (key, failures, window_started_at) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.window_started_at <= $2 - $3 THEN 1
                           ELSE login_throttle.failures + 1 END,
           window_started_at = CASE WHEN login_throttle.window_started_at <= $2 - $3 THEN $2
                                    ELSE login_throttle.window_started_at END
         RETURNING failures <= $4",
    )
    .bind(token_hash(what))
    .bind(now)
    .bind(window)
    .bind(limit)
    .fetch_one(&services.pool)
    .await?;
    Ok(within)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
    }

    fn fresh() -> Counter {
        Counter::new(t0())
    }

    /// Runs `n` attempts from one address through the rule.
    fn attempts(
        n: i32,
        known: bool,
        mut address: Counter,
        mut email: Counter,
    ) -> (Counter, Counter, i32) {
        let mut verified = 0;
        for _ in 0..n {
            if let Verdict::Verify {
                address: a,
                email: e,
            } = decide(address, email, known, t0())
            {
                (address, email, verified) = (a, e, verified + 1);
            }
        }
        (address, email, verified)
    }

    #[test]
    fn five_attempts_from_one_address_are_verified_then_it_is_blocked_for_15_minutes() {
        let (address, email, verified) = attempts(24, false, fresh(), fresh());
        assert_eq!(verified, MAX_ATTEMPTS_PER_ADDRESS);
        assert_eq!(address.blocked_until, Some(t0() + BLOCK));
        assert_eq!(
            decide(address, email, false, t0() + Duration::minutes(1)),
            Verdict::Throttled {
                retry_after: Duration::minutes(14)
            }
        );
        let later = t0() + BLOCK;
        assert!(matches!(
            decide(address, email, false, later),
            Verdict::Verify { address, .. } if address.attempts == 1 && address.blocked_until.is_none()
        ));
    }

    #[test]
    fn another_address_is_not_blocked_by_one_address() {
        let (_, email, _) = attempts(5, false, fresh(), fresh());
        assert!(matches!(
            decide(fresh(), email, false, t0()),
            Verdict::Verify { .. }
        ));
    }

    #[test]
    fn the_email_ceiling_blocks_unknown_addresses_only() {
        let mut email = fresh();
        for _ in 0..(MAX_ATTEMPTS_PER_EMAIL / MAX_ATTEMPTS_PER_ADDRESS) {
            (_, email, _) = attempts(MAX_ATTEMPTS_PER_ADDRESS, false, fresh(), email);
        }
        assert_eq!(email.blocked_until, Some(t0() + BLOCK));
        assert!(matches!(
            decide(fresh(), email, false, t0()),
            Verdict::Throttled { .. }
        ));
        assert!(matches!(
            decide(fresh(), email, true, t0()),
            Verdict::Verify { .. }
        ));
    }

    #[test]
    fn ipv6_counts_per_64_network_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_of(Some(a)), address_of(Some(b)));
        assert_ne!(address_of(Some(a)), address_of(Some(c)));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_of(Some(mapped)), "192.0.2.7");
    }
}
