//! The exercise clock: scenario time that runs at a speed, and can be paused, jumped and reset.
//! Kept as a reading (scenario time at a wall-clock instant) so that any node tells the same time.

use time::OffsetDateTime;

/// 1× is real time; up to 60× for tests and demonstrations.
pub const MAX_SPEED: u32 = 60;

/// A speed the controller may set.
pub fn check_speed(speed: u32) -> Result<u32, crate::DomainError> {
    if (1..=MAX_SPEED).contains(&speed) {
        Ok(speed)
    } else {
        Err(crate::DomainError::invalid_coded(
            "speed",
            crate::error::code::NUMBER,
            format!("the clock's speed is 1 (real time) to {MAX_SPEED}"),
        ))
    }
}

/// What the controller does to the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockAction {
    Play,
    Pause,
    /// Jump to the next timed inject (which then goes).
    Next,
    /// Back to T+0, paused; every inject goes again when its time comes.
    Reset,
    /// Only a new speed.
    Speed,
}

impl ClockAction {
    /// The clock after the action (and a new `speed`, if given) at `now`, and the log's word for
    /// it; `next_at_s` is the next timed inject not yet delivered.
    pub fn apply(
        self,
        clock: Clock,
        speed: Option<u32>,
        next_at_s: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<(Clock, &'static str), crate::DomainError> {
        let clock = match speed {
            Some(s) => clock.with_speed(check_speed(s)?, now),
            None => clock,
        };
        Ok(match self {
            ClockAction::Play => (clock.play(now), "startet"),
            ClockAction::Pause => (clock.pause(now), "sat på pause"),
            ClockAction::Reset => (clock.reset(now), "nulstillet"),
            ClockAction::Speed => (clock, "fik ny hastighed"),
            ClockAction::Next => {
                let next = next_at_s.ok_or_else(|| crate::DomainError::Conflict("every timed inject has been delivered".into()))?;
                (clock.jump(next * 1000, now), "sprang frem til næste inject")
            }
        })
    }
}

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
            // Rounded up: at that instant the clock has reached the time, not a millisecond short.
            let speed = i64::from(self.speed.max(1));
            let ahead = ((scenario_ms - self.scenario_ms).max(0) + speed - 1) / speed;
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
    fn actions_move_the_clock_and_name_themselves() {
        let t0 = datetime!(2027-02-01 09:00 UTC);
        let c = Clock::new(1, t0);
        let (c, what) = ClockAction::Play.apply(c, Some(60), None, t0).unwrap();
        assert_eq!((c.running, c.speed, what), (true, 60, "startet"));
        let (c, _) = ClockAction::Next.apply(c, None, Some(7200), t0 + Duration::seconds(1)).unwrap();
        assert_eq!(c.seconds(t0 + Duration::seconds(1)), 7200);
        assert!(ClockAction::Next.apply(c, None, None, t0).is_err(), "nothing left to jump to");
        assert!(ClockAction::Speed.apply(c, Some(61), None, t0).is_err());
        let (c, _) = ClockAction::Reset.apply(c, None, None, t0).unwrap();
        assert_eq!((c.scenario_ms, c.running), (0, false));
    }

    #[test]
    fn the_wall_time_of_a_scenario_time() {
        let t0 = datetime!(2027-02-01 09:00 UTC);
        let c = Clock::new(60, t0).play(t0);
        assert_eq!(c.wall_time_of(2 * 3600 * 1000), Some(t0 + Duration::minutes(2)));
        assert_eq!(c.pause(t0).wall_time_of(1000), None);
    }
}
