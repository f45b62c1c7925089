//! RouteOrder decision handler, implemented with the `RustStepHandler` trait.
//!
//! A decision step chooses which of its downstream steps are created. Register
//! it with `type: decision`; it needs at least one dependency, and the steps it
//! names must be its descendants in the template:
//!
//! ```yaml
//! steps:
//!   - name: validate_request
//!     handler: { callable: ... }
//!   - name: route_order
//!     type: decision
//!     dependencies: [validate_request]
//!     handler:
//!       callable: route_order
//!   - name: fast_track_processing
//!     dependencies: [route_order]
//!     handler: { callable: ... }
//!   - name: manual_review
//!     dependencies: [route_order]
//!     handler: { callable: ... }
//!   - name: approval_gate
//!     dependencies: [manual_review]
//!     handler: { callable: ... }
//!   - name: standard_processing
//!     dependencies: [route_order]
//!     handler: { callable: ... }
//!   - name: finalize
//!     type: deferred_convergence
//!     dependencies: [fast_track_processing, approval_gate, standard_processing]
//!     handler: { callable: ... }
//! ```
//!
//! Steps that are not chosen are never created; `finalize` waits only for the
//! branches that were. Declare the module (`pub mod route_order;` in
//! `src/handlers/mod.rs`) and register `crate::handlers::route_order::RouteOrderHandler` with the
//! worker's handler registry. The routing rule is the pure function
//! [`route_order`], which the tests at the bottom of this file call directly.

use anyhow::Result;
use async_trait::async_trait;
use serde_json::{json, Value};
use std::time::Instant;
use tasker_shared::messaging::StepExecutionResult;
use tasker_shared::types::TaskSequenceStep;
use tasker_worker_rust::step_handlers::StepHandlerConfig;
use tasker_worker_rust::{success_result, RustStepHandler};

pub const FAST_TRACK_STEPS: &[&str] = &["fast_track_processing"];
pub const REVIEW_STEPS: &[&str] = &["manual_review"];
pub const STANDARD_STEPS: &[&str] = &["standard_processing"];

/// Picks the branch from `route_key` in the task context: `fast_track`,
/// `review`, `skip` (no branch at all) or anything else (standard
/// processing). The result carries the `decision_point_outcome` the
/// orchestrator reads: `create_steps` with step names, or `no_branches`.
pub fn route_order(context: &Value) -> Value {
    let create_steps = |route: &str, step_names: &[&str]| {
        json!({
            "routing_context": { "route": route },
            "decision_point_outcome": { "type": "create_steps", "step_names": step_names },
        })
    };
    match context.get("route_key").and_then(Value::as_str) {
        Some("fast_track") => create_steps("fast_track", FAST_TRACK_STEPS),
        Some("review") => create_steps("review", REVIEW_STEPS),
        Some("skip") => json!({
            "routing_context": { "route": "skip" },
            "reason": "route_key asked to skip every branch",
            "decision_point_outcome": { "type": "no_branches" },
        }),
        _ => create_steps("standard", STANDARD_STEPS),
    }
}

/// Runs [`route_order`] for the worker.
pub struct RouteOrderHandler {
    _config: StepHandlerConfig,
}

#[async_trait]
impl RustStepHandler for RouteOrderHandler {
    fn new(config: StepHandlerConfig) -> Self {
        Self { _config: config }
    }

    fn name(&self) -> &str {
        "route_order"
    }

    async fn call(&self, step_data: &TaskSequenceStep) -> Result<StepExecutionResult> {
        let start = Instant::now();
        let context = serde_json::to_value(&step_data.task.context)?;

        let result = self::route_order(&context);

        let duration_ms = start.elapsed().as_millis() as i64;
        Ok(success_result(
            step_data.workflow_step.workflow_step_uuid,
            result,
            duration_ms,
            None,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(route_key: Value) -> Value {
        super::route_order(&json!({ "route_key": route_key }))["decision_point_outcome"].clone()
    }

    #[test]
    fn routes_to_the_chosen_branch() {
        for (route_key, steps) in [
            (json!("fast_track"), vec!["fast_track_processing"]),
            (json!("review"), vec!["manual_review"]),
            (json!("anything_else"), vec!["standard_processing"]),
            (Value::Null, vec!["standard_processing"]),
        ] {
            assert_eq!(
                outcome(route_key.clone()),
                json!({ "type": "create_steps", "step_names": steps }),
                "route_key {route_key}"
            );
        }
    }

    #[test]
    fn skip_creates_no_branch() {
        assert_eq!(outcome(json!("skip")), json!({ "type": "no_branches" }));
    }
}
