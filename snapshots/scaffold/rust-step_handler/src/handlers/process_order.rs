//! ProcessOrder step handler, implemented with the `RustStepHandler` trait.
//!
//! Register it in a task template by the name `name()` returns:
//!
//! ```yaml
//! steps:
//!   - name: process_order
//!     handler:
//!       callable: process_order
//! ```
//!
//! Declare the module (`pub mod process_order;` in `src/handlers/mod.rs`) and
//! register `crate::handlers::process_order::ProcessOrderHandler` with the worker's handler
//! registry. The step's business logic is the pure function [`process_order`], which
//! the tests at the bottom of this file call with `json!` inputs.

use anyhow::Result;
use async_trait::async_trait;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;
use tasker_shared::messaging::StepExecutionResult;
use tasker_shared::types::TaskSequenceStep;
use tasker_worker_rust::step_handlers::StepHandlerConfig;
use tasker_worker_rust::{success_result, RustStepHandler};

/// Does the work of the `process_order` step.
///
/// `context` is the task context, `dependency_results` maps each ancestor
/// step to its result (`previous_step` is an example: rename it to fit your
/// workflow) and `retry_count` counts the earlier attempts.
pub fn process_order(
    context: &Value,
    dependency_results: &HashMap<String, Value>,
    retry_count: u64,
) -> Value {
    let previous_result = dependency_results.get("previous_step");
    json!({
        "processed": true,
        "handler": "process_order",
        "input_received": context.get("input_value").cloned().unwrap_or(Value::Null),
        "had_previous_result": matches!(previous_result, Some(result) if !result.is_null()),
        "attempt": retry_count + 1,
    })
}

/// Runs [`process_order`] for the worker.
pub struct ProcessOrderHandler {
    _config: StepHandlerConfig,
}

impl ProcessOrderHandler {
    /// The results of the step's dependencies by step name, unwrapped from
    /// the execution results the orchestrator stores.
    fn dependency_results(step_data: &TaskSequenceStep) -> Result<HashMap<String, Value>> {
        let results = match serde_json::to_value(&step_data.dependency_results)? {
            Value::Object(entries) => entries
                .into_iter()
                .map(|(step, entry)| {
                    let result = entry.get("result").cloned().unwrap_or(entry);
                    (step, result)
                })
                .collect(),
            _ => HashMap::new(),
        };
        Ok(results)
    }
}

#[async_trait]
impl RustStepHandler for ProcessOrderHandler {
    fn new(config: StepHandlerConfig) -> Self {
        Self { _config: config }
    }

    fn name(&self) -> &str {
        "process_order"
    }

    async fn call(&self, step_data: &TaskSequenceStep) -> Result<StepExecutionResult> {
        let start = Instant::now();
        let context = serde_json::to_value(&step_data.task.context)?;
        let dependency_results = Self::dependency_results(step_data)?;
        let retry_count = json!(step_data.workflow_step.attempts)
            .as_u64()
            .unwrap_or(0);

        let result = self::process_order(&context, &dependency_results, retry_count);

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

    fn results(entries: &[(&str, Value)]) -> HashMap<String, Value> {
        entries
            .iter()
            .map(|(step, result)| (step.to_string(), result.clone()))
            .collect()
    }

    #[test]
    fn returns_the_task_input() {
        let result =
            super::process_order(&json!({"input_value": "test_value"}), &HashMap::new(), 0);
        assert_eq!(result["processed"], json!(true));
        assert_eq!(result["handler"], json!("process_order"));
        assert_eq!(result["input_received"], json!("test_value"));
        assert_eq!(result["had_previous_result"], json!(false));
        assert_eq!(result["attempt"], json!(1));
    }

    #[test]
    fn sees_the_previous_step_result() {
        let dependencies = results(&[("previous_step", json!({"value": 42}))]);
        let result = super::process_order(&json!({}), &dependencies, 0);
        assert_eq!(result["had_previous_result"], json!(true));
    }

    #[test]
    fn a_missing_input_is_null() {
        let result = super::process_order(&json!({}), &HashMap::new(), 0);
        assert_eq!(result["input_received"], Value::Null);
    }

    #[test]
    fn reports_the_attempt_number_on_a_retry() {
        let result = super::process_order(&json!({}), &HashMap::new(), 1);
        assert_eq!(result["attempt"], json!(2));
    }
}
