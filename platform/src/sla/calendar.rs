//! Working-time calendars and deadlines: "respond within 4 working hours" on a calendar of
//! weekdays 9:00-18:00 in Europe/Berlin with holidays. Pure functions of their inputs.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How far ahead a deadline is looked for before the calendar is declared to have no working time.
const MAX_DAYS: i64 = 3 * 366;

/// Working hours of one weekday, local time. `end` after `start`; an end of 24:00 is written 23:59:59.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    pub time_zone: Tz,
    /// Monday first; `None` is a day off.
    pub week: [Option<Hours>; 7],
    pub holidays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the calendar has no working time in the next three years")]
    NoWorkingTime,
}

impl Calendar {
    /// The working intervals of a local date, in UTC (empty on days off and holidays).
    fn working_interval(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&date) {
            return None;
        }
        let hours = self.week[date.weekday().num_days_from_monday() as usize]?;
        // A local time skipped by a DST change starts the day at the first valid instant after it.
        let resolve = |time: NaiveTime| {
            let local = date.and_time(time);
            self.time_zone
                .from_local_datetime(&local)
                .earliest()
                .or_else(|| {
                    self.time_zone
                        .from_local_datetime(&(local + Duration::hours(1)))
                        .earliest()
                })
                .map(|t| t.with_timezone(&Utc))
        };
        let (start, end) = (resolve(hours.start)?, resolve(hours.end)?);
        (end > start).then_some((start, end))
    }

    /// The moment `work` of working time after `start`.
    pub fn add_working_time(
        &self,
        start: DateTime<Utc>,
        work: Duration,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let mut remaining = work;
        let mut day = start.with_timezone(&self.time_zone).date_naive();
        for _ in 0..MAX_DAYS {
            if let Some((open, close)) = self.working_interval(day) {
                let from = open.max(start);
                if from < close {
                    let available = close - from;
                    if remaining <= available {
                        return Ok(from + remaining);
                    }
                    remaining -= available;
                }
            }
            day = day.succ_opt().ok_or(CalendarError::NoWorkingTime)?;
        }
        Err(CalendarError::NoWorkingTime)
    }

    /// Working time between `from` and `to` (zero if `to` is not later).
    pub fn working_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        let mut day = from.with_timezone(&self.time_zone).date_naive();
        let last = to.with_timezone(&self.time_zone).date_naive();
        while day <= last {
            if let Some((open, close)) = self.working_interval(day) {
                let (a, b) = (open.max(from), close.min(to));
                if b > a {
                    total += b - a;
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }

    /// The usual office week: Monday to Friday, 9:00 to 18:00.
    pub fn office_week(time_zone: Tz) -> Self {
        let hours = Hours {
            start: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
            end: NaiveTime::from_hms_opt(18, 0, 0).expect("valid time"),
        };
        let mut week = [None; 7];
        for day in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ] {
            week[day.num_days_from_monday() as usize] = Some(hours);
        }
        Self {
            time_zone,
            week,
            holidays: Vec::new(),
        }
    }
}

/// A deadline `minutes` after `start`: working time on the calendar if there is one, otherwise
/// plain calendar time.
pub fn deadline(
    start: DateTime<Utc>,
    minutes: i64,
    calendar: Option<&Calendar>,
) -> Result<DateTime<Utc>, CalendarError> {
    let work = Duration::minutes(minutes.max(0));
    match calendar {
        Some(calendar) => calendar.add_working_time(start, work),
        None => Ok(start + work),
    }
}

/// Where a deadline stands at `now`, for the remaining/overdue indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    /// Met (the response or resolution happened in time).
    Met,
    /// Met, but late.
    MetLate,
    Remaining {
        minutes: i64,
    },
    Overdue {
        minutes: i64,
    },
}

pub fn standing(
    deadline: DateTime<Utc>,
    done_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Standing {
    match done_at {
        Some(done) if done <= deadline => Standing::Met,
        Some(_) => Standing::MetLate,
        None if now <= deadline => Standing::Remaining {
            minutes: (deadline - now).num_minutes(),
        },
        None => Standing::Overdue {
            minutes: (now - deadline).num_minutes(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn berlin() -> Calendar {
        let mut c = Calendar::office_week(chrono_tz::Europe::Berlin);
        c.holidays
            .push(NaiveDate::from_ymd_opt(2026, 12, 25).unwrap());
        c
    }

    #[test]
    fn calendar_time_without_a_calendar() {
        assert_eq!(
            deadline(utc("2026-11-20T17:00:00Z"), 240, None).unwrap(),
            utc("2026-11-20T21:00:00Z")
        );
    }

    #[test]
    fn working_time_skips_nights_weekends_and_holidays() {
        let c = berlin();
        // Friday 16:00 Berlin (15:00 UTC) + 4 working hours: 2 on Friday, 2 on Monday from 9:00.
        assert_eq!(
            c.add_working_time(utc("2026-11-20T15:00:00Z"), Duration::hours(4))
                .unwrap(),
            utc("2026-11-23T10:00:00Z")
        );
        // Saturday: the clock starts on Monday at 9:00 Berlin (8:00 UTC).
        assert_eq!(
            c.add_working_time(utc("2026-11-21T12:00:00Z"), Duration::minutes(30))
                .unwrap(),
            utc("2026-11-23T08:30:00Z")
        );
        // Before opening: from 9:00 the same day.
        assert_eq!(
            c.add_working_time(utc("2026-11-24T05:00:00Z"), Duration::hours(1))
                .unwrap(),
            utc("2026-11-24T09:00:00Z")
        );
        // Thursday 24 Dec afternoon, over Christmas (Friday a holiday) to Monday 28th.
        assert_eq!(
            c.add_working_time(utc("2026-12-24T16:00:00Z"), Duration::hours(2))
                .unwrap(),
            utc("2026-12-28T09:00:00Z")
        );
        // A whole working day is nine hours.
        assert_eq!(
            c.add_working_time(utc("2026-11-23T08:00:00Z"), Duration::hours(9))
                .unwrap(),
            utc("2026-11-23T17:00:00Z")
        );
    }

    #[test]
    fn daylight_saving_changes_keep_local_office_hours() {
        let c = berlin();
        // Friday 27 March 2026 17:00 CET (16:00 UTC); clocks go forward on Sunday 29th; Monday
        // opens at 9:00 CEST = 7:00 UTC.
        assert_eq!(
            c.add_working_time(utc("2026-03-27T16:00:00Z"), Duration::hours(2))
                .unwrap(),
            utc("2026-03-30T08:00:00Z")
        );
    }

    #[test]
    fn a_calendar_without_working_days_is_an_error() {
        let c = Calendar {
            time_zone: chrono_tz::UTC,
            week: [None; 7],
            holidays: Vec::new(),
        };
        assert_eq!(
            c.add_working_time(utc("2026-01-01T00:00:00Z"), Duration::minutes(1)),
            Err(CalendarError::NoWorkingTime)
        );
    }

    #[test]
    fn standing_of_deadlines() {
        let d = utc("2026-11-20T12:00:00Z");
        assert_eq!(
            standing(d, None, utc("2026-11-20T11:00:00Z")),
            Standing::Remaining { minutes: 60 }
        );
        assert_eq!(
            standing(d, None, utc("2026-11-20T12:30:00Z")),
            Standing::Overdue { minutes: 30 }
        );
        assert_eq!(
            standing(
                d,
                Some(utc("2026-11-20T11:59:00Z")),
                utc("2026-11-21T00:00:00Z")
            ),
            Standing::Met
        );
        assert_eq!(
            standing(
                d,
                Some(utc("2026-11-20T12:01:00Z")),
                utc("2026-11-21T00:00:00Z")
            ),
            Standing::MetLate
        );
    }

    proptest! {
        #[test]
        fn deadlines_grow_with_work_and_land_in_working_hours(start in 1_780_000_000i64..1_830_000_000, a in 0i64..10_000, b in 0i64..10_000) {
            let c = berlin();
            let start = DateTime::from_timestamp(start, 0).unwrap();
            let (small, large) = (a.min(b), a.max(b));
            let d1 = c.add_working_time(start, Duration::minutes(small)).unwrap();
            let d2 = c.add_working_time(start, Duration::minutes(large)).unwrap();
            prop_assert!(d1 <= d2);
            prop_assert!(d1 >= start);
            // The working time between the start and the deadline is exactly what was asked.
            prop_assert_eq!(c.working_time_between(start, d2), Duration::minutes(large));
            if large > 0 {
                let local = d2.with_timezone(&c.time_zone);
                let day = c.week[local.weekday().num_days_from_monday() as usize];
                prop_assert!(day.is_some(), "deadline on a day off: {}", local);
                let hours = day.unwrap();
                prop_assert!(local.time() > hours.start && local.time() <= hours.end, "outside hours: {}", local);
            }
        }
    }
}
