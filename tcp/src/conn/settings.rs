//! The [`Config`] a connection keeps, packed: what it reads after it was opened, without
//! the copies its RTT estimator and challenge-ACK bucket already hold, bools as bit flags
//! and the delayed-ACK bound in 32 bits. 72 bytes instead of 136 on 64-bit targets.

use unet_core::Duration;

use super::config::{Config, KeepAlive};
use crate::congestion::CongestionConfig;
use crate::rtt::RttConfig;

const WINDOW_SCALING: u8 = 1 << 0;
const TIMESTAMPS: u8 = 1 << 1;
const SACK: u8 = 1 << 2;
const NAGLE: u8 = 1 << 3;
const KEEP_ALIVE: u8 = 1 << 4;

/// `ack_delay` of `None` (acknowledge every segment at once).
const NO_ACK_DELAY: u32 = u32::MAX;

/// A connection's settings (see [`Config`] for each one's meaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Settings {
    pub(super) time_wait: Duration,
    pub(super) user_timeout: Duration,
    keep_alive_idle: Duration,
    keep_alive_interval: Duration,
    challenge_ack_interval: Duration,
    pub(super) congestion: CongestionConfig,
    /// The delayed-ACK bound in microseconds (`NO_ACK_DELAY`: off); bounds above
    /// 71 minutes are clamped (RFC 1122 §4.2.3.2 allows 500 ms).
    ack_delay_us: u32,
    challenge_ack_burst: u32,
    pub(super) mss: u16,
    pub(super) syn_retries: u8,
    keep_alive_count: u8,
    flags: u8,
}

impl Settings {
    pub(super) fn new(config: &Config) -> Settings {
        let flag = |on: bool, bit: u8| if on { bit } else { 0 };
        let keep_alive = config.keep_alive.unwrap_or_default();
        let ack_delay_us = match config.ack_delay {
            None => NO_ACK_DELAY,
            Some(d) => {
                u32::try_from(d.as_micros()).unwrap_or(NO_ACK_DELAY - 1).min(NO_ACK_DELAY - 1)
            }
        };
        Settings {
            time_wait: config.time_wait,
            user_timeout: config.user_timeout,
            keep_alive_idle: keep_alive.idle,
            keep_alive_interval: keep_alive.interval,
            challenge_ack_interval: config.challenge_ack_interval,
            congestion: config.congestion,
            ack_delay_us,
            challenge_ack_burst: config.challenge_ack_burst,
            mss: config.mss,
            syn_retries: config.syn_retries,
            keep_alive_count: keep_alive.count,
            flags: flag(config.window_scaling, WINDOW_SCALING)
                | flag(config.timestamps, TIMESTAMPS)
                | flag(config.sack, SACK)
                | flag(config.nagle, NAGLE)
                | flag(config.keep_alive.is_some(), KEEP_ALIVE),
        }
    }

    /// The [`Config`] back, with `rtt` as the estimator applies it.
    pub(super) fn config(&self, rtt: RttConfig) -> Config {
        Config {
            mss: self.mss,
            window_scaling: self.window_scaling(),
            timestamps: self.timestamps(),
            sack: self.sack(),
            nagle: self.nagle(),
            ack_delay: self.ack_delay(),
            keep_alive: self.keep_alive(),
            time_wait: self.time_wait,
            user_timeout: self.user_timeout,
            syn_retries: self.syn_retries,
            congestion: self.congestion,
            rtt,
            challenge_ack_interval: self.challenge_ack_interval,
            challenge_ack_burst: self.challenge_ack_burst,
        }
    }

    fn set(&mut self, bit: u8, on: bool) {
        if on {
            self.flags |= bit;
        } else {
            self.flags &= !bit;
        }
    }

    pub(super) fn window_scaling(&self) -> bool {
        self.flags & WINDOW_SCALING != 0
    }

    pub(super) fn timestamps(&self) -> bool {
        self.flags & TIMESTAMPS != 0
    }

    pub(super) fn sack(&self) -> bool {
        self.flags & SACK != 0
    }

    pub(super) fn nagle(&self) -> bool {
        self.flags & NAGLE != 0
    }

    pub(super) fn set_timestamps(&mut self, on: bool) {
        self.set(TIMESTAMPS, on);
    }

    pub(super) fn set_sack(&mut self, on: bool) {
        self.set(SACK, on);
    }

    pub(super) fn set_nagle(&mut self, on: bool) {
        self.set(NAGLE, on);
    }

    pub(super) fn ack_delay(&self) -> Option<Duration> {
        (self.ack_delay_us != NO_ACK_DELAY)
            .then(|| Duration::from_micros(u64::from(self.ack_delay_us)))
    }

    pub(super) fn keep_alive(&self) -> Option<KeepAlive> {
        (self.flags & KEEP_ALIVE != 0).then_some(KeepAlive {
            idle: self.keep_alive_idle,
            interval: self.keep_alive_interval,
            count: self.keep_alive_count,
        })
    }
}
