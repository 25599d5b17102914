//! The exercise clock: scenario time that runs at a speed, and can be paused, jumped and reset.
//! Kept as a reading (scenario time at a wall-clock instant) so that any node tells the same time.

use time::OffsetDateTime;

/// 1× is real time; up to 60× for tests and demonstrations.
pub const MAX_SPEED: u32 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Clock {
    /// Scenario milliseconds at `since`.
    pub scenario_ms: i64,
    pub since: OffsetDateTime,
    pub speed: u32,
    pub running: bool,
}

impl Clock {
    /// At T+0, paused.
    pub fn new(speed: u32, now: OffsetDateTime) -> Clock {
        Clock { scenario_ms: 0, since: now, speed: speed.clamp(1, MAX_SPEED), running: false }
    }

    /// Scenario milliseconds at `now`.
    pub fn at(&self, now: OffsetDateTime) -> i64 {
        if !self.running {
            return self.scenario_ms;
        }
        let real = (now - self.since).whole_milliseconds().max(0) as i64;
        self.scenario_ms + real * i64::from(self.speed)
    }

    pub fn seconds(&self, now: OffsetDateTime) -> i64 {
        self.at(now) / 1000
    }

    pub fn play(self, now: OffsetDateTime) -> Clock {
        Clock { scenario_ms: self.at(now), since: now, running: true, ..self }
    }

    pub fn pause(self, now: OffsetDateTime) -> Clock {
        Clock { scenario_ms: self.at(now), since: now, running: false, ..self }
    }

    /// Keeps the time told and changes how fast it runs from now on.
    pub fn with_speed(self, speed: u32, now: OffsetDateTime) -> Clock {
        Clock { scenario_ms: self.at(now), since: now, speed: speed.clamp(1, MAX_SPEED), ..self }
    }

    /// Sets scenario time to `to_ms` (never backwards), running or not as before.
    pub fn jump(self, to_ms: i64, now: OffsetDateTime) -> Clock {
        Clock { scenario_ms: self.at(now).max(to_ms), since: now, ..self }
    }

    /// Back to T+0, paused.
    pub fn reset(self, now: OffsetDateTime) -> Clock {
        Clock::new(self.speed, now)
    }

    /// The wall-clock instant at which scenario time reaches `scenario_ms`, if the clock runs.
    pub fn wall_time_of(&self, scenario_ms: i64) -> Option<OffsetDateTime> {
        self.running.then(|| {
            let ahead = (scenario_ms - self.scenario_ms).max(0) / i64::from(self.speed.max(1));
            self.since + time::Duration::milliseconds(ahead)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    #[test]
    fn the_clock_runs_at_its_speed_and_stops_when_paused() {
        let t0 = datetime!(2027-02-01 09:00 UTC);
        let c = Clock::new(60, t0);
        assert_eq!(c.seconds(t0 + Duration::minutes(5)), 0, "a new clock waits for play");
        let c = c.play(t0);
        assert_eq!(c.seconds(t0 + Duration::seconds(2)), 120);
        let c = c.pause(t0 + Duration::seconds(2));
        assert_eq!(c.seconds(t0 + Duration::hours(1)), 120);
        let c = c.with_speed(1, t0 + Duration::seconds(3)).play(t0 + Duration::seconds(3));
        assert_eq!(c.seconds(t0 + Duration::seconds(13)), 130);
        assert_eq!(Clock::new(500, t0).speed, MAX_SPEED);
        assert_eq!(Clock::new(0, t0).speed, 1);
    }

    #[test]
    fn jump_goes_forward_only_and_reset_goes_back_to_t0() {
        let t0 = datetime!(2027-02-01 09:00 UTC);
        let c = Clock::new(10, t0).play(t0);
        let c = c.jump(7_200_000, t0 + Duration::seconds(1));
        assert_eq!(c.seconds(t0 + Duration::seconds(1)), 7200);
        assert!(c.running);
        let c = c.jump(1000, t0 + Duration::seconds(2));
        assert_eq!(c.seconds(t0 + Duration::seconds(2)), 7210, "never backwards");
        let c = c.reset(t0 + Duration::seconds(3));
        assert_eq!((c.seconds(t0 + Duration::hours(2)), c.running, c.speed), (0, false, 10));
    }

    #[test]
    fn the_wall_time_of_a_scenario_time() {
        let t0 = datetime!(2027-02-01 09:00 UTC);
        let c = Clock::new(60, t0).play(t0);
        assert_eq!(c.wall_time_of(2 * 3600 * 1000), Some(t0 + Duration::minutes(2)));
        assert_eq!(c.pause(t0).wall_time_of(1000), None);
    }
}
