//! Service levels: working-time calendars (stored per tenant), deadlines and the remaining/overdue
//! indicators of cases.

mod calendar;
pub mod calendars;

pub use calendar::{Calendar, CalendarError, Hours, Standing, deadline, standing};
