//! Scenarios and exercises: keeping scenarios (JSON, the MSEL as CSV), running one, its clock,
//! injects, parts and observations.

use super::file;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use app::exercises::{ClockAction, KeptScenario};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::Permission as P;
use domain::exercise::{Exercise, InjectState, NewInject, NewObservation, NewScenario, Observation, Part, Participant, Scenario, msel};
use domain::incident::IncidentKind;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct ScenarioSummary {
    id: String,
    title: String,
    kind: IncidentKind,
    affected: Vec<String>,
    /// "T+06:00".
    duration: String,
    injects: usize,
    objectives: usize,
    /// Comes with the program: it can be run and copied, not changed.
    builtin: bool,
}

impl From<KeptScenario> for ScenarioSummary {
    fn from(k: KeptScenario) -> Self {
        let s = k.scenario;
        ScenarioSummary {
            duration: domain::exercise::scenario::format_offset(s.duration_s),
            injects: s.injects.len(),
            objectives: s.objectives.len(),
            id: s.id,
            title: s.title,
            kind: s.kind,
            affected: s.affected,
            builtin: k.builtin,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Scenarios {
    scenarios: Vec<ScenarioSummary>,
}

/// The scenarios: the built-in ones first, then the secretariat's own
#[utoipa::path(get, path = "/api/v1/scenarios", operation_id = "list_scenarios", extensions(("x-permission" = json!(P::ViewScenarios))),
    responses((status = OK, body = Scenarios)))]
pub async fn scenarios(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Scenarios>, ApiError> {
    let list = s.app.scenarios(&c.actor()).await?;
    Ok(Json(Scenarios { scenarios: list.into_iter().map(ScenarioSummary::from).collect() }))
}

/// Add or replace one of the secretariat's scenarios (the file `GET /api/v1/scenarios/{id}` gives); every problem is listed by field
#[utoipa::path(post, path = "/api/v1/scenarios", operation_id = "keep_scenario", extensions(("x-permission" = json!(P::KeepScenarios))),
    responses((status = CREATED, body = Scenario)))]
pub async fn keep(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(n): Json<NewScenario>,
) -> Result<(StatusCode, Json<Scenario>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.keep_scenario(&c.actor(), n).await?)))
}

/// A scenario, in the form an import takes
#[utoipa::path(get, path = "/api/v1/scenarios/{id}", operation_id = "scenario", extensions(("x-permission" = json!(P::ViewScenarios))),
    params(("id" = String, Path, description = "the scenario's id, e.g. energinet-cyberangreb")),
    responses((status = OK, body = Scenario)))]
pub async fn scenario(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<String>) -> Result<Json<Scenario>, ApiError> {
    Ok(Json(s.app.scenario(&c.actor(), &id).await?.scenario))
}

/// Remove one of the secretariat's scenarios (exercises already run keep their copy)
#[utoipa::path(delete, path = "/api/v1/scenarios/{id}", operation_id = "remove_scenario", extensions(("x-permission" = json!(P::KeepScenarios))),
    params(("id" = String, Path)), responses((status = NO_CONTENT)))]
pub async fn remove(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    s.app.remove_scenario(&c.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The scenario's injects as an MSEL spreadsheet (CSV, UTF-8 with a byte-order mark)
#[utoipa::path(get, path = "/api/v1/scenarios/{id}/msel.csv", operation_id = "scenario_msel", extensions(("x-permission" = json!(P::ViewScenarios))),
    params(("id" = String, Path)), responses((status = OK, body = String, content_type = "text/csv")))]
pub async fn msel(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<String>) -> Result<Response, ApiError> {
    let k = s.app.scenario(&c.actor(), &id).await?;
    Ok(file("text/csv; charset=utf-8", &format!("msel-{}.csv", k.scenario.id), msel::injects_to_csv(&k.scenario.injects)))
}

/// Replace the injects of one of the secretariat's scenarios with an MSEL spreadsheet (text/csv, the columns of the export in any order, `,` or `;`)
#[utoipa::path(put, path = "/api/v1/scenarios/{id}/msel.csv", operation_id = "import_msel", extensions(("x-permission" = json!(P::KeepScenarios))),
    params(("id" = String, Path)), request_body(content = String, content_type = "text/csv"), responses((status = OK, body = Scenario)))]
pub async fn import_msel(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Scenario>, ApiError> {
    let csv = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv") || v.starts_with("text/plain"));
    // Whether the caller may keep scenarios at all is told before what is wrong with the file.
    c.actor().may(P::KeepScenarios).map_err(app::Error::from)?;
    if !csv {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the file with 'Content-Type: text/csv'",
        ));
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::bad_request("the file is not UTF-8 text; save it as CSV UTF-8"))?;
    Ok(Json(s.app.import_msel(&c.actor(), &id, text).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// 1 is real time; up to 60.
    #[serde(default = "real_time")]
    #[schema(minimum = 1, maximum = 60)]
    speed: u32,
}

fn real_time() -> u32 {
    1
}

#[derive(Serialize, ToSchema)]
pub struct Run {
    /// The exercise incident.
    incident: Uuid,
}

/// Run the scenario: an exercise incident with the standing roster, the guide template as its draft, the clock paused at T+0 and the caller as controller
#[utoipa::path(post, path = "/api/v1/scenarios/{id}/run", operation_id = "run_scenario", extensions(("x-permission" = json!(P::RunExercise))),
    params(("id" = String, Path)), responses((status = CREATED, body = Run)))]
pub async fn run(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    Json(r): Json<RunRequest>,
) -> Result<(StatusCode, Json<Run>), ApiError> {
    let incident = s.app.run_scenario(&c.actor(), &id, r.speed).await?;
    Ok((StatusCode::CREATED, Json(Run { incident: incident.id })))
}

#[derive(Serialize, ToSchema)]
pub struct ClockView {
    /// Scenario seconds since T+0, now.
    scenario_time_s: i64,
    speed: u32,
    running: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ExerciseView {
    incident: Uuid,
    scenario_id: String,
    title: String,
    duration_s: i64,
    clock: ClockView,
    /// Every timed inject has gone and the clock has passed the end.
    finished: bool,
    injects: Vec<InjectState>,
    parts: Vec<Participant>,
    observations: Vec<Observation>,
    #[serde(with = "time::serde::rfc3339")]
    started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    archived_at: Option<OffsetDateTime>,
}

impl From<Exercise> for ExerciseView {
    fn from(e: Exercise) -> Self {
        let now = domain::time::now();
        ExerciseView {
            incident: e.incident_id,
            finished: e.finished(now),
            clock: ClockView { scenario_time_s: e.clock.seconds(now), speed: e.clock.speed, running: e.clock.running },
            scenario_id: e.scenario.id,
            title: e.scenario.title,
            duration_s: e.scenario.duration_s,
            injects: e.injects,
            parts: e.parts,
            observations: e.observations,
            started_at: e.started_at,
            archived_at: e.archived_at,
        }
    }
}

/// The exercise: its clock, its injects (each with `at_s` and `delivered_at`), who takes part and the observations
#[utoipa::path(get, path = "/api/v1/incidents/{id}/exercise", operation_id = "exercise", extensions(("x-permission" = json!(P::ViewExercise))),
    responses((status = OK, body = ExerciseView)))]
pub async fn show(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<ExerciseView>, ApiError> {
    Ok(Json(s.app.exercise(&c.actor(), id).await?.into()))
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum ClockWord {
    Play,
    Pause,
    Next,
    Reset,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockRequest {
    /// Leave out to change only the speed.
    action: Option<ClockWord>,
    #[schema(minimum = 1, maximum = 60)]
    speed: Option<u32>,
}

/// The controller plays, pauses, jumps to the next inject (delivering it) or resets the exercise clock, and may set its speed
#[utoipa::path(post, path = "/api/v1/incidents/{id}/exercise/clock", operation_id = "exercise_clock", extensions(("x-permission" = json!(P::RunExercise))),
    responses((status = OK, body = ExerciseView)))]
pub async fn clock(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<ClockRequest>,
) -> Result<Json<ExerciseView>, ApiError> {
    let action = match (r.action, r.speed) {
        (Some(ClockWord::Play), _) => ClockAction::Play,
        (Some(ClockWord::Pause), _) => ClockAction::Pause,
        (Some(ClockWord::Next), _) => ClockAction::Next,
        (Some(ClockWord::Reset), _) => ClockAction::Reset,
        (None, Some(_)) => ClockAction::Speed,
        (None, None) => {
            return Err(ApiError::from(domain::DomainError::invalid("action", "give an action (play, pause, next, reset) or a speed")));
        }
    };
    Ok(Json(s.app.control_exercise(&c.actor(), id, action, r.speed).await?.into()))
}

/// The controller archives the exercise: the clock stops for good, and its observations and participants are purged after the retention period
#[utoipa::path(post, path = "/api/v1/incidents/{id}/exercise/archive", operation_id = "archive_exercise", extensions(("x-permission" = json!(P::RunExercise))),
    responses((status = OK, body = ExerciseView)))]
pub async fn archive(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<ExerciseView>, ApiError> {
    Ok(Json(s.app.archive_exercise(&c.actor(), id).await?.into()))
}

/// The controller delivers an inject now: a manual one, or a timed one ahead of its time
#[utoipa::path(post, path = "/api/v1/incidents/{id}/exercise/injects/{number}/deliver", operation_id = "deliver_inject", extensions(("x-permission" = json!(P::RunExercise))),
    params(("id" = Uuid, Path), ("number" = u32, Path)), responses((status = OK, body = ExerciseView)))]
pub async fn deliver(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, number)): Path<(Uuid, u32)>,
) -> Result<Json<ExerciseView>, ApiError> {
    Ok(Json(s.app.deliver_inject(&c.actor(), id, number).await?.into()))
}

/// The controller changes an inject that has not gone yet (the number is the path's)
#[utoipa::path(put, path = "/api/v1/incidents/{id}/exercise/injects/{number}", operation_id = "edit_inject", extensions(("x-permission" = json!(P::RunExercise))),
    params(("id" = Uuid, Path), ("number" = u32, Path)), responses((status = OK, body = ExerciseView)))]
pub async fn edit_inject(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, number)): Path<(Uuid, u32)>,
    Json(mut i): Json<NewInject>,
) -> Result<Json<ExerciseView>, ApiError> {
    i.number = number;
    Ok(Json(s.app.edit_inject(&c.actor(), id, i).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartRequest {
    #[schema(max_length = 254)]
    email: String,
    /// null takes the person out of the exercise.
    part: Option<Part>,
}

/// The controller names a person's part: controller, evaluator or player (agents and authority editors receive the injects sent to them)
#[utoipa::path(put, path = "/api/v1/incidents/{id}/exercise/parts", operation_id = "set_exercise_part", extensions(("x-permission" = json!(P::RunExercise))),
    responses((status = OK, body = ExerciseView)))]
pub async fn set_part(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<PartRequest>,
) -> Result<Json<ExerciseView>, ApiError> {
    Ok(Json(s.app.set_exercise_part(&c.actor(), id, &r.email, r.part).await?.into()))
}

/// An evaluator's observation, about an inject and an objective, with a rating
#[utoipa::path(post, path = "/api/v1/incidents/{id}/exercise/observations", operation_id = "observe_exercise", extensions(("x-permission" = json!(P::ObserveExercise))),
    responses((status = CREATED, body = Observation)))]
pub async fn observe(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(o): Json<NewObservation>,
) -> Result<(StatusCode, Json<Observation>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.observe(&c.actor(), id, o).await?)))
}
