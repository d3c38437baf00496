//! The scenario's local clock: simulated seconds since the start turned into
//! the date and time a trainer reads on the wall.
//!
//! A scenario's optional `start` is an ISO 8601 local date and time with its
//! UTC offset, `2025-07-15T06:00:00+08:00` (seconds and the offset may be
//! left out; `Z` means UTC). Times are shown in that offset's local time: a
//! Zhangye scenario says `+08:00` (China Standard Time) and shows Beijing
//! time. Without a start (or with one this module cannot read) the clock
//! counts days from 00:00 of day 1: `第2天 14:32`, `day 2 14:32`.

use crate::Lang;
use std::fmt;

/// A start this module cannot read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadStart(pub String);

impl fmt::Display for BadStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "start {:?} is not an ISO 8601 local date and time like 2025-07-15T06:00:00+08:00",
            self.0
        )
    }
}

impl std::error::Error for BadStart {}

/// The local clock of a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Days since 1970-01-01 of the start's local date, and its local
    /// second of the day; `None` when the scenario gives no start.
    start: Option<(i64, u64)>,
    /// The start's UTC offset in minutes, when given.
    offset_min: Option<i32>,
}

/// A moment on the local clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Local {
    /// Year, month (1–12), day (1–31), when the scenario has a start.
    pub date: Option<(i64, u32, u32)>,
    /// Day of the scenario, 1-based (day 1 holds the start).
    pub day: u64,
    /// Hour, minute, second.
    pub hms: (u32, u32, u32),
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Clock {
    /// The clock of a scenario whose `start` is this; a start that cannot be
    /// read gives the day-counting clock (use [`Clock::parse`] to report it).
    pub fn new(start: Option<&str>) -> Clock {
        Clock::parse(start).unwrap_or(Clock {
            start: None,
            offset_min: None,
        })
    }

    /// The clock of a scenario, or why its `start` cannot be read.
    pub fn parse(start: Option<&str>) -> Result<Clock, BadStart> {
        let Some(s) = start else {
            return Ok(Clock {
                start: None,
                offset_min: None,
            });
        };
        let bad = || BadStart(s.to_string());
        let s2 = s.trim();
        let (date, rest) = s2.split_at_checked(10).ok_or_else(bad)?;
        let mut d = date.split('-');
        let (y, m, dd) = (d.next(), d.next(), d.next());
        let num = |x: Option<&str>, w: usize| -> Result<i64, BadStart> {
            let x = x.ok_or_else(bad)?;
            if x.len() != w || !x.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            x.parse().map_err(|_| bad())
        };
        let (y, m, dd) = (num(y, 4)?, num(m, 2)?, num(dd, 2)?);
        if !(1..=12).contains(&m) || dd < 1 || dd > days_in_month(y, m as u32) as i64 {
            return Err(bad());
        }
        let rest = rest.strip_prefix(['T', ' ']).ok_or_else(bad)?;
        // hh:mm[:ss][Z|±hh:mm]
        let (time, offset) = match rest.find(['Z', '+', '-']) {
            Some(i) => (&rest[..i], Some(&rest[i..])),
            None => (rest, None),
        };
        let mut tp = time.split(':');
        let (h, mi, se) = (tp.next(), tp.next(), tp.next());
        if tp.next().is_some() {
            return Err(bad());
        }
        let h = num(h, 2)?;
        let mi = num(mi, 2)?;
        let se = match se {
            Some(x) => num(Some(x), 2)?,
            None => 0,
        };
        if h > 23 || mi > 59 || se > 59 {
            return Err(bad());
        }
        let offset_min = match offset {
            None => None,
            Some("Z") => Some(0),
            Some(o) => {
                let sign = if o.starts_with('-') { -1 } else { 1 };
                let (oh, om) = o[1..].split_once(':').ok_or_else(bad)?;
                let (oh, om) = (num(Some(oh), 2)?, num(Some(om), 2)?);
                if oh > 14 || om > 59 {
                    return Err(bad());
                }
                Some(sign * (oh * 60 + om) as i32)
            }
        };
        Ok(Clock {
            start: Some((
                days_from_civil(y, m as u32, dd as u32),
                (h * 3600 + mi * 60 + se) as u64,
            )),
            offset_min,
        })
    }

    /// Whether the scenario gave a start (dates are shown).
    pub fn has_date(&self) -> bool {
        self.start.is_some()
    }

    /// The start's UTC offset as written in ISO 8601, `+08:00`, if given.
    pub fn offset(&self) -> Option<String> {
        self.offset_min.map(|m| {
            let s = if m < 0 { '-' } else { '+' };
            format!("{s}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
        })
    }

    /// The local moment `t_s` seconds after the start.
    pub fn at(&self, t_s: u64) -> Local {
        let (day0, sec0) = self.start.unwrap_or((0, 0));
        let total = sec0 + t_s;
        let days = total / 86_400;
        let sod = total % 86_400;
        let hms = (
            (sod / 3600) as u32,
            (sod / 60 % 60) as u32,
            (sod % 60) as u32,
        );
        Local {
            date: self.start.map(|_| civil_from_days(day0 + days as i64)),
            day: days + 1,
            hms,
        }
    }

    /// `14:32`.
    pub fn time(&self, t_s: u64) -> String {
        let (h, m, _) = self.at(t_s).hms;
        format!("{h:02}:{m:02}")
    }

    /// The day: `7月15日` / `15 Jul`, or `第2天` / `day 2` without a start.
    pub fn day(&self, lang: Lang, t_s: u64) -> String {
        let l = self.at(t_s);
        match (l.date, lang) {
            (Some((_, m, d)), Lang::ZhCn) => format!("{m}月{d}日"),
            (Some((_, m, d)), Lang::En) => format!("{d} {}", MONTHS[m as usize - 1]),
            (None, Lang::ZhCn) => format!("第{}天", l.day),
            (None, Lang::En) => format!("day {}", l.day),
        }
    }

    /// Day and time: `7月15日 14:32` / `15 Jul 14:32`.
    pub fn datetime(&self, lang: Lang, t_s: u64) -> String {
        format!("{} {}", self.day(lang, t_s), self.time(t_s))
    }

    /// The full date and time with the year and offset, for a report's
    /// header: `2025年7月15日 06:00 (UTC+08:00)` / `15 Jul 2025 06:00
    /// (UTC+08:00)`; without a start, as [`Clock::datetime`].
    pub fn full(&self, lang: Lang, t_s: u64) -> String {
        let l = self.at(t_s);
        let off = self
            .offset()
            .map_or(String::new(), |o| format!(" (UTC{o})"));
        match (l.date, lang) {
            (Some((y, m, d)), Lang::ZhCn) => {
                format!("{y}年{m}月{d}日 {}{off}", self.time(t_s))
            }
            (Some((y, m, d)), Lang::En) => {
                format!("{d} {} {y} {}{off}", MONTHS[m as usize - 1], self.time(t_s))
            }
            (None, _) => self.datetime(lang, t_s),
        }
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_cross_midnight_months_and_leap_days() {
        let c = Clock::parse(Some("2025-07-15T06:00:00+08:00")).unwrap();
        assert_eq!(c.time(0), "06:00");
        assert_eq!(c.datetime(Lang::ZhCn, 8 * 3600 + 32 * 60), "7月15日 14:32");
        assert_eq!(c.datetime(Lang::En, 8 * 3600 + 32 * 60), "15 Jul 14:32");
        assert_eq!(c.datetime(Lang::En, 18 * 3600), "16 Jul 00:00");
        assert_eq!(c.full(Lang::ZhCn, 0), "2025年7月15日 06:00 (UTC+08:00)");
        let c = Clock::parse(Some("2024-02-28T23:30Z")).unwrap();
        assert_eq!(c.datetime(Lang::En, 3600), "29 Feb 00:30");
        assert_eq!(c.datetime(Lang::En, 86_400 + 3600), "1 Mar 00:30");
        assert_eq!(c.offset().as_deref(), Some("+00:00"));
        let c = Clock::parse(Some("2025-12-31T23:00:00-05:00")).unwrap();
        assert_eq!(c.at(3600).date, Some((2026, 1, 1)));
        assert_eq!(c.offset().as_deref(), Some("-05:00"));
        for days in [-1000_i64, 0, 59, 20_000, 30_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn without_a_start_days_count_from_midnight_of_day_one() {
        let c = Clock::new(None);
        assert!(!c.has_date());
        assert_eq!(
            c.datetime(Lang::ZhCn, 86_400 + 14 * 3600 + 32 * 60),
            "第2天 14:32"
        );
        assert_eq!(c.datetime(Lang::En, 60), "day 1 00:01");
    }

    #[test]
    fn bad_starts_are_refused() {
        for s in [
            "yesterday",
            "2025-13-01T00:00:00",
            "2025-02-30T00:00",
            "2025-07-15",
            "2025-07-15T25:00",
            "2025-07-15T06:00:00+8",
            "2025-07-15T06:00:00:00",
        ] {
            let e = Clock::parse(Some(s)).unwrap_err();
            assert!(e.to_string().contains(s), "{s}: {e}");
        }
        assert!(!Clock::new(Some("nonsense")).has_date());
    }
}
